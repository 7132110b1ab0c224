"""Writes to reminder settings and channels that change when reminders fire."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from kithkin.accounts.models import User
from kithkin.nudges.forms import ReminderSettingsForm
from kithkin.nudges.hooks import reschedule
from kithkin.nudges.models import NudgeSettings


def settings_for(owner: User) -> NudgeSettings:
    """The person's settings, unsaved defaults if they never chose any."""
    return NudgeSettings.objects.filter(owner=owner).first() or NudgeSettings(owner=owner)


def do_save_settings(owner: User, form: ReminderSettingsForm) -> NudgeSettings:
    """Save reminder settings and move every reminder they touch, in one transaction."""
    from kithkin.plans.models import Plan

    with transaction.atomic():
        saved = form.save()
        reschedule(owner.pk, "daily", 0)
        # Plan reminders on or off: every plan of theirs that asks for one.
        plan_ids = (
            Plan.objects.filter(Q(owner=owner) | Q(guests__owner=owner))
            .filter(ended_at__isnull=True, remind_minutes__isnull=False)
            .values_list("pk", flat=True)
            .distinct()
        )
        for plan_id in plan_ids:
            reschedule(owner.pk, "plan", plan_id)
    return saved
