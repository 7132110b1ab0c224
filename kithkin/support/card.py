"""The warm support card on Today: when it shows, and what it offers.

It shows on a day the person tapped "I'm struggling", or when their latest
check-ins are three days running at the lowest mood (wellbeing.scoring.hard_stretch),
unless they put it away for the day. It never blocks anything, never names a
condition and never contacts anyone: it offers the support page, one tiny kind
step, and one-tap links that open the person's own apps to write to someone they
trust.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User
from kithkin.circle.models import Person
from kithkin.support.models import HardDay
from kithkin.today import drafts
from kithkin.today.models import SavedMessage
from kithkin.wellbeing import scoring
from kithkin.wellbeing.models import CheckIn

# Words offered when the person hasn't written any of their own for tough days.
DEFAULT_WORDS = _(
    "I'm having a hard time today. Could you call me, or just stay with me by message for a bit?"
)

# Small, kind things that ask almost nothing. One a day, the same all day.
KIND_STEPS: tuple[Promise, ...] = (
    _("Drink a glass of water, slowly."),
    _("Stand by a window for two minutes and let your eyes rest on something far away."),
    _("Breathe in, then breathe out a little longer. Three times is plenty."),
    _("Wrap yourself in something warm: a jumper, a blanket, a hot drink in both hands."),
    _("Open a door or a window and take a minute of fresh air."),
    _("Put on one song you like, and let it play to the end."),
    _("Wash your face or your hands with warm water."),
    _("Eat something small: a piece of fruit, some toast, a handful of nuts."),
)

# Today's stretch is read from this many days (today and the ones before): enough
# for three days running that end today or yesterday.
LOOKBACK_DAYS = scoring.HARD_STRETCH_DAYS + 1
# Enough people to choose from without turning the card into a list.
MOST_PEOPLE = 5


def kind_step(day: date) -> str:
    """Today's small kind step: the same all day, a different one tomorrow."""
    return str(KIND_STEPS[day.toordinal() % len(KIND_STEPS)])


def should_show(*, asked: bool, dismissed: bool, moods: dict[date, int], today: date) -> bool:
    if dismissed:
        return False
    return asked or scoring.hard_stretch(moods, today)


@dataclass(frozen=True)
class Reach:
    """One trusted person and links that open the person's own apps to write to them."""

    person: Person
    sms: str
    email: str | None  # only when an address is known


def reach(person: Person, text: str) -> Reach:
    """Links to write `text` to `person`: a text message (to their number when
    known) and an email when an address is known. Nothing is sent by Kithkin."""
    phone = person.phones[0] if person.phones else None
    address = person.emails[0] if person.emails else None
    links = drafts.share_links(text, phone=phone, email=address)
    return Reach(person=person, sms=links["sms"], email=links["email"] if address else None)


def trusted(owner: User) -> QuerySet[Person]:
    """The people the owner marked as someone they trust on hard days, still in
    their circle, closest first."""
    return (
        Person.objects.filter(owner=owner, trusted=True, archived_at__isnull=True)
        .only("pk", "name", "ring", "phones", "emails")
        .order_by("ring", "name", "pk")
    )


@dataclass(frozen=True)
class Card:
    day: date  # the person's own day it is for
    asked: bool
    step: str
    words: str
    own_words: bool  # the words are one of the person's saved messages
    people: list[Reach] = field(default_factory=list)


def _state(owner: User, today: date) -> tuple[bool, bool, dict[date, int]]:
    """Whether they asked today, whether they put the card away today, and their
    moods over the last few days, read in one small query: each value is a
    subquery on a unique (owner, day) row, gathered onto the owner's own row."""
    days = [today - timedelta(days=i) for i in range(LOOKBACK_DAYS)]
    hard_day = HardDay.objects.filter(owner=owner, day=today)
    moods = {
        f"mood_{i}": Subquery(CheckIn.objects.filter(owner=owner, day=d).values("mood")[:1])
        for i, d in enumerate(days)
    }
    row = cast(
        "dict[str, Any]",
        User.objects.filter(pk=owner.pk)
        .values(
            asked=Subquery(hard_day.values("asked")[:1]),
            dismissed=Subquery(hard_day.values("dismissed_at")[:1]),
            **moods,
        )
        .get(),
    )
    by_day = {d: row[f"mood_{i}"] for i, d in enumerate(days) if row[f"mood_{i}"] is not None}
    return bool(row["asked"]), row["dismissed"] is not None, by_day


def for_today(owner: User, today: date) -> Card | None:
    """The card for Today, or None when it isn't called for.

    One query when it doesn't show; one more when it does (the trusted people,
    each carrying the first of the owner's saved messages for tough days)."""
    asked, dismissed, moods = _state(owner, today)
    if not should_show(asked=asked, dismissed=dismissed, moods=moods, today=today):
        return None
    first_saved = SavedMessage.objects.filter(owner=OuterRef("owner")).order_by("label", "pk")
    people = list(
        trusted(owner).annotate(saved=Subquery(first_saved.values("text")[:1]))[:MOST_PEOPLE]
    )
    saved = people[0].saved if people else None
    words = saved or str(DEFAULT_WORDS)
    return Card(
        day=today,
        asked=asked,
        step=kind_step(today),
        words=words,
        own_words=bool(saved),
        people=[reach(p, words) for p in people],
    )
