"""Accountability partners: someone the person chose, who sees only what they chose.

Every row is owned by the person who shares (`owner`). The partner reaches a
partnership only through `Partnership.partner` (an account on this server) and
only while it is not revoked; nothing here is shared by default.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User, hash_secret


class ShareItem(models.TextChoices):
    MOOD = "mood", _("Mood from check-ins")
    ENERGY = "energy", _("Energy from check-ins")
    SLEEP = "sleep", _("Sleep from check-ins")
    MEANINGFUL = "meaningful", _("Whether you did something meaningful")
    CONNECTED = "connected", _("How connected you felt")
    GOALS = "goals", _("How your gentle goals are going")
    MEASURES = "measures", _("Loneliness and wellbeing questionnaire results")
    PLANS = "plans", _("Your plans this week")


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def active(self) -> PartnershipQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_partner(self, user: User) -> PartnershipQuerySet:
        """Partnerships where `user` is the partner: the only way a partner reaches one."""
        return self.active().filter(partner=user, accepted_at__isnull=False)


class Partnership(models.Model):
    owner = models.ForeignKey(User, models.CASCADE, related_name="partnerships")
    # The partner's account on this server, once they accepted the invitation.
    # If the partner deletes their account, the person's row stays, unlinked.
    partner = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="partner_of"
    )
    name = models.CharField(_("what you call them"), max_length=100)
    # For a partner without an account: an opt-in weekly summary by email.
    email = models.EmailField(_("their email"), blank=True)
    weekly_email = models.BooleanField(_("send them a weekly summary by email"), default=False)
    # ShareItem values the person ticked; empty means nothing is shared.
    shares = models.JSONField(default=list, blank=True)
    # Opt-in alerts, each with the consent time recorded.
    alert_no_checkin_days = models.PositiveSmallIntegerField(null=True, blank=True)
    alert_low_mood_days = models.PositiveSmallIntegerField(null=True, blank=True)
    alert_consent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(partner=models.F("owner")), name="partnership_not_self"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def shares_item(self, item: str) -> bool:
        return item in (self.shares or [])

    @property
    def reachable(self) -> bool:
        """Whether Kithkin has a way to tell the partner anything: their account here,
        or the email the person gave with the weekly email turned on (an address
        alone was never agreed to be written to). The reminder worker uses the same
        rule (nudges.schedule._reachable, nudges.worker.partner_targets)."""
        return bool(self.partner_id and self.accepted_at) or bool(self.email and self.weekly_email)


class PartnerInviteManager(models.Manager["PartnerInvite"]):
    def create_invite(self, partnership: Partnership, days: int = 7) -> tuple[PartnerInvite, str]:
        plain = secrets.token_urlsafe(24)
        invite = self.create(
            owner=partnership.owner,
            partnership=partnership,
            token_hash=hash_secret(plain),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return invite, plain

    def usable(self, plain: str) -> PartnerInvite | None:
        if not plain:
            return None
        return (
            self.select_related("partnership", "owner")
            .filter(
                token_hash=hash_secret(plain),
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
                partnership__revoked_at__isnull=True,
            )
            .first()
        )


class PartnerInvite(models.Model):
    """A single-use, expiring link that makes someone a partner."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerInviteManager()

    def __str__(self) -> str:
        return f"partner invite {self.pk}"


class PartnerNote(models.Model):
    """A short "thinking of you" from a partner; shown on the person's Today."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="partner_notes")
    partnership = models.ForeignKey(Partnership, models.CASCADE, related_name="notes")
    text = models.CharField(_("message"), max_length=280)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Today reads the unseen notes of one person.
            models.Index(
                fields=["owner", "created_at"],
                name="partnernote_unseen",
                condition=Q(seen_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.text


class PartnerLook(models.Model):
    """When the partner opened the shared view: the person can always see this log."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, models.CASCADE, related_name="looks")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["owner", "at"], name="partnerlook_owner_at")]

    def __str__(self) -> str:
        return f"looked at {self.at:%Y-%m-%d %H:%M}"
