from __future__ import annotations

import pytest
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import bearer
from kithkin.circle.models import Interaction, Ring
from kithkin.circle.tests.factories import contact, person
from kithkin.today.models import Suggestion

pytestmark = pytest.mark.django_db


def _drifting(owner: User, name: str) -> None:
    contact(owner, [person(owner, name, Ring.CLOSE)], days_ago=40)


def test_it_gives_suggestions_for_an_energy(client: Client, alice: User) -> None:
    _drifting(alice, "Sam Lee")
    r = client.get("/api/v1/today?energy=some&limit=2", headers=bearer(alice))
    assert r.status_code == 200
    body = r.json()
    assert body["energy"] == "some"
    assert 1 <= len(body["suggestions"]) <= 2
    first = body["suggestions"][0]
    assert set(first) == {
        "id",
        "person_id",
        "idea",
        "effort",
        "channel",
        "title",
        "reason",
        "draft",
        "outcome",
    }
    assert "been about a month" in first["reason"]
    # Asking again gives the same suggestions back.
    again = client.get("/api/v1/today?energy=some&limit=2", headers=bearer(alice)).json()
    assert [s["id"] for s in again["suggestions"]] == [s["id"] for s in body["suggestions"]]


def test_without_an_energy_it_asks_for_one(client: Client, alice: User) -> None:
    r = client.get("/api/v1/today", headers=bearer(alice))
    assert r.status_code == 422
    assert "energy" in r.json()["message"]
    assert client.get("/api/v1/today?energy=lots", headers=bearer(alice)).status_code == 422
    assert client.get("/api/v1/today?energy=low&limit=9", headers=bearer(alice)).status_code == 422


def test_done_logs_an_interaction_with_the_ideas_channel(client: Client, alice: User) -> None:
    _drifting(alice, "Sam Lee")
    auth = bearer(alice)
    first = client.get("/api/v1/today?energy=good", headers=auth).json()["suggestions"][0]
    r = client.post(
        f"/api/v1/suggestions/{first['id']}/respond",
        {"outcome": "done", "feeling_after": "lifted"},
        content_type="application/json",
        headers=auth,
    )
    assert r.status_code == 200
    body = r.json()
    logged = Interaction.objects.get(pk=body["interaction_id"])
    assert logged.channel == first["channel"] and logged.feeling_after == "lifted"
    assert body["suggestion"]["outcome"] == "done"
    again = client.post(
        f"/api/v1/suggestions/{first['id']}/respond",
        {"outcome": "done"},
        content_type="application/json",
        headers=auth,
    )
    assert again.status_code == 422
    assert Interaction.objects.count() == 2  # the setup contact and this one


def test_another_returns_a_replacement(client: Client, alice: User) -> None:
    for name in ("Sam", "Ana", "Jo", "Kim", "Lee"):
        _drifting(alice, name)
    auth = bearer(alice)
    first = client.get("/api/v1/today?energy=some&limit=1", headers=auth).json()["suggestions"][0]
    body = client.post(
        f"/api/v1/suggestions/{first['id']}/respond",
        {"outcome": "another"},
        content_type="application/json",
        headers=auth,
    ).json()
    assert body["replacement"] is not None
    assert body["replacement"]["id"] != first["id"]


def test_charlie_cannot_answer_alices_suggestion(
    client: Client, alice: User, charlie: User
) -> None:
    _drifting(alice, "Sam")
    s = client.get("/api/v1/today?energy=some", headers=bearer(alice)).json()["suggestions"][0]
    r = client.post(
        f"/api/v1/suggestions/{s['id']}/respond",
        {"outcome": "done"},
        content_type="application/json",
        headers=bearer(charlie),
    )
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert not Suggestion.objects.exclude(outcome="").exists()


def test_a_read_only_token_cannot_answer(client: Client, alice: User) -> None:
    _drifting(alice, "Sam")
    s = client.get("/api/v1/today?energy=some", headers=bearer(alice)).json()["suggestions"][0]
    r = client.post(
        f"/api/v1/suggestions/{s['id']}/respond",
        {"outcome": "done"},
        content_type="application/json",
        headers=bearer(alice, "read"),
    )
    assert r.status_code == 403


def test_asking_again_after_answering_everything_makes_nothing_new(
    client: Client, alice: User
) -> None:
    for name in ("Sam", "Ana", "Jo"):
        _drifting(alice, name)
    auth = bearer(alice)
    for s in client.get("/api/v1/today?energy=some", headers=auth).json()["suggestions"]:
        client.post(
            f"/api/v1/suggestions/{s['id']}/respond",
            {"outcome": "not_today"},
            content_type="application/json",
            headers=auth,
        )
    count = Suggestion.objects.count()
    body = client.get("/api/v1/today?energy=some", headers=auth).json()
    assert body["suggestions"] == []
    assert Suggestion.objects.count() == count


def test_a_read_only_token_can_read_but_not_make_suggestions(client: Client, alice: User) -> None:
    _drifting(alice, "Sam")
    r = client.get("/api/v1/today?energy=low", headers=bearer(alice, "read"))
    assert r.status_code == 403
    assert not Suggestion.objects.exists()
    client.get("/api/v1/today?energy=low", headers=bearer(alice))
    r = client.get("/api/v1/today", headers=bearer(alice, "read"))
    assert r.status_code == 200 and r.json()["suggestions"]


def test_unknown_fields_and_space_without_a_person_are_refused(client: Client, alice: User) -> None:
    auth = bearer(alice)
    s = client.get("/api/v1/today?energy=low", headers=auth).json()["suggestions"][0]
    assert s["person_id"] is None
    r = client.post(
        f"/api/v1/suggestions/{s['id']}/respond",
        {"outcome": "done", "extra": 1},
        content_type="application/json",
        headers=auth,
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/suggestions/{s['id']}/respond",
        {"outcome": "give_space"},
        content_type="application/json",
        headers=auth,
    )
    assert r.status_code == 422
