from __future__ import annotations

import json

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import ApiToken, User


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
def test_a_token_reaches_its_own_account(client: Client, alice: User) -> None:
    _, plain = ApiToken.objects.create_token(alice, "script")
    r = client.get("/api/v1/me", headers=_bearer(plain))
    assert r.status_code == 200
    assert r.json() == {
        "username": "alice",
        "email": "alice@example.org",
        "timezone": "Europe/London",
        "locale": "en",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("header", [{}, _bearer("kk_not-a-real-token"), _bearer("garbage")])
def test_without_a_valid_token_it_answers_401_with_an_error_object(
    client: Client, alice: User, header: dict[str, str]
) -> None:
    r = client.get("/api/v1/me", headers=header)
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == "unauthorized"
    assert "Bearer" in body["message"]


@pytest.mark.django_db
def test_a_revoked_token_stops_working(client: Client, alice: User) -> None:
    token, plain = ApiToken.objects.create_token(alice, "script")
    token.delete()
    assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 401


@pytest.mark.django_db
def test_an_inactive_account_cannot_use_its_token(client: Client, alice: User) -> None:
    _, plain = ApiToken.objects.create_token(alice, "script")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 401


@pytest.mark.django_db
def test_use_is_recorded_at_most_once_a_minute(client: Client, alice: User) -> None:
    token, plain = ApiToken.objects.create_token(alice, "script")
    with time_machine.travel("2026-11-22 10:00:00Z", tick=False):
        client.get("/api/v1/me", headers=_bearer(plain))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with time_machine.travel("2026-11-22 10:00:30Z", tick=False):
        client.get("/api/v1/me", headers=_bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at == first
    with time_machine.travel("2026-11-22 10:02:00Z", tick=False):
        client.get("/api/v1/me", headers=_bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at > first


@pytest.mark.django_db
def test_the_openapi_schema_is_served(client: Client) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = json.loads(r.content)
    assert "/api/v1/me" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_elsewhere(client: Client) -> None:
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_an_unknown_api_address_answers_with_an_error_object(client: Client) -> None:
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
