from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from kithkin.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """HttpRequest as django-htmx's middleware leaves it, for type checking."""

    htmx: HtmxDetails


def request_owner(request: HttpRequest) -> User:
    """The signed-in person (or the API token's owner): the owner every query of a
    view is scoped to. Only called behind login_required or token auth."""
    return cast("User", request.user)
