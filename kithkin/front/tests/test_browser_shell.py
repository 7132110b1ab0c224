"""The shell in a real Chromium: sign-up, the privacy welcome, the support link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kithkin.accounts.models import User
from kithkin.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_up(page, username: str = "dana") -> None:
    page.goto(page.base + "/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:", exact=True).fill("blue kettle on sunday")
    page.get_by_label("Password confirmation").fill("blue kettle on sunday")
    screenshot(page, "signup")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/welcome/")


def test_sign_up_then_the_privacy_welcome_then_today(page) -> None:
    _sign_up(page)
    assert page.get_by_role("heading", name="What Kithkin keeps").is_visible()
    screenshot(page, "welcome")

    # htmx swaps the card in place: the page itself is not reloaded.
    page.evaluate("window.stillHere = true")
    page.get_by_role("link", name="Next").click()
    page.get_by_role("heading", name="Where it lives").wait_for()
    assert page.evaluate("window.stillHere") is True
    # Focus follows the new card, as it would after a page load.
    # (expect() polls from outside the page: a wait_for_function string would be
    # evaluated inside it, which the page's CSP rightly forbids.)
    expect(page.get_by_role("heading", name="Where it lives")).to_be_focused()

    page.get_by_role("button", name="Got it — take me to Today").click()
    page.wait_for_url("**/today/")
    assert page.get_by_role("navigation", name="Main").is_visible()
    screenshot(page, "today")
    user = User.objects.get(username="dana")
    assert user.onboarded_at is not None
    # The time zone was picked up from the browser.
    assert user.timezone == "Pacific/Auckland"


def test_the_support_page_is_one_key_press_away(page) -> None:
    page.goto(page.base + "/login/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the name of the site
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Need support now?"
    page.keyboard.press("Enter")
    page.wait_for_url("**/support/")
    assert page.get_by_role("heading", name="A minute to steady yourself").is_visible()
    screenshot(page, "support")


def test_the_welcome_works_without_javascript(browser, live_server) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.base = live_server.url
    _sign_up(page, "noscript")
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**/welcome/?step=2")
    assert page.get_by_role("heading", name="Where it lives").is_visible()
    page.get_by_role("button", name="Got it — take me to Today").click()
    page.wait_for_url("**/today/")
    context.close()
