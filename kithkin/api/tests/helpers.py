"""What the API tests share: a real token's header, a JSON request, the rows of
some tables (to check nothing was written), the words of a 422, what the OpenAPI
schema says of an operation, and a plan to work on."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Model
from django.test import Client

from kithkin.accounts.models import ApiToken, User


def bearer(user: User, scope: str = "write") -> dict[str, str]:
    """The header of a new token of `user`'s with that scope ("read" or "write")."""
    _, plain = ApiToken.objects.create_token(user, "t", scope=scope)
    return {"Authorization": f"Bearer {plain}"}


def send(client: Client, method: str, url: str, auth: dict[str, str], body: Any = None) -> Any:
    """A request with the token header; `body`, when given, goes as JSON."""
    if body is None:
        return getattr(client, method)(url, headers=auth)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=auth
    )


def rows(*models: type[Model]) -> list[list[dict[str, Any]]]:
    """Every row of each model, in id order: equal before and after means nothing changed."""
    return [list(model._default_manager.order_by("pk").values()) for model in models]


def error_messages(response: Any) -> list[str]:
    """The messages of an error's details, in order."""
    return [d["msg"] for d in response.json()["details"]]


def has_error(response: Any, field: str, words: str) -> bool:
    """Whether a detail about `field` (anywhere in its `loc`) says `words`."""
    return any(
        field in [str(p) for p in d["loc"]] and words in d["msg"]
        for d in response.json()["details"]
    )


# Answers the whole API may add to any operation: an unreadable or too large body, the
# rate limit.
ANY_OPERATION = {"400", "413", "429"}


def assert_documented(
    paths: dict[str, Any],
    expected: dict[tuple[str, str], set[str]],
    *,
    tag: str | None = None,
    nothing_else: bool = False,
) -> None:
    """Each operation, (method, path), in the OpenAPI schema's `paths` documents at least
    these answers, every error as an ErrorOut, and needs a token; with `nothing_else`, no
    other answers but those any operation may add; with `tag`, it is listed under it."""
    for (method, path), codes in expected.items():
        operation = paths[path][method]
        documented = set(operation["responses"])
        assert codes <= documented, (method, path)
        if nothing_else:
            assert documented - codes <= ANY_OPERATION, (method, path)
        if tag is not None:
            assert operation["tags"] == [tag], (method, path)
        assert operation["security"] == [{"TokenAuth": []}], (method, path)
        for code in codes - {"200", "201", "204"}:
            content = operation["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"}, (
                method,
                path,
                code,
            )
