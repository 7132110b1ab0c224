"""/api/v1/partners: a partner sees only what was shared, and only while it is; the
person who shares manages their partners (with the pages' rules) and sees each look."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import assert_documented, bearer, has_error, rows, send
from kithkin.nudges.models import Reminder
from kithkin.partners import actions
from kithkin.partners.models import (
    PartnerInvite,
    PartnerLook,
    PartnerNote,
    Partnership,
    ShareItem,
)
from kithkin.partners.tests.factories import (
    DAY_KEYS,
    NOW,
    PAGE_MARKERS,
    SECRET_NOTE,
    SECRET_TAG,
    TOP_KEYS,
    everything,
    partnership,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/partners/shared"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _get(client: Client, url: str, user: User) -> tuple[int, dict | list]:
    r = client.get(url, headers=bearer(user, "read"))
    return r.status_code, r.json()


def _present(body: dict, item: str) -> bool:
    """Whether any of the item's data is in the answer."""
    if item in TOP_KEYS:
        return TOP_KEYS[item] in body
    return any(key in day for day in body.get("checkins", []) for key in DAY_KEYS[item])


def test_it_lists_only_accepted_live_partnerships_where_you_are_the_partner(
    client: Client, alice: User, bob: User, charlie: User
) -> None:
    alice.first_name = "Alice"
    alice.save()
    shared = partnership(alice, bob, shares=["sleep", "mood"])
    partnership(charlie, bob, revoked_at=NOW)
    partnership(charlie, None)  # waiting for someone to accept
    partnership(bob, alice)  # bob shares with alice, not the other way
    status, body = _get(client, URL, bob)
    assert status == 200
    assert body == [{"id": shared.pk, "person": "Alice", "items": ["mood", "sleep"]}]
    assert _get(client, URL, charlie) == (200, [])


@pytest.mark.parametrize("item", ShareItem.values)
def test_a_ticked_item_is_there(client: Client, alice: User, bob: User, item: str) -> None:
    everything(alice)
    only = partnership(alice, bob, shares=[item])
    status, body = _get(client, f"{URL}/{only.pk}", bob)
    assert status == 200
    assert isinstance(body, dict)
    assert body["items"] == [item]
    assert _present(body, item)
    for other in ShareItem.values:
        if other != item:
            assert not _present(body, other), other
    text = json.dumps(body, ensure_ascii=False)
    assert PAGE_MARKERS[item] in text or item == ShareItem.MEANINGFUL
    assert SECRET_NOTE not in text and SECRET_TAG not in text
    assert "note" not in text and "tags" not in text


@pytest.mark.parametrize("item", ShareItem.values)
def test_an_unticked_item_is_absent(client: Client, alice: User, bob: User, item: str) -> None:
    everything(alice)
    rest = partnership(alice, bob, shares=[i for i in ShareItem.values if i != item])
    status, body = _get(client, f"{URL}/{rest.pk}", bob)
    assert status == 200
    assert isinstance(body, dict)
    assert item not in body["items"]
    assert not _present(body, item)
    for other in ShareItem.values:
        if other != item:
            assert _present(body, other), other
    text = json.dumps(body, ensure_ascii=False)
    if item != ShareItem.MEANINGFUL:
        assert PAGE_MARKERS[item] not in text
    assert SECRET_NOTE not in text and SECRET_TAG not in text


def test_everything_shared_reads_in_words(client: Client, alice: User, bob: User) -> None:
    everything(alice)
    shared = partnership(alice, bob, shares=ShareItem.values)
    status, body = _get(client, f"{URL}/{shared.pk}", bob)
    assert status == 200
    assert isinstance(body, dict)
    assert body["checkins"] == [
        {
            "date": "2025-06-10",
            "mood": "Very good",
            "energy": "Running low",
            "sleep_hours": "7.5",
            "rested": "Mostly",
            "meaningful": True,
            "connected": "Quite connected",
        }
    ]
    assert body["plans"] == [{"title": "Choir practice", "starts_at": "2025-06-12T19:00:00+01:00"}]
    assert [m["label"] for m in body["measures"]] == [
        "Loneliness (UCLA 3-item)",
        "Wellbeing (WHO-5)",
    ]
    assert body["measures"][1]["range"] == (
        "In the range often linked with low wellbeing (50 or below)."
    )
    assert "score" not in json.dumps(body["measures"])
    (goal,) = body["goals"]
    assert goal["title"] == "Walk with Jo weekly" and goal["rhythm"] == "Once a week"
    assert goal["this_period"] == "1 of 1 this week"


