"""The reminder worker: find what is due, claim it, send it once, schedule the next.

Run by `kithkin worker` (management/commands/worker.py), one or many at once,
on SQLite or PostgreSQL. No task queue: the Reminder rows are the queue.

One pass (`run_once`):
1. Read up to `batch` due reminders (`next_at <= now`, oldest first) through
   the partial index `reminder_due`, and once for all of them what the rules
   need (`Batch`).
2. Claim them `chunk` at a time (default 100), one transaction and one
   durable commit per chunk: one `UPDATE ... SET next_at = now + lease,
   claim = <new uuid> WHERE (id = ? AND next_at = <what we read>) OR ...`,
   then read back the rows carrying that uuid: those, and only those, are
   this worker's. A worker that dies holding a claim loses it when the lease
   ends.
3. In the same transaction, work out each firing's deliveries (usually one;
   partner alerts may have one per reason) and the rules that skip them
   (pause, "not today", the daily cap), and record each as a Delivery with a
   unique (owner, kind, slot): "skipped", or "queued" with the chunk's uuid
   (bulk-inserted, conflicts ignored, then read back by uuid). A row that was
   already there decides: sent, skipped or maybe sent ("uncertain") is final;
   "failed" may be retried (queued again); "queued" past the lease (or handed
   back) was never tried, so it is queued again; "sending" past the lease
   means a worker died mid-send, so it becomes "uncertain" and is never sent
   again. Missing one gentle reminder is better than two.
4. Then for each reminder of the chunk, outside that transaction: move its
   Delivery from "queued" to "sending" with a conditional update (only the
   holder of the uuid, only from "queued") and commit, in the same commit as
   the previous reminder's outcome; send, channel by channel, remembering
   which channels have it, so a retry only sends to the rest.
5. At the chunk's end, in one transaction: each reminder's next `next_at` (a
   retry with backoff after a failure, the same slot; else the next firing)
   -- conditional on still holding the claim, so a settings change made
   meanwhile wins -- and the channels' last success.

What a crash costs: a worker killed mid-chunk leaves the reminder it was
sending "sending" (it becomes "uncertain", never resent) and the rest of its
chunk "queued": another worker sends those once the lease ends. What it sent
before is "sent"; those reminders move on at their next claim. A worker asked
to stop (SIGTERM) finishes the reminder in hand and hands the rest of its
chunk back at once (`hand_back`). A worker that finds a Delivery "queued" or
"sending" by another worker within the lease keeps its claim and looks again
when it ends, so a worker dying then is still noticed.

Commits: one durable commit per chunk (the claims and the queued records),
then one per reminder that doesn't wait for the disk on PostgreSQL
(`relaxed_commits`): the previous outcome and this "sending", before the
send. Another worker sees it at once; only a crash of the database server
itself (not of a worker) within a fraction of a second after it (the WAL
writer flushes every 200 ms, and any later durable commit flushes it too)
could lose it. Losing an outcome leaves "sending", which becomes "uncertain":
never twice. Losing a "sending" mark turns the row back into "queued", and
after the lease it would be sent a second time: that database-crash window
is the one place a reminder can go twice, traded for not waiting for a disk
flush per reminder (before chunks, the claim and "sending" were one durable
commit per reminder, and most of its time). SQLite commits are local (WAL,
synchronous=NORMAL, as for the whole app).
"""

from __future__ import annotations

