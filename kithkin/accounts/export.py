"""The account export: everything a person keeps in Kithkin, as one JSON document.

The document is "kithkin-export" version 1, described field by field in
docs/export-format.md. It has named sections (people, interactions, checkins...)
rather than database tables. An `id` in a row is only a reference: rows that
point at each other (a contact at its people, a goal at its person) use it, and
an import gives every row a new id.

It is written as a stream of text chunks (`export_chunks`), reading rows a
chunk at a time, so an account with 100,000 contacts is exported with flat
memory. All of it is read in one transaction, so the sections agree with each
other even while the person keeps using Kithkin.

Every model with an `owner` (accounts.actions.owned_models) is either in
EXPORTED, with the sections it goes to, or in LEFT_OUT, with the reason; a test
fails when a new one is in neither.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, Any, TypeVar

from django.db import connection, transaction
from django.db.models import CharField, Exists, Func, OuterRef, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from kithkin.accounts.models import User

FORMAT = "kithkin-export"
VERSION = 1
# Rows read from the database at a time (and written between two yields).
CHUNK = 2000

# The document's keys, in the order they are written: the header, then the
# sections. An object section is one object (or null); the others are lists.
HEADER = ("format", "version", "exported_at")
OBJECT_SECTIONS = ("account", "safety_plan", "reminder_settings")
SECTIONS = (
    "account",
    "people",
    "important_dates",
    "interactions",
    "checkins",
    "measures",
    "goals",
    "goal_skips",
    "plans",
    "communities",
    "places",
    "saved_messages",
    "ideas",
    "hidden_catalog_ideas",
    "day_energies",
    "suggestions",
    "safety_plan",
    "hard_days",
    "reminder_settings",
    "notification_channels",
    "partnerships",
)

# Model label -> where its rows go.
EXPORTED = {
    "circle.Person": "people",
    "circle.ImportantDate": "important_dates",
    "circle.Interaction": "interactions (contacts in their undo window are left out)",
    "circle.InteractionPerson": "interactions[].people",
    "wellbeing.CheckIn": "checkins",
    "wellbeing.Measure": "measures",
    "wellbeing.Goal": "goals",
    "wellbeing.GoalSkip": "goal_skips",
    "plans.Plan": "plans",
    "plans.PlanPerson": "plans[].people",
    "plans.Occurrence": "plans[].occurrences (the person's own answers to their own plans)",
    "plans.Community": "communities",
    "plans.Place": "places",
    "today.SavedMessage": "saved_messages",
    "today.Idea": "ideas (the person's own; catalog ideas are named by slug)",
    "today.HiddenIdea": "ideas[].hidden and hidden_catalog_ideas",
    "today.DayEnergy": "day_energies",
    "today.Suggestion": "suggestions",
    "support.SafetyPlan": "safety_plan",
    "support.HardDay": "hard_days",
    "nudges.NudgeSettings": "reminder_settings",
    "nudges.Channel": "notification_channels (email and notification services, not web push)",
    "partners.Partnership": "partnerships (without the link to the partner's account)",
}

# Model label -> why it stays on this server.
LEFT_OUT = {
    "accounts.ApiToken": "secrets: only their hashes are stored; make new tokens on the new server",
    "accounts.Invite": "sign-up links for this server, with secret hashes",
    "circle.ContactImport": "a contacts file waiting for its preview to be confirmed",
    "plans.PlanGuest": "joining someone else's plan: a link to another account on this server",
    "plans.CalendarFeed": "the secret address of the calendar feed; make a new one",
    "partners.PartnerInvite": "partner links for this server, with secret hashes",
    "partners.PartnerNote": "written by the partner, from their account on this server",
    "partners.PartnerLook": "when the partner, from their account here, looked",
    "nudges.Reminder": "the reminder worker's schedule: rebuilt from the settings on import",
    "nudges.Delivery": "the record of reminders this server sent",
}


def _dt(value: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC, to the microsecond, with a Z:
    "2026-03-18T18:00:00.000000Z". A naive value is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is not None:
        if value.utcoffset():
            value = value.astimezone(UTC)
        value = value.replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


class InstantText(Func):
    """An instant column as text the database writes itself, so 100,000 of them
    aren't each made a datetime and back: PostgreSQL writes `_dt`'s form whole;
    SQLite gives what Django stored, UTC "YYYY-MM-DD HH:MM:SS[.ffffff]", which
    `_sqlite_dt` finishes."""

    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', "
            '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\')',
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)", **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        if "template" not in extra:
            # Other databases: the value as the driver gives it, made text by _as_dt.
            extra["template"] = "%(expressions)s"
        return super().as_sql(compiler, connection, **extra)


def _as_dt(value: Any) -> str:
    """What InstantText read, as `_dt` writes it."""
    if isinstance(value, datetime):
        return _dt(value) or ""
    text = str(value)
    if text.endswith("Z"):
        return text
    # SQLite: "2026-03-18 18:00:00" or "2026-03-18 18:00:00.123456", in UTC.
    return f"{text[:10]}T{text[11:19]}.{text[20:26].ljust(6, '0')}Z"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _clock(value: time | None) -> str | None:
    return None if value is None else value.isoformat()


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _ring(value: int) -> str:
    from kithkin.circle.models import RING_SLUGS, Ring

    return RING_SLUGS[Ring(value)]


T = TypeVar("T")


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _raw(query: QuerySet[Any], chunk: int) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a values_list() query as the database driver gives them, a
    chunk at a time: no Django conversions, which cost more than the rest of the
    export for 100,000 contacts. On PostgreSQL a server-side cursor streams them.

    What the drivers give for a datetime: SQLite a naive one in UTC (Django
    stores UTC there and registers the converter), PostgreSQL an aware one.
    """
    sql, params = query.query.sql_with_params()
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    cursor = connection.chunked_cursor() if server_side else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk):
            yield batch


