"""The worker: claims, once-only deliveries, retries, and the daily rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.nudges import schedule
from kithkin.nudges.channels import SendError
from kithkin.nudges.messages import Message
from kithkin.nudges.models import Channel, Delivery, NudgeSettings, Reminder
from kithkin.nudges.worker import Batch, Worker
from kithkin.plans.models import Plan


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


class Sink:
    """Records what would have been sent; fails for targets in `failing`."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failing: set[str] = set()

    def __call__(self, channel: Channel, message: Message) -> None:
        if channel.target in self.failing:
            raise SendError("ntfy answered 401: check the topic, token or password.")
        self.sent.append((channel.target, message.title))


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def worker(sink: Sink) -> Worker:
    return Worker(send=sink)


@pytest.fixture
def daily_alice(alice: User) -> User:
    """Alice (London) asks for a step at 9:00 by email; set up on Sunday 22 November 2026."""
    with time_machine.travel(utc(2026, 11, 22, 12), tick=False):
        NudgeSettings.objects.create(owner=alice, daily_at=time(9))
        Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
        schedule.refresh(alice.pk, "daily")
    return alice


def run_at(worker: Worker, when: datetime) -> int:
    with time_machine.travel(when, tick=False):
        return worker.run_once()


def test_it_schedules_the_daily_step(daily_alice: User) -> None:
    reminder = Reminder.objects.get(owner=daily_alice, kind="daily")
    # Monday 23 November, 9:00 GMT.
    assert reminder.next_at == utc(2026, 11, 23, 9)
    assert reminder.slot == "2026-11-23"


def test_it_lets_only_one_claim_win(daily_alice: User, worker: Worker) -> None:
    reminder = Reminder.objects.get(owner=daily_alice)
    assert reminder.next_at is not None
    first = worker.claim(reminder.pk, reminder.next_at)
    second = worker.claim(reminder.pk, reminder.next_at)
    assert first is not None
    assert second is None


def test_it_sends_the_daily_step_once_and_schedules_tomorrow(
    daily_alice: User, worker: Worker, sink: Sink
) -> None:
    assert run_at(worker, utc(2026, 11, 23, 8, 59)) == 0
    assert run_at(worker, utc(2026, 11, 23, 9, 0, 5)) == 1
    assert len(sink.sent) == 1
    assert sink.sent[0][0] == "alice@example.org"
    delivery = Delivery.objects.get(owner=daily_alice)
    assert (delivery.kind, delivery.slot, delivery.status) == ("daily", "2026-11-23", "sent")
    reminder = Reminder.objects.get(owner=daily_alice)
    assert (reminder.next_at, reminder.slot) == (utc(2026, 11, 24, 9), "2026-11-24")


def test_it_never_sends_a_slot_twice(daily_alice: User, worker: Worker, sink: Sink) -> None:
    run_at(worker, utc(2026, 11, 23, 9, 1))
    # As if a second worker had read the row before the first one moved it on.
    Reminder.objects.filter(owner=daily_alice).update(
        next_at=utc(2026, 11, 23, 9), slot="2026-11-23"
    )
    assert run_at(worker, utc(2026, 11, 23, 9, 2)) == 1
    assert len(sink.sent) == 1
    assert Delivery.objects.filter(owner=daily_alice).count() == 1


def test_it_retries_with_backoff_then_gives_up_and_marks_the_channel(
    daily_alice: User, worker: Worker, sink: Sink
) -> None:
    sink.failing.add("alice@example.org")
    at = utc(2026, 11, 23, 9, 0)
    waits = []
    for _ in range(4):
        run_at(worker, at)
        reminder = Reminder.objects.get(owner=daily_alice)
        assert reminder.slot == "2026-11-23"
        assert reminder.next_at is not None
        waits.append(reminder.next_at - at)
        at = reminder.next_at
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
    ]
    channel = Channel.objects.get(owner=daily_alice)
    assert channel.failing_since is None
    assert channel.fail_count == 4
    # The fifth failure: given up, shown on the channel, and on to tomorrow.
    run_at(worker, at)
    delivery = Delivery.objects.get(owner=daily_alice)
    assert (delivery.status, delivery.attempts) == ("failed", 5)
    assert "401" in delivery.error
    channel.refresh_from_db()
    assert channel.failing_since == at
    assert "401" in channel.last_error
    reminder = Reminder.objects.get(owner=daily_alice)
    assert (reminder.next_at, reminder.slot, reminder.attempts) == (
        utc(2026, 11, 24, 9),
        "2026-11-24",
        0,
    )
    assert sink.sent == []

    # The next day it works: the channel is clear again.
    sink.failing.clear()
    run_at(worker, utc(2026, 11, 24, 9, 0))
    channel.refresh_from_db()
    assert (channel.failing_since, channel.fail_count, channel.last_error) == (None, 0, "")
    assert channel.last_ok_at == utc(2026, 11, 24, 9)
    assert len(sink.sent) == 1