import json
import logging
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
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
# Reminders claimed (and their Deliveries queued) in one durable commit.
DEFAULT_CHUNK = 100
NOWHERE = "nowhere to send"
# Kinds that go to a partner, not to the person.
PARTNERS = (ReminderKind.PARTNER_ALERT, ReminderKind.PARTNER_SUMMARY)
# Kinds counted against "at most N reminders a day".
CAPPED = (ReminderKind.DAILY, ReminderKind.PLAN)
# Statuses that mean "this went out, or may have, or is about to".
WENT_OUT = (
    DeliveryStatus.SENT,
    DeliveryStatus.UNCERTAIN,
    DeliveryStatus.SENDING,
    DeliveryStatus.QUEUED,
)
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
class Claimed:
    """A reminder this worker holds until `until`, and the Deliveries it queued for it."""

    reminder: Reminder
    until: datetime
    token: uuid.UUID
    taken: list[tuple[Outgoing, Delivery]]
    # Another worker is sending part of it: keep the claim, look again after the lease.
    busy: bool = False


@dataclass
class Later:
    """What a chunk writes once at its end: next times, and channels that worked."""

    done: list[tuple[Claimed, Result]] = field(default_factory=list)
    ok: dict[int, Channel] = field(default_factory=dict)


@dataclass
class Sent:
    """A claimed reminder and how each of its sends went, waiting to be saved."""

    job: Claimed
    sent: list[tuple[Delivery, SendOutcome]]


# A Delivery's unique key: (owner id, kind, slot).
Key = tuple[int, str, str]


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


def skipped(out: Outgoing) -> bool:
    return bool(out.skip) or out.message is None or not out.targets


def new_delivery(key: Key, out: Outgoing, now: datetime, token: uuid.UUID) -> Delivery:
    owner_id, kind, slot = key
    if skipped(out):
        return Delivery(
            owner_id=owner_id,
            kind=kind,
            slot=slot,
            status=DeliveryStatus.SKIPPED,
            error=out.skip or NOWHERE,
            created_at=now,
            updated_at=now,
        )
    return Delivery(
        owner_id=owner_id,
        kind=kind,
        slot=slot,
        status=DeliveryStatus.QUEUED,
        claim=token,
        attempts=1,
        created_at=now,
        updated_at=now,
    )


