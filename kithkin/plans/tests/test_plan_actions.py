from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.circle.models import Interaction, InteractionPerson, Person
from kithkin.plans import actions
from kithkin.plans.models import Occurrence, Plan
from kithkin.plans.recurrence import RecurrenceError
from kithkin.plans.tests.factories import weekly_plan

pytestmark = pytest.mark.django_db

NOW = "2026-03-09 12:00Z"  # Monday 9 March 2026
SUNDAY = "2026-03-08T18:00:00Z"


def _at(key: str) -> datetime:
    at = actions.parse_key(key)
    assert at is not None
    return at


@pytest.fixture
def reschedules(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, int]]:
    calls: list[tuple[int, str, int]] = []
    monkeypatch.setattr(
        "kithkin.nudges.hooks.reschedule",
        lambda *args: calls.append(tuple(args)),
    )
    return calls


# --- "It happened" ---------------------------------------------------------------------


def test_done_logs_one_contact_with_the_plans_people_and_the_feeling(
    alice_client: Client, alice: User
) -> None:
    mum = Person.objects.create(owner=alice, name="Mum")
    ana = Person.objects.create(owner=alice, name="Ana")
    plan = weekly_plan(alice, [mum, ana])
    data = {"start": SUNDAY, "channel": "video", "feeling": "lifted", "back": "plan"}
    with time_machine.travel(NOW, tick=False):
        r = alice_client.post(f"/plans/{plan.pk}/done/", data)
        assert r.status_code == 302
        alice_client.post(f"/plans/{plan.pk}/done/", data)  # a second tap
    interaction = Interaction.objects.get()
    assert (interaction.owner, interaction.channel, interaction.feeling_after) == (
        alice,
        "video",
        "lifted",
    )
    assert interaction.size == "main" and interaction.note == "Call Mum"
    assert interaction.happened_at == _at(SUNDAY)
    assert set(InteractionPerson.objects.values_list("person_id", flat=True)) == {mum.pk, ana.pk}
    row = Occurrence.objects.get()
    assert row.owner == alice and row.interaction == interaction and row.done_at is not None
    mum.refresh_from_db()
    assert mum.last_contact_at == _at(SUNDAY)


def test_done_defaults_to_in_person_with_a_place_and_a_call_without(
    alice: User,
) -> None:
    with time_machine.travel(NOW, tick=False):
        call = actions.do_mark_done(alice, weekly_plan(alice), _at(SUNDAY))
        walk = actions.do_mark_done(alice, weekly_plan(alice, place="Park"), _at(SUNDAY))
    assert call.interaction is not None and call.interaction.channel == "call"
    assert walk.interaction is not None and walk.interaction.channel == "in_person"


def test_done_with_htmx_returns_the_occurrence_and_can_be_taken_back(
    alice_client: Client, alice: User
) -> None:
    plan = weekly_plan(alice)
    htmx = {"HX-Request": "true"}
    with time_machine.travel(NOW, tick=False):
        r = alice_client.post(f"/plans/{plan.pk}/done/", {"start": SUNDAY}, headers=htmx)
        assert "It happened." in r.content.decode() and "<html" not in r.content.decode()
        r = alice_client.post(
            f"/plans/{plan.pk}/done/", {"start": SUNDAY, "undo": "1"}, headers=htmx
        )
    assert r.status_code == 200
    assert not Occurrence.objects.exists()
    assert Interaction.objects.get().deleted_at is not None
    # Marking it again after taking it back logs it again, once.
    with time_machine.travel(NOW, tick=False):
        actions.do_mark_done(alice, plan, _at(SUNDAY))
        actions.do_mark_done(alice, plan, _at(SUNDAY))
    assert Interaction.objects.live().count() == 1


def test_taking_done_back_keeps_the_answer(alice: User) -> None:
    plan = weekly_plan(alice)
    with time_machine.travel(NOW, tick=False):
        actions.do_rsvp(alice, plan, _at(SUNDAY), "going")
        actions.do_mark_done(alice, plan, _at(SUNDAY))
        actions.do_undo_done(alice, plan, _at(SUNDAY))
    row = Occurrence.objects.get()
    assert (row.rsvp, row.done_at, row.interaction) == ("going", None, None)


