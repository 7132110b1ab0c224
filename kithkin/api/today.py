"""/api/v1/today and /api/v1/suggestions: the same loop as the Today page.

Also what hangs off Today: the messages still waiting for a reply, the words
saved for tough days, the ideas Today picks from, and notes from partners.
"""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

from datetime import datetime
from typing import Annotated, Any, Literal, cast

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthorizationError, HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, ConfigDict, StrictInt, StringConstraints

from kithkin.accounts.models import ApiToken, User
from kithkin.api.forms import form_invalid
from kithkin.api.schemas import ErrorOut, ObjectId, Pages, no_nul
from kithkin.circle import actions as circle_actions
from kithkin.circle.models import Channel, Initiator, Interaction, InteractionPerson
from kithkin.lib.http import request_owner as _owner
from kithkin.partners.models import PartnerNote
from kithkin.today import actions, drafts
from kithkin.today.forms import IdeaForm, SavedMessageForm
from kithkin.today.models import HiddenIdea, Idea, SavedMessage, Suggestion

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
    return SuggestionOut(
        id=s.pk,
        person_id=s.person_id,
        idea=s.idea.slug,
        effort=s.idea.effort,  # type: ignore[arg-type]
        channel=s.idea.channel,
        title=actions.title_of(s),
        reason=" ".join(actions.why_of(s, now)),
        draft=s.draft,
        outcome=s.outcome or None,  # type: ignore[arg-type]
    )


