"""The partner's side: only what was ticked, a look logged each time, notes with limits."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.partners import actions
from kithkin.partners.models import PartnerLook, PartnerNote, Partnership, ShareItem
from kithkin.partners.tests.factories import (
    NOW,
    PAGE_MARKERS,
    SECRET_NOTE,
    SECRET_TAG,
    TODAY,
    everything,
    partnership,
)
from kithkin.plans.models import Plan
from kithkin.wellbeing.models import CheckIn, Goal

pytestmark = pytest.mark.django_db

UNKIND = ("streak", "missed", "failed", "behind", "overdue")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def _page(client: Client, pk: int) -> str:
    r = client.get(reverse("shared_view", args=[pk]))
    assert r.status_code == 200
    return _main(r.content.decode())


def _kind(html: str) -> None:
    lower = html.lower()
    for word in UNKIND:
        assert word not in lower, word
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r'\sstyle="', html)


@pytest.mark.parametrize("item", ShareItem.values)
def test_it_shows_an_item_only_when_ticked(
    bob_client: Client, alice: User, bob: User, item: str
) -> None:
    everything(alice)
    only = partnership(alice, bob, shares=[item])
    html = _page(bob_client, only.pk)
    assert PAGE_MARKERS[item] in html
    for other, marker in PAGE_MARKERS.items():
        if other != item:
            assert marker not in html, (other, marker)
    assert SECRET_NOTE not in html and SECRET_TAG not in html
    _kind(html)


@pytest.mark.parametrize("item", ShareItem.values)
def test_it_leaves_out_an_unticked_item_when_all_else_is_shared(
    bob_client: Client, alice: User, bob: User, item: str
) -> None:
    everything(alice)
    rest = partnership(alice, bob, shares=[i for i in ShareItem.values if i != item])
    html = _page(bob_client, rest.pk)
    assert PAGE_MARKERS[item] not in html
    for other, marker in PAGE_MARKERS.items():
        if other != item:
            assert marker in html, (other, marker)
    assert SECRET_NOTE not in html and SECRET_TAG not in html


def test_it_shows_nothing_but_a_kind_word_when_nothing_is_ticked(
    bob_client: Client, alice: User, bob: User
) -> None:
    everything(alice)
    nothing = partnership(alice, bob)
    html = _page(bob_client, nothing.pk)
    assert "alice isn't sharing anything at the moment" in html
    for marker in PAGE_MARKERS.values():
        assert marker not in html


def test_it_never_reads_tables_of_unticked_items_or_notes(
    bob_client: Client, alice: User, bob: User
) -> None:
    everything(alice)
    mood_only = partnership(alice, bob, shares=[ShareItem.MOOD])
    with CaptureQueriesContext(connection) as ctx:
        _page(bob_client, mood_only.pk)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ("wellbeing_goal", "wellbeing_measure", "plans_plan"):
        assert table not in sql
    checkin_reads = [q["sql"] for q in ctx.captured_queries if "wellbeing_checkin" in q["sql"]]
    assert len(checkin_reads) == 1
    for column in ('"note"', '"tags"', '"energy"', '"sleep_hours"', '"connected"'):
        assert column not in checkin_reads[0]


def test_each_view_is_logged_for_the_person(bob_client: Client, alice: User, bob: User) -> None:
    shared = partnership(alice, bob, shares=[ShareItem.MOOD])
    _page(bob_client, shared.pk)
    _page(bob_client, shared.pk)
    looks = list(PartnerLook.objects.filter(partnership=shared))
    assert len(looks) == 2
    assert all(look.owner_id == alice.pk and look.at == NOW for look in looks)


def test_it_is_a_404_for_someone_who_is_not_the_partner(
    charlie_client: Client, alice: User, bob: User
) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    assert charlie_client.get(reverse("shared_view", args=[shared.pk])).status_code == 404
    r = charlie_client.post(reverse("partner_send_note", args=[shared.pk]), {"text": "hi"})
    assert r.status_code == 404
    assert not PartnerLook.objects.exists() and not PartnerNote.objects.exists()


def test_the_person_cannot_open_the_partner_view_of_their_own_partnership(
    alice_client: Client, alice: User, bob: User
) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    assert alice_client.get(reverse("shared_view", args=[shared.pk])).status_code == 404


def test_an_invited_but_not_accepted_partnership_is_a_404(
    bob_client: Client, alice: User, bob: User
) -> None:
    pending = partnership(alice, None, shares=ShareItem.values)
    pending.partner = bob  # linked without accepted_at: not theirs yet
    pending.save()
    assert bob_client.get(reverse("shared_view", args=[pending.pk])).status_code == 404


def test_revoking_is_a_404_at_once(
    bob_client: Client, alice_client: Client, alice: User, bob: User
) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    _page(bob_client, shared.pk)
    alice_client.post(reverse("partner_revoke", args=[shared.pk]))
    assert bob_client.get(reverse("shared_view", args=[shared.pk])).status_code == 404
    r = bob_client.post(reverse("partner_send_note", args=[shared.pk]), {"text": "hi"})
    assert r.status_code == 404
    assert PartnerLook.objects.count() == 1
    assert not PartnerNote.objects.exists()


# --- Thinking of you ------------------------------------------------------------------------


def test_a_preset_sends_a_note_to_the_person_and_reschedules(
    bob_client: Client, alice: User, bob: User
) -> None:
    shared = partnership(alice, bob)
    html = _page(bob_client, shared.pk)
    assert "Thinking of you 💛" in html
    with mock.patch("kithkin.partners.actions.reschedule") as reschedule:
        r = bob_client.post(
            reverse("partner_send_note", args=[shared.pk]), {"text": "Thinking of you 💛"}
        )
    assert r.status_code == 302 and r["Location"] == reverse("shared_view", args=[shared.pk])
    note = PartnerNote.objects.get()
    assert (note.owner_id, note.partnership_id, note.text) == (
        alice.pk,
        shared.pk,
        "Thinking of you 💛",
    )
    reschedule.assert_called_once_with(alice.pk, "partner_note", note.pk)


def test_the_send_button_says_who_it_goes_to(bob_client: Client, alice: User, bob: User) -> None:
    alice.first_name = "Alice"
    alice.save()
    shared = partnership(alice, bob)
    assert ">Send to Alice</button>" in _page(bob_client, shared.pk)


def test_a_note_is_trimmed_and_at_most_280_characters(
    bob_client: Client, alice: User, bob: User
) -> None:
    shared = partnership(alice, bob)
    url = reverse("partner_send_note", args=[shared.pk])
    r = bob_client.post(url, {"text": "x" * 281})
    assert r.status_code == 400
    assert "up to 280 characters" in r.content.decode()
    assert bob_client.post(url, {"text": "   "}).status_code == 400
    assert not PartnerNote.objects.exists()
    bob_client.post(url, {"text": "  " + "y" * 280 + "  "})
    assert PartnerNote.objects.get().text == "y" * 280


def test_at_most_three_notes_a_day_then_more_the_next_day(
    bob_client: Client, alice: User, bob: User, clock
) -> None:
    shared = partnership(alice, bob)
    url = reverse("partner_send_note", args=[shared.pk])
    for i in range(4):
        bob_client.post(url, {"text": f"note {i}"})
    assert sorted(PartnerNote.objects.values_list("text", flat=True)) == [
        "note 0",
        "note 1",
        "note 2",
    ]
    r = bob_client.post(url, {"text": "one more"}, follow=True)
    assert "You can send more tomorrow" in r.content.decode()
    assert 'name="text"' not in _page(bob_client, shared.pk)
    # Bob is in New York: his next day starts at 04:00 UTC on the 12th.
    clock.move_to("2025-06-12T03:59:00Z")
    bob_client.post(url, {"text": "too early"})
    assert PartnerNote.objects.count() == 3
    clock.move_to("2025-06-12T04:00:00Z")
    bob_client.post(url, {"text": "a new day"})
    assert PartnerNote.objects.count() == 4


def test_the_limit_counts_each_partnership_on_its_own(
    alice: User, bob: User, charlie: User
) -> None:
    with_alice = partnership(alice, bob)
    with_charlie = partnership(charlie, bob)
    for _ in range(3):
        actions.do_send_note(with_alice, bob, "hi")
    with pytest.raises(actions.TooManyNotes):
        actions.do_send_note(with_alice, bob, "hi")
    actions.do_send_note(with_charlie, bob, "hi")
    assert PartnerNote.objects.filter(owner=charlie).count() == 1


def test_the_shared_view_is_constant_query(
    bob_client: Client, alice: User, bob: User, django_assert_max_num_queries
) -> None:
    everything(alice)
    Goal.objects.create(owner=alice, title="A call", measure="call")
    shared = partnership(alice, bob, shares=ShareItem.values)
    with CaptureQueriesContext(connection) as small:
        _page(bob_client, shared.pk)

    for i in range(2, 14):
        CheckIn.objects.create(owner=alice, day=TODAY - timedelta(days=i), mood=3)
    for i in range(8):
        Goal.objects.create(owner=alice, title=f"goal {i}", measure=["call", "checkin"][i % 2])
    for i in range(4):
        Plan.objects.create(
            owner=alice,
            title=f"plan {i}",
            start_date=TODAY,
            start_time=time(20, 0),
            rrule="FREQ=DAILY",
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = _page(bob_client, shared.pk)
    assert html.count("plan 3") == 7  # today at 20:00 and the six days after


def test_a_note_written_as_the_person_ends_it_is_not_saved(
    bob_client: Client, alice: User, bob: User
) -> None:
    shared = partnership(alice, bob)

    def read_then_ended(request: object, pk: int) -> Partnership:
        # The view has read the partnership; the person ends it before the note is saved.
        stale = Partnership.objects.get(pk=pk)
        actions.do_revoke(Partnership.objects.get(pk=pk))
        return stale

    with mock.patch("kithkin.partners.views._get_shared_for_user", read_then_ended):
        r = bob_client.post(reverse("partner_send_note", args=[shared.pk]), {"text": "hi"})
    assert r.status_code == 404
    assert not PartnerNote.objects.exists()


def test_the_page_is_given_nothing_private_to_render(
    bob_client: Client, alice: User, bob: User
) -> None:
    alice.email = "alice@example.org"
    alice.save()
    shared = partnership(
        alice, bob, name="my worrier", email="bob@example.org", alert_low_mood_days=3
    )
    url = reverse("partner_send_note", args=[shared.pk])
    for r in (bob_client.get(reverse("shared_view", args=[shared.pk])), bob_client.post(url)):
        contexts: Any = r.context  # a ContextList: one Context per template rendered
        values = [v for layer in contexts for v in layer.flatten().values()]
        assert not any(isinstance(v, Partnership) for v in values)
        assert not any(isinstance(v, User) and v.pk == alice.pk for v in values)
        html = r.content.decode()
        assert "my worrier" not in html and "alice@example.org" not in html
        assert f'action="{url}"' in html
