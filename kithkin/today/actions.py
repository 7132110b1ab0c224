"""Today's writes and what Today reads: remembering energy, making suggestions and
answering them; partners' notes, hidden ideas, words kept for tough days, and
messages still waiting for a reply.

The Today pages, /api/v1 (today, suggestions, ideas, saved messages, partner
notes) and `kithkin today` all call these, so they say and do the same."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle import actions as circle_actions
from kithkin.circle.actions import waiting_since
from kithkin.circle.models import Initiator, InteractionPerson, Person, Size
from kithkin.nudges.hooks import reschedule
from kithkin.partners.models import PartnerNote
from kithkin.today import drafts, engine, reasons
from kithkin.today.models import DayEnergy, HiddenIdea, Idea, Outcome, SavedMessage, Suggestion

# How far back the engine looks at earlier suggestions to learn and to vary.
HISTORY_DAYS = 90
# "Give this person space for a while".
SPACE_DAYS = 14
# "Thinking of you" notes shown at once; older unseen ones wait their turn.
MOST_NOTES = 3
# Answers that take a suggestion off Today (done ones stay, so "done" is seen).
TURNED_DOWN = (Outcome.NOT_TODAY, Outcome.ANOTHER, Outcome.GIVE_SPACE)
SNAPSHOT_FIELDS = [
    "pk", "name", "ring", "cadence_days", "min_days_between", "channels", "interests",
    "quiet_start", "quiet_end", "quiet_days", "paused_until", "last_contact_at",
    "next_due_at", "reply_owed_since",
]  # fmt: skip


def seed_for(owner: User, day: date, salt: int = 0) -> int:
    """Stable within a day for one person, different across days and people."""
    digest = hashlib.sha256(f"{owner.pk}:{day.isoformat()}:{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def person_snaps(
    owner: User, only: Iterable[int] | None = None
) -> tuple[list[engine.PersonSnap], dict[int, Person]]:
    """The engine's view of the owner's active people (or just `only` of them).

    1. The people, with only the fields the engine reads.
    2. Per person: how they tend to feel after contact, and the latest contact
       from them (to know whether my own messages are still waiting).
    3. My messages marked as waiting for a reply.
    """
    found = Person.objects.filter(owner=owner, archived_at__isnull=True)
    links = InteractionPerson.objects.filter(owner=owner, interaction__deleted_at__isnull=True)
    if only is not None:
        found = found.filter(pk__in=list(only))
        # Scoped through the owner's people rather than the owner column, so the
        # planner walks these few people's rows instead of all the owner's.
        links = InteractionPerson.objects.filter(
            person__in=found.values("pk"), interaction__deleted_at__isnull=True
        )
    people = {p.pk: p for p in found.only(*SNAPSHOT_FIELDS)}
    stats = {
        row["person_id"]: row
        for row in links.values("person_id").annotate(
            lifted=Count("pk", filter=Q(interaction__feeling_after="lifted")),
            neutral=Count("pk", filter=Q(interaction__feeling_after="neutral")),
            drained=Count("pk", filter=Q(interaction__feeling_after="drained")),
            last_theirs=Max("happened_at", filter=Q(interaction__initiated_by=Initiator.THEM)),
        )
    }
    mine_waiting: dict[int, list[datetime]] = defaultdict(list)
    for person_id, when in links.filter(
        interaction__initiated_by=Initiator.ME, interaction__awaiting_reply=True
    ).values_list("person_id", "happened_at"):
        mine_waiting[person_id].append(when)
    snaps = [
        engine.PersonSnap(
            id=p.pk,
            name=p.name,
            ring=p.ring,
            cadence_days=p.effective_cadence_days,
            channels=tuple(p.channels),
            interests=tuple(p.interests),
            quiet_start=p.quiet_start,
            quiet_end=p.quiet_end,
            quiet_days=tuple(p.quiet_days),
            min_days_between=p.min_days_between,
            paused_until=p.paused_until,
            last_contact_at=p.last_contact_at,
            next_due_at=p.next_due_at,
            reply_owed_since=p.reply_owed_since,
            waiting_since=waiting_since(
                mine_waiting.get(p.pk, []), stats.get(p.pk, {}).get("last_theirs")
            ),
            lifted=stats.get(p.pk, {}).get("lifted", 0),
            neutral=stats.get(p.pk, {}).get("neutral", 0),
            drained=stats.get(p.pk, {}).get("drained", 0),
        )
        for p in people.values()
    ]
    return snaps, people


def recent_history(owner: User, today: date) -> list[engine.Past]:
    """The last HISTORY_DAYS of suggestions and what became of them."""
    return [
        engine.Past(
            day=s.day,
            idea=s.idea.slug,
            kind=s.idea.kind,
            energy=s.energy,
            person_id=s.person_id,
            outcome=s.outcome,
            feeling=s.interaction.feeling_after if s.interaction else "",
        )
        for s in Suggestion.objects.filter(
            owner=owner, day__gte=today - timedelta(days=HISTORY_DAYS)
        ).select_related("idea", "interaction")
    ]


def snapshot(
    owner: User, now: datetime, energy: str, exclude: frozenset = frozenset()
) -> tuple[engine.Snapshot, dict[int, Person], dict[str, Idea]]:
    """Everything the engine needs, in a fixed number of queries: the people
    (`person_snaps`), the ideas they haven't hidden, and the recent history."""
    snaps, people = person_snaps(owner)
    hidden = HiddenIdea.objects.filter(owner=owner).values("idea_id")
    ideas = {i.slug: i for i in Idea.objects.for_owner(owner).exclude(pk__in=hidden)}
    idea_snaps = [idea_snap(i) for i in ideas.values()]
    snap = engine.Snapshot(
        now=now,
        energy=energy,
        people=snaps,
        ideas=idea_snaps,
        history=recent_history(owner, now.date()),
        own_quiet_start=owner.quiet_start,
        own_quiet_end=owner.quiet_end,
        own_quiet_days=tuple(owner.quiet_days),
        exclude=exclude,
    )
    return snap, people, ideas


