"""The reminder worker: find what is due, claim it, send it once, schedule the next.

Run by `kithkin worker` (management/commands/worker.py), one or many at once,
on SQLite or PostgreSQL. No task queue: the Reminder rows are the queue.

One pass (`run_once`):
1. Read up to `batch` due reminders (`next_at <= now`, oldest first) through
   the partial index `reminder_due`.
2. Claim each with `UPDATE ... SET next_at = now + lease WHERE id = ? AND
   next_at = <what we read>`; only the worker whose update changed one row
   goes on. A worker that dies holding a claim loses it when the lease ends.
3. Work out the firing's deliveries (usually one; partner alerts may have one
   per reason) and the rules that skip them (pause, "not today", the daily cap).
4. Record each as a Delivery with a unique (owner, kind, slot) *before*
   sending. A unique violation means it was recorded before: sent, skipped or
   maybe sent ("uncertain") is final; "failed" may be retried; "sending" past
   the lease means a worker died mid-send, so it becomes "uncertain" and is
   never sent again. Missing one gentle reminder is better than two.
5. Send outside any transaction, channel by channel, remembering which
   channels have it, so a retry only sends to the rest.
6. Store the next `next_at`: a retry with backoff after a failure (the same
   slot), else the next firing -- conditional on still holding the claim, so a
   settings change made meanwhile wins.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.nudges import channels, messages, schedule, times
from kithkin.nudges.messages import Message
from kithkin.nudges.models import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryStatus,
    NudgeSettings,
    Reminder,
    ReminderKind,
)

log = logging.getLogger("kithkin.worker")

# Longer than any send can take (every channel's timeout added up), so a claim
# never runs out under a live worker.
DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_BATCH = 100
# Kinds that go to a partner, not to the person.
PARTNERS = (ReminderKind.PARTNER_ALERT, ReminderKind.PARTNER_SUMMARY)
# Kinds counted against "at most N reminders a day".
CAPPED = (ReminderKind.DAILY, ReminderKind.PLAN)
# Statuses that mean "this went out, or may have".
WENT_OUT = (DeliveryStatus.SENT, DeliveryStatus.UNCERTAIN, DeliveryStatus.SENDING)
# A partner hears about the same reason at most once in this many days.
ALERT_QUIET_DAYS = 3


@dataclass
class Outgoing:
    """One delivery of a firing: its slot, its words and where it goes."""

    slot: str
    message: Message | None = None
    targets: list[Channel] = field(default_factory=list)
    # Set when the rules say no: recorded as skipped, nothing sent.
    skip: str = ""


@dataclass
class SendOutcome:
    """How sending one Delivery went, channel by channel."""

    done: list[str] = field(default_factory=list)
    ok: list[Channel] = field(default_factory=list)
    failed: list[tuple[Channel, str]] = field(default_factory=list)


@dataclass
class Result:
    failed: int = 0  # attempts of the worst failed delivery (0: none failed)
    gave_up: bool = False


class Batch:
    """What one pass reads once for all its due reminders, instead of once each.

    Read before the claims, so possibly a moment old: good enough for "did they
    say not today" and for whom to send to. The daily cap counts what this
    pass sent as it goes, so two reminders of one person in one pass still
    respect it.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.said: dict[tuple[int, date], set[str]] = {}
        self.went_out: dict[int, list[tuple[datetime, str]]] = {}
        self.channels: dict[int, list[Channel]] = {}
        self.loaded: set[int] = set()

    @classmethod
    def load(cls, reminders: Iterable[Reminder], now: datetime) -> Batch:
        from kithkin.today.models import Outcome, Suggestion

        batch = cls(now)
        mine = [r for r in reminders if r.kind not in PARTNERS]
        owners = {r.owner_id for r in mine}
        if not owners:
            return batch
        days = {times.local_date(now, r.owner.zone) for r in mine}
        said = Suggestion.objects.filter(
            owner_id__in=owners, day__in=days, outcome__in=[Outcome.NOT_TODAY, Outcome.DONE]
        ).values_list("owner_id", "day", "outcome")
        for owner_id, day, outcome in said:
            batch.said.setdefault((owner_id, day), set()).add(outcome)
        # Two days back covers "today" in every zone.
        went = Delivery.objects.filter(
            owner_id__in=owners,
            kind__in=CAPPED,
            status__in=WENT_OUT,
            created_at__gte=now - timedelta(days=2),
        ).values_list("owner_id", "created_at", "slot")
        for owner_id, created_at, slot in went:
            batch.went_out.setdefault(owner_id, []).append((created_at, slot))
        grouped: dict[int, list[Channel]] = defaultdict(list)
        for channel in Channel.objects.filter(owner_id__in=owners, enabled=True):
            grouped[channel.owner_id].append(channel)
        batch.channels = dict(grouped)
        batch.loaded = owners
        return batch

    def channels_of(self, owner_id: int) -> list[Channel]:
        if owner_id not in self.loaded:
            self.channels[owner_id] = list(Channel.objects.filter(owner_id=owner_id, enabled=True))
            self.loaded.add(owner_id)
        return self.channels.get(owner_id, [])

    def over_cap(self, owner: User, s: NudgeSettings, today: date, slot: str) -> bool:
        start, end = local_day_bounds(today, owner.zone)
        went = sum(
            1
            for at, other in self.went_out.get(owner.pk, [])
            if start <= at < end and other != slot
        )
        return went >= max(s.per_day, 1)


