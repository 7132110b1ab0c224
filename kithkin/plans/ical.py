"""iCalendar (RFC 5545) for plans and community meetings: a feed and one-off files.

Two halves. `feed_entries()` / `plan_entries()` read the rows a person may see
(a fixed handful of queries however many plans there are) and turn them into
plain `Entry` values; `calendar_bytes()` turns entries into a VCALENDAR without
touching the database, so it is cheap to test.

Each plan or community is one VEVENT whose UID is its row's `uid`, so calendar
apps update an event in place when it changes (its SEQUENCE goes up with the
row's) instead of showing a copy.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vRecur

from kithkin.accounts.models import User
from kithkin.plans.models import (
    Community,
    CommunityKind,
    Occurrence,
    Plan,
    PlanEnergy,
    PlanGuest,
    PlanPerson,
    Rsvp,
)
from kithkin.plans.recurrence import RecurrenceError, Series

log = logging.getLogger(__name__)

PRODID = "-//Kithkin//Plans//EN"
UID_DOMAIN = "kithkin"
# How often calendar apps are asked to look again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
REFRESH = timedelta(hours=1)
# A plan that ended stays in the feed this long, so last month's Sundays don't
# vanish from the calendar the moment it ends; older ones are left out.
ENDED_KEPT = timedelta(days=90)
# Names listed in an event's description before "and N more".
MOST_NAMES = 4
MOST_NOTE = 500
# VTIMEZONE components cover the years from the earliest start to this many
# years ahead; calendar apps that know the IANA name use their own rules anyway.
ZONE_YEARS_AHEAD = 6
# RFC 5545 TEXT holds no control characters but tab and (escaped) line breaks;
# a stray one pasted into a title makes some calendar apps drop the whole feed.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Entry:
    """One VEVENT as plain data: a series (or a one-off) and its words."""

    uid: str
    sequence: int
    series: Series
    duration: timedelta
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""


# --- Reading the rows --------------------------------------------------------------


def feed_entries(owner: User, now: datetime) -> list[Entry]:
    """Everything in `owner`'s feed: their plans, plans they joined, communities that meet.

    Six queries, whatever the number of plans.
    """
    kept_since = now - ENDED_KEPT
    recent = Q(ended_at__isnull=True) | Q(ended_at__gte=kept_since)
    own = list(Plan.objects.filter(recent, owner=owner))
    joined = [
        g.plan
        for g in PlanGuest.objects.filter(owner=owner)
        .filter(Q(plan__ended_at__isnull=True) | Q(plan__ended_at__gte=kept_since))
        .select_related("plan")
        if g.plan.owner_id != owner.pk
    ]
    names = _names_by_plan(owner, [p.pk for p in own])
    skips = _skips_by_plan(owner)
    entries = [_plan_entry_or_none(p, names.get(p.pk, []), skips.get(p.pk, ()), False) for p in own]
    entries += [_plan_entry_or_none(p, [], skips.get(p.pk, ()), True) for p in joined]
    communities = Community.objects.filter(owner=owner, archived_at__isnull=True, meets=True)
    entries += [_community_entry(c) for c in communities]
    return [e for e in entries if e is not None]


def plan_entries(plan: Plan, viewer: User) -> list[Entry]:
    """One plan as `viewer` (its owner or a guest) sees it, for a one-off download."""
    guest = plan.owner_id != viewer.pk
    names = [] if guest else _names_by_plan(viewer, [plan.pk]).get(plan.pk, [])
    skips = _skips_by_plan(viewer, plan.pk).get(plan.pk, ())
    entry = _plan_entry_or_none(plan, names, skips, guest)
    return [entry] if entry is not None else []


def _names_by_plan(owner: User, plan_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    if not plan_ids:
        return found
    rows = (
        PlanPerson.objects.filter(owner=owner, plan_id__in=plan_ids)
        .order_by("person__name", "person_id")
        .values_list("plan_id", "person__name")
    )
    for plan_id, name in rows:
        found[plan_id].append(name)
    return found


def _skips_by_plan(owner: User, plan_id: int | None = None) -> dict[int, list[datetime]]:
    rows = Occurrence.objects.filter(owner=owner, rsvp=Rsvp.SKIP)
    if plan_id is not None:
        rows = rows.filter(plan_id=plan_id)
    found: dict[int, list[datetime]] = defaultdict(list)
    for pk, starts_at in rows.values_list("plan_id", "starts_at"):
        found[pk].append(starts_at)
    return found


# --- Rows to entries ---------------------------------------------------------------


def _plan_entry_or_none(
    plan: Plan, names: Sequence[str], skipped: Iterable[datetime], guest: bool
) -> Entry | None:
    """`_plan_entry`, or None when the plan's schedule can't be expanded.

    A rule stored before a stricter check, or a date at the edge of what Python
    can count to (31 December 9999), leaves that one plan out: the rest of the
    calendar still reaches the person's calendar app instead of an error.
    """
    try:
        return _plan_entry(plan, names, skipped, guest)
    except (ValueError, OverflowError):  # RecurrenceError is a ValueError
        log.warning("plan %s left out of a calendar: its schedule can't be expanded", plan.pk)
        return None


def _plan_entry(
    plan: Plan, names: Sequence[str], skipped: Iterable[datetime], guest: bool
) -> Entry | None:
    series = Series.of(plan)
    # An occurrence this person answered "skip this time" is taken out of *their*
    # calendar only, as an EXDATE in their own feed. The plan itself, the owner's
    # feed and other guests' feeds are unchanged: skipping is a private "not this
    # one", and a cancelled occurrence (the row's `exdates`) is what removes it
    # for everyone.
    skipped_locals = {_local_key(series, at) for at in skipped}
    series = dataclasses.replace(series, exdates=series.exdates | skipped_locals)
    if plan.ended_at is not None:
        capped = _ended(series, plan.ended_at)
        if capped is None:
            return None
        series = capped
    lines = [_energy_words(plan.energy)]
    if guest:
        # The owner's note and circle stay theirs: the plan's page shows neither to guests.
        lines.append(_("A plan you joined."))
    else:
        if names:
            lines.append(_("With %(names)s.") % {"names": _list_names(names)})
        if plan.note:
            lines.append(plan.note[:MOST_NOTE])
    return Entry(
        uid=f"{plan.uid}@{UID_DOMAIN}",
        sequence=plan.sequence,
        series=series,
        duration=timedelta(minutes=plan.duration_minutes or 60),
        summary=plan.title,
        location=plan.place,
        url=plan.link,
        description="\n".join(lines),
    )


def _community_entry(community: Community) -> Entry:
    lines = [_energy_words(community.energy)]
    if community.kind != CommunityKind.OTHER:
        lines.insert(0, _label(CommunityKind, community.kind))
    if community.note:
        lines.append(community.note[:MOST_NOTE])
    return Entry(
        uid=f"{community.uid}@{UID_DOMAIN}",
        sequence=community.sequence,
        series=Series.of(community),
        duration=timedelta(minutes=community.duration_minutes or 60),
        summary=community.name,
        location=community.place,
        url=community.link,
        description="\n".join(lines),
    )


def _energy_words(energy: str) -> str:
    if energy == PlanEnergy.LOW:
        return _("Low-key: fine for a low-energy day.")
    return _("For a day with some energy.")


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _list_names(names: Sequence[str]) -> str:
    if len(names) <= MOST_NAMES:
        return ", ".join(names)
    return _("%(names)s and %(count)s more") % {
        "names": ", ".join(names[:MOST_NAMES]),
        "count": len(names) - MOST_NAMES,
    }


def _local_key(series: Series, at: datetime) -> datetime:
    """The local start the series itself uses for the occurrence at instant `at`.

    Usually `at` in the series' zone. An occurrence whose local time fell in a
    spring-forward gap was stored at the shifted instant (01:30 became 02:30),
    while the RRULE still names 01:30; the EXDATE must name 01:30 too.
    """
    local = at.astimezone(series.zone)
    usual = datetime.combine(local.date(), series.start.time())
    return usual if series.instant(usual) == at else local.replace(tzinfo=None)


def _ended(series: Series, ended_at: datetime) -> Series | None:
    """The series cut at `ended_at`: occurrences from then on are left out.

    The cut is an UNTIL at the last occurrence before the end (a COUNT is
    dropped, since that occurrence is within it), so every calendar app
    expands the same shortened series. None when nothing came before the end.
    """
    before = series.between(series.instant(series.start), ended_at, limit=100_000)
    if not before:
        return None
    if not series.rule:
        return series
    parts = [p for p in series.rule.split(";") if not p.startswith(("UNTIL=", "COUNT="))]
    until = before[-1].astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    # FREQ first: RFC 5545 allows any order, but some older apps expect it there.
    freq = [p for p in parts if p.startswith("FREQ=")]
    rest = [p for p in parts if not p.startswith("FREQ=")]
    return dataclasses.replace(series, rule=";".join([*freq, f"UNTIL={until}", *rest]))


# --- Entries to iCalendar ----------------------------------------------------------


def calendar_bytes(entries: Iterable[Entry], name: str, now: datetime) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) with one VEVENT per entry and a VTIMEZONE per zone.

    1. Each event starts at its series' first real occurrence: DTSTART must match
       the RRULE (RFC 5545 leaves a non-matching one undefined, and apps differ).
    2. Times carry TZID of the plan's zone (UTC ones are written with Z).
    3. One VTIMEZONE for every TZID used, spanning the earliest start to a few
       years ahead.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(name))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(UTC).replace(microsecond=0)
    events: list[Event] = []
    earliest: dict[str, date] = {}
    for entry in sorted(entries, key=lambda e: e.uid):
        try:
            event = _event(entry, stamp)
        except (ValueError, OverflowError):
            # As in _plan_entry_or_none: one unexpandable series doesn't break the rest.
            log.warning("%s left out of a calendar: its schedule can't be expanded", entry.uid)
            continue
        if event is None:
            continue
        events.append(event)
        key = entry.series.zone.key
        if key != "UTC":
            earliest[key] = min(earliest.get(key, date.max), entry.series.start.date())
    last = date(now.year + ZONE_YEARS_AHEAD, 1, 1)
    for key in sorted(earliest):
        first = date(min(earliest[key].year, now.year), 1, 1)
        cal.add_component(_vtimezone(key, first, last))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def _event(entry: Entry, stamp: datetime) -> Event | None:
    series = entry.series
    first = _first_local(series)
    if first is None:
        return None
    zone = series.zone
    start = first.replace(tzinfo=zone)
    end = (series.instant(first) + entry.duration).astimezone(zone)
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", entry.sequence)
    event.add("dtstart", start)
    event.add("dtend", end)
    if series.rule:
        event.add("rrule", vRecur.from_ical(series.rule))
        exdates = [d.replace(tzinfo=zone) for d in series.local_exdates() if d >= first]
        if exdates:
            event.add("exdate", exdates)
    event.add("summary", _text(entry.summary))
    if entry.location:
        event.add("location", _text(entry.location))
    if entry.url:
        event.add("url", entry.url)
    if entry.description:
        event.add("description", _text(entry.description))
    event.add("transp", "OPAQUE")
    return event


def _text(value: str) -> str:
    return CONTROLS.sub("", value)


def _first_local(series: Series) -> datetime | None:
    """The local start of the series' first occurrence, exceptions included."""
    if not series.rule:
        return None if series.start in series.exdates else series.start
    plain = dataclasses.replace(series, exdates=frozenset())
    try:
        at = plain.next_after(plain.instant(series.start) - timedelta(seconds=1))
    except RecurrenceError:
        return None
    if at is None:
        return None
    return _local_key(series, at)


@functools.lru_cache(maxsize=256)
def _vtimezone(key: str, first: date, last: date) -> Timezone:
    # Building one walks the zone's transitions; the result is the same all day.
    return Timezone.from_tzinfo(zoneinfo.ZoneInfo(key), key, first_date=first, last_date=last)
