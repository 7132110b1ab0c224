"""Journey 3: a weekly plan made on the New plan page, one time skipped, and the
calendar files a calendar app would read, in a real Chromium at phone and desktop
width. The expected dates are worked out from "now", in the person's time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrule, rruleset, rrulestr
from django.utils import dateformat, timezone
from icalendar import Calendar
from playwright.sync_api import expect

from kithkin.circle.actions import do_save_person
from kithkin.circle.models import Person, Ring
from kithkin.conftest import axe_violations, log_in, make_user, screenshot
from kithkin.plans.models import CalendarFeed, Occurrence, Plan, Rsvp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE_NAME = "America/New_York"
ZONE = ZoneInfo(ZONE_NAME)
TITLE = "Walk with Ana"
AT = time(18, 30)
MINUTES = 45
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKS_AHEAD = 4


def _when(at: datetime) -> str:
    """An occurrence as the plan page writes it: "Thursday 27 November, 18:30"."""
    return dateformat.format(at, "l j F, H:i")


def _one_event(body: bytes):
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1, "one VEVENT for the whole series"
    zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == [ZONE_NAME], "the plan's zone is described in the file"
    return events[0]


def _exdates(event) -> list[datetime]:
    found = event.get("EXDATE")
    if found is None:
        return []
    lists = found if isinstance(found, list) else [found]
    return [d.dt for exdate in lists for d in exdate.dts]


def _expanded(event, after: datetime, before: datetime) -> list[datetime]:
    """The event's occurrences in [after, before), as a calendar app expands them."""
    dates = rruleset()
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event["DTSTART"].dt)
    assert isinstance(rule, rrule), "a single RRULE, no EXRULE or RDATE mixed in"
    dates.rrule(rule)
    for skipped in _exdates(event):
        dates.exdate(skipped)
    return [d for d in dates.between(after, before, inc=True) if d < before]


def _check_feed(body: bytes, person: Person, first: datetime, after: datetime) -> None:
    event = _one_event(body)
    assert str(event["SUMMARY"]) == TITLE
    assert dict(event["RRULE"]) == {"FREQ": ["WEEKLY"], "BYDAY": [DAY_CODES[first.weekday()]]}
    start = event["DTSTART"]
    assert start.params["TZID"] == ZONE_NAME
    assert start.dt == first and start.dt.tzinfo is not None
    assert (start.dt.hour, start.dt.minute) == (AT.hour, AT.minute)
    assert event["DTEND"].dt - start.dt == timedelta(minutes=MINUTES)
    assert event["DTEND"].params["TZID"] == ZONE_NAME
    assert f"With {person.name}." in str(event["DESCRIPTION"])
    # "Skip this time" is a private "not this one": an EXDATE at the skipped start,
    # in the plan's zone, and no overriding VEVENT (RECURRENCE-ID) or STATUS.
    assert _exdates(event) == [first]
    assert _exdates(event)[0].tzinfo is not None
    assert "RECURRENCE-ID" not in event and "STATUS" not in event
    before = after + timedelta(weeks=WEEKS_AHEAD)
    expected = []
    day = first.date() + timedelta(weeks=1)
    while (at := datetime.combine(day, AT, tzinfo=ZONE)) < before:
        expected.append(at)
        day += timedelta(weeks=1)
    assert len(expected) >= WEEKS_AHEAD - 1
    assert _expanded(event, after, before) == expected
    # The same wall-clock time every week, in the plan's zone (summer time or not).
    assert {(d.strftime("%a %H:%M"), str(d.tzinfo)) for d in _expanded(event, after, before)} == {
        (first.strftime("%a %H:%M"), ZONE_NAME)
    }


