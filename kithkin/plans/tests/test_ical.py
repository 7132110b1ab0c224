"""The iCalendar text: parsed back with icalendar and expanded independently with dateutil."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar, Event

from kithkin.accounts.models import User
from kithkin.plans import ical
from kithkin.plans.models import Community, Occurrence, Plan, PlanGuest, PlanPerson
from kithkin.plans.recurrence import Series

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _plan(owner: User, title: str = "Call Mum", **extra: Any) -> Plan:
    fields: dict[str, Any] = {
        "rrule": "FREQ=WEEKLY;BYDAY=SU",
        "start_date": date(2026, 1, 4),
        "start_time": time(18, 0),
        "timezone": owner.timezone,
        **extra,
    }
    return Plan.objects.create(owner=owner, title=title, **fields)


def _feed(owner: User, now: datetime = NOW) -> Calendar:
    return Calendar.from_ical(ical.calendar_bytes(ical.feed_entries(owner, now), "Plans", now))


def _event(cal: Calendar, uid: str) -> Event:
    (event,) = [e for e in cal.events if str(e["UID"]) == f"{uid}@kithkin"]
    return event


def _exdates(event: Event) -> list[datetime]:
    value = event.get("EXDATE")
    if value is None:
        return []
    lists = value if isinstance(value, list) else [value]
    return [d.dt for item in lists for d in item.dts]


def _expand(event: Event, after: datetime, before: datetime) -> list[datetime]:
    """The event's occurrences by dateutil alone, from the parsed DTSTART, RRULE, EXDATE."""
    start = event.start
    assert isinstance(start, datetime) and start.tzinfo is not None
    if "RRULE" not in event:
        found = [start]
    else:
        series = rruleset()
        rule = event["RRULE"].to_ical()
        assert isinstance(rule, bytes)
        series.rrule(rrulestr(rule.decode(), dtstart=start))  # type: ignore[arg-type]
        for ex in _exdates(event):
            series.exdate(ex)
        found = list(series.between(after, before, inc=True))
    return [d.astimezone(UTC) for d in found if after <= d < before]


def _series(row: Plan | Community, after: datetime, before: datetime) -> list[datetime]:
    return [d.astimezone(UTC) for d in Series.of(row).between(after, before)]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "zone, rule, exdates",
    [
        ("Europe/London", "FREQ=WEEKLY;BYDAY=SU", ["2026-03-29T18:00"]),
        ("America/New_York", "FREQ=MONTHLY;UNTIL=20261231T230000Z;BYDAY=1TU", []),
        ("Australia/Sydney", "FREQ=WEEKLY;INTERVAL=2;COUNT=20;BYDAY=SU", ["2026-04-05T18:00"]),
        ("Australia/Sydney", "FREQ=DAILY", ["2026-10-04T18:00", "2026-10-05T18:00"]),
    ],
)
def test_it_expands_the_same_as_the_recurrence_core_across_clock_changes(
    alice: User, zone: str, rule: str, exdates: list[str]
) -> None:
    plan = _plan(alice, rrule=rule, timezone=zone, exdates=exdates)
    event = _event(_feed(alice), plan.uid)
    assert event["DTSTART"].params["TZID"] == zone
    expected = _series(plan, *YEAR)
    assert expected, "the window holds occurrences"
    assert _expand(event, *YEAR) == expected


