"""The JSON API at /api/v1. Every endpoint is owner-scoped through the token.

What every operation shares lives here: the token check and rate limit, one error
shape for everything that can go wrong, and the parts of the OpenAPI schema that
no router should have to repeat.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from inspect import iscoroutinefunction
from typing import Any, cast

from django.conf import settings as django_settings
from django.core import signals
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema

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
from kithkin.api.auth import TokenAuth, TokenThrottle, TooManyFailedTokens
from kithkin.api.schemas import ErrorOut

View = Callable[..., HttpResponseBase]
logger = logging.getLogger("django.request")

READS = {"get", "head", "options"}
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

# What each error status means in this API; added to every operation it can
# happen to, so a new router gets them without listing them.
ERRORS = {
    400: "The body isn't valid JSON (`invalid_json`).",
    401: "No valid token: send `Authorization: Bearer <token>` (`unauthorized`).",
    403: "A read-only token asked to change something (`forbidden`).",
    404: "Not found among yours: someone else's looks the same as none (`not_found`).",
    413: "The body is larger than the server accepts (`too_large`).",
    422: "Some fields need another look; `details` names each one (`invalid`).",
    429: "Too many for now (`rate_limited`, or a limit the operation names); "
    "`Retry-After` says how many seconds to wait.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


def _per(rate: str | None) -> str:
    if rate is None:
        return "no limit (switched off on this server)"
    count, period = rate.split("/")
    unit = {"s": "second", "m": "minute", "h": "hour", "d": "day"}[period[0]]
    return f"{count} requests {'an' if unit == 'hour' else 'a'} {unit}"


def _megabytes() -> str:
    """The largest body the server reads, e.g. "2.5" (Django's default)."""
    size = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def describe() -> str:
    """The API's own page in the docs: tokens, errors, lists and limits."""
    return f"""\
Everything you can do in Kithkin's pages, for your own scripts. Every answer is about
the account the token belongs to; someone else's things are never there (asking for
one by id is a 404, the same as for something that doesn't exist).

## Tokens

Make a personal access token in **Settings** (or with `kithkin token USERNAME`) and send
it with every request:

    Authorization: Bearer kk_...

A token is shown once, when it's made; Kithkin keeps only a hash of it. A *read-only*
token can read everything but change nothing. Revoke a token in Settings at any time.

## Errors

Every error is a JSON object, `{{"code": ..., "message": ..., "details": [...]}}`:
`message` is written for people, `code` for scripts, and `details` (when there) lists
the fields that need another look, each with its `loc` and `msg`.

| Status | `code` | When |
| --- | --- | --- |
| 400 | `invalid_json` | The body isn't valid JSON. |
| 400 | `bad_request` | The server couldn't read the request (for example, far too many fields). |
| 401 | `unauthorized` | No token, or one that is unknown or revoked. |
| 403 | `forbidden` | A read-only token asked to change something. |
| 404 | `not_found` | Nothing with that id among yours, or no such address. |
| 405 | `method_not_allowed` | Not a method this address answers (see `Allow`). |
| 409 | `conflict`, or one the operation names | The change clashes with what's stored. |
| 413 | `too_large` | The body is over {_megabytes()} MB. |
| 422 | `invalid` | Some fields need another look (see `details`). |
| 429 | `rate_limited` | Too many requests for now; wait the seconds in `Retry-After`. |
| 500 | `server_error` | Something broke on the server. |

## Lists

Lists come a page at a time, as `{{"items": [...], "count": N}}`, where `count` is how
many there are in all. Ask for more with `?page=2`; `page_size` is 1 to 100
({django_settings.NINJA_PAGINATION_PER_PAGE} unless you say). A few short lists come
whole: the ready-made goals, the people who share with you, and a plan's times within
the window you ask for.

## Rate limits

Each token can make {_per(django_settings.API_RATE)}. Requests without a valid token
are limited to {_per(django_settings.API_FAILED_AUTH_RATE)} from one address. Past the
limit the answer is a 429 with `Retry-After` (in seconds); nothing is lost by waiting.

## Dates and times

Times carry a time zone offset (`2026-05-01T09:30:00+01:00`); days are `YYYY-MM-DD` in
your own time zone, as set in Settings.
"""


class KithkinAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and not iscoroutinefunction(pattern.callback):
                pattern.callback = _with_json_405(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["info"]["description"] = describe()
        schema["components"]["schemas"].setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                _document_errors(path, method, operation)
        return schema


def _document_errors(path: str, method: str, operation: dict[str, Any]) -> None:
    """Every error an operation can answer with, documented with ErrorOut."""
    guarded = bool(operation.get("security"))
    has_body = "requestBody" in operation
    can = {
        400: has_body,
        401: guarded,
        403: guarded and method not in READS,
        404: "{" in path,
        413: has_body,
        422: has_body or bool(operation.get("parameters")),
        429: guarded,
    }
    # ninja keys responses by int status.
    responses: dict[int, Any] = operation["responses"]
    for status, applies in can.items():
        documented = responses.get(status)
        if documented is None and not applies:
            continue
        if documented is None:
            documented = responses[status] = {
                "description": ERRORS[status],
                "content": {"application/json": {"schema": ERROR_REF}},
            }
        elif documented.get("description") == HTTPStatus(status).phrase:
            documented["description"] = ERRORS[status]
        if status == 429:
            documented.setdefault("headers", RETRY_AFTER)
    operation["responses"] = dict(sorted(responses.items()))


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
    throttle=TokenThrottle(),
    urls_namespace="api",
    # The docs page loads nothing from elsewhere, not even the validator badge.
    docs=Swagger(settings={"validatorUrl": None}),
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
    details = [_plain(e) for e in exc.errors]
    return error(request, 422, "invalid", "Some fields need another look.", details=details)


VALUE_ERROR_PREFIX = "Value error, "


def _plain(detail: dict) -> dict:
    """Kithkin's own validators' words as they were written: pydantic puts
    "Value error, " in front of them."""
    msg = detail.get("msg")
    if detail.get("type") == "value_error" and isinstance(msg, str):
        return {**detail, "msg": msg.removeprefix(VALUE_ERROR_PREFIX)}
    return detail


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same answer whether it doesn't exist or belongs to someone else.
    return error(request, 404, "not_found", "There's nothing here with that id.")


def _seconds(n: int) -> str:
    return "a second" if n == 1 else f"{n} seconds"


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    seconds = max(1, math.ceil(exc.wait or 1))
    if isinstance(exc, TooManyFailedTokens):
        message = (
            "There have been quite a few tries without a valid token from here. "
            f"Please wait {_seconds(seconds)}, then try again with a token from Settings."
        )
    else:
        message = (
            "That's a lot of requests in a short while, so this token is taking a breather. "
            f"Please try again in {_seconds(seconds)}."
        )
    response = error(request, 429, "rate_limited", message)
    response["Retry-After"] = str(seconds)
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja's own "Cannot parse request body": say what's wrong and where.
        return error(
            request, 400, "invalid_json", f"The request body isn't valid JSON ({exc.__cause__})."
        )
    return error(request, exc.status_code, status_code(exc.status_code), str(exc))


CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


def status_code(status: int) -> str:
    """The error code for an HTTP status a view raised without naming one."""
    if status in CODES:
        return CODES[status]
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "error"
    return phrase.lower().replace(" ", "_").replace("-", "_")  # "Gone" -> "gone"


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error(
        request,
        413,
        "too_large",
        f"That request is larger than this server takes ({_megabytes()} MB). "
        "Please send it in smaller parts.",
    )


@api.exception_handler(SuspiciousOperation)
def on_bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
    return error(request, 400, "bad_request", "The server couldn't make sense of that request.")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", str(exc) or "That isn't something this token can do.")


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged and signalled like Django's own 500 (the test client re-raises it);
    # the answer says nothing about the code.
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    signals.got_request_exception.send(sender=None, request=request)
    return error(
        request,
        500,
        "server_error",
        "Something went wrong on the server; the details are in its log. "
        "Please try again in a little while.",
    )


@api.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The account this token belongs to")
def me(request: HttpRequest) -> User:
    return cast(User, request.user)
