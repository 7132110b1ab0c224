"""When each reminder next fires, read from the rows it depends on.

`refresh()` is what `hooks.reschedule()` calls after a write; the worker calls
`next_firing()` after each firing. Both answer with (instant, slot): the slot
names the firing, and is the key its Delivery is recorded under. The time math
itself is in `times.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.nudges import times
from kithkin.nudges.models import Delivery, NudgeSettings, Reminder, ReminderKind

Firing = tuple[datetime, str]
# Past this many skipped occurrences in a row, a plan reminder waits for the next write.
MAX_SKIPPED_LOOKAHEAD = 200
# A note older than this is read on Today, not announced.
NOTE_FRESH_FOR = timedelta(days=2)


def refresh(owner_id: int, kind: str, ref_id: int = 0) -> None:
    """Store when `Reminder(owner, kind, ref_id)` next fires; delete it when it never will.

    A retry waiting for a failed send is replaced too: the write that called
    this changed what the reminder is about.
    """
    if kind not in ReminderKind.values:
        raise ValueError(f"unknown reminder kind {kind!r}")
    found = next_firing(kind, owner_id, ref_id, timezone.now())
    rows = Reminder.objects.filter(owner_id=owner_id, kind=kind, ref_id=ref_id)
    if found is None:
        rows.delete()
        return
    at, slot = found
    if rows.update(next_at=at, slot=slot, attempts=0):
        return
    try:
        # A savepoint: callers run this inside their own transaction.
        with transaction.atomic():
            Reminder.objects.create(
                owner_id=owner_id, kind=kind, ref_id=ref_id, next_at=at, slot=slot
            )
    except IntegrityError:
        # Two writes for the same person at once: the row exists now.
        rows.update(next_at=at, slot=slot, attempts=0)


def next_firing(kind: str, owner_id: int, ref_id: int, after: datetime) -> Firing | None:
    """The first firing strictly after `after` (or, for a partner note, the pending one)."""
    if kind == ReminderKind.DAILY:
        return _next_daily(owner_id, after)
    if kind == ReminderKind.PLAN:
        return _next_plan(owner_id, ref_id, after)
    if kind == ReminderKind.PARTNER_NOTE:
        return _next_note(owner_id, ref_id, after)
    if kind == ReminderKind.PARTNER_ALERT:
        return _next_alert_check(owner_id, ref_id, after)
    if kind == ReminderKind.PARTNER_SUMMARY:
        return _next_summary(owner_id, ref_id, after)
    return None


def quiet_of(user: User) -> times.Quiet:
    return times.Quiet.of(user.quiet_start, user.quiet_end, user.quiet_days)


def _next_daily(owner_id: int, after: datetime) -> Firing | None:
    s = NudgeSettings.objects.select_related("owner").filter(owner_id=owner_id).first()
    return daily_firing(s, after) if s is not None else None


def daily_firing(s: NudgeSettings, after: datetime) -> Firing | None:
    """The next daily step for settings `s` (with their owner loaded)."""
    if s.daily_at is None:
        return None
    zone = s.owner.zone
    at = times.next_daily(after, zone, s.daily_at, quiet_of(s.owner), s.paused_until)
    if at is None:
        return None
    return at, times.local_date(at, zone).isoformat()


def plan_for(owner_id: int, plan_id: int):  # type: ignore[no-untyped-def]
    """The plan if `owner_id` owns it or joined it, still running, with a reminder asked for."""
    from kithkin.plans.models import Plan

    return (
        Plan.objects.filter(
            Q(owner_id=owner_id) | Q(guests__owner_id=owner_id),
            pk=plan_id,
            ended_at__isnull=True,
            remind_minutes__isnull=False,
        )
        .distinct()
        .first()
    )


def plan_slot(plan_id: int, start: datetime) -> str:
    return f"{plan_id}@{times.slot_time(start)}"


def _next_plan(owner_id: int, plan_id: int, after: datetime) -> Firing | None:
    from kithkin.plans.models import Occurrence, Rsvp
    from kithkin.plans.recurrence import RecurrenceError, Series

    wants = NudgeSettings.objects.filter(owner_id=owner_id, plan_reminders=True).exists()
    plan = plan_for(owner_id, plan_id) if wants else None
    if plan is None or plan.remind_minutes is None:
        return None
    lead = timedelta(minutes=plan.remind_minutes)
    skipped = set(
        Occurrence.objects.filter(
            owner_id=owner_id, plan_id=plan_id, rsvp=Rsvp.SKIP, starts_at__gt=after + lead
        ).values_list("starts_at", flat=True)
    )
    series = Series.of(plan)
    cursor = after + lead
    try:
        for _ in range(MAX_SKIPPED_LOOKAHEAD):
            start = series.next_after(cursor)
            if start is None:
                return None
            if start not in skipped:
                return times.plan_remind_at(start, plan.remind_minutes), plan_slot(plan.pk, start)
            cursor = start
    except RecurrenceError:
        return None
    return None


def note_slot(note_id: int) -> str:
    return f"note:{note_id}"


def _next_note(owner_id: int, note_id: int, after: datetime) -> Firing | None:
    from kithkin.partners.models import PartnerNote

    wants = NudgeSettings.objects.filter(owner_id=owner_id, partner_notes=True).exists()
    note = (
        PartnerNote.objects.filter(
            pk=note_id,
            owner_id=owner_id,
            seen_at__isnull=True,
            partnership__revoked_at__isnull=True,
            created_at__gt=after - NOTE_FRESH_FOR,
        ).first()
        if wants
        else None
    )
    if note is None:
        return None
    slot = note_slot(note.pk)
    if Delivery.objects.filter(
        owner_id=owner_id, kind=ReminderKind.PARTNER_NOTE, slot=slot
    ).exists():
        return None
    # At once: a note is due from the moment it was written.
    return note.created_at, slot


def alerting_partnership(owner_id: int, partnership_id: int):  # type: ignore[no-untyped-def]
    """The partnership if it has alerts the person consented to and someone to tell."""
    from kithkin.partners.models import Partnership

    p = (
        Partnership.objects.select_related("owner")
        .filter(
            pk=partnership_id,
            owner_id=owner_id,
            revoked_at__isnull=True,
            alert_consent_at__isnull=False,
        )
        .filter(Q(alert_no_checkin_days__isnull=False) | Q(alert_low_mood_days__isnull=False))
        .first()
    )
    return p if p is not None and _reachable(p) else None


def summary_partnership(owner_id: int, partnership_id: int):  # type: ignore[no-untyped-def]
    from kithkin.partners.models import Partnership

    p = (
        Partnership.objects.select_related("owner")
        .filter(pk=partnership_id, owner_id=owner_id, revoked_at__isnull=True, weekly_email=True)
        .first()
    )
    return p if p is not None and _reachable(p) else None


def _reachable(p) -> bool:  # type: ignore[no-untyped-def]
    """A partner with an account here, or an email-only partner who asked for email."""
    return bool(p.partner_id and p.accepted_at) or bool(p.email and p.weekly_email)


def _next_alert_check(owner_id: int, partnership_id: int, after: datetime) -> Firing | None:
    p = alerting_partnership(owner_id, partnership_id)
    if p is None:
        return None
    zone = p.owner.zone
    at = times.next_daily_at(after, zone, times.ALERT_CHECK_AT)
    return at, times.local_date(at, zone).isoformat()


def summary_slot(partnership_id: int, at: datetime, zone) -> str:  # type: ignore[no-untyped-def]
    return f"{partnership_id}:{times.iso_week(times.local_date(at, zone))}"


def _next_summary(owner_id: int, partnership_id: int, after: datetime) -> Firing | None:
    p = summary_partnership(owner_id, partnership_id)
    if p is None:
        return None
    zone = p.owner.zone
    at = times.next_weekly_at(after, zone, times.SUMMARY_WEEKDAY, times.SUMMARY_AT)
    return at, summary_slot(p.pk, at, zone)
