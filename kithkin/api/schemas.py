"""What goes in and out of /api/v1: people and interactions.

Input schemas forbid unknown fields, so a typo in a field name is a 422 rather
than a silent no-op.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Literal, TypeAlias

from django.utils import timezone
from ninja import Field, Path, Schema
from ninja.pagination import PageNumberPagination
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema

from kithkin.circle.models import (
    FUTURE_SLACK,
    RING_SLUGS,
    Channel,
    Feeling,
    Initiator,
    Interaction,
    Person,
    Ring,
    Size,
)
from kithkin.lib.limits import EARLIEST, LONGEST_PAUSE, MAX_ID


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text can't contain the NUL character.")
    return value


RingName = Literal["inner", "close", "wider", "acquaintance"]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]
Nickname = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(no_nul)
]
Notes = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(no_nul)]
DbId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
# Numbers and booleans are strict: "7" or 1 for true is more likely a bug than a wish.
Days = Annotated[StrictInt, Field(ge=1, le=730)]  # the same range as the person form
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(no_nul),
]


def unique(items: list) -> list:
    return list(dict.fromkeys(items))  # order kept


Tags = Annotated[list[Tag], Field(max_length=100), AfterValidator(unique)]
Channels = Annotated[list[Channel], AfterValidator(unique)]
HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["22:00"])]

BIRTHDAY = re.compile(r"^(?P<year>\d{4}|-)-(?P<month>\d{2})-(?P<day>\d{2})\Z")
BIRTHDAY_DOCUMENTED = r"^(19\d{2}|20\d{2}|2100|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
# 2000 is a leap year, so 29 February is fine without a year.
LEAP_YEAR = 2000


def _check_birthday(value: str) -> str:
    match = BIRTHDAY.match(value)
    if match is None:
        raise ValueError("Use YYYY-MM-DD, or --MM-DD when the year isn't known.")
    year = None if match["year"] == "-" else int(match["year"])
    if year is not None and not 1900 <= year <= 2100:
        raise ValueError("The year should be between 1900 and 2100.")
    try:
        date(year or LEAP_YEAR, int(match["month"]), int(match["day"]))
    except ValueError:
        raise ValueError("That day doesn't exist in that month.") from None
    return value


Birthday = Annotated[
    str,
    AfterValidator(_check_birthday),
    Field(
        examples=["1990-04-28", "--02-29"],
        description="YYYY-MM-DD or --MM-DD (no year).",
        # Documented only, in the JSON Schema (ECMA) dialect and with the years
        # allowed: the validator above gives the kinder message.
        json_schema_extra={"pattern": BIRTHDAY_DOCUMENTED},
    ),
]


def birthday_parts(value: str | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from a validated birthday string."""
    if value is None:
        return None, None, None
    match = BIRTHDAY.match(value)
    assert match is not None  # noqa: S101 - validated by the schema already
    year = None if match["year"] == "-" else int(match["year"])
    return year, int(match["month"]), int(match["day"])


def _not_in_future(value: datetime) -> datetime:
    if value > timezone.now() + FUTURE_SLACK:
        raise ValueError("That's still to come: log it once it has happened.")
    if value < EARLIEST:
        raise ValueError("That's before 1900; is the year right?")
    return value


def _reasonable_pause(value: date) -> date:
    if value > timezone.localdate() + LONGEST_PAUSE:
        raise ValueError("A pause can last up to ten years.")
    if value < EARLIEST.date():
        raise ValueError("That's before 1900; is the year right?")
    return value


# Dates and times are read from ISO text only: pydantic would also take a number
# (or a numeric string in a query) as a Unix time, so 0 would quietly mean
# 1 January 1970.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_text(value: object) -> object:
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.match(value)):
        return value
    raise ValueError("Use a date like 2026-05-01.")


def _moment_text(value: object) -> object:
    if isinstance(value, datetime) or (isinstance(value, str) and ISO_DAY.match(value)):
        return value
    raise ValueError("Use a date and time with its offset, like 2026-05-01T09:30:00+01:00.")


IsoDate = Annotated[date, BeforeValidator(_day_text)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_moment_text)]
PauseDate = Annotated[IsoDate, AfterValidator(_reasonable_pause)]


def _after_1900(value: datetime) -> datetime:
    if value < EARLIEST:
        raise ValueError("That's before 1900; is the year right?")
    return value


HappenedAt = Annotated[
    IsoDateTime,
    AfterValidator(_not_in_future),
    Field(description="With a time zone offset; at most a few minutes ahead of now."),
]
PersonIds = Annotated[list[DbId], Field(max_length=200), AfterValidator(unique)]


# PATCH: a field left out keeps its value. For fields that can't be empty the
# None default only marks "left out"; an explicit null is refused by not_null, and
# the OpenAPI schema doesn't offer null for them.
Omitted: TypeAlias = SkipJsonSchema[None]


def not_null(value: object) -> object:
    if value is None:
        raise ValueError("This can't be null. Leave it out to keep it as it is.")
    return value


class ErrorOut(Schema):
    """Every error: what went wrong, for scripts (code) and for people (message)."""

    code: str = Field(
        description="Machine-readable, e.g. `invalid`, `not_found`, `rate_limited`.",
        examples=["not_found"],
    )
    message: str = Field(description="A sentence for people.")
    details: list[dict] | None = Field(
        None, description="For `invalid`: each field that needs another look (`loc`, `msg`)."
    )