@time_machine.travel(NOW, tick=False)
def test_it_keeps_sunday_at_six_in_london_on_both_sides_of_the_clock_change(alice: User) -> None:
    plan = _plan(alice)
    event = _event(_feed(alice), plan.uid)
    found = _expand(event, datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    # 18:00 GMT is 18:00 UTC; after 29 March 18:00 BST is 17:00 UTC.
    assert found == [datetime(2026, 3, 22, 18, tzinfo=UTC), datetime(2026, 3, 29, 17, tzinfo=UTC)]


@time_machine.travel(NOW, tick=False)
def test_it_starts_the_event_on_the_first_day_the_rule_gives(alice: User) -> None:
    # 1 January 2026 is a Thursday: the first Sunday is the 4th.
    plan = _plan(alice, start_date=date(2026, 1, 1))
    event = _event(_feed(alice), plan.uid)
    assert event.start == datetime(2026, 1, 4, 18, tzinfo=LONDON)
    assert event.end == datetime(2026, 1, 4, 19, tzinfo=LONDON)
    assert _expand(event, *YEAR) == _series(plan, *YEAR)


@time_machine.travel(NOW, tick=False)
def test_it_has_a_vtimezone_for_every_tzid_and_parses_back(
    alice: User, bob: User, charlie: User
) -> None:
    _plan(alice, timezone="Europe/London")
    _plan(alice, "Choir", timezone="America/New_York")
    Community.objects.create(
        owner=alice,
        name="Walk",
        rrule="FREQ=WEEKLY;BYDAY=SA",
        start_date=date(2026, 1, 3),
        start_time=time(9, 0),
        timezone="Australia/Sydney",
    )
    _plan(alice, "Chat", timezone="UTC", rrule="")
    body = ical.calendar_bytes(ical.feed_entries(alice, NOW), "Plans", NOW)
    cal = Calendar.from_ical(body)
    assert {tz.tz_name for tz in cal.timezones} == {
        "Europe/London",
        "America/New_York",
        "Australia/Sydney",
    }
    assert cal.get_missing_tzids() == set()
    assert b"DTSTART:20260104T180000Z\r\n" in body, "UTC is written with Z, no VTIMEZONE"
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    for prop, value in [
        ("VERSION", "2.0"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALNAME", "Plans"),
        ("X-PUBLISHED-TTL", "PT1H"),
    ]:
        assert str(cal[prop]) == value
    assert cal["PRODID"] and cal.refresh_interval == timedelta(hours=1)
    assert len(cal.events) == 4
    assert not cal.walk("VALARM")


@time_machine.travel(NOW, tick=False)
def test_it_round_trips_titles_with_commas_semicolons_and_new_lines(alice: User) -> None:
    title = "Tea, cake; then\na walk, maybe"
    plan = _plan(alice, title, place="Café; back room, left", note="Bring: scarf, gloves")
    event = _event(_feed(alice), plan.uid)
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == "Café; back room, left"
    assert "Bring: scarf, gloves" in str(event["DESCRIPTION"])


@time_machine.travel(NOW, tick=False)
def test_it_leaves_out_control_characters_that_text_may_not_hold(alice: User) -> None:
    # Pasted text can carry a bell or an escape; RFC 5545 TEXT allows tab and line breaks only.
    plan = _plan(alice, "Tea\x07 time\x1b", place="Caf\x7fé", note="Bring\tcake\r\nand\x1b tea")
    body = ical.calendar_bytes(ical.feed_entries(alice, NOW), "Plans", NOW)
    assert not [c for c in body.decode() if (ord(c) < 32 and c not in "\t\r\n") or ord(c) == 127]
    event = _event(Calendar.from_ical(body), plan.uid)
    assert str(event["SUMMARY"]) == "Tea time"
    assert str(event["LOCATION"]) == "Café"
    assert "Bring\tcake\nand tea" in str(event["DESCRIPTION"])
    one = ical.calendar_bytes(ical.plan_entries(plan, alice), plan.title, NOW)
    assert b"X-WR-CALNAME:Tea time\r\n" in one


@time_machine.travel(NOW, tick=False)
def test_it_keeps_uids_across_fetches_and_bumps_sequence_on_an_edit(alice: User) -> None:
    plan = _plan(alice)
    first = _event(_feed(alice), plan.uid)
    again = _event(_feed(alice), plan.uid)
    assert str(first["UID"]) == str(again["UID"]) == f"{plan.uid}@kithkin"
    assert first["SEQUENCE"] == 0
    Plan.objects.filter(pk=plan.pk).update(start_time=time(19, 0), sequence=1)
    edited = _event(_feed(alice), plan.uid)
    assert str(edited["UID"]) == f"{plan.uid}@kithkin"
    assert edited["SEQUENCE"] == 1
    assert edited.start == datetime(2026, 1, 4, 19, tzinfo=LONDON)


@time_machine.travel(NOW, tick=False)
def test_a_skip_leaves_only_the_feed_of_who_skipped(alice: User, bob: User) -> None:
    plan = _plan(alice)
    PlanGuest.objects.create(owner=bob, plan=plan)
    sunday = datetime(2026, 1, 11, 18, tzinfo=LONDON)
    Occurrence.objects.create(owner=bob, plan=plan, starts_at=sunday, rsvp="skip")
    Occurrence.objects.create(
        owner=alice, plan=plan, starts_at=sunday + timedelta(days=7), rsvp="going"
    )
    assert _exdates(_event(_feed(alice), plan.uid)) == []
    bobs = _event(_feed(bob), plan.uid)
    assert _exdates(bobs) == [sunday]
    assert sunday.astimezone(UTC) not in _expand(bobs, *YEAR)


@time_machine.travel(NOW, tick=False)
def test_a_skip_in_a_spring_forward_gap_names_the_rules_local_time(alice: User) -> None:
    # 01:30 on 29 March 2026 doesn't exist in London; it happens at 02:30 BST.
    plan = _plan(alice, rrule="FREQ=DAILY", start_time=time(1, 30))
    shifted = Series.of(plan).instant(datetime(2026, 3, 29, 1, 30))
    assert shifted == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    Occurrence.objects.create(owner=alice, plan=plan, starts_at=shifted, rsvp="skip")
    event = _event(_feed(alice), plan.uid)
    (ex,) = _exdates(event)
    assert ex.replace(tzinfo=None) == datetime(2026, 3, 29, 1, 30)
    days = (datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    assert _expand(event, *days) == [
        datetime(2026, 3, 28, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
    ]


@time_machine.travel(NOW, tick=False)
def test_it_lists_guest_plans_without_the_owners_people(alice: User, bob: User) -> None:
    from kithkin.circle.models import Person

    plan = _plan(alice, "Walk in the park")
    mum = Person.objects.create(owner=alice, name="Mum")
    PlanPerson.objects.create(owner=alice, plan=plan, person=mum)
    PlanGuest.objects.create(owner=bob, plan=plan)
    assert "With Mum." in str(_event(_feed(alice), plan.uid)["DESCRIPTION"])
    bobs = str(_event(_feed(bob), plan.uid)["DESCRIPTION"])
    assert "Mum" not in bobs and "A plan you joined." in bobs


@time_machine.travel(NOW, tick=False)
def test_a_guest_never_gets_the_owners_private_note(alice: User, bob: User) -> None:
    # The plan's page shows its note to the owner only; the guest's calendar follows suit.
    plan = _plan(alice, "Walk in the park", note="Mum has been low since the move")
    PlanGuest.objects.create(owner=bob, plan=plan)
    assert "Mum has been low" in str(_event(_feed(alice), plan.uid)["DESCRIPTION"])
    bobs = str(_event(_feed(bob), plan.uid)["DESCRIPTION"])
    assert "Mum" not in bobs and "A plan you joined." in bobs
    download = ical.calendar_bytes(ical.plan_entries(plan, bob), plan.title, NOW)
    assert b"Mum" not in download and b"A plan you joined." in download


@time_machine.travel(NOW, tick=False)
def test_it_never_puts_one_persons_plans_in_anothers_feed(alice: User, bob: User) -> None:
    _plan(alice, "Alice's secret plan")
    Community.objects.create(
        owner=alice, name="Alice's choir", start_date=date(2026, 1, 6), start_time=time(19)
    )
    _plan(bob, "Bob's walk")
    assert [str(e["SUMMARY"]) for e in _feed(bob).events] == ["Bob's walk"]


@time_machine.travel(NOW, tick=False)
def test_an_ended_plan_stops_at_its_end_and_an_old_one_leaves(alice: User) -> None:
    recent = _plan(alice, "Recent", start_date=date(2025, 11, 2), ended_at=NOW)
    counted = _plan(
        alice,
        "Counted",
        rrule="FREQ=WEEKLY;COUNT=50;BYDAY=SU",
        start_date=date(2025, 11, 2),
        ended_at=NOW,
    )
    _plan(alice, "Long gone", start_date=date(2025, 1, 5), ended_at=NOW - timedelta(days=120))
    never = _plan(alice, "Never", start_date=date(2026, 1, 4), ended_at=NOW)
    cal = _feed(alice)
    assert {str(e["SUMMARY"]) for e in cal.events} == {"Recent", "Counted"}
    for plan in (recent, counted):
        found = _expand(_event(cal, plan.uid), datetime(2025, 1, 1, tzinfo=UTC), YEAR[1])
        # Sundays from 2 November to 28 December 2025: nine of them, the last before the end.
        assert len(found) == 9
        assert found[-1] == datetime(2025, 12, 28, 18, tzinfo=UTC)
    assert not [e for e in cal.events if str(e["UID"]).startswith(never.uid)]


@time_machine.travel(NOW, tick=False)
def test_it_leaves_out_archived_communities_and_those_without_meetings(alice: User) -> None:
    kept = Community.objects.create(
        owner=alice, name="Book club", start_date=date(2026, 1, 6), start_time=time(19)
    )
    Community.objects.create(
        owner=alice, name="Forum", meets=False, start_date=date(2026, 1, 6), start_time=time(19)
    )
    Community.objects.create(
        owner=alice,
        name="Old choir",
        start_date=date(2026, 1, 6),
        start_time=time(19),
        archived_at=NOW,
    )
    assert [str(e["UID"]) for e in _feed(alice).events] == [f"{kept.uid}@kithkin"]


@time_machine.travel(NOW, tick=False)
def test_a_one_off_file_holds_just_that_plan(alice: User) -> None:
    plan = _plan(alice, rrule="", place="The library")
    _plan(alice, "Something else")
    cal = Calendar.from_ical(ical.calendar_bytes(ical.plan_entries(plan, alice), plan.title, NOW))
    (event,) = cal.events
    assert "RRULE" not in event
    assert event.start == datetime(2026, 1, 4, 18, tzinfo=LONDON)
    assert str(event["LOCATION"]) == "The library"
