"""Writes to plans that touch several rows, and what the plan pages read.

Views and the API call these. Every write that changes when a plan happens
bumps `sequence` (so calendar apps take the change) and reschedules its
reminder in the same transaction.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kithkin.accounts.models import User
from kithkin.circle import actions as circle
from kithkin.circle.models import Channel, Interaction, Person, Size
from kithkin.nudges import hooks
from kithkin.plans import recurrence, wording
from kithkin.plans.models import Occurrence, Plan, PlanGuest, PlanPerson, Rsvp
from kithkin.plans.recurrence import RecurrenceError, Series

UPCOMING_DAYS = 28
# Far more than a list of four weeks shows; bounds a daily plan's expansion.
MAX_PER_PLAN = 100
KEY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def guest_name(user: User) -> str:
    """How a plan shows someone with an account: their first name, else their username."""
    return (user.first_name.split() or [user.username])[0]


# --- Occurrences as plain data -------------------------------------------------------


def occurrence_key(at: datetime) -> str:
    """An occurrence's start as forms and links carry it: UTC, to the second."""
    return at.astimezone(UTC).strftime(KEY_FORMAT)


def parse_key(text: str) -> datetime | None:
    try:
        at = datetime.strptime(text, KEY_FORMAT).replace(tzinfo=UTC)
    except (ValueError, TypeError):
        return None
    # Expanding looks a day either side, which year 1 or 9999 can't give.
    return at if datetime.min.year < at.year < datetime.max.year else None


def series_of(plan: Plan) -> Series:
    return Series.of(plan)


def occurrence_at(plan: Plan, at: datetime) -> datetime | None:
    """`at` as an occurrence of the plan (aware, in the plan's zone), or None when the
    plan has no occurrence starting then (or it was cancelled, or the plan ended)."""
    if plan.ended_at is not None and at >= plan.ended_at:
        return None
    # Expanding looks a day either side, which year 1 or 9999 can't give.
    if not datetime.min.year < at.year < datetime.max.year:
        return None
    found = series_of(plan).between(at, at + timedelta(seconds=1), limit=1)
    return found[0] if found and found[0] == at else None


@dataclass
class Upcoming:
    """One occurrence as a list shows it, for the person looking."""

    plan: Plan
    at: datetime  # aware, in the plan's time zone
    local: datetime  # the same instant in the viewer's time zone
    rsvp: str = ""
    done: bool = False
    mine: bool = True  # the viewer owns the plan (else they joined it)
    # For the owner only: who joined, with their answer for this occurrence.
    guests: list[tuple[str, str]] = field(default_factory=list)
    # For the owner only: the people from their circle who take part.
    people: list[Person] = field(default_factory=list)

    @property
    def key(self) -> str:
        return occurrence_key(self.at)

    @property
    def started(self) -> bool:
        return self.at <= timezone.now()

    @property
    def other_clock(self) -> bool:
        """The plan's clock reads differently from the viewer's (another time zone)."""
        return self.at.replace(tzinfo=None) != self.local.replace(tzinfo=None)

    @property
    def plan_clock(self) -> str:
        """The start on the plan's own clock: "18:00 London time"."""
        return _("%(time)s %(zone)s") % {
            "time": self.at.strftime("%H:%M"),
            "zone": wording.zone_words(self.plan.timezone),
        }

    @property
    def rsvp_label(self) -> str:
        return str(Rsvp(self.rsvp).label) if self.rsvp else ""


def _plans_with_people(owner: User) -> Prefetch:
    return Prefetch(
        "planperson_set",
        queryset=PlanPerson.objects.filter(owner=owner).select_related("person").order_by("pk"),
        to_attr="links",
    )


def _guests() -> Prefetch:
    return Prefetch(
        "guests",
        queryset=PlanGuest.objects.select_related("owner").order_by("joined_at", "pk"),
        to_attr="guest_rows",
    )


def own_plans(owner: User) -> QuerySet[Plan]:
    """The owner's plans with their people and guests, in three queries."""
    return Plan.objects.filter(owner=owner).prefetch_related(_plans_with_people(owner), _guests())


