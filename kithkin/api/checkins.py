"""/api/v1/checkins: daily check-ins, one a day, with the same rules as the page
(wellbeing.checkin_rules)."""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeAlias

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

from kithkin.accounts.models import User
from kithkin.api.schemas import ErrorOut, ObjectId, Omitted, Pages, not_null
from kithkin.lib.http import request_owner as _owner
from kithkin.wellbeing import checkin_rules as rules
from kithkin.wellbeing.models import CheckIn

router = Router(tags=["checkins"])

EnergyName = Literal["low", "some", "good"]
# The field is called `date`; the type goes by another name inside the schemas.
Day: TypeAlias = date
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_day(value: object) -> object:
    """YYYY-MM-DD only. Left to itself pydantic also reads numbers (and numeric
    strings) as Unix times, so 0 would be saved as 1 January 1970, and takes a
    midnight datetime as its date whatever its offset."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return value
    raise ValueError("Write the date as YYYY-MM-DD, e.g. 2026-03-14.")


# A date as it comes in: a body field or a query parameter.
DayIn = Annotated[date, BeforeValidator(_written_day)]


def _rule(check: Any, *, keep: bool = False) -> AfterValidator:
    """A checkin_rules check as a pydantic validator (its message becomes the 422's).

    With keep, the value stays as sent (its type is the schema's), checked only.
    """

    def validate(value: Any) -> Any:
        try:
            checked = check(value)
        except rules.CheckInRuleError as e:
            raise ValueError(str(e)) from None
        return value if keep else checked

    return AfterValidator(validate)


def _scale(description: str) -> dict[str, Any]:
    return {"minimum": rules.SCALE_LOW, "maximum": rules.SCALE_HIGH, "description": description}


MoodValue = Annotated[
    StrictInt,
    _rule(rules.check_mood),
    Field(json_schema_extra=_scale("1 very low, 2 low, 3 okay, 4 good, 5 very good.")),
]
RestedValue = Annotated[
    StrictInt,
    _rule(rules.check_rested),
    Field(json_schema_extra=_scale("1 not at all ... 5 fully.")),
]
ConnectedValue = Annotated[
    StrictInt,
    _rule(rules.check_connected),
    Field(json_schema_extra=_scale("1 not at all ... 5 very connected.")),
]
SleepHours = Annotated[
    StrictFloat | StrictInt,
    _rule(rules.check_sleep, keep=True),
    Field(
        json_schema_extra={"minimum": 0, "maximum": 24, "multipleOf": 0.5},
        description="0 to 24, in half hours.",
    ),
]
Note = Annotated[
    StrictStr,
    _rule(rules.check_note),
    Field(json_schema_extra={"maxLength": rules.MAX_NOTE}),
]
Tags = Annotated[
    list[StrictStr],
    Field(max_length=100),
    _rule(rules.clean_tags),
    Field(
        description=f"Trimmed, lower-cased, without repeats; at most {rules.MAX_TAGS}, "
        f"each up to {rules.MAX_TAG_LENGTH} characters."
    ),
]


class CheckInOut(Schema):
    id: int
    date: Day
    mood: int
    energy: EnergyName | None
    sleep_hours: float | None
    rested: int | None
    meaningful: bool | None
    connected: int | None
    note: str
    tags: list[str]

    @staticmethod
    def resolve_date(obj: CheckIn) -> Day:
        return obj.day

    @staticmethod
    def resolve_energy(obj: CheckIn) -> str | None:
        return obj.energy or None

    @staticmethod
    def resolve_sleep_hours(obj: CheckIn) -> float | None:
        return None if obj.sleep_hours is None else float(obj.sleep_hours)

    @staticmethod
    def resolve_tags(obj: CheckIn) -> list[str]:
        return [t for t in obj.tags if isinstance(t, str)]


class CheckInIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: DayIn | None = Field(None, description="Defaults to today in your time zone.")
    mood: MoodValue
    energy: EnergyName | None = None
    sleep_hours: SleepHours | None = None
    rested: RestedValue | None = None
    meaningful: StrictBool | None = None
    connected: ConnectedValue | None = None
    note: Note = ""
    tags: Tags = []


class CheckInPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    date: DayIn | Omitted = None
    mood: MoodValue | Omitted = None
    energy: EnergyName | None = None
    sleep_hours: SleepHours | None = None
    rested: RestedValue | None = None
    meaningful: StrictBool | None = None
    connected: ConnectedValue | None = None
    note: Note | Omitted = None
    tags: Tags | Omitted = None

    _present = field_validator("date", "mood", "note", "tags")(not_null)


class CheckInFilters(Schema):
    since: DayIn | None = Field(None, description="Only days on or after this (YYYY-MM-DD).")
    until: DayIn | None = Field(None, description="Only days on or before this (YYYY-MM-DD).")


class ExistsOut(Schema):
    code: str
    message: str
    id: int


def _today(owner: User) -> date:
    return timezone.localdate(timezone=owner.zone)


def _check_day(owner: User, day: date) -> date:
    """Today or before in the owner's time zone: a 422 otherwise, nothing written."""
    try:
        return rules.check_day(day, _today(owner))
    except rules.CheckInRuleError as e:
        raise ValidationError(
            [{"type": "date", "loc": ["body", "payload", "date"], "msg": str(e)}]
        ) from None


def _model_values(data: dict[str, Any]) -> dict[str, Any]:
    """Validated API fields in the model's shape (no date)."""
    values = {k: v for k, v in data.items() if k != "date"}
    if "energy" in values:
        values["energy"] = values["energy"] or ""
    if values.get("sleep_hours") is not None:
        values["sleep_hours"] = rules.check_sleep(values["sleep_hours"])
    return values


def _exists(day: date, pk: int) -> Status[dict[str, Any]]:
    return Status(
        409,
        {
            "code": "exists",
            "message": f"There's already a check-in for {day.isoformat()}. "
            f"To change it, PATCH /api/v1/checkins/{pk}.",
            "id": pk,
        },
    )


def _get_checkin_for_user(request: HttpRequest, pk: int) -> CheckIn:
    return get_object_or_404(CheckIn, pk=pk, owner=_owner(request))


@router.get(
    "",
    response={200: list[CheckInOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your check-ins, newest day first",
)
@paginate(Pages)
def list_checkins(request: HttpRequest, filters: Query[CheckInFilters]) -> QuerySet[CheckIn]:
    found = CheckIn.objects.filter(owner=_owner(request))
    if filters.since is not None:
        found = found.filter(day__gte=filters.since)
    if filters.until is not None:
        found = found.filter(day__lte=filters.until)
    return found.order_by("-day", "-pk")


@router.post(
    "",
    response={
        201: CheckInOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ExistsOut,
        422: ErrorOut,
    },
    summary="Check in for a day",
    description="One check-in a day; only `mood` is needed. A day that already has one "
    "answers 409 with its id: PATCH that instead.",
)
def create_checkin(request: HttpRequest, payload: CheckInIn) -> Status[Any]:
    owner = _owner(request)
    day = _check_day(owner, payload.date or _today(owner))
    values = _model_values(payload.model_dump())
    existing = CheckIn.objects.filter(owner=owner, day=day).values_list("pk", flat=True).first()
    if existing is not None:
        return _exists(day, existing)
    try:
        with transaction.atomic():
            created = CheckIn.objects.create(owner=owner, day=day, **values)
    except IntegrityError:
        # Made meanwhile by another request for the same day.
        pk = CheckIn.objects.filter(owner=owner, day=day).values_list("pk", flat=True).first()
        if pk is None:
            raise
        return _exists(day, pk)
    return Status(201, created)


@router.get(
    "/{id}",
    response={200: CheckInOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One check-in",
)
def get_checkin(request: HttpRequest, id: ObjectId) -> CheckIn:
    return _get_checkin_for_user(request, id)


@router.patch(
    "/{id}",
    response={
        200: CheckInOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ExistsOut,
        422: ErrorOut,
    },
    summary="Change a check-in",
    description="Only the fields you send change; `null` clears the optional ones. "
    "Moving it to a day that already has a check-in answers 409.",
)
def update_checkin(request: HttpRequest, id: ObjectId, payload: CheckInPatch) -> Status[Any]:
    owner = _owner(request)
    checkin = _get_checkin_for_user(request, id)
    data = payload.model_dump(exclude_unset=True)
    if "date" in data:
        checkin.day = _check_day(owner, data["date"])
    for field, value in _model_values(data).items():
        setattr(checkin, field, value)
    other = (
        CheckIn.objects.filter(owner=owner, day=checkin.day)
        .exclude(pk=checkin.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if other is not None:
        return _exists(checkin.day, other)
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        pk = CheckIn.objects.filter(owner=owner, day=checkin.day).values_list("pk", flat=True)
        found = pk.first()
        if found is None:
            raise
        return _exists(checkin.day, found)
    return Status(200, checkin)


@router.delete(
    "/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Delete a check-in",
)
def delete_checkin(request: HttpRequest, id: ObjectId) -> Status[None]:
    _get_checkin_for_user(request, id).delete()
    return Status(204, None)
