"""The reminder time math, checked by hand against each zone's clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kithkin.nudges import times
from kithkin.nudges.times import Quiet

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "zone", "at", "expected"),
    [
        # London goes GMT -> BST at 01:00 UTC on Sunday 29 March 2026.
        (utc(2026, 3, 28, 12), LONDON, time(9), utc(2026, 3, 29, 8)),
        (utc(2026, 3, 27, 12), LONDON, time(9), utc(2026, 3, 28, 9)),
        # ...and back on Sunday 25 October 2026.
        (utc(2026, 10, 24, 12), LONDON, time(9), utc(2026, 10, 25, 9)),
        (utc(2026, 10, 23, 12), LONDON, time(9), utc(2026, 10, 24, 8)),
        # New York: EST -> EDT on Sunday 8 March 2026, back on Sunday 1 November.
        (utc(2026, 3, 7, 13), NEW_YORK, time(7), utc(2026, 3, 8, 11)),
        (utc(2026, 3, 6, 13), NEW_YORK, time(7), utc(2026, 3, 7, 12)),
        (utc(2026, 10, 31, 13), NEW_YORK, time(7), utc(2026, 11, 1, 12)),
        # Sydney: AEDT (+11) -> AEST (+10) on Sunday 5 April 2026; back on 4 October.
        (utc(2026, 4, 3, 22), SYDNEY, time(8), utc(2026, 4, 4, 22)),
        (utc(2026, 4, 2, 22), SYDNEY, time(8), utc(2026, 4, 3, 21)),
        (utc(2026, 10, 3, 0), SYDNEY, time(8), utc(2026, 10, 3, 21)),
        # 07:00 on 23 November in Sydney is 20:00 UTC the day before: 08:00 is still ahead.
        (utc(2026, 11, 22, 20), SYDNEY, time(8), utc(2026, 11, 22, 21)),
        # Exactly at the time: strictly after, so the next day.
        (utc(2026, 11, 23, 9), LONDON, time(9), utc(2026, 11, 24, 9)),
    ],
)
def test_it_finds_the_next_daily_time_across_clock_changes(
    after: datetime, zone: ZoneInfo, at: time, expected: datetime
) -> None:
    assert times.next_daily(after, zone, at) == expected


def test_it_moves_a_time_in_the_spring_gap_forward() -> None:
    # 01:30 doesn't exist in London on 29 March 2026: it is 02:30 BST, 01:30 UTC.
    assert times.local_instant(date(2026, 3, 29), time(1, 30), LONDON) == utc(2026, 3, 29, 1, 30)
    # 02:30 in New York on 8 March 2026 is 03:30 EDT, 07:30 UTC.
    assert times.local_instant(date(2026, 3, 8), time(2, 30), NEW_YORK) == utc(2026, 3, 8, 7, 30)


def test_it_takes_the_first_of_a_twice_happening_time() -> None:
    # 01:30 happens twice in London on 25 October 2026: first in BST (00:30 UTC).
    assert times.local_instant(date(2026, 10, 25), time(1, 30), LONDON) == utc(2026, 10, 25, 0, 30)


@pytest.mark.parametrize(
    ("quiet", "at", "expected"),
    [
        (Quiet(time(22), time(7)), time(23, 30), time(7)),
        (Quiet(time(22), time(7)), time(6), time(7)),
        (Quiet(time(22), time(7)), time(22), time(7)),
        (Quiet(time(22), time(7)), time(7), time(7)),
        (Quiet(time(22), time(7)), time(21, 59), time(21, 59)),
        (Quiet(time(13), time(15)), time(14), time(15)),
        (Quiet(time(13), time(15)), time(15), time(15)),
        (Quiet(time(13), time(15)), time(12), time(12)),
        (Quiet(time(9), time(9)), time(9), time(9)),
        (Quiet(None, time(9)), time(8), time(8)),
    ],
)
def test_it_moves_a_time_out_of_quiet_hours(quiet: Quiet, at: time, expected: time) -> None:
    assert quiet.move_out(at) == expected


def test_it_moves_a_late_evening_time_to_the_end_of_quiet_hours_that_day() -> None:
    quiet = Quiet(time(22), time(7))
    # Sunday 22 November 2026, 12:00 UTC in London: 23:30 falls in 22:00-07:00, so
    # it goes to 07:00 -- already past today, so Monday 07:00 GMT.
    got = times.next_daily(utc(2026, 11, 22, 12), LONDON, time(23, 30), quiet)
    assert got == utc(2026, 11, 23, 7)


def test_it_skips_quiet_days() -> None:
    weekend = Quiet.of(None, None, [5, 6])
    # Friday 20 November 2026 10:00 UTC: past 9:00, so Saturday, Sunday are quiet -> Monday.
    got = times.next_daily(utc(2026, 11, 20, 10), LONDON, time(9), weekend)
    assert got == utc(2026, 11, 23, 9)


def test_it_ignores_nonsense_quiet_days() -> None:
    odd: list[Any] = [7, -1, "1", 2]
    assert Quiet.of(None, None, odd).days == frozenset({2})


def test_it_waits_until_the_pause_is_over() -> None:
    # Paused up to and including Wednesday 25 November: Thursday is the first day.
    got = times.next_daily(utc(2026, 11, 22, 12), LONDON, time(9), paused_until=date(2026, 11, 25))
    assert got == utc(2026, 11, 26, 9)
    # A pause that ended yesterday changes nothing.
    got = times.next_daily(utc(2026, 11, 22, 8), LONDON, time(9), paused_until=date(2026, 11, 21))
    assert got == utc(2026, 11, 22, 9)


def test_it_says_never_when_every_day_is_quiet() -> None:
    every_day = Quiet.of(None, None, range(7))
    assert times.next_daily(utc(2026, 11, 22), LONDON, time(9), every_day) is None


def test_it_finds_the_alert_check_and_summary_times() -> None:
    # 10:00 in Sydney on 23 November (AEDT) is 23:00 UTC on the 22nd.
    assert times.next_daily_at(utc(2026, 11, 22, 12), SYDNEY, time(10)) == utc(2026, 11, 22, 23)
    # Sunday 18:00 in New York after Sunday 22 November 2026 23:30 UTC (18:30 EST): next week.
    got = times.next_weekly_at(utc(2026, 11, 22, 23, 30), NEW_YORK, 6, time(18))
    assert got == utc(2026, 11, 29, 23)
    # The same Sunday, earlier in the day.
    got = times.next_weekly_at(utc(2026, 11, 22, 12), NEW_YORK, 6, time(18))
    assert got == utc(2026, 11, 22, 23)


def test_it_reminds_of_a_plan_in_elapsed_minutes() -> None:
    start = datetime(2026, 3, 29, 3, 0, tzinfo=LONDON)  # 02:00 UTC, just after the change
    assert times.plan_remind_at(start, 90) == utc(2026, 3, 29, 0, 30)


def test_it_backs_off_then_gives_up() -> None:
    waits = [times.backoff(n) for n in range(1, times.MAX_ATTEMPTS)]
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
    ]
    assert times.MAX_ATTEMPTS == 5


def test_it_writes_and_reads_slot_times() -> None:
    at = datetime(2026, 11, 22, 18, 0, tzinfo=LONDON)
    assert times.slot_time(at) == "2026-11-22T18:00:00Z"
    assert times.parse_slot_time("2026-11-22T18:00:00Z") == utc(2026, 11, 22, 18)
    assert times.parse_slot_time("nonsense") is None
    assert times.iso_week(date(2026, 1, 1)) == "2026-W01"
    assert times.iso_week(date(2027, 1, 1)) == "2026-W53"
