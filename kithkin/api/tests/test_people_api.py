from __future__ import annotations

import json
from datetime import date, time
from typing import Any, get_args

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.api.schemas import RingName
from kithkin.api.tests.helpers import bearer, send
from kithkin.circle import cadence
from kithkin.circle.models import RING_SLUGS, Interaction, Person, Ring
from kithkin.circle.tests.factories import contact, person

pytestmark = pytest.mark.django_db


def _snapshot() -> list[Any]:
    return list(Person.objects.order_by("pk").values())


def test_it_creates_a_person_with_every_field(client: Client, alice: User) -> None:
    body = {
        "name": "  Sam Okafor ",
        "nickname": "Sammy",
        "ring": "close",
        "cadence_days": 10,
        "channels": ["call", "text", "call"],
        "topics_to_avoid": ["work", "the divorce", "work"],
        "interests": ["climbing", "jazz"],
        "quiet_hours": {"start": "22:00", "end": "07:30"},
        "min_days_between": 3,
        "paused_until": "2026-12-01",
        "notes": "Met at the climbing wall.",
        "birthday": "1990-04-28",
        "archived": False,
        "trusted": True,
    }
    with time_machine.travel("2026-11-22 10:00Z", tick=False):
        r = send(client, "post", "/api/v1/people", bearer(alice), body)
    assert r.status_code == 201, r.content
    out = r.json()
    sam = Person.objects.get(pk=out["id"], owner=alice)
    assert (sam.name, sam.ring, sam.channels) == ("Sam Okafor", Ring.CLOSE, ["call", "text"])
    assert (sam.quiet_start, sam.quiet_end) == (time(22, 0), time(7, 30))
    assert (sam.birthday_year, sam.birthday_month, sam.birthday_day) == (1990, 4, 28)
    assert sam.paused_until == date(2026, 12, 1)
    # Stored through do_save_person: due after the pause, not 10 days after adding.
    assert sam.next_due_at == cadence.next_due(sam.created_at, 10, alice.zone, date(2026, 12, 1))
    assert out == {
        **body,
        "id": sam.pk,
        "name": "Sam Okafor",
        "channels": ["call", "text"],
        "topics_to_avoid": ["work", "the divorce"],
        "last_contact_at": None,
        "next_due_at": "2026-12-02T00:00:00Z",
    }


def test_it_fills_in_gentle_defaults(client: Client, alice: User) -> None:
    r = send(client, "post", "/api/v1/people", bearer(alice), {"name": "Jo"})
    assert r.status_code == 201
    out = r.json()
    assert out["ring"] == "wider"
    assert out["cadence_days"] is None
    assert out["birthday"] is None
    assert out["quiet_hours"] is None
    assert out["archived"] is False
    assert out["next_due_at"] is not None


def test_it_can_add_someone_already_set_aside(client: Client, alice: User) -> None:
    r = send(client, "post", "/api/v1/people", bearer(alice), {"name": "Jo", "archived": True})
    assert r.status_code == 201
    assert r.json()["archived"] is True
    assert Person.objects.get(pk=r.json()["id"]).archived_at is not None


