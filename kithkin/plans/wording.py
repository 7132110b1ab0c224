"""A plan's schedule in plain words: "Every other Wednesday at 18:00, London time".

Reads the stored RRULE value (already tidied by recurrence.normalize_rule); a
rule these words don't cover is called a custom rule rather than described wrongly.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kithkin.plans.recurrence import RecurrenceError, rule_parts, zone_named

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # date.weekday() order
BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
ORDINALS = {
    1: gettext_lazy("first"),
    2: gettext_lazy("second"),
    3: gettext_lazy("third"),
    4: gettext_lazy("fourth"),
    5: gettext_lazy("fifth"),
    -1: gettext_lazy("last"),
    -2: gettext_lazy("second to last"),
}


def zone_words(zone_name: str) -> str:
    """ "London time" for Europe/London, "New York time" for America/New_York."""
    city = zone_name.rsplit("/", 1)[-1].replace("_", " ")
    return _("%(place)s time") % {"place": city}


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(some)s and %(last)s") % {"some": ", ".join(items[:-1]), "last": items[-1]}


def byday_items(value: str) -> list[tuple[int | None, int]] | None:
    """BYDAY items as (ordinal or None, weekday 0 = Monday); None when unreadable."""
    found = []
    for item in value.split(","):
        match = BYDAY_ITEM.match(item.strip())
        if match is None:
            return None
        nth = int(match[1]) if match[1] else None
        found.append((nth, DAY_CODES.index(match[2])))
    return found


def _days(items: list[tuple[int | None, int]]) -> str:
    return _and([str(WEEKDAYS[day]) for _nth, day in items])


def _repeat(parts: dict[str, str], start: datetime) -> str | None:
    """The repeat in words without the time, or None for a rule these words can't say."""
    freq = parts["FREQ"]
    interval = int(parts.get("INTERVAL", "1"))
    rest = set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"}
    byday = byday_items(parts["BYDAY"]) if "BYDAY" in parts else [(None, start.weekday())]
    if byday is None:
        return None
    if freq == "DAILY" and not rest:
        return ngettext("Every day", "Every %(n)s days", interval) % {"n": interval}
    if freq == "WEEKLY" and rest <= {"BYDAY"}:
        days = _days(byday)
        if interval == 1:
            return _("Every %(days)s") % {"days": days}
        if interval == 2:
            return _("Every other %(days)s") % {"days": days}
        return _("Every %(n)s weeks on %(days)s") % {"n": interval, "days": days}
    if freq == "MONTHLY":
        months = {
            1: _("every month"),
            2: _("every other month"),
        }.get(interval) or _("every %(n)s months") % {"n": interval}
        nths = {nth for nth, _day in byday}
        if rest == {"BYDAY", "BYSETPOS"} and nths == {None} and len(byday) == 1:
            nths = {int(parts["BYSETPOS"])} if parts["BYSETPOS"].lstrip("+-").isdigit() else set()
            rest = {"BYDAY"}
        if rest == {"BYDAY"} and len(nths) == 1 and (nth := nths.pop()) in ORDINALS:
            return _("The %(nth)s %(days)s of %(months)s") % {
                "nth": ORDINALS[nth],
                "days": _days(byday),
                "months": months,
            }
        if rest <= {"BYMONTHDAY"}:
            day = parts.get("BYMONTHDAY", str(start.day))
            if day == "-1":
                return _("The last day of %(months)s") % {"months": months}
            if day.isdigit():
                return _("On day %(day)s of %(months)s") % {"day": day, "months": months}
    if freq == "YEARLY" and interval == 1 and not rest:
        return _("Every year on %(date)s") % {"date": formats.date_format(start.date(), "j F")}
    return None


def describe(rule: str, start: datetime, zone_name: str, *, with_zone: bool = True) -> str:
    """The schedule in a sentence. `start` is the first local start (naive)."""
    at = start.strftime("%H:%M")
    if not rule:
        text = _("Once, on %(day)s at %(time)s") % {
            "day": formats.date_format(start.date(), "l j F Y"),
            "time": at,
        }
    else:
        try:
            parts = rule_parts(rule)
        except RecurrenceError:
            parts = {}
        words = _repeat(parts, start) if parts else None
        if words is None:
            text = _("Repeats by its own rule, from %(day)s at %(time)s") % {
                "day": formats.date_format(start.date(), "j F Y"),
                "time": at,
            }
        else:
            text = _("%(repeat)s at %(time)s") % {"repeat": words, "time": at}
        if "COUNT" in parts:
            n = int(parts["COUNT"])
            text = ngettext("%(text)s, once in all", "%(text)s, %(n)s times in all", n) % {
                "text": text,
                "n": n,
            }
        elif "UNTIL" in parts:
            text = _("%(text)s, until %(day)s") % {
                "text": text,
                "day": _until_day(parts, zone_name),
            }
    if with_zone:
        text = _("%(text)s, %(zone)s") % {"text": text, "zone": zone_words(zone_name)}
    return text


def _until_day(parts: dict[str, str], zone_name: str) -> str:
    value = parts["UNTIL"]
    try:
        until = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        local = until.astimezone(zone_named(zone_name)).date()
    except (ValueError, RecurrenceError):
        return value
    return formats.date_format(local, "j F Y")
