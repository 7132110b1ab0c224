from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kithkin.support import helplines


@require_GET
def support(request: HttpRequest) -> HttpResponse:
    """The "Need support now?" page. Open to everyone, signed in or not."""
    data = helplines.load()
    chosen = data.by_code(request.GET.get("country", ""))
    user = request.user
    if chosen is None and user.is_authenticated:
        chosen = data.by_code(user.country) or data.guess(user.timezone)
    if chosen is None:
        chosen = data.guess_from_languages(request.headers.get("Accept-Language", ""))
    ctx = {
        "chosen": chosen,
        "countries": data.ordered(chosen),
        "directory": data.directory,
        "fallback_emergency": data.fallback_emergency,
    }
    return render(request, "support/support.html", ctx)