@pytest.mark.parametrize(
    ("birthday", "year", "month", "day"),
    [("--02-29", None, 2, 29), ("2000-02-29", 2000, 2, 29), ("--12-31", None, 12, 31)],
)
def test_it_takes_a_birthday_with_or_without_the_year(
    client: Client, alice: User, birthday: str, year: int | None, month: int, day: int
) -> None:
    r = send(client, "post", "/api/v1/people", bearer(alice), {"name": "Jo", "birthday": birthday})
    assert r.status_code == 201, r.content
    assert r.json()["birthday"] == birthday
    jo = Person.objects.get(pk=r.json()["id"])
    assert (jo.birthday_year, jo.birthday_month, jo.birthday_day) == (year, month, day)


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 201},
        {"name": None},
        {"ring": "best"},
        {"ring": 1},
        {"cadence_days": 0},
        {"cadence_days": 731},
        {"cadence_days": "7"},
        {"cadence_days": 7.5},
        {"min_days_between": -1},
        {"channels": ["fax"]},
        {"channels": "text"},
        {"interests": ["x" * 101]},
        {"interests": [""]},
        {"topics_to_avoid": [3]},
        {"quiet_hours": {"start": "25:00", "end": "07:00"}},
        {"quiet_hours": {"start": "22:00"}},
        {"quiet_hours": {"start": "22:00", "end": "7:00"}},
        {"quiet_hours": "22:00-07:00"},
        {"paused_until": "next week"},
        {"birthday": "2023-02-29"},
        {"birthday": "--02-30"},
        {"birthday": "--13-01"},
        {"birthday": "1850-01-01"},
        {"birthday": "28/04/1990"},
        {"birthday": "04-28"},
        {"archived": "yes"},
        {"archived": None},
        {"last_contact_at": "2026-01-01T00:00:00Z"},
        {"colour": "blue"},
    ],
)
def test_invalid_values_are_a_422_and_nothing_is_written(
    client: Client, alice: User, change: dict[str, Any]
) -> None:
    auth = bearer(alice)
    sam = person(alice, "Sam")
    before = _snapshot()

    created = send(client, "post", "/api/v1/people", auth, {"name": "Jo", **change})
    patched = send(client, "patch", f"/api/v1/people/{sam.pk}", auth, change)

    for r in (created, patched):
        assert r.status_code == 422, (change, r.content)
        body = r.json()
        assert body["code"] == "invalid"
        assert body["message"]
        assert body["details"]
    assert _snapshot() == before


def test_a_422_names_the_field_and_says_why(client: Client, alice: User) -> None:
    r = send(client, "post", "/api/v1/people", bearer(alice), {"name": "Jo", "birthday": "--02-30"})
    [detail] = r.json()["details"]
    assert detail["loc"] == ["body", "payload", "birthday"]
    assert "doesn't exist" in detail["msg"]


def test_it_reads_one_person(client: Client, alice: User) -> None:
    sam = person(alice, "Sam", Ring.INNER, birthday_month=2, birthday_day=29)
    r = client.get(f"/api/v1/people/{sam.pk}", headers=bearer(alice))
    assert r.status_code == 200
    assert r.json()["name"] == "Sam"
    assert r.json()["ring"] == "inner"
    assert r.json()["birthday"] == "--02-29"


def test_patch_changes_only_what_is_sent(client: Client, alice: User) -> None:
    sam = person(
        alice,
        "Sam",
        Ring.CLOSE,
        nickname="Sammy",
        interests=["jazz"],
        cadence_days=10,
        quiet_start=time(22),
        quiet_end=time(7),
        birthday_year=1990,
        birthday_month=4,
        birthday_day=28,
    )
    r = send(client, "patch", f"/api/v1/people/{sam.pk}", bearer(alice), {"nickname": "S"})
    assert r.status_code == 200
    sam.refresh_from_db()
    assert sam.nickname == "S"
    assert (sam.name, sam.ring, sam.interests, sam.cadence_days) == ("Sam", 2, ["jazz"], 10)
    assert sam.quiet_start == time(22)
    assert r.json()["birthday"] == "1990-04-28"


def test_patch_null_clears_what_can_be_empty(client: Client, alice: User) -> None:
    sam = person(
        alice,
        "Sam",
        cadence_days=10,
        min_days_between=3,
        paused_until=date(2030, 1, 1),
        quiet_start=time(22),
        quiet_end=time(7),
        birthday_month=4,
        birthday_day=28,
    )
    cleared = {
        k: None
        for k in ("cadence_days", "min_days_between", "paused_until", "quiet_hours", "birthday")
    }
    r = send(client, "patch", f"/api/v1/people/{sam.pk}", bearer(alice), cleared)
    assert r.status_code == 200
    assert {k: r.json()[k] for k in cleared} == cleared
    sam.refresh_from_db()
    assert sam.cadence_days is None
    assert sam.paused_until is None
    assert (sam.quiet_start, sam.quiet_end) == (None, None)
    assert (sam.birthday_year, sam.birthday_month, sam.birthday_day) == (None, None, None)


