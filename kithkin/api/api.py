"""The JSON API at /api/v1. Every endpoint is owner-scoped through the token."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kithkin.accounts.models import User
from kithkin.api.auth import TokenAuth

api = NinjaAPI(
    title="Kithkin API",
    version="1",
    description="Personal access tokens come from Settings or `kithkin token USERNAME`.",
    auth=TokenAuth(),
    urls_namespace="api",
)


class ErrorOut(Schema):
    code: str
    message: str
    details: list[dict] | None = None


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


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {404: "not_found", 403: "forbidden", 429: "rate_limited"}.get(exc.status_code, "error")
    return error(request, exc.status_code, code, str(exc))


@api.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The account this token belongs to")
def me(request: HttpRequest) -> User:
    return cast(User, request.user)