def test_each_read_is_a_look_the_person_sees(client: Client, alice: User, bob: User) -> None:
    shared = partnership(alice, bob, shares=["mood"])
    _get(client, f"{URL}/{shared.pk}", bob)
    look = PartnerLook.objects.get()
    assert (look.owner_id, look.partnership_id, look.at) == (alice.pk, shared.pk, NOW)


def test_revoking_is_a_404_at_once(client: Client, alice: User, bob: User) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    assert _get(client, f"{URL}/{shared.pk}", bob)[0] == 200
    actions.do_revoke(shared)
    status, body = _get(client, f"{URL}/{shared.pk}", bob)
    assert status == 404
    assert body == {"code": "not_found", "message": "There's nothing here with that id."}
    assert _get(client, URL, bob) == (200, [])
    assert PartnerLook.objects.count() == 1


def test_someone_who_is_not_the_partner_gets_a_404(
    client: Client, alice: User, bob: User, charlie: User
) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    assert _get(client, f"{URL}/{shared.pk}", charlie)[0] == 404
    # The person who shares reads their own data elsewhere, not as a partner.
    assert _get(client, f"{URL}/{shared.pk}", alice)[0] == 404
    assert _get(client, f"{URL}/999999", bob)[0] == 404
    assert not PartnerLook.objects.exists()


def test_it_needs_a_token(client: Client, alice: User, bob: User) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    assert client.get(f"{URL}/{shared.pk}").status_code == 401
    assert client.get(URL).status_code == 401


def test_a_link_not_yet_accepted_reaches_nothing(client: Client, alice: User, bob: User) -> None:
    # Linked to bob but without accepted_at: not his yet, in the list or by id.
    pending = partnership(alice, None, shares=ShareItem.values)
    pending.partner = bob
    pending.save()
    assert _get(client, URL, bob) == (200, [])
    assert _get(client, f"{URL}/{pending.pk}", bob)[0] == 404
    assert not PartnerLook.objects.exists()


# --- The partner's "thinking of you" -------------------------------------------------------

OWNER_URL = "/api/v1/partners"


def _snapshot() -> list[Any]:
    return rows(Partnership, PartnerInvite, PartnerLook, PartnerNote, Reminder)


def test_a_note_reaches_them_and_counts_toward_three_a_day(
    client: Client, alice: User, bob: User
) -> None:
    alice.first_name = "Alice"
    alice.save()
    shared = partnership(alice, bob, shares=["mood"])
    auth = bearer(bob)
    url = f"{URL}/{shared.pk}/note"
    for left in (2, 1, 0):
        r = send(client, "post", url, auth, {"text": "  Thinking of you 💛 "})
        assert r.status_code == 201, r.content
        assert r.json()["text"] == "Thinking of you 💛"
        assert r.json()["notes_left_today"] == left
    note = PartnerNote.objects.order_by("pk").first()
    assert note is not None
    assert (note.owner_id, note.partnership_id, note.created_at) == (alice.pk, shared.pk, NOW)
    assert not PartnerLook.objects.exists()  # sending isn't looking

    before = _snapshot()
    r = send(client, "post", url, auth, {"text": "One more"})
    assert r.status_code == 429
    assert r.json()["code"] == "too_many_notes"
    assert r.json()["message"] == (
        "That's three notes today — Alice will see them. You can send more tomorrow."
    )
    # 12:00 UTC is 08:00 in New York (bob's day): sixteen hours to his midnight.
    assert r["Retry-After"] == str(16 * 3600 + 1)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"text": "x" * 281}, "That's a little long: up to 280 characters, please."),
        ({"text": "   "}, "A few words, or tap one of the notes above."),
        ({"text": "a\x00b"}, "Null characters are not allowed."),
        ({"text": "caf\ud800"}, "valid string"),
        ({"text": 5}, "valid string"),
        ({}, "Field required"),
    ],
)
def test_a_note_the_page_would_refuse_is_a_422(
    client: Client, alice: User, bob: User, body: dict[str, Any], words: str
) -> None:
    shared = partnership(alice, bob, shares=["mood"])
    before = _snapshot()
    r = send(client, "post", f"{URL}/{shared.pk}/note", bearer(bob), body)
    assert r.status_code == 422, r.content
    assert has_error(r, "text", words), r.json()
    assert _snapshot() == before


