from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.models import Interaction, Person, Ring
from kithkin.circle.tests.factories import contact, person
from kithkin.today.models import DayEnergy, HiddenIdea, Idea, SavedMessage, Suggestion

pytestmark = pytest.mark.django_db


def _html(client: Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def _pick(client: Client, energy: str = "some") -> list[Suggestion]:
    r = client.post(reverse("set_energy"), {"energy": energy})
    assert r["Location"] == reverse("today")
    return list(Suggestion.objects.filter(day=timezone.localdate()).order_by("position"))


def _drifting(owner: User, name: str, days: int = 40, **extra: object) -> Person:
    p = person(owner, name, Ring.CLOSE, **extra)
    contact(owner, [p], days_ago=days)
    return p


def test_it_asks_for_energy_first(alice_client: Client) -> None:
    html = _html(alice_client, reverse("today"))
    assert "How much energy do you have today?" in html
    for label in ("Running low", "Some", "Good"):
        assert f">{label}</button>" in html
    assert not Suggestion.objects.exists()


def test_on_a_first_day_someone_just_added_is_suggested(alice_client: Client, alice: User) -> None:
    r = alice_client.post(reverse("add_person"), {"name": "Noor Haddad", "ring": Ring.CLOSE})
    assert r.status_code == 302
    noor = Person.objects.get(owner=alice, name="Noor Haddad")
    assert noor.next_due_at is not None and noor.next_due_at > timezone.now()  # not due yet
    suggestions = _pick(alice_client, "low")
    mine = [s for s in suggestions if s.person_id == noor.pk]
    assert len(mine) == 1 and mine[0].reasons[0]["code"] == "not_logged_yet"
    html = _html(alice_client, reverse("today"))
    assert "Nothing logged with Noor yet: a small hello is a good start." in html


def test_one_tap_gives_one_to_three_suggestions_with_reasons_and_words(
    alice_client: Client, alice: User
) -> None:
    _drifting(alice, "Sam Lee")
    suggestions = _pick(alice_client)
    assert 1 <= len(suggestions) <= 3
    assert DayEnergy.objects.get(owner=alice).energy == "some"
    sam = next(s for s in suggestions if s.person and s.person.name == "Sam Lee")
    assert sam.reasons and sam.reasons[0]["code"] == "been_a_while"
    html = _html(alice_client, reverse("today"))
    assert "It&#x27;s been about a month." in html or "It's been about a month." in html
    assert "Sam" in sam.draft and "Sam Lee" not in sam.draft
    assert "sms:?&amp;body=" in html and "https://wa.me/?text=" in html
    # Remembered for the day: the same suggestions on the next visit.
    assert _html(alice_client, reverse("today")).count('class="card suggestion"') == len(
        suggestions
    )


def test_replies_owed_come_first(alice_client: Client, alice: User) -> None:
    _drifting(alice, "Old Friend", days=90)
    ana = person(alice, "Ana Ruiz")
    contact(alice, [ana], days_ago=1, initiated_by="them", awaiting_reply=True)
    first = _pick(alice_client)[0]
    assert first.person == ana
    assert first.reasons[0]["code"] == "reply_owed"
    assert "Ana reached out yesterday." in _html(alice_client, reverse("today"))


def test_done_logs_the_contact_and_asks_how_it_felt(alice_client: Client, alice: User) -> None:
    sam = _drifting(alice, "Sam")
    s = next(s for s in _pick(alice_client) if s.person == sam)
    alice_client.post(reverse("respond", args=[s.pk]), {"outcome": "done"})
    s.refresh_from_db()
    assert s.outcome == "done" and s.interaction is not None
    assert s.interaction.channel == s.idea.channel
    assert list(s.interaction.people.all()) == [sam]
    assert Person.objects.get(pk=sam.pk).last_contact_at == s.interaction.happened_at
    html = _html(alice_client, reverse("today"))
    assert "How did it feel? (optional)" in html
    assert "Done. That counts." in html


def test_not_today_and_another_count_nothing_against_anyone(
    alice_client: Client, alice: User
) -> None:
    for n in range(5):
        _drifting(alice, f"Friend {n}", days=40 + n)
    first = _pick(alice_client)
    alice_client.post(reverse("respond", args=[first[0].pk]), {"outcome": "not_today"})
    alice_client.post(reverse("respond", args=[first[1].pk]), {"outcome": "another"})
    assert not Interaction.objects.exclude(
        pk__in=[c.pk for c in Interaction.objects.all()]
    ).exists()
    shown = {(s.person_id, s.idea_id) for s in Suggestion.objects.all()}
    assert len(shown) == Suggestion.objects.count(), "nothing shown twice"
    replacement = Suggestion.objects.filter(outcome="").exclude(pk=first[2].pk).get()
    earlier = {s.person_id for s in first if s.person_id}
    assert replacement.person_id is None or replacement.person_id not in earlier
    html = _html(alice_client, reverse("today"))
    for word in ("missed", "skipped", "overdue", "failed"):
        assert word not in html[html.index("<main") :].lower()


def test_give_space_pauses_them_for_two_weeks(alice_client: Client, alice: User) -> None:
    sam = _drifting(alice, "Sam")
    s = next(s for s in _pick(alice_client) if s.person == sam)
    alice_client.post(reverse("respond", args=[s.pk]), {"outcome": "give_space"})
    sam.refresh_from_db()
    assert sam.paused_until == timezone.localdate() + timedelta(days=14)
    assert all(x.person != sam for x in _pick(alice_client, "good") if not x.outcome)


def test_a_new_energy_replaces_the_open_suggestions_and_keeps_what_was_done(
    alice_client: Client, alice: User
) -> None:
    for n in range(3):
        _drifting(alice, f"Friend {n}")
    first = _pick(alice_client, "good")
    alice_client.post(reverse("respond", args=[first[0].pk]), {"outcome": "done"})
    _pick(alice_client, "low")
    assert Suggestion.objects.filter(pk=first[0].pk, outcome="done").exists()
    open_now = Suggestion.objects.filter(outcome="")
    assert open_now and all(s.energy == "low" and s.idea.effort == "tiny" for s in open_now)


def test_waiting_for_a_reply_is_gentle(alice_client: Client, alice: User) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    mine = contact(alice, [sam], days_ago=3, initiated_by="me", awaiting_reply=True)
    contact(alice, [ana], days_ago=3, initiated_by="me", awaiting_reply=True)
    contact(alice, [ana], days_ago=1, initiated_by="them")
    html = _html(alice_client, reverse("waiting"))
    assert "Replies are often slow for ordinary reasons" in html
    assert ">Sam</a>" in html and ">Ana</a>" not in html
    alice_client.post(reverse("stop_waiting", args=[mine.pk]))
    assert ">Sam</a>" not in _html(alice_client, reverse("waiting"))


def test_messages_for_tough_days(alice_client: Client, alice: User) -> None:
    r = alice_client.post(
        reverse("saved_messages"), {"label": "Walk", "text": "Fancy a slow walk?"}
    )
    assert r.status_code == 302
    html = _html(alice_client, reverse("saved_messages"))
    assert "Fancy a slow walk?" in html and "sms:?&amp;body=Fancy%20a%20slow%20walk%3F" in html
    r = alice_client.post(reverse("saved_messages"), {"label": "", "text": ""})
    assert "This field is required" in r.content.decode()
    saved = SavedMessage.objects.get(owner=alice)
    alice_client.post(reverse("delete_saved_message", args=[saved.pk]))
    assert not SavedMessage.objects.exists()


def test_hidden_ideas_are_never_suggested_and_own_ideas_are(
    alice_client: Client, alice: User
) -> None:
    _pick(alice_client, "low")
    for idea in Idea.objects.filter(owner__isnull=True, target="self"):
        alice_client.post(reverse("toggle_idea", args=[idea.pk]))
    r = alice_client.post(
        reverse("ideas"),
        {
            "title": "Water the balcony plants",
            "target": "self",
            "channel": "other",
            "effort": "tiny",
            "energies": ["low"],
        },
    )
    assert r.status_code == 302
    picks = _pick(alice_client, "low")
    assert [s.idea.title for s in picks] == ["Water the balcony plants"]
    r = alice_client.post(
        reverse("ideas"),
        {
            "title": "Big trip",
            "target": "self",
            "channel": "other",
            "effort": "main",
            "energies": ["low"],
        },
    )
    assert "only tiny steps" in r.content.decode()


def test_the_page_takes_the_same_queries_for_a_small_or_large_circle(
    alice_client: Client, alice: User
) -> None:
    for n in range(5):
        _drifting(alice, f"P{n}")
    _pick(alice_client)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            alice_client.get(reverse("today"))
        return len(ctx.captured_queries)

    few = queries()
    for n in range(5, 60):
        _drifting(alice, f"P{n}")
    assert queries() == few


def test_charlie_never_reaches_alices_today(
    alice_client: Client, charlie_client: Client, alice: User
) -> None:
    _drifting(alice, "Sam")
    s = _pick(alice_client)[0]
    mine = contact(alice, [person(alice, "Ana")], initiated_by="me", awaiting_reply=True)
    saved = SavedMessage.objects.create(owner=alice, label="x", text="y")
    own = Idea.objects.create(
        owner=alice,
        slug="own",
        title="Mine",
        effort="tiny",
        energies=["low"],
        target="self",
        channel="other",
        kind="own",
    )
    assert (
        charlie_client.post(reverse("respond", args=[s.pk]), {"outcome": "done"}).status_code == 404
    )
    assert charlie_client.post(reverse("stop_waiting", args=[mine.pk])).status_code == 404
    assert (
        charlie_client.post(reverse("change_tone", args=[s.pk]), {"tone": "light"}).status_code
        == 404
    )
    assert charlie_client.post(reverse("delete_saved_message", args=[saved.pk])).status_code == 404
    assert charlie_client.post(reverse("toggle_idea", args=[own.pk])).status_code == 404
    assert "Mine" not in _html(charlie_client, reverse("ideas"))
    s.refresh_from_db()
    assert not s.outcome and not HiddenIdea.objects.exists()


def test_the_words_come_in_a_few_tones(alice_client: Client, alice: User) -> None:
    _drifting(alice, "Sam Lee")
    s = next(s for s in _pick(alice_client) if s.draft)
    seen = {s.draft}
    for tone in ("light", "brief", "warm"):
        alice_client.post(reverse("change_tone", args=[s.pk]), {"tone": tone})
        s.refresh_from_db()
        assert "Sam" in s.draft and "{" not in s.draft
        seen.add(s.draft)
    assert len(seen) >= 2
    alice_client.post(reverse("change_tone", args=[s.pk]), {"tone": "shouty"})
    s.refresh_from_db()
    assert s.draft in seen


def test_a_suggestion_that_no_longer_fits_is_not_shown(alice_client: Client, alice: User) -> None:
    from kithkin.circle import actions as circle_actions

    for name in ("Jo", "Kim", "Lee", "Max"):
        _drifting(alice, name)
    shown = [s for s in _pick(alice_client) if s.person]
    assert len(shown) >= 2
    blockers = [
        lambda p: circle_actions.do_set_archived(p, True),
        lambda p: contact(alice, [p], initiated_by="me", awaiting_reply=True),
        lambda p: None,  # a third card, if any, is paused below
    ]
    for s, block in zip(shown, blockers, strict=False):
        block(s.person)
    paused = shown[-1].person
    assert paused is not None
    paused.paused_until = timezone.localdate() + timedelta(days=100)
    circle_actions.do_save_person(paused)
    html = _html(alice_client, reverse("today"))
    for s in shown:
        assert f'With <a href="/people/{s.person_id}/">' not in html
    # Giving space from a stale card never shortens a longer pause.
    alice_client.post(reverse("respond", args=[shown[-1].pk]), {"outcome": "give_space"})
    paused.refresh_from_db()
    assert paused.paused_until == timezone.localdate() + timedelta(days=100)


def test_own_quiet_hours_starting_later_hide_suggestions_to_reach_out(
    alice_client: Client, alice: User
) -> None:
    _drifting(alice, "Sam")
    assert any(s.person for s in _pick(alice_client))
    now = timezone.localtime(timezone=alice.zone)
    alice.quiet_days = [now.weekday()]
    alice.save()
    assert "With <a" not in _html(alice_client, reverse("today"))


def test_another_on_yesterdays_card_changes_nothing_today(
    alice_client: Client, alice: User
) -> None:
    import time_machine

    for n in range(4):
        _drifting(alice, f"Friend {n}")
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        old = _pick(alice_client, "low")[0]
    today = _pick(alice_client, "good")
    alice_client.post(reverse("respond", args=[old.pk]), {"outcome": "another"})
    assert DayEnergy.objects.get(owner=alice, day=timezone.localdate()).energy == "good"
    assert Suggestion.objects.filter(day=timezone.localdate(), outcome="").count() == len(today)


def test_not_today_holds_for_the_whole_day_whatever_the_energy(
    alice_client: Client, alice: User
) -> None:
    _drifting(alice, "Sam")
    _drifting(alice, "Ana")
    for s in _pick(alice_client, "some"):
        alice_client.post(reverse("respond", args=[s.pk]), {"outcome": "not_today"})
    again = _pick(alice_client, "good")
    assert not [s for s in again if s.person and not s.outcome]


def test_a_double_tap_on_done_logs_once(alice_client: Client, alice: User) -> None:
    sam = _drifting(alice, "Sam")
    s = next(s for s in _pick(alice_client) if s.person == sam)
    before = Interaction.objects.count()
    alice_client.post(reverse("respond", args=[s.pk]), {"outcome": "done"})
    alice_client.post(reverse("respond", args=[s.pk]), {"outcome": "done"})
    assert Interaction.objects.count() == before + 1


def test_removing_someone_removes_their_suggestions(alice_client: Client, alice: User) -> None:
    sam = _drifting(alice, "Sam")
    s = next(s for s in _pick(alice_client) if s.person == sam)
    alice_client.post(reverse("delete_person", args=[sam.pk]))
    assert not Suggestion.objects.filter(pk=s.pk).exists()


def test_one_page_mixes_kinds_of_ideas(alice_client: Client, alice: User) -> None:
    for n in range(6):
        _drifting(alice, f"Friend {n}", days=40 + n)
    kinds = [s.idea.kind for s in _pick(alice_client, "good")]
    assert len(kinds) == len(set(kinds))