# (key in the document, field to read, conversion of a value that isn't None)
Column = tuple[str, str, Callable[[Any], Any] | None]


def _rows(query: QuerySet[Any], columns: list[Column]) -> Iterator[dict[str, Any]]:
    names = [field for _, field, _ in columns]
    for values in query.values_list(*names).iterator(chunk_size=CHUNK):
        yield {
            key: (convert(v) if convert is not None and v is not None else v)
            for (key, _, convert), v in zip(columns, values, strict=True)
        }


# --- The sections ----------------------------------------------------------------


def account_section(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "date_joined": _dt(user.date_joined),
        "timezone": user.timezone,
        "locale": user.locale,
        "country": user.country,
        "quiet_start": _clock(user.quiet_start),
        "quiet_end": _clock(user.quiet_end),
        "quiet_days": list(user.quiet_days or []),
    }


def people_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.circle.models import Person

    columns: list[Column] = [
        ("id", "pk", None),
        ("name", "name", None),
        ("nickname", "nickname", None),
        ("ring", "ring", _ring),
        ("how_known", "how_known", None),
        ("interests", "interests", None),
        ("notes", "notes", None),
        ("channels", "channels", None),
        ("birthday_month", "birthday_month", None),
        ("birthday_day", "birthday_day", None),
        ("birthday_year", "birthday_year", None),
        ("topics_to_avoid", "topics_to_avoid", None),
        ("quiet_start", "quiet_start", _clock),
        ("quiet_end", "quiet_end", _clock),
        ("quiet_days", "quiet_days", None),
        ("min_days_between", "min_days_between", None),
        ("paused_until", "paused_until", _day),
        ("archived_at", "archived_at", _dt),
        ("trusted", "trusted", None),
        ("cadence_days", "cadence_days", None),
        ("vcard_uid", "vcard_uid", None),
        ("emails", "emails", None),
        ("phones", "phones", None),
        ("created_at", "created_at", _dt),
    ]
    return _rows(Person.objects.filter(owner=user).order_by("pk"), columns)


def important_date_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.circle.models import ImportantDate

    columns: list[Column] = [
        ("person", "person_id", None),
        ("label", "label", None),
        ("month", "month", None),
        ("day", "day", None),
        ("year", "year", None),
    ]
    return _rows(ImportantDate.objects.filter(owner=user).order_by("pk"), columns)


