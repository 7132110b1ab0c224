"""The suggestion engine: who, what and why, for today's energy.

Pure: plain data in, plain data out; no ORM, no request, no clock. The caller
takes a snapshot of the circle (`Snapshot`), the engine returns ranked `Pick`s
with the reasons for each, and the caller words the reasons for the person.

The same snapshot and seed always give the same picks.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

ENERGIES = ("low", "some", "good")
# Richer channels, a step at a time (a text, then a voice note, a call, meeting up).
LADDER = {"text": 0, "social": 0, "letter": 1, "voice": 1, "call": 2, "video": 2, "in_person": 3}
# While a message of mine waits for an answer, don't nudge them again for this long.
WAITING_GRACE = timedelta(days=10)
# Enough feelings logged to call someone draining rather than a bad evening.
MIN_FEELINGS_TO_JUDGE = 4
DRAINING = 0.35
MAX_LIMIT = 3


@dataclass(frozen=True)
class PersonSnap:
    id: int
    name: str
    ring: int
    cadence_days: int
    channels: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    quiet_start: time | None = None
    quiet_end: time | None = None
    quiet_days: tuple[int, ...] = ()  # 0 = Monday
    min_days_between: int | None = None
    paused_until: date | None = None
    archived: bool = False
    last_contact_at: datetime | None = None  # aware; any direction
    next_due_at: datetime | None = None
    reply_owed_since: datetime | None = None  # they wrote, I haven't answered
    waiting_since: datetime | None = None  # I wrote, they haven't answered
    lifted: int = 0
    neutral: int = 0
    drained: int = 0


@dataclass(frozen=True)
class IdeaSnap:
    slug: str
    effort: str  # tiny | small | main
    energies: frozenset[str]
    target: str  # person | community | stranger | self
    channel: str
    kind: str
    time_of_day: str | None = None  # morning | afternoon | evening
    situation: str | None = None


@dataclass(frozen=True)
class Past:
    """An earlier suggestion and what became of it."""

    day: date
    idea: str
    kind: str
    energy: str
    person_id: int | None
    outcome: str  # done | not_today | give_space | another | "" (no answer)
    feeling: str = ""  # lifted | neutral | drained | ""


@dataclass(frozen=True)
class Snapshot:
    now: datetime  # the person's local time, aware
    energy: str
    people: Sequence[PersonSnap]
    ideas: Sequence[IdeaSnap]
    history: Sequence[Past] = ()
    own_quiet_start: time | None = None
    own_quiet_end: time | None = None
    own_quiet_days: tuple[int, ...] = ()
    exclude: frozenset[tuple[int | None, str]] = frozenset()  # (person, idea) already shown


@dataclass(frozen=True)
class Reason:
    code: str
    data: dict[str, object] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Pick:
    person_id: int | None
    idea: str
    score: float
    reasons: tuple[Reason, ...]


def in_quiet(now: datetime, start: time | None, end: time | None, days: Sequence[int]) -> bool:
    """Inside quiet hours (which may wrap past midnight) or on a quiet day."""
    if now.weekday() in days:
        return True
    if start is None or end is None or start == end:
        return False
    t = now.time().replace(tzinfo=None)
    return start <= t < end if start < end else (t >= start or t < end)


def lift_share(p: PersonSnap) -> float:
    """How often time with them leaves the person lifted, smoothed towards even
    (a Beta(2, 2) prior), so one bad evening doesn't condemn a friend."""
    total = p.lifted + p.neutral + p.drained
    return (p.lifted + 0.5 * p.neutral + 2) / (total + 4)


def is_draining(p: PersonSnap) -> bool:
    return p.lifted + p.neutral + p.drained >= MIN_FEELINGS_TO_JUDGE and lift_share(p) < DRAINING


def allowed(p: PersonSnap, snap: Snapshot, *, mind_waiting: bool = True) -> bool:
    """Every hard constraint about a person, in one place."""
    today = snap.now.date()
    if p.archived:
        return False
    if p.paused_until is not None and p.paused_until >= today:
        return False
    if in_quiet(snap.now, p.quiet_start, p.quiet_end, p.quiet_days):
        return False
    if p.min_days_between:
        pace = timedelta(days=p.min_days_between)
        if p.last_contact_at is not None and snap.now - p.last_contact_at < pace:
            return False
        # Suggested on an earlier day within their pace (and not turned down):
        # not again yet. Today's own suggestions may be shown again.
        if any(
            past.person_id == p.id
            and past.day != today
            and (today - past.day).days < p.min_days_between
            and past.outcome in ("", "done")
            for past in snap.history
        ):
            return False
    return not mind_waiting or waiting_ok(p, snap.now)


def waiting_ok(p: PersonSnap, now: datetime) -> bool:
    return p.waiting_since is None or now - p.waiting_since >= WAITING_GRACE


def channel_ok(p: PersonSnap, idea: IdeaSnap) -> bool:
    return not p.channels or idea.channel in p.channels


