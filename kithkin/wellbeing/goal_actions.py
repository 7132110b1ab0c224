"""Writes to goals beyond their form: setting one aside and bringing it back, and
setting days aside (rest, illness, travel) or counting them as usual again.

The goal pages and /api/v1/goals call these, so both do exactly the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.wellbeing import goals as progress
from kithkin.wellbeing.goal_forms import SkipForm
from kithkin.wellbeing.models import Goal, GoalSkip

# A run of days counted as usual again at once: at most this long (days set aside over years).
MAX_RUN_DAYS = 3660


def set_aside(goal: Goal) -> None:
    """Set the goal aside with its score kept (nothing when it already is)."""
    if goal.archived_at is None:
        goal.archived_at = timezone.now()
        goal.save(update_fields=["archived_at"])


@transaction.atomic
def bring_back(goal: Goal, owner: User, today: date) -> None:
    """Bring a set-aside goal back: the days it spent set aside become days of rest,
    so the score is as it was left. Nothing when it isn't set aside."""
    if goal.archived_at is None:
        return
    rest = progress.set_aside_days(timezone.localtime(goal.archived_at, owner.zone).date(), today)
    GoalSkip.objects.bulk_create(
        [GoalSkip(owner=owner, goal=goal, day=d) for d in rest], ignore_conflicts=True
    )
    goal.archived_at = None
    goal.save(update_fields=["archived_at"])


def skip_form(goal: Goal, owner: User, data: Mapping[str, Any] | None, today: date) -> SkipForm:
    """The form that checks a day to set aside: from the day the goal began up to
    two weeks ahead."""
    return SkipForm(data, began=progress.start_day(goal, owner.zone), today=today)


def set_day_aside(goal: Goal, day: date) -> bool:
    """Set a day aside for the goal: its score stays as it is that day. True when the
    day is newly set aside, False when it already was."""
    _skip, created = GoalSkip.objects.get_or_create(owner_id=goal.owner_id, goal=goal, day=day)
    return created


def run_fits(day: date, through: date) -> bool:
    """Whether the days from `day` to `through` can be counted as usual at once:
    `through` on or after `day`, at most MAX_RUN_DAYS after it."""
    return day <= through <= day + timedelta(days=MAX_RUN_DAYS)


def count_as_usual(goal: Goal, day: date, through: date | None = None) -> int:
    """Count a day set aside (or every one from `day` to `through`) as usual again.
    How many days were set aside."""
    deleted, _by_model = GoalSkip.objects.filter(
        owner=goal.owner_id, goal=goal, day__gte=day, day__lte=through or day
    ).delete()
    return deleted
