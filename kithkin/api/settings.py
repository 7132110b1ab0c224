"""/api/v1/settings and /api/v1/tokens: the Settings and Reminders pages as JSON.

Every change goes through the page's own form and action, so the API accepts
exactly what the pages accept: the profile through `ProfileForm` and
`accounts.actions.do_update_profile` (a new time zone or quiet time moves the
reminders with it), reminder choices through `ReminderSettingsForm` and
`nudges.actions.do_save_settings`, places to send reminders through
`EmailChannelForm` and `AppriseChannelForm`, tokens through `ApiTokenForm`. A
form's complaint becomes a 422 with the page's words, and nothing is written.

Web push stays on the Reminders page: a push subscription comes from the
browser itself. Push channels made there are listed, tested and removed here.
"""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    field_validator,
)

from kithkin.accounts.actions import do_update_profile
from kithkin.accounts.forms import ApiTokenForm, ProfileForm
from kithkin.accounts.models import ApiToken, User, timezone_names
from kithkin.api.forms import form_invalid
from kithkin.api.schemas import (
    HHMM,
    ErrorOut,
    ObjectId,
    Omitted,
    Pages,
    PauseDate,
    QuietHours,
    no_nul,
    not_null,
    unique,
)
from kithkin.lib.http import request_owner as _owner
from kithkin.nudges import channels
from kithkin.nudges import messages as texts
from kithkin.nudges.actions import do_save_settings, settings_for
from kithkin.nudges.forms import MAX_URL, AppriseChannelForm, EmailChannelForm
from kithkin.nudges.forms import ReminderSettingsForm as ReminderForm
from kithkin.nudges.models import Channel, ChannelKind, NudgeSettings
from kithkin.nudges.views import MAX_CHANNELS
from kithkin.support.helplines import country_choices

router = Router(tags=["settings"])

TOKENS = ["tokens"]


# --- Profile -----------------------------------------------------------------------------


def _known_zone(value: str) -> str:
    if value not in timezone_names():
        raise ValueError(
            f"{value!r} isn't a time zone Kithkin knows. Use a name such as Europe/London "
            "or America/New_York."
        )
    return value


