"""/api/v1/support: what the "Need support now?" page offers, your safety plan,
"I'm struggling", and Today's support card.

Kithkin is not therapy or a crisis service. Helplines come from the one data file
that holds them (support/data/helplines.json), each with its source and the date
it was last checked, so an app can show that too.
"""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import AfterValidator, ConfigDict, StringConstraints

from kithkin.accounts.models import User
from kithkin.api.forms import form_invalid
from kithkin.api.plans import DayIn
from kithkin.api.schemas import ErrorOut, no_nul
from kithkin.lib.http import request_owner as _owner
from kithkin.support import actions, card, helplines
from kithkin.support.forms import MOST_CHARS, STEPS, SafetyPlanForm
from kithkin.support.models import HardDay, SafetyPlan

router = Router(tags=["support"])

NOT_A_SERVICE = (
    "Kithkin is not therapy or a crisis service. If you might act on thoughts of harming "
    "yourself, or someone is in danger, call your local emergency number now."
)


# --- What the support page lists ---------------------------------------------------------


class LineOut(Schema):
    name: str
    call: str | None = Field(description="A number to call, as written locally.")
    call_href: str | None = Field(description="A tel: link for `call`.")
    text: str | None = Field(description="A number to text.")
    text_body: str | None = Field(description="A word some text lines ask for first.")
    text_href: str | None = Field(description="An sms: link for `text`, with `text_body`.")
    chat_url: str | None
    hours: str
    cost: str | None
    description: str
    source: str = Field(description="The page the details were checked against.")
    last_verified: date


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2.")
    name: str
    emergency: str = Field(description="The local emergency number.")
    emergency_source: str
    emergency_last_verified: date
    lines: list[LineOut]


class DirectoryOut(Schema):
    name: str
    url: str
    description: str
    source: str
    last_verified: date


class ReachOut(Schema):
    person: int = Field(description="The id of someone you trust on hard days.")
    name: str
    sms: str = Field(description="An sms: link with the words filled in; nothing is sent.")
    email: str | None = Field(description="A mailto: link, when an address is known.")


class OtherWordsOut(Schema):
    label: str
    text: str
    people: list[ReachOut]


class MessageSomeoneOut(Schema):
    words: str = Field(description="Your first saved words for tough days, or a few plain ones.")
    own_words: bool = Field(description="Whether `words` are your own.")
    people: list[ReachOut] = Field(description="The people you trust, closest first.")
    other_words: list[OtherWordsOut] = Field(description="Your other saved words.")


class GroundingOut(Schema):
    title: str
    intro: str
    steps: list[str]


class SupportOut(Schema):
    country: CountryOut | None = Field(
        description="The country asked for, or your own (from Settings or your time zone); "
        "null when it isn't known or isn't listed."
    )
    countries: list[CountryOut] = Field(description="Every country listed, `country` first.")
    fallback_emergency: str = Field(
        description="The number that reaches emergency services from a mobile phone in "
        "most of the world."
    )
    directory: DirectoryOut = Field(description="Helplines for anywhere not listed here.")
    grounding: GroundingOut = Field(description="A minute to steady yourself.")
    message_someone: MessageSomeoneOut
    has_safety_plan: bool
    note: str


class SupportQuery(Schema):
    country: str | None = Field(
        None,
        pattern=r"^[A-Za-z]{2}$",
        description="A country code (ISO 3166-1 alpha-2) to show the helplines of.",
    )


def _line(line: helplines.Line) -> dict[str, Any]:
    return {
        "name": line.name,
        "call": line.call,
        "call_href": line.call_href,
        "text": line.text,
        "text_body": line.text_body,
        "text_href": line.text_href,
        "chat_url": line.chat_url,
        "hours": line.hours,
        "cost": line.cost_label,
        "description": line.description,
        "source": line.source,
        "last_verified": line.last_verified,
    }


def _country(c: helplines.Country) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "emergency": c.emergency,
        "emergency_source": c.emergency_source,
        "emergency_last_verified": c.emergency_last_verified,
        "lines": [_line(line) for line in c.lines],
    }


def _reach(r: card.Reach) -> dict[str, Any]:
    return {"person": r.person.pk, "name": r.person.name, "sms": r.sms, "email": r.email}


