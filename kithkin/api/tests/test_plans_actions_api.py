"""What the plan pages do, through the API: ending, cancelling one time, "it happened",
sharing with friends who have an account here, joining and leaving."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import assert_documented, bearer, rows, send
from kithkin.circle.models import Interaction, Person
from kithkin.plans import actions
from kithkin.plans.models import Occurrence, Plan, PlanGuest, PlanPerson
from kithkin.plans.tests.factories import weekly_plan

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans"
# Tuesday 10 March 2026, noon in London: Sundays 1 and 8 March are past, 15 March next.
NOW = "2026-03-10 12:00Z"
PAST = "2026-03-08T18:00:00Z"
NEXT = "2026-03-15T18:00:00Z"
LATER = "2026-03-22T18:00:00Z"


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _snapshot() -> list[Any]:
    return rows(Plan, PlanPerson, PlanGuest, Occurrence, Interaction)


def _joined(owner: User, guest: User, **fields: Any) -> Plan:
    plan = weekly_plan(owner, **fields)
    actions.do_join(guest, plan)
    return plan


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _q(text: str) -> str:
    return quote(text, safe="")


# --- Plan fields the form has ------------------------------------------------------------


def test_link_note_and_reminder_are_set_and_cleared(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    body = {"link": "https://meet.example.org/mum", "note": "  Ask about the garden. ",
            "remind_minutes": 15}  # fmt: skip
    r = send(client, "patch", f"{URL}/{plan.pk}", auth, body)
    assert r.status_code == 200, r.content
    assert {k: r.json()[k] for k in body} == {**body, "note": "Ask about the garden."}
    plan.refresh_from_db()
    assert (plan.link, plan.note, plan.remind_minutes) == (
        "https://meet.example.org/mum", "Ask about the garden.", 15,
    )  # fmt: skip
    r = send(client, "patch", f"{URL}/{plan.pk}", auth, {"remind_minutes": None, "link": ""})
    assert r.json()["remind_minutes"] is None and r.json()["link"] == ""
    assert r.json()["note"] == "Ask about the garden."


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"link": "meet.example.org"}, "link", "whole web address"),
        ({"link": "javascript:alert(1)"}, "link", "whole web address"),
        ({"link": "https://" + "a" * 500 + ".org"}, "link", "at most 500"),
        ({"link": None}, "link", "can't be null"),
        ({"note": "x" * 2001}, "note", "at most 2000"),
        ({"note": "a\x00b"}, "note", "NUL"),
        ({"remind_minutes": 30}, "remind_minutes", "15, 60 or 1440"),
        ({"remind_minutes": "60"}, "remind_minutes", "15, 60 or 1440"),
    ],
)
def test_bad_plan_fields_are_a_422_and_nothing_is_written(
    client: Client, alice: User, change: dict[str, Any], field: str, words: str
) -> None:
    plan = weekly_plan(alice)
    before = _snapshot()
    r = send(client, "patch", f"{URL}/{plan.pk}", bearer(alice), change)
    assert r.status_code == 422, r.content
    assert any(field in d["loc"] for d in r.json()["details"]), r.json()
    assert any(words in d["msg"] for d in r.json()["details"]), r.json()
    assert _snapshot() == before


# --- Ending a plan -------------------------------------------------------------------------


def test_ending_a_plan_keeps_its_history_and_stops_what_comes(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    r = send(client, "post", f"{URL}/{plan.pk}/end", auth)
    assert r.status_code == 200, r.content
    assert _at(r.json()["ended_at"]) == _at("2026-03-10T12:00:00Z")
    plan.refresh_from_db()
    assert plan.ended_at is not None and plan.sequence == 1
    assert "UNTIL=" in plan.rrule
    listed = send(client, "get", f"{URL}/{plan.pk}/occurrences?from=2026-03-01&to=2026-03-31", auth)
    assert [o["start"][:10] for o in listed.json()] == ["2026-03-01", "2026-03-08"]
    # Ending it again changes nothing.
    before = _snapshot()
    again = send(client, "post", f"{URL}/{plan.pk}/end", auth)
    assert again.status_code == 200 and again.json() == r.json()
    assert _snapshot() == before


# --- Cancelling one time ---------------------------------------------------------------------


def test_one_time_is_cancelled_listed_and_brought_back(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    r = send(client, "post", f"{URL}/{plan.pk}/cancel-one", auth, {"start": LATER})
    assert r.status_code == 204 and r.content == b""
    plan.refresh_from_db()
    assert plan.exdates == ["2026-03-22T18:00"] and plan.sequence == 1
    listed = send(client, "get", f"{URL}/{plan.pk}/occurrences?from=2026-03-15&to=2026-03-29", auth)
    assert [o["start"][:10] for o in listed.json()] == ["2026-03-15", "2026-03-29"]
    cancelled = send(client, "get", f"{URL}/{plan.pk}/cancelled", auth).json()
    assert cancelled["count"] == 1
    assert _at(cancelled["items"][0]["start"]) == _at(LATER)
    # Cancelling it twice: it isn't an occurrence any more.
    r = send(client, "post", f"{URL}/{plan.pk}/cancel-one", auth, {"start": LATER})
    assert r.status_code == 404
    # Bringing it back, with the offset written as %2B in the query string.
    back = f"{URL}/{plan.pk}/cancel-one?start={_q('2026-03-22T19:00:00+01:00')}"
    assert send(client, "delete", back, auth).status_code == 204
    plan.refresh_from_db()
    assert plan.exdates == [] and plan.sequence == 2
    assert send(client, "get", f"{URL}/{plan.pk}/cancelled", auth).json()["count"] == 0
    # Bringing back one that isn't cancelled leaves it as it is.
    before = _snapshot()
    assert send(client, "delete", back, auth).status_code == 204
    assert _snapshot() == before


@pytest.mark.parametrize(
    "start",
    ["2026-03-22T19:00:00Z", "2026-03-23T18:00:00Z", "0001-01-01T00:00:00+05:00",
     "9999-12-31T23:59:59-14:00"],
)  # fmt: skip
def test_a_time_that_isnt_the_plans_is_a_404_to_cancel_or_bring_back(
    client: Client, alice: User, start: str
) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    before = _snapshot()
    r = send(client, "post", f"{URL}/{plan.pk}/cancel-one", auth, {"start": start})
    assert r.status_code == 404, r.content
    assert r.json() == {
        "code": "not_found",
        "message": "This plan has no occurrence starting then.",
    }
    r = send(client, "delete", f"{URL}/{plan.pk}/cancel-one?start={_q(start)}", auth)
    assert r.status_code == 404, r.content
    assert _snapshot() == before


def test_cancel_needs_a_start_with_an_offset(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    before = _snapshot()
    for body in ({"start": "2026-03-22T18:00:00"}, {}, {"start": LATER, "restore": True}):
        r = send(client, "post", f"{URL}/{plan.pk}/cancel-one", auth, body)
        assert r.status_code == 422, body
    for query in ("", "?start=2026-03-22T18:00:00", "?start=tomorrow"):
        r = send(client, "delete", f"{URL}/{plan.pk}/cancel-one{query}", auth)
        assert r.status_code == 422, query
    assert _snapshot() == before


# --- It happened ------------------------------------------------------------------------------


def test_it_happened_logs_one_contact_with_the_plans_people(client: Client, alice: User) -> None:
    mum = Person.objects.create(owner=alice, name="Mum")
    plan = weekly_plan(alice, place="Her kitchen", people=[mum])
    auth = bearer(alice)
    r = send(client, "post", f"{URL}/{plan.pk}/done", auth, {"start": PAST})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["done"] is True and out["rsvp"] is None
    assert _at(out["start"]) == _at(PAST)
    logged = Interaction.objects.get(pk=out["interaction_id"])
    assert logged.owner == alice and list(logged.people.all()) == [mum]
    assert logged.channel == "in_person" and logged.size == "main" and logged.note == "Call Mum"
    assert logged.feeling_after == ""
    # Saying it again only adds a feeling not given before.
    again = send(
        client, "post", f"{URL}/{plan.pk}/done", auth, {"start": PAST, "feeling": "lifted"}
    )
    assert again.json() == out
    assert Interaction.objects.count() == 1
    logged.refresh_from_db()
    assert logged.feeling_after == "lifted"
    listed = send(client, "get", f"{URL}/{plan.pk}/occurrences?from=2026-03-08&to=2026-03-08", auth)
    assert listed.json()[0]["done"] is True


def test_how_it_went_and_how_it_felt_are_kept(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    body = {"start": PAST, "channel": "video", "feeling": "drained"}
    r = send(client, "post", f"{URL}/{plan.pk}/done", bearer(alice), body)
    logged = Interaction.objects.get(pk=r.json()["interaction_id"])
    assert (logged.channel, logged.feeling_after) == ("video", "drained")


def test_a_time_still_to_come_cant_be_marked_and_nothing_is_written(
    client: Client, alice: User
) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    before = _snapshot()
    r = send(client, "post", f"{URL}/{plan.pk}/done", auth, {"start": NEXT})
    assert r.status_code == 422
    assert r.json()["details"] == [
        {
            "type": "still_to_come",
            "loc": ["body", "payload", "start"],
            "msg": "That's still to come. Mark it once it has happened.",
        }
    ]
    for body in (
        {"start": PAST, "feeling": "great"},
        {"start": PAST, "channel": "pigeon"},
        {"start": "2026-03-08T18:00:00"},
        {"start": PAST, "undo": True},
    ):
        assert send(client, "post", f"{URL}/{plan.pk}/done", auth, body).status_code == 422
    r = send(client, "post", f"{URL}/{plan.pk}/done", auth, {"start": "2026-03-08T19:00:00Z"})
    assert r.status_code == 404
    assert _snapshot() == before


def test_taking_it_back_removes_the_contact_and_keeps_the_answer(
    client: Client, alice: User
) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    send(client, "post", f"{URL}/{plan.pk}/rsvp", auth, {"start": PAST, "rsvp": "going"})
    done = send(client, "post", f"{URL}/{plan.pk}/done", auth, {"start": PAST}).json()
    r = send(client, "delete", f"{URL}/{plan.pk}/done?start={_q(PAST)}", auth)
    assert r.status_code == 200, r.content
    assert r.json() == {"start": done["start"], "rsvp": "going", "done": False}
    row = Occurrence.objects.get()
    assert row.done_at is None and row.interaction_id is None and row.rsvp == "going"
    logged = Interaction.objects.get(pk=done["interaction_id"])
    assert logged.deleted_at is not None
    # Like any deleted contact, it can be brought back for a few minutes.
    back = send(client, "post", f"/api/v1/interactions/{logged.pk}/restore", auth)
    assert back.status_code == 200
    # Taking back what wasn't marked changes nothing.
    before = _snapshot()
    r = send(client, "delete", f"{URL}/{plan.pk}/done?start={_q(NEXT)}", auth)
    assert r.status_code == 200 and r.json()["done"] is False
    assert _snapshot() == before


# --- Sharing, joining, leaving ------------------------------------------------------------------


def test_a_join_link_is_made_once_and_shown(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    auth = bearer(alice)
    assert send(client, "get", f"{URL}/{plan.pk}/share", auth).json() == {
        "sharing": False, "token": None, "join_url": None,
    }  # fmt: skip
    r = send(client, "post", f"{URL}/{plan.pk}/share", auth)
    assert r.status_code == 200
    out = r.json()
    plan.refresh_from_db()
    assert out == {
        "sharing": True,
        "token": plan.guest_token,
        "join_url": f"http://testserver/plans/join/{plan.guest_token}/",
    }
    assert send(client, "post", f"{URL}/{plan.pk}/share", auth).json() == out
    assert send(client, "get", f"{URL}/{plan.pk}/share", auth).json() == out


def test_a_friend_previews_joins_answers_and_leaves(client: Client, alice: User, bob: User) -> None:
    mum = Person.objects.create(owner=alice, name="Mum")
    plan = weekly_plan(
        alice, place="The park", link="https://example.org/x", note="Mine", people=[mum]
    )
    actions.do_share(plan, True)
    token = plan.guest_token
    assert token is not None
    bob_auth = bearer(bob)
    preview = send(client, "get", f"{URL}/join/{token}", bob_auth)
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert [_at(t) for t in body.pop("upcoming")] == [
        _at(NEXT), _at(LATER), _at("2026-03-29T17:00:00Z"),
    ]  # fmt: skip
    assert body == {
        "id": plan.pk, "title": "Call Mum", "host": "alice", "rrule": "FREQ=WEEKLY;BYDAY=SU",
        "start": "2026-03-01T18:00:00", "timezone": "Europe/London", "duration_minutes": 60,
        "energy": "low", "place": "The park", "joined": False, "mine": False,
    }  # fmt: skip
    r = send(client, "post", f"{URL}/join/{token}", bob_auth)
    assert r.status_code == 200, r.content
    joined = r.json()
    # What a guest sees: not the people from Alice's circle, nor her note.
    assert set(joined) == {
        "id", "title", "host", "rrule", "start", "timezone", "duration_minutes", "energy",
        "place", "link", "ended_at",
    }  # fmt: skip
    assert joined["link"] == "https://example.org/x" and joined["host"] == "alice"
    assert send(client, "post", f"{URL}/join/{token}", bob_auth).json() == joined
    assert PlanGuest.objects.filter(plan=plan, owner=bob).count() == 1
    assert send(client, "get", f"{URL}/join/{token}", bob_auth).json()["joined"] is True
    listed = send(client, "get", f"{URL}/joined", bob_auth).json()
    assert listed == {"count": 1, "items": [joined]}
    assert send(client, "get", f"{URL}/joined/{plan.pk}", bob_auth).json() == joined
    # Still Alice's plan: its full view, with her people, isn't Bob's.
    assert send(client, "get", f"{URL}/{plan.pk}", bob_auth).status_code == 404
    # Bob answers for himself, and says it happened for himself.
    r = send(client, "post", f"{URL}/{plan.pk}/rsvp", bob_auth, {"start": NEXT, "rsvp": "maybe"})
    assert r.status_code == 200 and r.json()["rsvp"] == "maybe"
    done = send(client, "post", f"{URL}/{plan.pk}/done", bob_auth, {"start": PAST}).json()
    logged = Interaction.objects.get(pk=done["interaction_id"])
    assert logged.owner == bob and not logged.people.exists()
    window = "occurrences?from=2026-03-08&to=2026-03-15"
    mine = send(client, "get", f"{URL}/{plan.pk}/{window}", bob_auth).json()
    assert [(o["rsvp"], o["done"]) for o in mine] == [(None, True), ("maybe", False)]
    hers = send(client, "get", f"{URL}/{plan.pk}/{window}", bearer(alice)).json()
    assert [(o["rsvp"], o["done"]) for o in hers] == [(None, False), (None, False)]
    # Alice sees who joined.
    guests = send(client, "get", f"{URL}/{plan.pk}/guests", bearer(alice)).json()
    assert [(g["name"], g["id"]) for g in guests["items"]] == [
        ("bob", PlanGuest.objects.get(owner=bob).pk)
    ]
    # Leaving: his answers go, his log stays.
    assert send(client, "post", f"{URL}/{plan.pk}/leave", bob_auth).status_code == 204
    assert not PlanGuest.objects.exists()
    assert not Occurrence.objects.filter(owner=bob).exists()
    assert Interaction.objects.filter(owner=bob).count() == 1
    assert send(client, "get", f"{URL}/joined", bob_auth).json()["count"] == 0
    r = send(client, "post", f"{URL}/{plan.pk}/rsvp", bob_auth, {"start": NEXT, "rsvp": "going"})
    assert r.status_code == 404


def test_the_owner_takes_a_friend_off_and_stops_sharing(
    client: Client, alice: User, bob: User
) -> None:
    plan = _joined(alice, bob)
    actions.do_share(plan, True)
    token = plan.guest_token
    actions.do_rsvp(bob, plan, _at(NEXT), "going")
    auth = bearer(alice)
    guest = PlanGuest.objects.get()
    r = send(client, "delete", f"{URL}/{plan.pk}/guests/{guest.pk}", auth)
    assert r.status_code == 204
    assert not PlanGuest.objects.exists() and not Occurrence.objects.exists()
    assert send(client, "delete", f"{URL}/{plan.pk}/guests/{guest.pk}", auth).status_code == 404
    # The link still works until sharing stops; people who joined stay in.
    actions.do_join(bob, plan)
    assert send(client, "delete", f"{URL}/{plan.pk}/share", auth).status_code == 204
    plan.refresh_from_db()
    assert plan.guest_token is None and PlanGuest.objects.filter(owner=bob).exists()
    assert send(client, "get", f"{URL}/join/{token}", bearer(bob)).status_code == 404
    assert send(client, "post", f"{URL}/join/{token}", bearer(bob)).status_code == 404


def test_your_own_plan_isnt_joined_or_left(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    actions.do_share(plan, True)
    auth = bearer(alice)
    before = _snapshot()
    preview = send(client, "get", f"{URL}/join/{plan.guest_token}", auth).json()
    assert preview["mine"] is True and preview["joined"] is False
    r = send(client, "post", f"{URL}/join/{plan.guest_token}", auth)
    assert r.status_code == 409
    assert r.json()["code"] == "yours"
    r = send(client, "post", f"{URL}/{plan.pk}/leave", auth)
    assert r.status_code == 404
    assert _snapshot() == before


def test_an_ended_plan_cant_be_joined_or_shared_again(
    client: Client, alice: User, bob: User
) -> None:
    plan = weekly_plan(alice)
    actions.do_share(plan, True)
    actions.do_end_plan(plan)
    before = _snapshot()
    for method in ("get", "post"):
        r = send(client, method, f"{URL}/join/{plan.guest_token}", bearer(bob))
        assert r.status_code == 404, method
    assert _snapshot() == before
    actions.do_share(plan, False)
    before = _snapshot()
    r = send(client, "post", f"{URL}/{plan.pk}/share", bearer(alice))
    assert r.status_code == 409 and r.json()["code"] == "ended"
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        ("nope", 404, "not_found"),
        ("a" * 64, 404, "not_found"),
        ("a" * 65, 422, "invalid"),
        ("a.b", 422, "invalid"),
        ("a%20b", 422, "invalid"),
    ],
)
def test_an_unknown_or_malformed_join_link_changes_nothing(
    client: Client, alice: User, bob: User, token: str, status: int, code: str
) -> None:
    plan = weekly_plan(alice)
    actions.do_share(plan, True)
    before = _snapshot()
    for method in ("get", "post"):
        r = send(client, method, f"{URL}/join/{token}", bearer(bob))
        assert r.status_code == status, (method, r.content)
        assert r.json()["code"] == code
    assert _snapshot() == before


# --- Who may do what ---------------------------------------------------------------------------


def _owner_only(plan: Plan, guest_id: int) -> list[tuple[str, str, Any]]:
    return [
        ("post", f"{URL}/{plan.pk}/end", None),
        ("post", f"{URL}/{plan.pk}/cancel-one", {"start": LATER}),
        ("delete", f"{URL}/{plan.pk}/cancel-one?start={_q(LATER)}", None),
        ("get", f"{URL}/{plan.pk}/cancelled", None),
        ("get", f"{URL}/{plan.pk}/share", None),
        ("post", f"{URL}/{plan.pk}/share", None),
        ("delete", f"{URL}/{plan.pk}/share", None),
        ("get", f"{URL}/{plan.pk}/guests", None),
        ("delete", f"{URL}/{plan.pk}/guests/{guest_id}", None),
        ("patch", f"{URL}/{plan.pk}", {"title": "Mine now"}),
        ("delete", f"{URL}/{plan.pk}", None),
    ]


def _anyone_joined(plan: Plan) -> list[tuple[str, str, Any]]:
    return [
        ("get", f"{URL}/{plan.pk}/occurrences", None),
        ("post", f"{URL}/{plan.pk}/rsvp", {"start": NEXT, "rsvp": "going"}),
        ("post", f"{URL}/{plan.pk}/done", {"start": PAST}),
        ("delete", f"{URL}/{plan.pk}/done?start={_q(PAST)}", None),
        ("get", f"{URL}/joined/{plan.pk}", None),
        ("post", f"{URL}/{plan.pk}/leave", None),
    ]


def test_a_guest_cant_do_what_only_the_owner_can(client: Client, alice: User, bob: User) -> None:
    plan = _joined(alice, bob)
    actions.do_share(plan, True)
    guest = PlanGuest.objects.get()
    before = _snapshot()
    for method, url, body in _owner_only(plan, guest.pk):
        r = send(client, method, url, bearer(bob), body)
        assert r.status_code == 404, (method, url)
        assert r.json()["code"] == "not_found"
    assert _snapshot() == before


def test_someone_who_didnt_join_gets_a_404_for_everything(
    client: Client, alice: User, bob: User, charlie: User
) -> None:
    plan = _joined(alice, bob)
    actions.do_share(plan, True)
    guest = PlanGuest.objects.get()
    before = _snapshot()
    for method, url, body in _owner_only(plan, guest.pk) + _anyone_joined(plan):
        r = send(client, method, url, bearer(charlie), body)
        assert r.status_code == 404, (method, url)
        assert r.json()["code"] == "not_found"
    assert send(client, "get", f"{URL}/joined", bearer(charlie)).json()["count"] == 0
    assert send(client, "get", f"{URL}/upcoming", bearer(charlie)).json()["count"] == 0
    assert _snapshot() == before


def test_read_only_tokens_change_nothing(client: Client, alice: User, bob: User) -> None:
    plan = _joined(alice, bob)
    actions.do_share(plan, True)
    guest = PlanGuest.objects.get()
    before = _snapshot()
    writes = [(m, u, b) for m, u, b in _owner_only(plan, guest.pk) if m != "get"] + [
        ("post", f"{URL}/join/{plan.guest_token}", None)
    ]
    for method, url, body in writes:
        r = send(client, method, url, bearer(alice, "read"), body)
        assert r.status_code == 403, (method, url)
        assert r.json()["code"] == "forbidden"
    for method, url, body in _anyone_joined(plan):
        if method != "get":
            assert send(client, method, url, bearer(bob, "read"), body).status_code == 403
    assert _snapshot() == before
    # Reading is fine.
    assert send(client, "get", f"{URL}/{plan.pk}/guests", bearer(alice, "read")).status_code == 200
    assert send(client, "get", f"{URL}/joined", bearer(bob, "read")).json()["count"] == 1


# --- Upcoming, and how many queries -------------------------------------------------------------


def test_upcoming_lists_own_and_joined_plans_by_time(
    client: Client, alice: User, bob: User
) -> None:
    mine = weekly_plan(alice, title="Call Mum")
    theirs = _joined(bob, alice, title="Tea with Bob", rrule="", start_date=date(2026, 3, 12),
                     start_time=time(9, 0))  # fmt: skip
    actions.do_rsvp(alice, theirs, _at("2026-03-12T13:00:00Z"), "going")
    r = send(client, "get", f"{URL}/upcoming", bearer(alice))
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(i["title"], i["mine"], i["rsvp"]) for i in items[:2]] == [
        ("Tea with Bob", False, "going"),
        ("Call Mum", True, None),
    ]
    assert r.json()["count"] == 5  # tea, then four Sundays
    assert {i["plan_id"] for i in items} == {mine.pk, theirs.pk}


def test_the_new_lists_take_the_same_few_queries_however_long(
    client: Client, alice: User, bob: User, django_assert_max_num_queries: Any
) -> None:
    users = [User.objects.create_user(username=f"friend{n}") for n in range(10)]
    own = weekly_plan(alice)
    for user in users:
        actions.do_join(user, own)
        _joined(user, alice, title=f"{user.username}'s walk")
    auth = bearer(alice)
    # The token, recording its use, then the plan (lists of a plan), the count and the page.
    with django_assert_max_num_queries(6):
        guests = send(client, "get", f"{URL}/{own.pk}/guests", auth).json()
    assert guests["count"] == 10
    with django_assert_max_num_queries(5):
        joined = send(client, "get", f"{URL}/joined", auth).json()
    assert joined["count"] == 10 and joined["items"][0]["host"].startswith("friend")
    with django_assert_max_num_queries(8):
        upcoming = send(client, "get", f"{URL}/upcoming", auth).json()
    assert upcoming["count"] == 44


# --- Schema ----------------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_new_plan_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    read = {"200", "401", "422"}
    one = {"200", "401", "404", "422"}
    write = {"401", "403", "404", "422"}
    expected = {
        f"{URL}/joined": {"get": read},
        f"{URL}/joined/{{id}}": {"get": one},
        f"{URL}/join/{{token}}": {"get": one, "post": {"200", "409", *write}},
        f"{URL}/upcoming": {"get": read},
        f"{URL}/{{id}}/done": {"post": {"200", "400", *write}, "delete": {"200", *write}},
        f"{URL}/{{id}}/end": {"post": {"200", *write}},
        f"{URL}/{{id}}/cancel-one": {"post": {"204", "400", *write}, "delete": {"204", *write}},
        f"{URL}/{{id}}/cancelled": {"get": one},
        f"{URL}/{{id}}/share": {"get": one, "post": {"200", "409", *write},
                                "delete": {"204", *write}},
        f"{URL}/{{id}}/guests": {"get": one},
        f"{URL}/{{id}}/guests/{{guest_id}}": {"delete": {"204", *write}},
        f"{URL}/{{id}}/leave": {"post": {"204", *write}},
    }  # fmt: skip
    for path, methods in expected.items():
        assert set(paths[path]) == set(methods), path
    operations = {(m, p): codes for p, methods in expected.items() for m, codes in methods.items()}
    assert_documented(paths, operations, tag="plans", nothing_else=True)
    for path in ("joined", "upcoming", "{id}/cancelled", "{id}/guests"):
        params = {p["name"] for p in paths[f"{URL}/{path}"]["get"].get("parameters", [])}
        assert {"page", "page_size"} <= params, path
