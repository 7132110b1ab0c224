from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

View = Callable[..., HttpResponseBase]


def onboarded_required(view: View) -> View:
    """Log in, then read the privacy welcome, before any personal question is asked."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.onboarded_at is None:  # type: ignore[union-attr]
            return redirect("welcome")
        return view(request, *args, **kwargs)

    return wrapper
