from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import bearer, send
from kithkin.wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db

URL = "/api/v1/checkins"
FIELDS = {
    "id",
    "date",
    "mood",
    "energy",
    "sleep_hours",
    "rested",
    "meaningful",
    "connected",
    "note",
    "tags",
}


def _snapshot() -> list[Any]:
    return list(CheckIn.objects.order_by("pk").values())


def _today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


# --- Create --------------------------------------------------------------------------


def test_post_with_every_field_answers_with_exactly_the_documented_fields(
    client: Client, alice: User
) -> None:
    day = _today(alice) - timedelta(days=1)
    body = {
        "date": day.isoformat(),
        "mood": 4,
        "energy": "some",
        "sleep_hours": 7.5,
        "rested": 3,
        "meaningful": True,
        "connected": 5,
        "note": "Lunch with Kim.",
        "tags": [" Lunch ", "KIM", "lunch"],
    }
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert set(out) == FIELDS
    assert out == {
        **body,
        "id": out["id"],
        "tags": ["lunch", "kim"],
    }
    saved = CheckIn.objects.get(pk=out["id"])
    assert saved.owner == alice and saved.day == day
    assert saved.sleep_hours == Decimal("7.5") and saved.tags == ["lunch", "kim"]


def test_only_mood_is_needed_and_the_date_defaults_to_the_owners_today(
    client: Client, charlie: User
) -> None:
    # 14:00 UTC is already tomorrow in Sydney, where Charlie lives.
    with time_machine.travel("2026-11-22 14:00Z", tick=False):
        r = send(client, "post", URL, bearer(charlie), {"mood": 2})
    assert r.status_code == 201, r.content
    assert r.json() == {
        "id": r.json()["id"],
        "date": "2026-11-23",
        "mood": 2,
        "energy": None,
        "sleep_hours": None,
        "rested": None,
        "meaningful": None,
        "connected": None,
        "note": "",
        "tags": [],
    }


def test_a_day_that_already_has_a_check_in_is_a_409_pointing_at_patch(
    client: Client, alice: User
) -> None:
    day = _today(alice)
    existing = CheckIn.objects.create(owner=alice, day=day, mood=3, note="first")
    before = _snapshot()
    r = send(client, "post", URL, bearer(alice), {"date": day.isoformat(), "mood": 5})
    assert r.status_code == 409
    out = r.json()
    assert out["code"] == "exists" and out["id"] == existing.pk
    assert "PATCH" in out["message"] and f"/api/v1/checkins/{existing.pk}" in out["message"]
    assert _snapshot() == before


def test_another_persons_check_in_on_the_same_day_is_no_conflict(
    client: Client, alice: User, bob: User
) -> None:
    day = date(2026, 1, 10)
    CheckIn.objects.create(owner=bob, day=day, mood=1)
    r = send(client, "post", URL, bearer(alice), {"date": "2026-01-10", "mood": 4})
    assert r.status_code == 201