def test_a_note_reaches_only_a_live_partnership_of_ones_own(
    client: Client, alice: User, bob: User, charlie: User
) -> None:
    shared = partnership(alice, bob, shares=["mood"])
    ended = partnership(alice, bob, revoked_at=NOW)
    pending = partnership(alice, None)
    before = _snapshot()
    for user, target in [(charlie, shared), (alice, shared), (bob, ended), (bob, pending)]:
        r = send(client, "post", f"{URL}/{target.pk}/note", bearer(user), {"text": "hi"})
        assert r.status_code == 404, (user.username, target.pk)
    assert _snapshot() == before


# --- The person who shares ---------------------------------------------------------------

OWNER_FIELDS = {
    "id",
    "name",
    "email",
    "weekly_email",
    "status",
    "partner_username",
    "shares",
    "alerts",
    "reachable",
    "link_expires_at",
    "last_look_at",
    "created_at",
    "accepted_at",
    "revoked_at",
}


def test_the_list_shows_each_of_mine_with_its_status(
    client: Client, alice: User, bob: User, charlie: User, django_assert_max_num_queries: Any
) -> None:
    linked = partnership(alice, bob, shares=["sleep", "mood"])
    actions.record_look(linked)
    waiting = partnership(alice, None, name="Jo", email="jo@example.org", weekly_email=True)
    invite, _ = actions.do_make_invite(waiting)
    ended = partnership(alice, charlie, name="Old friend")
    actions.do_revoke(ended)
    partnership(bob, alice)  # bob shares with alice: not hers to manage
    for n in range(10):
        actions.record_look(partnership(alice, None, name=f"extra {n}"))
    auth = bearer(alice, "read")
    with django_assert_max_num_queries(4):
        r = send(client, "get", f"{OWNER_URL}?page_size=100", auth)
    assert r.status_code == 200
    out = r.json()
    assert out["count"] == 13
    by_id = {p["id"]: p for p in out["items"]}
    assert all(set(p) == OWNER_FIELDS for p in out["items"])
    assert by_id[linked.pk] | {"created_at": None, "accepted_at": None} == {
        "id": linked.pk,
        "name": "Sam",
        "email": "",
        "weekly_email": False,
        "status": "accepted",
        "partner_username": "bob",
        "shares": ["mood", "sleep"],
        "alerts": {"no_checkin_days": None, "low_mood_days": None, "consent_at": None},
        "reachable": True,
        "link_expires_at": None,
        "last_look_at": "2025-06-11T12:00:00Z",
        "created_at": None,
        "accepted_at": None,
        "revoked_at": None,
    }
    assert by_id[waiting.pk]["status"] == "invited"
    assert by_id[waiting.pk]["reachable"] is True  # the weekly email
    assert by_id[waiting.pk]["link_expires_at"] == "2025-06-18T12:00:00Z"
    assert invite.expires_at == datetime(2025, 6, 18, 12, tzinfo=UTC)
    assert (by_id[ended.pk]["status"], by_id[ended.pk]["revoked_at"]) == (
        "revoked",
        "2025-06-11T12:00:00Z",
    )
    assert by_id[ended.pk]["partner_username"] == "charlie"
    assert send(client, "get", OWNER_URL, bearer(bob, "read")).json()["count"] == 1