def test_a_time_still_to_come_cant_be_marked_done(alice_client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    with time_machine.travel("2026-03-08 12:00Z", tick=False):
        r = alice_client.post(f"/plans/{plan.pk}/done/", {"start": SUNDAY})
    assert r.status_code == 302
    assert not Interaction.objects.exists() and not Occurrence.objects.exists()


def test_a_feeling_given_later_is_added_to_the_same_contact(alice: User) -> None:
    plan = weekly_plan(alice)
    with time_machine.travel(NOW, tick=False):
        actions.do_mark_done(alice, plan, _at(SUNDAY))
        actions.do_mark_done(alice, plan, _at(SUNDAY), feeling="drained")
    assert Interaction.objects.get().feeling_after == "drained"


def test_a_skipped_time_is_never_logged_or_counted(alice: User) -> None:
    plan = weekly_plan(alice)
    actions.do_rsvp(alice, plan, _at(SUNDAY), "skip")
    assert not Interaction.objects.exists()
    row = Occurrence.objects.get()
    assert row.rsvp == "skip" and row.done_at is None


# --- Cancel one, end, delete, and reminders --------------------------------------------


def test_cancel_one_takes_out_just_that_time_and_can_bring_it_back(
    alice_client: Client, alice: User, reschedules: list[tuple[int, str, int]]
) -> None:
    plan = weekly_plan(alice)
    reschedules.clear()
    with time_machine.travel("2026-03-05 12:00Z", tick=False):
        r = alice_client.post(f"/plans/{plan.pk}/cancel-one/", {"start": SUNDAY})
        assert r.status_code == 302
        plan.refresh_from_db()
        assert plan.exdates == ["2026-03-08T18:00"] and plan.sequence == 1
        assert [o.local.date() for o in actions.upcoming(alice, days=14)] == [date(2026, 3, 15)]
        page = alice_client.get(f"/plans/{plan.pk}/").content.decode()
        assert "Bring it back" in page
        alice_client.post(f"/plans/{plan.pk}/cancel-one/", {"start": SUNDAY, "restore": "1"})
    plan.refresh_from_db()
    assert plan.exdates == [] and plan.sequence == 2
    assert reschedules == [(alice.pk, "plan", plan.pk)] * 2


def test_cancel_one_in_the_spring_forward_gap_names_the_local_start(alice: User) -> None:
    plan = weekly_plan(
        alice, rrule="FREQ=DAILY", start_date=date(2026, 3, 28), start_time=time(1, 30)
    )
    gap = _at("2026-03-29T01:30:00Z")  # 02:30 BST: 01:30 didn't happen that day
    assert actions.do_cancel_occurrence(plan, gap)
    assert plan.exdates == ["2026-03-29T01:30"]
    assert actions.occurrence_at(plan, gap) is None


def test_saving_checks_the_rule_and_writes_nothing_when_it_cant_be_used(alice: User) -> None:
    with pytest.raises(RecurrenceError):
        weekly_plan(alice, rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    with pytest.raises(RecurrenceError):
        weekly_plan(alice, timezone="Nowhere/Special")
    assert not Plan.objects.exists()


def test_saving_refuses_someone_elses_person(alice: User, bob: User) -> None:
    theirs = Person.objects.create(owner=bob, name="Bob's friend")
    with pytest.raises(PermissionError):
        weekly_plan(alice, [theirs])
    assert not Plan.objects.exists()


def test_every_change_to_when_reschedules_the_reminder(
    alice: User, bob: User, reschedules: list[tuple[int, str, int]]
) -> None:
    plan = weekly_plan(alice)
    actions.do_join(bob, plan)
    plan.title = "Sunday call"
    actions.do_save_plan(plan)
    with time_machine.travel(NOW, tick=False):
        actions.do_end_plan(plan)
    pk = plan.pk
    actions.do_delete_plan(plan)
    owner, guest = (alice.pk, "plan", pk), (bob.pk, "plan", pk)
    assert reschedules == [owner, guest, owner, guest, owner, guest, owner, guest]


def test_upcoming_lists_own_and_joined_plans_in_five_queries(
    alice: User, bob: User, django_assert_num_queries: Any
) -> None:
    mine = weekly_plan(alice)
    theirs = weekly_plan(
        bob, title="Bob's walk", rrule="FREQ=WEEKLY;BYDAY=SA", start_date=date(2026, 3, 7)
    )
    actions.do_join(alice, theirs)
    actions.do_rsvp(bob, theirs, _at("2026-03-14T22:00:00Z"), "going")
    actions.do_rsvp(alice, theirs, _at("2026-03-14T22:00:00Z"), "maybe")
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(5):
        found = actions.upcoming(alice, days=7)
    assert [(o.plan.pk, o.mine, o.rsvp) for o in found] == [
        (theirs.pk, False, "maybe"),  # Saturday 14 March, 18:00 in New York
        (mine.pk, True, ""),
    ]
    assert found[0].local.hour == 22 and found[0].at.hour == 18


def test_the_owner_sees_each_guests_answer(alice: User, bob: User) -> None:
    bob.first_name = "Robert"
    bob.save()
    plan = weekly_plan(alice)
    actions.do_join(bob, plan)
    actions.do_rsvp(bob, plan, _at("2026-03-15T18:00:00Z"), "going")
    with time_machine.travel(NOW, tick=False):
        found = actions.upcoming(alice, days=7)
    assert [o.guests for o in found] == [[("Robert", "going")]]


# --- Edits that move the time ----------------------------------------------------------


def _answers(plan: Plan) -> list[tuple[str, str, str, bool]]:
    return [
        (o.owner.username, actions.occurrence_key(o.starts_at), o.rsvp, o.done_at is not None)
        for o in Occurrence.objects.filter(plan=plan).select_related("owner").order_by("pk")
    ]


def test_answers_done_and_cancelled_times_follow_a_new_time_of_day(alice: User, bob: User) -> None:
    plan = weekly_plan(alice)
    actions.do_join(bob, plan)
    with time_machine.travel(NOW, tick=False):
        actions.do_mark_done(alice, plan, _at(SUNDAY))
        actions.do_rsvp(alice, plan, _at("2026-03-15T18:00:00Z"), "going")
        actions.do_rsvp(bob, plan, _at("2026-03-15T18:00:00Z"), "maybe")
        actions.do_cancel_occurrence(plan, _at("2026-03-22T18:00:00Z"))
        plan.start_time = time(19, 0)
        actions.do_save_plan(plan)
        assert _answers(plan) == [
            ("alice", "2026-03-08T19:00:00Z", "", True),
            ("alice", "2026-03-15T19:00:00Z", "going", False),
            ("bob", "2026-03-15T19:00:00Z", "maybe", False),
        ]
        assert plan.exdates == ["2026-03-22T19:00"]
        # Last Sunday still shows as done, so it can't be logged twice.
        recent = actions.recent_occurrences(alice, plan, True)
        assert [(o.key, o.done) for o in recent] == [
            ("2026-03-08T19:00:00Z", True),
            ("2026-03-01T19:00:00Z", False),
        ]
        ahead = actions.next_occurrences(alice, plan, True, count=2)
        assert [(o.key, o.rsvp) for o in ahead] == [
            ("2026-03-15T19:00:00Z", "going"),
            ("2026-03-29T18:00:00Z", ""),  # 19:00 BST from 29 March; the 22nd stays off
        ]
    assert Interaction.objects.filter(owner=alice).count() == 1


def test_answers_follow_a_new_time_zone_on_the_same_local_day(alice: User) -> None:
    plan = weekly_plan(alice)
    actions.do_rsvp(alice, plan, _at("2026-03-15T18:00:00Z"), "skip")
    plan.timezone = "America/New_York"
    actions.do_save_plan(plan)
    # Sunday 15 March, 18:00 EDT (clocks went forward on the 8th in New York).
    assert _answers(plan) == [("alice", "2026-03-15T22:00:00Z", "skip", False)]


def test_answers_stay_put_when_their_day_is_no_longer_in_the_plan(alice: User) -> None:
    plan = weekly_plan(alice)
    with time_machine.travel(NOW, tick=False):
        actions.do_mark_done(alice, plan, _at(SUNDAY))
    plan.rrule, plan.start_date = "FREQ=WEEKLY;BYDAY=MO", date(2026, 3, 2)
    actions.do_save_plan(plan)
    assert _answers(plan) == [("alice", SUNDAY, "", True)]
    assert Interaction.objects.filter(owner=alice, deleted_at__isnull=True).count() == 1
