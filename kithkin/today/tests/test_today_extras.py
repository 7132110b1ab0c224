"""Today's extra cards: partners' "thinking of you" notes, and a community or place
suggestion on days with some or good energy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.partners.models import PartnerNote, Partnership
from kithkin.plans.models import Community, Place
from kithkin.today.models import DayEnergy

pytestmark = pytest.mark.django_db

# Friday 2 January 2026, noon in London (alice's zone).
NOON = "2026-01-02 12:00Z"
TODAY = date(2026, 1, 2)
AMONG = 'class="card among-people"'


@pytest.fixture(autouse=True)
def _noon() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


def _today(client: Client) -> str:
    r = client.get(reverse("today"))
    assert r.status_code == 200
    return r.content.decode()


def _energy(owner: User, energy: str) -> None:
    DayEnergy.objects.update_or_create(owner=owner, day=TODAY, defaults={"energy": energy})


def _note(owner: User, text: str, name: str = "Ana", **extra: Any) -> PartnerNote:
    partnership = Partnership.objects.create(
        owner=owner, name=name, accepted_at=timezone.now(), **extra
    )
    return PartnerNote.objects.create(owner=owner, partnership=partnership, text=text)


def _group(owner: User, name: str, first: date, **extra: Any) -> Community:
    fields: dict[str, Any] = {
        "rrule": "FREQ=WEEKLY",
        "start_date": first,
        "start_time": time(19, 0),
        "timezone": owner.timezone,
        **extra,
    }
    return Community.objects.create(owner=owner, name=name, **fields)


# --- Thinking of you --------------------------------------------------------------


def test_unseen_notes_show_at_the_top_with_the_partners_name(
    alice_client: Client, alice: User
) -> None:
    _note(alice, "Hope the new job is going ok <3")
    html = _today(alice_client)
    assert "Ana is thinking of you" in html
    assert "Hope the new job is going ok &lt;3" in html
    assert html.index("Ana is thinking of you") < html.index("How much energy")
    assert "Thank you, got it" in html


def test_only_the_newest_three_show(alice_client: Client, alice: User) -> None:
    partnership = Partnership.objects.create(owner=alice, name="Ana", accepted_at=timezone.now())
    for n in range(5):
        PartnerNote.objects.create(
            owner=alice,
            partnership=partnership,
            text=f"note {n}",
            created_at=timezone.now() - timedelta(hours=5 - n),
        )
    html = _today(alice_client)
    assert [f"note {n}" in html for n in range(5)] == [False, False, True, True, True]


def test_thank_you_marks_the_note_seen_and_it_goes(alice_client: Client, alice: User) -> None:
    note = _note(alice, "Thinking of you today")
    r = alice_client.post(reverse("partner_note_seen", args=[note.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("today")
    note.refresh_from_db()
    assert note.seen_at == timezone.now()
    assert "Thinking of you today" not in _today(alice_client)


def test_with_htmx_the_answer_is_empty_so_the_card_is_swapped_out(
    alice_client: Client, alice: User
) -> None:
    note = _note(alice, "Sending a hug")
    assert f'hx-target="#partner-note-{note.pk}"' in _today(alice_client)
    r = alice_client.post(reverse("partner_note_seen", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and r.content == b""
    assert PartnerNote.objects.get().seen_at is not None


def test_notes_from_a_revoked_partnership_are_not_shown(alice_client: Client, alice: User) -> None:
    _note(alice, "From before", revoked_at=timezone.now())
    _note(alice, "Still here", name="Sam")
    html = _today(alice_client)
    assert "From before" not in html and "Still here" in html


def test_bob_never_sees_alices_notes_and_cannot_mark_them(alice: User, bob: User) -> None:
    note = _note(alice, "For Alice only")
    client = Client()
    client.force_login(bob)
    assert "For Alice only" not in _today(client)
    assert client.post(reverse("partner_note_seen", args=[note.pk])).status_code == 404
    assert client.get(reverse("partner_note_seen", args=[note.pk])).status_code == 405
    note.refresh_from_db()
    assert note.seen_at is None


# --- Among people -----------------------------------------------------------------


def test_a_group_meeting_in_the_next_three_days_is_suggested_with_its_time(
    alice_client: Client, alice: User
) -> None:
    _energy(alice, "some")
    _group(alice, "Far-off choir", date(2026, 1, 9))
    _group(alice, "Book club", date(2026, 1, 4), place="The library")
    Place.objects.create(owner=alice, name="Saturday market")
    html = _today(alice_client)
    assert html.count(AMONG) == 1
    assert "Book club meets Sun 4 Jan, 19:00" in html
    assert "The library" in html and "Sandstrom &amp; Dunn" in html
    assert "Saturday market" not in html and "Far-off choir" not in html


def test_without_a_group_soon_one_place_shows_and_it_changes_by_day(
    alice_client: Client, alice: User
) -> None:
    _energy(alice, "good")
    _group(alice, "Far-off choir", date(2026, 1, 9))
    names = ["Café", "Library", "Market"]
    for name in names:
        Place.objects.create(owner=alice, name=name, note=f"{name} note")
    html = _today(alice_client)
    # 2 January 2026 is day 739618 of the proleptic calendar: 739618 % 3 == 1.
    assert "A little time at Library?" in html and "Library note" in html
    assert html.count(AMONG) == 1
    with time_machine.travel("2026-01-03 12:00Z", tick=False):
        DayEnergy.objects.create(owner=alice, day=date(2026, 1, 3), energy="some")
        assert "A little time at Market?" in _today(alice_client)


def test_nothing_among_people_on_a_low_day_or_before_choosing(
    alice_client: Client, alice: User
) -> None:
    _group(alice, "Book club", date(2026, 1, 3))
    Place.objects.create(owner=alice, name="Library")
    assert AMONG not in _today(alice_client)
    _energy(alice, "low")
    assert AMONG not in _today(alice_client)


def test_nothing_when_there_are_no_groups_or_places(alice_client: Client, alice: User) -> None:
    _energy(alice, "some")
    Community.objects.create(
        owner=alice, name="Forum", meets=False, start_date=TODAY, start_time=time(0)
    )
    assert AMONG not in _today(alice_client)


def test_archived_groups_and_places_and_other_peoples_never_show(
    alice_client: Client, alice: User, bob: User
) -> None:
    _energy(alice, "good")
    _group(alice, "Old choir", date(2026, 1, 3), archived_at=timezone.now())
    Place.objects.create(owner=alice, name="Old café", archived_at=timezone.now())
    _group(bob, "Bob's group", date(2026, 1, 3))
    Place.objects.create(owner=bob, name="Bob's place")
    assert AMONG not in _today(alice_client)


def test_the_card_costs_at_most_two_queries(alice_client: Client, alice: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _today(alice_client)
        return len(ctx.captured_queries)

    _energy(alice, "low")
    for n in range(10):
        _group(alice, f"Group {n}", date(2026, 1, 9))
        Place.objects.create(owner=alice, name=f"Place {n}")
    without = queries()
    _energy(alice, "some")
    assert queries() == without + 2
    _group(alice, "Soon", date(2026, 1, 3))
    assert queries() == without + 1, "a group soon: the places aren't read"


def test_thank_you_asks_the_reminders_to_look_again(
    alice_client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, str, int]] = []
    monkeypatch.setattr("kithkin.today.actions.reschedule", lambda *args: calls.append(tuple(args)))
    note = _note(alice, "Hello")
    alice_client.post(reverse("partner_note_seen", args=[note.pk]))
    alice_client.post(reverse("partner_note_seen", args=[note.pk]))
    assert calls == [(alice.pk, "partner_note", note.pk)], "once, for the first tap only"
