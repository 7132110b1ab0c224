"""/api/v1/tokens: personal access tokens listed, made and revoked, as in Settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import ApiToken, User, hash_secret
from kithkin.api.tests.helpers import assert_documented, send

pytestmark = pytest.mark.django_db

URL = "/api/v1/tokens"
FIELDS = {"id", "name", "prefix", "scope", "created_at", "last_used_at", "current"}


def _token(user: User, scope: str = "write", name: str = "t") -> tuple[ApiToken, dict[str, str]]:
    token, plain = ApiToken.objects.create_token(user, name, scope=scope)
    return token, {"Authorization": f"Bearer {plain}"}


def _snapshot() -> list[Any]:
    # Without "last used": using a token records that, whatever the call does.
    fields = [f.name for f in ApiToken._meta.concrete_fields if f.name != "last_used_at"]
    return list(ApiToken.objects.order_by("pk").values(*fields))


def test_list_shows_each_token_without_its_secret(
    client: Client, alice: User, bob: User, django_assert_max_num_queries: Any
) -> None:
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False):
        old, _ = ApiToken.objects.create_token(alice, "Backup script", "read")
    me, auth = _token(alice)
    ApiToken.objects.create_token(bob, "Bob's")
    for n in range(20):
        ApiToken.objects.create_token(alice, f"spare {n}")
    with django_assert_max_num_queries(4):
        r = send(client, "get", f"{URL}?page_size=100", auth)
    assert r.status_code == 200
    out = r.json()
    assert out["count"] == 22
    assert all(set(t) == FIELDS for t in out["items"])
    assert '"token"' not in r.content.decode()
    assert old.token_hash not in r.content.decode()
    listed = {t["id"]: t for t in out["items"]}
    assert listed[old.pk] == {
        "id": old.pk,
        "name": "Backup script",
        "prefix": old.prefix,
        "scope": "read",
        "created_at": "2026-05-01T09:00:00Z",
        "last_used_at": None,
        "current": False,
    }
    assert listed[me.pk]["current"] is True
    assert listed[me.pk]["last_used_at"] is not None  # this very call
    assert out["items"][-1]["id"] == old.pk  # newest first


def test_create_returns_the_token_once_and_keeps_only_its_hash(client: Client, alice: User) -> None:
    _, auth = _token(alice)
    r = send(client, "post", URL, auth, {"name": "  Phone shortcut ", "scope": "read"})
    assert r.status_code == 201, r.content
    out = r.json()
    assert set(out) == FIELDS | {"token"}
    plain = out["token"]
    made = ApiToken.objects.get(pk=out["id"])
    assert (made.owner, made.name, made.scope) == (alice, "Phone shortcut", "read")
    assert made.token_hash == hash_secret(plain) and plain.startswith(made.prefix)
    assert out["current"] is False and out["last_used_at"] is None
    # It works, and the list never shows it again.
    new_auth = {"Authorization": f"Bearer {plain}"}
    assert send(client, "get", "/api/v1/me", new_auth).status_code == 200
    assert plain not in send(client, "get", URL, auth).content.decode()


def test_the_scope_defaults_to_read_and_write(client: Client, alice: User) -> None:
    _, auth = _token(alice)
    r = send(client, "post", URL, auth, {"name": "Script"})
    assert r.status_code == 201
    assert r.json()["scope"] == "write"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"name": ""}, "name", "at least 1 character"),
        ({"name": "   "}, "name", "at least 1 character"),
        ({"name": "n" * 101}, "name", "at most 100 characters"),
        ({"name": "a\x00b"}, "name", "Null characters are not allowed."),
        ({"name": "caf\ud800"}, "name", "valid string"),
        ({"name": "x", "scope": "admin"}, "scope", "'read' or 'write'"),
        ({"name": 7}, "name", "valid string"),
        ({"scope": "read"}, "name", "Field required"),
        ({"name": "x", "owner": 2}, "owner", "Extra inputs"),
    ],
)
def test_bad_input_is_a_422_and_nothing_is_made(
    client: Client, alice: User, body: dict[str, Any], field: str, words: str
) -> None:
    _, auth = _token(alice)
    before = _snapshot()
    r = send(client, "post", URL, auth, body)
    assert r.status_code == 422, r.content
    out = r.json()
    assert out["code"] == "invalid"
    assert any(d["loc"][-1] == field and words in d["msg"] for d in out["details"]), out
    assert _snapshot() == before


def test_revoke_stops_a_token_at_once(client: Client, alice: User) -> None:
    _, auth = _token(alice)
    other, other_auth = _token(alice, name="old")
    assert send(client, "get", "/api/v1/me", other_auth).status_code == 200
    r = send(client, "delete", f"{URL}/{other.pk}", auth)
    assert r.status_code == 204
    assert send(client, "get", "/api/v1/me", other_auth).status_code == 401
    assert not ApiToken.objects.filter(pk=other.pk).exists()


def test_a_token_may_revoke_itself_and_is_refused_from_the_next_call(
    client: Client, alice: User
) -> None:
    me, auth = _token(alice)
    assert send(client, "delete", f"{URL}/{me.pk}", auth).status_code == 204
    assert send(client, "get", URL, auth).status_code == 401
    assert not ApiToken.objects.exists()


def test_someone_elses_token_is_a_404_and_stays(client: Client, alice: User, bob: User) -> None:
    theirs, their_auth = _token(bob)
    _, auth = _token(alice)
    before = _snapshot()
    r = send(client, "delete", f"{URL}/{theirs.pk}", auth)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert send(client, "delete", f"{URL}/999999", auth).status_code == 404
    assert _snapshot() == before
    assert send(client, "get", "/api/v1/me", their_auth).status_code == 200


def test_read_only_tokens_can_list_but_not_make_or_revoke(client: Client, alice: User) -> None:
    me, auth = _token(alice, scope="read")
    assert send(client, "get", URL, auth).status_code == 200
    before = _snapshot()
    for method, url, body in [
        ("post", URL, {"name": "A write token please", "scope": "write"}),
        ("delete", f"{URL}/{me.pk}", None),
    ]:
        r = send(client, method, url, auth, body)
        assert r.status_code == 403, (method, url)
        assert r.json()["code"] == "forbidden"
    assert _snapshot() == before


def test_it_needs_a_token(client: Client) -> None:
    assert client.get(URL).status_code == 401
    r = client.post(URL, {"name": "x"}, content_type="application/json")
    assert r.status_code == 401


def test_a_huge_id_is_a_422_not_an_overflow(client: Client, alice: User) -> None:
    _, auth = _token(alice)
    assert send(client, "delete", f"{URL}/{2**64}", auth).status_code == 422


def test_the_openapi_schema_describes_the_token_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        ("get", URL): {"200", "401", "422"},
        ("post", URL): {"201", "400", "401", "403", "422"},
        ("delete", f"{URL}/{{id}}"): {"204", "401", "403", "404", "422"},
    }
    assert {(m, p) for p in (URL, f"{URL}/{{id}}") for m in paths[p]} == set(expected)
    assert_documented(paths, expected)
    created = paths[URL]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/TokenCreatedOut"}
