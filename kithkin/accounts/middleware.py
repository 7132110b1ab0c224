from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


def user_preferences(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Show dates in the person's time zone and pages in their language."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            timezone.activate(user.zone)
            translation.activate(user.locale)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
