"""Accessibility in a real Chromium, on every page a person, their partner, a plan
guest and a visitor can open: axe-core finds nothing serious (in light and dark),
focus is always visible, every control has a name, text can be doubled without
anything lost, and asking for less motion turns the motion off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from kithkin.conftest import (
    AXE,
    PASSWORD,
    PHONE,
    axe_violations,
    log_in,
    open_page,
    screenshot,
    watched_page,
)
from kithkin.front.tests.every_page import (
    ANONYMOUS_PAGES,
    World,
    guest_pages,
    lived_in,
    pages,
    partner_pages,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Rules that name controls: axe must run them (nothing here turns one off).
NAMING_RULES = ("label", "select-name", "button-name", "link-name")


@contextmanager
def _as(
    browser, live_server, viewport, world: World | None, who: str | None, **options
) -> Iterator:
    """A page in its own context, signed in as `who` ("owner", "pat", "gus") or signed out."""
    with watched_page(browser, live_server, viewport, **options) as page:
        # axe-core is added to each page as it opens, rather than sent for every check.
        page.context.add_init_script(path=str(AXE))
        if who is not None:
            assert world is not None
            username, password = {
                "owner": (world.owner.username, world.password),
                "pat": (world.partner.username, PASSWORD),
                "gus": (world.guest.username, PASSWORD),
            }[who]
            log_in(page, username, password)
        yield page


def _everyone(world: World) -> list[tuple[str | None, list[str]]]:
    return [
        (None, list(ANONYMOUS_PAGES)),
        ("owner", pages(world)),
        ("pat", partner_pages(world)),
        ("gus", guest_pages(world)),
    ]


def _contrast_violations(page) -> list[str]:
    """axe's colour-contrast rule alone (it is the one that changes with the colour scheme)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'rule', values: ['color-contrast']}, resultTypes: ['violations']})"""
    )
    return [
        f"{page.url} (dark): {v['id']} ({v['impact']}) "
        + str([(n["target"], n["failureSummary"][-120:]) for n in v["nodes"][:3]])
        for v in result["violations"]
    ]


# Roles a person operates; each must have a name a screen reader can say.
CONTROL_ROLES = {
    "button",
    "link",
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "spinbutton",
    "slider",
    "switch",
    "menuitem",
    "tab",
    "DisclosureTriangle",
}


def _unnamed_controls(page) -> list[str]:
    """Belt and braces beside axe: Chromium's own accessibility tree, the one a screen
    reader is given, has a name for every control on the page."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        found = []
        for node in nodes:
            role = node.get("role", {}).get("value")
            if node.get("ignored") or role not in CONTROL_ROLES:
                continue
            if str(node.get("name", {}).get("value", "")).strip():
                continue
            described = cdp.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})
            attrs = described["node"].get("attributes", [])
            found.append(f"{page.url}: unnamed {role} <{described['node']['nodeName']} {attrs}>")
        return found
    finally:
        cdp.detach()


def _check(page, found: list[str]) -> None:
    """axe (every rule) and the accessibility tree in light; axe's contrast rule in dark."""
    found += axe_violations(page)
    found += _unnamed_controls(page)
    page.emulate_media(color_scheme="dark")
    found += _contrast_violations(page)
    page.emulate_media(color_scheme="light")