def test_a_partner_who_deleted_their_account_leaves_it_waiting_again(
    client: Client, alice: User, bob: User
) -> None:
    mine = partnership(alice, bob, shares=["mood"])
    bob.delete()
    r = send(client, "get", f"{OWNER_URL}/{mine.pk}", bearer(alice, "read"))
    out = r.json()
    assert (out["status"], out["partner_username"], out["reachable"]) == ("invited", None, False)
    # And a new link can be made for someone else.
    assert send(client, "post", f"{OWNER_URL}/{mine.pk}/invite", bearer(alice)).status_code == 201


def test_adding_a_partner_shares_nothing_yet(client: Client, alice: User) -> None:
    body = {"name": " Jo ", "email": "jo@example.org", "weekly_email": True}
    r = send(client, "post", OWNER_URL, bearer(alice), body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["name"], out["email"], out["weekly_email"], out["status"]) == (
        "Jo",
        "jo@example.org",
        True,
        "invited",
    )
    assert out["shares"] == [] and out["alerts"]["consent_at"] is None
    made = Partnership.objects.get(pk=out["id"])
    assert (made.owner, made.shares, made.partner) == (alice, [], None)
    # Only a name is needed.
    r = send(client, "post", OWNER_URL, bearer(alice), {"name": "Sam"})
    assert r.status_code == 201
    assert (r.json()["email"], r.json()["weekly_email"]) == ("", False)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"name": "   "}, "name", "A name, please, so you know who this is."),
        ({"name": "n" * 101}, "name", "at most 100 characters"),
        ({"name": "a\x00b"}, "name", "Null characters are not allowed."),
        ({"name": "Jo", "email": "nope"}, "email", "That doesn't look like an email address."),
        ({"name": "Jo", "email": "j@" + "o" * 260}, "email", "at most 254 characters"),
        (
            {"name": "Jo", "weekly_email": True},
            "email",
            "Add their email so the weekly summary has somewhere to go.",
        ),
        ({"name": "Jo", "weekly_email": "yes"}, "weekly_email", "valid boolean"),
        ({"name": "Jo", "shares": ["mood"]}, "shares", "Extra inputs"),
        ({"email": "jo@example.org"}, "name", "Field required"),
    ],
)
def test_adding_with_what_the_page_would_refuse_is_a_422(
    client: Client, alice: User, body: dict[str, Any], field: str, words: str
) -> None:
    before = _snapshot()
    r = send(client, "post", OWNER_URL, bearer(alice), body)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "invalid"
    assert has_error(r, field, words), r.json()
    assert _snapshot() == before


def test_patch_changes_only_what_is_sent(client: Client, alice: User) -> None:
    mine = partnership(alice, None, name="Jo", email="jo@example.org", weekly_email=True)
    auth = bearer(alice)
    r = send(client, "patch", f"{OWNER_URL}/{mine.pk}", auth, {"name": "Joanna"})
    assert r.status_code == 200, r.content
    mine.refresh_from_db()
    assert (mine.name, mine.email, mine.weekly_email) == ("Joanna", "jo@example.org", True)
    before = _snapshot()
    r = send(client, "patch", f"{OWNER_URL}/{mine.pk}", auth, {"email": ""})
    assert r.status_code == 422
    assert has_error(r, "email", "Add their email so the weekly summary has somewhere to go.")
    r = send(client, "patch", f"{OWNER_URL}/{mine.pk}", auth, {"name": None})
    assert r.status_code == 422 and has_error(r, "name", "can't be null")
    assert _snapshot() == before
    r = send(client, "patch", f"{OWNER_URL}/{mine.pk}", auth, {"email": "", "weekly_email": False})
    assert r.status_code == 200
    assert (r.json()["email"], r.json()["weekly_email"], r.json()["reachable"]) == (
        "",
        False,
        False,
    )


