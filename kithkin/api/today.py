"""/api/v1/today and /api/v1/suggestions: the same loop as the Today page."""

from __future__ import annotations

from typing import Literal, cast

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthorizationError, HttpError
from pydantic import ConfigDict

from kithkin.accounts.models import ApiToken
from kithkin.api.schemas import ErrorOut, ObjectId
from kithkin.lib.http import request_owner as _owner
from kithkin.today import actions, reasons
from kithkin.today.models import DayEnergy, Suggestion

router = Router(tags=["today"])

EnergyName = Literal["low", "some", "good"]


class TodayQuery(Schema):
    energy: EnergyName | None = Field(
        None,
        description="How much energy you have; remembered for the day. "
        "Leave out to use what you said earlier today.",
    )
    limit: int = Field(3, ge=1, le=3, description="How many suggestions, 1 to 3.")


class SuggestionOut(Schema):
    id: int
    person_id: int | None
    idea: str
    effort: Literal["tiny", "small", "main"]
    channel: str
    title: str
    reason: str
    draft: str
    outcome: Literal["done", "not_today", "give_space", "another"] | None


class TodayOut(Schema):
    energy: EnergyName
    suggestions: list[SuggestionOut]


class RespondIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["done", "not_today", "give_space", "another"]
    feeling_after: Literal["lifted", "neutral", "drained"] | None = None


class RespondOut(Schema):
    suggestion: SuggestionOut
    interaction_id: int | None
    replacement: SuggestionOut | None


def _out(s: Suggestion) -> SuggestionOut:
    now = timezone.localtime(timezone.now(), s.owner.zone)
    person = s.person
    return SuggestionOut(
        id=s.pk,
        person_id=s.person_id,
        idea=s.idea.slug,
        effort=s.idea.effort,  # type: ignore[arg-type]
        channel=s.idea.channel,
        title=s.idea.title.replace("{name}", person.name if person else ""),
        reason=" ".join(t for r in s.reasons if (t := reasons.describe(r, person, now))),
        draft=s.draft,
        outcome=s.outcome or None,  # type: ignore[arg-type]
    )


@router.get(
    "/today",
    response={200: TodayOut, 401: ErrorOut, 422: ErrorOut},
    summary="Today's suggestions for your energy",
    description="Saying an energy that differs from earlier today makes fresh suggestions; "
    "otherwise the ones still open today come back, so calling this twice is safe.",
)
def today(request: HttpRequest, query: Query[TodayQuery]) -> TodayOut:
    owner = _owner(request)
    now = timezone.localtime(timezone.now(), owner.zone)
    known = DayEnergy.objects.filter(owner=owner, day=now.date()).values_list("energy", flat=True)
    energy = query.energy or known.first()
    if energy is None:
        raise HttpError(422, "Say how much energy you have today: ?energy=low, some or good.")
    stored = Suggestion.objects.filter(owner=owner, day=now.date())
    if energy != known.first() or not stored.exists():
        # Only a new energy, or the first ask of the day, makes suggestions.
        token = cast(ApiToken, request.auth)  # type: ignore[attr-defined]
        if token.scope != ApiToken.Scope.WRITE:
            raise AuthorizationError(
                message="Saying today's energy makes suggestions, which needs a "
                "read-and-write token."
            )
        with transaction.atomic():
            actions.do_make_suggestions(owner, energy, limit=query.limit)
    shown = actions.still_fine(
        owner, now, list(stored.select_related("idea", "person", "owner").order_by("position"))
    )
    open_ones = [_out(s) for s in shown if not s.outcome][: query.limit]
    return TodayOut(energy=energy, suggestions=open_ones)  # type: ignore[arg-type]


@router.post(
    "/suggestions/{id}/respond",
    response={200: RespondOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Answer a suggestion",
    description="`done` logs a contact of the idea's channel and size with that person "
    "(and how it felt, if you say). Nothing is ever counted against you.",
)
def respond(request: HttpRequest, id: ObjectId, payload: RespondIn) -> RespondOut:
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("idea", "person", "owner"), pk=id, owner=_owner(request)
    )
    if suggestion.outcome:
        raise HttpError(422, "This suggestion has already been answered.")
    if payload.outcome == "give_space" and suggestion.person_id is None:
        raise HttpError(422, "Giving space is for a suggestion about someone.")
    replacement = actions.do_respond(suggestion, payload.outcome, payload.feeling_after or "")
    return RespondOut(
        suggestion=_out(suggestion),
        interaction_id=suggestion.interaction_id,
        replacement=_out(replacement) if replacement else None,
    )