def test_a_create_that_loses_a_race_is_a_409_too(
    client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = CheckIn.objects.create(owner=alice, day=_today(alice), mood=3)
    real_filter = CheckIn.objects.filter
    looks: list[int] = []

    def first_look_sees_nothing(*args: Any, **kwargs: Any) -> Any:
        # The other request hadn't committed when this one looked.
        looks.append(1)
        found = real_filter(*args, **kwargs)
        return found.none() if len(looks) == 1 else found

    def insert_hits_the_constraint(**kwargs: Any) -> CheckIn:
        raise IntegrityError("checkin_once_a_day")

    monkeypatch.setattr(CheckIn.objects, "filter", first_look_sees_nothing)
    monkeypatch.setattr(CheckIn.objects, "create", insert_hits_the_constraint)
    r = send(client, "post", URL, bearer(alice), {"mood": 5})
    assert r.status_code == 409 and r.json() == {
        "code": "exists",
        "message": r.json()["message"],
        "id": other.pk,
    }
    assert len(looks) == 2
    monkeypatch.undo()
    assert CheckIn.objects.get(owner=alice).mood == 3


# --- Bad input ------------------------------------------------------------------------


BAD = [
    ({"mood": 0}, "Mood goes from 1 (very low) to 5 (very good)."),
    ({"mood": 6}, "Mood goes from 1"),
    ({"mood": "3"}, "valid integer"),
    ({"mood": True}, "valid integer"),
    ({"mood": 3.0}, "valid integer"),
    ({}, "Field required"),
    ({"mood": 3, "energy": "lots"}, "'low', 'some' or 'good'"),
    ({"mood": 3, "sleep_hours": 24.5}, "Hours of sleep go from 0 to 24."),
    ({"mood": 3, "sleep_hours": -1}, "Hours of sleep go from 0 to 24."),
    ({"mood": 3, "sleep_hours": 7.25}, "in half hours"),
    ({"mood": 3, "sleep_hours": "7"}, "valid number"),
    ({"mood": 3, "rested": 9}, "How rested goes from 1"),
    ({"mood": 3, "connected": 0}, "Feeling connected goes from 1"),
    ({"mood": 3, "meaningful": "yes"}, "valid boolean"),
    ({"mood": 3, "note": "x" * 5001}, "A note can be up to 5,000 characters"),
    ({"mood": 3, "note": "a\x00b"}, "NUL"),
    ({"mood": 3, "note": None}, "valid string"),
    ({"mood": 3, "tags": [f"t{i}" for i in range(11)]}, "Up to 10 tags"),
    ({"mood": 3, "tags": ["x" * 31]}, "up to 30 characters each"),
    ({"mood": 3, "tags": ["a,b"]}, "comma"),
    ({"mood": 3, "tags": "walk"}, "valid list"),
    ({"mood": 3, "tags": [1]}, "valid string"),
    ({"mood": 3, "date": "2026-02-30"}, "date"),
    ({"mood": 3, "date": "1899-12-31"}, "before 1900"),
    ({"mood": 3, "feeling": "ok"}, "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_input_is_a_422_with_a_clear_message_and_writes_nothing(
    client: Client, alice: User, body: dict[str, Any], message: str
) -> None:
    CheckIn.objects.create(owner=alice, day=date(2026, 1, 1), mood=3)
    before = _snapshot()
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 422, r.content
    out = r.json()
    assert out["code"] == "invalid"
    assert message in json.dumps(out["details"], ensure_ascii=False) or message in out["message"]
    assert _snapshot() == before


def test_a_future_day_is_refused_in_the_owners_time_zone(client: Client, bob: User) -> None:
    # 02:00 UTC on the 23rd is still the 22nd in New York, where Bob lives.
    with time_machine.travel("2026-11-23 02:00Z", tick=False):
        r = send(client, "post", URL, bearer(bob), {"date": "2026-11-23", "mood": 3})
        assert r.status_code == 422
        assert "still to come" in r.json()["details"][0]["msg"]
        assert r.json()["details"][0]["loc"] == ["body", "payload", "date"]
        r = send(client, "post", URL, bearer(bob), {"date": "2026-11-22", "mood": 3})
        assert r.status_code == 201
    assert CheckIn.objects.count() == 1


def test_a_read_only_token_cant_write(client: Client, alice: User) -> None:
    checkin = CheckIn.objects.create(owner=alice, day=date(2026, 1, 1), mood=3)
    auth = bearer(alice, scope="read")
    before = _snapshot()
    assert send(client, "post", URL, auth, {"mood": 3}).status_code == 403
    assert send(client, "patch", f"{URL}/{checkin.pk}", auth, {"mood": 1}).status_code == 403
    assert send(client, "delete", f"{URL}/{checkin.pk}", auth).status_code == 403
    assert _snapshot() == before
    assert send(client, "get", URL, auth).status_code == 200


def test_no_token_is_a_401(client: Client) -> None:
    r = client.get(URL)
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"


# --- Read ----------------------------------------------------------------------------


def test_the_list_is_newest_first_paginated_and_filtered_by_dates(
    client: Client, alice: User, bob: User
) -> None:
    for i in range(1, 8):
        CheckIn.objects.create(owner=alice, day=date(2026, 3, i), mood=3)
    CheckIn.objects.create(owner=bob, day=date(2026, 3, 4), mood=1)
    auth = bearer(alice)
    out = send(client, "get", URL, auth).json()
    assert out["count"] == 7
    assert [c["date"] for c in out["items"]][:2] == ["2026-03-07", "2026-03-06"]
    out = send(client, "get", f"{URL}?since=2026-03-03&until=2026-03-05", auth).json()
    assert [c["date"] for c in out["items"]] == ["2026-03-05", "2026-03-04", "2026-03-03"]
    out = send(client, "get", f"{URL}?page_size=2&page=2", auth).json()
    assert [c["date"] for c in out["items"]] == ["2026-03-05", "2026-03-04"]
    assert send(client, "get", f"{URL}?since=March", auth).status_code == 422
    assert send(client, "get", f"{URL}?page=0", auth).status_code == 422


def test_the_list_takes_a_fixed_number_of_queries(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    CheckIn.objects.bulk_create(
        CheckIn(owner=alice, day=date(2026, 1, 1) + timedelta(days=i), mood=3, tags=["a"])
        for i in range(80)
    )
    auth = bearer(alice)
    with django_assert_max_num_queries(5):
        r = send(client, "get", f"{URL}?page_size=100", auth)
    assert len(r.json()["items"]) == 80


def test_one_check_in_and_another_persons_is_a_404(client: Client, alice: User, bob: User) -> None:
    mine = CheckIn.objects.create(owner=alice, day=date(2026, 1, 1), mood=3, note="mine")
    theirs = CheckIn.objects.create(owner=bob, day=date(2026, 1, 1), mood=1, note="bob's")
    auth = bearer(alice)
    r = send(client, "get", f"{URL}/{mine.pk}", auth)
    assert r.status_code == 200 and r.json()["note"] == "mine"
    before = _snapshot()
    for method, body in (("get", None), ("patch", {"mood": 5}), ("delete", None)):
        r = send(client, method, f"{URL}/{theirs.pk}", auth, body)
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert _snapshot() == before
    assert send(client, "get", f"{URL}/99999999999999999999", auth).status_code == 422


# --- Change and delete -------------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_null_clears(client: Client, alice: User) -> None:
    checkin = CheckIn.objects.create(
        owner=alice,
        day=date(2026, 1, 1),
        mood=2,
        energy="low",
        sleep_hours=Decimal("6"),
        meaningful=True,
        note="kept",
        tags=["a"],
    )
    r = send(
        client,
        "patch",
        f"{URL}/{checkin.pk}",
        bearer(alice),
        {"mood": 4, "energy": None, "sleep_hours": 8, "tags": ["B", "b"]},
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["mood"], out["energy"], out["sleep_hours"], out["tags"]) == (4, None, 8, ["b"])
    assert (out["note"], out["meaningful"]) == ("kept", True)
    checkin.refresh_from_db()
    assert (checkin.mood, checkin.energy, checkin.sleep_hours) == (4, "", Decimal("8"))


@pytest.mark.parametrize(
    "body",
    [
        {"mood": None},
        {"note": None},
        {"tags": None},
        {"date": None},
        {"mood": 9},
        {"sleep_hours": 30},
        {"date": "2999-01-01"},
        {"id": 5},
    ],
)
def test_a_bad_patch_is_a_422_and_changes_nothing(
    client: Client, alice: User, body: dict[str, Any]
) -> None:
    checkin = CheckIn.objects.create(owner=alice, day=date(2026, 1, 1), mood=2, note="kept")
    before = _snapshot()
    r = send(client, "patch", f"{URL}/{checkin.pk}", bearer(alice), body)
    assert r.status_code == 422, r.content
    assert _snapshot() == before


def test_moving_a_check_in_onto_a_day_that_has_one_is_a_409(client: Client, alice: User) -> None:
    first = CheckIn.objects.create(owner=alice, day=date(2026, 1, 1), mood=2)
    second = CheckIn.objects.create(owner=alice, day=date(2026, 1, 2), mood=4)
    before = _snapshot()
    r = send(client, "patch", f"{URL}/{second.pk}", bearer(alice), {"date": "2026-01-01"})
    assert r.status_code == 409
    assert r.json()["code"] == "exists" and r.json()["id"] == first.pk
    assert _snapshot() == before
    r = send(client, "patch", f"{URL}/{second.pk}", bearer(alice), {"date": "2026-01-03"})
    assert r.status_code == 200 and r.json()["date"] == "2026-01-03"
    # Its own day again is fine.
    r = send(client, "patch", f"{URL}/{second.pk}", bearer(alice), {"date": "2026-01-03"})
    assert r.status_code == 200


def test_delete(client: Client, alice: User) -> None:
    checkin = CheckIn.objects.create(owner=alice, day=date(2026, 1, 1), mood=2)
    r = send(client, "delete", f"{URL}/{checkin.pk}", bearer(alice))
    assert r.status_code == 204
    assert not CheckIn.objects.exists()
    assert send(client, "delete", f"{URL}/{checkin.pk}", bearer(alice)).status_code == 404


# --- Odd input that once slipped through --------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        # Valid JSON, but a lone surrogate can't be encoded to store.
        '{"mood": 3, "note": "a \\ud800 b"}',
        '{"mood": 3, "tags": ["walk", "\\udfff"]}',
    ],
)
def test_text_with_a_broken_character_is_a_422_not_a_crash(
    client: Client, alice: User, body: str
) -> None:
    before = _snapshot()
    r = client.post(URL, body, content_type="application/json", headers=bearer(alice))
    assert r.status_code == 422, r.content
    assert "broken character" in json.dumps(r.json()["details"])
    assert _snapshot() == before


def test_a_patch_with_a_broken_character_is_a_422(client: Client, alice: User) -> None:
    checkin = CheckIn.objects.create(owner=alice, day=date(2026, 1, 1), mood=2, note="kept")
    before = _snapshot()
    r = client.patch(
        f"{URL}/{checkin.pk}",
        '{"note": "\\ud83d"}',
        content_type="application/json",
        headers=bearer(alice),
    )
    assert r.status_code == 422, r.content
    assert _snapshot() == before


@pytest.mark.parametrize(
    "value",
    [0, 86400, 1767225600, 1767225600000, "0", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00+10:00"],
)
def test_the_date_is_written_yyyy_mm_dd_and_nothing_else(
    client: Client, alice: User, value: object
) -> None:
    # Left to pydantic, 0 would become 1 January 1970 (a Unix time) and be saved.
    checkin = CheckIn.objects.create(owner=alice, day=date(2026, 1, 2), mood=2)
    before = _snapshot()
    auth = bearer(alice)
    r = send(client, "post", URL, auth, {"mood": 3, "date": value})
    assert r.status_code == 422, r.content
    assert "YYYY-MM-DD" in json.dumps(r.json()["details"])
    r = send(client, "patch", f"{URL}/{checkin.pk}", auth, {"date": value})
    assert r.status_code == 422, r.content
    assert _snapshot() == before


def test_the_list_filters_take_yyyy_mm_dd_only(client: Client, alice: User) -> None:
    CheckIn.objects.create(owner=alice, day=date(2026, 1, 2), mood=2)
    auth = bearer(alice)
    assert send(client, "get", f"{URL}?since=0", auth).status_code == 422
    assert send(client, "get", f"{URL}?until=86400", auth).status_code == 422
    assert send(client, "get", f"{URL}?since=2026-01-02", auth).json()["count"] == 1


def test_line_breaks_count_once_towards_the_note_limit(client: Client, alice: User) -> None:
    # 2,500 lines of "a" are 5,000 characters however the line breaks are sent.
    note = "a\r\n" * 2499 + "a"
    r = send(client, "post", URL, bearer(alice), {"mood": 3, "note": note})
    assert r.status_code == 201, r.content
    assert CheckIn.objects.get().note == "a\n" * 2499 + "a"


def test_unreadable_json_is_a_documented_400(client: Client, alice: User) -> None:
    checkin = CheckIn.objects.create(owner=alice, day=date(2026, 1, 2), mood=2)
    before = _snapshot()
    auth = bearer(alice)
    for method, url in (("post", URL), ("patch", f"{URL}/{checkin.pk}")):
        r = getattr(client, method)(
            url, '{"mood": 3,', content_type="application/json", headers=auth
        )
        assert r.status_code == 400
        assert set(r.json()) == {"code", "message"}
    assert _snapshot() == before
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "400" in paths[URL]["post"]["responses"]
    assert "400" in paths[URL + "/{id}"]["patch"]["responses"]