class QuietHours(Schema):
    model_config = ConfigDict(extra="forbid")

    start: HHMM
    end: HHMM


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def quiet_times(hours: dict | None) -> tuple[time | None, time | None]:
    """Person.quiet_start and quiet_end from a validated quiet_hours value."""
    if hours is None:
        return None, None
    return time.fromisoformat(hours["start"]), time.fromisoformat(hours["end"])


# --- People ----------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    nickname: str
    ring: RingName
    cadence_days: int | None = Field(
        description="Days between contacts; null means the usual rhythm of their ring."
    )
    channels: list[Channel]
    topics_to_avoid: list[str]
    interests: list[str]
    quiet_hours: QuietHours | None
    min_days_between: int | None
    paused_until: date | None
    notes: str
    birthday: str | None = Field(description="YYYY-MM-DD or --MM-DD (no year).")
    archived: bool
    trusted: bool = Field(description="Someone the person trusts on hard days.")
    last_contact_at: datetime | None
    next_due_at: datetime | None

    @staticmethod
    def resolve_ring(obj: Person) -> str:
        return RING_SLUGS[Ring(obj.ring)]

    @staticmethod
    def resolve_channels(obj: Person) -> list[str]:
        # Older rows may hold a channel that is no longer offered.
        return [c for c in obj.channels if c in Channel.values]

    @staticmethod
    def resolve_quiet_hours(obj: Person) -> dict | None:
        if obj.quiet_start is None or obj.quiet_end is None:
            return None
        return {"start": _hhmm(obj.quiet_start), "end": _hhmm(obj.quiet_end)}

    @staticmethod
    def resolve_birthday(obj: Person) -> str | None:
        if obj.birthday_month is None or obj.birthday_day is None:
            return None
        year = f"{obj.birthday_year:04}" if obj.birthday_year else "-"
        return f"{year}-{obj.birthday_month:02}-{obj.birthday_day:02}"

    @staticmethod
    def resolve_archived(obj: Person) -> bool:
        return obj.archived_at is not None


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name
    nickname: Nickname = ""
    ring: RingName = "wider"
    cadence_days: Days | None = None
    channels: Channels = []
    topics_to_avoid: Tags = []
    interests: Tags = []
    quiet_hours: QuietHours | None = None
    min_days_between: Days | None = None
    paused_until: PauseDate | None = None
    notes: Notes = ""
    birthday: Birthday | None = None
    archived: StrictBool = False
    trusted: StrictBool = Field(False, description="Someone you trust on hard days.")


class PersonPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name | Omitted = None
    nickname: Nickname | Omitted = None
    ring: RingName | Omitted = None
    cadence_days: Days | None = None
    channels: Channels | Omitted = None
    topics_to_avoid: Tags | Omitted = None
    interests: Tags | Omitted = None
    quiet_hours: QuietHours | None = None
    min_days_between: Days | None = None
    paused_until: PauseDate | None = None
    notes: Notes | Omitted = None
    birthday: Birthday | None = None
    archived: StrictBool | Omitted = None
    trusted: StrictBool | Omitted = None

    _present = field_validator(
        "name",
        "nickname",
        "ring",
        "channels",
        "topics_to_avoid",
        "interests",
        "notes",
        "archived",
        "trusted",
    )(not_null)


class PersonFilters(Schema):
    archived: bool = Field(False, description="Set-aside people instead of the others.")
    ring: RingName | None = None
    q: str | None = Field(None, max_length=200, description="Part of a name or nickname.")


# --- Interactions ----------------------------------------------------------------


class InteractionOut(Schema):
    id: int
    people: list[int]
    channel: Channel
    size: Size
    initiated_by: Initiator
    happened_at: datetime
    feeling_after: Feeling | None
    awaiting_reply: bool
    note: str

    @staticmethod
    def resolve_people(obj: Interaction) -> list[int]:
        # From the prefetched through rows: ids only, no Person rows loaded.
        return sorted(link.person_id for link in obj.interactionperson_set.all())

    @staticmethod
    def resolve_feeling_after(obj: Interaction) -> str | None:
        return obj.feeling_after or None


class InteractionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    people: PersonIds = Field([], description="Ids of your people; none is fine too.")
    channel: Channel
    size: Size = Size.MICRO
    initiated_by: Initiator = Initiator.ME
    happened_at: HappenedAt | None = Field(None, description="Defaults to now.")
    feeling_after: Feeling | None = None
    awaiting_reply: StrictBool = False
    note: Notes = ""


class InteractionPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    people: PersonIds | Omitted = None
    channel: Channel | Omitted = None
    size: Size | Omitted = None
    initiated_by: Initiator | Omitted = None
    happened_at: HappenedAt | Omitted = None
    feeling_after: Feeling | None = None
    awaiting_reply: StrictBool | Omitted = None
    note: Notes | Omitted = None

    _present = field_validator(
        "people", "channel", "size", "initiated_by", "happened_at", "awaiting_reply", "note"
    )(not_null)


class InteractionFilters(Schema):
    person: int | None = Field(None, ge=1, le=MAX_ID, description="Only contacts with this person.")
    since: Annotated[IsoDateTime, AfterValidator(_after_1900)] | None = Field(
        None,
        description="Only contacts at or after this, with a time zone offset "
        "(`Z`, or `+` written as `%2B` in the query string).",
    )


# Path ids: bounded like database ids, so a huge number is a 422, not an overflow.
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Pages(PageNumberPagination):
    """Page-number pagination with bounds, so a silly page number is a 422, not an
    arithmetic overflow in the database."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=100)
