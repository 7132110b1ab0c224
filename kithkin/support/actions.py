"""What the support page, Today's support card and /api/v1/support share:
the person's own country's helplines, words and links to write to someone they
trust, "I'm struggling", and putting the card away for the day."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.support import card, helplines
from kithkin.support.models import HardDay, SafetyPlan
from kithkin.today.models import SavedMessage

# The support page stays short and quick: a handful of people, a few messages.
MOST_TRUSTED = 12
MOST_SAVED = 10


def own_country(user: User) -> helplines.Country | None:
    """The person's country (from Settings, else their time zone), when it is listed."""
    data = helplines.load()
    return data.by_code(user.country) or data.guess(user.timezone)


def message_someone(owner: User) -> dict[str, Any]:
    """The owner's trusted people, each with links to write to them, first with
    their first saved message (or a few plain words), then with each of the others."""
    people = list(card.trusted(owner)[:MOST_TRUSTED])
    saved = list(SavedMessage.objects.filter(owner=owner)[:MOST_SAVED]) if people else []
    words = saved[0].text if saved else str(card.DEFAULT_WORDS)
    return {
        "trusted": [card.reach(p, words) for p in people],
        "words": words,
        "own_words": bool(saved),
        "other_words": [
            {"m": m, "people": [card.reach(p, m.text) for p in people]} for m in saved[1:]
        ],
    }


def record_struggling(owner: User, day: date) -> None:
    """ "I'm struggling": Today keeps the support card close for the rest of the day,
    even if it was put away. Nobody is told."""
    HardDay.objects.update_or_create(
        owner=owner, day=day, defaults={"asked": True, "dismissed_at": None}
    )


def dismiss_card(owner: User, day: date) -> None:
    """Put the support card away for the day."""
    HardDay.objects.update_or_create(
        owner=owner, day=day, defaults={"dismissed_at": timezone.now()}
    )


def keep_safety_plan(owner: User, steps: dict[str, Any]) -> tuple[SafetyPlan, bool]:
    """Write or rewrite the owner's safety plan from its form's cleaned steps; True when
    it is new. Two saves at once still leave one plan."""
    return SafetyPlan.objects.update_or_create(owner=owner, defaults=steps)
