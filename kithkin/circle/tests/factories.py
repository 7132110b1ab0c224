"""Small helpers to set up a circle in tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle import actions
from kithkin.circle.models import Interaction, Person, Ring


def person(owner: User, name: str, ring: int = Ring.WIDER, **extra: object) -> Person:
    return actions.do_save_person(Person(owner=owner, name=name, ring=ring, **extra))


def contact(owner: User, people: list[Person], days_ago: float = 0, **extra: object) -> Interaction:
    extra.setdefault("happened_at", timezone.now() - timedelta(days=days_ago))
    extra.setdefault("channel", "text")
    return actions.do_log_interaction(owner, people, **extra)  # type: ignore[arg-type]
