"""Recurrence math for plans and community meetings: plain data in, instants out.

A series is kept as RFC 5545 keeps it: a local start (DTSTART with TZID), an
RRULE value and exceptions (EXDATE). Occurrences are expanded in local time and
only then turned into instants, so "Sundays at 18:00 in London" is 18:00 in
winter and in summer. A local time that falls in a spring-forward gap moves
forward by the gap, as RFC 5545 section 3.3.5 says.

No ORM here: `Series.of()` reads any object with the schedule fields.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PARTS = {
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH",
    "BYSETPOS", "BYYEARDAY", "BYWEEKNO", "WKST",
}  # fmt: skip
# Longer intervals or counts than these are almost certainly a typing slip.
MAX_INTERVAL = 99
MAX_COUNT = 5000
EXDATE_FORMAT = "%Y-%m-%dT%H:%M"
# RFC 5545 ranges for the numeric parts: (largest, whether negative values count back).
NUMBERS = {
    "BYMONTH": (12, False),
    "BYMONTHDAY": (31, True),
    "BYYEARDAY": (366, True),
    "BYWEEKNO": (53, True),
    "BYSETPOS": (366, True),
}
# ASCII digits only: dateutil reads no others here.
DAY_ITEM = re.compile(r"([+-]?)([0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


class RecurrenceError(ValueError):
    """A repeat rule or time zone that can't be used, with a message for people."""


@functools.cache
def _zone_names() -> frozenset[str]:
    # The files "localtime" (the server's own clock) and "Factory" load as zones too,
    # but they aren't places: a plan in them would move with the server.
    return frozenset(zoneinfo.available_timezones() - {"Factory", "localtime", "posixrules"})


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The IANA time zone `name`, or RecurrenceError."""
    try:
        if not name or name not in _zone_names():
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as e:
        raise RecurrenceError(
            f"“{name[:64]}” isn't a time zone name Kithkin knows (try one like Europe/London)."
        ) from e


def _split(value: str) -> dict[str, str]:
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text:
        raise RecurrenceError("The repeat rule is empty. Leave it out for a one-off plan.")
    if any(c in text for c in "\r\n\x00") or len(text) > 500:
        raise RecurrenceError("A repeat rule is one line, such as FREQ=WEEKLY;BYDAY=SU.")
    parts: dict[str, str] = {}
    for chunk in text.upper().split(";"):
        if not chunk:
            continue
        key, sep, val = chunk.partition("=")
        key, val = key.strip(), val.strip()
        if not sep or not val:
            raise RecurrenceError(f"“{chunk[:40]}” in the repeat rule needs a value (NAME=VALUE).")
        if key not in PARTS:
            raise RecurrenceError(f"Kithkin doesn't understand “{key[:20]}” in a repeat rule.")
        if key in parts:
            raise RecurrenceError(f"{key} appears twice in the repeat rule.")
        parts[key] = val
    if parts.get("FREQ") not in FREQUENCIES:
        raise RecurrenceError(
            "A repeat rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY "
            "(plans don't repeat more often than daily)."
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError(
            "A repeat rule can end after a number of times or on a day, not both."
        )
    if parts["FREQ"] != "YEARLY" and ({"BYWEEKNO", "BYYEARDAY"} & parts.keys()):
        raise RecurrenceError("BYWEEKNO and BYYEARDAY go only with FREQ=YEARLY.")
    if parts["FREQ"] in ("DAILY", "WEEKLY") and any(c.isdigit() for c in parts.get("BYDAY", "")):
        raise RecurrenceError("“The first Monday” and similar go with monthly or yearly rules.")
    if parts["FREQ"] in ("DAILY", "WEEKLY") and "BYSETPOS" in parts:
        raise RecurrenceError("Kithkin takes BYSETPOS with monthly and yearly rules only.")
    _check_numbers(parts)
    for key, top in (("INTERVAL", MAX_INTERVAL), ("COUNT", MAX_COUNT)):
        if key in parts:
            number = _number(parts[key])
            if number is None or not 1 <= number <= top:
                raise RecurrenceError(f"{key} must be a whole number from 1 to {top}.")
            parts[key] = str(number)
    return parts


def _number(text: str) -> int | None:
    """A whole number written in decimal digits, or None.

    Not str.isdigit(): it takes "²", which int() can't read. Decimal digits of
    other scripts ("٣") are read, and written back in ASCII as RFC 5545 wants.
    """
    return int(text) if text.isdecimal() else None


def _check_numbers(parts: dict[str, str]) -> None:
    """Each BY… list within RFC 5545's ranges: dateutil reads 0 or "+60MO" as
    something else, or fails deep inside while expanding."""
    for key, (top, signed) in NUMBERS.items():
        if key not in parts:
            continue
        items = []
        for item in parts[key].split(","):
            sign = item[:1] if signed and item.startswith(("+", "-")) else ""
            text = item[len(sign) :]
            number = _number(text)
            if number is None or not 1 <= number <= top or len(text) > 3:
                words = f"from 1 to {top}" + (f" (or -{top} to -1)" if signed else "")
                raise RecurrenceError(f"{key} takes whole numbers {words}.")
            items.append(f"{sign}{number}")
        parts[key] = ",".join(items)
    # In a monthly rule "1FR" is the first Friday of the month; in a yearly one, of the year.
    top = 5 if parts["FREQ"] == "MONTHLY" else 53
    for item in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else []:
        found = DAY_ITEM.fullmatch(item)
        if found is None or (found[1] and not found[2]):
            raise RecurrenceError(f"“{item[:12]}” isn't a weekday such as MO, SU or 1FR.")
        if found[2] and not 1 <= int(found[2]) <= top:
            raise RecurrenceError(
                f"The number before a weekday goes from 1 to {top} (or -{top} to -1)."
            )


def _parse_until(value: str, zone: zoneinfo.ZoneInfo, start_time: time) -> datetime:
    """UNTIL as a UTC instant. A date, or a local time, is read in the plan's zone."""
    try:
        if len(value) == 8:
            local = datetime.combine(datetime.strptime(value, "%Y%m%d").date(), start_time)
            until = local.replace(tzinfo=zone).astimezone(UTC)
        elif value.endswith("Z"):
            until = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        else:
            local = datetime.strptime(value, "%Y%m%dT%H%M%S")
            until = local.replace(tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError) as e:
        raise RecurrenceError("UNTIL must be a day (20270131) or a time (20270131T180000Z).") from e
    # strftime writes year 1 as "1", which wouldn't read back; no plan ends before 1900.
    if until.year < 1900:
        raise RecurrenceError("That repeat rule never happens. Could you check the days?")
    return until


