"""A person's own safety plan, and the days they asked for support."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User


class SafetyPlan(models.Model):
    """A personal safety plan in the Stanley-Brown structure (Stanley & Brown 2012).

    Optional and private: only its owner ever sees it.
    """

    owner = models.OneToOneField(User, models.CASCADE, related_name="safety_plan")
    warning_signs = models.TextField(_("Warning signs that a hard time may be coming"), blank=True)
    coping = models.TextField(_("Things I can do on my own to feel a little better"), blank=True)
    distractions = models.TextField(_("People and places that take my mind off things"), blank=True)
    helpers = models.TextField(_("People I can ask for help"), blank=True)
    professionals = models.TextField(_("Professionals and services I can contact"), blank=True)
    safe_environment = models.TextField(_("Making where I am safer"), blank=True)
    reasons = models.TextField(_("What matters most to me"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"safety plan of {self.owner_id}"


class HardDay(models.Model):
    """A day the person tapped "I'm struggling", or set the support card aside.

    Today shows a warm support card on a day they asked, or after three days
    running at the lowest mood; `dismissed_at` puts it away for that day.
    """

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    day = models.DateField()
    asked = models.BooleanField(default=False)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "day"], name="hard_day_once")]

    def __str__(self) -> str:
        return f"{self.day}"
