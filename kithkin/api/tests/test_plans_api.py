from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import bearer, error_messages, rows, send
from kithkin.circle.models import Person
from kithkin.plans import actions
from kithkin.plans.models import Occurrence, Plan, PlanPerson
from kithkin.plans.tests.factories import weekly_plan

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans"
FIELDS = {
    "id",
    "title",
    "rrule",
    "start",
    "timezone",
    "duration_minutes",
    "energy",
    "place",
    "people",
    "link",
    "note",
    "remind_minutes",
    "ended_at",
}


def _snapshot() -> list[Any]:
    return rows(Plan, PlanPerson, Occurrence)


# --- Create and read -----------------------------------------------------------------


def test_post_with_every_field_answers_with_exactly_the_documented_fields(
    client: Client, alice: User
) -> None:
    ana = Person.objects.create(owner=alice, name="Ana")
    body = {
        "title": "A short walk with Ana",
        "rrule": "freq=weekly;interval=2;byday=we",
        "start": "2026-03-18T18:00",
        "timezone": "Europe/London",
        "duration_minutes": 45,
        "energy": "some",
        "place": "The park gate",
        "people": [ana.pk],
        "link": "https://example.org/walks",
        "note": "Bring the flask.",
        "remind_minutes": 60,
    }
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert set(out) == FIELDS
    assert out == {
        **body,
        "id": out["id"],
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "start": "2026-03-18T18:00:00",
        "ended_at": None,
    }
    plan = Plan.objects.get(pk=out["id"])
    assert plan.owner == alice and plan.sequence == 0
    assert list(plan.people.all()) == [ana]


def test_only_title_and_start_are_needed_and_the_zone_is_the_owners(
    client: Client, charlie: User
) -> None:
    r = send(client, "post", URL, bearer(charlie), {"title": "Tea", "start": "2026-05-02T10:30"})
    assert r.status_code == 201, r.content
    assert r.json() == {
        "id": r.json()["id"],
        "title": "Tea",
        "rrule": None,
        "start": "2026-05-02T10:30:00",
        "timezone": "Australia/Sydney",
        "duration_minutes": 60,
        "energy": "low",
        "place": "",
        "people": [],
        "link": "",
        "note": "",
        "remind_minutes": None,
        "ended_at": None,
    }


def test_a_start_the_rule_skips_moves_to_the_first_occurrence(client: Client, alice: User) -> None:
    # Thursday 5 March; every other Wednesday counts from that week, so the
    # first is Wednesday 18 March (11 March is in the "other" week).
    body = {
        "title": "Walk",
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "start": "2026-03-05T18:00",
    }
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 201, r.content
    assert r.json()["start"] == "2026-03-18T18:00:00"


def test_list_is_paginated_and_owner_scoped(client: Client, alice: User, bob: User) -> None:
    mine = weekly_plan(alice, title="Mine")
    weekly_plan(bob, title="Bob's")
    r = send(client, "get", URL, bearer(alice))
    assert r.status_code == 200
    assert r.json()["count"] == 1
    assert [p["id"] for p in r.json()["items"]] == [mine.pk]


def test_get_one_and_another_users_plan_is_a_404(client: Client, alice: User, bob: User) -> None:
    plan = weekly_plan(alice)
    assert send(client, "get", f"{URL}/{plan.pk}", bearer(alice)).json()["title"] == "Call Mum"
    before = _snapshot()
    for method, url, body in [
        ("get", f"{URL}/{plan.pk}", None),
        ("patch", f"{URL}/{plan.pk}", {"title": "Mine now"}),
        ("delete", f"{URL}/{plan.pk}", None),
        ("get", f"{URL}/{plan.pk}/occurrences", None),
        ("post", f"{URL}/{plan.pk}/rsvp", {"start": "2026-03-01T18:00Z", "rsvp": "going"}),
    ]:
        r = send(client, method, url, bearer(bob), body)
        assert r.status_code == 404, (method, url)
        assert r.json()["code"] == "not_found"
    assert _snapshot() == before