def _known_locale(value: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if value not in codes:
        raise ValueError(f"Choose one of: {', '.join(codes)}.")
    return value


def _known_country(value: str) -> str:
    if value and value not in {code for code, _name in country_choices()}:
        raise ValueError(
            "Use a two-letter country code from the support page's list, such as GB, "
            "or an empty string for none."
        )
    return value


ZoneName = Annotated[
    StrictStr,
    StringConstraints(max_length=64),
    AfterValidator(_known_zone),
    Field(description="An IANA time zone name.", examples=["Europe/London"]),
]
LocaleName = Annotated[
    StrictStr,
    AfterValidator(_known_locale),
    Field(json_schema_extra={"enum": [code for code, _name in settings.LANGUAGES]}),
]
CountryCode = Annotated[
    StrictStr,
    StringConstraints(max_length=2),
    AfterValidator(_known_country),
    Field(
        description="Two letters (ISO 3166-1), to put that country's helplines first "
        "on the support page; an empty string for none.",
        examples=["GB", ""],
    ),
]
Email = Annotated[StrictStr, StringConstraints(max_length=254), AfterValidator(no_nul)]
Weekday = Annotated[StrictInt, Field(ge=0, le=6)]
QuietDays = Annotated[
    list[Weekday],
    Field(max_length=7, description="0 is Monday, 6 is Sunday."),
    AfterValidator(unique),
]


class SettingsOut(Schema):
    username: str
    email: str
    timezone: str
    locale: str
    country: str = Field(description="Two letters, or empty when not set.")
    quiet_hours: QuietHours | None = Field(
        description="No suggestions to reach out, and no reminders, between these times."
    )
    quiet_days: list[int] = Field(description="0 is Monday, 6 is Sunday.")

    @staticmethod
    def resolve_quiet_hours(obj: User) -> dict | None:
        if obj.quiet_start is None or obj.quiet_end is None:
            return None
        return {"start": obj.quiet_start.strftime("%H:%M"), "end": obj.quiet_end.strftime("%H:%M")}

    @staticmethod
    def resolve_quiet_days(obj: User) -> list[int]:
        return sorted(int(d) for d in obj.quiet_days or [])


class SettingsPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    email: Email | Omitted = Field(None, description="An empty string removes it.")
    timezone: ZoneName | Omitted = None
    locale: LocaleName | Omitted = None
    country: CountryCode | Omitted = None
    quiet_hours: QuietHours | None = Field(None, description="null turns quiet hours off.")
    quiet_days: QuietDays | Omitted = None

    _present = field_validator("email", "timezone", "locale", "country", "quiet_days")(not_null)


def _clock(value: time | None) -> str:
    return value.isoformat() if value is not None else ""


def _profile_data(user: User) -> dict[str, Any]:
    """The profile as the page's form posts it."""
    return {
        "email": user.email,
        "timezone": user.timezone,
        "locale": user.locale,
        "country": user.country,
        "quiet_start": _clock(user.quiet_start),
        "quiet_end": _clock(user.quiet_end),
        "quiet_days": [str(d) for d in user.quiet_days or []],
    }


@router.get(
    "/settings",
    response={200: SettingsOut, 401: ErrorOut},
    summary="Your profile settings",
)
def get_settings(request: HttpRequest) -> User:
    return _owner(request)


@router.patch(
    "/settings",
    response={200: SettingsOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Change some of your profile settings",
    description="Only the fields you send change. A new time zone, quiet hours or quiet "
    "days move your reminders and the people you're due to contact with them.",
)
def update_settings(request: HttpRequest, payload: SettingsPatch) -> User:
    # A fresh row: a refused form must not leave changes on the request's user.
    user = User.objects.get(pk=_owner(request).pk)
    changes = payload.model_dump(exclude_unset=True)
    data = _profile_data(user)
    if "quiet_hours" in changes:
        hours = changes.pop("quiet_hours")
        data["quiet_start"] = hours["start"] if hours else ""
        data["quiet_end"] = hours["end"] if hours else ""
    if "quiet_days" in changes:
        data["quiet_days"] = [str(d) for d in changes.pop("quiet_days")]
    data.update(changes)
    form = ProfileForm(data, instance=user)
    if not form.is_valid():
        raise form_invalid(form, {"quiet_start": "quiet_hours", "quiet_end": "quiet_hours"})
    return do_update_profile(form)


# --- Reminders -------------------------------------------------------------------------

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_day(value: object) -> object:
    """YYYY-MM-DD only: left to itself pydantic also reads a number as a Unix time."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return value
    raise ValueError("Write the day as YYYY-MM-DD, e.g. 2026-12-24.")


PauseDay = Annotated[PauseDate, BeforeValidator(_written_day)]


class ReminderSettingsOut(Schema):
    daily_at: str | None = Field(
        description="HH:MM in your time zone for the daily nudge; null for none.",
        examples=["09:30"],
    )
    paused_until: date | None = Field(
        description="No reminders up to and including this day; null when not paused."
    )
    per_day: int = Field(description="Reminders a day at most (1 to 3).")
    plan_reminders: bool
    partner_notes: bool = Field(description="Tell you when a partner sends a “thinking of you”.")

    @staticmethod
    def resolve_daily_at(obj: NudgeSettings) -> str | None:
        return obj.daily_at.strftime("%H:%M") if obj.daily_at is not None else None


class ReminderSettingsPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    daily_at: HHMM | None = Field(None, description="null turns the daily nudge off.")
    paused_until: PauseDay | None = Field(
        None, description="Take a break up to and including this day; null to keep going."
    )
    per_day: Annotated[StrictInt, Field(ge=1, le=3)] | Omitted = None
    plan_reminders: StrictBool | Omitted = None
    partner_notes: StrictBool | Omitted = None

    _present = field_validator("per_day", "plan_reminders", "partner_notes")(not_null)


def _reminder_data(current: NudgeSettings) -> dict[str, Any]:
    """Reminder choices as the page's form posts them."""
    return {
        "daily_at": current.daily_at.strftime("%H:%M") if current.daily_at else "",
        "paused_until": current.paused_until.isoformat() if current.paused_until else "",
        "per_day": str(current.per_day),
        "plan_reminders": current.plan_reminders,
        "partner_notes": current.partner_notes,
    }


def _save_reminders(owner: User, changes: dict[str, Any]) -> NudgeSettings:
    current = settings_for(owner)
    data = _reminder_data(current)
    for field, value in changes.items():
        if field == "paused_until":
            data[field] = value.isoformat() if value is not None else ""
        elif field == "daily_at":
            data[field] = value or ""
        elif field == "per_day":
            data[field] = str(value)
        else:
            data[field] = value
    form = ReminderForm(data, instance=current)
    if not form.is_valid():
        raise form_invalid(form)
    return do_save_settings(owner, form)


@router.get(
    "/settings/reminders",
    response={200: ReminderSettingsOut, 401: ErrorOut},
    summary="Your reminder choices",
    description="Until you choose, these are the defaults and no reminders go out.",
)
def get_reminders(request: HttpRequest) -> NudgeSettings:
    return settings_for(_owner(request))


@router.patch(
    "/settings/reminders",
    response={
        200: ReminderSettingsOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ErrorOut,
    },
    summary="Change your reminder choices",
    description="Only the fields you send change; reminders are rescheduled at once. "
    "Reminders go to the places listed at /settings/channels.",
)
def update_reminders(request: HttpRequest, payload: ReminderSettingsPatch) -> NudgeSettings:
    owner = _owner(request)
    changes = payload.model_dump(exclude_unset=True)
    try:
        return _save_reminders(owner, changes)
    except IntegrityError:
        # Someone else's first save made the row meanwhile: apply on top of it.
        return _save_reminders(owner, changes)


# --- Where reminders go ----------------------------------------------------------------


class ChannelOut(Schema):
    id: int
    kind: Literal["email", "apprise", "push"]
    label: str
    shown: str = Field(
        description="Where it goes: the email address, the service's address with any "
        "password or token hidden, or the device's name."
    )
    enabled: bool
    created_at: datetime
    last_ok_at: datetime | None
    failing_since: datetime | None = Field(
        description="Set after repeated failed sends; cleared by the next success."
    )
    last_error: str

    @staticmethod
    def resolve_shown(obj: Channel) -> str:
        if obj.kind == ChannelKind.APPRISE:
            return channels.mask_url(obj.target)
        if obj.kind == ChannelKind.PUSH:
            return obj.label or _("A device")
        return obj.target


class EmailChannelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["email"]
    email: Email


class AppriseChannelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["apprise"]
    url: Annotated[StrictStr, StringConstraints(max_length=MAX_URL)] = Field(
        description="A notification service address as apprise reads it, such as "
        "ntfy://your-topic or tgram://bot-token/chat-id.",
        examples=["ntfy://ntfy.example/evening-walks"],
    )
    label: Annotated[StrictStr, StringConstraints(max_length=100)] = ""


ChannelIn = Annotated[EmailChannelIn | AppriseChannelIn, Field(discriminator="kind")]


class ChannelPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    enabled: StrictBool = Field(description="false pauses it; nothing goes there until true.")


class ChannelTestOut(Schema):
    sent: bool
    message: str


def _get_channel_for_user(request: HttpRequest, pk: int) -> Channel:
    return get_object_or_404(Channel, pk=pk, owner=_owner(request))


@router.get(
    "/settings/channels",
    response={200: list[ChannelOut], 401: ErrorOut, 422: ErrorOut},
    summary="Where your reminders go",
)
@paginate(Pages)
def list_channels(request: HttpRequest) -> QuerySet[Channel]:
    return Channel.objects.filter(owner=_owner(request)).order_by("created_at", "pk")


@router.post(
    "/settings/channels",
    response={
        200: ChannelOut,
        201: ChannelOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Send reminders to an email address or a notification service",
    description=f"`kind` is `email` (with `email`) or `apprise` (with `url`). Adding one "
    f"you already have answers 200 with it; a new one 201. At most {MAX_CHANNELS}: "
    "beyond that it's a 409 `too_many`. Web push is added from the Reminders page on "
    "the device itself.",
)
def create_channel(request: HttpRequest, payload: ChannelIn) -> Status[Any]:
    owner = _owner(request)
    form: EmailChannelForm | AppriseChannelForm
    if isinstance(payload, EmailChannelIn):
        form = EmailChannelForm({"email": payload.email})
    else:
        form = AppriseChannelForm({"url": payload.url, "label": payload.label})
    if not form.is_valid():
        raise form_invalid(form)
    if Channel.objects.filter(owner=owner).count() >= MAX_CHANNELS:
        return Status(
            409,
            {
                "code": "too_many",
                "message": str(_("Ten places is the most. Remove one to add another.")),
            },
        )
    data = form.cleaned_data
    if isinstance(payload, EmailChannelIn):
        channel, created = Channel.objects.get_or_create(
            owner=owner, kind=ChannelKind.EMAIL, target=data["email"]
        )
    else:
        channel, created = Channel.objects.get_or_create(
            owner=owner,
            kind=ChannelKind.APPRISE,
            target=data["url"],
            defaults={"label": data["label"]},
        )
    return Status(201 if created else 200, channel)


@router.patch(
    "/settings/channels/{id}",
    response={
        200: ChannelOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Pause a place, or turn it on again",
)
def update_channel(request: HttpRequest, id: ObjectId, payload: ChannelPatch) -> Channel:
    channel = _get_channel_for_user(request, id)
    channel.enabled = payload.enabled
    channel.save(update_fields=["enabled"])
    return channel


@router.delete(
    "/settings/channels/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Stop sending reminders there",
)
def delete_channel(request: HttpRequest, id: ObjectId) -> Status[None]:
    _get_channel_for_user(request, id).delete()
    return Status(204, None)


@router.post(
    "/settings/channels/{id}/test",
    response={200: ChannelTestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Send a test message there now",
    description="`sent` says whether it went; when it didn't, `message` says why in "
    "plain words. A success clears the place's failing state, as on the page.",
)
def test_channel(request: HttpRequest, id: ObjectId) -> dict[str, Any]:
    channel = _get_channel_for_user(request, id)
    try:
        channels.send(channel, texts.test(_owner(request).locale))
    except channels.SendError as e:
        return {"sent": False, "message": _("The test didn't arrive: %(why)s") % {"why": e.message}}
    Channel.objects.filter(pk=channel.pk, owner=channel.owner_id).update(
        last_ok_at=timezone.now(), failing_since=None, fail_count=0, last_error=""
    )
    return {
        "sent": True,
        "message": _("Sent. If it doesn't show up in a minute, check spam or the app."),
    }


# --- Personal access tokens -------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    scope: Literal["read", "write"]
    created_at: datetime
    last_used_at: datetime | None = Field(
        description="Recorded at most once a minute; null if never used."
    )
    current: bool = Field(description="Whether this is the token making this request.")

    @staticmethod
    def resolve_current(obj: ApiToken, context: dict[str, Any]) -> bool:
        auth = getattr(context["request"], "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == obj.pk


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown this once: keep it somewhere safe.")


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ] = Field(description="What the token is for.", examples=["Backup script"])
    scope: Literal["read", "write"] = Field(
        "write", description="`read` can only read; `write` can also change things."
    )


def _get_token_for_user(request: HttpRequest, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk, owner=_owner(request))


@router.get(
    "/tokens",
    response={200: list[TokenOut], 401: ErrorOut, 422: ErrorOut},
    tags=TOKENS,
    summary="Your personal access tokens, newest first",
    description="Never the tokens themselves: only their first characters.",
)
@paginate(Pages)
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(owner=_owner(request)).order_by("-created_at", "-pk")


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    tags=TOKENS,
    summary="Make a personal access token",
    description="The answer holds the token once; only a hash of it is kept.",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[ApiToken]:
    form = ApiTokenForm({"name": payload.name, "scope": payload.scope})
    if not form.is_valid():
        raise form_invalid(form)
    token, plain = ApiToken.objects.create_token(
        _owner(request), form.cleaned_data["name"], form.cleaned_data["scope"]
    )
    token.token = plain  # type: ignore[attr-defined]  # for this one answer, never saved
    return Status(201, token)


@router.delete(
    "/tokens/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    tags=TOKENS,
    summary="Revoke a token",
    description="It stops working at once, even when it is the token making this request.",
)
def revoke_token(request: HttpRequest, id: ObjectId) -> Status[None]:
    _get_token_for_user(request, id).delete()
    return Status(204, None)
