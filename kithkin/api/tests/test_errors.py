"""Every error the API gives is one JSON shape: {code, message[, details]}."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from kithkin.accounts.models import ApiToken, User
from kithkin.api import people
from kithkin.api.tests.helpers import bearer
from kithkin.circle.models import Person
from kithkin.wellbeing.models import CheckIn

CODE = re.compile(r"[a-z]+(_[a-z]+)*")


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    """The body of an error answer, after checking its shape."""
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) <= {"code", "message", "details"}
    assert body["code"] == code and CODE.fullmatch(body["code"])
    assert body["message"].strip()
    assert "Traceback" not in body["message"]
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("body", ['{"name": "Sam"', "{'name': 'Sam'}", b"\xff\xfe", "name=Sam"])
def test_a_body_that_isnt_json_is_a_400_invalid_json(
    client: Client, alice: User, body: Any
) -> None:
    r = client.post("/api/v1/people", body, content_type="application/json", headers=bearer(alice))
    error = _error(r, 400, "invalid_json")
    assert "isn't valid JSON" in error["message"]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_no_token_is_a_401(client: Client) -> None:
    _error(client.get("/api/v1/people"), 401, "unauthorized")


@pytest.mark.django_db
def test_a_read_only_token_writing_is_a_403(client: Client, alice: User) -> None:
    r = client.post(
        "/api/v1/people",
        {"name": "Sam"},
        content_type="application/json",
        headers=bearer(alice, "read"),
    )
    error = _error(r, 403, "forbidden")
    assert "only read" in error["message"]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_unknown_ids_someone_elses_and_unknown_addresses_are_a_404(
    client: Client, alice: User, bob: User
) -> None:
    bobs = Person.objects.create(owner=bob, name="Bob's friend")
    auth = bearer(alice)
    missing = _error(client.get("/api/v1/people/999999", headers=auth), 404, "not_found")
    # Someone else's is answered exactly like one that doesn't exist.
    assert (
        _error(client.get(f"/api/v1/people/{bobs.pk}", headers=auth), 404, "not_found") == missing
    )
    _error(client.get("/api/v1/no-such-thing", headers=auth), 404, "not_found")
    _error(client.get("/api/v1/people/", headers=auth), 404, "not_found")


@pytest.mark.django_db
def test_a_method_the_address_doesnt_answer_is_a_405_naming_those_it_does(
    client: Client, alice: User
) -> None:
    r = client.put("/api/v1/people", {}, content_type="application/json", headers=bearer(alice))
    error = _error(r, 405, "method_not_allowed")
    assert set(r["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert "GET" in error["message"]


@pytest.mark.django_db
def test_a_clash_with_what_is_stored_is_a_409_with_its_own_code(
    client: Client, alice: User
) -> None:
    CheckIn.objects.create(owner=alice, day=date(2026, 1, 2), mood=2)
    r = client.post(
        "/api/v1/checkins",
        {"date": "2026-01-02", "mood": 4},
        content_type="application/json",
        headers=bearer(alice),
    )
    assert r.status_code == 409
    assert r.json()["code"] == "exists"


@pytest.mark.django_db
def test_a_body_over_the_size_limit_is_a_413(client: Client, alice: User, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    notes = "x" * (3 * 1024 * 1024)
    r = client.post(
        "/api/v1/people",
        {"name": "Sam", "notes": notes},
        content_type="application/json",
        headers=bearer(alice),
    )
    error = _error(r, 413, "too_large")
    assert "2 MB" in error["message"]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_request_django_refuses_to_read_is_a_400(
    client: Client, alice: User, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    query = "&".join(f"f{i}=1" for i in range(10))
    _error(client.get(f"/api/v1/people?{query}", headers=bearer(alice)), 400, "bad_request")


@pytest.mark.django_db
def test_fields_that_need_another_look_are_a_422_naming_each(client: Client, alice: User) -> None:
    r = client.post(
        "/api/v1/people",
        {"name": "", "ring": "closest", "nope": 1},
        content_type="application/json",
        headers=bearer(alice),
    )
    error = _error(r, 422, "invalid")
    where = {tuple(d["loc"]) for d in error["details"]}
    assert {
        ("body", "payload", "name"),
        ("body", "payload", "ring"),
        ("body", "payload", "nope"),
    } <= where
    assert all(d["msg"] for d in error["details"])


@pytest.mark.django_db
def test_a_server_error_is_a_json_500_that_keeps_its_details_in_the_log(
    alice: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(person: Person) -> Person:
        raise RuntimeError("secret detail from deep inside")

    monkeypatch.setattr(people.actions, "do_save_person", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        r = client.post(
            "/api/v1/people",
            {"name": "Sam"},
            content_type="application/json",
            headers=bearer(alice),
        )
    _error(r, 500, "server_error")
    assert b"secret detail" not in r.content
    assert any(
        record.exc_info and "secret detail" in str(record.exc_info[1]) for record in caplog.records
    )
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_the_test_client_still_sees_a_server_errors_exception(
    client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Signalled like Django's own 500, so a bug in a view fails its test loudly.
    def broken(person: Person) -> Person:
        raise RuntimeError("boom")

    monkeypatch.setattr(people.actions, "do_save_person", broken)
    with pytest.raises(RuntimeError, match="boom"):
        client.post(
            "/api/v1/people",
            {"name": "Sam"},
            content_type="application/json",
            headers=bearer(alice),
        )


def test_the_error_codes_are_listed_in_the_schema_description(client: Client) -> None:
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    for code in (
        "invalid_json",
        "bad_request",
        "unauthorized",
        "forbidden",
        "not_found",
        "method_not_allowed",
        "too_large",
        "invalid",
        "rate_limited",
        "server_error",
    ):
        assert f"`{code}`" in description


@pytest.mark.parametrize(
    ("status", "code"),
    [(409, "conflict"), (422, "invalid"), (410, "gone"), (415, "unsupported_media_type")],
)
def test_an_error_a_view_raises_without_a_code_gets_one_from_its_status(
    status: int, code: str
) -> None:
    from kithkin.api.api import status_code

    assert status_code(status) == code


@pytest.mark.django_db
def test_a_view_refusing_with_a_bare_422_still_says_invalid(client: Client, alice: User) -> None:
    # GET /today without ?energy is refused by the view itself (HttpError 422).
    _error(client.get("/api/v1/today", headers=bearer(alice)), 422, "invalid")


@pytest.mark.django_db
def test_a_validators_words_come_without_pydantics_prefix(client: Client) -> None:
    _, plain = ApiToken.objects.create_token(
        User.objects.create_user("erin", password="a quiet morning walk"), "t"
    )
    r = client.post(
        "/api/v1/people",
        {"name": "Sam", "birthday": "1990-02-30"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert r.status_code == 422
    messages = [d["msg"] for d in r.json()["details"]]
    assert "That day doesn't exist in that month." in messages
    assert not any(m.startswith("Value error") for m in messages)
