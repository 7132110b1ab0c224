"""/api/v1/partners: your accountability partners, and what others share with you.

The person who shares reaches their own partnerships by owner (`/partners`,
`/partners/{id}` and below): each write goes through the page's form and the
`partners.actions` function the page calls, so the rules are the page's (alerts
need `consent: true`, recorded as `consent_at`). An ended partnership can be read,
not changed (409 `ended`).

The partner side (`/partners/shared...`) reaches only partnerships where the
token's owner is the accepted partner, and not revoked; anything else is the
same 404 as a missing id. The data comes from `partners.sharing.shared_summary`,
the function the partner's page uses, so an item the person didn't tick is never
read, let alone sent.
"""

# No `from __future__ import annotations`: ninja reads the annotations at runtime.

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal, TypeAlias

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, ConfigDict, StrictBool, StrictInt, StrictStr, field_validator
from pydantic import StringConstraints as Text

from kithkin.accounts.models import User
from kithkin.api.forms import form_invalid
from kithkin.api.schemas import ErrorOut, ObjectId, Omitted, Pages, not_null, unique
from kithkin.lib.http import request_owner as _owner
from kithkin.partners import actions, sharing
from kithkin.partners.alerts import LOW_MOOD_DAYS, NO_CHECKIN_DAYS
from kithkin.partners.forms import MAX_NOTE, AlertsForm, NoteForm, PartnerForm, SharesForm
from kithkin.partners.models import PartnerInvite, PartnerLook, Partnership, ShareItem

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


# --- The partner's "thinking of you" ---------------------------------------------------------


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[StrictStr, Text(max_length=4 * MAX_NOTE)] = Field(
        description=f"Up to {MAX_NOTE} characters (trimmed); up to "
        f"{actions.NOTES_A_DAY} notes a day.",
        json_schema_extra={"maxLength": MAX_NOTE},
        examples=["Thinking of you 💛"],
    )


class NoteOut(Schema):
    id: int
    text: str
    created_at: datetime
    notes_left_today: int


def _seconds_to_midnight(user: User) -> int:
    now = timezone.now()
    tomorrow = timezone.localdate(now, timezone=user.zone) + timedelta(days=1)
    midnight = datetime.combine(tomorrow, time.min, user.zone)
    return max(int((midnight - now).total_seconds()) + 1, 1)


