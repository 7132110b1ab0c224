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

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
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
from kithkin.api.schemas import ErrorOut, ObjectId, Omitted, Pages, PersonIds, no_nul, not_null
from kithkin.circle.models import Channel, Feeling, Person
from kithkin.lib.http import request_owner as _owner
from kithkin.lib.limits import FIRST_SCHEDULE_YEAR, LAST_SCHEDULE_YEAR
from kithkin.plans import actions, recurrence
from kithkin.plans.forms import MAX_DURATION
from kithkin.plans.models import Occurrence, Plan, PlanGuest, PlanPerson

router = Router(tags=["plans"])

EnergyName = Literal["low", "some"]
RsvpName = Literal["going", "maybe", "skip"]
# Occurrences are listed for at most this many days at once.
MAX_WINDOW_DAYS = 366
DEFAULT_WINDOW_DAYS = 28
LOCAL_START = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00)?")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    AfterValidator(no_nul),
]
PlaceText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(no_nul)
]
RuleText = Annotated[
    str,
    StringConstraints(max_length=500),
    AfterValidator(no_nul),
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


def _web_address(value: str) -> str:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise ValueError(
                "Write the whole web address, starting with https:// (or leave it empty)."
            ) from None
    return value


Link = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    AfterValidator(_web_address),
    Field(description="A video call or event page (http or https); empty for none."),
]
NoteText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(no_nul)
]
RemindMinutes = Annotated[
    Literal[15, 60, 1440],
    Field(description="A gentle reminder this many minutes before each time; null for none."),
]


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
    link: str
    note: str
    remind_minutes: int | None
    ended_at: datetime | None = Field(
        description="When the plan was ended; it is kept as it was from then on."
    )

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
    link: Link = ""
    note: NoteText = ""
    remind_minutes: RemindMinutes | None = None


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
    link: Link | Omitted = None
    note: NoteText | Omitted = None
    remind_minutes: RemindMinutes | None = None

    _present = field_validator(
        "title",
        "start",
        "timezone",
        "duration_minutes",
        "energy",
        "place",
        "people",
        "link",
        "note",
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


def _get_plan_for_viewer(request: HttpRequest, pk: int) -> Plan:
    """Your plan, or one you joined (as the plan's page allows); else a 404.

    For answering and saying it happened: what a guest may do too.
    """
    owner = _owner(request)
    plan = _plans(owner).filter(pk=pk).first()
    if plan is not None:
        return plan
    joined = PlanGuest.objects.filter(owner=owner, plan_id=pk).select_related("plan").first()
    if joined is None:
        raise Http404
    return joined.plan


def _occurrence(plan: Plan, start: datetime) -> datetime:
    """The plan's occurrence starting at `start`, or a 404 (also when it was cancelled,
    or comes after the plan ended)."""
    at = actions.occurrence_at(plan, start)
    if at is None:
        raise HttpError(404, "This plan has no occurrence starting then.")
    return at


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
        link=payload.link,
        note=payload.note,
        remind_minutes=payload.remind_minutes,
    )
    return Status(201, _save(plan, people))


# --- Plans you joined (before "/{id}", whose pattern would take these paths) ---------------


class JoinedPlanOut(Schema):
    """A plan someone else made that you joined: what its page shows a guest (not who
    from their circle takes part, nor their note)."""

    id: int
    title: str
    host: str = Field(description="The first name, or else the username, of whose plan it is.")
    rrule: str | None = Field(description="RFC 5545 RRULE value; null for a one-off.")
    start: Annotated[datetime, WithJsonSchema(LOCAL_START_SCHEMA)]
    timezone: str
    duration_minutes: int
    energy: EnergyName
    place: str
    link: str
    ended_at: datetime | None

    @staticmethod
    def resolve_host(obj: Plan) -> str:
        return actions.guest_name(obj.owner)

    @staticmethod
    def resolve_rrule(obj: Plan) -> str | None:
        return obj.rrule or None

    @staticmethod
    def resolve_start(obj: Plan) -> datetime:
        return datetime.combine(obj.start_date, obj.start_time)


class JoinPreviewOut(Schema):
    id: int
    title: str
    host: str
    rrule: str | None
    start: Annotated[datetime, WithJsonSchema(LOCAL_START_SCHEMA)]
    timezone: str
    duration_minutes: int
    energy: EnergyName
    place: str
    upcoming: list[AwareDatetime] = Field(description="The next few times.")
    joined: bool = Field(description="You have joined it already.")
    mine: bool = Field(description="It is your own plan: nothing to join.")


