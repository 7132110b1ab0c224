"""The API's documentation: a complete OpenAPI schema and the interactive page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from kithkin.accounts.models import ApiToken, User
from kithkin.conftest import screenshot

READS = {"get", "head", "options"}


@pytest.fixture
def openapi(client: Client) -> dict[str, Any]:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.json()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def _error_schema(response: dict[str, Any]) -> dict[str, Any]:
    return response["content"]["application/json"]["schema"]


def test_every_operation_documents_the_errors_it_can_answer_with(
    openapi: dict[str, Any],
) -> None:
    error_out = {"$ref": "#/components/schemas/ErrorOut"}
    operations = _operations(openapi)
    assert len(operations) > 50
    for path, method, operation in operations:
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        expected = {"401", "429"}
        if method not in READS:
            expected.add("403")
        if "requestBody" in operation:
            expected |= {"400", "413", "422"}
        if operation.get("parameters"):
            expected.add("422")
        if "{" in path:
            expected.add("404")
        assert expected <= set(responses), where
        for status in expected:
            assert _error_schema(responses[status]) == error_out, (where, status)
            assert responses[status]["description"], (where, status)
        assert responses["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer", where
        assert operation["security"] == [{"TokenAuth": []}], where
        # In order, for people reading the docs.
        assert list(responses) == sorted(responses), where


def test_the_error_object_is_described(openapi: dict[str, Any]) -> None:
    error_out = openapi["components"]["schemas"]["ErrorOut"]
    assert set(error_out["required"]) == {"code", "message"}
    assert set(error_out["properties"]) == {"code", "message", "details"}


def test_the_description_explains_tokens_errors_lists_and_limits(
    openapi: dict[str, Any], settings: Any
) -> None:
    description = openapi["info"]["description"]
    for heading in ("## Tokens", "## Errors", "## Lists", "## Rate limits"):
        assert heading in description
    assert "Authorization: Bearer" in description
    assert '{"items": [...], "count": N}' in description
    assert "`Retry-After`" in description
    # The limits this server has, not a copy that could drift.
    assert "300 requests a minute" in description
    assert "30 requests a minute" in description
    settings.API_RATE = "1000/hour"
    settings.API_FAILED_AUTH_RATE = None
    description = Client().get("/api/v1/openapi.json").json()["info"]["description"]
    assert "1000 requests a hour" not in description
    assert "1000 requests an hour" in description
    assert "no limit" in description


# Lists that come whole rather than a page at a time: each is short by nature.
WHOLE_LISTS = {
    "/api/v1/goals/presets",  # the handful of ready-made goals
    "/api/v1/partners/shared",  # the few people who share with you
    "/api/v1/plans/{id}/occurrences",  # bounded by its own from/to window
}


def test_every_list_comes_a_page_at_a_time(openapi: dict[str, Any]) -> None:
    parts = openapi["components"]["schemas"]

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = parts[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    paged = set()
    for path, method, operation in _operations(openapi):
        ok = operation["responses"].get("200", {}).get("content", {}).get("application/json")
        if method != "get" or ok is None:
            continue
        body = resolve(ok["schema"])
        if body.get("type") == "array":
            assert path in WHOLE_LISTS, f"GET {path} returns a list without pages"
        elif set(body.get("properties", {})) == {"items", "count"}:
            paged.add(path)
            assert {p["name"] for p in operation["parameters"]} >= {"page", "page_size"}
    assert {"/api/v1/people", "/api/v1/interactions", "/api/v1/checkins"} <= paged


def test_the_docs_page_loads_only_kithkins_own_files(client: Client) -> None:
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    # No validator badge fetched from elsewhere.
    assert '"validatorUrl": null' in html
    # Served under the same policy as every page: no inline script or style.
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


# --- In a real browser (`make test-browser`) -------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_page_works_under_the_content_security_policy(page, client: Client) -> None:
    # The page fixture fails the test on any console error (a CSP violation shows
    # up there) and on any request to another origin.
    from kithkin.conftest import make_user

    operations = len(_operations(client.get("/api/v1/openapi.json").json()))
    user: User = make_user("dana")
    _, plain = ApiToken.objects.create_token(user, "docs")

    page.goto(page.base + "/api/v1/docs")
    page.get_by_role("heading", name=re.compile("Kithkin API")).wait_for()
    assert page.locator(".opblock").count() == operations
    assert page.get_by_role("heading", name="Rate limits").is_visible()
    screenshot(page, "api-docs")

    # Trying an operation from the page works too: the token, then GET /me.
    page.locator("button.authorize").first.click()
    page.locator("#auth-bearer-value").fill(plain)
    page.get_by_role("button", name="Apply credentials").click()
    page.locator(".modal-ux").get_by_role("button", name="Close", exact=True).click()
    me = page.locator("#operations-default-kithkin_api_api_me")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    live = me.locator(".live-responses-table tbody .response-col_status").first
    live.wait_for()
    assert live.inner_text().strip() == "200"
    assert '"username": "dana"' in me.locator(".live-responses-table").inner_text()
    assert all(url.startswith(page.base) for url in page.watch.requests)


def test_patterns_are_written_for_json_schema_not_python(openapi: dict[str, Any]) -> None:
    # JSON Schema patterns are ECMAScript regular expressions: Python's named
    # groups and \A or \Z anchors mean something else, or nothing, to other tools.
    patterns = re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', json.dumps(openapi))
    assert patterns
    for pattern in patterns:
        assert not re.search(r"\(\?P[<=]|\\\\[AZ]", pattern), pattern
