from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import assert_documented, bearer, rows, send
from kithkin.circle import actions, cadence
from kithkin.circle.models import Interaction, InteractionPerson, Person, Ring
from kithkin.circle.tests.factories import contact, person

pytestmark = pytest.mark.django_db

NOW = "2026-11-22 10:00Z"


def _snapshot() -> list[Any]:
    return rows(Interaction, InteractionPerson, Person)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_logging_a_contact_updates_the_persons_last_contact_and_next_due(
    client: Client, alice: User
) -> None:
    with time_machine.travel("2026-11-01 09:00Z", tick=False):
        sam = person(alice, "Sam", Ring.CLOSE)
    with time_machine.travel(NOW, tick=False):
        r = send(
            client,
            "post",
            "/api/v1/interactions",
            bearer(alice),
            {"people": [sam.pk], "channel": "call", "happened_at": "2026-11-20T18:30:00+00:00"},
        )
    assert r.status_code == 201, r.content
    sam.refresh_from_db()
    when = datetime.fromisoformat("2026-11-20T18:30:00+00:00")
    assert sam.last_contact_at == when
    assert sam.next_due_at == cadence.next_due(when, 14, alice.zone)


def test_it_logs_with_every_field_and_answers_with_it(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    kim = person(alice, "Kim")
    body = {
        "people": [kim.pk, sam.pk],
        "channel": "in_person",
        "size": "main",
        "initiated_by": "them",
        "happened_at": "2026-11-21T19:00:00Z",
        "feeling_after": "lifted",
        "awaiting_reply": True,
        "note": "Dinner at theirs.",
    }
    with time_machine.travel(NOW, tick=False):
        r = send(client, "post", "/api/v1/interactions", bearer(alice), body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out == {**body, "id": out["id"], "people": sorted([sam.pk, kim.pk])}
    saved = Interaction.objects.get(pk=out["id"], owner=alice)
    assert set(saved.people.all()) == {sam, kim}
    # They reached out and wait for an answer: a reply is owed.
    sam.refresh_from_db()
    assert sam.reply_owed_since == saved.happened_at


def test_when_defaults_to_now_and_the_rest_to_the_common_case(client: Client, alice: User) -> None:
    with time_machine.travel(NOW, tick=False):
        r = send(client, "post", "/api/v1/interactions", bearer(alice), {"channel": "text"})
    assert r.status_code == 201, r.content
    assert r.json() == {
        "id": r.json()["id"],
        "people": [],
        "channel": "text",
        "size": "micro",
        "initiated_by": "me",
        "happened_at": "2026-11-22T10:00:00Z",
        "feeling_after": None,
        "awaiting_reply": False,
        "note": "",
    }


@pytest.mark.parametrize(
    ("offset", "status"),
    [
        (timedelta(days=-400), 201),
        (timedelta(minutes=4), 201),
        (timedelta(minutes=6), 422),
        (timedelta(days=1), 422),
    ],
)
def test_when_can_be_in_the_past_but_barely_in_the_future(
    client: Client, alice: User, offset: timedelta, status: int
) -> None:
    with time_machine.travel(NOW, tick=False):
        when = _iso(timezone.now() + offset)
        body = {"channel": "text", "happened_at": when}
        r = send(client, "post", "/api/v1/interactions", bearer(alice), body)
    assert r.status_code == status, r.content
    assert Interaction.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    "change",
    [
        {"channel": "pigeon"},
        {"channel": None},
        {"size": "huge"},
        {"initiated_by": "someone"},
        {"feeling_after": "meh"},
        {"feeling_after": ""},
        {"awaiting_reply": "yes"},
        {"awaiting_reply": 1},
        {"happened_at": "yesterday"},
        {"happened_at": "2026-11-20T18:30:00"},  # no offset: whose evening?
        {"people": "1"},
        {"people": ["one"]},
        {"people": None},
        {"note": "x" * 20_001},
        {"deleted_at": "2026-11-20T18:30:00Z"},
    ],
)
def test_invalid_values_are_a_422_and_nothing_is_written(
    client: Client, alice: User, change: dict[str, Any]
) -> None:
    auth = bearer(alice)
    sam = person(alice, "Sam")
    with time_machine.travel(NOW, tick=False):
        logged = contact(alice, [sam], days_ago=2)
        before = _snapshot()
        created = send(client, "post", "/api/v1/interactions", auth, {"channel": "text", **change})
        patched = send(client, "patch", f"/api/v1/interactions/{logged.pk}", auth, change)
    for r in (created, patched):
        assert r.status_code == 422, (change, r.content)
        assert r.json()["code"] == "invalid"
        assert r.json()["details"]
    assert _snapshot() == before


def test_patch_cannot_empty_the_time(client: Client, alice: User) -> None:
    # On POST null means "now"; on PATCH leaving it out keeps it, so null is a mistake.
    logged = contact(alice, [], days_ago=2)
    auth = bearer(alice)
    r = send(client, "patch", f"/api/v1/interactions/{logged.pk}", auth, {"happened_at": None})
    assert r.status_code == 422
    assert r.json()["details"][0]["loc"] == ["body", "payload", "happened_at"]
    assert Interaction.objects.get(pk=logged.pk).happened_at == logged.happened_at


def test_someone_elses_or_an_unknown_person_is_refused_and_nothing_written(
    client: Client, alice: User, charlie: User
) -> None:
    sam = person(alice, "Sam")
    his = person(charlie, "His friend")
    auth = bearer(charlie)
    before = _snapshot()
    r = send(
        client,
        "post",
        "/api/v1/interactions",
        auth,
        {"people": [his.pk, sam.pk, 99999], "channel": "call"},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid"
    assert [d["loc"] for d in body["details"]] == [
        ["body", "payload", "people", 1],
        ["body", "payload", "people", 2],
    ]
    # Alice's person and one that doesn't exist read the same.
    assert body["details"][0]["msg"].replace(str(sam.pk), "N") == body["details"][1]["msg"].replace(
        "99999", "N"
    )
    assert _snapshot() == before


def test_charlie_cannot_attach_alices_person_to_his_own_contact(
    client: Client, alice: User, charlie: User
) -> None:
    sam = person(alice, "Sam")
    his = person(charlie, "His friend")
    mine = contact(charlie, [his])
    before = _snapshot()
    r = send(
        client,
        "patch",
        f"/api/v1/interactions/{mine.pk}",
        bearer(charlie),
        {"people": [his.pk, sam.pk], "note": "sneaky"},
    )
    assert r.status_code == 422
    assert _snapshot() == before


def test_patch_changes_only_what_is_sent_and_refreshes_everyone_affected(
    client: Client, alice: User
) -> None:
    with time_machine.travel("2026-11-01 09:00Z", tick=False):
        sam = person(alice, "Sam", Ring.INNER)
        kim = person(alice, "Kim", Ring.INNER)
    with time_machine.travel(NOW, tick=False):
        logged = contact(alice, [sam], days_ago=1, note="Coffee", size="main")
        r = send(
            client,
            "patch",
            f"/api/v1/interactions/{logged.pk}",
            bearer(alice),
            {"people": [kim.pk], "feeling_after": "drained"},
        )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["people"] == [kim.pk]
    assert (out["feeling_after"], out["note"], out["size"]) == ("drained", "Coffee", "main")
    sam.refresh_from_db()
    kim.refresh_from_db()
    # Sam is no longer in it: back to counting from when he was added.
    assert sam.last_contact_at is None
    assert sam.next_due_at == cadence.next_due(sam.created_at, 7, alice.zone)
    assert kim.last_contact_at == logged.happened_at
    assert kim.next_due_at == cadence.next_due(logged.happened_at, 7, alice.zone)


def test_patch_null_clears_the_feeling(client: Client, alice: User) -> None:
    logged = contact(alice, [], feeling_after="lifted")
    auth = bearer(alice)
    r = send(client, "patch", f"/api/v1/interactions/{logged.pk}", auth, {"feeling_after": None})
    assert r.status_code == 200
    assert r.json()["feeling_after"] is None
    logged.refresh_from_db()
    assert logged.feeling_after == ""


def test_patch_moving_a_contact_back_in_time_moves_next_due(client: Client, alice: User) -> None:
    sam = person(alice, "Sam", Ring.CLOSE)
    with time_machine.travel(NOW, tick=False):
        logged = contact(alice, [sam])
        send(
            client,
            "patch",
            f"/api/v1/interactions/{logged.pk}",
            bearer(alice),
            {"happened_at": "2026-11-10T12:00:00Z"},
        )
    sam.refresh_from_db()
    assert sam.last_contact_at == datetime.fromisoformat("2026-11-10T12:00:00+00:00")


def test_delete_is_a_soft_delete_that_stops_it_counting(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    older = contact(alice, [sam], days_ago=10)
    newer = contact(alice, [sam], days_ago=1)
    auth = bearer(alice)
    r = client.delete(f"/api/v1/interactions/{newer.pk}", headers=auth)
    assert r.status_code == 204
    assert r.content == b""
    newer.refresh_from_db()
    assert newer.deleted_at is not None  # kept for the web app's undo
    sam.refresh_from_db()
    assert sam.last_contact_at == older.happened_at
    assert client.get(f"/api/v1/interactions/{newer.pk}", headers=auth).status_code == 404
    assert client.delete(f"/api/v1/interactions/{newer.pk}", headers=auth).status_code == 404
    listed = client.get("/api/v1/interactions", headers=auth).json()
    assert [i["id"] for i in listed["items"]] == [older.pk]
    assert listed["count"] == 1


def test_a_deleted_contact_can_be_brought_back_for_a_few_minutes(
    client: Client, alice: User
) -> None:
    sam = person(alice, "Sam")
    older = contact(alice, [sam], days_ago=10)
    newer = contact(alice, [sam], days_ago=1)
    auth = bearer(alice)
    assert client.delete(f"/api/v1/interactions/{newer.pk}", headers=auth).status_code == 204
    r = client.post(f"/api/v1/interactions/{newer.pk}/restore", headers=auth)
    assert r.status_code == 200, r.content
    assert r.json()["id"] == newer.pk and r.json()["people"] == [sam.pk]
    newer.refresh_from_db()
    sam.refresh_from_db()
    assert newer.deleted_at is None
    assert sam.last_contact_at == newer.happened_at
    listed = client.get("/api/v1/interactions", headers=auth).json()
    assert [i["id"] for i in listed["items"]] == [newer.pk, older.pk]
    # Bringing back one that is there already changes nothing.
    before = _snapshot()
    again = client.post(f"/api/v1/interactions/{newer.pk}/restore", headers=auth)
    assert again.status_code == 200 and again.json() == r.json()
    assert _snapshot() == before


def test_after_the_undo_window_a_deleted_contact_stays_deleted(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    logged = contact(alice, [sam], days_ago=1)
    auth = bearer(alice)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.delete(f"/api/v1/interactions/{logged.pk}", headers=auth)
        clock.shift(actions.UNDO_WINDOW + timedelta(seconds=1))
        before = _snapshot()
        r = client.post(f"/api/v1/interactions/{logged.pk}/restore", headers=auth)
    assert r.status_code == 409
    assert r.json() == {
        "code": "too_late",
        "message": "That was deleted a while ago, so it can't be brought back now.",
        "details": [],
    }
    assert _snapshot() == before


def test_nobody_else_can_bring_back_alices_deleted_contact(
    client: Client, alice: User, charlie: User
) -> None:
    logged = contact(alice, [person(alice, "Sam")])
    client.delete(f"/api/v1/interactions/{logged.pk}", headers=bearer(alice))
    before = _snapshot()
    for url in (f"/api/v1/interactions/{logged.pk}/restore", "/api/v1/interactions/99999/restore"):
        r = client.post(url, headers=bearer(charlie))
        assert r.status_code == 404
        assert r.json()["code"] == "not_found"
    r = client.post(f"/api/v1/interactions/{logged.pk}/restore", headers=bearer(alice, "read"))
    assert r.status_code == 403
    assert _snapshot() == before


def test_it_lists_newest_first_a_page_at_a_time(client: Client, alice: User) -> None:
    logged = [contact(alice, [], days_ago=d) for d in (3, 1, 2)]
    # The same moment twice: the later one logged comes first.
    same_time = actions.do_log_interaction(
        alice, [], channel="text", happened_at=logged[1].happened_at
    )
    auth = bearer(alice)
    first = client.get("/api/v1/interactions?page_size=3", headers=auth).json()
    second = client.get("/api/v1/interactions?page_size=3&page=2", headers=auth).json()
    assert first["count"] == second["count"] == 4
    assert [i["id"] for i in first["items"] + second["items"]] == [
        same_time.pk,
        logged[1].pk,
        logged[2].pk,
        logged[0].pk,
    ]


def test_it_filters_by_person_and_since(client: Client, alice: User, charlie: User) -> None:
    sam = person(alice, "Sam")
    kim = person(alice, "Kim")
    with time_machine.travel(NOW, tick=False):
        old = contact(alice, [sam], days_ago=30)
        both = contact(alice, [sam, kim], days_ago=5)
        kims = contact(alice, [kim], days_ago=1)
        nobody = contact(alice, [], days_ago=2)
    auth = bearer(alice)

    def ids(query: str) -> list[int]:
        r = client.get(f"/api/v1/interactions{query}", headers=auth)
        assert r.status_code == 200, r.content
        return [i["id"] for i in r.json()["items"]]

    assert ids("") == [kims.pk, nobody.pk, both.pk, old.pk]
    assert ids(f"?person={sam.pk}") == [both.pk, old.pk]
    assert ids(f"?person={kim.pk}") == [kims.pk, both.pk]
    assert ids("?since=2026-11-17T00:00:00Z") == [kims.pk, nobody.pk, both.pk]
    assert ids(f"?person={sam.pk}&since=2026-11-17T00:00:00%2B00:00") == [both.pk]
    assert ids("?person=99999") == []
    # Charlie filtering by Alice's person sees nothing of hers.
    r = client.get(f"/api/v1/interactions?person={sam.pk}", headers=bearer(charlie))
    assert r.json() == {"items": [], "count": 0}


def test_a_bad_filter_is_a_422(client: Client, alice: User) -> None:
    auth = bearer(alice)
    for query in ("?since=last-week", "?since=2026-11-17T00:00:00", "?person=sam"):
        r = client.get(f"/api/v1/interactions{query}", headers=auth)
        assert r.status_code == 422, query
        assert r.json()["code"] == "invalid"


def test_listing_interactions_takes_the_same_few_queries_however_many(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    sam = person(alice, "Sam")
    kim = person(alice, "Kim")
    for i in range(40):
        contact(alice, [sam, kim] if i % 2 else [sam], days_ago=i)
    auth = bearer(alice)
    # The token lookup, recording its use, the count, the page and its people ids.
    with django_assert_max_num_queries(5):
        r = client.get("/api/v1/interactions?page_size=100", headers=auth)
    items = r.json()["items"]
    assert len(items) == 40
    assert items[1]["people"] == sorted([sam.pk, kim.pk])


def test_nobody_else_sees_or_changes_alices_contacts(
    client: Client, alice: User, charlie: User
) -> None:
    sam = person(alice, "Sam")
    logged = contact(alice, [sam])
    before = _snapshot()
    auth = bearer(charlie)
    url = f"/api/v1/interactions/{logged.pk}"
    answers = [
        client.get(url, headers=auth),
        send(client, "patch", url, auth, {"note": "mine now"}),
        send(client, "patch", url, auth, {"people": []}),
        client.delete(url, headers=auth),
    ]
    for r in answers:
        assert r.status_code == 404
        assert r.json()["code"] == "not_found"
    assert client.get("/api/v1/interactions/99999", headers=auth).json() == answers[0].json()
    assert client.get("/api/v1/interactions", headers=auth).json() == {"items": [], "count": 0}
    assert _snapshot() == before


def test_a_read_only_token_can_read_but_not_write(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    logged = contact(alice, [sam])
    auth = bearer(alice, scope="read")
    before = _snapshot()
    assert client.get("/api/v1/interactions", headers=auth).status_code == 200
    assert client.get(f"/api/v1/interactions/{logged.pk}", headers=auth).status_code == 200
    writes = [
        send(client, "post", "/api/v1/interactions", auth, {"channel": "text"}),
        send(client, "patch", f"/api/v1/interactions/{logged.pk}", auth, {"note": "x"}),
        client.delete(f"/api/v1/interactions/{logged.pk}", headers=auth),
    ]
    for r in writes:
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"
    assert _snapshot() == before


def test_the_openapi_schema_describes_the_interaction_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/interactions": {
            "get": {"200", "401", "422"},
            "post": {"201", "401", "403", "422"},
        },
        "/api/v1/interactions/{id}": {
            "get": {"200", "401", "404", "422"},
            "patch": {"200", "401", "403", "404", "422"},
            "delete": {"204", "401", "403", "404", "422"},
        },
        "/api/v1/interactions/{id}/restore": {
            "post": {"200", "401", "403", "404", "409", "422"},
        },
    }
    for path, methods in expected.items():
        assert set(paths[path]) == set(methods), path
    operations = {(m, p): codes for p, methods in expected.items() for m, codes in methods.items()}
    assert_documented(paths, operations, tag="interactions", nothing_else=True)
    channels = schema["components"]["schemas"]["Channel"]["enum"]
    assert channels == [
        "text",
        "voice",
        "call",
        "video",
        "in_person",
        "social",
        "letter",
        "other",
    ]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/interactions/99999999999999999999999", None),
        ("get", "/api/v1/interactions?person=99999999999999999999999", None),
        ("get", "/api/v1/interactions?page=99999999999999999999", None),
        ("get", "/api/v1/interactions?page_size=1000", None),
        ("get", "/api/v1/interactions?since=0001-01-01T00:00%2B05:00", None),
        ("post", "/api/v1/interactions", {"channel": "text", "people": [10**30]}),
        (
            "post",
            "/api/v1/interactions",
            {"channel": "text", "happened_at": "0001-01-01T00:30+05:00"},
        ),
        ("post", "/api/v1/interactions", {"channel": "text", "note": "a\x00b"}),
        ("post", "/api/v1/people", {"name": "Sam", "paused_until": "9999-12-31"}),
        ("post", "/api/v1/people", {"name": "Sam", "birthday": "1990-04-28\n"}),
        ("post", "/api/v1/people", {"name": "Sa\x00m"}),
    ],
)
def test_out_of_range_input_is_a_clear_422_and_changes_nothing(
    client: Client, alice: User, method: str, path: str, body: dict | None
) -> None:
    before = _snapshot()
    auth = bearer(alice)
    r = client.get(path, headers=auth) if body is None else send(client, method, path, auth, body)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "invalid"
    assert _snapshot() == before
