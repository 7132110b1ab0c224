"""/api/v1/plans: plans and their occurrences with RSVP.

A plan's schedule is RFC 5545's: `start` is a local date and time (no offset) in
`timezone`, and `rrule` an RRULE value, or null for a one-off. Occurrences are
computed, not stored; an answer (RSVP) is kept for the one occurrence it names.
"""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    StrictInt,
    StringConstraints,
    field_validator,
)
from pydantic.json_schema import WithJsonSchema

from kithkin.accounts.models import User
from kithkin.api.interactions import people_for_user
from kithkin.api.schemas import ErrorOut, ObjectId, Omitted, Pages, PersonIds, not_null
from kithkin.circle.models import Person
from kithkin.lib.http import request_owner as _owner
from kithkin.lib.limits import FIRST_SCHEDULE_YEAR, LAST_SCHEDULE_YEAR
from kithkin.plans import actions, recurrence
from kithkin.plans.forms import MAX_DURATION
from kithkin.plans.models import Occurrence, Plan, PlanPerson

router = Router(tags=["plans"])

EnergyName = Literal["low", "some"]
RsvpName = Literal["going", "maybe", "skip"]
# Occurrences are listed for at most this many days at once.
MAX_WINDOW_DAYS = 366
DEFAULT_WINDOW_DAYS = 28
LOCAL_START = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00)?")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text can't contain the NUL character.")
    return value


YEARS_MESSAGE = f"The year should be between {FIRST_SCHEDULE_YEAR} and {LAST_SCHEDULE_YEAR}."


def _local_start(value: object) -> object:
    """A local date and time to the minute, without an offset: the zone is `timezone`."""
    if isinstance(value, str) and LOCAL_START.fullmatch(value):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("That date or time doesn't exist, e.g. 2026-03-18T18:00.") from None
        if not FIRST_SCHEDULE_YEAR <= parsed.year <= LAST_SCHEDULE_YEAR:
            raise ValueError(YEARS_MESSAGE)
        return parsed
    raise ValueError(
        "Write the start as a local date and time without an offset, such as "
        "2026-03-18T18:00; the time zone goes in `timezone`."
    )


def _zone(value: str) -> str:
    try:
        recurrence.zone_named(value)
    except recurrence.RecurrenceError as e:
        raise ValueError(str(e)) from None
    return value


def _day(value: object) -> object:
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        # The same years as a start: the window's edges must stay datetimes in any zone.
        if not FIRST_SCHEDULE_YEAR <= int(value[:4]) <= LAST_SCHEDULE_YEAR:
            raise ValueError(YEARS_MESSAGE)
        return value
    raise ValueError("Write the date as YYYY-MM-DD, e.g. 2026-03-14.")


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_nul),
]
PlaceText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_no_nul)
]
RuleText = Annotated[
    str,
    StringConstraints(max_length=500),
    AfterValidator(_no_nul),
    Field(
        description="An RFC 5545 RRULE value, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=WE "
        "(every other Wednesday); null for a one-off.",
        examples=["FREQ=WEEKLY;BYDAY=SU", "FREQ=MONTHLY;BYDAY=1FR"],
    ),
]
# JSON Schema's "date-time" requires an offset, which a local start never has.
LOCAL_START_SCHEMA = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00)?$",
    "description": "The first local date and time, without an offset (YYYY-MM-DDTHH:MM); "
    "the zone is `timezone`.",
    "examples": ["2026-03-18T18:00"],
}
LocalStart = Annotated[datetime, BeforeValidator(_local_start), WithJsonSchema(LOCAL_START_SCHEMA)]
ZoneName = Annotated[
    str,
    StringConstraints(max_length=64),
    AfterValidator(_zone),
    Field(description="An IANA time zone name.", examples=["Europe/London"]),
]
Minutes = Annotated[StrictInt, Field(ge=5, le=MAX_DURATION)]
DayIn = Annotated[date, BeforeValidator(_day)]