JoinToken = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The last part of the plan's join link.",
    ),
]


def _joined(owner: User) -> QuerySet[Plan]:
    return Plan.objects.filter(guests__owner=owner).exclude(owner=owner).select_related("owner")


def _by_token(token: str) -> Plan:
    """The plan behind a join link; an ended plan can't be joined (as on the page)."""
    return get_object_or_404(
        Plan.objects.select_related("owner"), guest_token=token, ended_at__isnull=True
    )


@router.get(
    "/joined",
    response={200: list[JoinedPlanOut], 401: ErrorOut, 422: ErrorOut},
    summary="Plans you joined",
    description="Other people's open plans that you joined with their link.",
)
@paginate(Pages)
def list_joined(request: HttpRequest) -> QuerySet[Plan]:
    return (
        _joined(_owner(request))
        .filter(ended_at__isnull=True)
        .order_by("start_date", "start_time", "pk")
    )


@router.get(
    "/joined/{id}",
    response={200: JoinedPlanOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One plan you joined",
)
def get_joined(request: HttpRequest, id: ObjectId) -> Plan:
    return get_object_or_404(_joined(_owner(request)), pk=id)


@router.get(
    "/join/{token}",
    response={200: JoinPreviewOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="What a join link leads to",
    description="Anyone with an account here who has the link sees the plan's title, "
    "time and place, and whose it is. An unknown link, or one to a plan that has "
    "ended, is a 404.",
)
def preview_join(request: HttpRequest, token: JoinToken) -> dict[str, Any]:
    viewer = _owner(request)
    plan = _by_token(token)
    upcoming = actions.next_occurrences(viewer, plan, False, count=3)
    return {
        "id": plan.pk,
        "title": plan.title,
        "host": actions.guest_name(plan.owner),
        "rrule": plan.rrule or None,
        "start": datetime.combine(plan.start_date, plan.start_time),
        "timezone": plan.timezone,
        "duration_minutes": plan.duration_minutes,
        "energy": plan.energy,
        "place": plan.place,
        "upcoming": [o.at for o in upcoming],
        "joined": PlanGuest.objects.filter(owner=viewer, plan=plan).exists(),
        "mine": plan.owner_id == viewer.pk,
    }


@router.post(
    "/join/{token}",
    response={
        200: JoinedPlanOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Join a plan by its link",
    description="It joins your plans: answer for each time, skip any of them, and leave "
    "whenever you like. Joining again changes nothing. Your own plan is a 409 `yours`.",
)
def join(request: HttpRequest, token: JoinToken) -> Plan | Status[Any]:
    viewer = _owner(request)
    plan = _by_token(token)
    if plan.owner_id == viewer.pk:
        return Status(
            409,
            {"code": "yours", "message": "This is your own plan: nothing to join.", "details": []},
        )
    actions.do_join(viewer, plan)
    return plan


class UpcomingOut(Schema):
    plan_id: int
    title: str
    start: AwareDatetime = Field(description="The start, with the plan's UTC offset.")
    rsvp: RsvpName | None
    done: bool
    mine: bool = Field(description="Your own plan (else one you joined).")


@router.get(
    "/upcoming",
    response={200: list[UpcomingOut], 401: ErrorOut, 422: ErrorOut},
    summary="The next four weeks of your plans and the ones you joined",
    description="From the start of your today, by start time, with your answers: what "
    "the plans page lists.",
)
@paginate(Pages)
def list_upcoming(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "plan_id": o.plan.pk,
            "title": o.plan.title,
            "start": o.at,
            "rsvp": o.rsvp or None,
            "done": o.done,
            "mine": o.mine,
        }
        for o in actions.upcoming(_owner(request))
    ]


@router.get(
    "/{id}",
    response={200: PlanOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One of your plans",
    description="A plan you joined is at GET /plans/joined/{id}.",
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


def _state(row: Occurrence | None) -> tuple[str, bool] | None:
    return (row.rsvp, row.done_at is not None) if row is not None else None


def _occurrence_out(at: datetime, row: tuple[str, bool] | None) -> dict[str, Any]:
    rsvp, done = row or ("", False)
    return {"start": at, "rsvp": rsvp or None, "done": done}


@router.get(
    "/{id}/occurrences",
    response={200: list[OccurrenceOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A plan's occurrences in a window, with your answers",
    description=f"Days are read in the plan's time zone; at most {MAX_WINDOW_DAYS} days "
    "at once. Cancelled occurrences aren't listed. For your own plans and the ones you "
    "joined.",
)
def list_occurrences(
    request: HttpRequest, id: ObjectId, filters: Query[OccurrenceFilters]
) -> list[dict[str, Any]]:
    owner = _owner(request)
    plan = _get_plan_for_viewer(request, id)
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
    "answer: nothing counts it. For your own plans and the ones you joined.",
)
def rsvp(request: HttpRequest, id: ObjectId, payload: RsvpIn) -> dict[str, Any]:
    owner = _owner(request)
    plan = _get_plan_for_viewer(request, id)
    at = _occurrence(plan, payload.start)
    return _occurrence_out(at, _state(actions.do_rsvp(owner, plan, at, payload.rsvp or "")))


# --- "It happened" ------------------------------------------------------------------------


class DoneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime = Field(
        description="The occurrence's start, as GET …/occurrences gives it (any offset)."
    )
    channel: Channel | None = Field(
        None,
        description="How it went, if not as planned: in person when the plan has a "
        "place, else a call.",
    )
    feeling: Feeling | None = Field(None, description="How it felt afterwards.")


class DoneOut(OccurrenceOut):
    interaction_id: int | None = Field(description="The contact logged for it.")


class StartQuery(Schema):
    start: AwareDatetime = Field(
        description="The occurrence's start, as GET …/occurrences gives it, with an offset "
        "(`Z`, or `+` written as `%2B` in the query string)."
    )


@router.post(
    "/{id}/done",
    response={
        200: DoneOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="It happened",
    description="Logs one contact for that time (with the plan's people, on your own "
    "plan) and links it. Saying it again changes nothing but a feeling not given "
    "before. A time still to come is a 422. For your own plans and the ones you joined.",
)
def mark_done(request: HttpRequest, id: ObjectId, payload: DoneIn) -> dict[str, Any]:
    viewer = _owner(request)
    plan = _get_plan_for_viewer(request, id)
    at = _occurrence(plan, payload.start)
    if at > timezone.now():
        raise ValidationError(
            [
                {
                    "type": "still_to_come",
                    "loc": ["body", "payload", "start"],
                    "msg": "That's still to come. Mark it once it has happened.",
                }
            ]
        )
    row = actions.do_mark_done(viewer, plan, at, payload.channel or "", payload.feeling or "")
    return {**_occurrence_out(at, _state(row)), "interaction_id": row.interaction_id}


@router.delete(
    "/{id}/done",
    response={200: OccurrenceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary='Take back "it happened"',
    description="The contact logged for it goes (it can be brought back for a few "
    "minutes with POST /interactions/{id}/restore); your answer for that time stays.",
)
def undo_done(request: HttpRequest, id: ObjectId, query: Query[StartQuery]) -> dict[str, Any]:
    viewer = _owner(request)
    plan = _get_plan_for_viewer(request, id)
    at = _occurrence(plan, query.start)
    actions.do_undo_done(viewer, plan, at)
    row = Occurrence.objects.filter(owner=viewer, plan=plan, starts_at=at).first()
    return _occurrence_out(at, _state(row))


# --- Ending, and cancelling just one time ------------------------------------------------------


@router.post(
    "/{id}/end",
    response={200: PlanOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="End a plan",
    description="No more times from now on; what happened is kept, and nothing is "
    "counted as skipped. Ending an ended plan changes nothing.",
)
def end_plan(request: HttpRequest, id: ObjectId) -> Plan:
    plan = _get_plan_for_user(request, id)
    actions.do_end_plan(plan)
    return _get_plan_for_user(request, id)


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime = Field(
        description="The occurrence's start, as GET …/occurrences gives it (any offset)."
    )


class CancelledOut(Schema):
    start: AwareDatetime = Field(description="The start, with the plan's UTC offset.")


@router.post(
    "/{id}/cancel-one",
    response={
        204: None,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Cancel just this one time",
    description="The rest stay as they are; calendars take the change. A start that "
    "isn't one of the plan's occurrences is a 404.",
)
def cancel_one(request: HttpRequest, id: ObjectId, payload: CancelIn) -> Status[None]:
    plan = _get_plan_for_user(request, id)
    at = _occurrence(plan, payload.start)
    actions.do_cancel_occurrence(plan, at)
    return Status(204, None)


@router.delete(
    "/{id}/cancel-one",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Bring back a time cancelled on its own",
    description="A start the plan never had is a 404; one that isn't cancelled is left as it is.",
)
def restore_one(request: HttpRequest, id: ObjectId, query: Query[StartQuery]) -> Status[None]:
    plan = _get_plan_for_user(request, id)
    # Expanding looks a day either side, which year 1 or 9999 can't give.
    plausible = datetime.min.year < query.start.year < datetime.max.year
    if not plausible or not actions.do_cancel_occurrence(plan, query.start, restore=True):
        raise HttpError(404, "This plan has no occurrence starting then.")
    return Status(204, None)


@router.get(
    "/{id}/cancelled",
    response={200: list[CancelledOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Times still to come that were cancelled on their own",
)
@paginate(Pages)
def list_cancelled(request: HttpRequest, id: ObjectId) -> list[dict[str, Any]]:
    plan = _get_plan_for_user(request, id)
    return [{"start": at} for at in actions.cancelled_ahead(plan)]


# --- Sharing with friends who have an account here ----------------------------------------------


class ShareOut(Schema):
    sharing: bool
    token: str | None = Field(description="For POST /plans/join/{token}; null when not shared.")
    join_url: str | None = Field(description="The join link to pass on; null when not shared.")


class GuestOut(Schema):
    id: int
    name: str = Field(description="Their first name, or else their username.")
    joined_at: datetime

    @staticmethod
    def resolve_name(obj: PlanGuest) -> str:
        return actions.guest_name(obj.owner)


def _share_out(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    token = plan.guest_token or None
    return {
        "sharing": token is not None,
        "token": token,
        "join_url": request.build_absolute_uri(reverse("plan_join", args=[token]))
        if token
        else None,
    }


@router.get(
    "/{id}/share",
    response={200: ShareOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Whether the plan has a join link",
)
def get_share(request: HttpRequest, id: ObjectId) -> dict[str, Any]:
    return _share_out(request, _get_plan_for_user(request, id))


@router.post(
    "/{id}/share",
    response={
        200: ShareOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Make a join link",
    description="Anyone with an account on this server who has the link can join. They "
    "see the plan's title, time, place and link, not who from your circle is in it nor "
    "its note. Asking again gives the same link. An ended plan can't be joined (409 "
    "`ended`).",
)
def share(request: HttpRequest, id: ObjectId) -> dict[str, Any] | Status[Any]:
    plan = _get_plan_for_user(request, id)
    if plan.ended_at is not None:
        return Status(
            409,
            {
                "code": "ended",
                "message": "This plan has ended, so there is nothing to join.",
                "details": [],
            },
        )
    actions.do_share(plan, True)
    return _share_out(request, plan)


@router.delete(
    "/{id}/share",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Stop sharing the join link",
    description="The link stops working; people who joined stay in.",
)
def stop_sharing(request: HttpRequest, id: ObjectId) -> Status[None]:
    actions.do_share(_get_plan_for_user(request, id), False)
    return Status(204, None)


@router.get(
    "/{id}/guests",
    response={200: list[GuestOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Friends who joined your plan",
)
@paginate(Pages)
def list_guests(request: HttpRequest, id: ObjectId) -> QuerySet[PlanGuest]:
    plan = _get_plan_for_user(request, id)
    return plan.guests.select_related("owner").order_by("joined_at", "pk")


@router.delete(
    "/{id}/guests/{guest_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Take someone off your plan",
    description="Their answers for it go too (their own log stays). The join link, if "
    "shared, still works: stop sharing to close it.",
)
def remove_guest(request: HttpRequest, id: ObjectId, guest_id: ObjectId) -> Status[None]:
    plan = _get_plan_for_user(request, id)
    actions.do_remove_guest(get_object_or_404(PlanGuest, pk=guest_id, plan=plan))
    return Status(204, None)


@router.post(
    "/{id}/leave",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Leave a plan you joined",
    description="Your answers for it go too; anything you logged from it stays. Only "
    "for plans you joined: your own plan is a 404 here.",
)
def leave(request: HttpRequest, id: ObjectId) -> Status[None]:
    viewer = _owner(request)
    joined = get_object_or_404(_joined(viewer), pk=id)
    actions.do_leave(viewer, joined)
    return Status(204, None)
