from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kithkin.support import helplines

# The colours of static/img/kithkin.svg.
THEME_COLOUR = "#2f5d50"
BACKGROUND_COLOUR = "#e3efe9"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("today")
    return render(request, "front/index.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "front/privacy.html")


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: what a phone needs to install Kithkin like an app."""
    name = settings.SITE_NAME or "Kithkin"
    data: dict[str, Any] = {
        "id": "/",
        "name": name,
        "short_name": name,
        "description": _("Small steps to stay close to the people who matter to you."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": reverse("index"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when a page can't be reached. It is fetched without
    cookies and kept on the device, so it holds nothing about anyone."""
    data = helplines.load()
    return render(request, "front/offline.html", {"fallback_emergency": data.fallback_emergency})


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"code": "not_found", "message": "There is nothing here."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        message = "Something went wrong on the server. Nothing you sent was half-saved."
        return JsonResponse({"code": "server_error", "message": message}, status=500)
    # Rendered without the request: context processors might be what broke.
    return HttpResponseServerError(loader.render_to_string("500.html"))
