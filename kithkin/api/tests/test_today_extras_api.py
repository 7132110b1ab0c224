"""What hangs off Today in the API: energy, the words' tone, waiting for a reply,
messages for tough days, ideas, and partners' notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import assert_documented, bearer, error_messages, rows, send
from kithkin.circle.models import Initiator, Interaction, Ring
from kithkin.circle.tests.factories import contact, person
from kithkin.partners.models import PartnerNote, Partnership
from kithkin.today import drafts
from kithkin.today.models import DayEnergy, HiddenIdea, Idea, SavedMessage, Suggestion

pytestmark = pytest.mark.django_db


def _snapshot() -> list[Any]:
    own_ideas = Idea.objects.filter(owner__isnull=False).order_by("pk").values()
    return [
        *rows(DayEnergy, Suggestion, SavedMessage, HiddenIdea, PartnerNote, Interaction),
        list(own_ideas),
    ]


def _drifting(owner: User, name: str) -> None:
    contact(owner, [person(owner, name, Ring.CLOSE)], days_ago=40)


# --- Energy -------------------------------------------------------------------------------


def test_saying_the_energy_makes_fresh_suggestions_like_the_page(
    client: Client, alice: User
) -> None:
    for name in ("Sam", "Ana", "Jo", "Kim", "Lee", "Max"):
        _drifting(alice, name)
    auth = bearer(alice)
    r = send(client, "put", "/api/v1/today/energy", auth, {"energy": "some"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["energy"] == "some" and 1 <= len(body["suggestions"]) <= 3
    assert DayEnergy.objects.get(owner=alice).energy == "some"
    first = body["suggestions"][0]
    done = send(
        client, "post", f"/api/v1/suggestions/{first['id']}/respond", auth, {"outcome": "done"}
    )
    assert done.status_code == 200
    # Again: the answered one stays, the open ones make way, nothing is offered twice.
    again = send(client, "put", "/api/v1/today/energy", auth, {"energy": "some", "limit": 2})
    assert again.status_code == 200
    shown_before = {s["id"] for s in body["suggestions"]}
    assert not shown_before & {s["id"] for s in again.json()["suggestions"]}
    assert len(again.json()["suggestions"]) <= 2
    assert Suggestion.objects.get(pk=first["id"]).outcome == "done"
    pairs = list(Suggestion.objects.filter(owner=alice).values_list("person_id", "idea_id"))
    assert len(pairs) == len(set(pairs))
    # GET gives the same open ones back.
    listed = client.get("/api/v1/today", headers=auth).json()
    assert listed == again.json()


@pytest.mark.parametrize(
    "body",
    [
        {"energy": "lots"},
        {},
        {"energy": "low", "limit": 4},
        {"energy": "low", "limit": "2"},
        {"energy": "low", "extra": True},
    ],
)
def test_a_bad_energy_is_a_422_and_nothing_is_written(
    client: Client, alice: User, body: dict[str, Any]
) -> None:
    before = _snapshot()
    r = send(client, "put", "/api/v1/today/energy", bearer(alice), body)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "invalid"
    assert _snapshot() == before


def test_a_read_only_token_cannot_say_the_energy(client: Client, alice: User) -> None:
    r = send(client, "put", "/api/v1/today/energy", bearer(alice, "read"), {"energy": "low"})
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert not DayEnergy.objects.exists() and not Suggestion.objects.exists()


# --- The words' tone -----------------------------------------------------------------------


def _suggestion(owner: User, situation: str | None = "check_in") -> Suggestion:
    ideas = Idea.objects.filter(owner__isnull=True, target="person")
    idea = (
        ideas.filter(situation=situation).first()
        if situation
        else ideas.filter(situation="").first()
    )
    assert idea is not None
    sam = person(owner, "Sam Lee")
    return Suggestion.objects.create(
        owner=owner,
        day=timezone.localdate(),
        energy="some",
        person=sam,
        idea=idea,
        draft="Thinking of you" if situation else "",
    )


def test_the_words_come_again_in_another_tone(client: Client, alice: User) -> None:
    s = _suggestion(alice)
    r = send(client, "post", f"/api/v1/suggestions/{s.pk}/tone", bearer(alice), {"tone": "brief"})
    assert r.status_code == 200, r.content
    s.refresh_from_db()
    assert r.json()["id"] == s.pk and r.json()["draft"] == s.draft
    assert s.draft != "Thinking of you"
    assert s.draft == drafts.draft("check_in", tone="brief", name="Sam", seed=s.pk)


def test_tone_needs_words_and_a_known_tone_and_writes_nothing_else(
    client: Client, alice: User, charlie: User
) -> None:
    with_words = _suggestion(alice)
    without = _suggestion(alice, situation=None)
    auth = bearer(alice)
    before = _snapshot()
    r = send(client, "post", f"/api/v1/suggestions/{without.pk}/tone", auth, {"tone": "warm"})
    assert r.status_code == 422
    assert error_messages(r) == ["This suggestion has no words to send, so it has no tone."]
    for body in ({"tone": "shouty"}, {}, {"tone": "warm", "x": 1}):
        url = f"/api/v1/suggestions/{with_words.pk}/tone"
        assert send(client, "post", url, auth, body).status_code == 422, body
    url = f"/api/v1/suggestions/{with_words.pk}/tone"
    r = send(client, "post", url, bearer(charlie), {"tone": "warm"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert send(client, "post", url, bearer(alice, "read"), {"tone": "warm"}).status_code == 403
    assert _snapshot() == before


# --- Waiting for a reply ------------------------------------------------------------------


def test_waiting_lists_what_i_sent_with_no_answer_since(
    client: Client, alice: User, charlie: User
) -> None:
    sam, kim, jo = person(alice, "Sam"), person(alice, "Kim"), person(alice, "Jo")
    waiting = contact(alice, [sam, jo], days_ago=3, awaiting_reply=True)
    answered = contact(alice, [kim], days_ago=5, awaiting_reply=True)
    contact(alice, [kim], days_ago=4, initiated_by=Initiator.THEM)
    # Jo answered before the message, which doesn't count as an answer to it.
    contact(alice, [jo], days_ago=6, initiated_by=Initiator.THEM)
    contact(alice, [sam], days_ago=1)  # not marked as waiting
    gone = contact(alice, [sam], days_ago=2, awaiting_reply=True)
    gone.deleted_at = timezone.now()
    gone.save()
    contact(charlie, [person(charlie, "Zed")], days_ago=1, awaiting_reply=True)
    r = client.get("/api/v1/today/waiting", headers=bearer(alice))
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert body["items"] == [
        {
            "interaction_id": waiting.pk,
            "person_id": p.pk,
            "person": p.name,
            "channel": "text",
            "happened_at": body["items"][i]["happened_at"],
        }
        for i, p in enumerate(sorted([sam, jo], key=lambda p: p.pk))
    ]
    assert answered.pk not in {i["interaction_id"] for i in body["items"]}
    assert client.get("/api/v1/today/waiting", headers=bearer(charlie)).json()["count"] == 1


def test_not_waiting_any_more_keeps_the_contact_without_the_flag(
    client: Client, alice: User, charlie: User
) -> None:
    sam = person(alice, "Sam")
    sent = contact(alice, [sam], days_ago=3, awaiting_reply=True)
    theirs = contact(alice, [sam], days_ago=9, initiated_by=Initiator.THEM, awaiting_reply=True)
    before = _snapshot()
    url = f"/api/v1/today/waiting/{sent.pk}/done"
    for r in (
        send(client, "post", url, bearer(charlie)),
        send(client, "post", f"/api/v1/today/waiting/{theirs.pk}/done", bearer(alice)),
        send(client, "post", "/api/v1/today/waiting/99999/done", bearer(alice)),
    ):
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert send(client, "post", url, bearer(alice, "read")).status_code == 403
    assert _snapshot() == before
    r = send(client, "post", url, bearer(alice))
    assert r.status_code == 204 and r.content == b""
    sent.refresh_from_db()
    assert sent.awaiting_reply is False and sent.deleted_at is None
    assert client.get("/api/v1/today/waiting", headers=bearer(alice)).json()["count"] == 0


def test_the_waiting_list_takes_the_same_few_queries_however_long(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    people = [person(alice, f"Friend {n}") for n in range(5)]
    for n in range(30):
        contact(alice, [people[n % 5]], days_ago=n / 10, awaiting_reply=True)
    auth = bearer(alice)
    # The token, recording its use, the count and the page.
    with django_assert_max_num_queries(4):
        r = client.get("/api/v1/today/waiting?page_size=100", headers=auth)
    assert r.json()["count"] == 30
    assert r.json()["items"][0]["person"] == "Friend 0"


# --- Messages for tough days --------------------------------------------------------------


def test_saved_messages_are_kept_listed_and_removed(
    client: Client, alice: User, charlie: User
) -> None:
    auth = bearer(alice)
    r = send(
        client,
        "post",
        "/api/v1/saved-messages",
        auth,
        {"label": "  a walk ", "text": "Fancy a slow walk this week?"},
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert set(out) == {"id", "label", "text", "created_at", "links"}
    assert out["label"] == "a walk" and out["text"] == "Fancy a slow walk this week?"
    assert out["links"] == drafts.share_links("Fancy a slow walk this week?")
    assert SavedMessage.objects.get(pk=out["id"]).owner == alice
    send(client, "post", "/api/v1/saved-messages", auth, {"label": "check-in", "text": "Hi"})
    listed = client.get("/api/v1/saved-messages", headers=auth).json()
    assert [m["label"] for m in listed["items"]] == ["a walk", "check-in"]
    assert client.get("/api/v1/saved-messages", headers=bearer(charlie)).json()["count"] == 0
    before = _snapshot()
    url = f"/api/v1/saved-messages/{out['id']}"
    assert send(client, "delete", url, bearer(charlie)).status_code == 404
    assert send(client, "delete", url, bearer(alice, "read")).status_code == 403
    assert _snapshot() == before
    assert send(client, "delete", url, auth).status_code == 204
    assert not SavedMessage.objects.filter(pk=out["id"]).exists()
    assert send(client, "delete", url, auth).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"label": " ", "text": "Hi"}, "label", "at least 1 character"),
        ({"label": "x" * 101, "text": "Hi"}, "label", "at most 100 characters"),
        ({"label": "walk", "text": "  "}, "text", "at least 1 character"),
        ({"label": "walk", "text": "x" * 2001}, "text", "at most 2000 characters"),
        ({"label": "walk", "text": "a\x00b"}, "text", "NUL"),
        ({"label": "walk"}, "text", "Field required"),
        ({"label": "walk", "text": "Hi", "to": "Sam"}, "to", "Extra inputs"),
    ],
)
def test_a_saved_message_needs_a_label_and_words(
    client: Client, alice: User, body: dict[str, Any], field: str, words: str
) -> None:
    before = _snapshot()
    r = send(client, "post", "/api/v1/saved-messages", bearer(alice), body)
    assert r.status_code == 422, r.content
    assert any(field in d["loc"] for d in r.json()["details"]), r.json()
    assert any(words in m for m in error_messages(r)), r.json()
    assert _snapshot() == before
    r = send(client, "post", "/api/v1/saved-messages", bearer(alice, "read"), {"label": "a"})
    assert r.status_code == 403


# --- Ideas ---------------------------------------------------------------------------------------


def test_ideas_are_the_shared_ones_and_your_own_with_what_you_hid(
    client: Client, alice: User, charlie: User
) -> None:
    catalog = Idea.objects.filter(owner__isnull=True).count()
    Idea.objects.create(
        owner=charlie, slug="charlies", title="Charlie's", effort="tiny", energies=["low"],
        target="self", channel="other", kind="own",
    )  # fmt: skip
    auth = bearer(alice)
    listed = client.get("/api/v1/ideas?page_size=100", headers=auth).json()
    assert listed["count"] == catalog
    assert not any(i["own"] or i["hidden"] for i in listed["items"])
    first = listed["items"][0]
    assert set(first) == {
        "id", "slug", "title", "effort", "target", "channel", "energies", "why", "own", "hidden",
    }  # fmt: skip
    r = send(client, "post", f"/api/v1/ideas/{first['id']}/hide", auth)
    assert r.status_code == 200 and r.json() == {**first, "hidden": True}
    # Hiding twice is the same as once.
    assert send(client, "post", f"/api/v1/ideas/{first['id']}/hide", auth).json()["hidden"]
    assert HiddenIdea.objects.filter(owner=alice).count() == 1
    hidden = client.get("/api/v1/ideas?hidden=true", headers=auth).json()
    assert [i["id"] for i in hidden["items"]] == [first["id"]]
    assert client.get("/api/v1/ideas?hidden=false", headers=auth).json()["count"] == catalog - 1
    # Charlie's list is his own.
    assert client.get("/api/v1/ideas?hidden=true", headers=bearer(charlie)).json()["count"] == 0
    r = send(client, "post", f"/api/v1/ideas/{first['id']}/show", auth)
    assert r.status_code == 200 and r.json() == first
    assert send(client, "post", f"/api/v1/ideas/{first['id']}/show", auth).status_code == 200
    assert not HiddenIdea.objects.exists()


def test_a_hidden_idea_leaves_todays_open_suggestions(client: Client, alice: User) -> None:
    auth = bearer(alice)
    shown = send(client, "put", "/api/v1/today/energy", auth, {"energy": "low"}).json()
    first = shown["suggestions"][0]
    idea = Suggestion.objects.get(pk=first["id"]).idea_id
    send(client, "post", f"/api/v1/ideas/{idea}/hide", auth)
    after = client.get("/api/v1/today", headers=auth).json()
    assert first["id"] not in {s["id"] for s in after["suggestions"]}


def test_someone_elses_idea_is_a_404_and_read_only_tokens_cant_hide(
    client: Client, alice: User, charlie: User
) -> None:
    theirs = Idea.objects.create(
        owner=charlie, slug="charlies", title="Charlie's", effort="tiny", energies=["low"],
        target="self", channel="other", kind="own",
    )  # fmt: skip
    shared = Idea.objects.filter(owner__isnull=True).first()
    assert shared is not None
    before = _snapshot()
    for action in ("hide", "show"):
        r = send(client, "post", f"/api/v1/ideas/{theirs.pk}/{action}", bearer(alice))
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        r = send(client, "post", f"/api/v1/ideas/{shared.pk}/{action}", bearer(alice, "read"))
        assert r.status_code == 403
    assert _snapshot() == before


def test_an_idea_of_your_own_goes_into_the_mix(client: Client, alice: User) -> None:
    auth = bearer(alice)
    body = {
        "title": "Water the neighbour's plants",
        "target": "stranger",
        "channel": "in_person",
        "effort": "tiny",
        "energies": ["low", "some", "low"],
        "why": "Small kindnesses open doors.",
    }
    r = send(client, "post", "/api/v1/ideas", auth, body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out == {
        **body,
        "id": out["id"],
        "slug": "water-the-neighbours-plants",
        "energies": ["low", "some"],
        "own": True,
        "hidden": False,
    }
    idea = Idea.objects.get(pk=out["id"])
    assert idea.owner == alice and idea.kind == "own"
    # The same words again get their own slug, as on the page.
    again = send(client, "post", "/api/v1/ideas", auth, body).json()
    assert again["slug"] == "water-the-neighbours-plants-2"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"energies": ["low"], "effort": "small"}, "energies", "only tiny steps"),
        ({"energies": []}, "energies", "at least 1 item"),
        ({"energies": ["lots"]}, "energies", "'low', 'some' or 'good'"),
        ({"title": ""}, "title", "at least 1 character"),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"why": "x" * 301}, "why", "at most 300 characters"),
        ({"channel": "pigeon"}, "channel", "Input should be"),
        ({"target": "everyone"}, "target", "Input should be"),
        ({"slug": "mine"}, "slug", "Extra inputs"),
    ],
)
def test_a_bad_idea_is_a_422_with_the_pages_words_and_nothing_is_written(
    client: Client, alice: User, change: dict[str, Any], field: str, words: str
) -> None:
    body = {"title": "A walk", "target": "self", "channel": "other", "effort": "tiny", **change}
    before = _snapshot()
    r = send(client, "post", "/api/v1/ideas", bearer(alice), body)
    assert r.status_code == 422, r.content
    assert any(field in d["loc"] for d in r.json()["details"]), r.json()
    assert any(words in m for m in error_messages(r)), r.json()
    assert _snapshot() == before


def test_listing_ideas_takes_the_same_few_queries(
    client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    for idea in Idea.objects.filter(owner__isnull=True)[:20]:
        HiddenIdea.objects.create(owner=alice, idea=idea)
    auth = bearer(alice)
    with django_assert_max_num_queries(4):
        r = client.get("/api/v1/ideas?page_size=100", headers=auth)
    assert sum(i["hidden"] for i in r.json()["items"]) == 20


# --- Notes from partners -------------------------------------------------------------------


def _note(owner: User, text: str, name: str = "Ana", **extra: Any) -> PartnerNote:
    partnership = Partnership.objects.create(
        owner=owner, name=name, accepted_at=timezone.now(), **extra
    )
    return PartnerNote.objects.create(owner=owner, partnership=partnership, text=text)


def test_unseen_notes_from_standing_partnerships_are_listed_newest_first(
    client: Client, alice: User, charlie: User
) -> None:
    older = _note(alice, "Thinking of you")
    older.created_at = older.created_at.replace(microsecond=0)
    older.save()
    newer = _note(alice, "Good luck today", name="Sam")
    newer.created_at = older.created_at + timedelta(minutes=5)
    newer.save()
    _note(alice, "From before", revoked_at=timezone.now())
    seen = _note(alice, "Seen already")
    seen.seen_at = timezone.now()
    seen.save()
    _note(charlie, "For Charlie")
    r = client.get("/api/v1/partner-notes", headers=bearer(alice))
    assert r.status_code == 200
    assert r.json() == {
        "count": 2,
        "items": [
            {
                "id": n.pk,
                "partner": n.partnership.name,
                "text": n.text,
                "created_at": n.created_at.isoformat().replace("+00:00", "Z"),
            }
            for n in (newer, older)
        ],
    }


def test_thank_you_got_it_marks_the_note_seen_once(
    client: Client, alice: User, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr("kithkin.today.actions.reschedule", lambda *args: calls.append(args))
    note = _note(alice, "Hello")
    url = f"/api/v1/partner-notes/{note.pk}/seen"
    before = _snapshot()
    # Bob may be the partner who wrote it; it is still Alice's note.
    assert send(client, "post", url, bearer(bob)).status_code == 404
    assert send(client, "post", url, bearer(alice, "read")).status_code == 403
    assert _snapshot() == before and calls == []
    r = send(client, "post", url, bearer(alice))
    assert r.status_code == 204 and r.content == b""
    note.refresh_from_db()
    first_seen = note.seen_at
    assert first_seen is not None
    assert send(client, "post", url, bearer(alice)).status_code == 204
    note.refresh_from_db()
    assert note.seen_at == first_seen
    assert calls == [(alice.pk, "partner_note", note.pk)], "once, for the first time only"
    assert client.get("/api/v1/partner-notes", headers=bearer(alice)).json()["count"] == 0


# --- Schema -----------------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_today_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    read = {"200", "401", "422"}
    write = {"401", "403", "404", "422"}
    expected = {
        "/api/v1/today": {"get": {"200", "401", "403", "422"}},
        "/api/v1/today/energy": {"put": {"200", "400", "401", "403", "422"}},
        "/api/v1/suggestions/{id}/respond": {"post": {"200", *write}},
        "/api/v1/suggestions/{id}/tone": {"post": {"200", "400", *write}},
        "/api/v1/today/waiting": {"get": read},
        "/api/v1/today/waiting/{id}/done": {"post": {"204", *write}},
        "/api/v1/saved-messages": {
            "get": read,
            "post": {"201", "400", "401", "403", "422"},
        },
        "/api/v1/saved-messages/{id}": {"delete": {"204", *write}},
        "/api/v1/ideas": {"get": read, "post": {"201", "400", "401", "403", "422"}},
        "/api/v1/ideas/{id}/hide": {"post": {"200", *write}},
        "/api/v1/ideas/{id}/show": {"post": {"200", *write}},
        "/api/v1/partner-notes": {"get": read},
        "/api/v1/partner-notes/{id}/seen": {"post": {"204", *write}},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == set(methods), path
    operations = {(m, p): codes for p, methods in expected.items() for m, codes in methods.items()}
    assert_documented(paths, operations, tag="today", nothing_else=True)
    # Lists are pages.
    for path in ("/api/v1/today/waiting", "/api/v1/saved-messages", "/api/v1/ideas"):
        params = {p["name"] for p in paths[path]["get"].get("parameters", [])}
        assert {"page", "page_size"} <= params, path
