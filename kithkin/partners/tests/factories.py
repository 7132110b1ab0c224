"""Small helpers for partner tests: a partnership, and a person with one row of
everything that can be shared, each with words that appear nowhere else."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.partners.models import Partnership, ShareItem
from kithkin.plans.models import Plan
from kithkin.wellbeing.models import CheckIn, Goal, Measure

NOW = datetime(2025, 6, 11, 12, 0, tzinfo=UTC)  # Wednesday, 13:00 in London
TODAY = date(2025, 6, 11)
SECRET_NOTE = "Private thought about the dentist"
SECRET_TAG = "hidden-tag-xyz"

# What each shared item puts on the partner's page; none of these appear otherwise.
PAGE_MARKERS: dict[str, str] = {
    ShareItem.MOOD: "Very good",
    ShareItem.ENERGY: "Running low",
    ShareItem.SLEEP: "7.5",
    ShareItem.MEANINGFUL: "Something meaningful",
    ShareItem.CONNECTED: "Quite connected",
    ShareItem.GOALS: "Walk with Jo weekly",
    ShareItem.MEASURES: "WHO-5",
    ShareItem.PLANS: "Choir practice",
}
# Where each item's data sits in the API's answer: keys of each check-in day, or
# a top-level key.
DAY_KEYS: dict[str, tuple[str, ...]] = {
    ShareItem.MOOD: ("mood",),
    ShareItem.ENERGY: ("energy",),
    ShareItem.SLEEP: ("sleep_hours", "rested"),
    ShareItem.MEANINGFUL: ("meaningful",),
    ShareItem.CONNECTED: ("connected",),
}
TOP_KEYS: dict[str, str] = {
    ShareItem.GOALS: "goals",
    ShareItem.MEASURES: "measures",
    ShareItem.PLANS: "plans",
}


def partnership(
    owner: User, partner: User | None = None, shares: list[str] | None = None, **extra: object
) -> Partnership:
    extra.setdefault("name", "Sam")
    if partner is not None:
        extra.setdefault("accepted_at", timezone.now())
    return Partnership.objects.create(owner=owner, partner=partner, shares=shares or [], **extra)


def everything(owner: User) -> None:
    """Yesterday's check-in, a goal, both questionnaires and a plan tomorrow."""
    yesterday = TODAY - timedelta(days=1)
    CheckIn.objects.create(
        owner=owner,
        day=yesterday,
        mood=5,
        energy="low",
        sleep_hours=Decimal("7.5"),
        rested=4,
        meaningful=True,
        connected=4,
        note=SECRET_NOTE,
        tags=[SECRET_TAG],
    )
    Goal.objects.create(
        owner=owner,
        title="Walk with Jo weekly",
        measure="checkin",
        created_at=datetime(2025, 6, 1, 8, tzinfo=UTC),
    )
    Measure.objects.create(
        owner=owner, kind="who5", taken_on=yesterday, answers=[2, 2, 2, 2, 2], score=40
    )
    Measure.objects.create(
        owner=owner, kind="ucla3", taken_on=yesterday, answers=[2, 2, 2], score=6, direct=4
    )
    Plan.objects.create(
        owner=owner,
        title="Choir practice",
        start_date=TODAY + timedelta(days=1),
        start_time=time(19, 0),
        timezone="Europe/London",
    )
