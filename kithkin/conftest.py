"""Shared test personas: alice and bob use Kithkin; charlie must never see their data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import User

PASSWORD = "a quiet morning walk"


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 still, with the smallest cost: the real settings' cost (100 MB of
    memory per hash) is the point in production and most of a test suite's time."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


def pytest_configure() -> None:
    # The manifest storage needs `collectstatic`; tests read static files in place.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["kithkin.conftest.QuickArgon2PasswordHasher"]
    # API request counts stay in this test process, never in the data folder's
    # cache that other runs on the machine share (kithkin/api/tests/conftest.py
    # empties them around each API test).
    settings.CACHES = {
        **settings.CACHES,
        "api": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kithkin-api-tests",
        },
    }


def pytest_report_header() -> str:
    db = settings.DATABASES["default"]
    return f"kithkin database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']})"


def make_user(username: str, **extra: object) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        onboarded_at=timezone.now(),
        **extra,
    )
    return user


def give_today_rows(user: User) -> None:
    """One row in each of Today's tables, for tests that walk every owned model."""
    from django.utils import timezone

    from kithkin.today.models import DayEnergy, HiddenIdea, Idea, SavedMessage, Suggestion

    idea = Idea.objects.create(
        owner=user,
        slug=f"own-{user.pk}",
        title="Water the plants",
        effort="tiny",
        energies=["low"],
        target="self",
        channel="other",
        kind="self",
    )
    HiddenIdea.objects.create(owner=user, idea=idea)
    today = timezone.localdate()
    DayEnergy.objects.create(owner=user, day=today, energy="low")
    Suggestion.objects.create(owner=user, day=today, energy="low", idea=idea)
    SavedMessage.objects.create(owner=user, label="check-in", text="Thinking of you.")


def give_wellbeing_rows(user: User) -> None:
    """One row in each check-in, measure, goal and support table."""
    from datetime import timedelta

    from django.utils import timezone

    from kithkin.support.models import HardDay, SafetyPlan
    from kithkin.wellbeing.models import CheckIn, Goal, GoalSkip, Measure

    today = timezone.localdate()
    CheckIn.objects.create(owner=user, day=today, mood=3, energy="some", note="slow day")
    Measure.objects.create(
        owner=user, kind="ucla3", taken_on=today, answers=[2, 1, 2], score=5, direct=2
    )
    goal = Goal.objects.create(owner=user, title="A call each week", measure="call")
    GoalSkip.objects.create(owner=user, goal=goal, day=today - timedelta(days=1))
    SafetyPlan.objects.create(owner=user, coping="A walk round the block")
    HardDay.objects.create(owner=user, day=today, asked=True)


def give_plans_rows(user: User) -> None:
    """One row in each plans, communities and places table."""
    from datetime import date, time

    from django.utils import timezone

    from kithkin.circle.models import Person
    from kithkin.plans.models import (
        CalendarFeed,
        Community,
        Occurrence,
        Place,
        Plan,
        PlanGuest,
        PlanPerson,
    )

    mum = Person.objects.filter(owner=user).first() or Person.objects.create(owner=user, name="Mum")
    plan = Plan.objects.create(
        owner=user,
        title="Call Mum",
        rrule="FREQ=WEEKLY;BYDAY=SU",
        start_date=date(2026, 1, 4),
        start_time=time(18, 0),
        timezone=user.timezone,
    )
    PlanPerson.objects.create(owner=user, plan=plan, person=mum)
    PlanGuest.objects.create(owner=user, plan=plan)
    Occurrence.objects.create(owner=user, plan=plan, starts_at=timezone.now(), rsvp="maybe")
    CalendarFeed.objects.create(owner=user)
    Community.objects.create(
        owner=user, name="Book club", start_date=date(2026, 1, 6), start_time=time(19, 0)
    )
    Place.objects.create(owner=user, name="The library", kind="library")


def give_partner_rows(user: User) -> None:
    """One row in each partners table (a partner without an account)."""
    from kithkin.partners.models import PartnerInvite, PartnerLook, PartnerNote, Partnership

    partnership = Partnership.objects.create(owner=user, name="Ana", shares=["mood"])
    PartnerInvite.objects.create_invite(partnership)
    PartnerNote.objects.create(owner=user, partnership=partnership, text="Thinking of you")
    PartnerLook.objects.create(owner=user, partnership=partnership)