def _grounding() -> dict[str, Any]:
    # The support page's words (templates/support/support.html), so they share
    # their translations.
    return {
        "title": _("A minute to steady yourself"),
        "intro": _(
            "If everything feels like too much, try this slowly. There's no wrong way to do it."
        ),
        "steps": [
            _("Put your feet flat on the floor. Breathe out, longer than you breathe in."),
            _("Name five things you can see."),
            _("Four things you can touch — your sleeve, the chair, the floor under your feet."),
            _("Three things you can hear."),
            _("Two things you can smell, or two smells you like."),
            _(
                "One thing you can taste, or one kind thing you'd say to a friend who "
                "felt like you do now."
            ),
        ],
    }


@router.get(
    "",
    response={200: SupportOut, 401: ErrorOut, 422: ErrorOut},
    summary="Helplines, the emergency number, and people you trust",
    description="What the “Need support now?” page offers: crisis lines by country with "
    "their sources and the dates they were last checked, the local emergency number, the "
    "directory at findahelpline.com, a grounding exercise, and one-tap links to write to "
    f"someone you trust (nothing is sent by Kithkin). {NOT_A_SERVICE}",
)
def get_support(request: HttpRequest, query: Query[SupportQuery]) -> dict[str, Any]:
    owner = _owner(request)
    data = helplines.load()
    if query.country is not None:
        chosen = data.by_code(query.country)
    else:
        chosen = actions.own_country(owner) or data.guess_from_languages(
            request.headers.get("Accept-Language", "")
        )
    with translation.override(owner.locale):
        someone = actions.message_someone(owner)
        return {
            "country": _country(chosen) if chosen else None,
            "countries": [_country(c) for c in data.ordered(chosen)],
            "fallback_emergency": data.fallback_emergency,
            "directory": {
                "name": data.directory.name,
                "url": data.directory.url,
                "description": data.directory.description,
                "source": data.directory.source,
                "last_verified": data.directory.last_verified,
            },
            "grounding": _grounding(),
            "message_someone": {
                "words": someone["words"],
                "own_words": someone["own_words"],
                "people": [_reach(r) for r in someone["trusted"]],
                "other_words": [
                    {
                        "label": item["m"].label,
                        "text": item["m"].text,
                        "people": [_reach(r) for r in item["people"]],
                    }
                    for item in someone["other_words"]
                ],
            },
            "has_safety_plan": SafetyPlan.objects.filter(owner=owner).exists(),
            "note": _("Kithkin is not therapy or a crisis service."),
        }


# --- Today's support card and "I'm struggling" ---------------------------------------------


class CardOut(Schema):
    day: date = Field(description="Your day it is for (in your time zone).")
    shown: bool = Field(
        description="Whether Today shows the card: on a day you said you're struggling, or "
        "after three days running at the lowest mood, unless you put it away for the day."
    )
    asked: bool = Field(description="Whether you said you're struggling today.")
    put_away: bool = Field(description="Whether you put the card away for today.")
    step: str | None = Field(description="One small kind thing to try; the same all day.")
    words: str | None = Field(description="Words to send someone you trust.")
    own_words: bool
    people: list[ReachOut] = Field(description="Up to five people you trust, closest first.")


class DismissIn(Schema):
    model_config = ConfigDict(extra="forbid")

    day: DayIn | None = Field(
        None,
        description="The day the card was shown for (as GET /support/card gave it); if a new "
        "day has begun since, nothing is put away (409). Today when left out.",
    )


def _today(owner: User) -> date:
    return timezone.localdate(timezone=owner.zone)


def _card(owner: User) -> dict[str, Any]:
    today = _today(owner)
    with translation.override(owner.locale):
        shown = card.for_today(owner, today)
    row = HardDay.objects.filter(owner=owner, day=today).values("asked", "dismissed_at").first()
    return {
        "day": today,
        "shown": shown is not None,
        "asked": bool(row and row["asked"]),
        "put_away": bool(row and row["dismissed_at"]),
        "step": shown.step if shown else None,
        "words": shown.words if shown else None,
        "own_words": shown.own_words if shown else False,
        "people": [_reach(r) for r in shown.people] if shown else [],
    }


@router.get(
    "/card",
    response={200: CardOut, 401: ErrorOut},
    summary="Today's support card",
)
def get_support_card(request: HttpRequest) -> dict[str, Any]:
    return _card(_owner(request))