def target_key(channel: Channel) -> str:
    """How a channel is named in Delivery.channels_done."""
    return str(channel.pk) if channel.pk else f"{channel.kind}:{channel.target}"


def local_day_bounds(day: date, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    start = times.local_instant(day, datetime.min.time(), zone)
    end = times.local_instant(day + timedelta(days=1), datetime.min.time(), zone)
    return start, end


# --- The loop ----------------------------------------------------------------------


class Worker:
    def __init__(
        self,
        lease: timedelta = DEFAULT_LEASE,
        batch: int = DEFAULT_BATCH,
        send: Callable[[Channel, Message], None] | None = None,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self.lease = lease
        self.batch = batch
        # Tests and the benchmark pass a sink; normally channels.send.
        self.send = send or (lambda channel, message: channels.send(channel, message))
        self.stopping = stopping

    def run_once(self) -> int:
        """Handle up to `batch` due reminders; return how many this worker claimed."""
        now = timezone.now()
        # Through the partial index `reminder_due`; owners and settings come along.
        due = list(
            Reminder.objects.filter(next_at__lte=now)
            .select_related("owner", "owner__nudge_settings")
            .order_by("next_at")[: self.batch]
        )
        batch = Batch.load(due, now)
        handled = 0
        for reminder in due:
            if self.stopping():
                break
            if self.handle(reminder, batch):
                handled += 1
        return handled

    def claim(self, pk: int, old: datetime) -> datetime | None:
        """The lease's end if this worker now holds reminder `pk`, else None."""
        until = timezone.now() + self.lease
        won = Reminder.objects.filter(pk=pk, next_at=old).update(next_at=until)
        return until if won == 1 else None

    def handle(self, reminder: Reminder, batch: Batch) -> bool:
        """Claim, deliver and reschedule one reminder as read by `run_once`.

        Two commits a reminder: the claim with the "sending" records (durable:
        it is what stops a second send), then the outcome with the next time.
        The claim is conditional on the `next_at` that was read, so the row
        (slot, attempts) is still the one read when the claim succeeds.
        """
        if reminder.next_at is None:
            return False
        try:
            with transaction.atomic():
                until = self.claim(reminder.pk, reminder.next_at)
                if until is None:
                    return False
                now = timezone.now()
                taken = [
                    (out, row)
                    for out in self.outgoing(reminder, now, batch)
                    if (row := self.prepare(reminder, out, now, batch)) is not None
                ]
        except Exception:
            # A bug or a database hiccup rolled the claim back: take it again on
            # its own, so the reminder waits for the lease instead of spinning.
            log.exception("reminder %s (%s) stopped with an error", reminder.pk, reminder.kind)
            self.claim(reminder.pk, reminder.next_at)
            return True
        # Outside any transaction: a slow service holds no lock.
        sent = [(row, self.send_all(reminder, out, row)) for out, row in taken]
        try:
            with transaction.atomic():
                relaxed_commit()
                result = Result()
                for row, outcome in sent:
                    self.finish(row, outcome, result)
                self.reschedule(reminder, until, result)
        except Exception:
            # The claim runs out; the "sending" rows turn "uncertain", never twice.
            log.exception("reminder %s (%s): outcome not saved", reminder.pk, reminder.kind)
        return True

    def reschedule(self, reminder: Reminder, until: datetime, result: Result) -> None:
        held = Reminder.objects.filter(pk=reminder.pk, next_at=until)
        now = timezone.now()
        if result.failed and not result.gave_up:
            held.update(next_at=now + times.backoff(result.failed), attempts=result.failed)
            return
        s = settings_of(reminder.owner)
        if reminder.kind == ReminderKind.DAILY and s is not None:
            # The settings read with the reminder: spares a query per daily step.
            found = schedule.daily_firing(s, now)
        else:
            found = schedule.next_firing(reminder.kind, reminder.owner_id, reminder.ref_id, now)
        if found is None:
            held.delete()
        else:
            held.update(next_at=found[0], slot=found[1], attempts=0)

    # --- What a firing sends ---------------------------------------------------------

    def outgoing(self, reminder: Reminder, now: datetime, batch: Batch) -> list[Outgoing]:
        kind = reminder.kind
        if kind == ReminderKind.DAILY:
            return self.daily(reminder, now, batch)
        if kind == ReminderKind.PLAN:
            return self.plan(reminder, now, batch)
        if kind == ReminderKind.PARTNER_NOTE:
            return self.note(reminder, batch)
        if kind == ReminderKind.PARTNER_ALERT:
            return self.alerts(reminder, now)
        if kind == ReminderKind.PARTNER_SUMMARY:
            return self.summary(reminder, now)
        return []

    def daily(self, reminder: Reminder, now: datetime, batch: Batch) -> list[Outgoing]:
        from kithkin.today.models import Outcome

        owner = reminder.owner
        s = settings_of(owner)
        if s is None or s.daily_at is None or not reminder.slot:
            return []
        today = times.local_date(now, owner.zone)
        out = Outgoing(reminder.slot)
        said = batch.said.get((owner.pk, today), set())
        if reminder.slot != today.isoformat() and not reminder.attempts:
            # The worker was away past the day: a late reminder helps nobody.
            out.skip = "late"
        elif s.paused_until is not None and s.paused_until >= today:
            out.skip = "paused"
        elif Outcome.NOT_TODAY in said:
            out.skip = "not today"
        elif Outcome.DONE in said:
            out.skip = "already did a step today"
        elif batch.over_cap(owner, s, today, reminder.slot):
            out.skip = "enough for today"
        else:
            out.message = messages.daily(reminder.slot, owner.locale)
            out.targets = batch.channels_of(owner.pk)
        return [out]

    def plan(self, reminder: Reminder, now: datetime, batch: Batch) -> list[Outgoing]:
        from kithkin.plans.models import Occurrence, Rsvp

        owner = reminder.owner
        s = settings_of(owner)
        plan = schedule.plan_for(owner.pk, reminder.ref_id) if s and s.plan_reminders else None
        _, _, at = reminder.slot.partition("@")
        start = times.parse_slot_time(at)
        if s is None or plan is None or start is None:
            return []
        today = times.local_date(now, owner.zone)
        out = Outgoing(reminder.slot)
        if start <= now:
            out.skip = "late"
        elif s.paused_until is not None and s.paused_until >= today:
            out.skip = "paused"
        elif Occurrence.objects.filter(
            owner=owner, plan=plan, starts_at=start, rsvp=Rsvp.SKIP
        ).exists():
            out.skip = "skipping this time"
        elif batch.over_cap(owner, s, today, reminder.slot):
            out.skip = "enough for today"
        else:
            out.message = messages.plan(plan.title, start.astimezone(owner.zone), owner.locale)
            out.targets = batch.channels_of(owner.pk)
        return [out]

    def note(self, reminder: Reminder, batch: Batch) -> list[Outgoing]:
        from kithkin.partners.models import PartnerNote

        owner = reminder.owner
        s = settings_of(owner)
        wants = s is not None and s.partner_notes
        note = (
            PartnerNote.objects.select_related("partnership")
            .filter(pk=reminder.ref_id, owner=owner, partnership__revoked_at__isnull=True)
            .first()
        )
        if not wants or note is None:
            return []
        out = Outgoing(schedule.note_slot(note.pk))
        if note.seen_at is not None:
            out.skip = "already read"
        else:
            out.message = messages.partner_note(note.partnership.name, owner.locale)
            out.targets = batch.channels_of(owner.pk)
        return [out]

    def alerts(self, reminder: Reminder, now: datetime) -> list[Outgoing]:
        """Look once a day; tell the partner about a reason at most once in three days."""
        from kithkin.partners import alerts
        from kithkin.wellbeing.models import CheckIn

        p = schedule.alerting_partnership(reminder.owner_id, reminder.ref_id)
        if p is None or not reminder.slot or p.alert_consent_at is None:
            return []
        zone = p.owner.zone
        today = date.fromisoformat(reminder.slot)
        longest = max(p.alert_no_checkin_days or 0, p.alert_low_mood_days or 0) + 2
        recent = dict(
            CheckIn.objects.filter(
                owner_id=p.owner_id, day__lte=today, day__gt=today - timedelta(days=longest)
            ).values_list("day", "mood")
        )
        last = (
            max(recent)
            if recent
            else CheckIn.objects.filter(owner_id=p.owner_id, day__lte=today)
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )
        consent_day = times.local_date(p.alert_consent_at, zone)
        reason = alerts.alert_reason(p, last, recent, today, consent_day)
        if reason is None:
            return []
        slot = f"{p.pk}:{reason}:{today.isoformat()}"
        told_lately = (
            Delivery.objects.filter(
                owner_id=p.owner_id,
                kind=ReminderKind.PARTNER_ALERT,
                slot__startswith=f"{p.pk}:{reason}:",
                created_at__gte=now - timedelta(days=ALERT_QUIET_DAYS),
            )
            .exclude(slot=slot)
            .exists()
        )
        if told_lately:
            return []
        message = messages.partner(alerts.alert_subject(p, reason), alerts.alert_text(p, reason))
        return [Outgoing(slot, message, partner_targets(p))]

    def summary(self, reminder: Reminder, now: datetime) -> list[Outgoing]:
        from kithkin.partners import alerts

        p = schedule.summary_partnership(reminder.owner_id, reminder.ref_id)
        if p is None or not reminder.slot:
            return []
        today = times.local_date(now, p.owner.zone)
        message = messages.partner(
            alerts.weekly_summary_subject(p), alerts.weekly_summary_text(p, today)
        )
        return [Outgoing(reminder.slot, message, partner_targets(p))]

    # --- Recording and sending ------------------------------------------------------

    def prepare(
        self, reminder: Reminder, out: Outgoing, now: datetime, batch: Batch
    ) -> Delivery | None:
        """Record a skip, or the Delivery this worker will send now (as "sending")."""
        key = {"owner_id": reminder.owner_id, "kind": reminder.kind, "slot": out.slot}
        if out.skip or out.message is None or not out.targets:
            record_skip(key, out.skip or "nowhere to send", now)
            return None
        row = self.take(key, now)
        if row is not None and reminder.kind in CAPPED:
            batch.went_out.setdefault(reminder.owner_id, []).append((now, out.slot))
        return row

    def send_all(self, reminder: Reminder, out: Outgoing, row: Delivery) -> SendOutcome:
        """Send to every target that doesn't have it yet. No database writes here."""
        log.info("sending %s %s for %s", reminder.kind, out.slot, reminder.owner_id)
        outcome = SendOutcome(done=list(row.channels_done or []))
        message = out.message
        if message is None:
            return outcome
        for channel in out.targets:
            if target_key(channel) in outcome.done:
                continue
            try:
                self.send(channel, message)
            except channels.SendError as e:
                outcome.failed.append((channel, e.message))
                continue
            except Exception as e:  # a library bug is a failed send too
                log.exception("sending to channel %s", channel.pk)
                error = f"Something went wrong while sending ({type(e).__name__})."
                outcome.failed.append((channel, error))
                continue
            outcome.done.append(target_key(channel))
            outcome.ok.append(channel)
        return outcome

    def finish(self, row: Delivery, outcome: SendOutcome, result: Result) -> None:
        """Save how a send went: the Delivery, the channels' health, and the retry count."""
        for channel in outcome.ok:
            channel_ok(channel)
        for channel, error in outcome.failed:
            channel_failed(channel, error)
        sending = Delivery.objects.filter(pk=row.pk, status=DeliveryStatus.SENDING)
        now = timezone.now()
        if not outcome.failed:
            sending.update(
                status=DeliveryStatus.SENT,
                channels_done=outcome.done,
                error="",
                sent_at=now,
                updated_at=now,
            )
            return
        sending.update(
            status=DeliveryStatus.FAILED,
            channels_done=outcome.done,
            error=outcome.failed[0][1][:300],
            updated_at=now,
        )
        result.failed = max(result.failed, row.attempts)
        if row.attempts >= times.MAX_ATTEMPTS:
            result.gave_up = True
            for channel, _ in outcome.failed:
                if channel.pk:
                    Channel.objects.filter(pk=channel.pk, failing_since__isnull=True).update(
                        failing_since=now
                    )

    def take(self, key: dict[str, Any], now: datetime) -> Delivery | None:
        """The Delivery this worker may send now, recorded as sending; None if it may not."""
        try:
            with savepoint_if_needed():
                return Delivery.objects.create(
                    **key, status=DeliveryStatus.SENDING, attempts=1, created_at=now, updated_at=now
                )
        except IntegrityError:
            pass
        row = Delivery.objects.filter(**key).first()
        if row is None:
            return None
        mine = Delivery.objects.filter(pk=row.pk, status=row.status, updated_at=row.updated_at)
        if row.status == DeliveryStatus.FAILED and row.attempts < times.MAX_ATTEMPTS:
            if mine.update(
                status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now
            ):
                row.attempts += 1
                row.status = DeliveryStatus.SENDING
                return row
        elif row.status == DeliveryStatus.SENDING and row.updated_at < now - self.lease:
            # Its worker stopped mid-send: it may have gone out. Never again.
            mine.update(status=DeliveryStatus.UNCERTAIN, updated_at=now)
            log.warning(
                "%s %s for %s may have been sent: not resent",
                key["kind"],
                key["slot"],
                key["owner_id"],
            )
        return None


def savepoint_if_needed() -> AbstractContextManager[Any]:
    """A savepoint around a write that may hit a unique key, only inside a transaction.

    The worker runs in autocommit, where a failed INSERT spoils nothing, so it
    skips the two extra round trips a savepoint costs on PostgreSQL.
    """
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def relaxed_commit() -> None:
    """On PostgreSQL, don't wait for the disk when this transaction commits.

    Only for the outcome of a send: if a server crash lost it, the Delivery
    would still say "sending", become "uncertain" and never be sent again, and
    the reminder would be claimed again after its lease. It saves one disk
    flush per reminder, which is most of a reminder's time on slow disks.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def settings_of(owner: User) -> NudgeSettings | None:
    try:
        return owner.nudge_settings
    except NudgeSettings.DoesNotExist:
        return None


def record_skip(key: dict[str, Any], reason: str, now: datetime) -> None:
    try:
        with savepoint_if_needed():
            Delivery.objects.create(
                **key, status=DeliveryStatus.SKIPPED, error=reason, created_at=now, updated_at=now
            )
    except IntegrityError:
        # A failed send that is now skipped (paused meanwhile, say) stays quiet.
        Delivery.objects.filter(**key, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.SKIPPED, error=reason, updated_at=now
        )


def partner_targets(p: Any) -> list[Channel]:
    """Where a partner hears from Kithkin: their own channels, else their account's email,
    else (a partner without an account who asked for it) the email the person gave."""
    if p.partner_id and p.accepted_at:
        found = list(Channel.objects.filter(owner_id=p.partner_id, enabled=True))
        if found:
            return found
        email = User.objects.filter(pk=p.partner_id).values_list("email", flat=True).first()
        return [Channel(kind=ChannelKind.EMAIL, target=email)] if email else []
    if p.email and p.weekly_email:
        return [Channel(kind=ChannelKind.EMAIL, target=p.email)]
    return []


def channel_ok(channel: Channel) -> None:
    """Clear a channel's trouble after a send went through.

    A channel with nothing to clear is not written: the Delivery rows already
    say what went out, and a write per send would double the worker's writes.
    """
    if not channel.pk:
        return
    clean = not (channel.fail_count or channel.failing_since or channel.last_error)
    if clean and channel.last_ok_at is not None:
        return
    Channel.objects.filter(pk=channel.pk).update(
        last_ok_at=timezone.now(), failing_since=None, fail_count=0, last_error=""
    )


def channel_failed(channel: Channel, error: str) -> None:
    if channel.pk:
        Channel.objects.filter(pk=channel.pk).update(
            fail_count=F("fail_count") + 1, last_error=error[:300]
        )
