from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle import actions, cadence
from kithkin.circle.models import Interaction, Person, Ring
from kithkin.circle.tests.factories import contact, person

pytestmark = pytest.mark.django_db


def _fresh(p: Person) -> Person:
    return Person.objects.get(pk=p.pk)


def test_a_new_person_is_due_a_cadence_after_being_added(alice: User) -> None:
    with time_machine.travel("2026-11-22 09:00Z", tick=False):
        sam = person(alice, "Sam", Ring.INNER)
    assert sam.last_contact_at is None
    # Alice lives in London; inner circle: every 7 days.
    assert sam.next_due_at == cadence.next_due(sam.created_at, 7, alice.zone)


def test_any_contact_in_either_direction_resets_the_clock(alice: User) -> None:
    sam = person(alice, "Sam", Ring.CLOSE)
    i = contact(alice, [sam], days_ago=3, initiated_by="them")
    sam = _fresh(sam)
    assert sam.last_contact_at == i.happened_at
    assert sam.next_due_at == cadence.next_due(i.happened_at, 14, alice.zone)


def test_a_back_dated_contact_never_moves_the_last_contact_back(alice: User) -> None:
    sam = person(alice, "Sam")
    recent = contact(alice, [sam], days_ago=1)
    contact(alice, [sam], days_ago=40)
    assert _fresh(sam).last_contact_at == recent.happened_at


def test_a_reply_is_owed_until_answered(alice: User) -> None:
    sam = person(alice, "Sam")
    incoming = contact(alice, [sam], days_ago=2, initiated_by="them", awaiting_reply=True)
    assert _fresh(sam).reply_owed_since == incoming.happened_at
    # Something of mine from before their message doesn't answer it.
    contact(alice, [sam], days_ago=5, initiated_by="me")
    assert _fresh(sam).reply_owed_since == incoming.happened_at
    answer = contact(alice, [sam], days_ago=0, initiated_by="me")
    assert _fresh(sam).reply_owed_since is None

    # Taking the answer back makes the reply owed again; undo answers it again.
    actions.do_delete_interaction(answer)
    assert _fresh(sam).reply_owed_since == incoming.happened_at
    actions.do_undo_delete(Interaction.objects.get(pk=answer.pk))
    assert _fresh(sam).reply_owed_since is None
    # So does turning the answer into something they started.
    actions.do_update_interaction(Interaction.objects.get(pk=answer.pk), initiated_by="them")
    assert _fresh(sam).reply_owed_since == incoming.happened_at


def test_reply_owed_follows_every_kind_of_edit(alice: User) -> None:
    sam = person(alice, "Sam")
    theirs = contact(alice, [sam], days_ago=3, initiated_by="them", awaiting_reply=True)
    first = contact(alice, [sam], days_ago=2, initiated_by="me")
    second = contact(alice, [sam], days_ago=1, initiated_by="me")
    # Deleting one answer leaves the other.
    actions.do_delete_interaction(first)
    assert _fresh(sam).reply_owed_since is None
    # Their message moved after my replies: owed again.
    actions.do_update_interaction(theirs, happened_at=timezone.now() - timedelta(hours=1))
    assert _fresh(sam).reply_owed_since == Interaction.objects.get(pk=theirs.pk).happened_at
    # Moved back before them: answered.
    actions.do_update_interaction(theirs, happened_at=second.happened_at - timedelta(days=3))
    assert _fresh(sam).reply_owed_since is None
    # An old, answered message marked as waiting later is still answered.
    actions.do_update_interaction(theirs, awaiting_reply=True)
    assert _fresh(sam).reply_owed_since is None
    # Deleting my answer and undoing it brings back exactly the same state.
    actions.do_delete_interaction(second)
    assert _fresh(sam).reply_owed_since == Interaction.objects.get(pk=theirs.pk).happened_at
    actions.do_undo_delete(Interaction.objects.get(pk=second.pk))
    assert _fresh(sam).reply_owed_since is None


def test_a_group_message_answered_to_one_person_is_still_owed_to_the_other(
    alice: User,
) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    group = contact(alice, [sam, ana], days_ago=2, initiated_by="them", awaiting_reply=True)
    contact(alice, [sam], days_ago=1, initiated_by="me")
    assert _fresh(sam).reply_owed_since is None
    assert _fresh(ana).reply_owed_since == group.happened_at


def test_rhythm_and_pauses_move_the_due_date(alice: User) -> None:
    sam = person(alice, "Sam", Ring.INNER)
    last = contact(alice, [sam], days_ago=1).happened_at
    sam = _fresh(sam)
    sam.cadence_days = 30
    actions.do_save_person(sam)
    assert sam.next_due_at == cadence.next_due(last, 30, alice.zone)
    sam.paused_until = date.today() + timedelta(days=60)
    actions.do_save_person(sam)
    assert sam.next_due_at.astimezone(alice.zone).date() > sam.paused_until


def test_a_group_contact_counts_for_everyone_in_it(alice: User) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    i = contact(alice, [sam, ana], channel="in_person", size="main")
    assert _fresh(sam).last_contact_at == _fresh(ana).last_contact_at == i.happened_at


def test_moving_a_contact_to_someone_else_refreshes_both(alice: User) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    i = contact(alice, [sam])
    actions.do_update_interaction(i, people=[ana])
    assert _fresh(sam).last_contact_at is None
    assert _fresh(ana).last_contact_at == i.happened_at


def test_delete_can_be_undone_for_a_while(alice: User) -> None:
    sam = person(alice, "Sam")
    older = contact(alice, [sam], days_ago=10)
    newer = contact(alice, [sam], days_ago=1)
    actions.do_delete_interaction(newer)
    assert _fresh(sam).last_contact_at == older.happened_at
    assert actions.do_undo_delete(Interaction.objects.get(pk=newer.pk))
    assert _fresh(sam).last_contact_at == newer.happened_at

    actions.do_delete_interaction(newer)
    with time_machine.travel(timezone.now() + actions.UNDO_WINDOW + timedelta(minutes=1)):
        assert not actions.do_undo_delete(Interaction.objects.get(pk=newer.pk))
        # The next delete clears rows whose undo window has passed.
        actions.do_delete_interaction(older)
    assert not Interaction.objects.filter(pk=newer.pk).exists()
    assert Interaction.objects.filter(pk=older.pk).exists()


def test_someone_elses_person_is_refused(alice: User, charlie: User) -> None:
    sam = person(alice, "Sam")
    with pytest.raises(PermissionError):
        actions.do_log_interaction(charlie, [sam], channel="text")
    assert not Interaction.objects.filter(owner=charlie).exists()


def test_refreshing_many_people_takes_a_fixed_number_of_queries(
    alice: User, django_assert_max_num_queries
) -> None:
    people = [person(alice, f"P{n}") for n in range(40)]
    for p in people[:20]:
        contact(alice, [p], days_ago=3)
    Person.objects.filter(owner=alice).update(next_due_at=None)
    with django_assert_max_num_queries(6):
        actions.refresh_people(alice, [p.pk for p in people])
    assert not Person.objects.filter(owner=alice, next_due_at__isnull=True).exists()


def test_the_timeline_copy_of_the_time_follows_edits(alice: User) -> None:
    from kithkin.circle.models import InteractionPerson

    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    i = contact(alice, [sam, ana], days_ago=1)
    earlier = i.happened_at - timedelta(days=5)
    actions.do_update_interaction(i, happened_at=earlier)
    assert set(InteractionPerson.objects.values_list("happened_at", flat=True)) == {earlier}
    assert _fresh(sam).last_contact_at == earlier
