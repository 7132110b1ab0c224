"""`kithkin today`: the Today page's suggestions and answers, on the command line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import ApiToken, User
from kithkin.circle.models import Interaction, Person, Ring
from kithkin.circle.tests.factories import contact, person
from kithkin.conftest import give_partner_rows
from kithkin.front.tests.cli_helpers import refused, run, run_json
from kithkin.support.models import HardDay
from kithkin.today.models import DayEnergy, Idea, Suggestion

pytestmark = pytest.mark.django_db


def _drifting(owner: User, name: str, days: int = 40) -> Person:
    p = person(owner, name, Ring.CLOSE)
    contact(owner, [p], days_ago=days)
    return p


def _state(owner: User) -> tuple[list[tuple[int, str]], int, int]:
    """What a refused command must leave as it was."""
    return (
        list(Suggestion.objects.filter(owner=owner).values_list("pk", "outcome").order_by("pk")),
        Interaction.objects.filter(owner=owner).count(),
        DayEnergy.objects.filter(owner=owner).count(),
    )


def test_without_an_energy_it_asks_for_one_and_makes_nothing(alice: User) -> None:
    _drifting(alice, "Sam Lee")
    e = refused("today")
    assert "--energy low|some|good" in str(e)
    assert not Suggestion.objects.exists() and not DayEnergy.objects.exists()
    bad = refused("today", "--energy", "lots")
    assert "invalid choice" in str(bad) and "'low', 'some', 'good'" in str(bad)


def test_it_gives_what_the_api_gives_and_remembers_the_energy(client: Client, alice: User) -> None:
    _drifting(alice, "Sam Lee")
    _drifting(alice, "Ana Ruiz", days=60)
    body = run_json("today", "--energy", "some")
    assert DayEnergy.objects.get(
        owner=alice, day=timezone.localdate(timezone=alice.zone)
    ).energy == ("some")
    assert body["energy"] == "some"
    assert 1 <= len(body["suggestions"]) <= 3
    _, plain = ApiToken.objects.create_token(alice, "t", "write")
    api = client.get("/api/v1/today", headers={"Authorization": f"Bearer {plain}"}).json()
    # Every field the API gives, with the same values; the CLI adds a few of its own.
    assert [{k: s[k] for k in api["suggestions"][0]} for s in body["suggestions"]] == api[
        "suggestions"
    ]
    sam = next(s for s in body["suggestions"] if s["person"] == "Sam Lee")
    assert "It's been about a month." in sam["why"]
    assert sam["number"] == 1 + Suggestion.objects.get(pk=sam["id"]).position
    # Asked again, the same suggestions come back; a new energy makes fresh ones.
    assert [s["id"] for s in run_json("today")["suggestions"]] == [
        s["id"] for s in body["suggestions"]
    ]
    assert [s["id"] for s in run_json("today", "--energy", "some")["suggestions"]] == [
        s["id"] for s in body["suggestions"]
    ]
    fresh = run_json("today", "--energy", "low")
    assert fresh["energy"] == "low"
    assert not {s["id"] for s in fresh["suggestions"]} & {s["id"] for s in body["suggestions"]}


def test_people_see_who_what_why_the_words_and_how_to_answer(alice: User) -> None:
    _drifting(alice, "Sam Lee")
    out = run("today", "--energy", "some")
    s = Suggestion.objects.filter(owner=alice, person__name="Sam Lee").get()
    assert f"#{s.position + 1}  " in out
    assert "With Sam Lee" in out
    assert "· It's been about a month." in out
    assert "Words you could send, or change:" in out and f"> {s.draft.splitlines()[0]}" in out
    assert "kithkin today --done 1 [--felt lifted|neutral|drained]" in out
    assert "overdue" not in out.lower()


def test_done_logs_the_contact_with_how_it_felt(alice: User) -> None:
    sam = _drifting(alice, "Sam Lee")
    first = next(
        s for s in run_json("today", "--energy", "good")["suggestions"] if s["person_id"] == sam.pk
    )
    before = Person.objects.get(pk=sam.pk).last_contact_at
    answer = run_json("today", "--done", str(first["number"]), "--felt", "lifted")
    assert answer["suggestion"]["outcome"] == "done"
    logged = Interaction.objects.get(pk=answer["interaction_id"])
    assert logged.feeling_after == "lifted" and list(logged.people.all()) == [sam]
    assert logged.channel == first["channel"]
    sam.refresh_from_db()
    assert before is not None and sam.last_contact_at is not None
    assert sam.last_contact_at > before
    # Done stays on the page as done, and can't be answered twice.
    shown = run_json("today")
    assert first["id"] in [s["id"] for s in shown["done"]]
    assert first["id"] not in [s["id"] for s in shown["suggestions"]]
    kept = _state(alice)
    assert "already answered" in str(refused("today", "--done", str(first["number"])))
    assert _state(alice) == kept


def test_human_answers_say_what_happened(alice: User) -> None:
    for name in ("Sam Lee", "Ana Ruiz", "Kofi Mensah"):
        _drifting(alice, name)
    numbers = [s["number"] for s in run_json("today", "--energy", "some")["suggestions"]]
    assert len(numbers) >= 2
    out = run("today", "--not-today", str(numbers[0]))
    assert out.startswith("That's fine. It'll keep.")
    assert f"#{numbers[0]} " not in out  # turned down: off the list, as on the page
    out = run("today", "--done", str(numbers[1]))
    assert out.startswith("Lovely. It's logged.")
    assert "Done. That counts." in out


def test_another_brings_a_new_one_with_the_next_number(alice: User) -> None:
    for name in ("Sam Lee", "Ana Ruiz", "Kofi Mensah", "Lin Wang"):
        _drifting(alice, name)
    shown = run_json("today", "--energy", "some")["suggestions"]
    answer = run_json("today", "--another", str(shown[0]["number"]))
    assert answer["suggestion"]["outcome"] == "another"
    replacement = answer["replacement"]
    assert replacement is not None and replacement["number"] > max(s["number"] for s in shown)
    now_shown = [s["id"] for s in run_json("today")["suggestions"]]
    assert replacement["id"] in now_shown and shown[0]["id"] not in now_shown


def test_space_pauses_suggestions_about_them_for_two_weeks(alice: User) -> None:
    sam = _drifting(alice, "Sam Lee")
    on_sam = next(
        s for s in run_json("today", "--energy", "some")["suggestions"] if s["person_id"] == sam.pk
    )
    out = run("today", "--space", str(on_sam["number"]))
    assert out.startswith("Giving Sam Lee some space: no suggestions about them for two weeks.")
    sam.refresh_from_db()
    assert sam.paused_until == timezone.localdate(timezone=alice.zone) + timedelta(days=14)
    assert Suggestion.objects.get(pk=on_sam["id"]).outcome == "give_space"


def test_space_needs_someone_and_felt_needs_done(alice: User) -> None:
    idea = Idea.objects.create(
        owner=alice, slug="own-water", title="Water the plants", effort="tiny",
        energies=["low"], target="self", channel="other", kind="self",
    )  # fmt: skip
    today = timezone.localdate(timezone=alice.zone)
    DayEnergy.objects.create(owner=alice, day=today, energy="low")
    Suggestion.objects.create(owner=alice, day=today, energy="low", idea=idea, position=0)
    kept = _state(alice)
    assert "isn't about someone" in str(refused("today", "--space", "1"))
    e = refused("today", "--not-today", "1", "--felt", "lifted")
    assert e.returncode == 2 and "--felt goes with --done" in str(e)
    assert "no suggestion #7" in str(refused("today", "--done", "7"))
    assert "not a suggestion number" in str(refused("today", "--done", "one"))
    assert _state(alice) == kept


def test_other_words_in_another_tone(alice: User) -> None:
    _drifting(alice, "Sam Lee")
    with_words = next(s for s in run_json("today", "--energy", "some")["suggestions"] if s["draft"])
    n = str(with_words["number"])
    changed = run_json("today", "--tone", n, "brief")
    assert changed["id"] == with_words["id"]
    assert Suggestion.objects.get(pk=with_words["id"]).draft == changed["draft"]
    kept = Suggestion.objects.get(pk=with_words["id"]).draft
    assert "isn't a tone here" in str(refused("today", "--tone", n, "shouty"))
    assert refused("today", "--tone", "first", "brief").returncode == 2
    assert Suggestion.objects.get(pk=with_words["id"]).draft == kept


def test_a_number_only_ever_names_your_own_suggestions(alice: User, bob: User) -> None:
    _drifting(bob, "Bob's Friend")
    bobs = run_json("today", "--user", "bob", "--energy", "some")["suggestions"]
    kept = _state(bob)
    e = refused("today", "--user", "alice", "--done", str(bobs[0]["number"]))
    assert "no suggestion" in str(e)
    assert _state(bob) == kept


def test_the_day_is_the_persons_own(alice: User) -> None:
    # 20:00 in London on 14 March is already 15 March on Kiritimati (UTC+14).
    User.objects.filter(pk=alice.pk).update(timezone="Pacific/Kiritimati")
    with time_machine.travel(datetime(2026, 3, 14, 20, 0, tzinfo=UTC), tick=False):
        _drifting(alice, "Sam Lee")
        out = run("today", "--energy", "low")
    assert DayEnergy.objects.get(owner=alice).day == date(2026, 3, 15)
    assert {s.day for s in Suggestion.objects.filter(owner=alice)} == {date(2026, 3, 15)}
    assert "Sunday 15 March" in out


def test_on_a_hard_day_the_support_card_comes_first(alice: User) -> None:
    trusted = person(alice, "Grace Kim", Ring.INNER, trusted=True)
    HardDay.objects.create(owner=alice, day=timezone.localdate(timezone=alice.zone), asked=True)
    out = run("today", "--energy", "low")
    assert out.index("Thank you for saying so") < out.index("Kithkin never sends anything")
    assert "One small, kind thing" in out and trusted.name in out
    assert "findahelpline.com" in out
    card = run_json("today")["support"]
    assert card["asked"] is True and card["people"] == [{"id": trusted.pk, "name": "Grace Kim"}]


def test_notes_from_partners_are_shown_and_only_your_own(alice: User, bob: User) -> None:
    give_partner_rows(alice)
    out = run("today", "--user", "alice", "--energy", "some")
    assert "Ana is thinking of you\n    > Thinking of you\n    just now" in out
    [note] = run_json("today", "--user", "alice")["notes"]
    assert (note["from"], note["text"]) == ("Ana", "Thinking of you")
    assert run_json("today", "--user", "bob", "--energy", "some")["notes"] == []
    assert "thinking of you" not in run("today", "--user", "bob")