def interaction_rows(user: User) -> Iterator[str]:
    """Live contacts, each with the ids of its people, as JSON text.

    Two streams read side by side, both in contact-id order: the contacts, and
    their people (a merge, so no contact's people are looked up one by one and
    no query carries a list of ids). Rows are read raw (`_raw`) and written
    with the JSON encoder's own string function: this is the one section that
    can have 100,000 rows.
    """
    from kithkin.circle.models import Interaction, InteractionPerson

    contacts = (
        Interaction.objects.filter(owner=user, deleted_at__isnull=True)
        .annotate(at=InstantText("happened_at"), created=InstantText("created_at"))
        .order_by("pk")
        .values_list(
            "pk",
            "channel",
            "size",
            "initiated_by",
            "at",
            "feeling_after",
            "awaiting_reply",
            "note",
            "created",
        )
    )
    links = (
        InteractionPerson.objects.filter(owner=user)
        .order_by("interaction_id", "person_id")
        .values_list("interaction_id", "person_id")
    )
    string = json.encoder.encode_basestring
    link_rows = (row for batch in _raw(links, CHUNK) for row in batch)
    pending = next(link_rows, None)
    for batch in _raw(contacts, CHUNK):
        for pk, channel, size, by, at, felt, awaiting, note, created in batch:
            people = []
            while pending is not None and pending[0] <= pk:
                if pending[0] == pk:
                    people.append(str(pending[1]))
                pending = next(link_rows, None)
            yield (
                f'{{"id": {pk}, "people": [{", ".join(people)}], '
                f'"channel": {string(channel)}, "size": {string(size)}, '
                f'"initiated_by": {string(by)}, "happened_at": {string(_as_dt(at))}, '
                f'"feeling_after": {string(felt)}, '
                f'"awaiting_reply": {"true" if awaiting else "false"}, '
                f'"note": {string(note)}, "created_at": {string(_as_dt(created))}}}'
            )


def checkin_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.wellbeing.models import CheckIn

    columns: list[Column] = [
        ("day", "day", _day),
        ("mood", "mood", None),
        ("energy", "energy", None),
        ("sleep_hours", "sleep_hours", _number),
        ("rested", "rested", None),
        ("meaningful", "meaningful", None),
        ("connected", "connected", None),
        ("note", "note", None),
        ("tags", "tags", None),
        ("created_at", "created_at", _dt),
    ]
    return _rows(CheckIn.objects.filter(owner=user).order_by("day", "pk"), columns)


def measure_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.wellbeing.models import Measure

    columns: list[Column] = [
        ("kind", "kind", None),
        ("taken_on", "taken_on", _day),
        ("answers", "answers", None),
        ("score", "score", None),
        ("direct", "direct", None),
        ("created_at", "created_at", _dt),
    ]
    return _rows(Measure.objects.filter(owner=user).order_by("pk"), columns)


def goal_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.wellbeing.models import Goal

    columns: list[Column] = [
        ("id", "pk", None),
        ("title", "title", None),
        ("measure", "measure", None),
        ("times", "times", None),
        ("per_days", "per_days", None),
        ("person", "person_id", None),
        ("created_at", "created_at", _dt),
        ("archived_at", "archived_at", _dt),
    ]
    return _rows(Goal.objects.filter(owner=user).order_by("pk"), columns)


def goal_skip_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.wellbeing.models import GoalSkip

    columns: list[Column] = [("goal", "goal_id", None), ("day", "day", _day)]
    return _rows(GoalSkip.objects.filter(owner=user).order_by("goal_id", "day"), columns)


SCHEDULE_COLUMNS: list[Column] = [
    ("rrule", "rrule", None),
    ("start_date", "start_date", _day),
    ("start_time", "start_time", _clock),
    ("timezone", "timezone", None),
    ("duration_minutes", "duration_minutes", None),
    ("exdates", "exdates", None),
]