def test_it_sends_a_retry_only_to_the_channels_that_missed_it(
    daily_alice: User, worker: Worker, sink: Sink
) -> None:
    Channel.objects.create(owner=daily_alice, kind="apprise", target="ntfy://topic")
    sink.failing.add("ntfy://topic")
    run_at(worker, utc(2026, 11, 23, 9, 0))
    assert sink.sent == [("alice@example.org", sink.sent[0][1])]
    sink.failing.clear()
    run_at(worker, utc(2026, 11, 23, 9, 1))
    assert [target for target, _ in sink.sent] == ["alice@example.org", "ntfy://topic"]
    delivery = Delivery.objects.get(owner=daily_alice)
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_it_marks_a_send_cut_short_as_uncertain_and_never_resends(
    daily_alice: User, worker: Worker, sink: Sink
) -> None:
    # A worker claimed 9:00's reminder, wrote "sending" and died.
    Delivery.objects.create(
        owner=daily_alice,
        kind="daily",
        slot="2026-11-23",
        status="sending",
        attempts=1,
        created_at=utc(2026, 11, 23, 9),
        updated_at=utc(2026, 11, 23, 9),
    )
    # Its lease ran out: the reminder is due again.
    run_at(worker, utc(2026, 11, 23, 9, 6))
    delivery = Delivery.objects.get(owner=daily_alice)
    assert delivery.status == "uncertain"
    assert sink.sent == []
    assert Reminder.objects.get(owner=daily_alice).slot == "2026-11-24"
    # And again later: still not sent.
    Reminder.objects.filter(owner=daily_alice).update(
        next_at=utc(2026, 11, 23, 9), slot="2026-11-23"
    )
    run_at(worker, utc(2026, 11, 23, 10))
    assert sink.sent == []


def test_it_leaves_a_send_in_progress_alone(daily_alice: User, worker: Worker, sink: Sink) -> None:
    Delivery.objects.create(
        owner=daily_alice,
        kind="daily",
        slot="2026-11-23",
        status="sending",
        created_at=utc(2026, 11, 23, 9),
        updated_at=utc(2026, 11, 23, 9),
    )
    run_at(worker, utc(2026, 11, 23, 9, 1))
    assert Delivery.objects.get(owner=daily_alice).status == "sending"
    assert sink.sent == []


@pytest.mark.parametrize(
    ("outcome", "reason"), [("not_today", "not today"), ("done", "already did a step today")]
)
def test_it_skips_the_daily_step_after_not_today_or_a_step_done(
    daily_alice: User, worker: Worker, sink: Sink, outcome: str, reason: str
) -> None:
    from kithkin.today.models import Idea, Suggestion

    idea = Idea.objects.create(
        owner=daily_alice, slug="w", title="Water the plants", effort="tiny", energies=["low"],
        target="self", channel="other", kind="self",
    )  # fmt: skip
    Suggestion.objects.create(
        owner=daily_alice, day=date(2026, 11, 23), energy="low", idea=idea, outcome=outcome
    )
    run_at(worker, utc(2026, 11, 23, 9, 0))
    assert sink.sent == []
    delivery = Delivery.objects.get(owner=daily_alice)
    assert (delivery.status, delivery.error) == ("skipped", reason)
    # Tomorrow is another day.
    run_at(worker, utc(2026, 11, 24, 9, 0))
    assert len(sink.sent) == 1


