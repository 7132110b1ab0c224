"""Every contact logged, as a spreadsheet: GET /log/export.csv."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from unittest import mock

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.circle import actions, imports
from kithkin.circle.models import Interaction, InteractionPerson, Person

URL = "/log/export.csv"


def _body(response: Any) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(cast(Any, response.streaming_content)).decode()


def _rows(client: Client) -> list[list[str]]:
    response = client.get(URL)
    assert response.status_code == 200
    body = _body(response)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))
    assert rows[0] == imports.CONTACT_COLUMNS
    return rows[1:]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_the_address_and_its_name_are_the_ones_settings_links_to() -> None:
    assert reverse("export_interactions_csv") == URL


def test_it_needs_a_login(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_waits_for_the_welcome_to_be_read(alice: User) -> None:
    alice.onboarded_at = None
    alice.save(update_fields=["onboarded_at"])
    response = _client(alice).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("welcome")


def test_it_is_a_download_that_is_never_cached(alice_client: Client) -> None:
    response = alice_client.get(URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="kithkin-contacts-')
    assert response["Content-Disposition"].endswith('.csv"')
    # Only a header for someone who hasn't logged anything yet.
    assert _body(response) == "\ufeff" + ",".join(imports.CONTACT_COLUMNS) + "\r\n"


def test_post_is_refused(alice_client: Client) -> None:
    assert alice_client.post(URL).status_code == 405


def test_each_contact_is_one_row_with_every_field(alice: User, alice_client: Client) -> None:
    sam = Person.objects.create(owner=alice, name="Sam Rivera")
    ana = Person.objects.create(owner=alice, name="Ana")
    actions.do_log_interaction(
        alice,
        [sam, ana],
        channel="call",
        size="main",
        initiated_by="them",
        happened_at=_at(2026, 1, 15, 12, 0),
        feeling_after="lifted",
        awaiting_reply=True,
        note='Long chat, "the good kind".\nShe\'s moving in March; say hello to Jo.',
    )
    actions.do_log_interaction(alice, [], channel="other", happened_at=_at(2026, 1, 16, 9, 5))
    assert _rows(alice_client) == [
        [
            "2026-01-15 12:00",
            "Ana; Sam Rivera",
            "call",
            "main",
            "them",
            "lifted",
            "yes",
            'Long chat, "the good kind".\nShe\'s moving in March; say hello to Jo.',
        ],
        ["2026-01-16 09:05", "", "other", "micro", "me", "", "no", ""],
    ]


def test_times_are_in_the_persons_own_time_zone(alice: User, bob: User) -> None:
    winter, summer = _at(2026, 1, 15, 12, 0), _at(2026, 7, 15, 12, 0)
    for user in (alice, bob):
        for when in (winter, summer):
            actions.do_log_interaction(user, [], channel="text", happened_at=when)
    # Alice is in London (GMT, then BST); Bob in New York (EST, then EDT).
    assert [r[0] for r in _rows(_client(alice))] == ["2026-01-15 12:00", "2026-07-15 13:00"]
    assert [r[0] for r in _rows(_client(bob))] == ["2026-01-15 07:00", "2026-07-15 08:00"]
    alice.timezone = "Asia/Kolkata"
    alice.save(update_fields=["timezone"])
    assert [r[0] for r in _rows(_client(alice))] == ["2026-01-15 17:30", "2026-07-15 17:30"]


def test_it_is_oldest_first_with_ties_kept_in_the_order_they_were_logged(
    alice: User, alice_client: Client
) -> None:
    same = _at(2026, 3, 1, 10, 0)
    for note in ("second", "third"):
        actions.do_log_interaction(alice, [], channel="text", happened_at=same, note=note)
    actions.do_log_interaction(
        alice, [], channel="text", happened_at=same - timedelta(days=1), note="first"
    )
    with mock.patch.object(imports, "CONTACT_CHUNK", 1):
        assert [r[-1] for r in _rows(alice_client)] == ["first", "second", "third"]


def test_set_aside_contacts_are_left_out_and_set_aside_people_named(
    alice: User, alice_client: Client
) -> None:
    sam = Person.objects.create(owner=alice, name="Sam")
    actions.do_log_interaction(alice, [sam], channel="text", note="kept")
    gone = actions.do_log_interaction(alice, [sam], channel="text", note="deleted")
    actions.do_delete_interaction(gone)
    actions.do_set_archived(sam, True)
    rows = _rows(alice_client)
    assert [(r[1], r[-1]) for r in rows] == [("Sam", "kept")]
    # Undoing the delete brings it back.
    actions.do_undo_delete(Interaction.objects.get(pk=gone.pk))
    assert sorted(r[-1] for r in _rows(alice_client)) == ["deleted", "kept"]


def test_nobody_elses_contacts_are_ever_in_the_file(alice: User, bob: User) -> None:
    mine = Person.objects.create(owner=alice, name="Sam")
    theirs = Person.objects.create(owner=bob, name="Bob's friend")
    actions.do_log_interaction(alice, [mine], channel="text", note="alice's note")
    actions.do_log_interaction(bob, [theirs], channel="call", note="bob's secret")
    # Even a stray link row from Bob's person to Alice's contact names nobody.
    InteractionPerson.objects.create(
        owner=bob,
        interaction=Interaction.objects.get(owner=alice),
        person=theirs,
        happened_at=Interaction.objects.get(owner=alice).happened_at,
    )
    alices = _rows(_client(alice))
    bobs = _rows(_client(bob))
    assert [(r[1], r[-1]) for r in alices] == [("Sam", "alice's note")]
    assert [(r[1], r[-1]) for r in bobs] == [("Bob's friend", "bob's secret")]
    assert "bob" not in str(alices).lower()


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://example.com","hi")',
        "+44 7700 900123",
        "-1",
        "@SUM(A1:A2)",
        "\tindent",
        "\rreturn",
    ],
)
def test_cells_a_spreadsheet_would_run_start_with_an_apostrophe(
    alice: User, alice_client: Client, text: str
) -> None:
    person = Person.objects.create(owner=alice, name=text)
    actions.do_log_interaction(alice, [person], channel="text", note=text)
    [row] = _rows(alice_client)
    assert row[1] == row[-1] == "'" + text
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_notes_with_any_characters_read_back_exactly(alice: User, alice_client: Client) -> None:
    note = 'Zoë, "quoted"; a,b\r\nnew line\n\nemoji 🌱 and a back\\slash'
    actions.do_log_interaction(alice, [], channel="text", note=note)
    [row] = _rows(alice_client)
    assert row[-1] == note


def _count_stream_queries(client: Client) -> tuple[int, int]:
    response = client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        body = _body(response)
    rows = len(list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))) - 1
    return rows, len(queries)


def test_rows_are_sent_in_blocks_not_one_write_each(alice: User, alice_client: Client) -> None:
    Interaction.objects.bulk_create(
        Interaction(owner=alice, channel="text", note="x" * 100) for _ in range(2000)
    )
    pieces = list(cast(Any, alice_client.get(URL)).streaming_content)
    assert 2 <= len(pieces) <= 5  # about 250 kB in blocks of 64 kB
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode().removeprefix("\ufeff"))))
    assert len(rows) == 2001 and rows[-1][-1] == "x" * 100


@pytest.mark.parametrize("count, chunks", [(0, 0), (1, 1), (6, 2), (7, 3)])
def test_two_queries_a_chunk_whatever_the_number_of_people(
    alice: User, alice_client: Client, count: int, chunks: int
) -> None:
    people = [Person.objects.create(owner=alice, name=f"P{i}") for i in range(4)]
    for i in range(count):
        actions.do_log_interaction(
            alice, people[: i % 4 + 1], channel="text", happened_at=_at(2026, 1, 1 + i)
        )
    with mock.patch.object(imports, "CONTACT_CHUNK", 3):
        rows, queries = _count_stream_queries(alice_client)
    assert rows == count
    # A chunk is its contacts and their people's names; a full last chunk asks
    # once more to find nothing after it; an empty file asks once.
    extra = 1 if count % 3 == 0 else 0
    assert queries == 2 * chunks + extra


def test_thousands_of_contacts_are_a_handful_of_queries(alice: User, alice_client: Client) -> None:
    sam = Person.objects.create(owner=alice, name="Sam")
    start = _at(2020, 1, 1)
    contacts = Interaction.objects.bulk_create(
        Interaction(owner=alice, channel="text", happened_at=start + timedelta(hours=i))
        for i in range(2500)
    )
    InteractionPerson.objects.bulk_create(
        InteractionPerson(owner=alice, interaction=c, person=sam, happened_at=c.happened_at)
        for c in contacts
    )
    rows, queries = _count_stream_queries(alice_client)
    assert rows == 2500
    assert imports.CONTACT_CHUNK == 1000
    assert queries == 2 * 3


def test_the_log_page_links_to_the_file_and_the_edit_page_does_not(
    alice: User, alice_client: Client
) -> None:
    href = f'href="{URL}"'
    assert href in alice_client.get(reverse("log_interaction")).content.decode()
    logged = actions.do_log_interaction(alice, [], channel="text")
    edit = alice_client.get(reverse("edit_interaction", args=[logged.pk])).content.decode()
    assert href not in edit


def test_the_people_page_address_gives_the_same_file(alice: User, alice_client: Client) -> None:
    actions.do_log_interaction(alice, [], channel="text", note="hello")
    old = _body(alice_client.get(reverse("export_contacts_csv")))
    assert old == _body(alice_client.get(URL))
    assert "hello" in old
