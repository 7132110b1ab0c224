"""Bring a Kithkin export (format "kithkin-export", version 1) into an empty account.

1. Read: the file must be UTF-8 JSON, a "kithkin-export" of a version this
   server reads.
2. Check every section and row before anything is written: types, ranges,
   choices, and that every reference (a contact's people, a goal's person...)
   names a row of the file. Problems are collected (up to MAX_PROBLEMS), each
   naming its section and row, and refused together as one ImportRefused.
3. Write everything in one transaction, in bulk, with new ids: the account must
   be empty (see `what_is_there`), checked again under a lock on the account.
4. Recompute what Kithkin keeps derived from the rows: each person's last
   contact, reply owed and next due time (circle.actions.refresh_everyone), and
   the reminder schedule (nudges.hooks.reschedule for the daily step, each
   plan and each partnership).

Any failure leaves the account as it was. docs/export-format.md describes the format.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kithkin.accounts.export import FORMAT, OBJECT_SECTIONS, SECTIONS, VERSION
from kithkin.accounts.models import User, timezone_names
from kithkin.lib.limits import MAX_ID

# Reported at once; past this many, the file is refused without reading on.
MAX_PROBLEMS = 10
# Dates and instants outside these years are typos (and some would overflow).
FIRST_YEAR, LAST_YEAR = 1900, 2200
# Generous bounds for free text and lists that have no tighter rule.
LONG_TEXT = 100_000
MAX_LIST = 1_000
MAX_LIST_TEXT = 1_000
# Nesting allowed inside a suggestion's reasons.
MAX_REASON_DEPTH = 8
BATCH = 2_000


class ImportRefused(Exception):
    """The file can't be brought in; nothing was written. `problems` are the lines
    to show, each naming where in the file it is."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class Bad(Exception):
    """One value that doesn't fit; the message says what would."""


class _TooMany(Exception):
    pass


# --- Values -----------------------------------------------------------------------

