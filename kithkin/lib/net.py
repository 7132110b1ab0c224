from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address a request came from, for login throttling.

    Behind a reverse proxy every request arrives from the proxy, so with
    KITHKIN_BEHIND_PROXY=true we take the last X-Forwarded-For entry: the one our
    own proxy appended. Earlier entries are whatever the client claimed.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", ""))
