"""Journey: a person invites a partner to see their check-ins, and only those.

Two people in two browser contexts (two cookie jars): Amara shares mood, energy
and sleep with the partner she calls "Sunny Bea"; Beatrix opens the link, signs
in, accepts, and sees those check-ins and nothing else (no goal, plan,
questionnaire result, circle, notes, or what Amara calls her). Amara ends it;
Beatrix's view is gone and the list of people sharing with her is empty.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from kithkin.circle.models import Person
from kithkin.conftest import (
    expect_not_found_logged,
    fill_log_in,
    log_in,
    make_user,
    screenshot,
    watched_page,
)
from kithkin.partners.models import Partnership
from kithkin.plans.models import Plan
from kithkin.wellbeing.models import CheckIn, Goal, Measure, MeasureKind
from kithkin.wellbeing.summary import measure_result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTNER_NAME = "Sunny Bea"  # what Amara calls her partner: Amara's words, not Beatrix's
CIRCLE_NAME = "Grandma Rosa"
GOAL_TITLE = "Call Noor each Sunday"
PLAN_TITLE = "Walk with Theo by the canal"
NOTE_TEXT = "the dentist ran late again"
MEASURE_SCORE = 7


def _amara() -> tuple[list[CheckIn], str]:
    """Amara, with three check-ins and things that are hers alone. Returns the
    check-ins and the words her questionnaire result is shown in."""
    amara = make_user("amara", first_name="Amara", timezone="Europe/London")
    today = timezone.localdate(timezone=amara.zone)
    checkins = [
        CheckIn.objects.create(
            owner=amara,
            day=today,
            mood=5,
            energy="good",
            sleep_hours=Decimal("7.5"),
            rested=4,
            meaningful=True,
            connected=4,
            note=NOTE_TEXT,
            tags=["family"],
        ),
        CheckIn.objects.create(
            owner=amara,
            day=today - timedelta(days=1),
            mood=2,
            energy="low",
            sleep_hours=Decimal("5"),
            rested=2,
            note="couldn't settle",
        ),
        CheckIn.objects.create(
            owner=amara, day=today - timedelta(days=3), mood=3, energy="some", sleep_hours=None
        ),
    ]
    Goal.objects.create(owner=amara, title=GOAL_TITLE, measure="call")
    Plan.objects.create(
        owner=amara,
        title=PLAN_TITLE,
        rrule="FREQ=DAILY",
        start_date=date(2026, 1, 1),
        start_time=time(10, 0),
        timezone=amara.timezone,
    )
    Person.objects.create(owner=amara, name=CIRCLE_NAME)
    Measure.objects.create(
        owner=amara,
        kind=MeasureKind.UCLA3,
        taken_on=today,
        answers=[3, 2, 2],
        score=MEASURE_SCORE,
        direct=2,
    )
    result = measure_result(MeasureKind.UCLA3, today, MEASURE_SCORE, 2)
    return checkins, str(result.range_text)


def _day(d: date) -> str:
    return dateformat.format(d, "D j M")


def _private_things_absent(html: str, where: str, measure_words: str) -> None:
    for private in (
        GOAL_TITLE,
        PLAN_TITLE,
        CIRCLE_NAME,
        NOTE_TEXT,
        "couldn't settle",
        "couldn&#x27;t settle",
        PARTNER_NAME,
        measure_words,
        "6 to 9",  # the UCLA-3 scale the result is worded against
        "UCLA",
        "Quite connected",  # a check-in field Amara didn't tick
        "Something meaningful",
        "family",  # a check-in tag
    ):
        assert private not in html, f"{private!r} is not shown to the partner on {where}"


def test_a_partner_sees_only_the_shared_check_ins_until_it_is_ended(
    browser, live_server, viewport
) -> None:
    checkins, measure_words = _amara()
    make_user("beatrix", timezone="America/New_York")

    with (
        watched_page(browser, live_server, viewport) as a,
        watched_page(browser, live_server, viewport) as b,
    ):
        # Amara: Settings → Accountability partners → add one, tick the check-in items.
        log_in(a, "amara")
        a.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
        a.wait_for_url("**/settings/")
        a.get_by_role("link", name="Accountability partners").click()
        a.wait_for_url("**/partners/")
        a.get_by_role("link", name="Add a partner").click()
        a.get_by_label("What you call them").fill(PARTNER_NAME)
        screenshot(a, "journey4-add-partner")
        a.get_by_role("button", name="Add", exact=True).click()
        a.wait_for_url(re.compile(r".*/partners/\d+/$"))
        expect(a.get_by_role("heading", level=1, name=PARTNER_NAME)).to_be_visible()
        for label in ("Mood from check-ins", "Energy from check-ins", "Sleep from check-ins"):
            a.get_by_role("checkbox", name=label).check()
        a.get_by_role("button", name=f"Save what {PARTNER_NAME} can see").click()
        expect(a.get_by_text(f"Saved. {PARTNER_NAME} can see:")).to_be_visible()
        partnership = Partnership.objects.get(owner__username="amara")
        assert partnership.shares == ["mood", "energy", "sleep"]
        for label in ("How your gentle goals are going", "Your plans this week"):
            expect(a.get_by_role("checkbox", name=label)).not_to_be_checked()

        a.get_by_role("button", name=f"Make a link for {PARTNER_NAME}").click()
        link_box = a.locator("#partner-link")
        expect(link_box).to_be_visible()
        link = link_box.inner_text().strip()
        assert link.startswith(live_server.url + "/partners/accept/")
        screenshot(a, "journey4-invite-link")

        # Beatrix, in her own browser: the link asks her to sign in, then to accept.
        b.goto(link)
        expect(
            b.get_by_role("heading", name="You've been invited to be someone's partner")
        ).to_be_visible()
        assert "Amara" not in b.content(), "who invited is shown only after signing in"
        b.get_by_role("link", name="Sign in").click()
        fill_log_in(b, "beatrix")
        b.wait_for_url(link)
        expect(
            b.get_by_role("heading", name="Amara would like you as their partner")
        ).to_be_visible()
        accept_html = b.content()
        for words in ("Your mood on each day", "Your energy on each day", "Your hours of sleep"):
            assert words in accept_html, "the invitation says what will be shared"
        for words in ("gentle goal", "loneliness and wellbeing", "plans in the coming week"):
            assert words not in accept_html, "and not what won't be"
        _private_things_absent(accept_html, "the invitation", measure_words)
        screenshot(b, "journey4-accept")
        b.get_by_role("button", name="Accept").click()
        b.wait_for_url(f"**/partners/shared/{partnership.pk}/")
        expect(b.get_by_text("You're now Amara's partner.")).to_be_visible()
        expect(b.get_by_role("heading", level=1, name="What Amara shares with you")).to_be_visible()

        # Exactly Amara's check-ins, row by row, newest first.
        table = b.locator("table.shared-checkins")
        headers = table.locator("thead th").all_inner_texts()
        assert [h.strip() for h in headers] == ["Day", "Mood", "Energy", "Sleep"]
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(3)
        expected = [
            [_day(checkins[0].day), "Very good", "Good", "7.5 h · Mostly"],
            [_day(checkins[1].day), "Low", "Running low", "5 h · A little"],
            [_day(checkins[2].day), "Okay", "Some", "—"],
        ]
        shown = [
            [" ".join(cell.split()) for cell in rows.nth(i).locator("th, td").all_inner_texts()]
            for i in range(3)
        ]
        assert shown == expected
        # Nothing else: no goals, questionnaires or plans sections, and no private words.
        for heading in ("Gentle goals", "Questionnaires (latest)", "Plans in the coming week"):
            expect(b.get_by_role("heading", name=heading)).to_have_count(0)
        _private_things_absent(b.content(), "the shared view", measure_words)
        screenshot(b, "journey4-shared-view")

        b.goto(b.base + "/partners/shared/")
        _private_things_absent(b.content(), "the list of people sharing", measure_words)
        b.get_by_role("link", name="Amara").click()
        b.wait_for_url(f"**/partners/shared/{partnership.pk}/")

        # Amara sees that Beatrix looked, then ends it.
        a.goto(a.base + "/partners/")
        partner_card = a.locator("article.partner-card", has_text=PARTNER_NAME)
        expect(partner_card).to_contain_text("Linked to their account (beatrix)")
        expect(partner_card).to_contain_text("Last looked:")
        a.get_by_role("link", name=PARTNER_NAME).click()
        a.get_by_role("link", name=f"Stop sharing with {PARTNER_NAME}").click()
        expect(
            a.get_by_role("heading", level=1, name=f"Stop sharing with {PARTNER_NAME}?")
        ).to_be_visible()
        screenshot(a, "journey4-revoke")
        a.get_by_role("button", name=f"Stop sharing with {PARTNER_NAME}").click()
        a.wait_for_url("**/partners/")
        expect(a.get_by_text(f"Done. {PARTNER_NAME} can no longer see anything")).to_be_visible()
        ended = a.get_by_role("region", name="Ended")
        expect(ended.get_by_role("link", name=PARTNER_NAME)).to_be_visible()
        partnership.refresh_from_db()
        assert partnership.revoked_at is not None
        assert partnership.partner is not None and partnership.partner.username == "beatrix"

        # Beatrix reloads: the view is gone (a plain "not found", no data), and the
        # list no longer has Amara.
        response = b.reload()
        assert response is not None and response.status == 404
        expect_not_found_logged(b)
        expect(b.get_by_role("heading", level=1, name="We couldn't find that page")).to_be_visible()
        gone_html = b.content()
        assert "Amara" not in gone_html
        assert "shared-checkins" not in gone_html
        for words in ("Very good", "Running low", "7.5 h"):
            assert words not in gone_html
        _private_things_absent(gone_html, "the ended view", measure_words)
        screenshot(b, "journey4-ended-view")
        b.goto(b.base + "/partners/shared/")
        expect(b.get_by_role("link", name="Amara")).to_have_count(0)
        expect(b.get_by_text("Nobody yet.")).to_be_visible()
        screenshot(b, "journey4-shared-list-after")
