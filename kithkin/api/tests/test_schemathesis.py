"""The API against its own OpenAPI schema, with schemathesis.

Every operation in /api/v1/openapi.json is called in-process (WSGI, through all of
Kithkin's middleware) with examples drawn from the schema, valid and invalid, as
an account that has something of everything. Each answer must not be a server
error, must have a documented status code, content type, headers and body, and
invalid input must be refused.

The run is deterministic (a fixed seed, no example database), so a failure comes
back the same on the next run and on the other database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.db.models import Model
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from werkzeug.test import Client as WerkzeugClient

from kithkin.accounts.models import ApiToken, User
from kithkin.api.api import api
from kithkin.circle.actions import do_log_interaction
from kithkin.circle.models import Person
from kithkin.conftest import (
    give_nudge_rows,
    give_partner_rows,
    give_plans_rows,
    give_today_rows,
    give_wellbeing_rows,
)
from kithkin.lib.limits import MAX_ID
from kithkin.partners.models import Partnership, ShareItem
from kithkin.today.models import Suggestion

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260501,
        "generation": {
            # Valid and invalid input: invalid input must be refused with a 4xx.
            "mode": "all",
            "deterministic": True,
            "database": "none",
            # The token is sent by the test; ninja ignores query parameters it
            # doesn't know, as most APIs do.
            "with-security-parameters": False,
            "allow-extra-parameters": False,
        },
        "phases": {
            "stateful": {"enabled": False},
            # Every wrong method gets the same JSON 405 (api.py), so one per path
            # is enough to check it and its Allow header.
            "coverage": {"enabled": True, "unexpected-methods": ["TRACE"]},
        },
        "checks": {
            # Schema-valid isn't always acceptable: a day before 1900, a person
            # id that isn't yours or 3.0 for a whole number (numbers are strict)
            # are refused with a 422 by rules a JSON schema can't state.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)


@pytest.fixture
def dana(db: None) -> User:
    """An account with something of everything, so ids in the examples can hit rows."""
    # No password: hashing one for every operation's test would cost more than the calls.
    user = User.objects.create(
        username="dana",
        email="dana@example.org",
        timezone="Europe/Berlin",
        onboarded_at=timezone.now(),
    )
    people = [
        Person.objects.create(owner=user, name=name, ring=ring)
        for name, ring in (("Sam", 1), ("Ana", 2), ("Lee", 3))
    ]
    for days, person in enumerate(people, start=1):
        when = timezone.now() - timedelta(days=days)
        do_log_interaction(user, [person], channel="call", happened_at=when, awaiting_reply=True)
    give_today_rows(user)
    give_wellbeing_rows(user)
    give_plans_rows(user)
    give_partner_rows(user)
    give_nudge_rows(user)
    # Someone who shares with her, for /partners/shared.
    eli = User.objects.create(username="eli", email="eli@example.org", onboarded_at=timezone.now())
    give_wellbeing_rows(eli)
    Partnership.objects.create(
        owner=eli,
        partner=user,
        name="Dana",
        shares=list(ShareItem.values),
        accepted_at=timezone.now(),
    )
    return user


@pytest.fixture(autouse=True)
def in_the_test_transaction(settings: Any) -> Iterator[None]:
    # Like Django's test client: a request must not close the connection that
    # holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # Checks re-send requests without the token; the stricter limit for those is
    # tested on its own (test_rate_limit.py).
    settings.API_FAILED_AUTH_RATE = None
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# The schema as /api/v1/openapi.json serves it (JSON has string keys), called
# in-process through the whole WSGI stack.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"))), config=CONFIG
)
schema.app = WSGIHandler()


@pytest.fixture
def own_ids() -> dict[str, list[int]]:
    """Ids of the account's rows, by the list they were found in (one test, one operation)."""
    return {}


@schema.parametrize()
@hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_answers_as_documented(
    case: Any, dana: User, own_ids: dict[str, list[int]]
) -> None:
    # A token of its own for each call: revoking it (DELETE /tokens/{id}) then
    # spoils nothing for the next. Reading needs no more than a read-only token;
    # an operation that documents 403 may need more, and gets it.
    scope = "read" if case.method == "GET" and not _may_refuse(case) else "write"
    _, plain = ApiToken.objects.create_token(dana, "schemathesis", scope=scope)
    auth = {"Authorization": f"Bearer {plain}"}
    _aim_at_own_rows(case, auth, own_ids)
    case.call_and_validate(headers=auth)


def _may_refuse(case: Any) -> bool:
    return "403" in case.operation.definition.raw["responses"]


def _aim_at_own_rows(case: Any, auth: dict[str, str], found: dict[str, list[int]]) -> None:
    """Point half the valid ids at rows of the account's own.

    Generated ids rarely exist (on PostgreSQL never: its sequences aren't rolled
    back between tests), so without this a GET, PATCH or DELETE of a real row
    would hardly ever be tried. The rows are found through the list they belong
    to (/people for /people/{id}/...), so new routers are covered too.
    """
    value = (case.path_parameters or {}).get("id")
    if type(value) is not int or not 1 <= value <= MAX_ID or value % 2:
        return
    collection = case.path.split("/{id}")[0]
    if collection not in found:
        found[collection] = _ids_in(collection, auth)
    if found[collection]:
        ids = found[collection]
        case.path_parameters["id"] = ids[value // 2 % len(ids)]


# Rows that no list shows, by the path before their /{id}.
UNLISTED: dict[str, type[Model]] = {"/api/v1/suggestions": Suggestion}


def _ids_in(collection: str, auth: dict[str, str]) -> list[int]:
    if collection in UNLISTED:
        rows = UNLISTED[collection]._default_manager.order_by("pk")
        return list(rows.values_list("pk", flat=True))
    if "get" not in schema.raw_schema["paths"].get(collection, {}):
        return []
    # Not Django's test client: it would connect close_old_connections again.
    client = WerkzeugClient(schema.app)
    body = client.get(collection, query_string="page_size=100", headers=auth).json
    items = body["items"] if isinstance(body, dict) else body or []
    return [item["id"] for item in items if isinstance(item, dict) and "id" in item]