def give_nudge_rows(user: User) -> None:
    """One row in each reminders table."""
    from datetime import time

    from django.utils import timezone

    from kithkin.nudges.models import Channel, Delivery, NudgeSettings, Reminder

    NudgeSettings.objects.create(owner=user, daily_at=time(9, 0))
    Channel.objects.create(owner=user, kind="email", target="me@example.org")
    Reminder.objects.create(owner=user, kind="daily", next_at=timezone.now())
    Delivery.objects.create(owner=user, kind="daily", slot="2026-01-01", status="sent")


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice", timezone="Europe/London", country="GB")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob", timezone="America/New_York")


@pytest.fixture
def charlie(db: None) -> User:
    return make_user("charlie", timezone="Australia/Sydney")


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def charlie_client(charlie: User) -> Client:
    client = Client()
    client.force_login(charlie)
    return client


# --- Real-browser tests (`make test-browser`) ------------------------------------

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = settings.BASE_DIR / "ci-artifacts" / "screenshots"
# Flags for a sandboxed, offline machine: no background calls home, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django ORM calls
    # the tests make are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageWatch:
    """Collects what a page asked for and complained about."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.requests: list[str] = []
        self.errors: list[str] = []

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin)]


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = [PHONE, DESKTOP]
VIEWPORT_IDS = ["phone", "desktop"]


@contextmanager
def watched_page(browser, live_server, viewport=PHONE, **options) -> Iterator:
    """A page in a fresh browser context (its own cookies: a second person, or the
    same person without JavaScript) that fails the test if it asks any other origin
    for anything or logs an error (a CSP violation shows up as one)."""
    options.setdefault("timezone_id", "Pacific/Auckland")
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    watch = PageWatch(live_server.url)
    page.on("request", lambda r: watch.requests.append(r.url))
    page.on("console", lambda m: watch.errors.extend([m.text] if m.type == "error" else []))
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.watch = watch
    page.base = live_server.url
    try:
        yield page
        assert watch.foreign_requests() == [], "every request goes to the same origin"
        assert watch.errors == [], "no console errors (a CSP violation shows up here)"
        assert any(url.startswith(live_server.url) for url in watch.requests), "the page was used"
    finally:
        context.close()


@pytest.fixture(params=VIEWPORTS, ids=VIEWPORT_IDS)
def page(request, browser, live_server):
    with watched_page(browser, live_server, request.param) as page:
        yield page


@pytest.fixture(params=VIEWPORTS, ids=VIEWPORT_IDS)
def viewport(request) -> dict[str, int]:
    """For tests that open their own pages with `watched_page` (two people, no JavaScript)."""
    return request.param


AXE = settings.BASE_DIR / ".tools" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def axe_violations(page, impacts: tuple[str, ...] = SERIOUS) -> list[str]:
    """Runs axe-core (fetched from the npm registry by `.ci/axe.py`) inside the page:
    one line per rule broken at these impacts, naming the first few elements."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `python .ci/axe.py` (make test-browser does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] in impacts:
            targets = [str(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{page.url}: {violation['id']} ({violation['impact']}) {targets}")
    return found


def fill_log_in(page, username: str, password: str = PASSWORD) -> None:
    """Fills in and sends the login form the page is showing."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login page, as a person does, and lands on Today."""
    page.goto(page.base + "/login/")
    fill_log_in(page, username, password)
    page.wait_for_url("**/today/")


# An address no page has (`every_page.ANONYMOUS_PAGES` lists it: the not-found page).
NOT_FOUND = "/no/such/page/"
NOT_FOUND_LOGGED = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def expect_not_found_logged(page) -> None:
    """Chromium logs a 404 as a console error: take the one expected off the page's
    list (it must be there), so any other error still fails the test."""
    assert NOT_FOUND_LOGGED in page.watch.errors, "the 404 was logged"
    page.watch.errors.remove(NOT_FOUND_LOGGED)


def open_page(page, path: str) -> None:
    """Opens `path`: it answers 200, or 404 for the not-found page."""
    response = page.goto(page.base + path)
    assert response is not None
    expected = 404 if path == NOT_FOUND else 200
    assert response.status == expected, f"{path} answered {response.status}"
    if path == NOT_FOUND:
        expect_not_found_logged(page)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