def plan_rows(user: User) -> Iterator[dict[str, Any]]:
    """The person's own plans, with their people and the person's own answers."""
    from kithkin.plans.models import Occurrence, Plan, PlanPerson

    columns: list[Column] = [
        ("id", "pk", None),
        ("title", "title", None),
        *SCHEDULE_COLUMNS,
        ("energy", "energy", None),
        ("place", "place", None),
        ("link", "link", None),
        ("note", "note", None),
        ("remind_minutes", "remind_minutes", None),
        ("created_at", "created_at", _dt),
        ("ended_at", "ended_at", _dt),
    ]
    plans = _rows(Plan.objects.filter(owner=user).order_by("pk"), columns)
    for batch in _batches(plans, CHUNK):
        ids = [row["id"] for row in batch]
        people: dict[int, list[int]] = {}
        for plan_id, person_id in (
            PlanPerson.objects.filter(owner=user, plan_id__in=ids)
            .order_by("plan_id", "person_id")
            .values_list("plan_id", "person_id")
        ):
            people.setdefault(plan_id, []).append(person_id)
        answers: dict[int, list[dict[str, Any]]] = {}
        for plan_id, starts_at, rsvp, done_at, interaction_id, deleted in (
            Occurrence.objects.filter(owner=user, plan_id__in=ids)
            .order_by("plan_id", "starts_at")
            .values_list(
                "plan_id",
                "starts_at",
                "rsvp",
                "done_at",
                "interaction_id",
                "interaction__deleted_at",
            )
        ):
            answers.setdefault(plan_id, []).append(
                {
                    "starts_at": _dt(starts_at),
                    "rsvp": rsvp,
                    "done_at": _dt(done_at),
                    # A contact in its undo window isn't exported, so not pointed at.
                    "interaction": interaction_id if deleted is None else None,
                }
            )
        for row in batch:
            row["people"] = people.get(row["id"], [])
            row["occurrences"] = answers.get(row["id"], [])
            del row["id"]
            yield row


def community_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.plans.models import Community

    columns: list[Column] = [
        ("name", "name", None),
        ("kind", "kind", None),
        ("energy", "energy", None),
        ("link", "link", None),
        ("place", "place", None),
        ("note", "note", None),
        ("meets", "meets", None),
        *SCHEDULE_COLUMNS,
        ("created_at", "created_at", _dt),
        ("archived_at", "archived_at", _dt),
    ]
    return _rows(Community.objects.filter(owner=user).order_by("pk"), columns)


def place_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.plans.models import Place

    columns: list[Column] = [
        ("name", "name", None),
        ("kind", "kind", None),
        ("energy", "energy", None),
        ("address", "address", None),
        ("note", "note", None),
        ("created_at", "created_at", _dt),
        ("archived_at", "archived_at", _dt),
    ]
    return _rows(Place.objects.filter(owner=user).order_by("pk"), columns)


def saved_message_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.today.models import SavedMessage

    columns: list[Column] = [
        ("label", "label", None),
        ("text", "text", None),
        ("created_at", "created_at", _dt),
    ]
    return _rows(SavedMessage.objects.filter(owner=user).order_by("pk"), columns)


def idea_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.today.models import HiddenIdea, Idea

    columns: list[Column] = [
        ("id", "pk", None),
        ("slug", "slug", None),
        ("title", "title", None),
        ("effort", "effort", None),
        ("energies", "energies", None),
        ("target", "target", None),
        ("channel", "channel", None),
        ("kind", "kind", None),
        ("time_of_day", "time_of_day", None),
        ("situation", "situation", None),
        ("why", "why", None),
        ("basis", "basis", None),
        ("created_at", "created_at", _dt),
        ("hidden", "hidden", None),
    ]
    hidden = HiddenIdea.objects.filter(owner=user, idea=OuterRef("pk"))
    query = Idea.objects.filter(owner=user).annotate(hidden=Exists(hidden)).order_by("pk")
    return _rows(query, columns)


def hidden_catalog_idea_rows(user: User) -> Iterator[str]:
    from kithkin.today.models import HiddenIdea

    return (
        HiddenIdea.objects.filter(owner=user, idea__owner__isnull=True)
        .order_by("idea__slug")
        .values_list("idea__slug", flat=True)
        .iterator(chunk_size=CHUNK)
    )


