from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from kithkin.accounts.models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """Bearer personal access tokens; read-only tokens may only read."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.objects.for_plaintext(token)
        if found is None:
            return None
        if found.scope == ApiToken.Scope.READ and request.method not in SAFE_METHODS:
            raise AuthorizationError(
                message="This token can only read. "
                "Make a read-and-write token in Settings to change things."
            )
        found.touch()
        request.user = found.owner
        return found
