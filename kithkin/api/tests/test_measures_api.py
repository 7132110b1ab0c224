from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import bearer
from kithkin.wellbeing.models import Measure

pytestmark = pytest.mark.django_db

URL = "/api/v1/measures"


def _post(client: Client, auth: dict[str, str], body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json", headers=auth)


def _snapshot() -> list[Any]:
    return list(Measure.objects.order_by("pk").values())


def test_a_ucla3_is_stored_with_its_score_and_range(client: Client, charlie: User) -> None:
    # 14:00 UTC is already the 23rd in Sydney, where Charlie lives.
    with time_machine.travel("2026-11-22 14:00Z", tick=False):
        r = _post(client, bearer(charlie), {"kind": "ucla3", "answers": [3, 2, 2], "direct": 4})
    assert r.status_code == 201, r.content
    out = r.json()
    assert out == {
        "id": out["id"],
        "kind": "ucla3",
        "taken_on": "2026-11-23",
        "answers": [3, 2, 2],
        "score": 7,
        "direct": 4,
        "range": "lonely",
    }
    saved = Measure.objects.get(pk=out["id"])
    assert (saved.owner, saved.score, saved.direct) == (charlie, 7, 4)
    assert saved.taken_on == date(2026, 11, 23)


def test_a_ucla3_below_the_range(client: Client, alice: User) -> None:
    r = _post(client, bearer(alice), {"kind": "ucla3", "answers": [1, 1, 3], "direct": 1})
    assert (r.json()["score"], r.json()["range"]) == (5, "less_lonely")


@pytest.mark.parametrize(
    ("answers", "score", "range_"),
    [([2, 3, 1, 2, 2], 40, "low"), ([3, 3, 2, 2, 2], 48, "low"), ([5, 5, 5, 5, 5], 100, "fine")],
)
def test_a_who5_is_scored_times_four(
    client: Client, alice: User, answers: list[int], score: int, range_: str
) -> None:
    r = _post(client, bearer(alice), {"kind": "who5", "answers": answers})
    assert r.status_code == 201, r.content
    assert (r.json()["score"], r.json()["range"], r.json()["direct"]) == (score, range_, None)


BAD = [
    ({"kind": "ucla3", "answers": [1, 2], "direct": 3}, "all three questions"),
    ({"kind": "ucla3", "answers": [1, 2, 3, 1], "direct": 3}, "all three questions"),
    ({"kind": "ucla3", "answers": [1, 2, 4], "direct": 3}, "Answer 3 is 1 (hardly ever)"),
    ({"kind": "ucla3", "answers": [0, 2, 3], "direct": 3}, "Answer 1 is 1"),
    ({"kind": "ucla3", "answers": [1, 2, 3]}, "How often do you feel lonely?"),
    ({"kind": "ucla3", "answers": [1, 2, 3], "direct": 6}, "1 (never) to 5"),
    ({"kind": "ucla3", "answers": [1, 2, 3], "direct": "3"}, "valid integer"),
    ({"kind": "ucla3", "answers": [1, 2, True], "direct": 3}, "valid integer"),
    ({"kind": "ucla3", "answers": ["1", 2, 3], "direct": 3}, "valid integer"),
    ({"kind": "who5", "answers": [1, 2, 3, 4]}, "all five statements"),
    ({"kind": "who5", "answers": [1, 2, 3, 4, 6]}, "Answer 5 is 0 (at no time)"),
    ({"kind": "who5", "answers": [1, 2, 3, 4, -1]}, "Answer 5 is 0"),
    ({"kind": "who5", "answers": [1, 2, 3, 4, 5], "direct": 2}, "no direct question"),
    ({"kind": "phq9", "answers": [1]}, "'ucla3' or 'who5'"),
    ({"answers": [1, 2, 3]}, "Field required"),
    ({"kind": "who5"}, "Field required"),
    ({"kind": "who5", "answers": [1] * 11}, "at most 10"),
    ({"kind": "who5", "answers": [1, 2, 3, 4, 5], "score": 100}, "Extra inputs"),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_answers_that_dont_fit_are_a_422_and_nothing_is_written(
    client: Client, alice: User, body: dict[str, Any], message: str
) -> None:
    Measure.objects.create(owner=alice, kind="who5", taken_on=date(2026, 1, 1), answers=[], score=0)
    before = _snapshot()
    r = _post(client, bearer(alice), body)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "invalid"
    assert message in json.dumps(r.json()["details"], ensure_ascii=False)
    assert _snapshot() == before


def test_a_read_only_token_cant_record_one(client: Client, alice: User) -> None:
    r = _post(client, bearer(alice, "read"), {"kind": "who5", "answers": [1, 1, 1, 1, 1]})
    assert r.status_code == 403
    assert not Measure.objects.exists()


def test_the_list_is_newest_first_their_own_only_and_by_kind(
    client: Client, alice: User, bob: User
) -> None:
    Measure.objects.create(
        owner=alice, kind="ucla3", taken_on=date(2026, 1, 5), answers=[2, 2, 2], score=6, direct=3
    )
    Measure.objects.create(
        owner=alice, kind="who5", taken_on=date(2026, 2, 5), answers=[3] * 5, score=60
    )
    Measure.objects.create(
        owner=bob, kind="who5", taken_on=date(2026, 3, 5), answers=[0] * 5, score=0
    )
    auth = bearer(alice)
    out = client.get(URL, headers=auth).json()
    assert out["count"] == 2
    assert [(m["kind"], m["score"], m["range"]) for m in out["items"]] == [
        ("who5", 60, "fine"),
        ("ucla3", 6, "lonely"),
    ]
    out = client.get(f"{URL}?kind=ucla3", headers=auth).json()
    assert [m["kind"] for m in out["items"]] == ["ucla3"]
    r = client.get(f"{URL}?kind=phq9", headers=auth)
    assert r.status_code == 422
    assert client.get(f"{URL}?page_size=1&page=2", headers=auth).json()["items"][0]["score"] == 6


def test_the_list_takes_a_fixed_number_of_queries(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    Measure.objects.bulk_create(
        Measure(owner=alice, kind="who5", taken_on=date(2026, 1, 1), answers=[3] * 5, score=60)
        for _ in range(50)
    )
    auth = bearer(alice)
    with django_assert_max_num_queries(5):
        assert len(client.get(f"{URL}?page_size=100", headers=auth).json()["items"]) == 50


def test_no_token_is_a_401(client: Client) -> None:
    assert client.get(URL).status_code == 401
    r = client.post(URL, "{}", content_type="application/json")
    assert r.status_code == 401


def test_the_422_names_the_answer_that_doesnt_fit(client: Client, alice: User) -> None:
    auth = bearer(alice)
    r = _post(client, auth, {"kind": "who5", "answers": [1, 2, 9, 4, 5]})
    (detail,) = r.json()["details"]
    assert detail["loc"] == ["body", "payload", "answers", 2]
    assert detail["msg"] == "Answer 3 is 0 (at no time) to 5 (all of the time)."
    r = _post(client, auth, {"kind": "ucla3", "answers": [1, 2, 3]})
    assert r.json()["details"][0]["loc"] == ["body", "payload", "direct"]
    assert not Measure.objects.exists()


def test_unreadable_json_is_a_documented_400(client: Client, alice: User) -> None:
    r = client.post(URL, '{"kind": ', content_type="application/json", headers=bearer(alice))
    assert r.status_code == 400 and set(r.json()) == {"code", "message"}
    assert not Measure.objects.exists()
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "400" in paths[URL]["post"]["responses"]


def test_the_api_description_credits_both_questionnaires(client: Client) -> None:
    post = client.get("/api/v1/openapi.json").json()["paths"][URL]["post"]
    assert "Psychiatric Centre North Zealand" in post["description"]
    assert (
        "Hughes" in post["description"] and "Office for National Statistics" in post["description"]
    )
    assert "not a diagnosis" in post["description"]
