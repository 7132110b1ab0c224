"""`kithkin log`: a contact logged as the "Log a contact" page logs it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from kithkin.accounts.models import User
from kithkin.circle import actions
from kithkin.circle.models import Channel, Interaction, InteractionPerson, Ring
from kithkin.circle.tests.factories import contact, person
from kithkin.front.tests.cli_helpers import refused, run, run_json

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int]:
    return Interaction.objects.count(), InteractionPerson.objects.count()


def test_it_logs_a_contact_and_moves_when_they_are_next_due(alice: User) -> None:
    sam = person(alice, "Sam Lee", Ring.CLOSE)
    contact(alice, [sam], days_ago=40)
    sam.refresh_from_db()
    assert sam.is_past_cadence()
    out = run("log", "Sam", "--channel", "call", "--size", "main", "--felt", "lifted")
    logged = Interaction.objects.filter(owner=alice).first()
    assert logged is not None and list(logged.people.all()) == [sam]
    assert (logged.channel, logged.size, logged.feeling_after, logged.initiated_by) == (
        "call", "main", "lifted", "me",
    )  # fmt: skip
    sam.refresh_from_db()
    assert not sam.is_past_cadence()
    assert sam.last_contact_at == logged.happened_at
    assert out.startswith("Logged. Nice one. Call with Sam Lee, just now; you felt lifted.")
    assert "Sam Lee: next nudge around" in out


def test_the_json_answer_names_what_was_written(alice: User) -> None:
    ana = person(alice, "Ana Ruiz")
    body = run_json("log", "ana ruiz", "--by", "them", "--waiting", "--note", "asked about Sunday")
    logged = Interaction.objects.get(pk=body["id"])
    assert body["people"] == [ana.pk] and body["names"] == ["Ana Ruiz"]
    assert (body["initiated_by"], body["awaiting_reply"], body["note"]) == (
        "them", True, "asked about Sunday",
    )  # fmt: skip
    assert logged.awaiting_reply and logged.initiated_by == "them"
    ana.refresh_from_db()
    assert ana.reply_owed_since == logged.happened_at
    assert datetime.fromisoformat(body["happened_at"]) == logged.happened_at


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sam", "Sam"),  # exact beats a longer name that starts the same
        ("SAMANTHA", "Samantha Okafor"),  # a whole first word, any case
        ("okaf", "Samantha Okafor"),  # the start of a later word
        ("Bee", "Beatrice Ng"),  # a nickname
        ("trice", "Beatrice Ng"),  # somewhere inside
        ("zoë", "Zoë Brand"),
        ("ZOË BRAND", "Zoë Brand"),
    ],
)
def test_names_match_exactly_first_then_by_start_then_inside(
    alice: User, typed: str, expected: str
) -> None:
    person(alice, "Sam")
    person(alice, "Samantha Okafor")
    person(alice, "Beatrice Ng", nickname="Bee")
    person(alice, "Zoë Brand")
    body = run_json("log", typed)
    assert body["names"] == [expected]


def test_a_name_that_fits_several_lists_them_and_logs_nothing(alice: User) -> None:
    person(alice, "Sam Lee", Ring.INNER)
    person(alice, "Sam Okafor", Ring.ACQUAINTANCE)
    e = refused("log", "sa", "--channel", "call")
    assert "'sa' could be Sam Lee [inner circle, id" in str(e)
    assert "Sam Okafor [acquaintances, id" in str(e)
    assert "say more of the name, or give the id" in str(e)
    assert _counts() == (0, 0)


def test_two_people_with_one_name_are_told_apart_by_id(alice: User) -> None:
    one = person(alice, "Sam")
    two = person(alice, "Sam")
    assert "could be" in str(refused("log", "Sam"))
    assert run_json("log", f"#{two.pk}")["people"] == [two.pk]
    assert run_json("log", str(one.pk))["people"] == [one.pk]


def test_an_unknown_name_points_to_the_people_list(alice: User) -> None:
    person(alice, "Sam Lee")
    e = refused("log", "Zed")
    assert str(e) == "there's nobody called 'Zed' in your circle; `kithkin people` lists everyone."
    e = refused("log", "--user", "alice", "Zed")
    assert "`kithkin people --user alice`" in str(e)
    assert _counts() == (0, 0)


def test_it_never_matches_someone_elses_person(alice: User, bob: User) -> None:
    bobs = person(bob, "Zed Carter")
    person(alice, "Ana Ruiz")
    assert "nobody called 'Zed'" in str(refused("log", "--user", "alice", "Zed"))
    assert "nobody called" in str(refused("log", "--user", "alice", str(bobs.pk)))
    assert "nobody called" in str(refused("log", "--user", "alice", f"#{bobs.pk}"))
    assert _counts() == (0, 0)
    bobs.refresh_from_db()
    assert bobs.last_contact_at is None


def test_someone_set_aside_is_found_when_nobody_in_the_circle_matches(alice: User) -> None:
    old = person(alice, "Old Colleague")
    actions.do_set_archived(old, True)
    assert run_json("log", "Old")["people"] == [old.pk]
    # But the circle comes first.
    active = person(alice, "Olivia Grant")
    assert run_json("log", "ol")["people"] == [active.pk]


def test_several_people_or_nobody(alice: User) -> None:
    sam, ana = person(alice, "Sam Lee"), person(alice, "Ana Ruiz")
    body = run_json("log", "Sam", "Ana", "Sam Lee", "--channel", "in_person")
    assert body["people"] == [sam.pk, ana.pk]
    out = run("log", "--channel", "in_person", "--note", "the barista")
    assert out.startswith("Logged. Nice one. In person, just now.")
    assert Interaction.objects.filter(owner=alice, interactionperson__isnull=True).count() == 1


def test_choices_come_from_the_models_and_bad_input_changes_nothing(alice: User) -> None:
    person(alice, "Sam Lee")
    e = refused("log", "Sam", "--channel", "phone")
    assert "invalid choice: 'phone'" in str(e)
    assert ", ".join(repr(c) for c in Channel.values) in str(e)
    assert "'lifted', 'neutral', 'drained'" in str(refused("log", "Sam", "--felt", "great"))
    assert "'micro', 'main'" in str(refused("log", "Sam", "--size", "huge"))
    assert "'me', 'them'" in str(refused("log", "Sam", "--by", "someone"))
    assert _counts() == (0, 0)


def test_when_is_read_in_the_persons_own_zone_and_never_in_the_future(
    alice: User, bob: User
) -> None:
    sam = person(alice, "Sam Lee")
    # 09:00 UTC on 14 March is 09:00 in London (GMT until 29 March).
    with time_machine.travel(datetime(2026, 3, 14, 9, 0, tzinfo=UTC), tick=False):
        yesterday = run_json("log", "--user", "alice", "Sam", "--at", "yesterday 18:30")
        at_clock = run_json("log", "--user", "alice", "Sam", "--at", "07:15")
        full = run_json("log", "--user", "alice", "Sam", "--at", "2026-03-01 12:00")
        assert "still to come" in str(refused("log", "--user", "alice", "Sam", "--at", "23:00"))
        assert "before 1900" in str(
            refused("log", "--user", "alice", "Sam", "--at", "1850-01-01 10:00")
        )
        e = refused("log", "--user", "alice", "Sam", "--at", "teatime")
        assert str(e).startswith("--at: Enter a valid date/time.") and "yesterday 18:30" in str(e)
    assert datetime.fromisoformat(yesterday["happened_at"]) == datetime(
        2026, 3, 13, 18, 30, tzinfo=UTC
    )
    assert datetime.fromisoformat(at_clock["happened_at"]) == datetime(
        2026, 3, 14, 7, 15, tzinfo=UTC
    )
    assert datetime.fromisoformat(full["happened_at"]) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert Interaction.objects.count() == 3
    # Bob lives in New York: his "18:30" is five hours later in UTC.
    person(bob, "Sam Lee")
    with time_machine.travel(datetime(2026, 3, 14, 23, 0, tzinfo=UTC), tick=False):
        body = run_json("log", "--user", "bob", "Sam", "--at", "18:30")
    assert datetime.fromisoformat(body["happened_at"]) == datetime(2026, 3, 14, 22, 30, tzinfo=UTC)
    assert body["happened_at"].endswith("-04:00")  # shown in his own zone (EDT by then)
    sam.refresh_from_db()
    assert sam.last_contact_at == datetime(2026, 3, 14, 7, 15, tzinfo=UTC)


def test_an_earlier_contact_says_the_day(alice: User) -> None:
    person(alice, "Sam Lee")
    with time_machine.travel(datetime(2026, 3, 14, 9, 0, tzinfo=UTC), tick=False):
        out = run("log", "Sam", "--at", "2026-03-10 19:00")
    assert "Text with Sam Lee, Tue 10 Mar at 19:00." in out