def test_shares_replace_the_whole_list_and_the_partner_sees_it_at_once(
    client: Client, alice: User, bob: User
) -> None:
    mine = partnership(alice, bob, shares=["goals"])
    auth = bearer(alice)
    url = f"{OWNER_URL}/{mine.pk}/shares"
    r = send(client, "put", url, auth, {"shares": ["sleep", "mood", "sleep"]})
    assert r.status_code == 200, r.content
    assert r.json()["shares"] == ["mood", "sleep"]
    mine.refresh_from_db()
    assert mine.shares == ["mood", "sleep"]
    assert _get(client, f"{URL}/{mine.pk}", bob)[1]["items"] == ["mood", "sleep"]  # type: ignore[call-overload]
    assert send(client, "put", url, auth, {"shares": []}).json()["shares"] == []
    before = _snapshot()
    r = send(client, "put", url, auth, {"shares": ["mood", "notes"]})
    assert r.status_code == 422 and has_error(r, "shares", "Input should be")
    assert send(client, "put", url, auth, {}).status_code == 422
    assert _snapshot() == before


def test_alerts_need_consent_which_is_recorded(client: Client, alice: User, bob: User) -> None:
    mine = partnership(alice, bob)
    auth = bearer(alice)
    url = f"{OWNER_URL}/{mine.pk}/alerts"
    before = _snapshot()
    r = send(client, "put", url, auth, {"no_checkin_days": 3})
    assert r.status_code == 422
    assert has_error(
        r, "consent", "Please tick that you agree, or leave both alerts off. Nothing was changed."
    )
    assert _snapshot() == before
    r = send(client, "put", url, auth, {"no_checkin_days": 3, "low_mood_days": 2, "consent": True})
    assert r.status_code == 200, r.content
    assert r.json()["alerts"] == {
        "no_checkin_days": 3,
        "low_mood_days": 2,
        "consent_at": "2025-06-11T12:00:00Z",
    }
    mine.refresh_from_db()
    assert (mine.alert_no_checkin_days, mine.alert_low_mood_days, mine.alert_consent_at) == (
        3,
        2,
        NOW,
    )
    assert Reminder.objects.filter(owner=alice, kind="partner_alert", ref_id=mine.pk).exists()
    # Off: both null, with or without consent; the consent goes too.
    r = send(client, "put", url, auth, {"no_checkin_days": None, "low_mood_days": None})
    assert r.status_code == 200
    assert r.json()["alerts"] == {
        "no_checkin_days": None,
        "low_mood_days": None,
        "consent_at": None,
    }


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"no_checkin_days": 1}, "no_checkin_days", "Between 2 and 14 days, please."),
        ({"no_checkin_days": 15}, "no_checkin_days", "Between 2 and 14 days, please."),
        ({"low_mood_days": 8}, "low_mood_days", "Between 2 and 7 days, please."),
        ({"low_mood_days": "3"}, "low_mood_days", "valid integer"),
        ({"no_checkin_days": 3, "consent": "yes"}, "consent", "valid boolean"),
        ({"no_checkin_days": 3, "partner": 2}, "partner", "Extra inputs"),
    ],
)
def test_alerts_the_page_would_refuse_are_a_422(
    client: Client, alice: User, bob: User, body: dict[str, Any], field: str, words: str
) -> None:
    mine = partnership(alice, bob)
    before = _snapshot()
    r = send(
        client,
        "put",
        f"{OWNER_URL}/{mine.pk}/alerts",
        bearer(alice),
        {"consent": True, **body},
    )
    assert r.status_code == 422, r.content
    assert has_error(r, field, words), r.json()
    assert _snapshot() == before


