"""`trusted` in the people API: read, set on create, changed by PATCH, strictly typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import bearer, send
from kithkin.circle.models import Person
from kithkin.circle.tests.factories import person

pytestmark = pytest.mark.django_db


def test_people_come_with_the_flag(client: Client, alice: User) -> None:
    jo = person(alice, "Jo", trusted=True)
    person(alice, "Lee")
    auth = bearer(alice, "read")
    items = client.get("/api/v1/people", headers=auth).json()["items"]
    assert {p["name"]: p["trusted"] for p in items} == {"Jo": True, "Lee": False}
    assert client.get(f"/api/v1/people/{jo.pk}", headers=auth).json()["trusted"] is True


def test_it_can_be_set_when_adding_someone_and_is_false_by_default(
    client: Client, alice: User
) -> None:
    auth = bearer(alice)
    r = send(client, "post", "/api/v1/people", auth, {"name": "Jo", "trusted": True})
    assert r.status_code == 201 and r.json()["trusted"] is True
    assert Person.objects.get(pk=r.json()["id"]).trusted is True
    r = send(client, "post", "/api/v1/people", auth, {"name": "Lee"})
    assert r.json()["trusted"] is False


def test_patch_changes_only_the_flag(client: Client, alice: User) -> None:
    jo = person(alice, "Jo", notes="Met at choir.")
    auth = bearer(alice)
    r = send(client, "patch", f"/api/v1/people/{jo.pk}", auth, {"trusted": True})
    assert r.status_code == 200 and r.json()["trusted"] is True
    jo.refresh_from_db()
    assert jo.trusted and jo.notes == "Met at choir."
    r = send(client, "patch", f"/api/v1/people/{jo.pk}", auth, {"notes": "Choir, Tuesdays."})
    assert r.json()["trusted"] is True  # left out: kept
    r = send(client, "patch", f"/api/v1/people/{jo.pk}", auth, {"trusted": False})
    jo.refresh_from_db()
    assert not jo.trusted


@pytest.mark.parametrize("value", ["yes", 1, "true", None])
def test_odd_values_are_refused_and_change_nothing(client: Client, alice: User, value: Any) -> None:
    jo = person(alice, "Jo")
    auth = bearer(alice)
    r = send(client, "patch", f"/api/v1/people/{jo.pk}", auth, {"trusted": value})
    assert r.status_code == 422
    r = send(client, "post", "/api/v1/people", auth, {"name": "Lee", "trusted": value})
    assert r.status_code == 422
    jo.refresh_from_db()
    assert not jo.trusted
    assert not Person.objects.filter(name="Lee").exists()


def test_read_only_tokens_and_other_people_cant_change_it(
    client: Client, alice: User, bob: User
) -> None:
    jo = person(alice, "Jo")
    url = f"/api/v1/people/{jo.pk}"
    assert send(client, "patch", url, bearer(alice, "read"), {"trusted": True}).status_code == 403
    assert send(client, "patch", url, bearer(bob), {"trusted": True}).status_code == 404
    jo.refresh_from_db()
    assert not jo.trusted