Check = Callable[[Any], Any]
REQUIRED = object()


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def _kind_of(value: Any) -> str:
    if value is None:
        return _("null")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _check_text_chars(value: str) -> None:
    if "\x00" in value:
        raise Bad(_("can't contain the NUL character"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (e.g. "\ud800" in JSON): no database can store it.
        raise Bad(_("has a broken character (a lone surrogate)")) from None


def text(max_length: int = LONG_TEXT, *, blank: bool = True) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Bad(_("should be text, not %(kind)s") % {"kind": _kind_of(value)})
        _check_text_chars(value)
        if not blank and not value.strip():
            raise Bad(_("can't be empty"))
        if len(value) > max_length:
            raise Bad(
                _("can be up to %(n)s characters; this has %(m)s")
                % {"n": f"{max_length:,}", "m": f"{len(value):,}"}
            )
        return value

    return check


def integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Bad(_("should be a whole number, not %(kind)s") % {"kind": _kind_of(value)})
        if not low <= value <= high:
            raise Bad(
                _("should be from %(low)s to %(high)s, not %(value)s")
                % {"low": low, "high": high, "value": value}
            )
        return value

    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Bad(_("should be true or false, not %(kind)s") % {"kind": _kind_of(value)})
    return value


def choice(values: Iterable[str]) -> Check:
    allowed = list(values)

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            shown = ", ".join(v or '""' for v in allowed)
            raise Bad(
                _("should be one of %(allowed)s, not %(value)s")
                % {"allowed": shown, "value": _show(value)}
            )
        return value

    return check


def nullable(inner: Check) -> Check:
    def check(value: Any) -> Any:
        return None if value is None else inner(value)

    return check


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")
CLOCK = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")


def _in_years(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Bad(
            _("should be in the years %(first)s to %(last)s")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


def day(value: Any) -> date:
    if not isinstance(value, str) or not DAY.fullmatch(value):
        raise Bad(_("should be a date like 2026-03-18, not %(value)s") % {"value": _show(value)})
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise Bad(_("is a date that doesn't exist: %(value)s") % {"value": _show(value)}) from None
    _in_years(parsed.year)
    return parsed


def instant(value: Any) -> datetime:
    if not isinstance(value, str) or not INSTANT.fullmatch(value):
        raise Bad(
            _("should be a date and time with its offset, like 2026-03-18T18:00:00Z, not %(value)s")
            % {"value": _show(value)}
        )
    try:
        parsed = datetime.fromisoformat(value)
        _in_years(parsed.year)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Bad(_("is a time that doesn't exist: %(value)s") % {"value": _show(value)}) from None


def clock(value: Any) -> time:
    if not isinstance(value, str) or not CLOCK.fullmatch(value):
        raise Bad(_("should be a time like 18:30, not %(value)s") % {"value": _show(value)})
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise Bad(_("is a time that doesn't exist: %(value)s") % {"value": _show(value)}) from None


def list_of(inner: Check, *, max_items: int = MAX_LIST, unique: bool = False) -> Check:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise Bad(_("should be a list, not %(kind)s") % {"kind": _kind_of(value)})
        if len(value) > max_items:
            raise Bad(_("can have up to %(n)s items") % {"n": f"{max_items:,}"})
        items = []
        for n, item in enumerate(value, 1):
            try:
                items.append(inner(item))
            except Bad as e:
                raise Bad(_("item %(n)s %(problem)s") % {"n": n, "problem": e}) from None
        if unique and len(set(items)) != len(items):
            raise Bad(_("has the same item twice"))
        return items

    return check


def ref(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise Bad(
            _("should be an id (a whole number from 1), not %(value)s") % {"value": _show(value)}
        )
    return value


def zone(value: Any) -> str:
    if not isinstance(value, str) or value not in set(timezone_names()):
        raise Bad(
            _("should be a time zone name like Europe/London, not %(value)s")
            % {"value": _show(value)}
        )
    return value


def link(value: Any) -> str:
    found = text(500)(value)
    if found:
        try:
            URLValidator()(found)
        except ValidationError:
            raise Bad(
                _("should be a web address, not %(value)s") % {"value": _show(found)}
            ) from None
    return found


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def slug(value: Any) -> str:
    found = text(80)(value)
    if not SLUG.fullmatch(found):
        raise Bad(
            _("should be a slug (letters, digits, - and _), not %(value)s")
            % {"value": _show(found)}
        )
    return found


def sleep_hours(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Bad(_("should be a number of hours, not %(kind)s") % {"kind": _kind_of(value)})
    from kithkin.wellbeing.checkin_rules import CheckInRuleError, check_sleep

    try:
        return check_sleep(value)
    except CheckInRuleError as e:
        raise Bad(str(e)) from None


def plain_json(value: Any) -> Any:
    """A JSON value kept as it is (a suggestion's reasons): any shape, within
    MAX_REASON_DEPTH levels, with text a database can store."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_REASON_DEPTH:
            raise Bad(_("is nested too deeply"))
        if isinstance(item, str):
            _check_text_chars(item)
        elif isinstance(item, list):
            stack.extend((x, depth + 1) for x in item)
        elif isinstance(item, dict):
            for key, x in item.items():
                _check_text_chars(key)
                stack.append((x, depth + 1))
        elif isinstance(item, float) and not math.isfinite(item):
            raise Bad(_("has a number too big for JSON"))
    return value


def reasons(value: Any) -> list[Any]:
    def one(item: Any) -> Any:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise Bad(_('should be an object with a "code"'))
        return plain_json(item)

    result: list[Any] = list_of(one, max_items=50)(value)
    return result


# --- Sections ---------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    check: Check
    default: Any = REQUIRED


Spec = dict[str, Field]


def _text(n: int = LONG_TEXT) -> Field:
    """Optional text up to `n` characters, "" when left out."""
    return Field(text(n), "")


def _now() -> datetime:
    return timezone.now()


def _specs() -> dict[str, Spec]:
    """Every section's fields: how each is checked and its default when left out."""
    from kithkin.circle.models import RING_BY_SLUG, Channel, Feeling, Initiator, Size
    from kithkin.nudges.models import ChannelKind
    from kithkin.partners.models import ShareItem
    from kithkin.plans.models import CommunityKind, PlaceKind, PlanEnergy
    from kithkin.plans.recurrence import EXDATE_FORMAT
    from kithkin.today.models import Effort, Energy, Outcome, Target
    from kithkin.wellbeing.models import GoalMeasure, MeasureKind

    small = integer(0, 32767)
    optional_instant = Field(nullable(instant), None)
    created = Field(instant, _now)
    text_list = Field(list_of(text(MAX_LIST_TEXT)), list)
    quiet_days = Field(list_of(integer(0, 6), max_items=7, unique=True), list)

    def exdate(value: Any) -> str:
        found = text(32)(value)
        try:
            datetime.strptime(found, EXDATE_FORMAT)
        except ValueError:
            raise Bad(_("should be a local start like 2026-03-18T18:00")) from None
        return found

    schedule: Spec = {
        "rrule": _text(500),
        "start_date": Field(day),
        "start_time": Field(clock),
        "timezone": Field(zone, "UTC"),
        "duration_minutes": Field(integer(0, 24 * 60), 60),
        "exdates": Field(list_of(exdate, max_items=5000), list),
    }
    return {
        "account": {
            "username": _text(150),
            "email": _text(254),
            "date_joined": optional_instant,
            "timezone": Field(zone, "UTC"),
            "locale": Field(choice(code for code, _name in settings.LANGUAGES), "en"),
            "country": Field(country, ""),
            "quiet_start": Field(nullable(clock), None),
            "quiet_end": Field(nullable(clock), None),
            "quiet_days": quiet_days,
        },
        "people": {
            "id": Field(ref),
            "name": Field(text(200, blank=False)),
            "nickname": _text(100),
            "ring": Field(choice(RING_BY_SLUG), "wider"),
            "how_known": _text(200),
            "interests": text_list,
            "notes": _text(),
            "channels": Field(list_of(choice(Channel.values), unique=True), list),
            "birthday_month": Field(nullable(integer(1, 12)), None),
            "birthday_day": Field(nullable(integer(1, 31)), None),
            "birthday_year": Field(nullable(integer(1, 9999)), None),
            "topics_to_avoid": text_list,
            "quiet_start": Field(nullable(clock), None),
            "quiet_end": Field(nullable(clock), None),
            "quiet_days": quiet_days,
            "min_days_between": Field(nullable(small), None),
            "paused_until": Field(nullable(day), None),
            "archived_at": optional_instant,
            "trusted": Field(boolean, False),
            "cadence_days": Field(nullable(small), None),
            "vcard_uid": _text(255),
            "emails": text_list,
            "phones": text_list,
            "created_at": created,
        },
        "important_dates": {
            "person": Field(ref),
            "label": Field(text(100, blank=False)),
            "month": Field(integer(1, 12)),
            "day": Field(integer(1, 31)),
            "year": Field(nullable(integer(1, 9999)), None),
        },
        "interactions": {
            "id": Field(ref),
            "people": Field(list_of(ref, unique=True), list),
            "channel": Field(choice(Channel.values)),
            "size": Field(choice(Size.values), Size.MICRO.value),
            "initiated_by": Field(choice(Initiator.values), Initiator.ME.value),
            "happened_at": Field(instant),
            "feeling_after": Field(choice(["", *Feeling.values]), ""),
            "awaiting_reply": Field(boolean, False),
            "note": _text(),
            "created_at": created,
        },
        "checkins": {
            "day": Field(day),
            "mood": Field(integer(1, 5)),
            "energy": Field(choice(["", *Energy.values]), ""),
            "sleep_hours": Field(nullable(sleep_hours), None),
            "rested": Field(nullable(integer(1, 5)), None),
            "meaningful": Field(nullable(boolean), None),
            "connected": Field(nullable(integer(1, 5)), None),
            "note": _text(),
            "tags": Field(list_of(text(100)), list),
            "created_at": created,
        },
        "measures": {
            "kind": Field(choice(MeasureKind.values)),
            "taken_on": Field(day),
            "answers": Field(list_of(integer(0, 5), max_items=5)),
            "score": Field(integer(0, 100)),
            "direct": Field(nullable(integer(1, 5)), None),
            "created_at": created,
        },
        "goals": {
            "id": Field(ref),
            "title": Field(text(200, blank=False)),
            "measure": Field(choice(GoalMeasure.values)),
            "times": Field(integer(1, 32767), 1),
            "per_days": Field(integer(1, 32767), 7),
            "person": Field(nullable(ref), None),
            "created_at": created,
            "archived_at": optional_instant,
        },
        "goal_skips": {"goal": Field(ref), "day": Field(day)},
        "plans": {
            "title": Field(text(200, blank=False)),
            **schedule,
            "energy": Field(choice(PlanEnergy.values), PlanEnergy.LOW.value),
            "place": _text(200),
            "link": Field(link, ""),
            "note": _text(),
            "remind_minutes": Field(nullable(integer(0, 7 * 24 * 60)), None),
            "created_at": created,
            "ended_at": optional_instant,
            "people": Field(list_of(ref, unique=True), list),
            "occurrences": Field(list_of(occurrence, max_items=100_000), list),
        },
        "communities": {
            "name": Field(text(200, blank=False)),
            "kind": Field(choice(CommunityKind.values), CommunityKind.OTHER.value),
            "energy": Field(choice(PlanEnergy.values), PlanEnergy.SOME.value),
            "link": Field(link, ""),
            "place": _text(200),
            "note": _text(),
            "meets": Field(boolean, True),
            **schedule,
            "created_at": created,
            "archived_at": optional_instant,
        },
        "places": {
            "name": Field(text(200, blank=False)),
            "kind": Field(choice(PlaceKind.values), PlaceKind.OTHER.value),
            "energy": Field(choice(PlanEnergy.values), PlanEnergy.LOW.value),
            "address": _text(300),
            "note": _text(),
            "created_at": created,
            "archived_at": optional_instant,
        },
        "saved_messages": {
            "label": Field(text(100, blank=False)),
            "text": Field(text(2000, blank=False)),
            "created_at": created,
        },
        "ideas": {
            "id": Field(ref),
            "slug": Field(slug),
            "title": Field(text(200, blank=False)),
            "effort": Field(choice(Effort.values)),
            "energies": Field(list_of(choice(Energy.values), unique=True), list),
            "target": Field(choice(Target.values)),
            "channel": Field(choice(Channel.values)),
            "kind": Field(text(20, blank=False)),
            "time_of_day": _text(9),
            "situation": _text(30),
            "why": _text(300),
            "basis": _text(120),
            "created_at": created,
            "hidden": Field(boolean, False),
        },
        "day_energies": {"day": Field(day), "energy": Field(choice(Energy.values))},
        "suggestions": {
            "day": Field(day),
            "energy": Field(choice(Energy.values)),
            "position": Field(small, 0),
            "person": Field(nullable(ref), None),
            "idea": Field(nullable(ref), None),
            "catalog_idea": Field(nullable(slug), None),
            "reasons": Field(reasons, list),
            "draft": _text(),
            "outcome": Field(choice(["", *Outcome.values]), ""),
            "responded_at": optional_instant,
            "interaction": Field(nullable(ref), None),
            "created_at": created,
        },
        "safety_plan": {
            name: _text()
            for name in (
                "warning_signs",
                "coping",
                "distractions",
                "helpers",
                "professionals",
                "safe_environment",
                "reasons",
            )
        },
        "hard_days": {
            "day": Field(day),
            "asked": Field(boolean, False),
            "dismissed_at": optional_instant,
            "created_at": created,
        },
        "reminder_settings": {
            "daily_at": Field(nullable(clock), None),
            "paused_until": Field(nullable(day), None),
            "per_day": Field(integer(1, 3), 1),
            "plan_reminders": Field(boolean, True),
            "partner_notes": Field(boolean, True),
        },
        "notification_channels": {
            "kind": Field(choice([ChannelKind.EMAIL.value, ChannelKind.APPRISE.value])),
            "label": _text(100),
            "target": Field(text(1000, blank=False)),
            "enabled": Field(boolean, True),
            "created_at": created,
        },
        "partnerships": {
            "name": Field(text(100, blank=False)),
            "email": _text(254),
            "weekly_email": Field(boolean, False),
            "shares": Field(list_of(choice(ShareItem.values), unique=True), list),
            "alert_no_checkin_days": Field(nullable(integer(1, 365)), None),
            "alert_low_mood_days": Field(nullable(integer(1, 365)), None),
            "alert_consent_at": optional_instant,
            "created_at": created,
            "accepted_at": optional_instant,
            "revoked_at": optional_instant,
        },
    }


COUNTRY = re.compile(r"[A-Z]{2}")


def country(value: Any) -> str:
    found = text(2)(value)
    if found and not COUNTRY.fullmatch(found):
        raise Bad(
            _("should be a two-letter country code like GB, not %(value)s")
            % {"value": _show(found)}
        )
    return found


OCCURRENCE_FIELDS = ("starts_at", "rsvp", "done_at", "interaction")


def occurrence(value: Any) -> dict[str, Any]:
    from kithkin.plans.models import Rsvp

    spec: Spec = {
        "starts_at": Field(instant),
        "rsvp": Field(choice(["", *Rsvp.values]), ""),
        "done_at": Field(nullable(instant), None),
        "interaction": Field(nullable(ref), None),
    }
    if not isinstance(value, dict):
        raise Bad(_("should be an object, not %(kind)s") % {"kind": _kind_of(value)})
    unknown = sorted(value.keys() - spec.keys())
    if unknown:
        raise Bad(_("has a field this server doesn't know: %(name)s") % {"name": _show(unknown[0])})
    found = {}
    for name, f in spec.items():
        if name in value:
            try:
                found[name] = f.check(value[name])
            except Bad as e:
                raise Bad(f"“{name}” {e}") from None
        elif f.default is REQUIRED:
            raise Bad(_("needs “%(name)s”") % {"name": name})
        else:
            found[name] = f.default
    return found


# --- Reading and checking ---------------------------------------------------------


class Problems:
    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, where: str | Where, problem: str) -> None:
        if isinstance(where, Where):
            where = where.text()
        self.found.append(f"{where}: {problem}.")
        if len(self.found) >= MAX_PROBLEMS:
            raise _TooMany

    def raise_if_any(self) -> None:
        if self.found:
            raise ImportRefused(self.found)


@dataclass(frozen=True)
class Where:
    """A row's place in the file, put into words only when there's a problem."""

    section: str
    n: int
    row: Any

    def text(self) -> str:
        rid = self.row.get("id") if isinstance(self.row, dict) else None
        if isinstance(rid, int) and not isinstance(rid, bool):
            return _("%(section)s, row %(n)s (id %(id)s)") % {
                "section": self.section,
                "n": self.n,
                "id": rid,
            }
        return _("%(section)s, row %(n)s") % {"section": self.section, "n": self.n}


def _check_row(
    spec: Spec, raw: Any, where: str | Where, problems: Problems
) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.add(where, _("should be an object, not %(kind)s") % {"kind": _kind_of(raw)})
        return None
    ok = True
    for name in sorted(raw.keys() - spec.keys()):
        problems.add(
            where, _("has a field this server doesn't know: %(name)s") % {"name": _show(name)}
        )
        ok = False
    row: dict[str, Any] = {}
    for name, f in spec.items():
        if name in raw:
            try:
                row[name] = f.check(raw[name])
            except Bad as e:
                problems.add(where, f"“{name}” {e}")
                ok = False
        elif f.default is REQUIRED:
            problems.add(where, _("needs “%(name)s”") % {"name": name})
            ok = False
        else:
            row[name] = f.default() if callable(f.default) else f.default
    return row if ok else None


def read_document(data: bytes) -> dict[str, Any]:
    """The file's bytes as a JSON object, or ImportRefused saying why not."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(
            _("This file is saved as UTF-16 text; a Kithkin export is UTF-8. Download it again?")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text_ = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ImportRefused(
            _(
                "This file isn't UTF-8 text (the first odd byte is at position %(n)s), "
                "so it isn't a Kithkin export as saved."
            )
            % {"n": f"{e.start:,}"}
        ) from None
    if not text_.strip():
        raise ImportRefused(_("This file is empty."))

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        doc = json.loads(text_, parse_constant=no_constant)
    except json.JSONDecodeError as e:
        raise ImportRefused(
            _("This file isn't valid JSON: %(reason)s at line %(line)s, column %(col)s.")
            % {"reason": e.msg, "line": e.lineno, "col": e.colno}
        ) from None
    except (ValueError, RecursionError) as e:
        reason = "it is nested too deeply" if isinstance(e, RecursionError) else str(e)[:200]
        raise ImportRefused(
            _("This file isn't valid JSON: %(reason)s.") % {"reason": reason}
        ) from None
    if not isinstance(doc, dict):
        raise ImportRefused(_("This file isn't a Kithkin export: it holds no JSON object."))
    if doc.get("format") != FORMAT:
        raise ImportRefused(
            _("This file isn't a Kithkin export (its “format” should be “%(format)s”).")
            % {"format": FORMAT}
        )
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        if isinstance(version, int) and not isinstance(version, bool):
            message = _(
                "This file is a Kithkin export version %(version)s; this server reads version "
                "%(ours)s."
            ) % {"version": version, "ours": VERSION}
            if version > VERSION:
                message += " " + _("Updating Kithkin here would let it read the file.")
            raise ImportRefused(message)
        raise ImportRefused(_("This Kithkin export has no version number this server can read."))
    return doc


@dataclass
class Checked:
    """A document whose every row has been checked: ready to write."""

    account: dict[str, Any] | None = None
    safety_plan: dict[str, Any] | None = None
    reminder_settings: dict[str, Any] | None = None
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    hidden_catalog_ideas: list[str] = field(default_factory=list)


def check_document(doc: dict[str, Any]) -> Checked:
    """Check every section, row and reference; ImportRefused lists what doesn't fit."""
    problems = Problems()
    try:
        checked = _check_document(doc, problems)
    except _TooMany:
        problems.found.append(_("(Stopped reading after %(n)s problems.)") % {"n": MAX_PROBLEMS})
        raise ImportRefused(problems.found) from None
    problems.raise_if_any()
    return checked


def _check_document(doc: dict[str, Any], problems: Problems) -> Checked:
    specs = _specs()
    known = {"format", "version", "exported_at", *SECTIONS}
    for name in sorted(doc.keys() - known):
        problems.add(_show(name), _("this server doesn't know this section"))
    if "exported_at" in doc:
        try:
            nullable(instant)(doc["exported_at"])
        except Bad as e:
            problems.add("exported_at", str(e))

    checked = Checked()
    for name in OBJECT_SECTIONS:
        raw = doc.get(name)
        if raw is None:
            continue
        setattr(checked, name, _check_row(specs[name], raw, name, problems))

    for name in SECTIONS:
        if name in OBJECT_SECTIONS or name == "hidden_catalog_ideas":
            continue
        raw = doc.get(name, [])
        if not isinstance(raw, list):
            problems.add(name, _("should be a list, not %(kind)s") % {"kind": _kind_of(raw)})
            raw = []
        rows = []
        for n, item in enumerate(raw, 1):
            where = Where(name, n, item)
            row = _check_row(specs[name], item, where, problems)
            if row is not None:
                row["_where"] = where
                rows.append(row)
        checked.rows[name] = rows

    raw = doc.get("hidden_catalog_ideas", [])
    try:
        checked.hidden_catalog_ideas = list_of(slug, max_items=10_000, unique=True)(raw)
    except Bad as e:
        problems.add("hidden_catalog_ideas", str(e))

    if problems.found:
        # Rows that failed aren't there to be pointed at: stop before references.
        return checked
    _check_references(checked, problems)
    _check_rules(checked, problems)
    return checked


def _ids(checked: Checked, section: str, problems: Problems) -> set[int]:
    ids: set[int] = set()
    for row in checked.rows[section]:
        if row["id"] in ids:
            problems.add(
                row["_where"], _("uses an id another row of %(section)s has") % {"section": section}
            )
        ids.add(row["id"])
    return ids


def _check_references(checked: Checked, problems: Problems) -> None:
    people = _ids(checked, "people", problems)
    interactions = _ids(checked, "interactions", problems)
    goals = _ids(checked, "goals", problems)
    ideas = _ids(checked, "ideas", problems)

    def points(row: dict[str, Any], name: str, ids: set[int], section: str) -> None:
        values = row[name] if isinstance(row[name], list) else [row[name]]
        for value in values:
            if value is not None and value not in ids:
                problems.add(
                    row["_where"],
                    _("“%(field)s” names %(section)s id %(id)s, which isn't in the file")
                    % {"field": name, "section": section, "id": value},
                )

    for row in checked.rows["important_dates"]:
        points(row, "person", people, "people")
    for row in checked.rows["interactions"]:
        points(row, "people", people, "people")
    for row in checked.rows["goals"]:
        points(row, "person", people, "people")
    for row in checked.rows["goal_skips"]:
        points(row, "goal", goals, "goals")
    for row in checked.rows["plans"]:
        points(row, "people", people, "people")
        for n, answer in enumerate(row["occurrences"], 1):
            if answer["interaction"] is not None and answer["interaction"] not in interactions:
                problems.add(
                    row["_where"],
                    _("occurrence %(n)s names interactions id %(id)s, which isn't in the file")
                    % {"n": n, "id": answer["interaction"]},
                )
    for row in checked.rows["suggestions"]:
        points(row, "person", people, "people")
        points(row, "idea", ideas, "ideas")
        points(row, "interaction", interactions, "interactions")


def _unique(
    checked: Checked,
    section: str,
    key: Callable[[dict[str, Any]], Any],
    what: str,
    problems: Problems,
) -> None:
    seen: set[Any] = set()
    for row in checked.rows[section]:
        k = key(row)
        if k in seen:
            problems.add(row["_where"], what)
        seen.add(k)


def _check_rules(checked: Checked, problems: Problems) -> None:
    """What a single field can't say: dates that exist, one check-in a day..."""
    from kithkin.plans.recurrence import RecurrenceError, normalize_rule
    from kithkin.wellbeing import scoring

    account = checked.account
    if account is not None and (account["quiet_start"] is None) != (account["quiet_end"] is None):
        problems.add("account", _("quiet hours need both “quiet_start” and “quiet_end”"))

    for row in checked.rows["people"]:
        month, day_, year = row["birthday_month"], row["birthday_day"], row["birthday_year"]
        if (month is None) != (day_ is None) or (year is not None and month is None):
            problems.add(row["_where"], _("a birthday needs both its month and day"))
        elif month is not None and not _real_day(year or 2000, month, day_):
            problems.add(row["_where"], _("the birthday is a day that doesn't exist"))
    for row in checked.rows["important_dates"]:
        if not _real_day(row["year"] or 2000, row["month"], row["day"]):
            problems.add(row["_where"], _("that date doesn't exist"))

    for row in checked.rows["measures"]:
        try:
            if row["kind"] == "ucla3":
                score = scoring.ucla3(row["answers"])
            else:
                score = scoring.who5(row["answers"])
                if row["direct"] is not None:
                    raise scoring.ScoreError(_("Only a UCLA-3 result has a “direct” answer."))
        except scoring.ScoreError as e:
            problems.add(row["_where"], str(e).rstrip("."))
            continue
        if score != row["score"]:
            problems.add(
                row["_where"],
                _("the score should be %(score)s for these answers") % {"score": score},
            )

    for section in ("plans", "communities"):
        for row in checked.rows[section]:
            ended = row.get("ended_at") is not None or row.get("meets") is False
            if not row["rrule"] or ended:
                continue
            start = datetime.combine(row["start_date"], row["start_time"])
            try:
                normalize_rule(row["rrule"], start, row["timezone"])
            except (
                RecurrenceError,
                ValueError,
                TypeError,
                KeyError,
                IndexError,
                OverflowError,
            ) as e:
                problems.add(
                    row["_where"],
                    _("“rrule” can't be used: %(reason)s") % {"reason": str(e)[:200].rstrip(".")},
                )

    for row in checked.rows["plans"]:
        starts = [a["starts_at"] for a in row["occurrences"]]
        if len(set(starts)) != len(starts):
            problems.add(row["_where"], _("has two answers for the same occurrence"))

    _unique(
        checked,
        "checkins",
        lambda r: r["day"],
        _("is a second check-in for the same day"),
        problems,
    )
    _unique(
        checked,
        "day_energies",
        lambda r: r["day"],
        _("is a second energy for the same day"),
        problems,
    )
    _unique(
        checked, "hard_days", lambda r: r["day"], _("is a second row for the same day"), problems
    )
    _unique(
        checked,
        "goal_skips",
        lambda r: (r["goal"], r["day"]),
        _("skips the same day twice"),
        problems,
    )
    _unique(checked, "ideas", lambda r: r["slug"], _("uses a slug another idea has"), problems)

    for row in checked.rows["suggestions"]:
        if (row["idea"] is None) == (row["catalog_idea"] is None):
            problems.add(row["_where"], _("needs one of “idea” and “catalog_idea”"))

    from kithkin.nudges.forms import AppriseChannelForm, EmailChannelForm

    for row in checked.rows["notification_channels"]:
        if row["kind"] == "email":
            ok = EmailChannelForm({"email": row["target"]}).is_valid()
        else:
            ok = AppriseChannelForm({"url": row["target"]}).is_valid()
        if not ok:
            problems.add(row["_where"], _("“target” isn't an address Kithkin can send to"))

    from django.core.validators import validate_email

    for row in checked.rows["partnerships"]:
        if row["email"]:
            try:
                validate_email(row["email"])
            except ValidationError:
                problems.add(row["_where"], _("“email” isn't an email address"))
        if row["weekly_email"] and not row["email"]:
            problems.add(row["_where"], _("a weekly email needs an “email”"))


def _real_day(year: int, month: int, day_: int) -> bool:
    try:
        date(year, month, day_)
    except ValueError:
        return False
    return True


# --- An empty account ---------------------------------------------------------------


def _content_checks() -> list[tuple[str, Callable[[User], bool]]]:
    from kithkin.circle.models import ImportantDate, Interaction, Person
    from kithkin.partners.models import Partnership
    from kithkin.plans.models import Community, Place, Plan
    from kithkin.support.models import HardDay, SafetyPlan
    from kithkin.today.models import Idea, SavedMessage
    from kithkin.wellbeing.models import CheckIn, Goal, Measure

    def has(model: Any) -> Callable[[User], bool]:
        return lambda user: bool(model._default_manager.filter(owner=user).exists())

    return [
        (_("people"), has(Person)),
        (_("important dates"), has(ImportantDate)),
        (_("contacts"), has(Interaction)),
        (_("check-ins"), has(CheckIn)),
        (_("questionnaire results"), has(Measure)),
        (_("goals"), has(Goal)),
        (_("plans"), has(Plan)),
        (_("communities"), has(Community)),
        (_("places"), has(Place)),
        (_("saved messages"), has(SavedMessage)),
        (_("ideas of your own"), has(Idea)),
        (_("partners"), has(Partnership)),
        (_("a safety plan"), has(SafetyPlan)),
        (_("hard days"), has(HardDay)),
    ]


def what_is_there(user: User) -> list[str]:
    """What keeps the account from being empty, in words; [] when it is empty.

    Empty means none of: people, important dates, contacts, check-ins,
    questionnaire results, goals, plans, communities, places, saved messages,
    ideas of one's own, partners, a safety plan, hard days. What a new account
    gathers just by being looked around (Today's suggestions, the day's energy,
    hidden catalog ideas, reminder settings) doesn't count: the import replaces
    it. Reminder channels don't count either: imported ones are added.
    """
    return [label for label, check in _content_checks() if check(user)]


def is_empty(user: User) -> bool:
    return not what_is_there(user)


# --- Writing --------------------------------------------------------------------------


@dataclass
class ImportResult:
    counts: dict[str, int]
    # Rows the file has that this server can't take, by section (e.g. a
    # suggestion of a catalog idea this server's catalog doesn't have).
    left_out: dict[str, int]

    def summary(self) -> str:
        """ "Brought in 12 people, 340 contacts, …" """
        words = {
            "people": lambda n: ngettext("%(n)s person", "%(n)s people", n),
            "interactions": lambda n: ngettext("%(n)s contact", "%(n)s contacts", n),
            "checkins": lambda n: ngettext("%(n)s check-in", "%(n)s check-ins", n),
            "measures": lambda n: ngettext(
                "%(n)s questionnaire result", "%(n)s questionnaire results", n
            ),
            "goals": lambda n: ngettext("%(n)s goal", "%(n)s goals", n),
            "plans": lambda n: ngettext("%(n)s plan", "%(n)s plans", n),
            "communities": lambda n: ngettext("%(n)s community", "%(n)s communities", n),
            "places": lambda n: ngettext("%(n)s place", "%(n)s places", n),
            "saved_messages": lambda n: ngettext("%(n)s saved message", "%(n)s saved messages", n),
            "ideas": lambda n: ngettext("%(n)s idea", "%(n)s ideas", n),
            "partnerships": lambda n: ngettext("%(n)s partner", "%(n)s partners", n),
        }
        parts = [
            phrase(self.counts[key]) % {"n": f"{self.counts[key]:,}"}
            for key, phrase in words.items()
            if self.counts.get(key)
        ]
        if not parts:
            return _("Brought in your settings; the file had no people or contacts.")
        text_ = _("Brought in %(things)s.") % {"things": ", ".join(parts)}
        left = sum(self.left_out.values())
        if left:
            text_ += " " + ngettext(
                "%(n)s suggestion or hidden idea was left out: this server's idea list "
                "doesn't have its idea.",
                "%(n)s suggestions or hidden ideas were left out: this server's idea list "
                "doesn't have their ideas.",
                left,
            ) % {"n": left}
        return text_


def _fields(row: dict[str, Any], *skip: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in skip and k != "_where" and k != "id"}


def import_account(user: User, file: IO[bytes] | bytes) -> ImportResult:
    """Read, check and bring in a Kithkin export for `user`; ImportRefused if not."""
    data = file if isinstance(file, bytes) else file.read()
    doc = read_document(data)
    checked = check_document(doc)
    with transaction.atomic():
        # The lock makes two imports into one account wait for each other, so
        # the second sees the first's rows and refuses.
        User.objects.select_for_update().filter(pk=user.pk).first()
        there = what_is_there(user)
        if there:
            raise ImportRefused(
                _(
                    "A Kithkin export can only be brought into an empty account, and this "
                    "one has %(things)s already. Nothing was changed."
                )
                % {"things": ", ".join(there)}
            )
        return _write(user, checked)


def _write(user: User, c: Checked) -> ImportResult:
    from kithkin.circle.actions import refresh_everyone
    from kithkin.circle.models import (
        RING_BY_SLUG,
        ImportantDate,
        Interaction,
        InteractionPerson,
        Person,
    )
    from kithkin.nudges.hooks import reschedule
    from kithkin.nudges.models import Channel, NudgeSettings
    from kithkin.partners.models import Partnership
    from kithkin.plans.models import Community, Occurrence, Place, Plan, PlanPerson
    from kithkin.support.models import HardDay, SafetyPlan
    from kithkin.today.models import DayEnergy, HiddenIdea, Idea, SavedMessage, Suggestion
    from kithkin.wellbeing.models import CheckIn, Goal, GoalSkip, Measure

    rows = c.rows
    counts: dict[str, int] = {}
    left_out: dict[str, int] = {}

    # What Today made on its own in this account gives way to the file's.
    Suggestion.objects.filter(owner=user).delete()
    DayEnergy.objects.filter(owner=user).delete()
    HiddenIdea.objects.filter(owner=user).delete()

    if c.account is not None:
        for name in ("timezone", "locale", "country", "quiet_start", "quiet_end", "quiet_days"):
            setattr(user, name, c.account[name])
        user.save(
            update_fields=[
                "timezone",
                "locale",
                "country",
                "quiet_start",
                "quiet_end",
                "quiet_days",
            ]
        )

    def create(model: Any, objects: list[Any]) -> list[Any]:
        made: list[Any] = model._default_manager.bulk_create(objects, batch_size=BATCH)
        return made

    people = {}
    made = create(
        Person,
        [
            Person(owner=user, **{**_fields(r), "ring": RING_BY_SLUG[r["ring"]]})
            for r in rows["people"]
        ],
    )
    for r, person in zip(rows["people"], made, strict=True):
        people[r["id"]] = person.pk
    counts["people"] = len(made)

    counts["important_dates"] = len(
        create(
            ImportantDate,
            [
                ImportantDate(owner=user, person_id=people[r["person"]], **_fields(r, "person"))
                for r in rows["important_dates"]
            ],
        )
    )

    interactions: dict[int, int] = {}
    total_links = 0
    for start in range(0, len(rows["interactions"]), BATCH):
        chunk = rows["interactions"][start : start + BATCH]
        made = create(Interaction, [Interaction(owner=user, **_fields(r, "people")) for r in chunk])
        links: list[InteractionPerson] = []
        for r, interaction in zip(chunk, made, strict=True):
            interactions[r["id"]] = interaction.pk
            links.extend(
                InteractionPerson(
                    owner=user,
                    interaction_id=interaction.pk,
                    person_id=people[pid],
                    happened_at=interaction.happened_at,
                )
                for pid in r["people"]
            )
        total_links += len(create(InteractionPerson, links))
    counts["interactions"] = len(interactions)

    counts["checkins"] = len(
        create(CheckIn, [CheckIn(owner=user, **_fields(r)) for r in rows["checkins"]])
    )
    counts["measures"] = len(
        create(Measure, [Measure(owner=user, **_fields(r)) for r in rows["measures"]])
    )

    goals = {}
    made = create(
        Goal,
        [
            Goal(
                owner=user,
                person_id=people[r["person"]] if r["person"] is not None else None,
                **_fields(r, "person"),
            )
            for r in rows["goals"]
        ],
    )
    for r, goal in zip(rows["goals"], made, strict=True):
        goals[r["id"]] = goal.pk
    counts["goals"] = len(made)
    create(
        GoalSkip,
        [GoalSkip(owner=user, goal_id=goals[r["goal"]], day=r["day"]) for r in rows["goal_skips"]],
    )

    made = create(
        Plan, [Plan(owner=user, **_fields(r, "people", "occurrences")) for r in rows["plans"]]
    )
    create(
        PlanPerson,
        [
            PlanPerson(owner=user, plan_id=plan.pk, person_id=people[pid])
            for r, plan in zip(rows["plans"], made, strict=True)
            for pid in r["people"]
        ],
    )
    create(
        Occurrence,
        [
            Occurrence(
                owner=user,
                plan_id=plan.pk,
                starts_at=a["starts_at"],
                rsvp=a["rsvp"],
                done_at=a["done_at"],
                interaction_id=interactions[a["interaction"]]
                if a["interaction"] is not None
                else None,
            )
            for r, plan in zip(rows["plans"], made, strict=True)
            for a in r["occurrences"]
        ],
    )
    plans = made
    counts["plans"] = len(made)

    counts["communities"] = len(
        create(Community, [Community(owner=user, **_fields(r)) for r in rows["communities"]])
    )
    counts["places"] = len(create(Place, [Place(owner=user, **_fields(r)) for r in rows["places"]]))
    counts["saved_messages"] = len(
        create(
            SavedMessage, [SavedMessage(owner=user, **_fields(r)) for r in rows["saved_messages"]]
        )
    )

    ideas: dict[int, int] = {}
    made = create(Idea, [Idea(owner=user, **_fields(r, "hidden")) for r in rows["ideas"]])
    for r, idea in zip(rows["ideas"], made, strict=True):
        ideas[r["id"]] = idea.pk
    counts["ideas"] = len(made)
    wanted = {r["catalog_idea"] for r in rows["suggestions"] if r["catalog_idea"]}
    wanted |= set(c.hidden_catalog_ideas)
    catalog = dict(
        Idea.objects.filter(owner__isnull=True, slug__in=sorted(wanted)).values_list("slug", "pk")
    )
    hidden = [ideas[r["id"]] for r in rows["ideas"] if r["hidden"]]
    hidden += [catalog[s] for s in c.hidden_catalog_ideas if s in catalog]
    left_out["hidden_catalog_ideas"] = sum(1 for s in c.hidden_catalog_ideas if s not in catalog)
    create(HiddenIdea, [HiddenIdea(owner=user, idea_id=pk) for pk in hidden])

    create(DayEnergy, [DayEnergy(owner=user, **_fields(r)) for r in rows["day_energies"]])
    suggestions = []
    left_out["suggestions"] = 0
    for r in rows["suggestions"]:
        if r["catalog_idea"] is not None and r["catalog_idea"] not in catalog:
            left_out["suggestions"] += 1
            continue
        suggestions.append(
            Suggestion(
                owner=user,
                person_id=people[r["person"]] if r["person"] is not None else None,
                idea_id=ideas[r["idea"]] if r["idea"] is not None else catalog[r["catalog_idea"]],
                interaction_id=interactions[r["interaction"]]
                if r["interaction"] is not None
                else None,
                **_fields(r, "person", "idea", "catalog_idea", "interaction"),
            )
        )
    counts["suggestions"] = len(create(Suggestion, suggestions))

    if c.safety_plan is not None:
        SafetyPlan.objects.create(owner=user, **_fields(c.safety_plan))
    counts["hard_days"] = len(
        create(HardDay, [HardDay(owner=user, **_fields(r)) for r in rows["hard_days"]])
    )

    if c.reminder_settings is not None:
        NudgeSettings.objects.update_or_create(owner=user, defaults=_fields(c.reminder_settings))
    existing = set(Channel.objects.filter(owner=user).values_list("kind", "target"))
    channels = []
    for r in rows["notification_channels"]:
        if (r["kind"], r["target"]) not in existing:
            existing.add((r["kind"], r["target"]))
            channels.append(Channel(owner=user, **_fields(r)))
    counts["notification_channels"] = len(create(Channel, channels))

    partnerships = create(
        Partnership, [Partnership(owner=user, **_fields(r)) for r in rows["partnerships"]]
    )
    counts["partnerships"] = len(partnerships)

    # What Kithkin keeps derived from the rows.
    refresh_everyone(user)
    reschedule(user.pk, "daily")
    for plan in plans:
        if plan.ended_at is None and plan.remind_minutes is not None:
            reschedule(user.pk, "plan", plan.pk)
    for partnership in partnerships:
        if partnership.revoked_at is None:
            reschedule(user.pk, "partner_alert", partnership.pk)
            reschedule(user.pk, "partner_summary", partnership.pk)
    return ImportResult(counts=counts, left_out={k: v for k, v in left_out.items() if v})
