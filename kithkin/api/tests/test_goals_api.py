"""/api/v1/goals: the goal pages' actions, with the forgiving score they show."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import assert_documented, bearer, error_messages, rows, send
from kithkin.circle.tests.factories import contact, person
from kithkin.wellbeing import goals as progress
from kithkin.wellbeing.models import Goal, GoalSkip

pytestmark = pytest.mark.django_db

URL = "/api/v1/goals"
NOW = datetime(2025, 6, 11, 12, 0, tzinfo=UTC)  # Wednesday, 13:00 in London
TODAY = date(2025, 6, 11)
FIELDS = {
    "id",
    "title",
    "measure",
    "times",
    "per_days",
    "person",
    "archived",
    "created_at",
    "rhythm",
    "counts_as",
    "progress",
}
PROGRESS_FIELDS = {
    "began",
    "as_of",
    "score",
    "strength",
    "history",
    "weeks",
    "period",
    "message",
    "today_set_aside",
}
UNKIND = ("streak", "missed", "failed", "behind", "overdue")


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _snapshot() -> list[Any]:
    return rows(Goal, GoalSkip)


def _goal(owner: User, measure: str = "call", began: date = date(2025, 6, 1), **extra: Any) -> Goal:
    extra.setdefault("title", f"My {measure} goal")
    began_at = datetime(began.year, began.month, began.day, 8, tzinfo=UTC)
    return Goal.objects.create(owner=owner, measure=measure, created_at=began_at, **extra)


# --- Create and read -------------------------------------------------------------------


def test_post_answers_with_the_documented_fields_and_the_pages_words(
    client: Client, alice: User
) -> None:
    sam = person(alice, "Sam")
    body = {
        "title": "  Call Sam  ",
        "measure": "call",
        "times": 2,
        "per_days": 14,
        "person": sam.pk,
    }
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert set(out) == FIELDS and set(out["progress"]) == PROGRESS_FIELDS
    assert {k: out[k] for k in ("title", "measure", "times", "per_days", "person", "archived")} == {
        "title": "Call Sam",
        "measure": "call",
        "times": 2,
        "per_days": 14,
        "person": sam.pk,
        "archived": False,
    }
    assert out["rhythm"] == "2 times every two weeks"
    assert out["counts_as"] == "Calls and video calls."
    p = out["progress"]
    assert (p["began"], p["as_of"], p["score"], p["strength"]) == ("2025-06-11", "2025-06-11", 0, 0)
    assert p["period"]["label"] == "these two weeks" and p["period"]["target"] == 2
    assert p["message"] == "None yet these two weeks — whenever you're ready."
    goal = Goal.objects.get(pk=out["id"])
    assert (goal.owner, goal.person, goal.archived_at) == (alice, sam, None)


def test_only_title_and_measure_are_needed(client: Client, alice: User) -> None:
    r = send(client, "post", URL, bearer(alice), {"title": "Check in", "measure": "checkin"})
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["times"], out["per_days"], out["person"], out["rhythm"]) == (
        1,
        7,
        None,
        "Once a week",
    )


def test_the_score_is_the_one_the_page_shows(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    goal = _goal(alice, times=1, per_days=7)
    for days_ago in (9, 7, 3, 0.1):
        contact(alice, [sam], days_ago=days_ago, channel="call")
    contact(alice, [sam], days_ago=1, channel="text")  # doesn't count towards calls
    GoalSkip.objects.create(owner=alice, goal=goal, day=TODAY - timedelta(days=5))

    r = send(client, "get", f"{URL}/{goal.pk}", bearer(alice))
    assert r.status_code == 200, r.content
    p = r.json()["progress"]
    (shown,) = progress.progress_for(alice, [goal], TODAY, progress.first_weekday())
    assert p["score"] == shown.percent and 0 < p["score"] < 100
    assert p["strength"] == pytest.approx(shown.strength, abs=1e-4)
    assert p["history"] == pytest.approx(shown.series, abs=1e-4)
    assert len(p["history"]) == 11  # 1 June to 11 June
    # Sunday 8 June begins this week: its call and this morning's count.
    assert p["period"] == {
        "start": "2025-06-08",
        "end": "2025-06-14",
        "label": "this week",
        "done": 2,
        "target": 1,
        "reached": True,
    }
    assert p["message"] == "That's this week's call — well done."
    assert p["weeks"] == [
        {"start": "2025-06-08", "count": 2},
        {"start": "2025-06-01", "count": 2},
    ]
    assert p["today_set_aside"] is False
    words = json.dumps(r.json()).lower()
    assert not any(w in words for w in UNKIND)


def test_the_list_is_paginated_oldest_first_and_owner_scoped(
    client: Client, alice: User, bob: User
) -> None:
    first = _goal(alice, began=date(2025, 5, 1))
    second = _goal(alice, measure="checkin", began=date(2025, 6, 1))
    aside = _goal(alice, archived_at=NOW)
    _goal(bob)
    auth = bearer(alice)
    r = send(client, "get", URL, auth)
    assert r.status_code == 200
    assert r.json()["count"] == 2
    assert [g["id"] for g in r.json()["items"]] == [first.pk, second.pk]
    r = send(client, "get", f"{URL}?page_size=1&page=2", auth)
    assert [g["id"] for g in r.json()["items"]] == [second.pk]
    assert r.json()["items"][0]["progress"]["began"] == "2025-06-01"
    r = send(client, "get", f"{URL}?archived=true", auth)
    assert [g["id"] for g in r.json()["items"]] == [aside.pk]
    assert r.json()["items"][0]["archived"] is True


def test_the_list_takes_a_fixed_number_of_queries(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    sam = person(alice, "Sam")
    ana = person(alice, "Ana")
    for i, measure in enumerate(progress.MEASURE_HELP):
        _goal(alice, measure=measure)
        _goal(alice, measure=measure, times=2, per_days=30)
        if measure not in progress.CHECKIN_MEASURES:
            _goal(alice, measure=measure, person=sam if i % 2 else ana)
    for days_ago in range(0, 10, 2):
        contact(alice, [sam, ana], days_ago=days_ago, channel="in_person")
    auth = bearer(alice)
    # The token (read and touched), count, goals, then four to read what counted
    # (contacts, contacts with one person, check-ins, days set aside), however many.
    with django_assert_max_num_queries(8):
        r = send(client, "get", f"{URL}?page_size=100", auth)
    assert r.json()["count"] == len(r.json()["items"]) == 19


def test_the_presets_are_the_pages(client: Client, alice: User) -> None:
    r = send(client, "get", f"{URL}/presets", bearer(alice, scope="read"))
    assert r.status_code == 200
    assert [(p["slug"], p["title"], p["rhythm"]) for p in r.json()] == [
        (p.slug, str(p.title), progress.rhythm(p.times, p.per_days)) for p in progress.PRESETS
    ]
    preset = r.json()[3]
    body = {k: preset[k] for k in ("title", "measure", "times", "per_days")}
    made = send(client, "post", URL, bearer(alice), body)
    assert made.status_code == 201 and made.json()["rhythm"] == "3 times a week"


# --- Owner and scope -------------------------------------------------------------------


def test_another_persons_goal_is_a_404_everywhere(client: Client, alice: User, bob: User) -> None:
    goal = _goal(alice)
    GoalSkip.objects.create(owner=alice, goal=goal, day=TODAY)
    before = _snapshot()
    for method, url, body in [
        ("get", f"{URL}/{goal.pk}", None),
        ("patch", f"{URL}/{goal.pk}", {"title": "Mine now"}),
        ("patch", f"{URL}/{goal.pk}", {"archived": True}),
        ("delete", f"{URL}/{goal.pk}", None),
        ("get", f"{URL}/{goal.pk}/skips", None),
        ("post", f"{URL}/{goal.pk}/skips", {}),
        ("delete", f"{URL}/{goal.pk}/skips/{TODAY}", None),
    ]:
        r = send(client, method, url, bearer(bob), body)
        assert r.status_code == 404, (method, url)
        assert r.json()["code"] == "not_found"
    assert _snapshot() == before


def test_read_only_tokens_can_read_but_not_write(client: Client, alice: User) -> None:
    goal = _goal(alice)
    GoalSkip.objects.create(owner=alice, goal=goal, day=TODAY)
    auth = bearer(alice, scope="read")
    for url in (URL, f"{URL}/{goal.pk}", f"{URL}/{goal.pk}/skips", f"{URL}/presets"):
        assert send(client, "get", url, auth).status_code == 200, url
    before = _snapshot()
    for method, url, body in [
        ("post", URL, {"title": "x", "measure": "call"}),
        ("patch", f"{URL}/{goal.pk}", {"title": "y"}),
        ("delete", f"{URL}/{goal.pk}", None),
        ("post", f"{URL}/{goal.pk}/skips", {"day": "2025-06-10"}),
        ("delete", f"{URL}/{goal.pk}/skips/{TODAY}", None),
    ]:
        r = send(client, method, url, auth, body)
        assert r.status_code == 403, (method, url)
        assert r.json()["code"] == "forbidden"
    assert _snapshot() == before


# --- Errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"times": 0}, "times", "At least once, please."),
        ({"times": 15}, "times", "Up to 14 times keeps it gentle."),
        ({"times": "1"}, "times", "valid integer"),
        ({"per_days": 10}, "per_days", "7, 14 or 30 days"),
        ({"per_days": 7.0}, "per_days", "valid integer"),
        ({"measure": "hugs"}, "measure", "'contact'"),
        ({"title": "  "}, "title", "at least 1 character"),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"title": "a\x00b"}, "title", "NUL"),
        ({"person": 0}, "person", "greater than or equal to 1"),
        ({"person": 2**63}, "person", "less than or equal to"),
        ({"person": 999_999}, "person", "Choose someone from your own circle."),
        ({"colour": "blue"}, "colour", "Extra inputs"),
    ],
)
def test_bad_input_is_a_422_with_a_clear_message_and_nothing_is_written(
    client: Client, alice: User, change: dict[str, Any], field: str, words: str
) -> None:
    before = _snapshot()
    body = {"title": "Calls", "measure": "call", **change}
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 422, r.content
    out = r.json()
    assert out["code"] == "invalid"
    assert any(field in d["loc"] for d in out["details"]), out
    assert any(words in m for m in error_messages(r)), out
    assert _snapshot() == before


def test_the_pages_rules_hold_for_people(client: Client, alice: User, bob: User) -> None:
    theirs = person(bob, "Bob's friend")
    sam = person(alice, "Sam")
    auth = bearer(alice)
    before = _snapshot()
    r = send(client, "post", URL, auth, {"title": "x", "measure": "call", "person": theirs.pk})
    assert r.json()["details"] == [
        {
            "type": "invalid_choice",
            "loc": ["body", "payload", "person"],
            "msg": "Choose someone from your own circle.",
        }
    ]
    r = send(client, "post", URL, auth, {"title": "x", "measure": "checkin", "person": sam.pk})
    assert r.status_code == 422
    assert error_messages(r) == ["Check-ins aren't about one person, so leave this as anyone."]
    assert _snapshot() == before


def test_a_bad_patch_changes_nothing(client: Client, alice: User) -> None:
    goal = _goal(alice)
    auth = bearer(alice)
    before = _snapshot()
    for body in (
        {"title": "New", "measure": "checkin", "person": person(alice, "Sam").pk},
        {"title": None},
        {"archived": None},
        {"archived": True, "times": 99},
    ):
        r = send(client, "patch", f"{URL}/{goal.pk}", auth, body)
        assert r.status_code == 422, body
    assert "can't be null" in " ".join(
        error_messages(send(client, "patch", f"{URL}/{goal.pk}", auth, {"measure": None}))
    )
    assert _snapshot() == before


def test_unreadable_json_is_a_400(client: Client, alice: User) -> None:
    r = client.post(URL, '{"title": ', content_type="application/json", headers=bearer(alice))
    assert r.status_code == 400 and set(r.json()) == {"code", "message"}
    assert not Goal.objects.exists()


# --- Change, set aside, delete ----------------------------------------------------------


def test_patch_changes_only_what_is_sent(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    goal = _goal(alice, person=sam, times=2)
    auth = bearer(alice)
    r = send(client, "patch", f"{URL}/{goal.pk}", auth, {"per_days": 30, "person": None})
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["title"], out["measure"], out["times"], out["per_days"], out["person"]) == (
        "My call goal",
        "call",
        2,
        30,
        None,
    )
    assert out["rhythm"] == "2 times a month"
    goal.refresh_from_db()
    assert (goal.per_days, goal.person_id, goal.times) == (30, None, 2)


def test_a_goal_about_someone_set_aside_can_still_be_renamed(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    goal = _goal(alice, person=sam)
    sam.archived_at = NOW
    sam.save()
    r = send(client, "patch", f"{URL}/{goal.pk}", bearer(alice), {"title": "Sam, when ready"})
    assert r.status_code == 200, r.content
    assert r.json()["person"] == sam.pk


def test_set_aside_keeps_the_score_and_bringing_back_counts_the_time_away_as_rest(
    client: Client, alice: User, clock: Any
) -> None:
    sam = person(alice, "Sam")
    goal = _goal(alice)
    for days_ago in (8, 4, 1):
        contact(alice, [sam], days_ago=days_ago, channel="call")
    auth = bearer(alice)
    r = send(client, "patch", f"{URL}/{goal.pk}", auth, {"archived": True})
    assert r.status_code == 200, r.content
    left = r.json()
    assert left["archived"] is True and left["progress"]["message"] is None
    assert send(client, "get", URL, auth).json()["count"] == 0

    clock.move_to(NOW + timedelta(days=10))
    away = send(client, "get", f"{URL}/{goal.pk}", auth).json()["progress"]
    assert (away["score"], away["as_of"]) == (left["progress"]["score"], "2025-06-11")

    r = send(client, "patch", f"{URL}/{goal.pk}", auth, {"archived": False})
    assert r.status_code == 200, r.content
    back = r.json()
    assert back["archived"] is False
    rested = set(GoalSkip.objects.filter(goal=goal).values_list("day", flat=True))
    assert rested == {date(2025, 6, 12) + timedelta(days=i) for i in range(9)}
    # The days away were rest, so the score is the one left, give or take today.
    (shown,) = progress.progress_for(alice, [goal], date(2025, 6, 21), progress.first_weekday())
    assert back["progress"]["score"] == shown.percent
    assert abs(back["progress"]["score"] - left["progress"]["score"]) <= 1
    again = send(client, "patch", f"{URL}/{goal.pk}", auth, {"archived": False})
    assert again.status_code == 200
    assert GoalSkip.objects.filter(goal=goal).count() == 9


def test_delete_removes_the_goal_and_its_days_set_aside(client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    contact(alice, [sam], channel="call")
    goal = _goal(alice)
    GoalSkip.objects.create(owner=alice, goal=goal, day=TODAY)
    r = send(client, "delete", f"{URL}/{goal.pk}", bearer(alice))
    assert r.status_code == 204
    assert not Goal.objects.exists() and not GoalSkip.objects.exists()
    assert alice.interactions.count() == 1


# --- Days set aside --------------------------------------------------------------------


def test_set_today_aside_then_a_day_ahead_then_undo(client: Client, alice: User) -> None:
    goal = _goal(alice)
    auth = bearer(alice)
    url = f"{URL}/{goal.pk}/skips"
    r = send(client, "post", url, auth, {})
    assert (r.status_code, r.json()) == (201, {"day": "2025-06-11"})
    assert send(client, "post", url, auth, {"day": "2025-06-11"}).status_code == 200
    assert send(client, "post", url, auth, {"day": "2025-06-25"}).status_code == 201
    assert send(client, "get", f"{URL}/{goal.pk}", auth).json()["progress"]["today_set_aside"]
    listed = send(client, "get", url, auth).json()
    assert listed == {"count": 2, "items": [{"day": "2025-06-25"}, {"day": "2025-06-11"}]}

    assert send(client, "delete", f"{url}/2025-06-11", auth).status_code == 204
    assert list(GoalSkip.objects.values_list("day", flat=True)) == [date(2025, 6, 25)]
    r = send(client, "delete", f"{url}/2025-06-11", auth)
    assert r.status_code == 404
    assert r.json()["message"] == "That day isn't set aside for this goal."


def test_a_run_of_days_counts_as_usual_again_in_one_go(client: Client, alice: User) -> None:
    goal = _goal(alice)
    other = _goal(alice)
    for i in range(5):
        GoalSkip.objects.create(owner=alice, goal=goal, day=date(2025, 6, 2) + timedelta(days=i))
        GoalSkip.objects.create(owner=alice, goal=other, day=date(2025, 6, 2) + timedelta(days=i))
    url = f"{URL}/{goal.pk}/skips/2025-06-03?through=2025-06-05"
    assert send(client, "delete", url, bearer(alice)).status_code == 204
    assert list(GoalSkip.objects.filter(goal=goal).values_list("day", flat=True)) == [
        date(2025, 6, 2),
        date(2025, 6, 6),
    ]
    assert GoalSkip.objects.filter(goal=other).count() == 5


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"day": "2025-05-31"}, "That's before this goal began."),
        ({"day": "2025-06-26"}, "up to two weeks ahead"),
        ({"day": "2025-06-31"}, "Input should be a valid date"),
        ({"day": "11/06/2025"}, "YYYY-MM-DD"),
        ({"day": 1749600000}, "YYYY-MM-DD"),
        ({"day": "0001-01-01"}, "between 1900 and 2200"),
        ({"when": "today"}, "Extra inputs"),
    ],
)
def test_a_day_that_cant_be_set_aside_is_a_422(
    client: Client, alice: User, body: dict[str, Any], words: str
) -> None:
    goal = _goal(alice)
    r = send(client, "post", f"{URL}/{goal.pk}/skips", bearer(alice), body)
    assert r.status_code == 422, r.content
    assert any(words in m for m in error_messages(r)), r.json()
    assert not GoalSkip.objects.exists()


@pytest.mark.parametrize(
    "tail",
    ["2025-06-10?through=2025-06-09", "2025-06-10?through=2036-06-10", "2025-13-01", "yesterday"],
)
def test_a_bad_day_or_run_to_undo_is_a_422(client: Client, alice: User, tail: str) -> None:
    goal = _goal(alice)
    GoalSkip.objects.create(owner=alice, goal=goal, day=date(2025, 6, 10))
    r = send(client, "delete", f"{URL}/{goal.pk}/skips/{tail}", bearer(alice))
    assert r.status_code == 422, r.content
    assert GoalSkip.objects.count() == 1


# --- Schema ------------------------------------------------------------------------------


def test_the_openapi_schema_lists_the_goal_endpoints_and_their_codes(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    one, skips = f"{URL}/{{id}}", f"{URL}/{{id}}/skips"
    expected = {
        ("get", URL): {"200", "401", "422"},
        ("post", URL): {"201", "400", "401", "403", "422"},
        ("get", f"{URL}/presets"): {"200", "401"},
        ("get", one): {"200", "401", "404", "422"},
        ("patch", one): {"200", "400", "401", "403", "404", "422"},
        ("delete", one): {"204", "401", "403", "404", "422"},
        ("get", skips): {"200", "401", "404", "422"},
        ("post", skips): {"200", "201", "400", "401", "403", "404", "422"},
        ("delete", f"{skips}/{{day}}"): {"204", "401", "403", "404", "422"},
    }
    assert_documented(paths, expected, tag="goals")
    parts = schema["components"]["schemas"]
    assert parts["GoalIn"]["properties"]["per_days"]["enum"] == [7, 14, 30]
    assert set(parts["GoalOut"]["required"]) == FIELDS