def test_read_only_tokens_can_read_but_not_write(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice, scope="read")
    assert send(client, "get", URL, auth).status_code == 200
    assert send(client, "get", f"{URL}/{plan.pk}/occurrences", auth).status_code == 200
    before = _snapshot()
    for method, url, body in [
        ("post", URL, {"title": "x", "start": "2026-03-01T10:00"}),
        ("patch", f"{URL}/{plan.pk}", {"title": "y"}),
        ("delete", f"{URL}/{plan.pk}", None),
        ("post", f"{URL}/{plan.pk}/rsvp", {"start": "2026-03-01T18:00Z", "rsvp": "going"}),
    ]:
        assert send(client, method, url, auth, body).status_code == 403, (method, url)
    assert _snapshot() == before


# --- Errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"rrule": "FREQ=HOURLY"}, "rrule", "DAILY, WEEKLY, MONTHLY or YEARLY"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule", "isn't a weekday such as MO"),
        ({"rrule": "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30"}, "rrule", "never happens"),
        ({"rrule": "FREQ=WEEKLY;COUNT=2;UNTIL=20270101"}, "rrule", "not both"),
        ({"rrule": "FREQ=WEEKLY;FOO=1"}, "rrule", "doesn't understand"),
        ({"rrule": "FREQ=MONTHLY;BYDAY=+60MO"}, "rrule", "goes from 1 to 5"),
        ({"rrule": "FREQ=WEEKLY;COUNT=0"}, "rrule", "COUNT must be a whole number from 1"),
        ({"timezone": "Mars/Olympus"}, "timezone", "isn't a time zone name"),
        ({"timezone": ""}, "timezone", "isn't a time zone name"),
        ({"timezone": "localtime"}, "timezone", "isn't a time zone name"),
        ({"timezone": "Europe/../etc"}, "timezone", "isn't a time zone name"),
        ({"start": "2026-03-18T18:00:00+01:00"}, "start", "without an offset"),
        ({"start": "2026-03-18"}, "start", "without an offset"),
        ({"start": "2026-02-30T18:00"}, "start", "doesn't exist"),
        ({"start": "2026-03-18T18:00:30"}, "start", "without an offset"),
        ({"start": "0999-03-18T18:00"}, "start", "between 1900"),
        ({"energy": "good"}, "energy", "'low' or 'some'"),
        ({"duration_minutes": 0}, "duration_minutes", "greater than or equal to 5"),
        ({"duration_minutes": "60"}, "duration_minutes", "valid integer"),
        ({"title": "  "}, "title", "at least 1 character"),
        ({"colour": "blue"}, "colour", "Extra inputs"),
    ],
)
def test_bad_input_is_a_422_with_a_clear_message_and_nothing_is_written(
    client: Client, alice: User, change: dict[str, Any], field: str, words: str
) -> None:
    before = _snapshot()
    body = {"title": "Walk", "start": "2026-03-18T18:00", "timezone": "Europe/London", **change}
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 422, r.content
    out = r.json()
    assert out["code"] == "invalid"
    assert any(d["loc"][-1] == field for d in out["details"]), out
    assert any(words in m for m in error_messages(r)), out
    assert _snapshot() == before


def test_someone_elses_person_is_refused_by_id(client: Client, alice: User, bob: User) -> None:
    theirs = Person.objects.create(owner=bob, name="Bob's friend")
    mine = Person.objects.create(owner=alice, name="Ana")
    before = _snapshot()
    body = {"title": "Walk", "start": "2026-03-18T18:00", "people": [mine.pk, theirs.pk]}
    r = send(client, "post", URL, bearer(alice), body)
    assert r.status_code == 422
    assert r.json()["details"] == [
        {
            "type": "unknown_person",
            "loc": ["body", "payload", "people", 1],
            "msg": f"There is no person {theirs.pk} in your circle.",
        }
    ]
    assert _snapshot() == before


