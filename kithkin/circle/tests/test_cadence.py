"""Next-due arithmetic across time zones and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.circle.cadence import next_due, start_of_day

ZONES = sorted(available_timezones() - {"Factory", "localtime"})
zones = st.sampled_from(ZONES).map(ZoneInfo)
instants = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)
cadences = st.integers(min_value=1, max_value=400)


@settings(max_examples=400)
@given(last=instants, days=cadences, tz=zones)
def test_it_lands_on_the_right_local_day_near_its_start(
    last: datetime, days: int, tz: ZoneInfo
) -> None:
    due = next_due(last, days, tz)
    target = last.astimezone(tz).date() + timedelta(days=days)
    local = due.astimezone(tz)
    assert due.tzinfo is UTC
    # On the target day (or, where that day never happened there, the next one)...
    assert local.date() >= target
    assert local.date() - target <= timedelta(days=1)
    # ...at its start, or just after a daylight-saving gap that swallowed midnight.
    assert local.hour < 3
    assert (due - timedelta(hours=3)).astimezone(tz).date() < local.date()
    assert due > last


@given(
    last=instants, days=cadences, tz=zones, later=st.timedeltas(timedelta(0), timedelta(days=90))
)
def test_a_later_contact_never_brings_the_due_date_forward(
    last: datetime, days: int, tz: ZoneInfo, later: timedelta
) -> None:
    assert next_due(last + later, days, tz) >= next_due(last, days, tz)


@given(last=instants, days=cadences, tz=zones, pause=st.integers(min_value=-30, max_value=400))
def test_a_pause_waits_until_the_day_after_it(
    last: datetime, days: int, tz: ZoneInfo, pause: int
) -> None:
    paused_until = last.astimezone(tz).date() + timedelta(days=pause)
    due = next_due(last, days, tz, paused_until)
    assert due >= next_due(last, days, tz)
    assert due.astimezone(tz).date() > paused_until


@pytest.mark.parametrize(
    ("zone", "last_local", "days", "due_local"),
    [
        # Spring forward in London (29 March 2026): still midnight on the right day.
        ("Europe/London", datetime(2026, 3, 28, 10, 0), 1, datetime(2026, 3, 29, 0, 0)),
        # A weekly rhythm keeps its weekday across the change.
        ("Europe/London", datetime(2026, 3, 23, 20, 0), 7, datetime(2026, 3, 30, 0, 0)),
        # Fall back in New York (1 November 2026).
        ("America/New_York", datetime(2026, 10, 31, 23, 30), 1, datetime(2026, 11, 1, 0, 0)),
        # Sunday morning in Sydney is still Saturday in UTC; it counts as Sunday.
        ("Australia/Sydney", datetime(2026, 11, 22, 8, 0), 7, datetime(2026, 11, 29, 0, 0)),
        # Where midnight itself is skipped (Santiago, 6 September 2026), 1 a.m. that day.
        ("America/Santiago", datetime(2026, 9, 5, 12, 0), 1, datetime(2026, 9, 6, 1, 0)),
    ],
)
def test_known_daylight_saving_days(
    zone: str, last_local: datetime, days: int, due_local: datetime
) -> None:
    tz = ZoneInfo(zone)
    due = next_due(last_local.replace(tzinfo=tz), days, tz)
    assert due.astimezone(tz).replace(tzinfo=None) == due_local


def test_a_day_that_never_happened_moves_to_the_next() -> None:
    # Samoa skipped 30 December 2011 when it crossed the date line.
    tz = ZoneInfo("Pacific/Apia")
    assert start_of_day(date(2011, 12, 30), tz).astimezone(tz).date() == date(2011, 12, 31)


def test_a_cadence_below_one_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        next_due(datetime(2026, 1, 1, tzinfo=UTC), 0, ZoneInfo("UTC"))