def people_of(plan: Plan) -> list[Person]:
    """The plan's people (prefetched by own_plans, else read)."""
    links = getattr(plan, "links", None)
    if links is None:
        links = list(
            PlanPerson.objects.filter(owner_id=plan.owner_id, plan=plan)
            .select_related("person")
            .order_by("pk")
        )
        plan.links = links  # type: ignore[attr-defined]
    return [link.person for link in links]


def guests_of(plan: Plan) -> list[PlanGuest]:
    rows = getattr(plan, "guest_rows", None)
    if rows is None:
        rows = list(plan.guests.select_related("owner").order_by("joined_at", "pk"))
        plan.guest_rows = rows  # type: ignore[attr-defined]
    return rows


def expand(
    viewer: User,
    plans: Sequence[tuple[Plan, bool]],
    after: datetime,
    before: datetime,
    *,
    limit: int = MAX_PER_PLAN,
) -> list[Upcoming]:
    """Occurrences of `plans` (each with "the viewer owns it") starting in [after, before).

    1. Expand each schedule in memory (recurrence math, no queries).
    2. One query for the answers in the window: the viewer's own, and the
       guests' answers on the viewer's own plans.
    3. Sorted by start, then title.
    """
    zone = viewer.zone
    found: list[Upcoming] = []
    for plan, mine in plans:
        end = before if plan.ended_at is None else min(before, plan.ended_at)
        for at in series_of(plan).between(after, end, limit=limit) if end > after else []:
            found.append(Upcoming(plan=plan, at=at, local=at.astimezone(zone), mine=mine))
    if not found:
        return []
    ids = {plan.pk for plan, _mine in plans}
    own_ids = {plan.pk for plan, mine in plans if mine}
    rows = Occurrence.objects.filter(
        Q(owner=viewer) | Q(plan__owner=viewer, plan_id__in=own_ids),
        plan_id__in=ids,
        starts_at__gte=after,
        starts_at__lt=before,
    ).values_list("owner_id", "plan_id", "starts_at", "rsvp", "done_at")
    answers: dict[tuple[int, int, datetime], tuple[str, bool]] = {
        (owner_id, plan_id, at): (rsvp, done_at is not None)
        for owner_id, plan_id, at, rsvp, done_at in rows
    }
    for item in found:
        item.rsvp, item.done = answers.get((viewer.pk, item.plan.pk, item.at), ("", False))
        if item.mine:
            item.people = people_of(item.plan)
            item.guests = [
                (guest_name(g.owner), answers.get((g.owner_id, item.plan.pk, item.at), ("",))[0])
                for g in guests_of(item.plan)
            ]
    found.sort(key=lambda o: (o.at, o.plan.title, o.plan.pk))
    return found


def day_start(user: User, now: datetime | None = None) -> datetime:
    """The start of the user's today (their own time zone)."""
    local = (now or timezone.now()).astimezone(user.zone)
    return datetime.combine(local.date(), datetime.min.time(), tzinfo=user.zone)


def visible_plans(user: User) -> list[tuple[Plan, bool]]:
    """The user's open plans and the open plans they joined, with "mine", in four queries."""
    own = [(p, True) for p in own_plans(user).filter(ended_at__isnull=True)]
    joined = [
        (g.plan, False)
        for g in PlanGuest.objects.filter(owner=user, plan__ended_at__isnull=True)
        .exclude(plan__owner=user)
        .select_related("plan__owner")
    ]
    return own + joined


def upcoming(user: User, days: int = UPCOMING_DAYS, now: datetime | None = None) -> list[Upcoming]:
    """Occurrences from the start of the user's today for `days` days: their own plans
    and the ones they joined, in a constant number of queries (five)."""
    after = day_start(user, now)
    return expand(user, visible_plans(user), after, after + timedelta(days=days))


# --- Writes ----------------------------------------------------------------------------


@dataclass
class _Schedule:
    """A plan's stored schedule fields, for Series.of()."""

    rrule: str
    start_date: date
    start_time: time
    timezone: str
    exdates: list[str]


def _reschedule(plan: Plan, guest_ids: Iterable[int] = ()) -> None:
    hooks.reschedule(plan.owner_id, "plan", plan.pk)
    for guest_id in guest_ids:
        hooks.reschedule(guest_id, "plan", plan.pk)


