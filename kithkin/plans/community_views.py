"""Communities to belong to and places where people gather."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kithkin.accounts.decorators import onboarded_required
from kithkin.lib.http import request_owner as _owner
from kithkin.plans import wording
from kithkin.plans.community_forms import CommunityForm, PlaceForm
from kithkin.plans.models import Community, Place
from kithkin.plans.recurrence import RecurrenceError, Series


def _get_community_for_user(request: HttpRequest, pk: int) -> Community:
    return get_object_or_404(Community, pk=pk, owner=_owner(request), archived_at__isnull=True)


def _get_place_for_user(request: HttpRequest, pk: int) -> Place:
    return get_object_or_404(Place, pk=pk, owner=_owner(request), archived_at__isnull=True)


def next_meeting(community: Community, now: datetime) -> datetime | None:
    """When the group next meets (aware, in its own zone), or None."""
    if not community.meets:
        return None
    try:
        return Series.of(community).next_after(now)
    except (RecurrenceError, OverflowError):
        # A rule stored before a stricter check, or a start at the very end of the
        # calendar (saved before the form kept to sensible years): no "next" then.
        return None


def when_words(at: datetime, zone: zoneinfo.ZoneInfo) -> str:
    """ "Tue 6 Jan, 19:00" on the viewer's clock (an online group may meet elsewhere)."""
    local = at.astimezone(zone)
    return _("%(day)s, %(time)s") % {
        "day": formats.date_format(local, "D j M"),
        "time": local.strftime("%H:%M"),
    }


def _schedule_words(community: Community, viewer_zone: str) -> str:
    if not community.meets:
        return _("No regular meetings")
    start = datetime.combine(community.start_date, community.start_time)
    own = community.timezone == viewer_zone
    return wording.describe(community.rrule, start, community.timezone, with_zone=not own)


@onboarded_required
def communities(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    now = timezone.now()
    rows = []
    for c in Community.objects.filter(owner=owner, archived_at__isnull=True):
        at = next_meeting(c, now)
        rows.append({"c": c, "next": when_words(at, owner.zone) if at else ""})
    return render(request, "plans/communities.html", {"rows": rows})


@onboarded_required
@require_http_methods(["GET", "POST"])
def community_new(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    data = request.POST if request.method == "POST" else None
    form = CommunityForm(owner, data)
    if request.method == "POST" and form.is_valid():
        community = Community(owner=owner)
        form.fill(community)
        community.save()
        messages.success(request, _("Added. It's there whenever you feel like going."))
        return redirect("community", community.pk)
    return render(request, "plans/community_form.html", {"form": form})


@onboarded_required
def community(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get_community_for_user(request, pk)
    at = next_meeting(c, timezone.now())
    ctx = {
        "c": c,
        "next": when_words(at, _owner(request).zone) if at else "",
        "schedule": _schedule_words(c, _owner(request).timezone),
    }
    return render(request, "plans/community.html", ctx)


@onboarded_required
@require_http_methods(["GET", "POST"])
def community_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get_community_for_user(request, pk)
    data = request.POST if request.method == "POST" else None
    form = CommunityForm(_owner(request), data, community=c)
    if request.method == "POST" and form.is_valid():
        if form.fill(c):
            # Calendar apps take the new times only with a higher SEQUENCE.
            c.sequence += 1
        c.save()
        messages.success(request, _("Saved."))
        return redirect("community", c.pk)
    return render(request, "plans/community_form.html", {"form": form, "c": c})


@onboarded_required
@require_http_methods(["GET", "POST"])
def community_delete(request: HttpRequest, pk: int) -> HttpResponse:
    c = _get_community_for_user(request, pk)
    if request.method == "POST":
        c.delete()
        messages.success(request, _("Removed."))
        return redirect("communities")
    return render(request, "plans/community_delete.html", {"c": c})


def _address_link(address: str) -> str:
    """The address as a link target when it is a web address, else ""."""
    return address if address.startswith(("https://", "http://")) else ""


@onboarded_required
def places(request: HttpRequest) -> HttpResponse:
    rows = [
        {"p": p, "link": _address_link(p.address)}
        for p in Place.objects.filter(owner=_owner(request), archived_at__isnull=True)
    ]
    return render(request, "plans/places.html", {"rows": rows})


@onboarded_required
@require_http_methods(["GET", "POST"])
def place_new(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    data = request.POST if request.method == "POST" else None
    form = PlaceForm(data, instance=Place(owner=owner))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Added. Somewhere to be, for when you'd like it."))
        return redirect("places")
    return render(request, "plans/place_form.html", {"form": form})


@onboarded_required
@require_http_methods(["GET", "POST"])
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    place = _get_place_for_user(request, pk)
    data = request.POST if request.method == "POST" else None
    form = PlaceForm(data, instance=place)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("places")
    return render(request, "plans/place_form.html", {"form": form, "place": place})


@onboarded_required
@require_http_methods(["GET", "POST"])
def place_delete(request: HttpRequest, pk: int) -> HttpResponse:
    place = _get_place_for_user(request, pk)
    if request.method == "POST":
        place.delete()
        messages.success(request, _("Removed."))
        return redirect("places")
    return render(request, "plans/place_delete.html", {"place": place})