def test_a_patch_with_a_bad_rule_changes_nothing(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    before = _snapshot()
    r = send(
        client, "patch", f"{URL}/{plan.pk}", bearer(alice), {"title": "New", "rrule": "FREQ=NOPE"}
    )
    assert r.status_code == 422
    assert _snapshot() == before


def test_an_ended_plan_is_kept_as_it_was(client: Client, alice: User) -> None:
    plan = weekly_plan(alice, ended_at=timezone.now())
    before = _snapshot()
    r = send(client, "patch", f"{URL}/{plan.pk}", bearer(alice), {"title": "New"})
    assert r.status_code == 409
    assert r.json()["code"] == "ended"
    assert _snapshot() == before


def test_null_is_refused_for_fields_that_cant_be_empty(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    r = send(client, "patch", f"{URL}/{plan.pk}", bearer(alice), {"timezone": None})
    assert r.status_code == 422
    assert "can't be null" in error_messages(r)[0]


# --- Change and delete ---------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_bumps_the_sequence(
    client: Client, alice: User
) -> None:
    ana = Person.objects.create(owner=alice, name="Ana")
    plan = weekly_plan(alice, place="Home")
    r = send(
        client,
        "patch",
        f"{URL}/{plan.pk}",
        bearer(alice),
        {"rrule": None, "start": "2026-04-04T09:15", "people": [ana.pk]},
    )
    assert r.status_code == 200, r.content
    assert r.json() == {
        "id": plan.pk,
        "title": "Call Mum",
        "rrule": None,
        "start": "2026-04-04T09:15:00",
        "timezone": "Europe/London",
        "duration_minutes": 60,
        "energy": "low",
        "place": "Home",
        "people": [ana.pk],
        "link": "",
        "note": "",
        "remind_minutes": None,
        "ended_at": None,
    }
    plan.refresh_from_db()
    assert plan.sequence == 1 and plan.rrule == ""


def test_delete_removes_the_plan(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    r = send(client, "delete", f"{URL}/{plan.pk}", bearer(alice))
    assert r.status_code == 204
    assert not Plan.objects.filter(pk=plan.pk).exists()


# --- Occurrences and RSVP ------------------------------------------------------------


def test_occurrences_in_a_window_keep_local_time_across_the_clock_change(
    client: Client, alice: User
) -> None:
    plan = weekly_plan(alice)  # Sundays 18:00 London; clocks go forward on 29 March 2026
    url = f"{URL}/{plan.pk}/occurrences?from=2026-03-15&to=2026-04-05"
    r = send(client, "get", url, bearer(alice))
    assert r.status_code == 200, r.content
    assert r.json() == [
        {"start": "2026-03-15T18:00:00Z", "rsvp": None, "done": False},
        {"start": "2026-03-22T18:00:00Z", "rsvp": None, "done": False},
        {"start": "2026-03-29T18:00:00+01:00", "rsvp": None, "done": False},
        {"start": "2026-04-05T18:00:00+01:00", "rsvp": None, "done": False},
    ]


def test_occurrences_default_to_four_weeks_from_today(client: Client, charlie: User) -> None:
    plan = weekly_plan(charlie, start_date=date(2026, 1, 4))
    with time_machine.travel("2026-03-04 12:00Z", tick=False):
        r = send(client, "get", f"{URL}/{plan.pk}/occurrences", bearer(charlie))
    # Wednesday 4 March in Sydney (23:00); the Sundays in the next 28 days.
    assert [o["start"][:10] for o in r.json()] == [
        "2026-03-08",
        "2026-03-15",
        "2026-03-22",
        "2026-03-29",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-03-10&to=2026-03-09",
        "from=2026-01-01&to=2027-01-02",
        "from=20260101",
        "to=tomorrow",
        "from=0001-01-01&to=0001-12-31",  # was a server error (OverflowError)
        "from=9999-12-01&to=9999-12-31",
    ],
)
def test_a_bad_window_is_a_422(client: Client, alice: User, query: str) -> None:
    plan = weekly_plan(alice)
    r = send(client, "get", f"{URL}/{plan.pk}/occurrences?{query}", bearer(alice))
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "invalid"


def test_rsvp_answers_one_occurrence_and_null_clears_it(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    body = {"start": "2026-03-29T17:00:00Z", "rsvp": "skip"}  # 18:00 BST
    r = send(client, "post", f"{URL}/{plan.pk}/rsvp", auth, body)
    assert r.status_code == 200, r.content
    assert r.json() == {"start": "2026-03-29T18:00:00+01:00", "rsvp": "skip", "done": False}
    listed = send(client, "get", f"{URL}/{plan.pk}/occurrences?from=2026-03-29&to=2026-03-29", auth)
    assert listed.json() == [{"start": "2026-03-29T18:00:00+01:00", "rsvp": "skip", "done": False}]
    r = send(client, "post", f"{URL}/{plan.pk}/rsvp", auth, {**body, "rsvp": None})
    assert r.json()["rsvp"] is None
    assert not Occurrence.objects.exists()


@pytest.mark.parametrize(
    "start",
    [
        "2026-03-29T18:00:00Z",  # 19:00 in London that day
        "2026-03-30T17:00:00Z",  # a Monday
        "2026-02-22T18:00:00Z",  # before the first
        "0001-01-01T00:00:00Z",  # was a server error (OverflowError)
        "9999-12-31T23:59:59+14:00",
    ],
)
def test_rsvp_for_a_time_that_isnt_an_occurrence_is_a_404(
    client: Client, alice: User, start: str
) -> None:
    plan = weekly_plan(alice)
    r = send(
        client, "post", f"{URL}/{plan.pk}/rsvp", bearer(alice), {"start": start, "rsvp": "going"}
    )
    assert r.status_code == 404
    assert r.json() == {
        "code": "not_found",
        "message": "This plan has no occurrence starting then.",
    }
    assert not Occurrence.objects.exists()


def test_rsvp_needs_an_offset_and_a_known_answer(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    for body in [
        {"start": "2026-03-29T18:00:00", "rsvp": "going"},
        {"start": "2026-03-29T17:00:00Z", "rsvp": "no"},
        {"start": "2026-03-29T17:00:00Z"},
    ]:
        r = send(client, "post", f"{URL}/{plan.pk}/rsvp", bearer(alice), body)
        assert r.status_code == 422, body
    assert not Occurrence.objects.exists()


def test_a_cancelled_occurrence_is_not_listed_or_answerable(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    at = actions.parse_key("2026-03-22T18:00:00Z")
    assert at is not None
    actions.do_cancel_occurrence(plan, at)
    auth = bearer(alice)
    listed = send(client, "get", f"{URL}/{plan.pk}/occurrences?from=2026-03-15&to=2026-03-29", auth)
    assert [o["start"][:10] for o in listed.json()] == ["2026-03-15", "2026-03-29"]
    body = {"start": "2026-03-22T18:00:00Z", "rsvp": "going"}
    assert send(client, "post", f"{URL}/{plan.pk}/rsvp", auth, body).status_code == 404


# --- Schema ----------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_plan_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    # Answers the whole API may add to every operation (rate limit, body too large).
    codes = {
        (method, path): sorted(set(paths[path][method]["responses"]) - {"413", "429"})
        for path in (URL, f"{URL}/{{id}}", f"{URL}/{{id}}/occurrences", f"{URL}/{{id}}/rsvp")
        for method in paths[path]
    }
    assert codes == {
        ("get", URL): ["200", "401", "422"],
        ("post", URL): ["201", "400", "401", "403", "422"],
        ("get", f"{URL}/{{id}}"): ["200", "401", "404", "422"],
        ("patch", f"{URL}/{{id}}"): ["200", "400", "401", "403", "404", "409", "422"],
        ("delete", f"{URL}/{{id}}"): ["204", "401", "403", "404", "422"],
        ("get", f"{URL}/{{id}}/occurrences"): ["200", "401", "404", "422"],
        ("post", f"{URL}/{{id}}/rsvp"): ["200", "400", "401", "403", "404", "422"],
    }
    parts = schema["components"]["schemas"]
    # A local start has no offset, so it isn't a JSON Schema "date-time".
    for name in ("PlanIn", "PlanPatch", "PlanOut"):
        start = parts[name]["properties"]["start"]
        assert start["type"] == "string" and "format" not in start, name
    assert parts["PlanOut"]["properties"]["rrule"]["anyOf"] == [
        {"type": "string"},
        {"type": "null"},
    ]
    assert parts["OccurrenceOut"]["properties"]["start"]["format"] == "date-time"
