"""/api/v1/communities and /api/v1/places: what the community and place pages do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import assert_documented, bearer, error_messages, rows, send
from kithkin.plans.models import Community, Place

pytestmark = pytest.mark.django_db

URL = "/api/v1/communities"
PLACES = "/api/v1/places"
NOW = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)  # Friday 2 January 2026, noon in London
FIELDS = {
    "id",
    "name",
    "kind",
    "energy",
    "place",
    "link",
    "note",
    "meets",
    "rrule",
    "start",
    "timezone",
    "duration_minutes",
    "next_meets",
}


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _snapshot() -> list[Any]:
    return rows(Community, Place)


def _group(owner: User, name: str = "Choir", **extra: Any) -> Community:
    fields: dict[str, Any] = {
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "start_date": date(2026, 1, 6),
        "start_time": time(19, 0),
        "timezone": owner.timezone,
        **extra,
    }
    return Community.objects.create(owner=owner, name=name, **fields)


# --- Communities: create and read -----------------------------------------------------


def test_post_with_every_field_answers_with_the_documented_fields(
    client: Client, alice: User
) -> None:
    body = {
        "name": "  Book club ",
        "kind": "book_club",
        "energy": "low",
        "place": "The library, upstairs",
        "link": "example.org/books",
        "note": "Ask for Jo",
        "meets": True,
        "rrule": "freq=monthly;byday=1tu",
        "start": "2026-01-06T19:00",
        "timezone": "Europe/London",
        "duration_minutes": 120,
    }
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert set(out) == FIELDS
    assert out == {
        **body,
        "id": out["id"],
        "name": "Book club",
        "link": "https://example.org/books",
        "rrule": "FREQ=MONTHLY;BYDAY=1TU",
        "start": "2026-01-06T19:00:00",
        "next_meets": "2026-01-06T19:00:00Z",
    }
    group = Community.objects.get(pk=out["id"])
    assert group.owner == alice and group.sequence == 0 and group.meets


def test_only_a_name_and_a_start_are_needed(client: Client, charlie: User) -> None:
    r = send(client, "post", URL, bearer(charlie), {"name": "Walkers", "start": "2026-01-10T08:30"})
    assert r.status_code == 201, r.content
    assert r.json() == {
        "id": r.json()["id"],
        "name": "Walkers",
        "kind": "other",
        "energy": "some",
        "place": "",
        "link": "",
        "note": "",
        "meets": True,
        "rrule": None,
        "start": "2026-01-10T08:30:00",
        "timezone": "Australia/Sydney",
        "duration_minutes": 90,
        "next_meets": "2026-01-10T08:30:00+11:00",
    }


def test_a_group_that_doesnt_meet_has_no_schedule(client: Client, alice: User) -> None:
    r = send(
        client, "post", URL, bearer(alice), {"name": "The forum", "kind": "online", "meets": False}
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["meets"], out["start"], out["rrule"], out["next_meets"]) == (
        False,
        None,
        None,
        None,
    )
    # Sent back as it came (nulls and all), it is still fine.
    again = {k: v for k, v in out.items() if k not in ("id", "next_meets")}
    assert send(client, "patch", f"{URL}/{out['id']}", bearer(alice), again).status_code == 200


def test_next_meets_is_in_the_groups_own_zone_and_null_once_it_has_ended(
    client: Client, alice: User
) -> None:
    abroad = _group(alice, "Cousins' call", timezone="America/New_York")
    ended = _group(alice, "Last term", rrule="FREQ=WEEKLY;COUNT=2", start_date=date(2025, 9, 1))
    auth = bearer(alice)
    r = send(client, "get", f"{URL}/{abroad.pk}", auth)
    assert r.json()["next_meets"] == "2026-01-06T19:00:00-05:00"
    r = send(client, "get", f"{URL}/{ended.pk}", auth)
    assert r.json()["next_meets"] is None and r.json()["rrule"] == "FREQ=WEEKLY;COUNT=2"


def test_the_list_is_paginated_by_name_and_owner_scoped(
    client: Client, alice: User, bob: User
) -> None:
    b = _group(alice, "Book club")
    a = _group(alice, "Allotment")
    _group(alice, "Gone", archived_at=NOW)
    _group(bob, "Bob's")
    auth = bearer(alice)
    r = send(client, "get", URL, auth)
    assert r.status_code == 200
    assert r.json()["count"] == 2
    assert [g["id"] for g in r.json()["items"]] == [a.pk, b.pk]
    assert r.json()["items"][1]["next_meets"] == "2026-01-06T19:00:00Z"
    r = send(client, "get", f"{URL}?page=2&page_size=1", auth)
    assert [g["id"] for g in r.json()["items"]] == [b.pk]


def test_the_lists_take_a_fixed_number_of_queries(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(40):
        _group(alice, f"Group {i}", meets=i % 3 != 0)
        Place.objects.create(owner=alice, name=f"Place {i}")
    auth = bearer(alice)
    for url in (URL, PLACES):
        # The token (read and touched), the count and the page.
        with django_assert_max_num_queries(4):
            r = send(client, "get", f"{url}?page_size=100", auth)
        assert len(r.json()["items"]) == 40


# --- Owner and scope -------------------------------------------------------------------


def test_another_persons_or_a_set_aside_group_is_a_404(
    client: Client, alice: User, bob: User
) -> None:
    group = _group(alice)
    aside = _group(alice, "Set aside", archived_at=NOW)
    place = Place.objects.create(owner=alice, name="Library")
    gone = Place.objects.create(owner=alice, name="Closed café", archived_at=NOW)
    before = _snapshot()
    for who, ids in ((bob, (group.pk, place.pk)), (alice, (aside.pk, gone.pk))):
        auth = bearer(who)
        for base, pk in zip((URL, PLACES), ids, strict=True):
            for method, body in (("get", None), ("patch", {"name": "Mine now"}), ("delete", None)):
                r = send(client, method, f"{base}/{pk}", auth, body)
                assert r.status_code == 404, (who, method, base)
                assert r.json()["code"] == "not_found"
    assert _snapshot() == before


def test_read_only_tokens_can_read_but_not_write(client: Client, alice: User) -> None:
    group = _group(alice)
    place = Place.objects.create(owner=alice, name="Library")
    auth = bearer(alice, scope="read")
    for url in (URL, f"{URL}/{group.pk}", PLACES, f"{PLACES}/{place.pk}"):
        assert send(client, "get", url, auth).status_code == 200, url
    before = _snapshot()
    for method, url, body in [
        ("post", URL, {"name": "x", "start": "2026-03-01T10:00"}),
        ("patch", f"{URL}/{group.pk}", {"name": "y"}),
        ("delete", f"{URL}/{group.pk}", None),
        ("post", PLACES, {"name": "x"}),
        ("patch", f"{PLACES}/{place.pk}", {"name": "y"}),
        ("delete", f"{PLACES}/{place.pk}", None),
    ]:
        r = send(client, method, url, auth, body)
        assert r.status_code == 403, (method, url)
        assert r.json()["code"] == "forbidden"
    assert _snapshot() == before


# --- Communities: errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"rrule": "FREQ=HOURLY"}, "rrule", "DAILY, WEEKLY, MONTHLY or YEARLY"),
        ({"rrule": "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30"}, "rrule", "never happens"),
        ({"rrule": "FREQ=WEEKLY;FOO=1"}, "rrule", "doesn't understand"),
        ({"rrule": "x" * 501}, "rrule", "at most 500 characters"),
        ({"timezone": "Mars/Olympus"}, "timezone", "isn't a time zone name"),
        ({"timezone": "localtime"}, "timezone", "isn't a time zone name"),
        ({"start": "2026-03-18T18:00:00+01:00"}, "start", "without an offset"),
        ({"start": "2026-02-30T18:00"}, "start", "doesn't exist"),
        ({"start": "9999-03-18T18:00"}, "start", "between 1900"),
        ({"start": None}, "start", "When is the next meeting?"),
        ({"meets": False, "start": "2026-03-18T18:00"}, "start", "doesn't meet regularly"),
        ({"meets": False, "start": None}, "rrule", "doesn't meet regularly"),
        ({"meets": "yes"}, "meets", "valid boolean"),
        ({"kind": "pub"}, "kind", "'book_club'"),
        ({"energy": "good"}, "energy", "'low' or 'some'"),
        ({"duration_minutes": 4}, "duration_minutes", "greater than or equal to 5"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes", "less than or equal to 1440"),
        ({"link": "not a web address"}, "link", "Enter a valid URL."),
        ({"link": "x" * 501}, "link", "at most 500 characters"),
        ({"note": "x" * 2001}, "note", "at most 2000 characters"),
        ({"place": "a\x00b"}, "place", "NUL"),
        ({"name": "  "}, "name", "at least 1 character"),
        ({"colour": "blue"}, "colour", "Extra inputs"),
    ],
)
def test_bad_input_is_a_422_with_a_clear_message_and_nothing_is_written(
    client: Client, alice: User, change: dict[str, Any], field: str, words: str
) -> None:
    before = _snapshot()
    body = {"name": "Choir", "start": "2026-03-18T18:00", "rrule": "FREQ=WEEKLY", **change}
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 422, r.content
    out = r.json()
    assert out["code"] == "invalid"
    assert any(field in d["loc"] for d in out["details"]), out
    assert any(words in m for m in error_messages(r)), out
    assert _snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"name": None},
        {"meets": None},
        {"start": None},
        {"rrule": "FREQ=WEEKLY;BYDAY=XX"},
        {"name": "New", "timezone": "Nowhere/Atall"},
        {"meets": False, "start": "2026-02-01T10:00"},
    ],
)
def test_a_bad_patch_changes_nothing(client: Client, alice: User, body: dict[str, Any]) -> None:
    group = _group(alice)
    before = _snapshot()
    r = send(client, "patch", f"{URL}/{group.pk}", bearer(alice), body)
    assert r.status_code == 422, r.content
    assert _snapshot() == before


# --- Communities: change and remove -------------------------------------------------------


def test_a_new_schedule_bumps_the_sequence_and_other_changes_dont(
    client: Client, alice: User
) -> None:
    group = _group(alice, place="Hall")
    auth = bearer(alice)
    r = send(client, "patch", f"{URL}/{group.pk}", auth, {"note": "Bring a mug", "place": ""})
    assert r.status_code == 200, r.content
    assert (r.json()["note"], r.json()["place"], r.json()["start"]) == (
        "Bring a mug",
        "",
        "2026-01-06T19:00:00",
    )
    group.refresh_from_db()
    assert group.sequence == 0
    r = send(
        client,
        "patch",
        f"{URL}/{group.pk}",
        auth,
        {"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "start": "2026-01-07T18:30"},
    )
    assert r.status_code == 200, r.content
    assert (r.json()["rrule"], r.json()["next_meets"]) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "2026-01-07T18:30:00Z",
    )
    group.refresh_from_db()
    assert group.sequence == 1 and group.note == "Bring a mug"
    r = send(client, "patch", f"{URL}/{group.pk}", auth, {"rrule": None})
    assert r.json()["rrule"] is None


def test_meetings_stop_and_start_again_with_a_new_start(client: Client, alice: User) -> None:
    group = _group(alice)
    auth = bearer(alice)
    r = send(client, "patch", f"{URL}/{group.pk}", auth, {"meets": False})
    assert (r.json()["meets"], r.json()["start"], r.json()["next_meets"]) == (False, None, None)
    group.refresh_from_db()
    assert group.rrule == "FREQ=WEEKLY;BYDAY=TU" and group.sequence == 1
    r = send(client, "patch", f"{URL}/{group.pk}", auth, {"meets": True})
    assert r.status_code == 422
    assert error_messages(r) == ["When is the next meeting? A rough date is fine."]
    r = send(
        client, "patch", f"{URL}/{group.pk}", auth, {"meets": True, "start": "2026-02-03T19:00"}
    )
    assert r.status_code == 200, r.content
    assert (r.json()["rrule"], r.json()["next_meets"]) == (
        "FREQ=WEEKLY;BYDAY=TU",
        "2026-02-03T19:00:00Z",
    )


def test_delete_removes_the_group(client: Client, alice: User) -> None:
    group = _group(alice)
    r = send(client, "delete", f"{URL}/{group.pk}", bearer(alice))
    assert r.status_code == 204
    assert not Community.objects.exists()


# --- Places ---------------------------------------------------------------------------------


def test_places_are_added_changed_listed_and_removed(
    client: Client, alice: User, bob: User
) -> None:
    auth = bearer(alice)
    r = send(
        client,
        "post",
        PLACES,
        auth,
        {
            "name": " Library ",
            "kind": "library",
            "address": " 1 High St ",
            "note": " Quiet upstairs ",
        },
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert out == {
        "id": out["id"],
        "name": "Library",
        "kind": "library",
        "energy": "low",
        "address": "1 High St",
        "note": "Quiet upstairs",
    }
    Place.objects.create(owner=bob, name="Bob's café")
    cafe = send(client, "post", PLACES, auth, {"name": "Café", "energy": "some"}).json()
    listed = send(client, "get", PLACES, auth).json()
    assert [p["name"] for p in listed["items"]] == ["Café", "Library"] and listed["count"] == 2

    r = send(client, "patch", f"{PLACES}/{out['id']}", auth, {"kind": "centre"})
    assert r.status_code == 200
    assert (r.json()["kind"], r.json()["address"]) == ("centre", "1 High St")
    assert send(client, "delete", f"{PLACES}/{cafe['id']}", auth).status_code == 204
    assert list(Place.objects.filter(owner=alice).values_list("name", flat=True)) == ["Library"]


@pytest.mark.parametrize(
    ("method", "body", "field", "words"),
    [
        ("post", {"name": " "}, "name", "at least 1 character"),
        ("post", {"name": "x", "kind": "pub"}, "kind", "'library'"),
        ("post", {"name": "x", "energy": "good"}, "energy", "'low' or 'some'"),
        ("post", {"name": "x", "address": "x" * 301}, "address", "at most 300 characters"),
        ("post", {"name": "x", "note": "x" * 2001}, "note", "at most 2000 characters"),
        ("post", {"name": "x", "link": "https://x.org"}, "link", "Extra inputs"),
        ("patch", {"name": None}, "name", "can't be null"),
        ("patch", {"address": None}, "address", "can't be null"),
    ],
)
def test_a_bad_place_is_a_422_and_nothing_is_written(
    client: Client, alice: User, method: str, body: dict[str, Any], field: str, words: str
) -> None:
    place = Place.objects.create(owner=alice, name="Library", address="1 High St")
    url = PLACES if method == "post" else f"{PLACES}/{place.pk}"
    before = _snapshot()
    r = send(client, method, url, bearer(alice), body)
    assert r.status_code == 422, r.content
    assert any(field in d["loc"] for d in r.json()["details"]), r.json()
    assert any(words in m for m in error_messages(r)), r.json()
    assert _snapshot() == before


def test_unreadable_json_is_a_400(client: Client, alice: User) -> None:
    for url in (URL, PLACES):
        r = client.post(url, '{"name": ', content_type="application/json", headers=bearer(alice))
        assert r.status_code == 400 and set(r.json()) == {"code", "message"}
    assert _snapshot() == [[], []]


# --- Schema -----------------------------------------------------------------------------------


def test_the_openapi_schema_lists_the_endpoints_and_their_codes(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected: dict[tuple[str, str], set[str]] = {}
    for base in (URL, PLACES):
        one = f"{base}/{{id}}"
        expected |= {
            ("get", base): {"200", "401", "422"},
            ("post", base): {"201", "400", "401", "403", "422"},
            ("get", one): {"200", "401", "404", "422"},
            ("patch", one): {"200", "400", "401", "403", "404", "422"},
            ("delete", one): {"204", "401", "403", "404", "422"},
        }
    assert_documented(paths, expected)
    parts = schema["components"]["schemas"]
    # A local start has no offset, so it isn't a JSON Schema "date-time"; next_meets has one.
    for name in ("CommunityIn", "CommunityPatch"):
        start = json.dumps(parts[name]["properties"]["start"])
        assert '"pattern"' in start and "date-time" not in start, name
    assert "date-time" in json.dumps(parts["CommunityOut"]["properties"]["next_meets"])
    assert set(parts["CommunityOut"]["required"]) == FIELDS
