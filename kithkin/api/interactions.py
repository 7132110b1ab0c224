"""/api/v1/interactions: contacts, in either direction, with zero or more people."""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.errors import ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from kithkin.accounts.models import User
from kithkin.api.schemas import (
    ErrorOut,
    InteractionFilters,
    InteractionIn,
    InteractionOut,
    InteractionPatch,
    ObjectId,
    Pages,
)
from kithkin.circle import actions
from kithkin.circle.models import Interaction, InteractionPerson, Person
from kithkin.lib.http import request_owner as _owner

router = Router(tags=["interactions"])


def _interactions(owner: User) -> QuerySet[Interaction]:
    # Only the person ids are needed: prefetch the through rows, not the people.
    links = InteractionPerson.objects.only("interaction_id", "person_id")
    return (
        Interaction.objects.live()
        .filter(owner=owner)
        .prefetch_related(Prefetch("interactionperson_set", queryset=links))
    )


def _get_interaction_for_user(request: HttpRequest, pk: int) -> Interaction:
    return get_object_or_404(_interactions(_owner(request)), pk=pk)


def people_for_user(owner: User, ids: list[int]) -> list[Person]:
    """The owner's people with these ids, in order; a 422 naming any that aren't.

    Someone else's person and one that doesn't exist get the same answer, so an
    id says nothing about other accounts.
    """
    found = Person.objects.filter(owner=owner, pk__in=ids).in_bulk()
    unknown = [(i, pk) for i, pk in enumerate(ids) if pk not in found]
    if unknown:
        raise ValidationError(
            [
                {
                    "type": "unknown_person",
                    "loc": ["body", "payload", "people", i],
                    "msg": f"There is no person {pk} in your circle.",
                }
                for i, pk in unknown
            ]
        )
    return [found[pk] for pk in ids]


@router.get(
    "",
    response={200: list[InteractionOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your contacts, newest first",
)
@paginate(Pages)
def list_interactions(
    request: HttpRequest, filters: Query[InteractionFilters]
) -> QuerySet[Interaction]:
    found = _interactions(_owner(request))
    if filters.person is not None:
        found = found.filter(interactionperson__person_id=filters.person)
    if filters.since is not None:
        found = found.filter(happened_at__gte=filters.since)
    return found.order_by("-happened_at", "-pk")


@router.post(
    "",
    response={201: InteractionOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Log a contact",
    description="Updates each person's last contact and when they are next due.",
)
def log_interaction(request: HttpRequest, payload: InteractionIn) -> Status[Interaction]:
    owner = _owner(request)
    people = people_for_user(owner, payload.people)
    created = actions.do_log_interaction(
        owner,
        people,
        channel=payload.channel,
        size=payload.size,
        initiated_by=payload.initiated_by,
        happened_at=payload.happened_at,
        feeling_after=payload.feeling_after or "",
        awaiting_reply=payload.awaiting_reply,
        note=payload.note,
    )
    return Status(201, _get_interaction_for_user(request, created.pk))


@router.get(
    "/{id}",
    response={200: InteractionOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One contact",
)
def get_interaction(request: HttpRequest, id: ObjectId) -> Interaction:
    return _get_interaction_for_user(request, id)


@router.patch(
    "/{id}",
    response={200: InteractionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a contact",
    description="Only the fields you send change; `people` replaces the whole list.",
)
def update_interaction(
    request: HttpRequest, id: ObjectId, payload: InteractionPatch
) -> Interaction:
    owner = _owner(request)
    interaction = _get_interaction_for_user(request, id)
    changes = payload.model_dump(exclude_unset=True)
    people = people_for_user(owner, changes.pop("people")) if "people" in changes else None
    if "feeling_after" in changes:
        changes["feeling_after"] = changes["feeling_after"] or ""
    if changes or people is not None:
        actions.do_update_interaction(interaction, people=people, **changes)
    return _get_interaction_for_user(request, id)


@router.delete(
    "/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Delete a contact",
    description="It stops counting at once. For a few minutes it can be brought back "
    "with POST /interactions/{id}/restore, as the web app's undo does.",
)
def delete_interaction(request: HttpRequest, id: ObjectId) -> Status[None]:
    actions.do_delete_interaction(_get_interaction_for_user(request, id))
    return Status(204, None)


@router.post(
    "/{id}/restore",
    response={
        200: InteractionOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Bring back a contact you deleted",
    description="The web app's undo: within a few minutes of deleting it, the contact "
    "counts again as before. Later it can't be brought back (409 `too_late`). A contact "
    "that wasn't deleted is simply given back.",
)
def restore_interaction(request: HttpRequest, id: ObjectId) -> Interaction | Status[Any]:
    # Only undo reaches a deleted contact; everything else treats it as gone.
    interaction = get_object_or_404(Interaction.objects, pk=id, owner=_owner(request))
    if not actions.do_undo_delete(interaction):
        return Status(
            409,
            {
                "code": "too_late",
                "message": "That was deleted a while ago, so it can't be brought back now.",
                "details": [],
            },
        )
    return _get_interaction_for_user(request, id)
