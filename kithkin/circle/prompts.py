"""Open-ended questions for a person's page: prompts to listen, not scripts."""

from __future__ import annotations

import hashlib
from datetime import date

from django.utils.translation import gettext_lazy as _

GENERAL = [
    _("What has been taking up most of your headspace lately?"),
    _("What's something small that made you smile this week?"),
    _("What are you looking forward to, even a little?"),
    _("How have you been sleeping — and what helps?"),
    _("What's something you've been meaning to try?"),
    _("Who or what has been good company for you recently?"),
    _("What was the best part of your weekend?"),
    _("Is there anything you'd like a hand with at the moment?"),
    _("What's been harder than usual lately?"),
    _("What did you think of the last thing you read, watched or listened to?"),
    _("What would a really good day look like for you right now?"),
    _("What do you miss about how things used to be?"),
]
ABOUT_INTEREST = _("How is %(interest)s going these days?")


def for_person(
    person_id: int,
    interests: list[str],
    today: date,
    count: int = 3,
    avoid: list[str] | None = None,
) -> list[str]:
    """A few questions, the same all week for one person, different next week.

    An interest that touches one of their topics to avoid is never asked about.
    """
    blocked = [t.casefold() for t in avoid or [] if t.strip()]
    interests = [
        i for i in interests if not any(t in i.casefold() or i.casefold() in t for t in blocked)
    ]
    week = today.isocalendar()
    seed = hashlib.sha256(f"{person_id}:{week.year}:{week.week}".encode()).digest()
    start = seed[0] % len(GENERAL)
    chosen = [str(GENERAL[(start + i * 5) % len(GENERAL)]) for i in range(count)]
    if interests:
        interest = interests[seed[1] % len(interests)]
        chosen[0] = str(ABOUT_INTEREST) % {"interest": interest}
    return chosen
