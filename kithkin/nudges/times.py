"""When reminders fire: plain data in, instants out. No ORM here.

Every instant is an aware datetime. Local times are read in the person's zone
with zoneinfo, so "9:00" stays 9:00 on both sides of a clock change. A local
time that doesn't exist (the spring-forward gap) moves forward by the gap; a
time that happens twice (autumn) is the first of the two.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

# A paused or quiet week still ends: looking further than this means "never".
SEARCH_DAYS = 400
# Partner alerts are looked at once a day, mid-morning in the person's zone.
ALERT_CHECK_AT = time(10, 0)
# Weekly summaries go out on Sunday evening (weekday 6) in the person's zone.
SUMMARY_WEEKDAY = 6
SUMMARY_AT = time(18, 0)


@dataclass(frozen=True)
class Quiet:
    """A person's quiet hours and days. start == end (or either empty) means no quiet hours."""

    start: time | None = None
    end: time | None = None
    days: frozenset[int] = frozenset()  # 0 = Monday, as date.weekday()

    @classmethod
    def of(cls, start: time | None, end: time | None, days: Collection[int] | None) -> Quiet:
        clean = frozenset(d for d in (days or []) if isinstance(d, int) and 0 <= d <= 6)
        return cls(start, end, clean)

    def covers(self, at: time) -> bool:
        """Whether a local time of day is inside the quiet hours (start included, end not)."""
        if self.start is None or self.end is None or self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= at < self.end
        # Crossing midnight, e.g. 22:00-07:00.
        return at >= self.start or at < self.end

    def move_out(self, at: time) -> time:
        """A time inside the quiet hours becomes their end; others stay as they are.

        For quiet hours that cross midnight, a chosen 23:00 inside 22:00-07:00
        becomes 07:00 of the same day, so the reminder keeps its day.
        """
        if self.covers(at) and self.end is not None:
            return self.end
        return at


def local_instant(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """`day` at local time `at` in `zone`, as an aware UTC datetime.

    A time in a spring-forward gap moves forward by the gap (02:30 on the night
    London goes 01:00 -> 02:00 is 03:30 local); in autumn the earlier one counts.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None))
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def local_date(at: datetime, zone: zoneinfo.ZoneInfo) -> date:
    return at.astimezone(zone).date()


def next_daily(
    after: datetime,
    zone: zoneinfo.ZoneInfo,
    daily_at: time,
    quiet: Quiet = Quiet(),
    paused_until: date | None = None,
) -> datetime | None:
    """The first daily-step instant strictly after `after`, or None if there is none.

    1. Start on the local day of `after` (or the day after a pause).
    2. Skip quiet days.
    3. Move a time inside quiet hours to their end, on that same day.
    4. The first such instant later than `after` is it.
    """
    day = local_date(after, zone)
    if paused_until is not None and paused_until >= day:
        day = paused_until + timedelta(days=1)
    for _ in range(SEARCH_DAYS):
        if day.weekday() not in quiet.days:
            at = local_instant(day, quiet.move_out(daily_at), zone)
            if at > after:
                return at
        day += timedelta(days=1)
    return None


def next_daily_at(after: datetime, zone: zoneinfo.ZoneInfo, at: time) -> datetime:
    """The next instant strictly after `after` when the local clock shows `at`."""
    day = local_date(after, zone)
    while True:
        found = local_instant(day, at, zone)
        if found > after:
            return found
        day += timedelta(days=1)


def next_weekly_at(after: datetime, zone: zoneinfo.ZoneInfo, weekday: int, at: time) -> datetime:
    """The next instant strictly after `after` on local `weekday` at local `at`."""
    day = local_date(after, zone)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while True:
        found = local_instant(day, at, zone)
        if found > after:
            return found
        day += timedelta(days=7)


def plan_remind_at(start: datetime, remind_minutes: int) -> datetime:
    """A plan reminder goes `remind_minutes` before the occurrence starts (elapsed time)."""
    return start.astimezone(UTC) - timedelta(minutes=remind_minutes)


def slot_time(at: datetime) -> str:
    """An instant as it appears in a slot: UTC, to the second, with Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_slot_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# Failed sends are tried again after these waits; after the last, the slot is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


def backoff(failures: int) -> timedelta:
    """How long to wait after the `failures`-th failure in a row (1-based)."""
    return BACKOFF[min(max(failures, 1), len(BACKOFF)) - 1]