def test_it_skips_while_paused(daily_alice: User, worker: Worker, sink: Sink) -> None:
    # Paused after the reminder was scheduled, without a refresh: the worker checks too.
    NudgeSettings.objects.filter(owner=daily_alice).update(paused_until=date(2026, 11, 23))
    run_at(worker, utc(2026, 11, 23, 9, 0))
    assert sink.sent == []
    assert Delivery.objects.get(owner=daily_alice).status == "skipped"
    # The pause ends with the 23rd.
    assert Reminder.objects.get(owner=daily_alice).next_at == utc(2026, 11, 24, 9)


def test_it_schedules_around_pause_quiet_days_and_quiet_hours(alice: User) -> None:
    alice.quiet_start, alice.quiet_end, alice.quiet_days = time(22), time(7, 30), [0]
    alice.save()
    with time_machine.travel(utc(2026, 11, 22, 12), tick=False):
        s = NudgeSettings.objects.create(owner=alice, daily_at=time(6))
        schedule.refresh(alice.pk, "daily")
        # Monday is quiet; 6:00 is inside quiet hours, so 7:30 on Tuesday.
        assert Reminder.objects.get(owner=alice).next_at == utc(2026, 11, 24, 7, 30)
        s.paused_until = date(2026, 11, 26)
        s.save()
        schedule.refresh(alice.pk, "daily")
        assert Reminder.objects.get(owner=alice).next_at == utc(2026, 11, 27, 7, 30)
        s.daily_at = None
        s.save()
        schedule.refresh(alice.pk, "daily")
        assert not Reminder.objects.filter(owner=alice).exists()


def test_it_skips_a_reminder_a_day_late(daily_alice: User, worker: Worker, sink: Sink) -> None:
    # The worker was stopped for two days.
    run_at(worker, utc(2026, 11, 25, 12))
    assert sink.sent == []
    assert Delivery.objects.get(owner=daily_alice).error == "late"
    assert Reminder.objects.get(owner=daily_alice).next_at == utc(2026, 11, 26, 9)


def make_plan(owner: User, remind: int = 30) -> Plan:
    return Plan.objects.create(
        owner=owner,
        title="Call Mum",
        rrule="FREQ=WEEKLY;BYDAY=SU",
        start_date=date(2026, 11, 1),
        start_time=time(18),
        timezone="Europe/London",
        remind_minutes=remind,
    )


def test_it_schedules_plan_reminders_and_passes_over_skipped_ones(daily_alice: User) -> None:
    from kithkin.plans.models import Occurrence

    plan = make_plan(daily_alice)
    with time_machine.travel(utc(2026, 11, 22, 10), tick=False):
        schedule.refresh(daily_alice.pk, "plan", plan.pk)
        reminder = Reminder.objects.get(owner=daily_alice, kind="plan")
        # Sunday 22 November, 18:00 GMT, less 30 minutes.
        assert reminder.next_at == utc(2026, 11, 22, 17, 30)
        assert reminder.slot == f"{plan.pk}@2026-11-22T18:00:00Z"
        Occurrence.objects.create(
            owner=daily_alice, plan=plan, starts_at=utc(2026, 11, 22, 18), rsvp="skip"
        )
        schedule.refresh(daily_alice.pk, "plan", plan.pk)
        reminder.refresh_from_db()
        assert reminder.next_at == utc(2026, 11, 29, 17, 30)
        # Cancelled (an exception date), the one after that.
        plan.exdates = ["2026-11-29T18:00"]
        plan.save()
        schedule.refresh(daily_alice.pk, "plan", plan.pk)
        reminder.refresh_from_db()
        assert reminder.next_at == utc(2026, 12, 6, 17, 30)
        plan.ended_at = timezone.now()
        plan.save()
        schedule.refresh(daily_alice.pk, "plan", plan.pk)
        assert not Reminder.objects.filter(owner=daily_alice, kind="plan").exists()


