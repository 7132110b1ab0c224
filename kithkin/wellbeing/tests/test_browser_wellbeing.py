"""Check-ins, insights, goals and the support card in a real Chromium."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kithkin.accounts.models import User
from kithkin.conftest import SCREENSHOTS, log_in, make_user, screenshot
from kithkin.support.models import HardDay
from kithkin.wellbeing.models import CheckIn, Goal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_check_in_in_a_few_taps(page) -> None:
    make_user("erin", timezone="Pacific/Auckland")
    log_in(page, "erin")
    page.get_by_role("link", name="Check-in").click()
    page.wait_for_url("**/checkin/")
    page.get_by_role("radio", name="Good").first.check()
    page.get_by_role("group", name="Energy").get_by_text("Some").click()
    screenshot(page, "checkin")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/checkin/**")
    checkin = CheckIn.objects.get(owner__username="erin")
    assert (checkin.mood, checkin.energy) == (4, "some")
    page.get_by_role("link", name="Your check-ins so far").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "checkin-history")


def test_insights_draw_the_circle_map_from_a_lived_in_account(page) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    password = re.search(r"with the password (\S+)", out.getvalue()).group(1)  # type: ignore[union-attr]
    log_in(page, "demo", password)
    page.get_by_role("link", name="Insights").click()
    page.wait_for_url("**/insights/")
    circle_map = page.locator("svg.circle-map")
    expect(circle_map).to_be_visible()
    assert circle_map.locator("circle.map-dot").count() == 25
    box = circle_map.bounding_box()
    assert box is not None and box["width"] > 250, "the map is big enough to look at"
    # Every chart has words beside it.
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 4
    screenshot(page, "insights")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    circle_map.screenshot(path=str(SCREENSHOTS / f"circle-map-{page.viewport_size['width']}.png"))
    page.goto(page.base + "/insights/summary/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    screenshot(page, "summary-print")


def test_a_goal_in_one_tap(page) -> None:
    make_user("finn")
    log_in(page, "finn")
    page.goto(page.base + "/goals/new/")
    page.get_by_role("button", name="A call with someone each week").click()
    page.wait_for_url(re.compile(r".*/goals/.*"))
    assert Goal.objects.filter(owner__username="finn", measure="call").count() == 1
    screenshot(page, "goals")


def test_im_struggling_brings_a_warm_card_that_can_be_put_away(page) -> None:
    user: User = make_user("gus")
    log_in(page, "gus")
    page.get_by_role("button", name="I'm struggling").click()
    page.wait_for_url("**/today/**")
    card = page.locator("#support-card")
    expect(card).to_be_visible()
    # Non-blocking: the energy buttons are still there to use.
    expect(page.get_by_role("button", name="Running low")).to_be_visible()
    screenshot(page, "support-card")
    page.get_by_role("button", name="Put this away for today").click()
    page.wait_for_url("**/today/**")
    expect(page.locator("#support-card")).to_have_count(0)
    assert HardDay.objects.get(owner=user).dismissed_at is not None