def keyed(rows: Iterable[Delivery]) -> dict[Key, Delivery]:
    return {(row.owner_id, row.kind, row.slot): row for row in rows}


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
        chunk: int = DEFAULT_CHUNK,
        send: Callable[[Channel, Message], None] | None = None,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self.lease = lease
        self.batch = batch
        self.chunk = max(1, chunk)
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
        for start in range(0, len(due), self.chunk):
            if self.stopping():
                break
            handled += self.handle_chunk(due[start : start + self.chunk], batch)
        return handled

    def claim(self, pk: int, old: datetime) -> datetime | None:
        """The lease's end if this worker now holds reminder `pk`, else None."""
        until = timezone.now() + self.lease
        return until if self.claim_rows([(pk, old)], uuid.uuid4(), until) else None

    def claim_rows(
        self, pairs: list[tuple[int, datetime]], token: uuid.UUID, until: datetime
    ) -> set[int]:
        """Claim every (id, next_at as read) that nobody moved meanwhile; the ids won."""
        if not pairs:
            return set()
        read = Q(*[Q(pk=pk, next_at=old) for pk, old in pairs], _connector=Q.OR)
        Reminder.objects.filter(read).update(next_at=until, claim=token)
        ids = [pk for pk, _ in pairs]
        return set(Reminder.objects.filter(pk__in=ids, claim=token).values_list("pk", flat=True))

    def handle_chunk(self, reminders: list[Reminder], batch: Batch) -> int:
        """Claim a chunk in one commit, then send its reminders one by one."""
        went_out = {k: list(v) for k, v in batch.went_out.items()}
        errors = 0
        try:
            with transaction.atomic():
                claimed = self.queue(reminders, batch)
        except Exception:
            # One reminder's bug or a database hiccup spoiled the chunk: claim them
            # one by one instead, so only the bad one is set aside.
            log.exception("a chunk of %s reminders stopped with an error", len(reminders))
            batch.went_out = went_out
            claimed = []
            for reminder in reminders:
                try:
                    with transaction.atomic():
                        claimed += self.queue([reminder], batch)
                except Exception:
                    # Take it again on its own, so it waits for the lease instead
                    # of spinning.
                    log.exception(
                        "reminder %s (%s) stopped with an error", reminder.pk, reminder.kind
                    )
                    if reminder.next_at is not None and self.claim(reminder.pk, reminder.next_at):
                        errors += 1
        self.deliver(claimed)
        return len(claimed) + errors

    def queue(self, reminders: list[Reminder], batch: Batch) -> list[Claimed]:
        """Claim `reminders` and record what each sends ("queued") or skips. In a transaction."""
        token = uuid.uuid4()
        until = timezone.now() + self.lease
        pairs = [(r.pk, r.next_at) for r in reminders if r.next_at is not None]
        won = self.claim_rows(pairs, token, until)
        mine = [r for r in reminders if r.pk in won]
        if not mine:
            return []
        now = timezone.now()
        owners = {r.owner_id for r in mine}
        # The rows already there for the capped kinds, whose slot is the reminder's:
        # the daily cap must know, before the next reminder, whether this one goes.
        capped = {r.slot for r in mine if r.kind in CAPPED}
        found: dict[Key, Delivery] = {}
        if capped:
            found = keyed(
                Delivery.objects.filter(owner_id__in=owners, kind__in=CAPPED, slot__in=capped)
            )
        plans: list[tuple[Reminder, Outgoing]] = []
        for reminder in mine:
            for out in self.outgoing(reminder, now, batch):
                plans.append((reminder, out))
                key = (reminder.owner_id, reminder.kind, out.slot)
                goes = not skipped(out) and (key not in found or self.reusable(found[key], now))
                if goes and reminder.kind in CAPPED:
                    batch.went_out.setdefault(reminder.owner_id, []).append((now, out.slot))
        rest = [
            (r.owner_id, r.kind, out.slot)
            for r, out in plans
            if (r.owner_id, r.kind, out.slot) not in found and r.kind not in CAPPED
        ]
        if rest:
            either = Q(*[Q(owner_id=o, kind=k, slot=s) for o, k, s in rest], _connector=Q.OR)
            found.update(keyed(Delivery.objects.filter(either)))
        new: list[Delivery] = []
        busy: set[int] = set()
        for reminder, out in plans:
            key = (reminder.owner_id, reminder.kind, out.slot)
            row = found.get(key)
            if row is None:
                new.append(new_delivery(key, out, now, token))
            elif skipped(out):
                # A failed send that is now skipped (paused meanwhile, say) stays quiet.
                Delivery.objects.filter(pk=row.pk, status=DeliveryStatus.FAILED).update(
                    status=DeliveryStatus.SKIPPED, error=out.skip or NOWHERE, updated_at=now
                )
            elif self.requeue(row, now, token):
                busy.add(reminder.pk)
        if new:
            Delivery.objects.bulk_create(new, ignore_conflicts=True)
        queued = keyed(Delivery.objects.filter(owner_id__in=owners, claim=token))
        claimed = []
        for reminder in mine:
            taken = [
                (out, queued[key])
                for r, out in plans
                if r is reminder and (key := (r.owner_id, r.kind, out.slot)) in queued
            ]
            claimed.append(Claimed(reminder, until, token, taken, reminder.pk in busy))
        return claimed

    def reusable(self, row: Delivery, now: datetime) -> bool:
        """Whether a Delivery recorded before may be queued again by this worker."""
        if row.status == DeliveryStatus.FAILED:
            return row.attempts < times.MAX_ATTEMPTS
        if row.status == DeliveryStatus.QUEUED:
            # Never tried: its worker stopped before it, or handed it back.
            return row.claim is None or row.updated_at < now - self.lease
        return False

    def requeue(self, row: Delivery, now: datetime, token: uuid.UUID) -> bool:
        """Queue a Delivery recorded before, if it may go again (see `reusable`).

        True when another worker is on it right now ("queued" or "sending" within
        the lease): the reminder then keeps this claim and is looked at again
        when it ends, rather than moving on while that worker may still die.
        """
        mine = Delivery.objects.filter(pk=row.pk, status=row.status, updated_at=row.updated_at)
        if self.reusable(row, now):
            attempts = F("attempts") + (1 if row.status == DeliveryStatus.FAILED else 0)
            mine.update(
                status=DeliveryStatus.QUEUED, claim=token, attempts=attempts, updated_at=now
            )
            return False
        if row.status not in (DeliveryStatus.SENDING, DeliveryStatus.QUEUED):
            return False
        if row.updated_at >= now - self.lease:
            return True
        # Its worker stopped mid-send: it may have gone out. Never again.
        mine.update(status=DeliveryStatus.UNCERTAIN, updated_at=now)
        log.warning("%s %s for %s may have been sent: not resent", row.kind, row.slot, row.owner_id)
        return False

    def deliver(self, jobs: list[Claimed]) -> None:
        """Send the claimed reminders' queued deliveries one by one, saving each outcome.

        Each Delivery says "sending" (committed, so every worker sees it) before
        its send starts: if this worker dies mid-send it becomes "uncertain". The
        outcome of one reminder is saved in the same commit that marks the next
        one "sending", so a reminder costs one commit. What only tidies up (the
        next times, the channels' last success) is written once for the chunk at
        its end: if this worker dies first, the next claim of each reminder finds
        its Delivery final and moves it on.
        """
        later = Later()
        pending: Sent | None = None
        with relaxed_commits():
            for n, job in enumerate(jobs):
                if self.stopping():
                    self.save(pending, later)
                    pending = None
                    self.hand_back(jobs[n:])
                    break
                sent: list[tuple[Delivery, SendOutcome]] = []
                for out, row in job.taken:
                    started = self.start_sending(row, pending, later)
                    pending = None
                    if started is None:
                        # Still "queued" (and the claim held): taken again after the lease.
                        job.busy = True
                        break
                    if started:
                        sent.append((row, self.send_all(job.reminder, out, row)))
                pending = Sent(job, sent)
            self.save(pending, later)
            self.tidy(later)

    def start_sending(
        self, row: Delivery, pending: Sent | None = None, later: Later | None = None
    ) -> bool | None:
        """Save `pending`, then queued -> sending, only for the claim that queued it.

        True: this worker may send it now; False: another took it; None: the
        database said no.
        """
        now = timezone.now()
        if pending is not None and one_statement(pending):
            try:
                begun = finish_and_start(pending, row, now)
            except Exception:
                # Take the general road below, which saves each part on its own.
                log.exception("delivery %s: the one-statement save failed", row.pk)
            else:
                self.remember(pending, later or Later())
                row.status = DeliveryStatus.SENDING
                row.updated_at = now
                return begun
        try:
            with transaction.atomic():
                if pending is not None:
                    self.record(pending, later or Later())
                started = Delivery.objects.filter(
                    pk=row.pk, status=DeliveryStatus.QUEUED, claim=row.claim
                ).update(status=DeliveryStatus.SENDING, updated_at=now)
        except Exception:
            if pending is not None:
                # Each on its own, so one's trouble doesn't hold up the other.
                self.save(pending, later or Later())
                return self.start_sending(row)
            log.exception("delivery %s: could not start sending", row.pk)
            return None
        row.status = DeliveryStatus.SENDING
        row.updated_at = now
        return started == 1

    def save(self, pending: Sent | None, later: Later) -> None:
        if pending is None:
            return
        try:
            with transaction.atomic():
                self.record(pending, later)
        except Exception:
            # The claim runs out; the "sending" rows turn "uncertain", never twice.
            job = pending.job
            log.exception("reminder %s (%s): outcome not saved", job.reminder.pk, job.reminder.kind)

    def record(self, pending: Sent, later: Later) -> None:
        """How a reminder's sends went; its next time is left to `tidy`. In a transaction."""
        result = Result()
        for row, outcome in pending.sent:
            self.finish(row, outcome, result)
        self.remember(pending, later, result)

    def remember(self, pending: Sent, later: Later, result: Result | None = None) -> None:
        """What `tidy` writes for the chunk once a reminder's outcome is saved."""
        for _row, outcome in pending.sent:
            for channel in outcome.ok:
                if channel.pk:
                    later.ok[channel.pk] = channel
        if not pending.job.busy:
            later.done.append((pending.job, result or Result()))

    def tidy(self, later: Later) -> None:
        """Write the chunk's next times and its channels' successes, a statement or two each."""
        try:
            with transaction.atomic():
                self.reschedule_all(later.done)
                channels_ok(list(later.ok.values()))
        except Exception:
            # The claims run out; the next ones find the Deliveries final and move on.
            log.exception("the next times of %s reminders not saved", len(later.done))

    def hand_back(self, jobs: list[Claimed]) -> None:
        """On stopping: give back the claimed reminders not started yet, so another
        worker takes them now rather than after the lease."""
        now = timezone.now()
        try:
            with transaction.atomic():
                for job in jobs:
                    rows = [row.pk for _, row in job.taken]
                    Delivery.objects.filter(
                        pk__in=rows, status=DeliveryStatus.QUEUED, claim=job.token
                    ).update(claim=None)
                    Reminder.objects.filter(
                        pk=job.reminder.pk, next_at=job.until, claim=job.token
                    ).update(next_at=now)
        except Exception:
            log.exception("handing back %s reminders: they wait for the lease", len(jobs))

    def reschedule_all(self, done: list[tuple[Claimed, Result]]) -> None:
        """Store each reminder's next time: a retry with backoff after a failure (the same
        slot), else the next firing -- only where this worker still holds the claim."""
        now = timezone.now()
        groups: dict[tuple[datetime, uuid.UUID], tuple[list[Reminder], list[int]]] = {}
        for job, result in done:
            moves, ends = groups.setdefault((job.until, job.token), ([], []))
            reminder = job.reminder
            if result.failed and not result.gave_up:
                when = now + times.backoff(result.failed)
                moves.append(
                    Reminder(
                        pk=reminder.pk, next_at=when, slot=reminder.slot, attempts=result.failed
                    )
                )
                continue
            found = self.next_firing(reminder, now)
            if found is None:
                ends.append(reminder.pk)
            else:
                moves.append(Reminder(pk=reminder.pk, next_at=found[0], slot=found[1], attempts=0))
        for (until, token), (moves, ends) in groups.items():
            held = Reminder.objects.filter(next_at=until, claim=token)
            if moves and transaction.get_connection().vendor == "postgresql":
                move_held(moves, until, token)
            elif moves:
                held.bulk_update(moves, ["next_at", "slot", "attempts"])
            if ends:
                held.filter(pk__in=ends).delete()

    def next_firing(self, reminder: Reminder, now: datetime) -> schedule.Firing | None:
        s = settings_of(reminder.owner)
        if reminder.kind == ReminderKind.DAILY and s is not None:
            # The settings read with the reminder: spares a query per daily step.
            return schedule.daily_firing(s, now)
        return schedule.next_firing(reminder.kind, reminder.owner_id, reminder.ref_id, now)

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