def test_it_sends_a_plan_reminder_within_the_daily_cap(
    daily_alice: User, worker: Worker, sink: Sink
) -> None:
    plan = make_plan(daily_alice)
    with time_machine.travel(utc(2026, 11, 22, 10), tick=False):
        schedule.refresh(daily_alice.pk, "plan", plan.pk)
    run_at(worker, utc(2026, 11, 22, 17, 30))
    assert sink.sent == [("alice@example.org", "Coming up: Call Mum")]
    # Monday's daily step is a new day; and a plan on Monday would be over the cap.
    plan2 = make_plan(daily_alice)
    plan2.rrule = ""
    plan2.start_date = date(2026, 11, 23)
    plan2.start_time = time(12)
    plan2.save()
    with time_machine.travel(utc(2026, 11, 23, 8), tick=False):
        schedule.refresh(daily_alice.pk, "plan", plan2.pk)
    run_at(worker, utc(2026, 11, 23, 9, 0))
    run_at(worker, utc(2026, 11, 23, 11, 30))
    assert len(sink.sent) == 2
    capped = Delivery.objects.get(owner=daily_alice, kind="plan", slot__startswith=f"{plan2.pk}@")
    assert (capped.status, capped.error) == ("skipped", "enough for today")


def test_it_sends_more_a_day_when_asked(daily_alice: User, worker: Worker, sink: Sink) -> None:
    NudgeSettings.objects.filter(owner=daily_alice).update(per_day=2)
    plan = make_plan(daily_alice)
    plan.rrule = ""
    plan.start_date = date(2026, 11, 23)
    plan.start_time = time(12)
    plan.save()
    with time_machine.travel(utc(2026, 11, 23, 8), tick=False):
        schedule.refresh(daily_alice.pk, "plan", plan.pk)
    run_at(worker, utc(2026, 11, 23, 9, 0))
    run_at(worker, utc(2026, 11, 23, 11, 30))
    assert len(sink.sent) == 2


def test_it_tells_someone_a_partner_is_thinking_of_them(
    daily_alice: User, worker: Worker, sink: Sink
) -> None:
    from kithkin.partners.models import PartnerNote, Partnership

    p = Partnership.objects.create(owner=daily_alice, name="Ana")
    with time_machine.travel(utc(2026, 11, 22, 15), tick=False):
        note = PartnerNote.objects.create(owner=daily_alice, partnership=p, text="Hi you")
        schedule.refresh(daily_alice.pk, "partner_note", note.pk)
    assert Reminder.objects.get(kind="partner_note").next_at == utc(2026, 11, 22, 15)
    run_at(worker, utc(2026, 11, 22, 15, 0, 3))
    assert sink.sent == [("alice@example.org", "Ana is thinking of you")]
    assert not Reminder.objects.filter(kind="partner_note").exists()
    # Called again later (another write): it's been told already.
    with time_machine.travel(utc(2026, 11, 22, 16), tick=False):
        schedule.refresh(daily_alice.pk, "partner_note", note.pk)
    assert not Reminder.objects.filter(kind="partner_note").exists()


def test_it_keeps_notes_quiet_when_asked(daily_alice: User) -> None:
    from kithkin.partners.models import PartnerNote, Partnership

    NudgeSettings.objects.filter(owner=daily_alice).update(partner_notes=False)
    p = Partnership.objects.create(owner=daily_alice, name="Ana")
    note = PartnerNote.objects.create(owner=daily_alice, partnership=p, text="Hi you")
    schedule.refresh(daily_alice.pk, "partner_note", note.pk)
    assert not Reminder.objects.filter(kind="partner_note").exists()


def test_it_records_nowhere_to_send(daily_alice: User, worker: Worker) -> None:
    Channel.objects.filter(owner=daily_alice).update(enabled=False)
    run_at(worker, utc(2026, 11, 23, 9, 0))
    assert Delivery.objects.get(owner=daily_alice).error == "nowhere to send"


def test_it_refuses_an_unknown_kind(alice: User) -> None:
    with pytest.raises(ValueError, match="unknown reminder kind"):
        schedule.refresh(alice.pk, "weekly_poem", 0)


def daily_people(count: int) -> list[User]:
    """`count` people in London with a 9:00 step by email, set up on Sunday 22 November 2026."""
    people = []
    with time_machine.travel(utc(2026, 11, 22, 12), tick=False):
        for n in range(count):
            user = User.objects.create(username=f"daily{n}", timezone="Europe/London")
            NudgeSettings.objects.create(owner=user, daily_at=time(9))
            Channel.objects.create(
                owner=user,
                kind="email",
                target=f"daily{n}@example.org",
                last_ok_at=utc(2026, 11, 21, 9),
            )
            schedule.refresh(user.pk, "daily")
            people.append(user)
    return people