def day_energy_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.today.models import DayEnergy

    columns: list[Column] = [("day", "day", _day), ("energy", "energy", None)]
    return _rows(DayEnergy.objects.filter(owner=user).order_by("day"), columns)


def suggestion_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.today.models import Suggestion

    rows = (
        Suggestion.objects.filter(owner=user)
        .order_by("day", "position", "pk")
        .values_list(
            "day",
            "energy",
            "position",
            "person_id",
            "idea_id",
            "idea__owner_id",
            "idea__slug",
            "reasons",
            "draft",
            "outcome",
            "responded_at",
            "interaction_id",
            "interaction__deleted_at",
            "created_at",
        )
    )
    for (
        day,
        energy,
        position,
        person_id,
        idea_id,
        idea_owner,
        slug,
        reasons,
        draft,
        outcome,
        responded_at,
        interaction_id,
        deleted,
        created_at,
    ) in rows.iterator(chunk_size=CHUNK):
        yield {
            "day": _day(day),
            "energy": energy,
            "position": position,
            "person": person_id,
            "idea": idea_id if idea_owner is not None else None,
            "catalog_idea": slug if idea_owner is None else None,
            "reasons": reasons,
            "draft": draft,
            "outcome": outcome,
            "responded_at": _dt(responded_at),
            "interaction": interaction_id if deleted is None else None,
            "created_at": _dt(created_at),
        }


SAFETY_PLAN_FIELDS = (
    "warning_signs",
    "coping",
    "distractions",
    "helpers",
    "professionals",
    "safe_environment",
    "reasons",
)


def safety_plan_section(user: User) -> dict[str, Any] | None:
    from kithkin.support.models import SafetyPlan

    found = SafetyPlan.objects.filter(owner=user).values(*SAFETY_PLAN_FIELDS).first()
    return dict(found) if found is not None else None


def hard_day_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.support.models import HardDay

    columns: list[Column] = [
        ("day", "day", _day),
        ("asked", "asked", None),
        ("dismissed_at", "dismissed_at", _dt),
        ("created_at", "created_at", _dt),
    ]
    return _rows(HardDay.objects.filter(owner=user).order_by("day"), columns)


def reminder_settings_section(user: User) -> dict[str, Any] | None:
    from kithkin.nudges.models import NudgeSettings

    found = NudgeSettings.objects.filter(owner=user).first()
    if found is None:
        return None
    return {
        "daily_at": _clock(found.daily_at),
        "paused_until": _day(found.paused_until),
        "per_day": found.per_day,
        "plan_reminders": found.plan_reminders,
        "partner_notes": found.partner_notes,
    }


def channel_rows(user: User) -> Iterator[dict[str, Any]]:
    """Email addresses and notification services. A web push subscription is
    left out: it is bound to this server's own key (VAPID), so it can't deliver
    from anywhere else; the person turns on notifications again on the new server."""
    from kithkin.nudges.models import Channel, ChannelKind

    columns: list[Column] = [
        ("kind", "kind", None),
        ("label", "label", None),
        ("target", "target", None),
        ("enabled", "enabled", None),
        ("created_at", "created_at", _dt),
    ]
    query = (
        Channel.objects.filter(owner=user)
        .exclude(kind=ChannelKind.PUSH)
        .order_by("created_at", "pk")
    )
    return _rows(query, columns)


def partnership_rows(user: User) -> Iterator[dict[str, Any]]:
    from kithkin.partners.models import Partnership

    columns: list[Column] = [
        ("name", "name", None),
        ("email", "email", None),
        ("weekly_email", "weekly_email", None),
        ("shares", "shares", None),
        ("alert_no_checkin_days", "alert_no_checkin_days", None),
        ("alert_low_mood_days", "alert_low_mood_days", None),
        ("alert_consent_at", "alert_consent_at", _dt),
        ("created_at", "created_at", _dt),
        ("accepted_at", "accepted_at", _dt),
        ("revoked_at", "revoked_at", _dt),
    ]
    return _rows(Partnership.objects.filter(owner=user).order_by("created_at", "pk"), columns)