class PlanOut(Schema):
    id: int
    title: str
    rrule: str | None = Field(description="RFC 5545 RRULE value; null for a one-off.")
    start: Annotated[datetime, WithJsonSchema(LOCAL_START_SCHEMA)]
    timezone: str
    duration_minutes: int
    energy: EnergyName
    place: str
    people: list[int]

    @staticmethod
    def resolve_rrule(obj: Plan) -> str | None:
        return obj.rrule or None

    @staticmethod
    def resolve_start(obj: Plan) -> datetime:
        return datetime.combine(obj.start_date, obj.start_time)

    @staticmethod
    def resolve_people(obj: Plan) -> list[int]:
        return sorted(link.person_id for link in obj.planperson_set.all())


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title
    rrule: RuleText | None = None
    start: LocalStart
    timezone: ZoneName | None = Field(None, description="Defaults to your own time zone.")
    duration_minutes: Minutes = 60
    energy: EnergyName = "low"
    place: PlaceText = ""
    people: PersonIds = Field([], description="Ids of people from your circle.")


class PlanPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title | Omitted = None
    rrule: RuleText | None = None
    start: LocalStart | Omitted = None
    timezone: ZoneName | Omitted = None
    duration_minutes: Minutes | Omitted = None
    energy: EnergyName | Omitted = None
    place: PlaceText | Omitted = None
    people: PersonIds | Omitted = None

    _present = field_validator(
        "title", "start", "timezone", "duration_minutes", "energy", "place", "people"
    )(not_null)


class OccurrenceOut(Schema):
    start: AwareDatetime = Field(description="The start, with the plan's UTC offset.")
    rsvp: RsvpName | None
    done: bool