def test_it_handles_a_due_reminder_in_a_few_queries(
    daily_alice: User, worker: Worker, django_assert_max_num_queries: Any
) -> None:
    # For the pass and its chunk: what is due, three reads for the whole batch,
    # claim, read back the claim, read what was recorded, insert, read back what was
    # queued; at its end, the next times and the channels' first success. For the
    # reminder: to "sending", then "sent". The rest are savepoints (the test's own
    # transaction turns the worker's commits into them) and on PostgreSQL the SET
    # and RESET of synchronous_commit around the commits that don't wait for the disk.
    with django_assert_max_num_queries(23):
        assert run_at(worker, utc(2026, 11, 23, 9, 0, 5)) == 1


def test_it_claims_a_chunk_in_one_go_and_spends_few_statements_a_reminder(
    db: None, worker: Worker, sink: Sink, django_assert_max_num_queries: Any
) -> None:
    people = daily_people(30)
    # One commit per reminder: its outcome ("sent") saved with the next one's
    # "sending", and a savepoint and its release: 4. Claiming and rescheduling one
    # at a time took 9: a claim and an insert in a commit of their own (which also
    # had to wait for the disk), a SET LOCAL and the next time. Eighteen for the
    # pass and its one chunk of 30 (see above).
    with django_assert_max_num_queries(18 + 4 * 30):
        assert run_at(worker, utc(2026, 11, 23, 9, 0, 5)) == 30
    assert sorted(target for target, _ in sink.sent) == sorted(
        f"daily{n}@example.org" for n in range(30)
    )
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Delivery.objects.count() == 30
    assert set(Reminder.objects.filter(owner__in=people).values_list("slot", flat=True)) == {
        "2026-11-24"
    }


def test_it_sends_what_a_stopped_worker_queued_but_never_tried(
    db: None, worker: Worker, sink: Sink
) -> None:
    people = daily_people(3)
    # A worker claimed all three at 9:00 and queued them, then died before sending.
    stopped = Worker(send=sink, lease=timedelta(minutes=5))
    with time_machine.travel(utc(2026, 11, 23, 9, 0), tick=False):
        due = list(Reminder.objects.select_related("owner", "owner__nudge_settings"))
        claimed = stopped.queue(due, Batch.load(due, timezone.now()))
    assert len(claimed) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    # Within the lease nobody else touches them.
    assert run_at(worker, utc(2026, 11, 23, 9, 4)) == 0
    # After it, another worker sends each once.
    assert run_at(worker, utc(2026, 11, 23, 9, 5, 1)) == 3
    assert sorted(target for target, _ in sink.sent) == [f"daily{n}@example.org" for n in range(3)]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    # The dead worker's claim is gone: had it come back, it could send nothing.
    for job in claimed:
        for _, row in job.taken:
            with time_machine.travel(utc(2026, 11, 23, 9, 6), tick=False):
                assert stopped.start_sending(row) is False
    assert len(sink.sent) == 3
    assert {p.pk for p in people} == set(Delivery.objects.values_list("owner", flat=True))