def test_a_weekly_walk_with_one_time_skipped_reaches_the_calendar(page) -> None:
    owner = make_user("walker", timezone=ZONE_NAME)
    ana = do_save_person(Person(owner=owner, name="Ana Silva", ring=Ring.CLOSE))
    do_save_person(Person(owner=owner, name="Ben Okafor", ring=Ring.WIDER))
    now = timezone.now()
    today = now.astimezone(ZONE).date()
    # Three days on: the first time is still to come whatever the hour now.
    first_day: date = today + timedelta(days=3)
    first = datetime.combine(first_day, AT, tzinfo=ZONE)
    weekday = dateformat.format(first_day, "l")
    log_in(page, "walker")

    # --- The New plan page ----------------------------------------------------------
    page.get_by_role("link", name="Plans").click()
    page.wait_for_url("**/plans/")
    page.get_by_role("link", name="Add a plan").click()
    page.wait_for_url("**/plans/new/")
    page.get_by_label("What").fill(TITLE)
    page.get_by_role("group", name="How often:", exact=True).get_by_label("Every week").check()
    page.get_by_role("group", name="On:", exact=True).get_by_label(weekday).check()
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_label("Time:", exact=True).fill(AT.strftime("%H:%M"))
    expect(page.get_by_label("Time zone")).to_have_value(ZONE_NAME)
    page.get_by_label("How long (minutes)").fill(str(MINUTES))
    page.get_by_role("group", name="Who (optional):", exact=True).get_by_label("Ana Silva").check()
    screenshot(page, "journey3-new-plan")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add this plan").click()
    page.wait_for_url("**/plans/*/")

    plan = Plan.objects.get(owner=owner)
    assert plan.title == TITLE
    assert plan.rrule == f"FREQ=WEEKLY;BYDAY={DAY_CODES[first_day.weekday()]}"
    assert (plan.start_date, plan.start_time, plan.timezone) == (first_day, AT, ZONE_NAME)
    assert plan.duration_minutes == MINUTES
    assert [p.person_id for p in plan.planperson_set.all()] == [ana.pk]

    # --- The plan page, and "skip this time" for the next one ------------------------
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Added. Skip any time")).to_be_visible()
    expect(page.locator(".lead")).to_have_text(f"Every {weekday} at 18:30, New York time")
    expect(
        page.get_by_role("main").get_by_role("link", name=ana.short_name, exact=True)
    ).to_be_visible()
    coming = page.get_by_role("region", name="Coming up").get_by_role("listitem")
    expect(coming.first.locator("time")).to_have_text(_when(first))
    expect(coming.nth(1).locator("time")).to_have_text(_when(first + timedelta(weeks=1)))
    skip = coming.first.get_by_role("button", name=f"Skip this time {TITLE}, {_when(first)}")
    expect(skip).to_have_attribute("aria-pressed", "false")
    skip.click()
    skip = page.get_by_role("region", name="Coming up").get_by_role(
        "button", name=f"Skip this time {TITLE}, {_when(first)}"
    )
    expect(skip).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Skipping is fine. It'll be there next time.")).to_be_visible()
    screenshot(page, "journey3-skipped")

    skipped = Occurrence.objects.get(owner=owner, plan=plan)
    assert skipped.rsvp == Rsvp.SKIP
    assert skipped.starts_at == first
    # Only that one: the week after is still unanswered.
    page.reload()
    later = page.get_by_role("region", name="Coming up").get_by_role(
        "button", name=f"Skip this time {TITLE}, {_when(first + timedelta(weeks=1))}"
    )
    expect(later).to_have_attribute("aria-pressed", "false")
    assert axe_violations(page) == []

    # --- The plan's own .ics file, downloaded from its page ---------------------------
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Add just this plan to your calendar (.ics file)").click()
    download = downloading.value
    assert download.suggested_filename == "walk-with-ana.ics"
    assert download.url == f"{page.base}/plans/{plan.pk}/plan.ics"
    one_off_ics = Path(download.path()).read_bytes()
    after = datetime.combine(today, time(0, 0), tzinfo=ZONE)
    _check_feed(one_off_ics, ana, first, after)

    # --- The calendar feed, found the way a person finds it --------------------------
    page.get_by_role("link", name="All plans").click()
    page.wait_for_url("**/plans/")
    expect(
        page.get_by_role("button", name=f"Skip this time {TITLE}, {_when(first)}")
    ).to_have_attribute("aria-pressed", "true")
    page.get_by_role("link", name="See plans in your calendar app").click()
    page.wait_for_url("**/plans/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    page.wait_for_url("**/plans/calendar/")
    address = page.locator("#feed-url")
    expect(address).to_be_visible()
    feed_url = address.inner_text().strip()
    token = CalendarFeed.objects.get(owner=owner).token
    assert feed_url == f"{page.base}/calendar/{token}.ics"
    expect(page.get_by_role("link", name="Open in my calendar app")).to_have_attribute(
        "href", "webcal://" + feed_url.split("://", 1)[1]
    )
    screenshot(page, "journey3-calendar")
    assert axe_violations(page) == []

    # A calendar app has no session: the secret address alone opens the feed.
    app = page.context.browser.new_context()
    try:
        response = app.request.get(feed_url)
        assert response.ok
        assert response.headers["content-type"].startswith("text/calendar")
        body = response.body()
    finally:
        app.close()
    _check_feed(body, ana, first, after)
    assert CalendarFeed.objects.get(owner=owner).last_fetched_at is not None