class OccurrenceFilters(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_: DayIn | None = Field(
        None, alias="from", description="First day (YYYY-MM-DD, plan's zone); today by default."
    )
    to: DayIn | None = Field(
        None,
        description=f"Last day, included; at most {MAX_WINDOW_DAYS} days after `from`. "
        f"{DEFAULT_WINDOW_DAYS} days by default.",
    )


class RsvpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime = Field(
        description="The occurrence's start, as GET …/occurrences gives it (any offset)."
    )
    rsvp: RsvpName | None = Field(
        description="going, maybe or skip (skip this time); null clears the answer."
    )


def _plans(owner: User) -> QuerySet[Plan]:
    links = PlanPerson.objects.filter(owner=owner).only("plan_id", "person_id")
    return Plan.objects.filter(owner=owner).prefetch_related(
        Prefetch("planperson_set", queryset=links)
    )


def _get_plan_for_user(request: HttpRequest, pk: int) -> Plan:
    return get_object_or_404(_plans(_owner(request)), pk=pk)


def _save(plan: Plan, people: list[Person] | None) -> Plan:
    """Save through the plan rules; a rule that can't be used is a 422, nothing written."""
    try:
        actions.do_save_plan(plan, people)
    except recurrence.RecurrenceError as e:
        raise ValidationError(
            [{"type": "rrule", "loc": ["body", "payload", "rrule"], "msg": str(e)}]
        ) from None
    # Read back as the list shows it (people ids from the through rows).
    return get_object_or_404(_plans(plan.owner), pk=plan.pk)


@router.get(
    "",
    response={200: list[PlanOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your plans",
)
@paginate(Pages)
def list_plans(request: HttpRequest) -> QuerySet[Plan]:
    return _plans(_owner(request)).order_by("start_date", "start_time", "pk")


@router.post(
    "",
    response={201: PlanOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Make a plan",
    description="A rule that never happens, or one Kithkin can't read, is a 422 and "
    "nothing is saved. `start` moves to the rule's first occurrence when the rule "
    "doesn't include it (RFC 5545 wants the first start in the set).",
)
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[Any]:
    owner = _owner(request)
    people = people_for_user(owner, payload.people)
    plan = Plan(
        owner=owner,
        title=payload.title,
        rrule=payload.rrule or "",
        start_date=payload.start.date(),
        start_time=payload.start.time(),
        timezone=payload.timezone or owner.timezone,
        duration_minutes=payload.duration_minutes,
        energy=payload.energy,
        place=payload.place,
    )
    return Status(201, _save(plan, people))


@router.get(
    "/{id}",
    response={200: PlanOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One plan",
)
def get_plan(request: HttpRequest, id: ObjectId) -> Plan:
    return _get_plan_for_user(request, id)


@router.patch(
    "/{id}",
    response={
        200: PlanOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Change a plan",
    description="Only the fields you send change; `rrule: null` makes it a one-off and "
    "`people` replaces the whole list. An ended plan is kept as it was (409 `ended`): "
    "make a new one instead.",
)
def update_plan(request: HttpRequest, id: ObjectId, payload: PlanPatch) -> Plan | Status[Any]:
    owner = _owner(request)
    plan = _get_plan_for_user(request, id)
    if plan.ended_at is not None:
        return Status(
            409,
            {
                "code": "ended",
                "message": "This plan has ended and is kept as it was. Make a new plan instead.",
                "details": [],
            },
        )
    changes = payload.model_dump(exclude_unset=True)
    people = people_for_user(owner, changes.pop("people")) if "people" in changes else None
    if "start" in changes:
        start: datetime = changes.pop("start")
        plan.start_date, plan.start_time = start.date(), start.time()
    if "rrule" in changes:
        plan.rrule = changes.pop("rrule") or ""
    for field, value in changes.items():
        setattr(plan, field, value)
    return _save(plan, people)


@router.delete(
    "/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Delete a plan",
    description="Contacts logged from it stay in your history.",
)
def delete_plan(request: HttpRequest, id: ObjectId) -> Status[None]:
    actions.do_delete_plan(_get_plan_for_user(request, id))
    return Status(204, None)


def _occurrence_out(at: datetime, row: tuple[str, bool] | None) -> dict[str, Any]:
    rsvp, done = row or ("", False)
    return {"start": at, "rsvp": rsvp or None, "done": done}


@router.get(
    "/{id}/occurrences",
    response={200: list[OccurrenceOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A plan's occurrences in a window, with your answers",
    description=f"Days are read in the plan's time zone; at most {MAX_WINDOW_DAYS} days "
    "at once. Cancelled occurrences aren't listed.",
)
def list_occurrences(
    request: HttpRequest, id: ObjectId, filters: Query[OccurrenceFilters]
) -> list[dict[str, Any]]:
    owner = _owner(request)
    plan = _get_plan_for_user(request, id)
    zone = plan.zone
    first = filters.from_ or timezone.localdate(timezone=zone)
    last = filters.to or first + timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    if last < first or (last - first).days >= MAX_WINDOW_DAYS:
        raise ValidationError(
            [
                {
                    "type": "window",
                    "loc": ["query", "to"],
                    "msg": f"`to` must be on or after `from` and at most {MAX_WINDOW_DAYS} "
                    "days after it.",
                }
            ]
        )
    after = datetime.combine(first, time(0), tzinfo=zone)
    before = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    if plan.ended_at is not None:
        before = min(before, plan.ended_at)
    found = actions.series_of(plan).between(after, before) if before > after else []
    rows = {
        at: (rsvp, done_at is not None)
        for at, rsvp, done_at in Occurrence.objects.filter(
            owner=owner, plan=plan, starts_at__gte=after, starts_at__lt=before
        ).values_list("starts_at", "rsvp", "done_at")
    }
    return [_occurrence_out(at, rows.get(at)) for at in found]


@router.post(
    "/{id}/rsvp",
    response={
        200: OccurrenceOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Answer for one occurrence: going, maybe or skip this time",
    description="`start` names the occurrence (as the occurrences list gives it); a "
    "start that isn't one of the plan's occurrences is a 404. Skipping is only an "
    "answer: nothing counts it.",
)
def rsvp(request: HttpRequest, id: ObjectId, payload: RsvpIn) -> dict[str, Any]:
    owner = _owner(request)
    plan = _get_plan_for_user(request, id)
    at = actions.occurrence_at(plan, payload.start)
    if at is None:
        raise HttpError(404, "This plan has no occurrence starting then.")
    row = actions.do_rsvp(owner, plan, at, payload.rsvp or "")
    state = (row.rsvp, row.done_at is not None) if row is not None else None
    return _occurrence_out(at, state)
