"""/api/v1/communities and /api/v1/places: groups to belong to, places where people gather.

A community's meetings are written as /api/v1/plans writes a schedule: `start` a
local date and time (no offset) in `timezone`, `rrule` an RFC 5545 RRULE value or
null for a single meeting. A group that doesn't meet regularly has `meets: false`
and no schedule. Changes are checked by the same forms as the pages
(plans.community_forms), so the API refuses what the pages refuse, in the same words.
"""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

from datetime import datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import (
    AfterValidator,
    AwareDatetime,
    ConfigDict,
    StrictBool,
    StringConstraints,
    field_validator,
)
from pydantic.json_schema import WithJsonSchema

from kithkin.accounts.models import User
from kithkin.api.forms import form_invalid
from kithkin.api.plans import (
    LOCAL_START_SCHEMA,
    LocalStart,
    Minutes,
    PlaceText,
    RuleText,
    Title,
    ZoneName,
)
from kithkin.api.schemas import ErrorOut, ObjectId, Omitted, Pages, no_nul, not_null
from kithkin.lib.http import request_owner as _owner
from kithkin.plans.community_forms import CommunityForm, PlaceForm
from kithkin.plans.community_views import next_meeting
from kithkin.plans.forms import CUSTOM, ONCE
from kithkin.plans.models import Community, CommunityKind, Place, PlaceKind

router = Router(tags=["communities and places"])

EnergyName = Literal["low", "some"]
MOST_NOTE = 2000  # as the pages' forms
MOST_LINK = 500
MOST_ADDRESS = 300
NO_SCHEDULE = (
    "A group that doesn't meet regularly has no schedule: leave out `start` and "
    "`rrule`, or set `meets` to true."
)
NEEDS_START = "When is the next meeting? A rough date is fine."


Note = Annotated[str, StringConstraints(max_length=MOST_NOTE), AfterValidator(no_nul)]
Link = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MOST_LINK),
    AfterValidator(no_nul),
    Field(
        description="The group's page, forum or video call; https:// is assumed when left "
        "out. Empty for none.",
        examples=["https://example.org/book-club"],
    ),
]
Address = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MOST_ADDRESS),
    AfterValidator(no_nul),
    Field(description="An address, or a link to a map or page."),
]


# --- Communities ----------------------------------------------------------------------


class CommunityOut(Schema):
    id: int
    name: str
    kind: CommunityKind
    energy: EnergyName = Field(description="The energy it takes: low or some.")
    place: str
    link: str
    note: str
    meets: bool = Field(description="Whether it meets regularly.")
    rrule: str | None = Field(description="RFC 5545 RRULE value; null for a single meeting.")
    start: Annotated[datetime, WithJsonSchema(LOCAL_START_SCHEMA)] | None = Field(
        description="The first (or next) meeting, local to `timezone`; null when it "
        "doesn't meet regularly."
    )
    timezone: str
    duration_minutes: int
    next_meets: AwareDatetime | None = Field(
        description="When it next meets, with the group's UTC offset; null when it doesn't "
        "meet regularly or the schedule has ended."
    )

    @staticmethod
    def resolve_rrule(obj: Community) -> str | None:
        return (obj.rrule or None) if obj.meets else None

    @staticmethod
    def resolve_start(obj: Community) -> datetime | None:
        return datetime.combine(obj.start_date, obj.start_time) if obj.meets else None

    @staticmethod
    def resolve_next_meets(obj: Community) -> datetime | None:
        return next_meeting(obj, timezone.now())


class CommunityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Title
    kind: CommunityKind = CommunityKind.OTHER
    energy: EnergyName = "some"
    place: PlaceText = ""
    link: Link = ""
    note: Note = ""
    meets: StrictBool = Field(True, description="Whether it meets regularly.")
    rrule: RuleText | None = None
    start: LocalStart | None = Field(None, description="Needed when it meets regularly.")
    timezone: ZoneName | None = Field(None, description="Defaults to your own time zone.")
    duration_minutes: Minutes = 90


class CommunityPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Title | Omitted = None
    kind: CommunityKind | Omitted = None
    energy: EnergyName | Omitted = None
    place: PlaceText | Omitted = None
    link: Link | Omitted = None
    note: Note | Omitted = None
    meets: StrictBool | Omitted = None
    rrule: RuleText | None = None
    start: LocalStart | None = Field(
        None, description="null only for a group that doesn't meet regularly."
    )
    timezone: ZoneName | Omitted = None
    duration_minutes: Minutes | Omitted = None

    _present = field_validator(
        "name",
        "kind",
        "energy",
        "place",
        "link",
        "note",
        "meets",
        "timezone",
        "duration_minutes",
    )(not_null)


# The community form's fields, by the API field each one belongs to.
FORM_TO_API = {
    "start_date": "start",
    "start_time": "start",
    "repeat": "rrule",
    "every": "rrule",
    "nth": "rrule",
    "weekdays": "rrule",
}


def _schedule_refused(field: str, message: str) -> ValidationError:
    return ValidationError(
        [{"type": "schedule", "loc": ["body", "payload", field], "msg": message}]
    )


def _community_form_data(c: Community, changes: dict[str, Any]) -> dict[str, Any]:
    """The community form's fields: the group as it is, with the changes sent."""
    meets = changes.get("meets", c.meets)
    if not meets:
        # Null is how a group without meetings shows them, so it is fine to send back.
        sent = [f for f in ("start", "rrule") if changes.get(f) is not None]
        if sent:
            raise _schedule_refused(sent[0], NO_SCHEDULE)
    elif changes.get("start") is None and ("start" in changes or not c.meets):
        # Meeting regularly needs a start. One stored while it didn't meet may be only
        # a placeholder, so turning meetings on asks for it again.
        raise _schedule_refused("start", NEEDS_START)
    start: datetime | None = changes.get("start")
    rule = changes.get("rrule", c.rrule or None)
    values = {
        "name": c.name,
        "kind": c.kind,
        "energy": c.energy,
        "place": c.place,
        "link": c.link,
        "note": c.note,
        "timezone": c.timezone,
        "duration_minutes": c.duration_minutes,
        **{k: v for k, v in changes.items() if k not in ("start", "rrule", "meets")},
    }
    return {
        **values,
        "meets": meets,
        "start_date": start.date() if start else c.start_date,
        "start_time": start.time() if start else c.start_time,
        "repeat": CUSTOM if rule else ONCE,
        "rrule": rule or "",
        "every": "",
        "nth": "",
    }


def _save_community(owner: User, c: Community, changes: dict[str, Any]) -> Community:
    """Check with the page's form and save as the page does (nothing written on a 422)."""
    with translation.override(owner.locale):
        form = CommunityForm(owner, _community_form_data(c, changes), community=c if c.pk else None)
        if not form.is_valid():
            raise form_invalid(form, FORM_TO_API)
    if form.fill(c) and c.pk is not None:
        # Calendar apps take the new times only with a higher SEQUENCE.
        c.sequence += 1
    c.save()
    return c


def _get_community_for_user(request: HttpRequest, pk: int) -> Community:
    # Set-aside groups aren't shown on the pages either.
    return get_object_or_404(Community, pk=pk, owner=_owner(request), archived_at__isnull=True)