def is_reply(idea: IdeaSnap) -> bool:
    """An idea that answers them (its words are a reply), whatever its kind."""
    return idea.situation == "reply"


def lifts(p: PersonSnap) -> bool:
    """Worth saying "you usually feel lifted": enough feelings, and most of them lifted."""
    total = p.lifted + p.neutral + p.drained
    return total >= MIN_FEELINGS_TO_JUDGE and p.lifted > p.neutral + p.drained


def energy_ok(idea: IdeaSnap, energy: str) -> bool:
    if energy not in idea.energies:
        return False
    return idea.effort == "tiny" if energy == "low" else True


def _sample_idea_kinds(snap: Snapshot, rng: random.Random) -> dict[str, float]:
    """Thompson sampling: a draw from each idea kind's Beta posterior of "done, and
    not drained" at this energy level. Kinds never tried start at Beta(1, 1)."""
    wins: dict[str, float] = {}
    losses: dict[str, float] = {}
    for past in snap.history:
        if past.energy != snap.energy or not past.outcome:
            continue
        if past.outcome == "done":
            good = {"lifted": 1.0, "neutral": 0.7, "drained": 0.2}.get(past.feeling, 0.8)
            wins[past.kind] = wins.get(past.kind, 0) + good
            losses[past.kind] = losses.get(past.kind, 0) + (1 - good)
        elif past.outcome in ("not_today", "another"):
            losses[past.kind] = losses.get(past.kind, 0) + 1
    kinds = sorted({i.kind for i in snap.ideas})
    return {k: rng.betavariate(1 + wins.get(k, 0), 1 + losses.get(k, 0)) for k in kinds}