def test_changing_ring_or_cadence_moves_when_they_are_next_due(client: Client, alice: User) -> None:
    with time_machine.travel("2026-11-22 10:00Z", tick=False):
        sam = person(alice, "Sam", Ring.WIDER)
        auth = bearer(alice)
        r = send(client, "patch", f"/api/v1/people/{sam.pk}", auth, {"ring": "inner"})
        assert r.json()["next_due_at"] == "2026-11-29T00:00:00Z"
        r = send(client, "patch", f"/api/v1/people/{sam.pk}", auth, {"cadence_days": 2})
        assert r.json()["next_due_at"] == "2026-11-24T00:00:00Z"
    sam.refresh_from_db()
    assert sam.next_due_at == cadence.next_due(sam.created_at, 2, alice.zone)


def test_archiving_and_bringing_back_through_patch(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    auth = bearer(alice)
    r = send(client, "patch", f"/api/v1/people/{sam.pk}", auth, {"archived": True})
    assert r.json()["archived"] is True
    sam.refresh_from_db()
    set_aside_at = sam.archived_at
    assert set_aside_at is not None

    # Archiving again keeps the original moment.
    send(client, "patch", f"/api/v1/people/{sam.pk}", auth, {"archived": True})
    sam.refresh_from_db()
    assert sam.archived_at == set_aside_at

    r = send(client, "patch", f"/api/v1/people/{sam.pk}", auth, {"archived": False})
    assert r.json()["archived"] is False
    sam.refresh_from_db()
    assert sam.archived_at is None


def test_delete_removes_the_person_and_keeps_their_interactions(
    client: Client, alice: User
) -> None:
    sam = person(alice, "Sam")
    kim = person(alice, "Kim")
    together = contact(alice, [sam, kim])
    r = client.delete(f"/api/v1/people/{sam.pk}", headers=bearer(alice))
    assert r.status_code == 204
    assert r.content == b""
    assert not Person.objects.filter(pk=sam.pk).exists()
    assert list(Interaction.objects.get(pk=together.pk).people.all()) == [kim]


def test_it_lists_people_a_page_at_a_time(client: Client, alice: User) -> None:
    for name in ["Ada", "Bea", "Cy"]:
        person(alice, name)
    auth = bearer(alice)
    first = client.get("/api/v1/people?page_size=2", headers=auth).json()
    second = client.get("/api/v1/people?page_size=2&page=2", headers=auth).json()
    assert first["count"] == second["count"] == 3
    assert [p["name"] for p in first["items"]] == ["Ada", "Bea"]
    assert [p["name"] for p in second["items"]] == ["Cy"]


def test_it_lists_by_ring_then_name_and_filters(client: Client, alice: User) -> None:
    person(alice, "Zoe", Ring.INNER)
    person(alice, "Abe", Ring.ACQUAINTANCE, nickname="Bramble")
    person(alice, "Mia", Ring.CLOSE)
    old = person(alice, "Old Friend", Ring.CLOSE)
    old.archived_at = timezone.now()
    old.save()
    auth = bearer(alice)

    def names(query: str = "") -> list[str]:
        r = client.get(f"/api/v1/people{query}", headers=auth)
        assert r.status_code == 200, r.content
        return [p["name"] for p in r.json()["items"]]

    assert names() == ["Zoe", "Mia", "Abe"]
    assert names("?archived=false") == ["Zoe", "Mia", "Abe"]
    assert names("?archived=true") == ["Old Friend"]
    assert names("?ring=close") == ["Mia"]
    assert names("?ring=close&archived=true") == ["Old Friend"]
    assert names("?q=mi") == ["Mia"]
    assert names("?q=BRAM") == ["Abe"]
    assert names("?q=nobody") == []


def test_a_bad_filter_is_a_422(client: Client, alice: User) -> None:
    r = client.get("/api/v1/people?ring=bestie", headers=bearer(alice))
    assert r.status_code == 422
    assert r.json()["code"] == "invalid"


def test_listing_people_takes_the_same_few_queries_however_many(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(35):
        person(alice, f"Person {i:02}", interests=["jazz"], channels=["text"])
    auth = bearer(alice)
    # The token lookup, recording its use, the count and the page.
    with django_assert_max_num_queries(4):
        r = client.get("/api/v1/people?page_size=100", headers=auth)
    assert len(r.json()["items"]) == 35


def test_nobody_else_sees_or_changes_alices_people(
    client: Client, alice: User, charlie: User
) -> None:
    sam = person(alice, "Sam")
    before = _snapshot()
    auth = bearer(charlie)
    url = f"/api/v1/people/{sam.pk}"
    answers = [
        client.get(url, headers=auth),
        send(client, "patch", url, auth, {"name": "Taken"}),
        send(client, "patch", url, auth, {"archived": True}),
        client.delete(url, headers=auth),
    ]
    for r in answers:
        assert r.status_code == 404
        assert r.json()["code"] == "not_found"
    # The same answer as for an id that doesn't exist at all.
    assert client.get("/api/v1/people/99999", headers=auth).json() == answers[0].json()
    assert client.get("/api/v1/people", headers=auth).json() == {"items": [], "count": 0}
    assert client.get("/api/v1/people?archived=true", headers=auth).json()["count"] == 0
    assert _snapshot() == before


def test_a_read_only_token_can_read_but_not_write(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    auth = bearer(alice, scope="read")
    before = _snapshot()
    assert client.get("/api/v1/people", headers=auth).status_code == 200
    assert client.get(f"/api/v1/people/{sam.pk}", headers=auth).status_code == 200
    writes = [
        send(client, "post", "/api/v1/people", auth, {"name": "Jo"}),
        send(client, "patch", f"/api/v1/people/{sam.pk}", auth, {"name": "Jo"}),
        client.delete(f"/api/v1/people/{sam.pk}", headers=auth),
    ]
    for r in writes:
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"
    assert _snapshot() == before


def test_without_a_token_it_is_a_401(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    assert client.get("/api/v1/people").status_code == 401
    assert client.get(f"/api/v1/people/{sam.pk}").json()["code"] == "unauthorized"


def test_a_wrong_method_is_a_405_with_an_error_object(client: Client, alice: User) -> None:
    r = client.put("/api/v1/people", headers=bearer(alice))
    assert r.status_code == 405
    assert r.json()["code"] == "method_not_allowed"
    assert set(r["Allow"].split(", ")) == {"GET", "POST"}


def test_a_non_numeric_id_is_a_422(client: Client, alice: User) -> None:
    r = client.get("/api/v1/people/sam", headers=bearer(alice))
    assert r.status_code == 422
    assert r.json()["code"] == "invalid"


def test_the_api_ring_names_are_the_models(client: Client) -> None:
    assert set(get_args(RingName)) == set(RING_SLUGS.values())


def test_the_openapi_schema_describes_the_people_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/people": {"get": {"200", "401", "422"}, "post": {"201", "401", "403", "422"}},
        "/api/v1/people/{id}": {
            "get": {"200", "401", "404", "422"},
            "patch": {"200", "401", "403", "404", "422"},
            "delete": {"204", "401", "403", "404", "422"},
        },
    }
    for path, methods in expected.items():
        assert set(paths[path]) == set(methods)
        for method, codes in methods.items():
            operation = paths[path][method]
            assert operation["tags"] == ["people"]
            # 400, 413 and 429 can come from any operation with a body (or any at all).
            assert set(operation["responses"]) - {"400", "413", "429"} == codes


@pytest.mark.parametrize("field", ["name", "notes"])
def test_a_broken_character_is_refused_and_nothing_is_written(
    client: Client, alice: User, field: str
) -> None:
    # A lone surrogate can be written in JSON but can't be stored as UTF-8.
    body = json.dumps({"name": "Sam", field: "caf\ud800"})
    assert "\\ud800" in body
    r = client.post("/api/v1/people", body, content_type="application/json", headers=bearer(alice))
    assert r.status_code == 422
    assert not Person.objects.exists()
