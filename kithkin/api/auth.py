"""Who is calling /api/v1, and how often.

Tokens: bearer personal access tokens; read-only tokens may only read.

Rate limits: django-ninja's own sliding-window throttle (ninja.throttling), with
its count kept in the "api" cache (shared by every worker on this machine, see
CACHES in settings) and its rate read from settings at each request. Each token
has API_RATE; requests without a valid token are counted per client address
against the stricter API_FAILED_AUTH_RATE, so a script with a revoked token or
someone guessing slows down without holding up anyone else behind that address.
"""

from __future__ import annotations

import math
import threading
from typing import Any, cast

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils.connection import ConnectionProxy
from ninja.errors import AuthorizationError, Throttled
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from kithkin.accounts.models import ApiToken
from kithkin.lib.net import client_ip

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class _ThreadState:
    """One attribute of a throttle kept per thread.

    ninja keeps the request in hand on the throttle object (its cache key, that
    key's history and the time), but one object serves every request, and gunicorn
    runs several threads: without this, one thread could store its history under
    another's key.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return getattr(obj._local, self.name, None)

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(obj._local, self.name, value)


class _Throttle(SimpleRateThrottle):
    setting: str
    cache = cast(BaseCache, ConnectionProxy(caches, "api"))
    key = _ThreadState()
    history = _ThreadState()
    now = _ThreadState()

    def __init__(self) -> None:
        self._local = threading.local()
        super().__init__(rate=self.configured() or "1/s")

    def configured(self) -> str | None:
        # Read each time, so a changed setting (or a test's override) applies at once.
        return getattr(settings, self.setting)

    def allow_request(self, request: HttpRequest) -> bool:
        rate = self.configured()
        if rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)

    def retry_after(self) -> int:
        """Whole seconds until the next request can go through (at least one)."""
        wait = self.wait()
        return max(1, math.ceil(wait if wait is not None else self.duration or 60))


class TokenThrottle(_Throttle):
    """API_RATE requests per token."""

    scope = "token"
    setting = "API_RATE"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class FailedAuthThrottle(_Throttle):
    """API_FAILED_AUTH_RATE requests without a valid token, per client address."""

    scope = "failed-auth"
    setting = "API_FAILED_AUTH_RATE"

    def get_ident(self, request: HttpRequest) -> str:
        # Not ninja's X-Forwarded-For reading, which a client could choose freely.
        return client_ip(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TooManyFailedTokens(Throttled):
    """A 429 for requests without a valid token."""


FAILED_AUTH = FailedAuthThrottle()


class TokenAuth(HttpBearer):
    """Bearer personal access tokens; read-only tokens may only read."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        found = super().__call__(request)
        if found is None and not FAILED_AUTH.allow_request(request):
            raise TooManyFailedTokens(wait=FAILED_AUTH.retry_after())
        return found

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
