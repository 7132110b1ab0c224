from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_GET


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("today")
    return render(request, "front/index.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "front/privacy.html")


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