def savepoint_if_needed() -> AbstractContextManager[Any]:
    """A savepoint only inside a transaction (as in tests): outside one, a failed
    statement spoils nothing, and the two round trips a savepoint costs are spared."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def one_statement(pending: Sent) -> bool:
    """Whether saving `pending` and starting the next send can be one statement.

    On PostgreSQL, when every send went well (the usual case): a failure also
    touches channels and retry counts, and takes the general road.
    """
    return transaction.get_connection().vendor == "postgresql" and not any(
        outcome.failed for _row, outcome in pending.sent
    )


def finish_and_start(pending: Sent, row: Delivery, now: datetime) -> bool:
    """Mark `pending`'s Deliveries sent and `row` sending, in one statement.

    One statement is atomic on its own, so outside a transaction this is one
    round trip instead of four (BEGIN, two UPDATEs, COMMIT): the same writes as
    `record` + the queued -> sending update, with the same conditions.
    """
    table = Delivery._meta.db_table
    start = (
        f"UPDATE {table} SET status = %s, updated_at = %s "  # noqa: S608 - names, not input
        "WHERE id = %s AND status = %s AND claim = %s"
    )
    params: list[Any] = [DeliveryStatus.SENDING, now, row.pk, DeliveryStatus.QUEUED, row.claim]
    if pending.sent:
        values = ", ".join(["(%s::bigint, %s::jsonb)"] * len(pending.sent))
        sql = (
            f"WITH finished AS (UPDATE {table} AS d SET status = %s, "  # noqa: S608
            "channels_done = v.done, error = '', sent_at = %s, updated_at = %s "
            f"FROM (VALUES {values}) AS v(id, done) WHERE d.id = v.id AND d.status = %s "
            f"RETURNING d.id) {start}"
        )
        done: list[Any] = []
        for sent_row, outcome in pending.sent:
            done += [sent_row.pk, json.dumps(outcome.done)]
        params = [DeliveryStatus.SENT, now, now, *done, DeliveryStatus.SENDING, *params]
    else:
        sql = start
    with savepoint_if_needed(), transaction.get_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount == 1)


@contextmanager
def relaxed_commits() -> Iterator[None]:
    """On PostgreSQL, don't wait for the disk when a commit in this block is made.

    For marking a Delivery "sending" and saving how a send went: another worker
    sees each commit at once; only a crash of the database server within a
    fraction of a second could lose one (see the module docstring for what that
    costs). It saves a disk flush per reminder, which was most of a reminder's
    time. Set for the session, not per transaction, to spare a statement per
    reminder; reset on the way out, so the next chunk's claims wait for the disk.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except Exception:
            # A broken connection is closed and opened again, with the default.
            log.exception("resetting synchronous_commit")


