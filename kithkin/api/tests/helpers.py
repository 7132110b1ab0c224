"""What the API tests share: a real token's header, a JSON request, the rows of
some tables (to check nothing was written), and the words of a 422."""

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