def _join(parts: dict[str, str]) -> str:
    order = [
        "FREQ",
        "INTERVAL",
        "COUNT",
        "UNTIL",
        *sorted(PARTS - {"FREQ", "INTERVAL", "COUNT", "UNTIL"}),
    ]
    return ";".join(f"{k}={parts[k]}" for k in order if k in parts)


def _local_parts(parts: dict[str, str], zone: zoneinfo.ZoneInfo) -> dict[str, str]:
    """The rule as dateutil expands it over naive local times: UNTIL in local time."""
    local = dict(parts)
    if "UNTIL" in local:
        instant = datetime.strptime(local["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        local["UNTIL"] = instant.astimezone(zone).replace(tzinfo=None).strftime("%Y%m%dT%H%M%S")
    return local


def _build(parts: dict[str, str], start: datetime, zone: zoneinfo.ZoneInfo) -> rrule:
    try:
        built = rrulestr(_join(_local_parts(parts, zone)), dtstart=start)
    except (ValueError, TypeError, OverflowError, IndexError, KeyError) as e:
        raise RecurrenceError(f"The repeat rule can't be read: {str(e)[:120]}.") from e
    if not isinstance(built, rrule):  # pragma: no cover - one line never makes a set
        raise RecurrenceError("A repeat rule is one RRULE value.")
    return built


def normalize_rule(value: str | None, start: datetime, zone_name: str) -> str:
    """Check an RRULE value for a series starting at local `start` and return it tidy.

    "" (or None) is a one-off. UNTIL is stored as UTC, as RFC 5545 requires when
    DTSTART has a time zone. A rule that never happens is refused rather than
    left to spin.
    """
    zone = zone_named(zone_name)
    if value is None or not value.strip():
        return ""
    parts = _split(value)
    if "UNTIL" in parts:
        until = _parse_until(parts["UNTIL"], zone, start.time())
        parts["UNTIL"] = until.strftime("%Y%m%dT%H%M%SZ")
    built = _build(parts, start, zone)
    # Rules whose days are picked by month, day of month and weekday alone (every
    # daily and weekly rule, and most monthly and yearly ones) are checked day by
    # day here; dateutil would look for an impossible one until the year 9999.
    simple = not ({"BYSETPOS", "BYYEARDAY", "BYWEEKNO"} & parts.keys()) and not any(
        c.isdigit() for c in parts.get("BYDAY", "")
    )
    if simple and not _some_day_matches(built, start.date()):
        raise RecurrenceError("That repeat rule never happens. Could you check the days?")
    # Any real pattern happens within eight of its own intervals' worth of years
    # (29 February needs up to eight years); checking a bounded span keeps an
    # impossible rule such as "30 February" from running to the year 9999.
    interval = int(parts.get("INTERVAL", "1"))
    try:
        horizon = start + relativedelta(years=8 * (interval if parts["FREQ"] == "YEARLY" else 1))
    except (ValueError, OverflowError) as e:
        raise RecurrenceError("Could you check the year? That's a long way off.") from e
    # dateutil keeps the parsed parts only as private attributes.
    existing = getattr(built, "_until", None)
    end = horizon if existing is None else min(horizon, existing)
    # dateutil stops at UNTIL only when it finds a day after it: for a rule that
    # finds none, it goes on looking up to the year 9999 (a second or more of
    # work for "the fourth of one day a month"). The Gregorian calendar repeats
    # every 400 years, weekdays included, so the same span is looked at as many
    # 400 years later as fit, which leaves less than 400 years to run on.
    later = relativedelta(years=max(0, (MAXYEAR - horizon.year - 1) // 400 * 400))
    probe = built.replace(dtstart=start + later, until=end + later, count=None)
    try:
        first = next(iter(probe), None)
    except (ValueError, TypeError, OverflowError, IndexError) as e:
        raise RecurrenceError(f"The repeat rule can't be read: {str(e)[:120]}.") from e
    if first is None:
        raise RecurrenceError("That repeat rule never happens. Could you check the days?")
    return _join(parts)


def _some_day_matches(built: rrule, first: date) -> bool:
    """Whether any day in the next eight years passes the rule's day filters.

    Daily and weekly rules only filter days (by month, day of month, weekday);
    dateutil would search an impossible one ("30 February") day by day up to
    the year 9999, so it is ruled out here first, in a few milliseconds.
    """
    months = set(getattr(built, "_bymonth", None) or range(1, 13))
    monthdays = set(getattr(built, "_bymonthday", None) or ())
    negative = set(getattr(built, "_bynmonthday", None) or ())
    weekdays = set(getattr(built, "_byweekday", None) or range(7))
    day = first
    for _ in range(366 * 8):
        if day.month in months and day.weekday() in weekdays:
            if not monthdays and not negative:
                return True
            last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            if day.day in monthdays or (day.day - last.day - 1) in negative:
                return True
        day += timedelta(days=1)
    return False


@dataclass(frozen=True)
class Series:
    """A schedule as plain data: RRULE value ("" for once), local start, zone, exceptions."""

    rule: str
    start: datetime  # naive, local to `zone`
    zone: zoneinfo.ZoneInfo
    exdates: frozenset[datetime] = frozenset()  # naive, local

    @classmethod
    def of(cls, schedule: Any) -> Series:
        """From anything with rrule, start_date, start_time, timezone and exdates."""
        return cls(
            rule=schedule.rrule or "",
            start=datetime.combine(schedule.start_date, schedule.start_time),
            zone=_zone_or_utc(schedule.timezone),
            exdates=parse_exdates(schedule.exdates or []),
        )

    def _rule(self) -> rrule | None:
        if not self.rule:
            return None
        return _build(_split(self.rule), self.start, self.zone)

    def instant(self, local: datetime) -> datetime:
        """A local occurrence as an aware datetime in the zone (gap times move forward)."""
        return local.replace(tzinfo=self.zone).astimezone(UTC).astimezone(self.zone)

    def between(self, after: datetime, before: datetime, limit: int = 1000) -> list[datetime]:
        """Occurrences starting in [after, before), as aware datetimes in the series' zone."""
        # A day either side in local time covers any UTC offset; exact bounds below.
        lo = after.astimezone(self.zone).replace(tzinfo=None) - timedelta(days=1)
        hi = before.astimezone(self.zone).replace(tzinfo=None) + timedelta(days=1)
        rule = self._rule()
        locals_: Iterable[datetime]
        if rule is None:
            locals_ = [self.start] if lo <= self.start <= hi else []
        else:
            locals_ = rule.xafter(lo, inc=True) if lo > self.start else iter(rule)
        found: list[datetime] = []
        for local in locals_:
            if local > hi or len(found) >= limit:
                break
            if local in self.exdates:
                continue
            at = self.instant(local)
            if after <= at < before:
                found.append(at)
        return found

    def next_after(self, when: datetime) -> datetime | None:
        """The first occurrence starting strictly after `when`, or None when the series ended."""
        rule = self._rule()
        if rule is None:
            at = self.instant(self.start)
            return at if at > when and self.start not in self.exdates else None
        lo = when.astimezone(self.zone).replace(tzinfo=None) - timedelta(days=1)
        for local in rule.xafter(lo, inc=True) if lo > self.start else iter(rule):
            if local in self.exdates:
                continue
            at = self.instant(local)
            if at > when:
                return at
        return None

    def local_start(self, at: datetime) -> datetime | None:
        """The local start the series gives for the occurrence at instant `at`, or None.

        Not simply `at` in local time: an occurrence in a spring-forward gap starts
        an hour later than its local start, and exceptions name the local start.
        """
        rule = self._rule()
        near = at.astimezone(self.zone).replace(tzinfo=None)
        if rule is None:
            candidates: Iterable[datetime] = [self.start]
        else:
            lo = near - timedelta(days=1)
            candidates = rule.xafter(lo, inc=True) if lo > self.start else iter(rule)
        for local in candidates:
            if local > near + timedelta(days=1):
                break
            if self.instant(local) == at:
                return local
        return None

    def local_exdates(self) -> list[datetime]:
        return sorted(self.exdates)


def _zone_or_utc(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zone_named(name)
    except RecurrenceError:
        return zoneinfo.ZoneInfo("UTC")


def parse_exdates(values: Iterable[str]) -> frozenset[datetime]:
    found = set()
    for value in values:
        try:
            found.add(datetime.strptime(str(value)[:16], EXDATE_FORMAT))
        except ValueError:
            continue
    return frozenset(found)


def exdate_key(local: datetime) -> str:
    """How an exception is stored: the occurrence's local start, to the minute."""
    return local.strftime(EXDATE_FORMAT)


def local_day(at: datetime, zone: zoneinfo.ZoneInfo) -> date:
    return at.astimezone(zone).date()


def rule_parts(value: str) -> dict[str, str]:
    """A stored (already normalized) RRULE value as NAME -> VALUE, for wording and forms."""
    return _split(value) if value and value.strip() else {}


def first_local(rule: str, start: datetime, zone_name: str) -> datetime:
    """The first local start of a series: `start` itself, or the rule's first match.

    RFC 5545 leaves a DTSTART that the rule doesn't match undefined (some calendar
    apps show it as an extra occurrence), so a plan's first day is moved to the
    first day the rule gives. The set of occurrences stays the same: intervals
    count from the week or month of the first match, which is in the set.
    """
    if not rule:
        return start
    built = _build(_split(rule), start, _zone_or_utc(zone_name))
    first = next(iter(built), None)
    return start if first is None else first


def ended_rule(rule: str, start: datetime, zone_name: str, at: datetime) -> str:
    """The rule with its occurrences from `at` on taken away (UNTIL just before `at`).

    Left as it is when it has no occurrence before `at` (UNTIL would then make an
    empty set, which RFC 5545 leaves undefined) or none from `at` on.
    """
    if not rule:
        return rule
    series = Series(rule=rule, start=start, zone=_zone_or_utc(zone_name))
    if series.next_after(at - timedelta(seconds=1)) is None:
        return rule
    if not series.between(series.instant(series.start) - timedelta(days=2), at, limit=1):
        return rule
    parts = _split(rule)
    parts.pop("COUNT", None)
    parts["UNTIL"] = (at.astimezone(UTC) - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    return _join(parts)