LIST_SECTIONS: dict[str, Callable[[User], Iterator[Any]]] = {
    "people": people_rows,
    "important_dates": important_date_rows,
    "interactions": interaction_rows,
    "checkins": checkin_rows,
    "measures": measure_rows,
    "goals": goal_rows,
    "goal_skips": goal_skip_rows,
    "plans": plan_rows,
    "communities": community_rows,
    "places": place_rows,
    "saved_messages": saved_message_rows,
    "ideas": idea_rows,
    "hidden_catalog_ideas": hidden_catalog_idea_rows,
    "day_energies": day_energy_rows,
    "suggestions": suggestion_rows,
    "hard_days": hard_day_rows,
    "notification_channels": channel_rows,
    "partnerships": partnership_rows,
}
# Sections whose rows come as JSON text already.
ENCODED = {"interactions"}
OBJECT_SECTION_READERS: dict[str, Callable[[User], dict[str, Any] | None]] = {
    "account": account_section,
    "safety_plan": safety_plan_section,
    "reminder_settings": reminder_settings_section,
}


# --- Writing the document ---------------------------------------------------------


@contextmanager
def _snapshot() -> Iterator[None]:
    """One read transaction for the whole export, so its sections agree.

    - Inside another transaction (a test, a caller's atomic block): read as it does.
    - SQLite: a DEFERRED transaction, begun by hand. Kithkin's SQLite
      transactions are IMMEDIATE (they take the write lock as they start, see
      settings), and an export streamed to a slow download must not keep
      everyone else from writing. A deferred one only reads: in WAL mode it sees
      one snapshot throughout while writers go on. It is rolled back at the end,
      having written nothing.
    - PostgreSQL: REPEATABLE READ, READ ONLY (one snapshot for every statement).
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            if connection.connection is not None and connection.connection.in_transaction:
                connection.connection.rollback()
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def export_chunks(user: User, *, now: datetime | None = None) -> Iterator[str]:
    """The export of `user` as text chunks that join up to one JSON document.

    One row per line, two-space indents: readable, and written as it is read.
    Nothing is read before the first chunk is asked for.
    """
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    with _snapshot():
        user = User.objects.get(pk=user.pk)
        header = {"format": FORMAT, "version": VERSION, "exported_at": _dt(now or timezone.now())}
        parts = ["{\n"]
        parts.append(",\n".join(f"  {encode(k)}: {encode(v)}" for k, v in header.items()))
        for name in SECTIONS:
            parts.append(f",\n  {encode(name)}: ")
            if name in OBJECT_SECTION_READERS:
                parts.append(encode(OBJECT_SECTION_READERS[name](user)))
                continue
            parts.append("[")
            first = True
            for batch in _batches(LIST_SECTIONS[name](user), CHUNK):
                lines = ",\n    ".join(batch if name in ENCODED else (encode(r) for r in batch))
                parts.append(("\n    " if first else ",\n    ") + lines)
                first = False
                yield "".join(parts)
                parts = []
            parts.append("]" if first else "\n  ]")
        parts.append("\n}\n")
        yield "".join(parts)


def account_export(user: User) -> dict[str, Any]:
    """The whole document as a dict (for tests and small accounts)."""
    result: dict[str, Any] = json.loads("".join(export_chunks(user)))
    return result


def export_filename(day: date | None = None) -> str:
    return f"kithkin-export-{(day or timezone.localdate()).isoformat()}.json"


def export_response(user: User) -> StreamingHttpResponse:
    """The export as a download, streamed as it is read."""
    response = StreamingHttpResponse(
        export_chunks(user), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    # Personal data: never kept by a shared cache or the browser's.
    response["Cache-Control"] = "no-store"
    return response


def write_export(user: User, out: IO[str]) -> None:
    """Write the export to an open text stream."""
    for chunk in export_chunks(user):
        out.write(chunk)


def write_export_file(user: User, path: Path) -> None:
    """Write the export to `path`, readable by its owner only (mode 0600).

    Written to a temporary file in the same folder, then renamed over `path`,
    so `path` is never half-written: it holds the old file or the whole new one.
    """
    folder = path.parent
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            write_export(user, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