def idea_snap(i: Idea) -> engine.IdeaSnap:
    return engine.IdeaSnap(
        slug=i.slug,
        effort=i.effort,
        energies=frozenset(i.energies),
        target=i.target,
        channel=i.channel,
        kind=i.kind,
        time_of_day=i.time_of_day or None,
        situation=i.situation or None,
    )


def do_change_tone(suggestion: Suggestion, tone: str) -> None:
    """Offer the words again in another tone (warm, light or brief)."""
    suggestion.draft = _draft(
        suggestion.owner, suggestion.idea, suggestion.person, suggestion.pk, tone=tone
    )
    suggestion.save(update_fields=["draft"])


def _draft(owner: User, idea: Idea, person: Person | None, seed: int, tone: str = "warm") -> str:
    if not idea.situation:
        return ""
    gap = None
    if person is not None and person.last_contact_at is not None:
        gap = (timezone.now() - person.last_contact_at).days
    return drafts.draft(
        idea.situation,
        tone=tone,
        # A note to self is addressed to the person themself.
        name=person.short_name if person else (owner.first_name or owner.username),
        interest=person.interests[0] if person and person.interests else None,
        gap_days=gap if idea.situation == "reconnect" else None,
        seed=seed,
    )


@transaction.atomic
def do_make_suggestions(
    owner: User, energy: str, *, limit: int = 3, salt: int = 0, keep: int = 0
) -> list[Suggestion]:
    """Remember today's energy and make fresh suggestions for it.

    Open suggestions from earlier today make way; answered ones stay, and
    nothing shown today is offered again.
    """
    # One at a time per person: a double tap must not make two sets.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    now = timezone.localtime(timezone.now(), owner.zone)
    today = now.date()
    DayEnergy.objects.update_or_create(owner=owner, day=today, defaults={"energy": energy})
    todays = list(Suggestion.objects.filter(owner=owner, day=today).select_related("idea"))
    shown = {(s.person_id, s.idea.slug) for s in todays}
    # Whoever was answered "not today", "another" or "space" today stays off today,
    # whatever the energy; when adding to the page, so does everyone already on it.
    off_today = {s.person_id for s in todays if s.person_id and (keep or s.outcome in TURNED_DOWN)}
    if off_today:
        all_slugs = list(Idea.objects.for_owner(owner).values_list("slug", flat=True))
        shown |= {(pid, slug) for pid in off_today for slug in all_slugs}
    Suggestion.objects.filter(owner=owner, day=today, outcome="", position__gte=keep).delete()
    seed = seed_for(owner, today, salt)
    snap, people, ideas = snapshot(owner, now, energy, exclude=frozenset(shown))
    made = []
    for position, pick in enumerate(engine.rank(snap, seed=seed, limit=limit), start=keep):
        person = people.get(pick.person_id) if pick.person_id else None
        idea = ideas[pick.idea]
        made.append(
            Suggestion(
                owner=owner,
                day=today,
                energy=energy,
                position=position,
                person=person,
                idea=idea,
                reasons=[{"code": r.code, "data": _plain(r.data)} for r in pick.reasons],
                draft=_draft(owner, idea, person, seed + position),
            )
        )
    return Suggestion.objects.bulk_create(made)


