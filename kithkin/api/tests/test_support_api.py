"""/api/v1/support: the support page's resources, the safety plan, "I'm struggling"
and Today's support card."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import assert_documented, bearer, rows, send
from kithkin.circle.tests.factories import person
from kithkin.conftest import make_user
from kithkin.support import card, helplines
from kithkin.support.forms import FIELDS, MOST_CHARS
from kithkin.support.models import HardDay, SafetyPlan
from kithkin.today.models import SavedMessage
from kithkin.wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db

URL = "/api/v1/support"
PLAN = f"{URL}/safety-plan"
CARD = f"{URL}/card"
# 23:30 on Tuesday 10 March in London is already Wednesday 11 March in Sydney.
NOW = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
DEFAULT_WORDS = str(card.DEFAULT_WORDS)
UNKIND = ("diagnos", "depress", "disorder", "failed", "overdue")


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _snapshot() -> list[Any]:
    return rows(SafetyPlan, HardDay)


# --- What the support page lists ------------------------------------------------------------


def test_the_resources_are_the_support_pages(client: Client, alice: User) -> None:
    r = send(client, "get", URL, bearer(alice, scope="read"))
    assert r.status_code == 200, r.content
    out = r.json()
    data = helplines.load()
    # Alice's country (from Settings) comes first, with every line from the one data file.
    gb = data.by_code("GB")
    assert gb is not None
    assert out["country"]["code"] == "GB" and out["country"]["emergency"] == gb.emergency
    assert [c["code"] for c in out["countries"]] == [c.code for c in data.ordered(gb)]
    samaritans = out["country"]["lines"][0]
    line = gb.lines[0]
    assert samaritans == {
        "name": line.name,
        "call": line.call,
        "call_href": line.call_href,
        "text": line.text,
        "text_body": line.text_body,
        "text_href": line.text_href,
        "chat_url": line.chat_url,
        "hours": line.hours,
        "cost": line.cost_label,
        "description": line.description,
        "source": line.source,
        "last_verified": line.last_verified.isoformat(),
    }
    assert out["directory"]["url"] == "https://findahelpline.com"
    assert out["fallback_emergency"] == data.fallback_emergency
    assert out["grounding"]["title"] == "A minute to steady yourself"
    assert len(out["grounding"]["steps"]) == 6
    assert out["message_someone"] == {
        "words": DEFAULT_WORDS,
        "own_words": False,
        "people": [],
        "other_words": [],
    }
    assert out["has_safety_plan"] is False
    assert out["note"] == "Kithkin is not therapy or a crisis service."
    assert not any(w in json.dumps(out).lower() for w in UNKIND)


def test_the_country_asked_for_or_guessed_or_none(client: Client, charlie: User) -> None:
    auth = bearer(charlie)
    # Charlie set no country: his time zone says Australia.
    assert send(client, "get", URL, auth).json()["country"]["code"] == "AU"
    r = send(client, "get", f"{URL}?country=nz", auth)
    assert r.json()["country"]["code"] == "NZ"
    assert r.json()["countries"][0]["code"] == "NZ"
    # Not listed: no country rather than someone else's, with every listed one and the directory.
    r = send(client, "get", f"{URL}?country=ZZ", auth)
    assert r.json()["country"] is None
    assert len(r.json()["countries"]) == len(helplines.load().countries)
    for bad in ("GBR", "1A", "%00%00"):
        assert send(client, "get", f"{URL}?country={bad}", auth).status_code == 422, bad


def test_with_no_country_or_listed_zone_the_language_header_is_the_last_guess(
    client: Client,
) -> None:
    dana = make_user("dana", timezone="Asia/Tokyo")
    auth = bearer(dana)
    assert send(client, "get", URL, auth).json()["country"] is None
    r = client.get(URL, headers={**auth, "Accept-Language": "en-NZ,en;q=0.9"})
    assert r.json()["country"]["code"] == "NZ"


def test_people_trusted_and_saved_words_come_with_links(
    client: Client, alice: User, bob: User
) -> None:
    sam = person(alice, "Sam", phones=["07700 900123"], emails=["sam@example.org"], trusted=True)
    ana = person(alice, "Ana", trusted=True)
    person(alice, "Not trusted", phones=["07700 900999"])
    person(bob, "Bob's friend", trusted=True)
    SavedMessage.objects.create(owner=alice, label="a check-in", text="Rough week. Call?")
    SavedMessage.objects.create(owner=alice, label="a walk", text="Fancy a walk?")
    SafetyPlan.objects.create(owner=alice, coping="A walk")
    out = send(client, "get", URL, bearer(alice)).json()
    someone = out["message_someone"]
    assert someone["words"] == "Rough week. Call?" and someone["own_words"] is True
    assert [(p["person"], p["name"]) for p in someone["people"]] == [
        (ana.pk, "Ana"),
        (sam.pk, "Sam"),
    ]
    assert someone["people"][1]["sms"] == "sms:07700900123?&body=Rough%20week.%20Call%3F"
    assert someone["people"][1]["email"] == "mailto:sam@example.org?body=Rough%20week.%20Call%3F"
    assert someone["people"][0]["email"] is None
    assert [(w["label"], w["text"], len(w["people"])) for w in someone["other_words"]] == [
        ("a walk", "Fancy a walk?", 2)
    ]
    assert out["has_safety_plan"] is True


# --- The support card and "I'm struggling" --------------------------------------------------


def test_im_struggling_brings_the_card_for_the_persons_own_day(
    client: Client, charlie: User
) -> None:
    auth = bearer(charlie)
    r = send(client, "get", CARD, auth)
    assert r.json() == {
        "day": "2026-03-11",
        "shown": False,
        "asked": False,
        "put_away": False,
        "step": None,
        "words": None,
        "own_words": False,
        "people": [],
    }
    ana = person(charlie, "Ana", trusted=True)
    r = send(client, "post", f"{URL}/struggling", auth)
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["day"], out["shown"], out["asked"], out["put_away"]) == (
        "2026-03-11",
        True,
        True,
        False,
    )
    assert out["step"] == card.kind_step(date(2026, 3, 11))
    assert out["words"] == DEFAULT_WORDS
    assert [p["person"] for p in out["people"]] == [ana.pk]
    row = HardDay.objects.get(owner=charlie)
    assert (row.day, row.asked, row.dismissed_at) == (date(2026, 3, 11), True, None)
    assert send(client, "get", CARD, auth).json() == out


def test_the_card_put_away_and_brought_back(client: Client, alice: User) -> None:
    for day in (8, 9, 10):
        CheckIn.objects.create(owner=alice, day=date(2026, 3, day), mood=1)
    auth = bearer(alice)
    shown = send(client, "get", CARD, auth).json()
    assert (shown["shown"], shown["asked"]) == (True, False)  # three days at the lowest mood

    r = send(client, "post", f"{CARD}/dismiss", auth, {"day": "2026-03-10"})
    assert r.status_code == 200, r.content
    assert (r.json()["shown"], r.json()["put_away"]) == (False, True)
    assert send(client, "get", CARD, auth).json()["shown"] is False

    r = send(client, "post", f"{URL}/struggling", auth)
    assert (r.json()["shown"], r.json()["asked"], r.json()["put_away"]) == (True, True, False)
    assert HardDay.objects.count() == 1


def test_a_card_from_yesterday_puts_nothing_away(client: Client, alice: User) -> None:
    HardDay.objects.create(owner=alice, day=date(2026, 3, 10), asked=True)
    before = _snapshot()
    r = send(client, "post", f"{CARD}/dismiss", bearer(alice), {"day": "2026-03-09"})
    assert r.status_code == 409
    assert r.json()["code"] == "new_day"
    assert "nothing was put away" in r.json()["message"]
    assert _snapshot() == before
    for body in ({"day": "yesterday"}, {"day": 20260309}, {"when": "2026-03-10"}):
        assert send(client, "post", f"{CARD}/dismiss", bearer(alice), body).status_code == 422
    assert _snapshot() == before


# --- Safety plan ------------------------------------------------------------------------------


def test_the_safety_plan_is_written_read_rewritten_and_cleared(client: Client, alice: User) -> None:
    auth = bearer(alice)
    r = send(client, "get", PLAN, auth)
    assert r.status_code == 404
    assert r.json()["message"].startswith("There's no safety plan yet.")

    r = send(
        client, "put", PLAN, auth, {"coping": "  A walk round the block  ", "reasons": "My cat"}
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert set(out) == {*FIELDS, "updated_at"}
    assert {k: out[k] for k in FIELDS} == {
        **dict.fromkeys(FIELDS, ""),
        "coping": "A walk round the block",
        "reasons": "My cat",
    }
    assert send(client, "get", PLAN, auth).json() == out

    # A PUT is the whole plan: a step left out is emptied.
    r = send(client, "put", PLAN, auth, {"helpers": "Sam: 07700 900123"})
    assert r.status_code == 200
    plan = SafetyPlan.objects.get(owner=alice)
    assert (plan.helpers, plan.coping, plan.reasons) == ("Sam: 07700 900123", "", "")
    assert SafetyPlan.objects.count() == 1

    assert send(client, "delete", PLAN, auth).status_code == 204
    assert not SafetyPlan.objects.exists()
    assert send(client, "delete", PLAN, auth).status_code == 204


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({}, None, "Write something in at least one step first."),
        ({"coping": "   ", "reasons": "\n"}, None, "Write something in at least one step first."),
        ({"coping": "x" * (MOST_CHARS + 1)}, "coping", f"at most {MOST_CHARS} characters"),
        ({"helpers": "a\x00b"}, "helpers", "NUL"),
        ({"helpers": None}, "helpers", "valid string"),
        ({"helpers": 7}, "helpers", "valid string"),
        ({"hobbies": "knitting"}, "hobbies", "Extra inputs"),
    ],
)
def test_a_plan_that_cant_be_kept_is_a_422_and_the_old_one_stays(
    client: Client, alice: User, body: dict[str, Any], field: str | None, words: str
) -> None:
    SafetyPlan.objects.create(owner=alice, coping="A walk")
    before = _snapshot()
    r = send(client, "put", PLAN, bearer(alice), body)
    assert r.status_code == 422, r.content
    details = r.json()["details"]
    assert any(words in d["msg"] for d in details), details
    locs = [d["loc"] for d in details]
    assert ["body", "payload"] in locs if field is None else any(field in loc for loc in locs)
    assert _snapshot() == before


def test_each_person_sees_only_their_own_plan(client: Client, alice: User, bob: User) -> None:
    SafetyPlan.objects.create(owner=alice, coping="Alice's walk")
    HardDay.objects.create(owner=alice, day=date(2026, 3, 10), asked=True)
    before = _snapshot()
    auth = bearer(bob)
    assert send(client, "get", PLAN, auth).status_code == 404
    assert send(client, "get", CARD, auth).json()["shown"] is False
    assert send(client, "delete", PLAN, auth).status_code == 204
    assert send(client, "get", URL, auth).json()["has_safety_plan"] is False
    assert _snapshot() == before


def test_read_only_tokens_can_read_but_not_write(client: Client, alice: User) -> None:
    SafetyPlan.objects.create(owner=alice, coping="A walk")
    auth = bearer(alice, scope="read")
    for url in (URL, CARD, PLAN):
        assert send(client, "get", url, auth).status_code == 200, url
    before = _snapshot()
    for method, url, body in [
        ("put", PLAN, {"coping": "Something else"}),
        ("delete", PLAN, None),
        ("post", f"{URL}/struggling", None),
        ("post", f"{CARD}/dismiss", {}),
    ]:
        r = send(client, method, url, auth, body)
        assert r.status_code == 403, (method, url)
        assert r.json()["code"] == "forbidden"
    assert _snapshot() == before


def test_unreadable_json_is_a_400(client: Client, alice: User) -> None:
    r = client.put(PLAN, '{"coping": ', content_type="application/json", headers=bearer(alice))
    assert r.status_code == 400 and set(r.json()) == {"code", "message"}
    assert not SafetyPlan.objects.exists()


def test_the_resources_take_a_few_queries_however_many_people(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        person(alice, f"Friend {i}", trusted=True, phones=[f"07700 900{i:03}"])
    for i in range(12):
        SavedMessage.objects.create(owner=alice, label=f"words {i}", text=f"Words {i}")
    auth = bearer(alice)
    # The token (read and touched), trusted people, saved words, whether there's a plan.
    with django_assert_max_num_queries(5):
        r = send(client, "get", URL, auth)
    assert len(r.json()["message_someone"]["people"]) == 12


# --- Schema -------------------------------------------------------------------------------------


def test_the_openapi_schema_lists_the_support_endpoints_and_their_codes(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        ("get", URL): {"200", "401", "422"},
        ("get", CARD): {"200", "401"},
        ("post", f"{URL}/struggling"): {"200", "401", "403"},
        ("post", f"{CARD}/dismiss"): {"200", "400", "401", "403", "409", "422"},
        ("get", PLAN): {"200", "401", "404"},
        ("put", PLAN): {"200", "201", "400", "401", "403", "422"},
        ("delete", PLAN): {"204", "401", "403"},
    }
    assert_documented(paths, expected, tag="support")
    assert "not therapy" in paths[URL]["get"]["description"]