def _guest_ids(plan: Plan) -> list[int]:
    return list(PlanGuest.objects.filter(plan=plan).values_list("owner_id", flat=True))


def _on_days(series: Series, days: set[date]) -> dict[date, datetime]:
    """The series' occurrence on each of `days` (local dates), leaving exceptions in."""
    if not days:
        return {}
    plain = dataclasses.replace(series, exdates=frozenset())
    lo = datetime.combine(min(days), time(0), tzinfo=series.zone)
    hi = datetime.combine(max(days) + timedelta(days=1), time(0), tzinfo=series.zone)
    span = (max(days) - min(days)).days + 2
    return {at.date(): at for at in plain.between(lo, hi, limit=span) if at.date() in days}


def _follow_moved_times(plan: Plan, before: Series, after: Series) -> None:
    """Keep answers, "it happened" and one-off cancellations with their occurrence
    when an edit moves the plan's time or time zone.

    They are keyed by start, so without this an edit from 18:00 to 19:00 would
    drop every answer out of sight, bring back a cancelled Sunday and offer to log
    last Sunday a second time. A series has at most one occurrence a local day
    (rules here have no BYHOUR), so each follows the new occurrence on its own
    local day; one whose day has none any more stays as it is, out of sight
    (a contact logged from it stays in the history).

    1. Move the exceptions (plan.exdates; the caller saves the plan).
    2. Move every person's answer rows: delete and recreate with the same ids, as
       rows can swap starts and the unique constraint is checked row by row.
    """
    old_days = {local.date() for local in before.exdates}
    moved = _on_days(after, old_days)
    keys = set()
    for local in before.exdates:
        at = moved.get(local.date())
        new_local = after.local_start(at) if at is not None else None
        keys.add(recurrence.exdate_key(new_local or local))
    plan.exdates = sorted(keys)

    rows = list(Occurrence.objects.select_for_update().filter(plan=plan).order_by("pk"))
    targets = _on_days(after, {r.starts_at.astimezone(before.zone).date() for r in rows})
    taken = {(r.owner_id, r.starts_at) for r in rows}
    changed: list[Occurrence] = []
    for row in rows:
        at = targets.get(row.starts_at.astimezone(before.zone).date())
        if at is None or at == row.starts_at or (row.owner_id, at) in taken:
            continue  # nothing to follow, already there, or another answer is there
        taken.discard((row.owner_id, row.starts_at))
        taken.add((row.owner_id, at))
        row.starts_at = at
        changed.append(row)
    if changed:
        Occurrence.objects.filter(pk__in=[r.pk for r in changed]).delete()
        Occurrence.objects.bulk_create(changed)


@transaction.atomic
def do_save_plan(plan: Plan, people: Sequence[Person] | None = None) -> Plan:
    """Create or update a plan and who takes part (None keeps the people as they are).

    1. Check the time zone and the rule against the local start; tidy the rule.
    2. Move the first day to the rule's first match (RFC 5545 wants DTSTART in
       the set; the set itself doesn't change).
    3. When an edit moves the time or zone, answers and cancellations follow.
    4. Bump `sequence` on every edit, so calendar apps replace their copy.
    5. Set the people, only from the owner's circle.
    6. Reschedule the reminder (the owner's and any guests').

    Raises RecurrenceError, with a message for people, and writes nothing.
    """
    recurrence.zone_named(plan.timezone)
    start_time = plan.start_time.replace(second=0, microsecond=0, tzinfo=None)
    start = datetime.combine(plan.start_date, start_time)
    plan.rrule = recurrence.normalize_rule(plan.rrule, start, plan.timezone)
    first = recurrence.first_local(plan.rrule, start, plan.timezone)
    plan.start_date, plan.start_time = first.date(), first.time()
    if people is not None and any(p.owner_id != plan.owner_id for p in people):
        raise PermissionError("people must belong to the plan's owner")
    stored = None
    if plan.pk is not None:
        fields = ("rrule", "start_date", "start_time", "timezone", "exdates")
        stored = Plan.objects.select_for_update().filter(pk=plan.pk).values(*fields).first()
    if stored is not None:
        before, after = Series.of(_Schedule(**stored)), Series.of(plan)
        if (before.rule, before.start, before.zone) != (after.rule, after.start, after.zone):
            _follow_moved_times(plan, before, after)
    if plan.pk is not None:
        plan.sequence += 1
    plan.save()
    if people is not None:
        wanted = {p.pk for p in people}
        PlanPerson.objects.filter(owner=plan.owner, plan=plan).exclude(
            person_id__in=wanted
        ).delete()
        have = set(
            PlanPerson.objects.filter(owner=plan.owner, plan=plan).values_list(
                "person_id", flat=True
            )
        )
        PlanPerson.objects.bulk_create(
            PlanPerson(owner=plan.owner, plan=plan, person_id=pk) for pk in sorted(wanted - have)
        )
    _reschedule(plan, _guest_ids(plan))
    return plan


