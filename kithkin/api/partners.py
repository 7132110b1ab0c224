"""/api/v1/partners: what people who chose you as their partner share with you.

Only partnerships where the token's owner is the accepted partner, and not
revoked, are reachable; anything else is the same 404 as a missing id. The
data comes from `partners.sharing.shared_summary`, the function the partner's
page uses, so an item the person didn't tick is never read, let alone sent.
"""

# No `from __future__ import annotations`: ninja reads the annotations at runtime.

from datetime import date, datetime
from typing import Any, TypeAlias

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema

from kithkin.api.schemas import ErrorOut, ObjectId
from kithkin.lib.http import request_owner as _owner
from kithkin.partners import actions, sharing
from kithkin.partners.models import Partnership, ShareItem

router = Router(tags=["partners"])
# The field is called `date`; the type goes by another name inside the schemas.
Day: TypeAlias = date


class SharedOut(Schema):
    id: int
    person: str = Field(description="The first name, or else the username, of who shares.")
    items: list[ShareItem] = Field(description="What they chose to share with you.")


class SharedDayOut(Schema):
    date: Day
    mood: str | None = Field(None, description="In words, e.g. “Low”. Only if mood is shared.")
    energy: str | None = None
    sleep_hours: str | None = Field(None, description="Hours slept, e.g. “7.5”.")
    rested: str | None = None
    meaningful: bool | None = None
    connected: str | None = None


class SharedGoalOut(Schema):
    title: str
    rhythm: str
    strength: int = Field(description="The forgiving strength score, 0-100.")
    strength_words: str
    this_period: str


class SharedMeasureOut(Schema):
    kind: str
    label: str
    taken_on: Day
    range: str = Field(description="The result as a range in words, never a diagnosis.")


class SharedPlanOut(Schema):
    title: str
    starts_at: datetime


class SharedDetailOut(SharedOut):
    days: int = Field(description="How many days of check-ins are included.")
    checkins: list[SharedDayOut] | None = None
    goals: list[SharedGoalOut] | None = None
    measures: list[SharedMeasureOut] | None = None
    plans: list[SharedPlanOut] | None = None


def _get_shared_for_user(request: HttpRequest, pk: int) -> Partnership:
    return get_object_or_404(
        Partnership.objects.for_partner(_owner(request)).select_related("owner"), pk=pk
    )


@router.get(
    "/shared",
    response={200: list[SharedOut], 401: ErrorOut},
    summary="People who share with you",
)
def list_shared(request: HttpRequest) -> list[dict[str, Any]]:
    found = (
        Partnership.objects.for_partner(_owner(request))
        .select_related("owner")
        .order_by("-accepted_at", "-pk")
    )
    return [
        {"id": p.pk, "person": sharing.person_name(p.owner), "items": sharing.shared_items(p)}
        for p in found
    ]


@router.get(
    "/shared/{id}",
    response={200: SharedDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    exclude_none=True,
    summary="What one person shares with you",
    description="Only the items they ticked appear: `checkins` (the last 14 days, each "
    "day with only the shared fields), `goals`, `measures`, `plans`. An item that isn't "
    "shared is left out entirely, and so is a value they didn't record. Each call is "
    "shown to them as a look.",
)
def get_shared(request: HttpRequest, id: ObjectId) -> dict[str, Any]:
    partnership = _get_shared_for_user(request, id)
    summary = sharing.shared_summary(
        partnership, timezone.localdate(timezone=partnership.owner.zone)
    )
    actions.record_look(partnership)
    return {"id": partnership.pk, **summary}
