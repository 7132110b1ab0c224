"""When someone is next "due": pure date arithmetic, no ORM, no clock.

A cadence counts calendar days in the owner's own time zone, so "every 7 days"
stays on the same weekday across daylight-saving changes, and a contact late on
Sunday evening counts as Sunday even when UTC already says Monday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The start of `day` in `tz`, as an aware UTC datetime.

    Where clocks skip midnight (a DST gap) this lands just after the gap, still on
    `day`; where `day` never happened in `tz` (Samoa skipped 2011-12-30), it lands
    on the next day that did.
    """
    # fold=0 reads a non-existent local time with the offset from before the
    # gap, which maps it forward past the gap: the first hour of the same day.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def next_due(
    last_contact: datetime,
    cadence_days: int,
    tz: ZoneInfo,
    paused_until: date | None = None,
) -> datetime:
    """When a person is next due for a gentle nudge.

    1. Take the local calendar date of the last contact (or of adding them).
    2. Add `cadence_days` calendar days.
    3. If they asked for space until a later date, wait until the day after it.
    4. Return the start of that local day, in UTC.
    """
    if cadence_days < 1:
        raise ValueError("cadence_days must be at least 1")
    due = last_contact.astimezone(tz).date() + timedelta(days=cadence_days)
    if paused_until is not None and paused_until >= due:
        due = paused_until + timedelta(days=1)
    return start_of_day(due, tz)
