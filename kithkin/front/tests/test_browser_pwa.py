"""The installable app in a real Chromium: installability, offline, and what is kept."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from kithkin.accounts.models import User
from kithkin.circle.models import Person
from kithkin.conftest import CHROMIUM, CHROMIUM_ARGS, PageWatch, screenshot
from kithkin.nudges.models import Channel, ChannelKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET_NAME = "Marguerite Quillfeather"

# Resolves once the service worker has finished activating.
WORKER_STATE = """() => navigator.serviceWorker.ready.then(r => r.active.state === "activated"
  ? "activated"
  : new Promise(done => r.active.addEventListener("statechange", e => {
      if (e.target.state === "activated") done("activated");
    })))"""

LIST_CACHES = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    const entries = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      entries.push({ path: new URL(request.url).pathname, body: await response.text() });
    }
    out[name] = entries;
  }
  return out;
}"""


@pytest.fixture(
    params=[{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def app_page(request, browser, live_server, tmp_path):
    """Like the shared `page` fixture, but with a profile on disk: Chromium never offers
    to install an app from an incognito-like context, which Playwright's usual ones are."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=request.param,
        timezone_id="Pacific/Auckland",
    )
    page = context.pages[0] if context.pages else context.new_page()
    watch = PageWatch(live_server.url)
    page.on("request", lambda r: watch.requests.append(r.url))
    page.on("console", lambda m: watch.errors.extend([m.text] if m.type == "error" else []))
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.base = live_server.url
    yield page
    assert watch.foreign_requests() == [], "every request goes to the same origin"
    assert watch.errors == [], "no console errors (a CSP violation shows up here)"
    context.close()


def _sign_in(page, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.base}]
    )


def _installability_errors(page) -> list:
    cdp = page.context.new_cdp_session(page)
    # The manifest and its icons are fetched in the background: ask until Chromium has
    # looked at them (a few tries; the check itself is what's asserted).
    errors: list = []
    for _ in range(20):
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        if not errors:
            break
        time.sleep(0.25)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/manifest.webmanifest")
    return errors


def test_installable_works_offline_and_keeps_nothing_personal(app_page, alice: User) -> None:
    page = app_page
    person = Person.objects.create(owner=alice, name=SECRET_NAME, notes="likes herons")
    _sign_in(page, alice)

    page.goto(page.base + "/today/")
    assert page.evaluate(WORKER_STATE) == "activated"
    # Chromium's own check that it would offer to install the app.
    assert _installability_errors(page) == []

    # Personal pages visited while online, now controlled by the service worker.
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")
    for path in ["/today/", "/people/", "/support/", f"/people/{person.pk}/"]:
        page.goto(page.base + path)
    expect(page.get_by_text(SECRET_NAME).first).to_be_visible()
    # A personal page asked for by a script, not a navigation: passed through, not kept.
    assert page.evaluate("fetch('/people/').then(r => r.status)") == 200

    kept = page.evaluate(LIST_CACHES)
    assert set(kept) == {"kithkin-pages-1", "kithkin-static-1"}
    assert sorted(e["path"] for e in kept["kithkin-pages-1"]) == ["/offline/", "/support/"]
    static_paths = [e["path"] for e in kept["kithkin-static-1"]]
    assert "/static/css/kithkin.css" in static_paths
    assert all(p.startswith("/static/") for p in static_paths)
    for entries in kept.values():
        for entry in entries:
            assert SECRET_NAME not in entry["body"]
            assert "likes herons" not in entry["body"]
            assert alice.username not in entry["body"]
    # The support page was kept as anyone would see it: no navigation, nobody signed in.
    support = next(e["body"] for e in kept["kithkin-pages-1"] if e["path"] == "/support/")
    assert 'class="main-nav"' not in support

    page.context.set_offline(True)
    page.goto(page.base + f"/people/{person.pk}/")
    expect(page.get_by_role("heading", name="You're offline for now")).to_be_visible()
    assert SECRET_NAME not in page.content()
    support_link = page.get_by_role("link", name="Need support now?").first
    expect(support_link).to_be_visible()
    screenshot(page, "offline")
    # The kept stylesheet is applied (the skip link is moved out of sight by it).
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") in {
        "absolute",
        "fixed",
    }

    support_link.click()
    page.wait_for_url("**/support/")
    expect(page.get_by_role("heading", name="A minute to steady yourself")).to_be_visible()
    screenshot(page, "offline-support")

    page.context.set_offline(False)
    page.goto(page.base + "/today/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


# Reports every time a page asks the browser's notification or push permission, to
# the test itself (a count kept in the page would start again at each new page, and
# miss an ask made after a check ran).
REPORT_PERMISSION_ASKS = """
if (window.Notification) {
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => {
    window.permissionAsked('notification');
    return ask(...args);
  };
}
if (window.PushManager) {
  const subscribe = PushManager.prototype.subscribe;
  PushManager.prototype.subscribe = function (...args) {
    window.permissionAsked('push');
    return subscribe.apply(this, args);
  };
}
"""


def test_notifications_are_asked_for_only_when_reminders_are_turned_on(page, alice: User) -> None:
    Person.objects.create(owner=alice, name="Sam")
    _sign_in(page, alice)
    asks: list[str] = []
    page.context.expose_binding(
        "permissionAsked", lambda source, what: asks.append(f"{what} on {source['page'].url}")
    )
    page.context.add_init_script(REPORT_PERMISSION_ASKS)
    for path in ["/today/", "/people/", "/checkin/", "/plans/", "/insights/", "/settings/"]:
        page.goto(page.base + path)
        assert asks == [], path
    page.goto(page.base + "/settings/reminders/")
    button = page.get_by_role("button", name="Send reminders to this device")
    expect(button).to_be_visible()
    assert asks == [], "opening Reminders asks nothing"
    # This headless browser says no (nobody is there to answer): the page says how
    # to allow it later, kindly, and nothing is stored.
    button.click()
    expect(page.get_by_role("status")).not_to_be_empty()
    # Asked once, by the button, and never by any page before it.
    assert asks == [f"notification on {page.base}/settings/reminders/"]
    assert page.evaluate("Notification.permission") in {"denied", "default"}
    assert not Channel.objects.filter(owner=alice, kind=ChannelKind.PUSH).exists()
    screenshot(page, "reminders-push-asked")