def test_an_invitation_link_is_shown_once_and_replaces_the_last(
    client: Client, alice: User, bob: User
) -> None:
    mine = partnership(alice, None, name="Bob")
    auth = bearer(alice)
    url = f"{OWNER_URL}/{mine.pk}/invite"
    first = send(client, "post", url, auth)
    assert first.status_code == 201, first.content
    assert first.json()["expires_at"] == "2025-06-18T12:00:00Z"
    link = first.json()["link"]
    assert link.startswith("http://testserver/partners/accept/")
    second = send(client, "post", url, auth).json()["link"]
    old_code, new_code = link.rstrip("/").rsplit("/", 1)[1], second.rstrip("/").rsplit("/", 1)[1]
    assert PartnerInvite.objects.usable(old_code) is None
    invite = PartnerInvite.objects.usable(new_code)
    assert invite is not None and invite.partnership_id == mine.pk
    assert all(new_code not in str(row) for row in PartnerInvite.objects.values())  # hashed
    actions.do_accept_invite(invite, bob)
    r = send(client, "get", f"{OWNER_URL}/{mine.pk}", auth)
    assert (r.json()["status"], r.json()["partner_username"]) == ("accepted", "bob")
    before = _snapshot()
    r = send(client, "post", url, auth)
    assert r.status_code == 409
    assert (r.json()["code"], r.json()["message"]) == ("linked", "Bob is already linked.")
    assert _snapshot() == before


def test_revoking_ends_everything_at_once_and_again_changes_nothing(
    client: Client, alice: User, bob: User
) -> None:
    mine = partnership(alice, bob, shares=ShareItem.values)
    actions.do_set_alerts(mine, 3, None)
    auth = bearer(alice)
    assert _get(client, f"{URL}/{mine.pk}", bob)[0] == 200
    r = send(client, "post", f"{OWNER_URL}/{mine.pk}/revoke", auth)
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["status"], out["revoked_at"], out["alerts"]["consent_at"]) == (
        "revoked",
        "2025-06-11T12:00:00Z",
        None,
    )
    assert _get(client, f"{URL}/{mine.pk}", bob)[0] == 404
    assert not Reminder.objects.filter(owner=alice, kind="partner_alert", next_at__isnull=False)
    before = _snapshot()
    assert send(client, "post", f"{OWNER_URL}/{mine.pk}/revoke", auth).status_code == 200
    # An ended partnership can be read, not changed.
    assert send(client, "get", f"{OWNER_URL}/{mine.pk}", auth).json()["status"] == "revoked"
    for method, url, body in [
        ("patch", f"{OWNER_URL}/{mine.pk}", {"name": "Again"}),
        ("put", f"{OWNER_URL}/{mine.pk}/shares", {"shares": ["mood"]}),
        ("put", f"{OWNER_URL}/{mine.pk}/alerts", {"no_checkin_days": 3, "consent": True}),
        ("post", f"{OWNER_URL}/{mine.pk}/invite", None),
    ]:
        r = send(client, method, url, auth, body)
        assert r.status_code == 409, (method, url)
        assert r.json()["code"] == "ended"
    assert _snapshot() == before


def test_the_look_log_is_newest_first_and_paginated(
    client: Client, alice: User, bob: User, clock: Any
) -> None:
    mine = partnership(alice, bob, shares=["mood"])
    other = partnership(alice, None)
    for hours in (0, 5, 2):
        clock.move_to(NOW.replace(hour=hours))
        actions.record_look(mine)
    actions.record_look(other)
    r = send(client, "get", f"{OWNER_URL}/{mine.pk}/looks?page_size=2", bearer(alice, "read"))
    assert r.status_code == 200
    assert r.json() == {
        "items": [{"at": "2025-06-11T05:00:00Z"}, {"at": "2025-06-11T02:00:00Z"}],
        "count": 3,
    }


