from __future__ import annotations

from itertools import groupby
from typing import cast

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kithkin.accounts.decorators import onboarded_required
from kithkin.accounts.models import User
from kithkin.circle.models import Person, Ring


def _get_person_for_user(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(Person, pk=pk, owner=cast(User, request.user))


@onboarded_required
def people(request: HttpRequest) -> HttpResponse:
    everyone = (
        Person.objects.filter(owner=cast(User, request.user), archived_at__isnull=True)
        .annotate(last_contact=Max("interactions__happened_at"))
        .order_by("ring", "name")
    )
    rings = [
        (Ring(ring).label, list(members))
        for ring, members in groupby(everyone, key=lambda p: p.ring)
    ]
    return render(request, "circle/people.html", {"rings": rings})


@onboarded_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    someone = _get_person_for_user(request, pk)
    timeline = someone.interactions.filter(owner=someone.owner).prefetch_related("people")[:50]
    return render(request, "circle/person.html", {"person": someone, "timeline": timeline})