def rank(snap: Snapshot, *, seed: int, limit: int = 3) -> list[Pick]:
    """Up to `limit` suggestions, best first.

    1. Keep ideas that fit today's energy (low energy: tiny steps only) and the
       time of day; people who pass every hard constraint.
    2. People: replies owed first; then people past their rhythm, weighted by how
       often they leave the person lifted; draining people are not pushed.
    3. Pair each person with the idea kind that sampling favours, on a channel
       they use, a step up the channel ladder on good days.
    4. Variety: nobody suggested yesterday again (unless a reply is owed), idea
       kinds used lately count less, and a community, stranger or self idea is
       mixed in now and then — always when nobody fits.
    5. At most one suggestion per person; at most `limit` (1 to 3).
    """
    limit = max(1, min(limit, MAX_LIMIT))
    rng = random.Random(seed)  # noqa: S311 - variety, not security
    today = snap.now.date()
    part = part_of_day(snap.now)
    ideas = sorted(
        (i for i in snap.ideas if energy_ok(i, snap.energy) and (i.time_of_day in (None, part))),
        key=lambda i: i.slug,
    )
    kind_draw = _sample_idea_kinds(snap, rng)
    recent_kinds = {p.kind for p in snap.history if 0 < (today - p.day).days <= 3}
    yesterday = {p.person_id for p in snap.history if (today - p.day).days == 1}
    own_quiet = in_quiet(snap.now, snap.own_quiet_start, snap.own_quiet_end, snap.own_quiet_days)

    def idea_score(idea: IdeaSnap) -> float:
        score = kind_draw.get(idea.kind, 0.5)
        if idea.kind in recent_kinds:
            score *= 0.6
        return score

    person_ideas = [i for i in ideas if i.target == "person"]
    excluded_people = {pid for pid, _slug in snap.exclude if pid is not None}
    # People with the same channels, reply state and ladder rung get the same idea;
    # with thousands of people this keeps the engine to a few milliseconds.
    ranked_for: dict[tuple[tuple[str, ...], bool, int], list[IdeaSnap]] = {}

    def ranked_ideas(p: PersonSnap, owed: bool) -> list[IdeaSnap]:
        """The ideas that fit this person, best first."""
        usual = min((LADDER.get(c, 0) for c in p.channels), default=0)
        key = (p.channels, owed, usual)
        if p.id not in excluded_people and key in ranked_for:
            return ranked_for[key]
        fits = [i for i in person_ideas if channel_ok(p, i) and (p.id, i.slug) not in snap.exclude]
        # A reply owed gets a reply idea when one fits their channels; otherwise
        # any idea for a person will do. Everyone else gets the non-reply ideas.
        choices = [i for i in fits if is_reply(i) == owed] or (fits if owed else [])
        step = _ladder_bonus(p, snap.energy)
        found = sorted(choices, key=lambda i: (-(idea_score(i) + step(i)), i.slug))
        if p.id not in excluded_people:
            ranked_for[key] = found
        return found

    picks: list[Pick] = []
    options: dict[int, list[IdeaSnap]] = {}
    people = sorted(snap.people, key=lambda p: p.id)
    blocked_by_waiting = False
    if not own_quiet:
        for p in people:
            if not allowed(p, snap):
                # Note when waiting for their answer is the only thing in the way.
                blocked_by_waiting |= not waiting_ok(p, snap.now) and allowed(
                    p, snap, mind_waiting=False
                )
                continue
            owed = p.reply_owed_since is not None
            due = p.next_due_at is not None and p.next_due_at <= snap.now
            # Someone added but with nothing logged yet isn't due, but is welcome in
            # a spare place: otherwise a first day would offer nobody from the circle.
            new = not due and p.last_contact_at is None
            if not owed and not due and not new:
                continue
            if not owed and p.id in yesterday:
                continue
            if not owed and is_draining(p):
                continue
            ranked_here = ranked_ideas(p, owed)
            if not ranked_here:
                continue
            idea = ranked_here[0]
            options[p.id] = ranked_here
            reasons: list[Reason] = []
            share = lift_share(p)
            score: float
            if owed:
                assert p.reply_owed_since is not None  # noqa: S101 - owed
                # Far above any drift score: a reply owed always comes first.
                score = 1000 + min((snap.now - p.reply_owed_since).days, 365)
                reasons.append(Reason("reply_owed", {"since": p.reply_owed_since}))
            elif new:
                # Below anyone due (their least is 25; an idea's draw adds at most 10).
                score = 0.0
                reasons.append(Reason("not_logged_yet"))
            else:
                assert p.next_due_at is not None  # noqa: S101 - due
                past_due = (snap.now - p.next_due_at) / timedelta(days=p.cadence_days)
                score = 50 + 20 * min(past_due, 3.0)
                score *= 0.5 + share
                reasons.append(Reason("been_a_while", {"since": p.last_contact_at}))
            if lifts(p):
                reasons.append(Reason("lifts_you", {"share": share}))
            reasons.append(Reason("fits_energy", {"energy": snap.energy, "effort": idea.effort}))
            score += 10 * idea_score(idea) + rng.random()  # a tie-breaker, seeded
            picks.append(Pick(p.id, idea.slug, round(score, 6), tuple(reasons)))

    picks.sort(key=lambda k: (-k.score, k.person_id or 0, k.idea))
    by_slug = {i.slug: i for i in ideas}
    picks = _vary_kinds(picks[:limit], options, by_slug)

    # Someone outside the circle (or the person themself) now and then, and
    # always when nobody in the circle fits right now.
    others = [
        i
        for i in ideas
        if i.target != "person"
        and (None, i.slug) not in snap.exclude
        and not (own_quiet and i.target != "self")
    ]
    want_other = not picks or (len(picks) >= limit and rng.random() < 0.35) or len(picks) < limit
    if others and want_other:
        low_day = snap.energy == "low" or own_quiet or blocked_by_waiting
        pool = [i for i in others if i.target == "self"] if low_day and not picks else others
        pool = pool or others
        # It takes the last place when the page is full. Of a kind not already on
        # the page when one fits (a stranger's compliment next to a friend's reads
        # like a to-do list too).
        kept = picks[: limit - 1]
        used = {by_slug[k.idea].kind for k in kept}
        idea = max(pool, key=lambda i: (i.kind not in used, idea_score(i), i.slug))
        reasons = [Reason(f"target_{idea.target}")]
        if blocked_by_waiting and not picks:
            reasons.insert(0, Reason("waiting_on_replies"))
        reasons.append(Reason("fits_energy", {"energy": snap.energy, "effort": idea.effort}))
        picks = [*kept, Pick(None, idea.slug, 0.0, tuple(reasons))]
    return picks


def _vary_kinds(
    picks: list[Pick], options: dict[int, list[IdeaSnap]], by_slug: dict[str, IdeaSnap]
) -> list[Pick]:
    """No two suggestions on one page of the same kind of idea when another fits:
    three "thank someone" cards read like a to-do list."""
    used: set[str] = set()
    varied = []
    for pick in picks:
        kind = by_slug[pick.idea].kind
        if kind in used and pick.person_id is not None:
            other = next((i for i in options.get(pick.person_id, []) if i.kind not in used), None)
            if other is not None:
                pick = replace(pick, idea=other.slug)
                kind = other.kind
        used.add(kind)
        varied.append(pick)
    return varied


def part_of_day(now: datetime) -> str:
    return "morning" if now.hour < 12 else "afternoon" if now.hour < 18 else "evening"


def _ladder_bonus(p: PersonSnap, energy: str) -> Callable[[IdeaSnap], float]:
    """On good days, a little more for the next richer channel than the one they
    are usually reached on; on other days, a little more for lighter ones."""
    usual = min((LADDER.get(c, 0) for c in p.channels), default=0)

    def bonus(idea: IdeaSnap) -> float:
        rung = LADDER.get(idea.channel, 0)
        if energy == "good":
            return 0.3 if rung == usual + 1 else 0.1 if rung > usual else 0.0
        if energy == "low":
            return 0.2 if rung == 0 else 0.0
        return 0.1 if rung <= usual + 1 else 0.0

    return bonus