def move_held(moves: list[Reminder], until: datetime, token: uuid.UUID) -> None:
    """`bulk_update` for PostgreSQL, from a VALUES list: building its CASE
    expressions took longer than the database took to run them."""
    rows = ", ".join(["(%s, %s::timestamptz, %s, %s)"] * len(moves))
    params: list[Any] = [v for m in moves for v in (m.pk, m.next_at, m.slot, m.attempts)]
    table = Reminder._meta.db_table
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET next_at = v.next_at, slot = v.slot, attempts = v.attempts "  # noqa: S608 - the table name is ours
            f"FROM (VALUES {rows}) AS v(id, next_at, slot, attempts) "
            "WHERE r.id = v.id AND r.next_at = %s AND r.claim = %s",
            [*params, until, token],
        )


def settings_of(owner: User) -> NudgeSettings | None:
    try:
        return owner.nudge_settings
    except NudgeSettings.DoesNotExist:
        return None


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


def channels_ok(found: list[Channel]) -> None:
    """Clear the trouble of channels a send went through, in one statement.

    A channel with nothing to clear is not written: the Delivery rows already
    say what went out, and a write per send would double the worker's writes.
    """
    ids = [
        c.pk
        for c in found
        if c.fail_count or c.failing_since or c.last_error or c.last_ok_at is None
    ]
    if ids:
        Channel.objects.filter(pk__in=ids).update(
            last_ok_at=timezone.now(), failing_since=None, fail_count=0, last_error=""
        )


def channel_failed(channel: Channel, error: str) -> None:
    if channel.pk:
        Channel.objects.filter(pk=channel.pk).update(
            fail_count=F("fail_count") + 1, last_error=error[:300]
        )