def test_someone_elses_partnership_is_a_404_even_for_their_partner(
    client: Client, alice: User, bob: User, charlie: User
) -> None:
    mine = partnership(alice, bob, shares=["mood"])
    before = _snapshot()
    for user in (bob, charlie):
        auth = bearer(user)
        for method, url, body in [
            ("get", f"{OWNER_URL}/{mine.pk}", None),
            ("patch", f"{OWNER_URL}/{mine.pk}", {"name": "Mine now"}),
            ("put", f"{OWNER_URL}/{mine.pk}/shares", {"shares": ShareItem.values}),
            ("put", f"{OWNER_URL}/{mine.pk}/alerts", {"no_checkin_days": 3, "consent": True}),
            ("post", f"{OWNER_URL}/{mine.pk}/invite", None),
            ("post", f"{OWNER_URL}/{mine.pk}/revoke", None),
            ("get", f"{OWNER_URL}/{mine.pk}/looks", None),
        ]:
            r = send(client, method, url, auth, body)
            assert r.status_code == 404, (user.username, method, url)
            assert r.json()["code"] == "not_found"
    assert _snapshot()[:4] == before[:4]
    assert send(client, "get", f"{OWNER_URL}/{2**64}", bearer(alice, "read")).status_code == 422


def test_read_only_tokens_change_nothing(client: Client, alice: User, bob: User) -> None:
    mine = partnership(alice, bob, shares=["mood"])
    theirs = partnership(bob, alice, shares=["mood"])
    auth = bearer(alice, "read")
    assert send(client, "get", OWNER_URL, auth).status_code == 200
    assert send(client, "get", f"{OWNER_URL}/{mine.pk}/looks", auth).status_code == 200
    before = _snapshot()
    for method, url, body in [
        ("post", OWNER_URL, {"name": "Jo"}),
        ("patch", f"{OWNER_URL}/{mine.pk}", {"name": "x"}),
        ("put", f"{OWNER_URL}/{mine.pk}/shares", {"shares": []}),
        ("put", f"{OWNER_URL}/{mine.pk}/alerts", {"no_checkin_days": None}),
        ("post", f"{OWNER_URL}/{mine.pk}/invite", None),
        ("post", f"{OWNER_URL}/{mine.pk}/revoke", None),
        ("post", f"{URL}/{theirs.pk}/note", {"text": "hi"}),
    ]:
        r = send(client, method, url, auth, body)
        assert r.status_code == 403, (method, url)
        assert r.json()["code"] == "forbidden"
    assert _snapshot() == before


def test_the_openapi_schema_describes_the_partner_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    one = f"{OWNER_URL}/{{id}}"
    expected = {
        ("get", URL): {"200", "401"},
        ("get", f"{URL}/{{id}}"): {"200", "401", "404", "422"},
        ("post", f"{URL}/{{id}}/note"): {"201", "400", "401", "403", "404", "422", "429"},
        ("get", OWNER_URL): {"200", "401", "422"},
        ("post", OWNER_URL): {"201", "400", "401", "403", "422"},
        ("get", one): {"200", "401", "404", "422"},
        ("patch", one): {"200", "400", "401", "403", "404", "409", "422"},
        ("put", f"{one}/shares"): {"200", "400", "401", "403", "404", "409", "422"},
        ("put", f"{one}/alerts"): {"200", "400", "401", "403", "404", "409", "422"},
        ("post", f"{one}/invite"): {"201", "401", "403", "404", "409", "422"},
        ("post", f"{one}/revoke"): {"200", "401", "403", "404", "422"},
        ("get", f"{one}/looks"): {"200", "401", "404", "422"},
    }
    listed = {(m, p) for p in paths if p.startswith(OWNER_URL) for m in paths[p]}
    assert listed == set(expected)
    assert_documented(paths, expected)
    parts = schema["components"]["schemas"]
    assert parts["PartnershipOut"]["properties"]["status"]["enum"] == [
        "invited",
        "accepted",
        "revoked",
    ]
    days = parts["AlertsIn"]["properties"]["no_checkin_days"]["anyOf"][0]
    assert (days["type"], days["minimum"], days["maximum"]) == ("integer", 2, 14)