def _check_what_swaps_bring(page, found: list[str]) -> None:
    """The owner's pages as htmx (or a tap) leaves them: a partner's note put away,
    an energy chosen (suggestion cards), a plan answered, the next welcome card."""
    page.goto(page.base + "/today/")
    note = page.get_by_role("heading", name="Pat is thinking of you")
    expect(note).to_be_visible()
    page.get_by_role("button", name="Thank you, got it").click()
    expect(note).to_have_count(0)
    _check(page, found)

    energy = page.get_by_role("region", name="How much energy do you have today?")
    energy.get_by_role("button", name="Some", exact=True).click()
    expect(energy.get_by_role("button", name="Some", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("article.suggestion").first).to_be_visible()
    _check(page, found)

    page.goto(page.base + "/plans/")
    index = page.evaluate(
        """() => [...document.querySelectorAll('.occurrence')].findIndex(
            li => li.querySelector('.rsvp button[aria-pressed=false]'))"""
    )
    assert index >= 0, "a plan still to answer"
    occurrence = page.locator(".occurrence").nth(index)
    answer = occurrence.locator(".rsvp button[aria-pressed=false]").first
    value = answer.get_attribute("value")
    page.evaluate("window.stillHere = true")
    answer.click()
    expect(occurrence.locator(f".rsvp button[value='{value}']")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.stillHere") is True, "htmx swapped the plan in place"
    _check(page, found)

    page.goto(page.base + "/welcome/")
    page.evaluate("window.stillHere = true")
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_role("heading", name="Where it lives")).to_be_focused()
    assert page.evaluate("window.stillHere") is True, "htmx swapped the card in place"
    _check(page, found)


def test_axe_finds_nothing_serious_on_any_page_in_light_or_dark(
    browser, live_server, viewport
) -> None:
    world = lived_in()
    found: list[str] = []
    names_checked = False
    everyone = _everyone(world)
    assert all(paths for _who, paths in everyone), "each person has pages to check"
    for who, paths in everyone:
        with _as(browser, live_server, viewport, world, who) as page:
            for path in paths:
                open_page(page, path)
                _check(page, found)
                if path == "/people/new/":
                    # A form with text fields, choices, a select and buttons: the rules
                    # that ask for a name for each ran on it, and it passed them.
                    passed = page.evaluate(
                        "async () => (await axe.run(document)).passes.map(rule => rule.id)"
                    )
                    assert set(NAMING_RULES) <= set(passed), "axe checked every name"
                    names_checked = True
                if who == "owner" and path == "/today/":
                    page.emulate_media(color_scheme="dark")
                    screenshot(page, "a11y-today-dark")
                    page.emulate_media(color_scheme="light")
            if who == "owner":
                _check_what_swaps_bring(page, found)
    assert names_checked, "the Add someone form was among the pages"
    assert found == [], "\n".join(found)


# Each element keyboard focus lands on, with what draws its focus ring and the
# contrast of that ring against what is behind it (WCAG 1.4.11 asks for 3:1).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const seen = el.__focusSeen === true;
  el.__focusSeen = true;
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let back = el.parentElement, bg = [255, 255, 255];
  while (back) {
    const c = rgb(getComputedStyle(back).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; }
    back = back.parentElement;
  }
  // A control drawn by its label (the check-in's radio cards) shows focus on the label.
  const ringOn = el.closest('.choice') || el;
  const style = getComputedStyle(ringOn);
  const ring = rgb(style.outlineColor).slice(0, 3);
  const [a, b] = [lum(ring), lum(bg)].sort((x, y) => y - x);
  const box = el.getBoundingClientRect();
  // What is drawn at the middle of it: itself, or something covering it (a fixed menu).
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  const cover = top && !el.contains(top) && !top.contains(el) && !ringOn.contains(top)
    ? top.tagName.toLowerCase() + '.' + top.className : null;
  return {
    cover,
    seen,
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
      (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"',
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
    contrast: (a + 0.05) / (b + 0.05),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 &&
      box.top < innerHeight && box.left < innerWidth,
  };
}"""


def _focus_problems(page) -> tuple[int, list[str]]:
    """Tabs through the whole page once; every stop must show where it is."""
    problems, stops = [], 0
    for _ in range(400):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        if focus is None or focus["seen"]:
            break
        stops += 1
        ring = focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2
        if not (ring or focus["boxShadow"] != "none"):
            problems.append(f"{page.url}: no focus ring on {focus['what']}")
        elif ring and focus["contrast"] < 3:
            problems.append(
                f"{page.url}: focus ring on {focus['what']} at {focus['contrast']:.2f}:1"
            )
        if not focus["onScreen"]:
            problems.append(f"{page.url}: focus on {focus['what']} is off screen")
        elif focus["cover"]:
            problems.append(f"{page.url}: {focus['what']} is hidden under {focus['cover']}")
    else:
        problems.append(f"{page.url}: Tab never came back round")
    return stops, problems


def test_keyboard_focus_is_always_visible_in_light_and_dark(browser, live_server, viewport) -> None:
    world = lived_in()
    problems: list[str] = []
    with _as(browser, live_server, viewport, world, None) as page:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            open_page(page, "/login/")
            stops, found = _focus_problems(page)
            assert stops >= 6, "the skip link, header, form and footer take focus"
            problems += found
    with _as(browser, live_server, viewport, world, "owner") as page:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for path in ("/today/", "/people/new/", "/checkin/", "/plans/"):
                open_page(page, path)
                stops, found = _focus_problems(page)
                assert stops >= 10, f"{path} has its controls in the Tab order"
                problems += found
            if scheme == "dark":
                open_page(page, "/checkin/")
                page.get_by_role("radio").first.focus()
                page.keyboard.press("Tab")
                page.keyboard.press("Shift+Tab")
                screenshot(page, "a11y-focus-dark")
    assert problems == [], "\n".join(problems)


# After text is doubled (or the screen is 320 px wide): nothing runs off the side,
# nothing is cut off inside a box that hides what overflows.
LOST = """() => {
  const lost = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1)
    lost.push(`the page scrolls sideways (${page.scrollWidth} > ${page.clientWidth})`);
  // Helpers meant to be hidden, drawings, and what a closed <details> keeps folded.
  const helper = ['.visually-hidden', '.skip-link', 'svg', 'svg *', '[hidden]', '[hidden] *',
    'details:not([open]) > :not(summary)', 'details:not([open]) > :not(summary) *'].join(', ');
  for (const el of document.body.querySelectorAll('*')) {
    // A text field scrolls its own text: it is not cut off.
    if (el.matches(helper) || el.matches('input, textarea, select')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const hides = v => v === 'hidden' || v === 'clip';
    if ((hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
        (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1))
      lost.push('cut off: ' + name(el));
    const box = el.getBoundingClientRect();
    if (box.width && box.height && (box.right > innerWidth + 1 || box.left < -1) &&
        !el.closest('.table-scroll'))
      lost.push(`off the side (${Math.round(box.left)}..${Math.round(box.right)}): ` + name(el));
  }
  // Words that run past the edge of their box (a long word in a heading).
  const words = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (words.nextNode()) {
    const text = words.currentNode;
    const skip = helper + ', .table-scroll';
    if (!text.textContent.trim() || text.parentElement.closest(skip)) continue;
    range.selectNodeContents(text);
    const box = range.getBoundingClientRect();
    if (box.width && (box.right > innerWidth + 1 || box.left < -1))
      lost.push(`runs off the side (${Math.round(box.right)}): ` + name(text.parentElement));
  }
  return lost.slice(0, 6);
}"""


SMALL_PHONE = {"width": 360, "height": 740}
# A menu fixed along the bottom is one line (two would cover more of the page than
# the room kept for it), and at the very end of the page the last words are above it.
UNDER_MENU = """() => {
  const menu = document.querySelector('.main-nav');
  if (!menu || getComputedStyle(menu).position !== 'fixed') return null;
  const lines = new Set([...menu.querySelectorAll('li')].map(
    li => Math.round(li.getBoundingClientRect().top))).size;
  window.scrollTo(0, document.scrollingElement.scrollHeight);
  const last = [...document.querySelectorAll('.site-footer > *')].pop();
  const hidden = last.getBoundingClientRect().bottom > menu.getBoundingClientRect().top;
  window.scrollTo(0, 0);
  return [
    ...(lines === 1 ? [] : [`the menu along the bottom takes ${lines} lines`]),
    ...(hidden ? ['the end of the page stays under the menu'] : []),
  ];
}"""


def test_text_at_twice_the_size_and_a_320px_screen_lose_nothing(browser, live_server) -> None:
    world = lived_in()
    lost: list[str] = []
    fixed_menus = 0
    for who, paths in _everyone(world):
        with _as(browser, live_server, PHONE, world, who) as page:
            for path in paths:
                open_page(page, path)
                # A common phone and a common small one (the menu is one line at both).
                for screen in (PHONE, SMALL_PHONE):
                    page.set_viewport_size(screen)
                    under = page.evaluate(UNDER_MENU)
                    fixed_menus += under is not None
                    lost += [f"{path} at {screen['width']}px: {x}" for x in under or []]
                page.set_viewport_size(PHONE)
                page.evaluate("document.documentElement.style.fontSize = '200%'")
                lost += [f"{path} at 200%: {x}" for x in page.evaluate(LOST)]
                if path == "/today/":
                    screenshot(page, "a11y-today-text-200")
                page.evaluate("document.documentElement.style.fontSize = ''")
                page.set_viewport_size({"width": 320, "height": 640})
                lost += [f"{path} at 320px: {x}" for x in page.evaluate(LOST)]
                if path == "/today/":
                    screenshot(page, "a11y-today-narrow")
                page.set_viewport_size(PHONE)
    assert fixed_menus >= 2 * len(pages(world)), "a signed-in phone has its menu along the bottom"
    assert lost == [], "\n".join(lost)


MOTION = """() => {
  // The classes htmx puts on while it swaps, so their styles are measured too.
  document.querySelector('main').classList.add(
    'htmx-swapping', 'htmx-request', 'htmx-settling', 'htmx-added');
  const seconds = list => Math.max(0, ...list.split(',').map(
    t => parseFloat(t) * (t.trim().endsWith('ms') ? 0.001 : 1)));
  const moving = [];
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const s = getComputedStyle(el, pseudo);
      const longest = Math.max(
        s.transitionProperty === 'none' ? 0 : seconds(s.transitionDuration),
        s.animationName === 'none' ? 0 : seconds(s.animationDuration));
      if (longest > 0.01)
        moving.push(`${el.tagName.toLowerCase()}.${el.className}${pseudo || ''} ${longest}s`);
    }
  }
  const smooth = [document.documentElement, document.body].some(
    el => getComputedStyle(el).scrollBehavior === 'smooth');
  return {moving, smooth};
}"""


def test_less_motion_when_the_person_asks_for_it(browser, live_server, viewport) -> None:
    world = lived_in()
    with _as(browser, live_server, viewport, world, "owner") as page:
        for path in ("/today/", "/plans/", "/insights/", "/checkin/", "/welcome/"):
            open_page(page, path)
            page.emulate_media(reduced_motion="no-preference")
            # Without the wish, the swap's fade is there: the media query is what stops it.
            assert "main" in " ".join(page.evaluate(MOTION)["moving"]), path
            open_page(page, path)
            page.emulate_media(reduced_motion="reduce")
            assert page.evaluate(MOTION) == {"moving": [], "smooth": False}, path
        # A real swap with less motion still moves focus to the new card.
        page.get_by_role("link", name="Next").click()
        expect(page.get_by_role("heading", name="Where it lives")).to_be_focused()