@transaction.atomic
def do_end_plan(plan: Plan, now: datetime | None = None) -> None:
    """Stop a plan from now on, keeping what happened. Nothing is counted as skipped."""
    if plan.ended_at is not None:
        return
    now = now or timezone.now()
    start = datetime.combine(plan.start_date, plan.start_time)
    plan.rrule = recurrence.ended_rule(plan.rrule, start, plan.timezone, now)
    plan.ended_at = now
    plan.sequence += 1
    plan.save(update_fields=["rrule", "ended_at", "sequence", "updated_at"])
    _reschedule(plan, _guest_ids(plan))


@transaction.atomic
def do_delete_plan(plan: Plan) -> None:
    """Remove a plan for good. Contacts logged from it stay in the history."""
    guests = _guest_ids(plan)
    owner_id, pk = plan.owner_id, plan.pk
    plan.delete()
    hooks.reschedule(owner_id, "plan", pk)
    for guest_id in guests:
        hooks.reschedule(guest_id, "plan", pk)


@transaction.atomic
def do_cancel_occurrence(plan: Plan, at: datetime, *, restore: bool = False) -> bool:
    """Take one occurrence out of the series (an EXDATE), or bring it back.

    Returns False when `at` isn't a start of this series.
    """
    local = series_of(plan).local_start(at)
    if local is None:
        return False
    key = recurrence.exdate_key(local)
    keys = [k for k in plan.exdates or [] if k != key]
    if not restore:
        keys.append(key)
    if sorted(keys) == sorted(plan.exdates or []):
        return True
    plan.exdates = sorted(keys)
    plan.sequence += 1
    plan.save(update_fields=["exdates", "sequence", "updated_at"])
    _reschedule(plan, _guest_ids(plan))
    return True


def _occurrence_row(user: User, plan: Plan, at: datetime) -> Occurrence:
    """The user's row for this occurrence, made if missing and locked for the write."""
    try:
        with transaction.atomic():
            Occurrence.objects.get_or_create(owner=user, plan=plan, starts_at=at)
    except IntegrityError:
        pass  # made meanwhile by another request
    return Occurrence.objects.select_for_update().get(owner=user, plan=plan, starts_at=at)


@transaction.atomic
def do_rsvp(user: User, plan: Plan, at: datetime, rsvp: str) -> Occurrence | None:
    """The user's answer for one occurrence: going, maybe, skip this time, or "" to clear.

    Skipping is only an answer: nothing anywhere counts it.
    """
    if rsvp not in Rsvp.values and rsvp != "":
        raise ValueError(f"unknown answer {rsvp!r}")
    row = _occurrence_row(user, plan, at)
    if rsvp == "" and row.done_at is None:
        row.delete()
        return None
    if row.rsvp != rsvp:
        row.rsvp = rsvp
        row.save(update_fields=["rsvp", "updated_at"])
    return row