@router.post(
    "/struggling",
    response={200: CardOut, 401: ErrorOut, 403: ErrorOut},
    summary="I'm struggling",
    description="Today keeps the support card close for the rest of the day, even if it "
    f"was put away. Nobody is told. {NOT_A_SERVICE}",
)
def struggling(request: HttpRequest) -> dict[str, Any]:
    owner = _owner(request)
    actions.record_struggling(owner, _today(owner))
    return _card(owner)


@router.post(
    "/card/dismiss",
    response={
        200: CardOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Put the support card away for today",
    description="The support itself stays one request away at GET /api/v1/support.",
)
def dismiss_support_card(request: HttpRequest, payload: DismissIn) -> Status[Any]:
    owner = _owner(request)
    today = _today(owner)
    if payload.day is not None and payload.day != today:
        return Status(
            409,
            {
                "code": "new_day",
                "message": "A new day began since that card was shown, so nothing was put away.",
                "details": [],
            },
        )
    actions.dismiss_card(owner, today)
    return Status(200, _card(owner))


# --- Safety plan --------------------------------------------------------------------------


Step = Annotated[str, StringConstraints(max_length=MOST_CHARS), AfterValidator(no_nul)]


def _described(name: str) -> str:
    label = SafetyPlanForm.base_fields[name].label
    return f"{label}. {dict(STEPS)[name]}"


class SafetyPlanOut(Schema):
    warning_signs: str = Field(description=_described("warning_signs"))
    coping: str = Field(description=_described("coping"))
    distractions: str = Field(description=_described("distractions"))
    helpers: str = Field(description=_described("helpers"))
    professionals: str = Field(description=_described("professionals"))
    safe_environment: str = Field(description=_described("safe_environment"))
    reasons: str = Field(description=_described("reasons"))
    updated_at: datetime


class SafetyPlanIn(Schema):
    """The whole plan: a step left out is empty. At least one step needs some words."""

    model_config = ConfigDict(extra="forbid")

    warning_signs: Step = Field("", description=_described("warning_signs"))
    coping: Step = Field("", description=_described("coping"))
    distractions: Step = Field("", description=_described("distractions"))
    helpers: Step = Field("", description=_described("helpers"))
    professionals: Step = Field("", description=_described("professionals"))
    safe_environment: Step = Field("", description=_described("safe_environment"))
    reasons: Step = Field("", description=_described("reasons"))


NO_PLAN = "There's no safety plan yet. Write one whenever you're ready (PUT this address)."


@router.get(
    "/safety-plan",
    response={200: SafetyPlanOut, 401: ErrorOut, 404: ErrorOut},
    summary="Your safety plan",
    description="Private: only you can see it. The steps follow Stanley & Brown (2012): "
    "warning signs, your own coping, people and places for distraction, people to ask "
    "for help, professionals and crisis lines, making where you are safer, and what "
    "matters most.",
)
def get_safety_plan(request: HttpRequest) -> SafetyPlan:
    plan = SafetyPlan.objects.filter(owner=_owner(request)).first()
    if plan is None:
        raise HttpError(404, NO_PLAN)
    return plan


@router.put(
    "/safety-plan",
    response={
        200: SafetyPlanOut,
        201: SafetyPlanOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ErrorOut,
    },
    summary="Write or rewrite your safety plan",
    description=f"The whole plan: a step left out is left empty. Each step holds up to "
    f"{MOST_CHARS} characters, and at least one needs some words. 201 when it is new.",
)
def put_safety_plan(request: HttpRequest, payload: SafetyPlanIn) -> Status[Any]:
    owner = _owner(request)
    existing = SafetyPlan.objects.filter(owner=owner).first()
    with translation.override(owner.locale):
        form = SafetyPlanForm(payload.model_dump(), instance=existing or SafetyPlan(owner=owner))
        if not form.is_valid():
            raise form_invalid(form)
    plan, created = actions.keep_safety_plan(owner, form.cleaned_data)
    return Status(201 if created else 200, plan)


@router.delete(
    "/safety-plan",
    response={204: None, 401: ErrorOut, 403: ErrorOut},
    summary="Clear your safety plan",
    description="You can write a new one any time. 204 also when there was none.",
)
def delete_safety_plan(request: HttpRequest) -> Status[None]:
    SafetyPlan.objects.filter(owner=_owner(request)).delete()
    return Status(204, None)