@router.get(
    "/communities",
    response={200: list[CommunityOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your communities, by name, with when each next meets",
)
@paginate(Pages)
def list_communities(request: HttpRequest) -> QuerySet[Community]:
    return Community.objects.filter(owner=_owner(request), archived_at__isnull=True).order_by(
        "name", "pk"
    )


@router.post(
    "/communities",
    response={201: CommunityOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Add a community",
    description="With `meets` (the default), `start` is needed; `rrule` makes the "
    "meetings repeat. A rule that never happens, or one Kithkin can't read, is a 422 "
    "and nothing is saved.",
)
def create_community(request: HttpRequest, payload: CommunityIn) -> Status[Any]:
    owner = _owner(request)
    changes = payload.model_dump()
    if changes["timezone"] is None:
        changes["timezone"] = owner.timezone
    community = Community(owner=owner, meets=changes["meets"])
    return Status(201, _save_community(owner, community, changes))


@router.get(
    "/communities/{id}",
    response={200: CommunityOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One community",
)
def get_community(request: HttpRequest, id: ObjectId) -> Community:
    return _get_community_for_user(request, id)


@router.patch(
    "/communities/{id}",
    response={
        200: CommunityOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Change a community",
    description="Only the fields you send change; `rrule: null` makes it a single "
    "meeting. `meets: false` takes its meetings off your calendar feed; turning "
    "`meets` on needs a `start` (the stored `rrule` stays unless you send one). A change "
    "to the schedule makes calendar apps update their copy.",
)
def update_community(request: HttpRequest, id: ObjectId, payload: CommunityPatch) -> Community:
    community = _get_community_for_user(request, id)
    return _save_community(community.owner, community, payload.model_dump(exclude_unset=True))


@router.delete(
    "/communities/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Remove a community",
    description="It leaves your list and your calendar feed.",
)
def delete_community(request: HttpRequest, id: ObjectId) -> Status[None]:
    _get_community_for_user(request, id).delete()
    return Status(204, None)


# --- Places ---------------------------------------------------------------------------


class PlaceOut(Schema):
    id: int
    name: str
    kind: PlaceKind
    energy: EnergyName = Field(description="The energy it takes: low or some.")
    address: str
    note: str


class PlaceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Title
    kind: PlaceKind = PlaceKind.OTHER
    energy: EnergyName = "low"
    address: Address = ""
    note: Note = ""


class PlacePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Title | Omitted = None
    kind: PlaceKind | Omitted = None
    energy: EnergyName | Omitted = None
    address: Address | Omitted = None
    note: Note | Omitted = None

    _present = field_validator("name", "kind", "energy", "address", "note")(not_null)


def _save_place(owner: User, place: Place, changes: dict[str, Any]) -> Place:
    """Check with the page's form and save (nothing written on a 422)."""
    data = {
        "name": place.name,
        "kind": place.kind,
        "energy": place.energy,
        "address": place.address,
        "note": place.note,
        **changes,
    }
    with translation.override(owner.locale):
        form = PlaceForm(data, instance=place)
        if not form.is_valid():
            raise form_invalid(form)
    return form.save()


def _get_place_for_user(request: HttpRequest, pk: int) -> Place:
    return get_object_or_404(Place, pk=pk, owner=_owner(request), archived_at__isnull=True)


@router.get(
    "/places",
    response={200: list[PlaceOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your places, by name",
)
@paginate(Pages)
def list_places(request: HttpRequest) -> QuerySet[Place]:
    return Place.objects.filter(owner=_owner(request), archived_at__isnull=True).order_by(
        "name", "pk"
    )


@router.post(
    "/places",
    response={201: PlaceOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Add a place where people gather",
)
def create_place(request: HttpRequest, payload: PlaceIn) -> Status[Any]:
    owner = _owner(request)
    return Status(201, _save_place(owner, Place(owner=owner), payload.model_dump()))


@router.get(
    "/places/{id}",
    response={200: PlaceOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One place",
)
def get_place(request: HttpRequest, id: ObjectId) -> Place:
    return _get_place_for_user(request, id)


@router.patch(
    "/places/{id}",
    response={
        200: PlaceOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Change a place",
    description="Only the fields you send change.",
)
def update_place(request: HttpRequest, id: ObjectId, payload: PlacePatch) -> Place:
    place = _get_place_for_user(request, id)
    return _save_place(place.owner, place, payload.model_dump(exclude_unset=True))


@router.delete(
    "/places/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Remove a place",
)
def delete_place(request: HttpRequest, id: ObjectId) -> Status[None]:
    _get_place_for_user(request, id).delete()
    return Status(204, None)
