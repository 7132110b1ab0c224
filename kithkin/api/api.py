"""The JSON API at /api/v1. Every endpoint is owner-scoped through the token."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from inspect import iscoroutinefunction
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kithkin.accounts.models import User
from kithkin.api import (
    checkins,
    communities,
    export,
    goals,
    interactions,
    measures,
    partners,
    people,
    plans,
    settings,
    support,
    today,
)
from kithkin.api.auth import TokenAuth
from kithkin.api.schemas import ErrorOut

View = Callable[..., HttpResponseBase]


class KithkinAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and not iscoroutinefunction(pattern.callback):
                pattern.callback = _with_json_405(pattern.callback)
        return patterns, app_name, namespace


def _with_json_405(view: View) -> View:
    """Answer a wrong method with an error object too.

    Ninja returns its 405 as plain text from inside the path view rather than
    raising, so no exception handler ever sees it.
    """

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error(request, 405, "method_not_allowed", f"This address answers {allowed}.")
            response["Allow"] = allowed
        return response

    return wrapper


api = KithkinAPI(
    title="Kithkin API",
    version="1",
    description="Personal access tokens come from Settings or `kithkin token USERNAME`.",
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/people", people.router)
api.add_router("/plans", plans.router)
api.add_router("/partners", partners.router)
api.add_router("/interactions", interactions.router)
api.add_router("", today.router)
api.add_router("/checkins", checkins.router)
api.add_router("/measures", measures.router)
api.add_router("/goals", goals.router)
api.add_router("", communities.router)  # /communities and /places
api.add_router("/support", support.router)
api.add_router("", settings.router)  # /settings and /tokens
api.add_router("/export", export.router)


class MeOut(Schema):
    username: str
    email: str
    timezone: str
    locale: str


def error(
    request: HttpRequest, status: int, code: str, message: str, **extra: object
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(
        request,
        401,
        "unauthorized",
        "Send a valid personal access token as 'Authorization: Bearer <token>'. "
        "Read-only tokens can only read.",
    )


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error(request, 422, "invalid", "Some fields need another look.", details=exc.errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same answer whether it doesn't exist or belongs to someone else.
    return error(request, 404, "not_found", "There's nothing here with that id.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {404: "not_found", 403: "forbidden", 429: "rate_limited"}.get(exc.status_code, "error")
    return error(request, exc.status_code, code, str(exc))


@api.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The account this token belongs to")
def me(request: HttpRequest) -> User:
    return cast(User, request.user)