@router.post(
    "/shared/{id}/note",
    response={
        201: NoteOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Send a short “thinking of you”",
    description=f"They see it on their Today page. Up to {MAX_NOTE} characters and "
    f"{actions.NOTES_A_DAY} notes a day for each person (the day is yours); a fourth "
    "answers 429 `too_many_notes` with `Retry-After` (seconds until your midnight).",
)
def send_note(
    request: HttpRequest, response: HttpResponse, id: ObjectId, payload: NoteIn
) -> Status[Any]:
    partner = _owner(request)
    partnership = _get_shared_for_user(request, id)
    form = NoteForm({"text": payload.text})
    if not form.is_valid():
        raise form_invalid(form)
    person = sharing.person_name(partnership.owner)
    try:
        note = actions.do_send_note(partnership, partner, form.cleaned_data["text"])
    except actions.PartnershipGone:
        raise Http404 from None
    except actions.TooManyNotes:
        response["Retry-After"] = str(_seconds_to_midnight(partner))
        message = _(
            "That's three notes today — %(person)s will see them. You can send more tomorrow."
        ) % {"person": person}
        return Status(429, {"code": "too_many_notes", "message": message})
    left = max(actions.NOTES_A_DAY - actions.notes_sent_today(partnership, partner), 0)
    return Status(
        201,
        {"id": note.pk, "text": note.text, "created_at": note.created_at, "notes_left_today": left},
    )


# --- The person who shares -------------------------------------------------------------------

PartnerStatus = Literal["invited", "accepted", "revoked"]
PartnerName = Annotated[StrictStr, Text(max_length=100)]
PartnerEmail = Annotated[StrictStr, Text(max_length=254)]


def _alert_days(bounds: tuple[int, int], what: str) -> Any:
    """Days for one alert, documented; the page's form checks the range, in its words."""
    low, high = bounds
    return Field(
        description=f"Tell them after {low} to {high} {what}.",
        json_schema_extra={"minimum": low, "maximum": high},
    )


NoCheckinDays = Annotated[StrictInt, _alert_days(NO_CHECKIN_DAYS, "days without a check-in")]
LowMoodDays = Annotated[StrictInt, _alert_days(LOW_MOOD_DAYS, "days in a row at the lowest mood")]


class AlertsOut(Schema):
    no_checkin_days: int | None = Field(
        description="Alert after this many days without a check-in; null when off."
    )
    low_mood_days: int | None = Field(
        description="Alert after this many days in a row at the lowest mood; null when off."
    )
    consent_at: datetime | None = Field(
        description="When you agreed to these alerts; null when they're off."
    )


class PartnershipOut(Schema):
    id: int
    name: str = Field(description="What you call them; alerts and emails greet them by it.")
    email: str
    weekly_email: bool
    status: PartnerStatus = Field(
        description="`invited`: not linked to an account (yet); `accepted`: linked; "
        "`revoked`: ended, kept for your records."
    )
    partner_username: str | None = Field(description="Their account here, once linked.")
    shares: list[ShareItem] = Field(description="What they can see; nothing by default.")
    alerts: AlertsOut
    reachable: bool = Field(
        description="Whether Kithkin can tell them anything: linked, or a weekly email on."
    )
    link_expires_at: datetime | None = Field(
        description="When the current invitation link stops working; null if none is live."
    )
    last_look_at: datetime | None = Field(description="When they last opened what you share.")
    created_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_status(obj: Partnership) -> str:
        if obj.revoked_at is not None:
            return "revoked"
        # As Partnership.objects.for_partner reads it: an account that has since been
        # deleted leaves the partnership waiting for someone again.
        linked = obj.partner_id is not None and obj.accepted_at is not None
        return "accepted" if linked else "invited"

    @staticmethod
    def resolve_partner_username(obj: Partnership) -> str | None:
        return obj.partner.username if obj.partner is not None else None

    @staticmethod
    def resolve_shares(obj: Partnership) -> list[str]:
        return sharing.shared_items(obj)

    @staticmethod
    def resolve_alerts(obj: Partnership) -> dict[str, Any]:
        return {
            "no_checkin_days": obj.alert_no_checkin_days,
            "low_mood_days": obj.alert_low_mood_days,
            "consent_at": obj.alert_consent_at,
        }


class PartnerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: PartnerName = Field(examples=["Sam"])
    email: PartnerEmail = Field(
        "", description="Only for a weekly email to someone without an account here."
    )
    weekly_email: StrictBool = Field(False, description="Needs `email`.")


class PartnerPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: PartnerName | Omitted = None
    email: PartnerEmail | Omitted = Field(None, description="An empty string removes it.")
    weekly_email: StrictBool | Omitted = None

    _present = field_validator("name", "email", "weekly_email")(not_null)


class SharesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    shares: Annotated[list[ShareItem], Field(max_length=len(ShareItem)), AfterValidator(unique)]


class AlertsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    no_checkin_days: NoCheckinDays | None = Field(None, description="null: no such alert.")
    low_mood_days: LowMoodDays | None = Field(None, description="null: no such alert.")
    consent: StrictBool = Field(
        False,
        description="true to agree that Kithkin may send them these short notes about you; "
        "needed whenever an alert is on. With both alerts null they're turned off and the "
        "consent is cleared.",
    )


class InviteOut(Schema):
    link: str = Field(description="Send it to them. It works once; shown this once.")
    expires_at: datetime


class LookOut(Schema):
    at: datetime


def _partnerships(owner: User) -> QuerySet[Partnership]:
    now = timezone.now()
    last_look = PartnerLook.objects.filter(owner=owner, partnership=OuterRef("pk")).order_by("-at")
    live_link = PartnerInvite.objects.filter(
        owner=owner, partnership=OuterRef("pk"), used_at__isnull=True, expires_at__gt=now
    ).order_by("-expires_at")
    return (
        Partnership.objects.filter(owner=owner)
        .select_related("partner")
        .annotate(
            last_look_at=Subquery(last_look.values("at")[:1]),
            link_expires_at=Subquery(live_link.values("expires_at")[:1]),
        )
    )


def _get_partnership_for_user(request: HttpRequest, pk: int) -> Partnership:
    return get_object_or_404(_partnerships(_owner(request)), pk=pk)


def _ended(partnership: Partnership) -> Status[dict[str, str]]:
    return Status(
        409,
        {
            "code": "ended",
            "message": f"This partnership with {partnership.name} has ended and is kept as "
            "it was. Add them again to start afresh.",
        },
    )


def _read_back(request: HttpRequest, partnership: Partnership) -> Partnership:
    return _get_partnership_for_user(request, partnership.pk)


def _partner_form(data: dict[str, Any]) -> PartnerForm:
    form = PartnerForm(data)
    if not form.is_valid():
        raise form_invalid(form)
    return form


@router.get(
    "",
    response={200: list[PartnershipOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your partners, newest first (ended ones too)",
)
@paginate(Pages)
def list_partners(request: HttpRequest) -> QuerySet[Partnership]:
    return _partnerships(_owner(request)).order_by("-created_at", "-pk")


@router.post(
    "",
    response={201: PartnershipOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Add a partner",
    description="Nothing is shared until you choose (PUT …/shares). To link their "
    "account, make an invitation link (POST …/invite) and send it to them.",
)
def create_partner(request: HttpRequest, payload: PartnerIn) -> Status[Partnership]:
    form = _partner_form(payload.model_dump())
    data = form.cleaned_data
    partnership = actions.do_create_partnership(
        _owner(request), data["name"], data["email"], data["weekly_email"]
    )
    return Status(201, _read_back(request, partnership))


@router.get(
    "/{id}",
    response={200: PartnershipOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One partner",
)
def get_partner(request: HttpRequest, id: ObjectId) -> Partnership:
    return _get_partnership_for_user(request, id)


@router.patch(
    "/{id}",
    response={
        200: PartnershipOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Change a partner's name, email or weekly email",
    description="Only the fields you send change. A weekly email needs an email address.",
)
def update_partner(request: HttpRequest, id: ObjectId, payload: PartnerPatch) -> Status[Any]:
    partnership = _get_partnership_for_user(request, id)
    if partnership.revoked_at is not None:
        return _ended(partnership)
    current = {
        "name": partnership.name,
        "email": partnership.email,
        "weekly_email": partnership.weekly_email,
    }
    form = _partner_form({**current, **payload.model_dump(exclude_unset=True)})
    data = form.cleaned_data
    actions.do_update_partnership(partnership, data["name"], data["email"], data["weekly_email"])
    return Status(200, _read_back(request, partnership))


@router.put(
    "/{id}/shares",
    response={
        200: PartnershipOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Choose what they can see",
    description="The whole list: anything left out stops being shared at once. Check-in "
    "notes and tags and the people in your circle are never shared.",
)
def set_shares(request: HttpRequest, id: ObjectId, payload: SharesIn) -> Status[Any]:
    partnership = _get_partnership_for_user(request, id)
    if partnership.revoked_at is not None:
        return _ended(partnership)
    form = SharesForm({"shares": [str(item) for item in payload.shares]})
    if not form.is_valid():
        raise form_invalid(form)
    actions.do_set_shares(partnership, form.cleaned_data["shares"])
    return Status(200, _read_back(request, partnership))


@router.put(
    "/{id}/alerts",
    response={
        200: PartnershipOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Turn alerts to them on or off",
    description="An alert on needs `consent: true`, recorded as `alerts.consent_at`; "
    "without it nothing changes (422). Both null turns alerts off and clears the "
    "consent. Alerts only reach a partner Kithkin can reach (see `reachable`).",
)
def set_alerts(request: HttpRequest, id: ObjectId, payload: AlertsIn) -> Status[Any]:
    partnership = _get_partnership_for_user(request, id)
    if partnership.revoked_at is not None:
        return _ended(partnership)
    form = AlertsForm(
        {
            "no_checkin": payload.no_checkin_days is not None,
            "no_checkin_days": payload.no_checkin_days,
            "low_mood": payload.low_mood_days is not None,
            "low_mood_days": payload.low_mood_days,
            "consent": payload.consent,
        },
        name=partnership.name,
    )
    if not form.is_valid():
        raise form_invalid(form)
    no_checkin, low_mood = form.days()
    actions.do_set_alerts(partnership, no_checkin, low_mood)
    return Status(200, _read_back(request, partnership))


@router.post(
    "/{id}/invite",
    response={
        201: InviteOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Make a new invitation link",
    description="It works once and for a week; an older link not yet used stops working. "
    "Someone already linked answers 409 `linked`.",
)
def make_invite(request: HttpRequest, id: ObjectId) -> Status[Any]:
    partnership = _get_partnership_for_user(request, id)
    if partnership.revoked_at is not None:
        return _ended(partnership)
    if partnership.partner_id is not None:
        message = _("%(name)s is already linked.") % {"name": partnership.name}
        return Status(409, {"code": "linked", "message": message})
    invite, plain = actions.do_make_invite(partnership)
    link = request.build_absolute_uri(reverse("partner_accept", args=[plain]))
    return Status(201, {"link": link, "expires_at": invite.expires_at})


@router.post(
    "/{id}/revoke",
    response={200: PartnershipOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="End the partnership",
    description="At once they can no longer see anything, links stop working, alerts and "
    "the weekly email stop, and notes not yet delivered are dropped. Ending one that has "
    "already ended changes nothing.",
)
def revoke_partner(request: HttpRequest, id: ObjectId) -> Partnership:
    partnership = _get_partnership_for_user(request, id)
    if partnership.revoked_at is None:
        actions.do_revoke(partnership)
    return _read_back(request, partnership)


@router.get(
    "/{id}/looks",
    response={200: list[LookOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="When they opened what you share, newest first",
)
@paginate(Pages)
def list_looks(request: HttpRequest, id: ObjectId) -> QuerySet[PartnerLook]:
    partnership = _get_partnership_for_user(request, id)
    return PartnerLook.objects.filter(owner=partnership.owner_id, partnership=partnership).order_by(
        "-at", "-pk"
    )
