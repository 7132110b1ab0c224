"""Recurrence math, checked by hand against a calendar (2026: 5 March is a Thursday).

Clock changes in 2026: London springs forward on Sunday 29 March at 01:00 UTC,
New York on Sunday 8 March, and Sydney falls back on Sunday 5 April.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from dateutil.rrule import rrulebase
from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.plans import recurrence, wording
from kithkin.plans.recurrence import RecurrenceError, Series

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _series(rule: str, start: datetime, zone: str = "Europe/London", **kw: object) -> Series:
    tidy = recurrence.normalize_rule(rule, start, zone)
    return Series(rule=tidy, start=start, zone=zoneinfo.ZoneInfo(zone), **kw)  # type: ignore[arg-type]


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc, arg-type]


def _locals(found: list[datetime]) -> list[str]:
    return [at.strftime("%a %Y-%m-%d %H:%M") for at in found]


A_YEAR = (_utc(2026, 1, 1), _utc(2027, 1, 1))


def test_it_counts_every_other_wednesday_from_the_week_of_a_thursday_start() -> None:
    series = _series("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", datetime(2026, 3, 5, 18, 0))
    # 4 March is before the start and 11 March is in the week in between.
    assert _locals(series.between(*A_YEAR, limit=3)) == [
        "Wed 2026-03-18 18:00",
        "Wed 2026-04-01 18:00",
        "Wed 2026-04-15 18:00",
    ]
    first = recurrence.first_local(series.rule, series.start, "Europe/London")
    assert first == datetime(2026, 3, 18, 18, 0)


def test_it_finds_the_first_friday_of_each_month() -> None:
    series = _series("FREQ=MONTHLY;BYDAY=1FR", datetime(2026, 3, 5, 19, 30))
    assert _locals(series.between(*A_YEAR, limit=3)) == [
        "Fri 2026-03-06 19:30",
        "Fri 2026-04-03 19:30",
        "Fri 2026-05-01 19:30",
    ]


def test_it_finds_the_last_friday_and_the_last_weekday_of_each_month() -> None:
    last_friday = _series("FREQ=MONTHLY;BYDAY=-1FR", datetime(2026, 3, 1, 12, 0))
    assert _locals(last_friday.between(*A_YEAR, limit=3)) == [
        "Fri 2026-03-27 12:00",
        "Fri 2026-04-24 12:00",
        "Fri 2026-05-29 12:00",
    ]
    weekday = _series("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", datetime(2026, 3, 1, 12, 0))
    # 31 May 2026 is a Sunday, so May's last weekday is Friday the 29th.
    assert _locals(weekday.between(*A_YEAR, limit=3)) == [
        "Tue 2026-03-31 12:00",
        "Thu 2026-04-30 12:00",
        "Fri 2026-05-29 12:00",
    ]


def test_exceptions_leave_out_one_occurrence() -> None:
    start = datetime(2026, 3, 1, 18, 0)
    rule = recurrence.normalize_rule("FREQ=WEEKLY;BYDAY=SU", start, "Europe/London")
    skipped = recurrence.parse_exdates([recurrence.exdate_key(datetime(2026, 3, 8, 18, 0))])
    series = Series(rule=rule, start=start, zone=LONDON, exdates=skipped)
    assert _locals(series.between(_utc(2026, 3, 1), _utc(2026, 3, 23))) == [
        "Sun 2026-03-01 18:00",
        "Sun 2026-03-15 18:00",
        "Sun 2026-03-22 18:00",
    ]
    assert series.next_after(_utc(2026, 3, 2)) == datetime(2026, 3, 15, 18, 0, tzinfo=LONDON)


def test_count_and_until_end_the_series() -> None:
    counted = _series("FREQ=WEEKLY;COUNT=3;BYDAY=WE", datetime(2026, 3, 18, 18, 0))
    assert len(counted.between(*A_YEAR)) == 3
    assert counted.next_after(_utc(2026, 4, 2)) is None
    # A day as UNTIL is read in the plan's zone at the plan's time: 1 April is in.
    until = _series("FREQ=WEEKLY;UNTIL=20260401;BYDAY=WE", datetime(2026, 3, 18, 18, 0))
    assert until.rule == "FREQ=WEEKLY;UNTIL=20260401T170000Z;BYDAY=WE"
    assert _locals(until.between(*A_YEAR)) == [
        "Wed 2026-03-18 18:00",
        "Wed 2026-03-25 18:00",
        "Wed 2026-04-01 18:00",
    ]


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # Sundays at 18:00 on either side of each city's clock change.
        ("Europe/London", ("2026-03-22", 18), ("2026-03-29", 17)),
        ("America/New_York", ("2026-03-01", 23), ("2026-03-08", 22)),
        ("Australia/Sydney", ("2026-03-29", 7), ("2026-04-05", 8)),
    ],
)
def test_18_00_stays_18_00_local_across_the_clock_change(
    zone: str, before: tuple[str, int], after: tuple[str, int]
) -> None:
    first = datetime.fromisoformat(before[0]).replace(hour=18)
    series = _series("FREQ=WEEKLY;BYDAY=SU", first, zone)
    found = series.between(_utc(2026, 1, 1), _utc(2026, 6, 1), limit=2)
    assert [at.strftime("%H:%M") for at in found] == ["18:00", "18:00"]
    assert [(at.astimezone(UTC).date().isoformat(), at.astimezone(UTC).hour) for at in found] == [
        before,
        after,
    ]


def test_a_time_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    series = _series("FREQ=DAILY", datetime(2026, 3, 28, 1, 30))
    found = series.between(*A_YEAR, limit=3)
    # 01:30 doesn't exist in London on 29 March: it happens at 02:30 BST.
    assert [at.astimezone(UTC).strftime("%d %H:%M") for at in found] == [
        "28 01:30",
        "29 01:30",
        "30 00:30",
    ]
    assert found[1].strftime("%H:%M %Z") == "02:30 BST"
    assert series.local_start(found[1]) == datetime(2026, 3, 29, 1, 30)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",
        "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=MONTHLY;BYMONTH=11;BYMONTHDAY=31",
    ],
)
def test_an_impossible_rule_is_refused_without_searching_the_centuries(rule: str) -> None:
    # dateutil would look for "30 February" period by period up to the year 9999
    # (seconds for a daily rule); these are refused before it ever iterates.
    with (
        mock.patch.object(rrulebase, "__iter__", side_effect=AssertionError("iterated")),
        pytest.raises(RecurrenceError, match="never happens"),
    ):
        recurrence.normalize_rule(rule, datetime(2026, 1, 1, 9, 0), "Europe/London")


def test_a_rare_but_real_day_is_kept() -> None:
    # 29 February, every year: the next one is in 2028.
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    assert recurrence.normalize_rule(rule, datetime(2026, 1, 1, 9), "Europe/London") == rule


@pytest.mark.parametrize(
    ("rule", "zone", "words"),
    [
        ("FREQ=HOURLY", "Europe/London", "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("BYDAY=MO", "Europe/London", "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=WEEKLY;FOO=1", "Europe/London", "doesn't understand “FOO”"),
        ("FREQ=WEEKLY;BYDAY", "Europe/London", "needs a value"),
        ("FREQ=WEEKLY;FREQ=DAILY", "Europe/London", "FREQ appears twice"),
        ("FREQ=WEEKLY;INTERVAL=0", "Europe/London", "INTERVAL must be a whole number from 1"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "Europe/London", "not both"),
        ("FREQ=WEEKLY;BYDAY=1MO", "Europe/London", "monthly or yearly"),
        ("FREQ=WEEKLY;UNTIL=tomorrow", "Europe/London", "UNTIL must be a day"),
        ("FREQ=WEEKLY\nFREQ=DAILY", "Europe/London", "one line"),
        ("FREQ=WEEKLY", "Mars/Olympus", "isn't a time zone name"),
        ("FREQ=WEEKLY", " Europe/London", "isn't a time zone name"),
        ("FREQ=WEEKLY", "localtime", "isn't a time zone name"),
        ("FREQ=WEEKLY", "Factory", "isn't a time zone name"),
        ("FREQ=WEEKLY", "posixrules", "isn't a time zone name"),
        ("FREQ=WEEKLY", "Europe/../etc", "isn't a time zone name"),
    ],
)
def test_bad_input_gets_a_message_that_says_what_to_change(
    rule: str, zone: str, words: str
) -> None:
    with pytest.raises(RecurrenceError) as caught:
        recurrence.normalize_rule(rule, datetime(2026, 3, 1, 18, 0), zone)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;BYDAY=+60MO", "goes from 1 to 5"),  # dateutil: IndexError
        ("FREQ=YEARLY;BYDAY=54MO", "goes from 1 to 53"),
        ("FREQ=MONTHLY;BYDAY=0FR", "goes from 1 to 5"),
        ("FREQ=MONTHLY;BYDAY=-FR", "isn't a weekday"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY takes whole numbers from 1 to 31"),  # was daily
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY takes whole numbers from 1 to 31"),
        ("FREQ=YEARLY;BYMONTH=-1", "BYMONTH takes whole numbers from 1 to 12."),
        ("FREQ=MONTHLY;BYSETPOS=1.5;BYDAY=MO", "BYSETPOS takes whole numbers"),
        ("FREQ=YEARLY;BYWEEKNO=60", "BYWEEKNO takes whole numbers from 1 to 53"),
        ("FREQ=WEEKLY;UNTIL=00010101", "never happens"),  # year 1 wouldn't read back
    ],
)
def test_numbers_outside_rfc_5545_ranges_are_refused_with_words(rule: str, words: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        recurrence.normalize_rule(rule, datetime(2026, 3, 1, 18, 0), "Europe/London")
    assert words in str(caught.value)


def test_negative_numbers_count_back_from_the_end() -> None:
    rule = "FREQ=MONTHLY;BYMONTHDAY=-1,+15;BYSETPOS=-1"
    tidy = recurrence.normalize_rule(rule, datetime(2026, 3, 1, 18, 0), "Europe/London")
    assert tidy == "FREQ=MONTHLY;BYMONTHDAY=-1,+15;BYSETPOS=-1"


def test_a_one_off_is_one_occurrence() -> None:
    series = Series(rule="", start=datetime(2026, 3, 18, 18, 0), zone=LONDON)
    assert series.between(*A_YEAR) == [datetime(2026, 3, 18, 18, 0, tzinfo=LONDON)]
    assert series.next_after(_utc(2026, 3, 18, 18)) is None


def test_ending_a_rule_keeps_the_past_and_stops_the_future() -> None:
    start = datetime(2026, 3, 1, 18, 0)
    ended = recurrence.ended_rule(
        "FREQ=WEEKLY;COUNT=50;BYDAY=SU", start, "Europe/London", _utc(2026, 3, 10)
    )
    assert ended == "FREQ=WEEKLY;UNTIL=20260309T235959Z;BYDAY=SU"
    series = Series(rule=ended, start=start, zone=LONDON)
    assert _locals(series.between(*A_YEAR)) == ["Sun 2026-03-01 18:00", "Sun 2026-03-08 18:00"]
    # Nothing yet before the end: the rule stays as it was (the plan's end says the rest).
    assert (
        recurrence.ended_rule("FREQ=WEEKLY;BYDAY=SU", start, "Europe/London", _utc(2026, 2, 1))
        == "FREQ=WEEKLY;BYDAY=SU"
    )


RULES = st.sampled_from(
    [
        "FREQ=DAILY",
        "FREQ=WEEKLY;BYDAY=SU",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE,SA",
        "FREQ=MONTHLY;BYDAY=1FR",
        "FREQ=MONTHLY;BYDAY=-1MO",
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "FREQ=YEARLY",
    ]
)
ZONES = st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "UTC"])


@settings(max_examples=60, deadline=None)
@given(
    rule=RULES,
    zone=ZONES,
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1)),
    offset=st.integers(min_value=0, max_value=400 * 24),
    first_hours=st.integers(min_value=0, max_value=60 * 24),
    second_hours=st.integers(min_value=0, max_value=60 * 24),
)
def test_adjacent_windows_give_the_same_occurrences_as_one_window(
    rule: str, zone: str, start: datetime, offset: int, first_hours: int, second_hours: int
) -> None:
    local = start.replace(second=0, microsecond=0)
    series = _series(rule, local, zone)
    a = _utc(2025, 1, 1) + timedelta(hours=offset)
    b = a + timedelta(hours=first_hours)
    c = b + timedelta(hours=second_hours)
    assert series.between(a, b) + series.between(b, c) == series.between(a, c)


# --- Wording ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "start", "zone", "words"),
    [
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
            datetime(2026, 3, 18, 18, 0),
            "Europe/London",
            "Every other Wednesday at 18:00, London time",
        ),
        (
            "FREQ=WEEKLY;BYDAY=SU",
            datetime(2026, 3, 1, 18, 0),
            "UTC",
            "Every Sunday at 18:00, UTC time",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,TH",
            datetime(2026, 3, 2, 9, 5),
            "America/New_York",
            "Every Monday and Thursday at 09:05, New York time",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=SA",
            datetime(2026, 3, 7, 10, 0),
            "Europe/London",
            "Every 3 weeks on Saturday at 10:00, London time",
        ),
        (
            "FREQ=MONTHLY;BYDAY=1FR",
            datetime(2026, 3, 6, 19, 30),
            "Europe/London",
            "The first Friday of every month at 19:30, London time",
        ),
        (
            "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1",
            datetime(2026, 3, 27, 19, 30),
            "Europe/London",
            "The last Friday of every month at 19:30, London time",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=15",
            datetime(2026, 3, 15, 12, 0),
            "Europe/London",
            "On day 15 of every month at 12:00, London time",
        ),
        (
            "FREQ=WEEKLY;COUNT=6;BYDAY=TU",
            datetime(2026, 3, 3, 12, 0),
            "Europe/London",
            "Every Tuesday at 12:00, 6 times in all, London time",
        ),
        (
            "FREQ=WEEKLY;UNTIL=20260630T225959Z;BYDAY=TU",
            datetime(2026, 3, 3, 12, 0),
            "Australia/Sydney",
            "Every Tuesday at 12:00, until 1 July 2026, Sydney time",
        ),
        (
            "",
            datetime(2026, 3, 18, 18, 0),
            "Europe/London",
            "Once, on Wednesday 18 March 2026 at 18:00, London time",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            datetime(2026, 3, 31, 12, 0),
            "Europe/London",
            "Repeats by its own rule, from 31 March 2026 at 12:00, London time",
        ),
    ],
)
def test_it_describes_a_schedule_in_plain_words(
    rule: str, start: datetime, zone: str, words: str
) -> None:
    assert wording.describe(rule, start, zone) == words


def test_a_start_at_the_end_of_the_calendar_is_a_clear_refusal() -> None:
    with pytest.raises(RecurrenceError, match="long way off"):
        recurrence.normalize_rule("FREQ=WEEKLY", datetime(9999, 12, 25, 18, 0), "Europe/London")