def _plain(data: dict[str, object]) -> dict[str, object]:
    """JSON-ready reason data: datetimes as ISO text."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}


def still_fine(owner: User, now: datetime, suggestions: list[Suggestion]) -> list[Suggestion]:
    """Today's suggestions that may still be shown now.

    Suggestions are made once, but hours later someone may be set aside, paused
    or inside their quiet hours, the person's own quiet time may have begun, an
    idea may have been hidden or belong to another time of day: every hard
    constraint is checked again before anything is shown. Answered ones stay,
    so "done" is seen.
    """
    open_ones = [s for s in suggestions if not s.outcome]
    if not open_ones:
        return suggestions
    snaps, _people = person_snaps(owner, only={s.person_id for s in open_ones if s.person_id})
    by_id = {p.id: p for p in snaps}
    hidden = set(
        HiddenIdea.objects.filter(
            owner=owner, idea_id__in={s.idea_id for s in open_ones}
        ).values_list("idea_id", flat=True)
    )
    # Earlier suggestions only matter for someone with a pace; skip the query if none.
    paced = any(p.min_days_between for p in snaps)
    snap = engine.Snapshot(
        now=now, energy=open_ones[0].energy, people=snaps, ideas=(),
        history=recent_history(owner, now.date()) if paced else (),
    )  # fmt: skip
    own_quiet = engine.in_quiet(now, owner.quiet_start, owner.quiet_end, owner.quiet_days)
    part = engine.part_of_day(now)

    def fine(s: Suggestion) -> bool:
        if s.outcome:
            return True
        if s.idea_id in hidden or (s.idea.time_of_day or part) != part:
            return False
        if s.person_id is None:
            return not own_quiet or s.idea.target == "self"
        p = by_id.get(s.person_id)
        return (
            p is not None
            and not own_quiet
            and engine.allowed(p, snap)
            and engine.channel_ok(p, idea_snap(s.idea))
        )

    return [s for s in suggestions if fine(s)]


@transaction.atomic
def do_respond(suggestion: Suggestion, outcome: str, feeling_after: str = "") -> Suggestion | None:
    """Answer a suggestion. Returns the replacement for "show me another".

    Nothing here is ever counted against the person: "not today" and "another"
    only teach the engine what fits, and giving space simply pauses suggestions.
    """
    owner = suggestion.owner
    # A double tap: only the first answer counts.
    if not Suggestion.objects.select_for_update().filter(pk=suggestion.pk, outcome="").exists():
        suggestion.refresh_from_db()
        return None
    today = timezone.localdate(timezone=owner.zone)
    suggestion.outcome = outcome
    suggestion.responded_at = timezone.now()
    if outcome == Outcome.DONE:
        idea = suggestion.idea
        suggestion.interaction = circle_actions.do_log_interaction(
            owner,
            [suggestion.person] if suggestion.person else [],
            channel=idea.channel,
            size=Size.MAIN if idea.effort == "main" else Size.MICRO,
            initiated_by=Initiator.ME,
            feeling_after=feeling_after,
            note=title_of(suggestion),
        )
    elif outcome == Outcome.GIVE_SPACE and suggestion.person is not None:
        person = suggestion.person
        # Never shortens a longer pause they already asked for.
        until = today + timedelta(days=SPACE_DAYS)
        if person.paused_until is None or person.paused_until < until:
            person.paused_until = until
            circle_actions.do_save_person(person)
    suggestion.save(update_fields=["outcome", "responded_at", "interaction"])
    if outcome == Outcome.ANOTHER and suggestion.day == today:
        # Another for today (a card left open overnight brings nothing new).
        energy = energy_of(owner, today) or suggestion.energy
        made = do_make_suggestions(
            owner,
            energy,
            limit=1,
            salt=Suggestion.objects.filter(owner=owner, day=today).count(),
            keep=_next_position(owner, today),
        )
        return made[0] if made else None
    return None


def _next_position(owner: User, day: date) -> int:
    last = Suggestion.objects.filter(owner=owner, day=day).aggregate(m=Max("position"))["m"]
    return (last or 0) + 1


# --- What Today shows -------------------------------------------------------------------


def energy_of(owner: User, day: date) -> str | None:
    """The energy the owner said for the day, if they did."""
    return DayEnergy.objects.filter(owner=owner, day=day).values_list("energy", flat=True).first()


def makes_suggestions(owner: User, day: date, energy: str) -> bool:
    """Whether saying `energy` makes suggestions: only a new energy for the day, or the
    first ask of the day, does; asking again gives the same ones back."""
    return (
        energy != energy_of(owner, day)
        or not Suggestion.objects.filter(owner=owner, day=day).exists()
    )


def todays_suggestions(owner: User, now: datetime) -> list[Suggestion]:
    """Today's suggestions as Today shows them, in their order on the page: those that
    may still be shown now (`still_fine`), less the ones turned down. Done ones stay."""
    stored = Suggestion.objects.filter(owner=owner, day=now.date()).select_related(
        "idea", "person", "owner"
    )
    return [
        s
        for s in still_fine(owner, now, list(stored.order_by("position", "pk")))
        if s.outcome not in TURNED_DOWN
    ]


def title_of(suggestion: Suggestion) -> str:
    """The idea's title, `{name}` being the suggestion's person."""
    person = suggestion.person
    return suggestion.idea.title.replace("{name}", person.name if person else "")


def why_of(suggestion: Suggestion, now: datetime) -> list[str]:
    """Why this suggestion, in words, one reason a line (as of `now`)."""
    person = suggestion.person
    return [t for r in suggestion.reasons if (t := reasons.describe(r, person, now))]


def partner_notes(owner: User) -> QuerySet[PartnerNote]:
    """The owner's unseen "thinking of you" notes from partnerships that still stand,
    newest first."""
    return (
        PartnerNote.objects.filter(
            owner=owner, seen_at__isnull=True, partnership__revoked_at__isnull=True
        )
        .select_related("partnership")
        .order_by("-created_at", "-pk")
    )


def unseen_notes(owner: User) -> list[PartnerNote]:
    """The newest unseen notes, as many as Today shows (one query)."""
    return list(partner_notes(owner)[:MOST_NOTES])


def mark_note_seen(note: PartnerNote) -> None:
    """ "Thank you, got it": the note leaves Today, and any reminder about it."""
    if note.seen_at is None:
        with transaction.atomic():
            PartnerNote.objects.filter(pk=note.pk, owner=note.owner_id).update(
                seen_at=timezone.now()
            )
            reschedule(note.owner_id, "partner_note", note.pk)


def waiting(owner: User) -> QuerySet[InteractionPerson]:
    """What I sent, marked as waiting for a reply, with no contact from them since
    (on or after it): one row per person it went to, newest first."""
    answered = InteractionPerson.objects.filter(
        owner=owner,
        person_id=OuterRef("person_id"),
        interaction__deleted_at__isnull=True,
        interaction__initiated_by=Initiator.THEM,
        happened_at__gte=OuterRef("happened_at"),
    )
    return (
        InteractionPerson.objects.filter(
            owner=owner,
            interaction__deleted_at__isnull=True,
            interaction__initiated_by=Initiator.ME,
            interaction__awaiting_reply=True,
        )
        .exclude(Exists(answered))
        .select_related("person", "interaction")
        .order_by("-happened_at", "-interaction_id", "person_id")
    )


# --- Ideas and kept words ------------------------------------------------------------------


def hide_idea(owner: User, idea: Idea) -> None:
    """Today stops offering the idea, including any open suggestion of it today."""
    HiddenIdea.objects.get_or_create(owner=owner, idea=idea)


def show_idea(owner: User, idea: Idea) -> bool:
    """Offer a hidden idea again; False when it wasn't hidden."""
    deleted, _by_model = HiddenIdea.objects.filter(owner=owner, idea=idea).delete()
    return bool(deleted)


def toggle_idea(owner: User, idea: Idea) -> None:
    """Show the idea again when it is hidden, else hide it."""
    if not show_idea(owner, idea):
        hide_idea(owner, idea)


def delete_saved_message(owner: User, pk: int) -> bool:
    """Remove one of the owner's kept messages; False when there is none with that id."""
    deleted, _by_model = SavedMessage.objects.filter(owner=owner, pk=pk).delete()
    return bool(deleted)
