"""From every page, "Need support now?" is reachable in one tap and keyboard-only.

For every page in `every_page.py` (the owner's, the partner's, the plan guest's
and the signed-out ones), at phone and desktop width, on a fresh load:

- one tap: the header's link is inside the first screen without scrolling or
  opening a menu, and nothing covers it (the element at its centre is the link);
- keyboard only: three presses of Tab at most (skip link, site name, support)
  focus it, and the focus outline shows;
- then it is followed, by a tap on one page and by Enter on the next, and
  /support/ opens.

Failures are collected page by page and reported together, so one broken page
names itself instead of hiding the rest.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from kithkin.conftest import PASSWORD, log_in, open_page, screenshot, watched_page
from kithkin.front.tests.every_page import (
    ANONYMOUS_PAGES,
    guest_pages,
    lived_in,
    pages,
    partner_pages,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPPORT = "Need support now?"
MAX_TABS = 3  # the skip link, the site's name, then support
# Pages to keep a picture of, with the focus on the link.
PICTURED = {"/today/", "/login/", "/partners/shared/"}

# The link's box inside the first screen, and the element at its centre being the
# link itself (or inside it): nothing is laid over it.
IN_VIEW_AND_ON_TOP = """el => {
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {
    inView: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
      && r.right <= window.innerWidth && r.bottom <= window.innerHeight,
    onTop: hit !== null && el.contains(hit),
    covering: hit === null ? null : hit.outerHTML.slice(0, 80),
    scrolled: window.scrollY,
  };
}"""

FOCUS_RING = """el => {
  const s = getComputedStyle(el);
  return {
    focused: document.activeElement === el,
    focusVisible: el.matches(":focus-visible"),
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2
      && s.outlineColor !== "rgba(0, 0, 0, 0)" && s.outlineColor !== "transparent",
  };
}"""


def _support_link(page):
    return page.get_by_role("banner").get_by_role("link", name=SUPPORT)


def _on_support_page(page) -> None:
    page.wait_for_url("**/support/", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", level=1, name=SUPPORT)).to_be_visible()


def _check(page, path: str, picture: str, tap: bool) -> str | None:
    """One fresh load: the link is in reach of a thumb and of the keyboard, then it is
    followed by a tap or by Enter (the pages take turns, so both ways are used)."""
    open_page(page, path)
    link = _support_link(page)
    if link.count() != 1:
        return f"{link.count()} support links in the header"
    where = link.evaluate(IN_VIEW_AND_ON_TOP)
    if not where["inView"] or where["scrolled"]:
        return "the support link is not inside the first screen"
    if not where["onTop"]:
        return f"the support link is covered by {where['covering']}"
    presses, ring = 0, {"focused": False}
    while not ring["focused"] and presses < MAX_TABS:
        page.keyboard.press("Tab")
        presses += 1
        ring = link.evaluate(FOCUS_RING)
    if not ring["focused"]:
        focused = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        return f"{MAX_TABS} presses of Tab reach {focused}, not the support link"
    if not (ring["focusVisible"] and ring["outline"]):
        return f"no visible focus outline on the support link after {presses} presses"
    if path in PICTURED:
        screenshot(page, picture)
    if tap:
        link.click()
    else:
        page.keyboard.press("Enter")
    _on_support_page(page)
    return None


def _walk(page, paths: list[str], who: str) -> list[str]:
    page.set_default_timeout(5000)  # a broken page fails quickly and the walk goes on
    failures = []
    for index, path in enumerate(paths):
        name = path.strip("/").replace("/", "-") or "home"
        tap = index % 2 == 0
        try:
            problem = _check(page, path, f"journey5-{who}-{name}", tap)
        except (AssertionError, PlaywrightError) as error:
            problem = str(error).splitlines()[0]
        if problem:
            failures.append(f"{path} ({'tap' if tap else 'Enter'}): {problem}")
    return failures


@pytest.mark.parametrize("who", ["owner", "partner", "guest"])
def test_support_is_one_tap_and_three_keys_away_on_every_signed_in_page(
    browser, live_server, viewport, who: str
) -> None:
    world = lived_in()
    username, password, paths = {
        "owner": (world.owner.username, world.password, pages(world)),
        "partner": (world.partner.username, PASSWORD, partner_pages(world)),
        "guest": (world.guest.username, PASSWORD, guest_pages(world)),
    }[who]
    with watched_page(browser, live_server, viewport) as page:
        log_in(page, username, password)
        failures = _walk(page, paths, who)
    assert failures == [], "\n".join(failures)


def test_support_is_one_tap_and_three_keys_away_on_every_signed_out_page(
    browser, live_server, viewport
) -> None:
    with watched_page(browser, live_server, viewport) as page:
        failures = _walk(page, ANONYMOUS_PAGES, "anonymous")
    assert failures == [], "\n".join(failures)


def test_the_support_page_and_the_offline_page_work_without_javascript(
    browser, live_server, viewport
) -> None:
    with watched_page(browser, live_server, viewport, java_script_enabled=False) as page:
        page.goto(page.base + "/support/")
        expect(page.get_by_role("heading", level=1, name=SUPPORT)).to_be_visible()
        # Choosing a country is a plain form: it works without JavaScript.
        page.get_by_label("Show helplines for").select_option("GB")
        page.get_by_role("button", name="Show", exact=True).click()
        page.wait_for_url("**/support/?country=GB")
        emergency = page.get_by_role("region", name="United Kingdom: emergency")
        expect(emergency.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
        helplines = page.get_by_role("region", name="United Kingdom", exact=True)
        expect(helplines.locator("a[href^='tel:']").first).to_be_visible()
        # The other countries sit in a closed <details> that opens without script.
        others = page.get_by_text("Helplines in other countries")
        others.click()
        expect(page.get_by_role("heading", name="Australia")).to_be_visible()
        expect(page.get_by_role("heading", name="A minute to steady yourself")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], "nothing runs off the side of the screen"
        screenshot(page, "journey5-support-no-js")

        # The offline page keeps the essentials: the emergency advice and the way in.
        page.goto(page.base + "/offline/")
        essentials = page.get_by_role("region", name=SUPPORT)
        expect(essentials).to_contain_text("call your local emergency number now")
        expect(essentials).to_contain_text("112")
        essentials.get_by_role("link", name="Helplines by country").click()
        page.wait_for_url("**/support/")
        expect(page.get_by_role("heading", level=1, name=SUPPORT)).to_be_visible()
