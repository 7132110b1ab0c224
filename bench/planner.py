"""`python -m bench.run --only planner`: the reminder worker with 100,000 people.

1. Write 100,000 people, each with reminder settings (a daily step at a time of
   their own), an email channel and a daily Reminder due some time tomorrow.
2. Make 0, then 1,000, then 10,000 of them due now, and time one planner pass
   each: `Worker.run_once()` until nothing is due, with channels stubbed by an
   in-process sink that records what would have been sent.
3. Check that each due reminder was sent once, and show the plan PostgreSQL
   uses to find what is due (the partial index `reminder_due`).
4. With `--profile`, one more pass of 2,000 due under cProfile (not timed).

The pass's work follows the number due: the people whose reminders aren't due
are never read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.run import Row

PEOPLE = 100_000
DUE_CASES = (0, 1_000, 10_000)
PASS_TARGET_MS = 30_000.0
# Due reminders in the extra pass `--profile` runs under cProfile.
PROFILED = 2_000
CHUNK = 5_000


class Sink:
    """Stands in for email, apprise and web push: records, sends nothing."""

    def __init__(self) -> None:
        self.sent: list[tuple[int | None, str]] = []

    def __call__(self, channel: Any, message: Any) -> None:
        self.sent.append((channel.pk, message.title))


def generate_people(count: int = PEOPLE) -> None:
    """`count` people with a daily step, an email channel and a reminder due tomorrow."""
    from datetime import time as clock

    from django.db import transaction
    from django.utils import timezone

    from kithkin.accounts.models import User
    from kithkin.nudges.models import Channel, NudgeSettings, Reminder

    now = timezone.now()
    tomorrow = now + timedelta(days=1)
    for start in range(0, count, CHUNK):
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"planner{n}",
                        email=f"planner{n}@example.org",
                        password="!",  # noqa: S106 - an unusable password
                        timezone="UTC",
                        onboarded_at=now,
                    )
                    for n in range(start, min(start + CHUNK, count))
                ]
            )
            NudgeSettings.objects.bulk_create(
                [
                    NudgeSettings(owner=u, daily_at=clock((u.pk * 7) % 24, (u.pk * 13) % 60))
                    for u in users
                ]
            )
            Channel.objects.bulk_create(
                [Channel(owner=u, kind="email", target=u.email) for u in users]
            )
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        owner=u,
                        kind="daily",
                        next_at=tomorrow + timedelta(seconds=(u.pk * 37) % 86_400),
                        slot=(tomorrow.date()).isoformat(),
                    )
                    for u in users
                ]
            )


def make_due(count: int, skip: int) -> None:
    """Bring `count` reminders to now, for today's slot, passing over the first `skip`
    (people who had today's reminder already: the daily cap would skip them)."""
    from django.utils import timezone

    from kithkin.nudges.models import Reminder

    if not count:
        return
    now = timezone.now()
    ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True)[skip : skip + count])
    for start in range(0, len(ids), CHUNK):
        Reminder.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            next_at=now - timedelta(minutes=1), slot=now.date().isoformat()
        )


def one_pass(worker: Any) -> int:
    handled = 0
    while True:
        n = worker.run_once()
        handled += n
        if n == 0:
            return handled


def explain_due() -> str:
    from django.db import connection
    from django.utils import timezone

    from kithkin.nudges.models import Reminder

    if connection.vendor != "postgresql":
        return ""
    query = Reminder.objects.filter(next_at__lte=timezone.now()).order_by("next_at")[:100]
    return str(query.values_list("pk", "next_at").explain())


def bench_planner(rows: list[Row], profile: bool = False) -> None:
    from django.db import connection

    from bench.run import Row, analyze, profile_report, timed
    from kithkin.nudges.models import Delivery
    from kithkin.nudges.worker import Worker

    _, ms, n = timed(generate_people)
    print(f"wrote {PEOPLE:,} people in {ms / 1000:.0f} s", flush=True)
    rows.append(Row(f"generate {PEOPLE:,} people with a daily reminder", ms, queries=n))
    if connection.vendor == "postgresql":
        analyze()
    print("how the worker finds what is due:\n" + (explain_due() or "(SQLite: not shown)"))
    sink = Sink()
    worker = Worker(send=sink, batch=500)
    for n, due in enumerate(DUE_CASES):
        make_due(due, sum(DUE_CASES[:n]))
        before = len(sink.sent)
        handled, ms, n = timed(lambda: one_pass(worker))
        sent = len(sink.sent) - before
        if handled != due or sent != due:
            raise SystemExit(f"bench: {due} due, but {handled} handled and {sent} sent")
        per = f", {ms / due:.2f} ms each" if due else ""
        print(f"{due:,} due: {ms / 1000:.1f} s, {n:,} queries", flush=True)
        rows.append(
            Row(
                f"planner pass: {due:,} due of {PEOPLE:,} people{per}",
                ms,
                queries=n,
                target_ms=PASS_TARGET_MS,
            )
        )
    if profile:
        # Not in the table: the profiler slows it down.
        make_due(PROFILED, sum(DUE_CASES))
        profile_report(lambda: one_pass(worker), f"planner pass: {PROFILED:,} due", top=40)
        sink.sent = sink.sent[:-PROFILED]
    recorded = Delivery.objects.filter(status="sent").count() - (PROFILED if profile else 0)
    channels = len({pk for pk, _ in sink.sent})
    print(f"deliveries recorded: {recorded:,}; sends: {len(sink.sent):,} to {channels:,} channels")
    if not recorded == len(sink.sent) == channels == sum(DUE_CASES):
        raise SystemExit("bench: what was sent doesn't match what was due, once each")
