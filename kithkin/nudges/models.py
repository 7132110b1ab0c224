"""Gentle reminders: what a person asked for, where to send it, and what was sent.

The worker (`kithkin worker`, see `worker.py`) never scans people. Every
reminder that can fire has a `Reminder` row whose `next_at` is kept up to date
by the writes that change it, so "what is due" is one indexed range query.
Each firing is recorded once as a `Delivery` with a unique (owner, kind, slot).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User


class NudgeSettings(models.Model):
    """A person's reminder choices. No row means no reminders at all."""

    owner = models.OneToOneField(User, models.CASCADE, related_name="nudge_settings")
    # Local time for the daily "one small step"; empty turns it off.
    daily_at = models.TimeField(_("daily reminder at"), null=True, blank=True)
    # No reminders up to and including this day.
    paused_until = models.DateField(_("pause reminders until"), null=True, blank=True)
    # "At most one reminder a day unless the person asks for more."
    per_day = models.PositiveSmallIntegerField(_("reminders a day at most"), default=1)
    plan_reminders = models.BooleanField(_("remind me of plans"), default=True)
    partner_notes = models.BooleanField(_("tell me when a partner thinks of me"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"reminder settings of {self.owner_id}"


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Email")
    APPRISE = "apprise", _("Notification service")
    PUSH = "push", _("This device (web push)")


class Channel(models.Model):
    """Somewhere a person's reminders go: an email address, an apprise URL, a push subscription."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="nudge_channels")
    kind = models.CharField(max_length=7, choices=ChannelKind.choices)
    label = models.CharField(_("name"), max_length=100, blank=True)
    # Email address, apprise URL, or the push subscription as JSON.
    target = models.TextField()
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    # Set after repeated failures, cleared by the next success; shown in Settings.
    failing_since = models.DateTimeField(null=True, blank=True)
    fail_count = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} channel {self.pk}"


class ReminderKind(models.TextChoices):
    DAILY = "daily", _("One small step")
    PLAN = "plan", _("Plan reminder")
    PARTNER_NOTE = "partner_note", _("Thinking of you")
    PARTNER_ALERT = "partner_alert", _("Partner alert")
    PARTNER_SUMMARY = "partner_summary", _("Weekly summary for a partner")


class Reminder(models.Model):
    """The next time one reminder may fire. `ref_id` names a plan, partnership or note."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    ref_id = models.PositiveBigIntegerField(default=0)
    # Null when nothing is scheduled. Claiming moves it forward by a lease.
    next_at = models.DateTimeField(null=True, blank=True)
    # Which firing `next_at` is for (the Delivery slot, or its date for partner
    # alerts). Kept while a failed send waits for its retry, so the retry is
    # for the same firing even when it lands on another day.
    slot = models.CharField(max_length=80, blank=True)
    # Failed attempts in a row for the current slot (for backoff).
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set with `next_at` when a worker claims a chunk of reminders at once, so it
    # can read back exactly which rows it won.
    claim = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "ref_id"], name="reminder_unique")
        ]
        indexes = [
            # worker.due(): WHERE next_at <= now ORDER BY next_at
            models.Index(
                fields=["next_at"], name="reminder_due", condition=Q(next_at__isnull=False)
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref_id} at {self.next_at}"


class DeliveryStatus(models.TextChoices):
    # Claimed by a worker and about to go: it has not been tried yet, so if that
    # worker stops, another may send it.
    QUEUED = "queued", _("Waiting to go")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not delivered")
    SKIPPED = "skipped", _("Skipped")
    # A worker stopped mid-send: it may have gone out, so it is never sent again.
    UNCERTAIN = "uncertain", _("Maybe sent")


class Delivery(models.Model):
    """One firing of one reminder. The unique key is what stops it ever going twice."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    # Which firing: e.g. "2026-11-22" for a daily step, "<plan id>@<UTC start>" for a plan.
    slot = models.CharField(max_length=80)
    status = models.CharField(max_length=9, choices=DeliveryStatus.choices)
    # Channel ids that already have it, so a retry sends only to the rest.
    channels_done = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # The claim of the worker that queued it: only that worker moves it on to
    # "sending" (empty: handed back, any worker may).
    claim = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "slot"], name="delivery_unique")
        ]
        indexes = [models.Index(fields=["owner", "created_at"], name="delivery_owner_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.slot}: {self.status}"
