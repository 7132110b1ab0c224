"""Writes to the circle that touch several rows. Views and the API call these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle import cadence
from kithkin.circle.models import Initiator, Interaction, InteractionPerson, Person

# How long a deleted interaction can still be brought back.
UNDO_WINDOW = timedelta(minutes=10)
STORED_FIELDS = ["last_contact_at", "reply_owed_since", "next_due_at"]


def waiting_since(awaiting: Iterable[datetime], answered_up_to: datetime | None) -> datetime | None:
    """The oldest message still waiting for an answer: one marked as waiting that
    came after the latest contact in the other direction."""
    later = [when for when in awaiting if answered_up_to is None or when > answered_up_to]
    return min(later, default=None)


@transaction.atomic
def refresh_people(owner: User, person_ids: Iterable[int]) -> None:
    """Recompute the stored last contact, reply owed and next due time.

    1. Lock the people's rows, so two contacts logged at once can't each write
       a result that misses the other.
    2. One aggregate query over their live contacts: the latest in either
       direction (any contact counts) and the latest I started.
    3. A reply is owed since their oldest message marked "awaiting my reply"
       that came after my latest contact with them. Derived afresh every time,
       so back-dating, editing, deleting and undoing all give the right answer.
    4. Next due counts the cadence (never faster than their pace) from the last
       contact, or from when they were added, in the owner's time zone, after
       any "give space" date.
    5. Write only the rows whose values changed.
    """
    ids = sorted(set(person_ids))
    if not ids:
        return
    people = list(Person.objects.select_for_update().filter(owner=owner, pk__in=ids).order_by("pk"))
    live = InteractionPerson.objects.filter(
        owner=owner, person_id__in=ids, interaction__deleted_at__isnull=True
    )
    stats = {
        row["person_id"]: row
        for row in live.values("person_id").annotate(
            last=Max("happened_at"),
            last_mine=Max("happened_at", filter=Q(interaction__initiated_by=Initiator.ME)),
        )
    }
    awaiting: dict[int, list[datetime]] = {}
    for person_id, when in live.filter(
        interaction__initiated_by=Initiator.THEM, interaction__awaiting_reply=True
    ).values_list("person_id", "happened_at"):
        awaiting.setdefault(person_id, []).append(when)

    changed = []
    for person in people:
        row = stats.get(person.pk, {})
        values = {
            "last_contact_at": row.get("last"),
            "reply_owed_since": waiting_since(awaiting.get(person.pk, []), row.get("last_mine")),
            "next_due_at": cadence.next_due(
                row.get("last") or person.created_at,
                person.effective_cadence_days,
                owner.zone,
                person.paused_until,
            ),
        }
        if any(getattr(person, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(person, k, v)
            changed.append(person)
    # Batches keep each UPDATE's CASE list short: one giant CASE grows
    # quadratically on PostgreSQL (10,000 rows took 10 s in one statement).
    Person.objects.bulk_update(changed, STORED_FIELDS, batch_size=500)


@transaction.atomic
def do_save_person(person: Person) -> Person:
    """Create or update a person, and their stored due time with it."""
    person.save()
    refresh_people(person.owner, [person.pk])
    person.refresh_from_db(fields=STORED_FIELDS)
    return person


@transaction.atomic
def do_delete_person(person: Person) -> None:
    """Remove a person for good. What was logged with them stays in the history."""
    person.delete()


@transaction.atomic
def do_set_archived(person: Person, archived: bool) -> None:
    person.archived_at = timezone.now() if archived else None
    person.save(update_fields=["archived_at", "updated_at"])


def refresh_everyone(owner: User) -> None:
    """After a change that moves every due time, such as a new time zone."""
    refresh_people(owner, Person.objects.filter(owner=owner).values_list("pk", flat=True))


def _check_people(owner: User, people: Sequence[Person]) -> None:
    # Callers look people up through the owner already; this guards the invariant.
    if any(p.owner_id != owner.pk for p in people):
        raise PermissionError("people must belong to the owner")


@transaction.atomic
def do_log_interaction(
    owner: User,
    people: Sequence[Person],
    *,
    channel: str,
    size: str = "micro",
    initiated_by: str = "me",
    happened_at: datetime | None = None,
    feeling_after: str = "",
    awaiting_reply: bool = False,
    note: str = "",
) -> Interaction:
    _check_people(owner, people)
    interaction = Interaction.objects.create(
        owner=owner,
        channel=channel,
        size=size,
        initiated_by=initiated_by,
        happened_at=happened_at or timezone.now(),
        feeling_after=feeling_after,
        awaiting_reply=awaiting_reply,
        note=note,
    )
    InteractionPerson.objects.bulk_create(
        InteractionPerson(
            owner=owner, interaction=interaction, person=p, happened_at=interaction.happened_at
        )
        for p in people
    )
    refresh_people(owner, [p.pk for p in people])
    return interaction


@transaction.atomic
def do_update_interaction(
    interaction: Interaction, people: Sequence[Person] | None = None, **changes: object
) -> Interaction:
    """Change fields and, if given, who took part; refresh everyone affected."""
    owner = interaction.owner
    before = set(interaction.people.values_list("pk", flat=True))
    for field, value in changes.items():
        setattr(interaction, field, value)
    interaction.save()
    InteractionPerson.objects.filter(interaction=interaction).exclude(
        happened_at=interaction.happened_at
    ).update(happened_at=interaction.happened_at)
    after = before
    if people is not None:
        _check_people(owner, people)
        after = {p.pk for p in people}
        InteractionPerson.objects.filter(interaction=interaction).exclude(
            person_id__in=after
        ).delete()
        InteractionPerson.objects.bulk_create(
            InteractionPerson(
                owner=owner, interaction=interaction, person=p, happened_at=interaction.happened_at
            )
            for p in people
            if p.pk not in before
        )
    refresh_people(owner, before | after)
    return interaction


@transaction.atomic
def do_delete_interaction(interaction: Interaction) -> None:
    """Delete, keeping the row for UNDO_WINDOW so it can be brought back.

    Rows deleted longer ago than that are removed for good here, so nothing
    else needs to sweep them.
    """
    now = timezone.now()
    Interaction.objects.filter(owner=interaction.owner, deleted_at__lt=now - UNDO_WINDOW).delete()
    interaction.deleted_at = now
    interaction.save(update_fields=["deleted_at", "updated_at"])
    refresh_people(interaction.owner, interaction.people.values_list("pk", flat=True))


@transaction.atomic
def do_undo_delete(interaction: Interaction) -> bool:
    """Bring back a deleted interaction; False once the undo window has passed."""
    if interaction.deleted_at is None:
        return True
    if interaction.deleted_at < timezone.now() - UNDO_WINDOW:
        return False
    interaction.deleted_at = None
    interaction.save(update_fields=["deleted_at", "updated_at"])
    refresh_people(interaction.owner, interaction.people.values_list("pk", flat=True))
    return True