def test_it_tells_a_partner_when_check_ins_stop_at_most_every_three_days(
    alice: User, bob: User, worker: Worker, sink: Sink
) -> None:
    from kithkin.partners.models import Partnership
    from kithkin.wellbeing.models import CheckIn

    Channel.objects.create(owner=bob, kind="email", target="bob@example.org")
    p = Partnership.objects.create(
        owner=alice,
        partner=bob,
        name="Bob",
        accepted_at=utc(2026, 11, 1),
        alert_no_checkin_days=2,
        alert_consent_at=utc(2026, 11, 10),
    )
    CheckIn.objects.create(owner=alice, day=date(2026, 11, 18), mood=3)
    with time_machine.travel(utc(2026, 11, 22, 12), tick=False):
        schedule.refresh(alice.pk, "partner_alert", p.pk)
    reminder = Reminder.objects.get(owner=alice, kind="partner_alert")
    # Looked at 10:00 in Alice's zone (London, GMT).
    assert (reminder.next_at, reminder.slot) == (utc(2026, 11, 23, 10), "2026-11-23")
    for day in (23, 24, 25, 26, 27):
        run_at(worker, utc(2026, 11, day, 10, 0, 1))
    # The 23rd, then not again until three days have passed.
    assert [target for target, _ in sink.sent] == ["bob@example.org", "bob@example.org"]
    assert list(
        Delivery.objects.filter(owner=alice, kind="partner_alert")
        .order_by("created_at")
        .values_list("slot", flat=True)
    ) == [f"{p.pk}:no_checkin:2026-11-23", f"{p.pk}:no_checkin:2026-11-27"]
    # A check-in stops it.
    CheckIn.objects.create(owner=alice, day=date(2026, 11, 28), mood=3)
    run_at(worker, utc(2026, 11, 28, 10, 0, 1))
    assert len(sink.sent) == 2
    # Revoked: nothing scheduled any more.
    p.revoked_at = utc(2026, 11, 28, 11)
    p.save()
    schedule.refresh(alice.pk, "partner_alert", p.pk)
    assert not Reminder.objects.filter(kind="partner_alert").exists()


def test_it_needs_consent_for_partner_alerts(alice: User, bob: User) -> None:
    from kithkin.partners.models import Partnership

    p = Partnership.objects.create(
        owner=alice, partner=bob, name="Bob", accepted_at=utc(2026, 11, 1), alert_no_checkin_days=2
    )
    schedule.refresh(alice.pk, "partner_alert", p.pk)
    assert not Reminder.objects.filter(kind="partner_alert").exists()


def test_it_sends_the_weekly_summary_to_an_email_only_partner(
    alice: User, worker: Worker, sink: Sink
) -> None:
    from kithkin.partners.models import Partnership

    p = Partnership.objects.create(
        owner=alice, name="Ana", email="ana@example.org", weekly_email=True, shares=["mood"]
    )
    with time_machine.travel(utc(2026, 11, 22, 12), tick=False):
        schedule.refresh(alice.pk, "partner_summary", p.pk)
    reminder = Reminder.objects.get(owner=alice, kind="partner_summary")
    # Sunday 18:00 in London.
    assert (reminder.next_at, reminder.slot) == (utc(2026, 11, 22, 18), f"{p.pk}:2026-W47")
    run_at(worker, utc(2026, 11, 22, 18, 0, 1))
    assert [target for target, _ in sink.sent] == ["ana@example.org"]
    assert Reminder.objects.get(owner=alice, kind="partner_summary").slot == f"{p.pk}:2026-W48"


def test_it_hands_back_what_it_had_not_started_when_asked_to_stop(db: None, sink: Sink) -> None:
    daily_people(3)
    stopping = Worker(send=sink, stopping=lambda: len(sink.sent) >= 1)
    # It stops after the first send; the other two are handed back, not left
    # to wait for the lease.
    assert run_at(stopping, utc(2026, 11, 23, 9, 0)) == 3
    assert len(sink.sent) == 1
    assert sorted(Delivery.objects.values_list("status", flat=True)) == [
        "queued",
        "queued",
        "sent",
    ]
    assert not Delivery.objects.filter(status="queued", claim__isnull=False).exists()
    # Another worker a second later (well within the lease) sends them, once each.
    assert run_at(Worker(send=sink), utc(2026, 11, 23, 9, 0, 1)) == 2
    assert sorted(target for target, _ in sink.sent) == [f"daily{n}@example.org" for n in range(3)]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Reminder.objects.values_list("slot", flat=True)) == {"2026-11-24"}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement save is PostgreSQL's"
)
def test_on_postgresql_a_sends_outcome_and_the_next_start_are_one_statement(
    db: None, worker: Worker, sink: Sink
) -> None:
    daily_people(5)
    with CaptureQueriesContext(connection) as ctx:
        assert run_at(worker, utc(2026, 11, 23, 9, 0, 5)) == 5
    # The first send has nothing before it to save; the last one's outcome is
    # saved on its own at the end of the chunk.
    combined = [q for q in ctx.captured_queries if q["sql"].startswith("WITH finished")]
    assert len(combined) == 4
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert len(sink.sent) == 5