@transaction.atomic
def do_mark_done(
    user: User,
    plan: Plan,
    at: datetime,
    channel: str = "",
    feeling: str = "",
) -> Occurrence:
    """Say an occurrence happened: log one contact with the plan's people and link it.

    Marking it again changes nothing but a feeling not given before. The owner's
    contact names the plan's people; a guest's names nobody (the owner's circle
    isn't theirs), so it still counts for them as time together.
    """
    row = _occurrence_row(user, plan, at)
    current = None
    if row.interaction_id is not None:
        current = Interaction.objects.filter(
            owner=user, pk=row.interaction_id, deleted_at__isnull=True
        ).first()
    if row.done_at is not None and current is not None:
        if feeling and not current.feeling_after:
            current.feeling_after = feeling
            current.save(update_fields=["feeling_after", "updated_at"])
        return row
    people = people_of(plan) if user.pk == plan.owner_id else []
    default = Channel.IN_PERSON if plan.place else Channel.CALL
    interaction = circle.do_log_interaction(
        user,
        people,
        channel=channel or default,
        size=Size.MAIN,
        happened_at=min(at, timezone.now()),
        feeling_after=feeling,
        note=plan.title,
    )
    row.done_at = timezone.now()
    row.interaction = interaction
    row.save(update_fields=["done_at", "interaction", "updated_at"])
    return row


@transaction.atomic
def do_undo_done(user: User, plan: Plan, at: datetime) -> None:
    """Take back "it happened": the logged contact goes (undoable from the circle for a
    while, like any deleted contact)."""
    row = Occurrence.objects.select_for_update().filter(owner=user, plan=plan, starts_at=at).first()
    if row is None or row.done_at is None:
        return
    if row.interaction_id is not None:
        interaction = Interaction.objects.filter(owner=user, pk=row.interaction_id).first()
        if interaction is not None and interaction.deleted_at is None:
            circle.do_delete_interaction(interaction)
    if row.rsvp:
        row.done_at, row.interaction = None, None
        row.save(update_fields=["done_at", "interaction", "updated_at"])
    else:
        row.delete()


@transaction.atomic
def do_share(plan: Plan, sharing: bool) -> None:
    """Make the plan's join link, or stop sharing it (people who joined stay)."""
    if sharing and not plan.guest_token:
        plan.guest_token = secrets.token_urlsafe(18)
    elif not sharing:
        plan.guest_token = None
    else:
        return
    plan.save(update_fields=["guest_token", "updated_at"])


@transaction.atomic
def do_join(user: User, plan: Plan) -> PlanGuest:
    guest, _created = PlanGuest.objects.get_or_create(owner=user, plan=plan)
    hooks.reschedule(user.pk, "plan", plan.pk)
    return guest


@transaction.atomic
def do_leave(user: User, plan: Plan) -> None:
    """Leave a joined plan; the guest's answers for it go too (their log stays)."""
    PlanGuest.objects.filter(owner=user, plan=plan).delete()
    Occurrence.objects.filter(owner=user, plan=plan).delete()
    hooks.reschedule(user.pk, "plan", plan.pk)


@transaction.atomic
def do_remove_guest(guest: PlanGuest) -> None:
    """The owner takes someone off their plan; the guest's answers for it go too (their
    own log stays), as when they leave. The join link, if shared, still works."""
    plan_id, guest_id = guest.plan_id, guest.owner_id
    guest.delete()
    Occurrence.objects.filter(owner_id=guest_id, plan_id=plan_id).delete()
    hooks.reschedule(guest_id, "plan", plan_id)


def next_occurrences(
    viewer: User, plan: Plan, mine: bool, count: int = 6, now: datetime | None = None
) -> list[Upcoming]:
    """The plan's next few occurrences from the start of the viewer's today (a year ahead)."""
    after = day_start(viewer, now)
    return expand(viewer, [(plan, mine)], after, after + timedelta(days=366), limit=count)


def recent_occurrences(
    viewer: User, plan: Plan, mine: bool, days: int = 30, now: datetime | None = None
) -> list[Upcoming]:
    """The plan's occurrences in the last `days` days before the viewer's today, newest first."""
    before = day_start(viewer, now)
    found = expand(viewer, [(plan, mine)], before - timedelta(days=days), before)
    return found[::-1][:5]


def cancelled_ahead(plan: Plan, now: datetime | None = None) -> list[datetime]:
    """Occurrences still to come that were cancelled one by one (aware, plan zone)."""
    series = series_of(plan)
    now = now or timezone.now()
    found = [series.instant(local) for local in series.local_exdates()]
    return [at for at in found if at >= now]


def zone_of(name: str) -> ZoneInfo:
    try:
        return recurrence.zone_named(name)
    except RecurrenceError:
        return ZoneInfo("UTC")
