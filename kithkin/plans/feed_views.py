"""The calendar feed: a secret address calendar apps subscribe to, and one-off .ics files."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from kithkin.accounts.decorators import onboarded_required
from kithkin.lib.http import request_owner as _owner
from kithkin.plans import ical
from kithkin.plans.models import CalendarFeed, new_feed_token
from kithkin.plans.views import _get_plan_for_user

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar apps poll; a short private cache spares repeat fetches without
# holding back a new plan for long (shared caches must not keep a personal feed).
CACHE_CONTROL = "private, max-age=900"
# last_fetched_at is written at most this often: it answers "is my calendar app
# subscribed?", which doesn't need a write on every poll.
FETCH_NOTED_EVERY = timedelta(hours=1)


def _feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))


@onboarded_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    feed = CalendarFeed.objects.filter(owner=owner).first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "make" and feed is None:
            CalendarFeed.objects.get_or_create(owner=owner)
            messages.success(request, _("Your calendar address is ready."))
        elif action == "make":
            messages.info(request, _("You already have a calendar address. Here it is."))
        elif action == "renew" and feed is not None:
            # The old token stops matching the moment this is saved.
            feed.token = new_feed_token()
            feed.created_at = timezone.now()
            feed.last_fetched_at = None
            feed.save(update_fields=["token", "created_at", "last_fetched_at"])
            messages.success(
                request,
                _(
                    "Here's a new address. The old one has stopped working; "
                    "subscribe again with this one."
                ),
            )
        elif action == "off" and feed is not None:
            feed.delete()
            messages.success(
                request,
                _("Your calendar address is turned off. Calendar apps can't read it any more."),
            )
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("plans_calendar")
    ctx: dict[str, object] = {"feed": feed}
    if feed is not None:
        url = _feed_url(request, feed)
        ctx["feed_url"] = url
        ctx["webcal_url"] = "webcal://" + url.split("://", 1)[1]
    return render(request, "plans/calendar.html", ctx)


# GET and HEAD: some calendar apps check a subscription with HEAD first.
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no sign-in, the secret address is the key."""
    found = (
        CalendarFeed.objects.select_related("owner")
        .filter(token=token, owner__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    owner = found.owner
    now = timezone.now()
    if found.last_fetched_at is None or found.last_fetched_at < now - FETCH_NOTED_EVERY:
        CalendarFeed.objects.filter(pk=found.pk).update(last_fetched_at=now)
    with translation.override(owner.locale):
        body = ical.calendar_bytes(ical.feed_entries(owner, now), _("Kithkin plans"), now)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Cache-Control"] = CACHE_CONTROL
    return response


@onboarded_required
@require_GET
def plan_ics(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, guest_ok=True)
    now = timezone.now()
    body = ical.calendar_bytes(ical.plan_entries(plan, _owner(request)), plan.title, now)
    name = (slugify(plan.title)[:60].strip("-") or "plan") + ".ics"
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "private, no-store"
    return response