@router.get(
    "/today",
    response={200: TodayOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Today's suggestions for your energy",
    description="Saying an energy that differs from earlier today makes fresh suggestions; "
    "otherwise the ones still open today come back, so calling this twice is safe. "
    "Making suggestions writes, so a read-only token gets 403 when this call would make them.",
)
def today(request: HttpRequest, query: Query[TodayQuery]) -> TodayOut:
    owner = _owner(request)
    now = timezone.localtime(timezone.now(), owner.zone)
    energy = query.energy or actions.energy_of(owner, now.date())
    if energy is None:
        raise HttpError(422, "Say how much energy you have today: ?energy=low, some or good.")
    if actions.makes_suggestions(owner, now.date(), energy):
        token = cast(ApiToken, request.auth)  # type: ignore[attr-defined]
        if token.scope != ApiToken.Scope.WRITE:
            raise AuthorizationError(
                message="Saying today's energy makes suggestions, which needs a "
                "read-and-write token."
            )
        actions.do_make_suggestions(owner, energy, limit=query.limit)
    return _today_out(owner, now, energy, query.limit)


def _today_out(owner: User, now: datetime, energy: str, limit: int) -> TodayOut:
    """Today's open suggestions that may still be shown now, as the page shows them."""
    shown = actions.todays_suggestions(owner, now)
    open_ones = [_out(s) for s in shown if not s.outcome][:limit]
    return TodayOut(energy=energy, suggestions=open_ones)  # type: ignore[arg-type]


class EnergyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    energy: EnergyName
    limit: StrictInt = Field(3, ge=1, le=3, description="How many suggestions, 1 to 3.")


@router.put(
    "/today/energy",
    response={200: TodayOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Say how much energy you have today",
    description="Like tapping an energy on Today: it is remembered for the day, open "
    "suggestions from earlier today make way for fresh ones, and answered ones stay. "
    "Nothing shown earlier today is offered again.",
)
def set_energy(request: HttpRequest, payload: EnergyIn) -> TodayOut:
    owner = _owner(request)
    actions.do_make_suggestions(owner, payload.energy, limit=payload.limit)
    now = timezone.localtime(timezone.now(), owner.zone)
    return _today_out(owner, now, payload.energy, payload.limit)


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


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError([{"type": "invalid", "loc": ["body", "payload", field], "msg": message}])


# --- The words of a suggestion -------------------------------------------------------

ToneName = Literal["warm", "light", "brief"]


class ToneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    tone: ToneName = Field(description="warm (warmer), light (lighter) or brief (shorter).")


@router.post(
    "/suggestions/{id}/tone",
    response={
        200: SuggestionOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Offer a suggestion's words in another tone",
    description='The page\'s "warmer", "lighter" and "shorter": `draft` is written '
    "again in that tone. Only suggestions that come with words to send have a tone.",
)
def change_tone(request: HttpRequest, id: ObjectId, payload: ToneIn) -> SuggestionOut:
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("idea", "person", "owner"), pk=id, owner=_owner(request)
    )
    situation = suggestion.idea.situation
    if not situation:
        raise _refused("tone", "This suggestion has no words to send, so it has no tone.")
    offered = drafts.tones(situation)
    if payload.tone not in offered:
        raise _refused("tone", f"These words come as {', '.join(offered)}.")
    actions.do_change_tone(suggestion, payload.tone)
    return _out(suggestion)


# --- Waiting for a reply ---------------------------------------------------------------


class WaitingOut(Schema):
    interaction_id: int = Field(description="The contact you sent.")
    person_id: int
    person: str = Field(description="Their name.")
    channel: Channel
    happened_at: datetime

    @staticmethod
    def resolve_person(obj: InteractionPerson) -> str:
        return obj.person.name

    @staticmethod
    def resolve_channel(obj: InteractionPerson) -> str:
        return obj.interaction.channel


@router.get(
    "/today/waiting",
    response={200: list[WaitingOut], 401: ErrorOut, 422: ErrorOut},
    summary="What you sent that is still waiting for a reply",
    description="Newest first, one row for each person a message went to. Replies are "
    "often slow for ordinary reasons; a message leaves this list when they get in "
    "touch, or when you say you're not waiting any more.",
)
@paginate(Pages)
def list_waiting(request: HttpRequest) -> QuerySet[InteractionPerson]:
    return actions.waiting(_owner(request)).only(
        "interaction_id", "person_id", "happened_at", "person__name", "interaction__channel"
    )


@router.post(
    "/today/waiting/{id}/done",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="I'm not waiting any more",
    description="`id` is the contact you sent. It stays logged, no longer marked as "
    "waiting for a reply.",
)
def stop_waiting(request: HttpRequest, id: ObjectId) -> Status[None]:
    interaction = get_object_or_404(
        Interaction.objects.live(), pk=id, owner=_owner(request), initiated_by=Initiator.ME
    )
    circle_actions.do_update_interaction(interaction, awaiting_reply=False)
    return Status(204, None)


# --- Pages' forms --------------------------------------------------------------------------


def _saved_through(form: forms.ModelForm) -> Any:
    """Save through the page's own form, so its rules are the same here; when it
    refuses, a 422 with its words, and nothing is written."""
    if not form.is_valid():
        raise form_invalid(form)
    return form.save()


# --- Messages for tough days -------------------------------------------------------------


class ShareLinksOut(Schema):
    sms: str
    email: str
    whatsapp: str


class SavedMessageOut(Schema):
    id: int
    label: str = Field(description="What it is for: a check-in, a walk, a tough day.")
    text: str
    created_at: datetime
    links: ShareLinksOut = Field(description="Links that open your own apps with the words.")

    @staticmethod
    def resolve_links(obj: SavedMessage) -> dict[str, str]:
        return drafts.share_links(obj.text)


class SavedMessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    label: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
        AfterValidator(no_nul),
    ] = Field(description="What it is for: a check-in, a walk, a tough day.")
    text: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
        AfterValidator(no_nul),
    ]


@router.get(
    "/saved-messages",
    response={200: list[SavedMessageOut], 401: ErrorOut, 422: ErrorOut},
    summary="Messages you kept for tough days",
)
@paginate(Pages)
def list_saved_messages(request: HttpRequest) -> QuerySet[SavedMessage]:
    return SavedMessage.objects.filter(owner=_owner(request)).order_by("label", "pk")


@router.post(
    "/saved-messages",
    response={201: SavedMessageOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Keep a message for a day when words are hard",
)
def create_saved_message(request: HttpRequest, payload: SavedMessageIn) -> Status[Any]:
    form = SavedMessageForm(payload.model_dump(), instance=SavedMessage(owner=_owner(request)))
    return Status(201, _saved_through(form))


@router.delete(
    "/saved-messages/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Remove a kept message",
)
def delete_saved_message(request: HttpRequest, id: ObjectId) -> Status[None]:
    if not actions.delete_saved_message(_owner(request), id):
        raise Http404
    return Status(204, None)


# --- Ideas -------------------------------------------------------------------------------------

EffortName = Literal["tiny", "small", "main"]
TargetName = Literal["person", "community", "stranger", "self"]


class IdeaOut(Schema):
    id: int
    slug: str
    title: str = Field(description="`{name}` stands for the person it is suggested with.")
    effort: EffortName
    target: TargetName
    channel: Channel
    energies: list[EnergyName] = Field(description="The energies it is offered on.")
    why: str
    own: bool = Field(description="One you added (else from Kithkin's shared list).")
    hidden: bool = Field(description="Hidden: Today doesn't offer it.")

    @staticmethod
    def resolve_own(obj: Idea) -> bool:
        return obj.owner_id is not None


class IdeaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        AfterValidator(no_nul),
    ] = Field(description="Your idea, in your words.")
    target: TargetName = Field(description="Who it is with.")
    channel: Channel
    effort: EffortName
    energies: list[EnergyName] = Field(
        ["some", "good"],
        min_length=1,
        max_length=3,
        description="Good for days with this energy. On running-low days only tiny "
        "steps are offered.",
    )
    why: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(no_nul)
    ] = Field("", description="Why it helps you (optional).")


class IdeaFilters(Schema):
    hidden: bool | None = Field(None, description="Only hidden ideas (true) or the others.")


def _hidden(owner: User) -> Exists:
    return Exists(HiddenIdea.objects.filter(owner=owner, idea=OuterRef("pk")))


def _ideas(owner: User) -> QuerySet[Idea]:
    return Idea.objects.for_owner(owner).annotate(hidden=_hidden(owner))


def _get_idea_for_user(request: HttpRequest, pk: int) -> Idea:
    return get_object_or_404(_ideas(_owner(request)), pk=pk)


@router.get(
    "/ideas",
    response={200: list[IdeaOut], 401: ErrorOut, 422: ErrorOut},
    summary="The ideas Today picks from",
    description="Kithkin's shared ideas and your own, by effort and then title.",
)
@paginate(Pages)
def list_ideas(request: HttpRequest, filters: Query[IdeaFilters]) -> QuerySet[Idea]:
    owner = _owner(request)
    found = _ideas(owner)
    if filters.hidden is True:
        found = found.filter(_hidden(owner))
    elif filters.hidden is False:
        found = found.exclude(_hidden(owner))
    return found.order_by("effort", "title", "pk")


@router.post(
    "/ideas",
    response={201: IdeaOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Add an idea of your own",
    description="It is in the mix for Today at once.",
)
def create_idea(request: HttpRequest, payload: IdeaIn) -> Status[Any]:
    owner = _owner(request)
    data = {**payload.model_dump(), "energies": list(dict.fromkeys(payload.energies))}
    idea = _saved_through(IdeaForm(owner, data))
    return Status(201, get_object_or_404(_ideas(owner), pk=idea.pk))


@router.post(
    "/ideas/{id}/hide",
    response={200: IdeaOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Hide an idea",
    description="Today stops offering it, including any open suggestion of it today.",
)
def hide_idea(request: HttpRequest, id: ObjectId) -> Idea:
    actions.hide_idea(_owner(request), _get_idea_for_user(request, id))
    return _get_idea_for_user(request, id)


@router.post(
    "/ideas/{id}/show",
    response={200: IdeaOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Show a hidden idea again",
)
def show_idea(request: HttpRequest, id: ObjectId) -> Idea:
    actions.show_idea(_owner(request), _get_idea_for_user(request, id))
    return _get_idea_for_user(request, id)


# --- Notes from partners -----------------------------------------------------------------


class PartnerNoteOut(Schema):
    id: int
    partner: str = Field(description="What you call the partner who wrote it.")
    text: str
    created_at: datetime

    @staticmethod
    def resolve_partner(obj: PartnerNote) -> str:
        return obj.partnership.name


@router.get(
    "/partner-notes",
    response={200: list[PartnerNoteOut], 401: ErrorOut, 422: ErrorOut},
    summary='"Thinking of you" notes from your partners',
    description='The ones you haven\'t said "thank you, got it" to, from partners you '
    "still share with, newest first: what Today shows.",
)
@paginate(Pages)
def list_partner_notes(request: HttpRequest) -> QuerySet[PartnerNote]:
    return actions.partner_notes(_owner(request))


@router.post(
    "/partner-notes/{id}/seen",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Thank you, got it",
    description="The note leaves Today, and any reminder about it.",
)
def partner_note_seen(request: HttpRequest, id: ObjectId) -> Status[None]:
    actions.mark_note_seen(get_object_or_404(PartnerNote, pk=id, owner=_owner(request)))
    return Status(204, None)
