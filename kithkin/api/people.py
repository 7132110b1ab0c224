"""/api/v1/people: the people in the token owner's circle."""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from kithkin.api.schemas import (
    ErrorOut,
    ObjectId,
    Pages,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
    birthday_parts,
    quiet_times,
)
from kithkin.circle import actions
from kithkin.circle.models import RING_BY_SLUG, Person
from kithkin.lib.http import request_owner as _owner

router = Router(tags=["people"])


def _get_person_for_user(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(Person, pk=pk, owner=_owner(request))


def _apply(person: Person, data: dict[str, Any]) -> None:
    """Copy validated API fields onto the model, in its own shape."""
    for field, value in data.items():
        if field == "ring":
            person.ring = RING_BY_SLUG[value]
        elif field == "quiet_hours":
            person.quiet_start, person.quiet_end = quiet_times(value)
        elif field == "birthday":
            year, month, day = birthday_parts(value)
            person.birthday_year, person.birthday_month, person.birthday_day = year, month, day
        elif field == "channels":
            person.channels = [str(c) for c in value]
        elif field != "archived":  # archiving has its own action
            setattr(person, field, value)


@router.get(
    "",
    response={200: list[PersonOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your people, by ring and name",
)
@paginate(Pages)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> QuerySet[Person]:
    people = Person.objects.filter(owner=_owner(request), archived_at__isnull=not filters.archived)
    if filters.ring is not None:
        people = people.filter(ring=RING_BY_SLUG[filters.ring])
    if filters.q:
        q = filters.q.strip()
        people = people.filter(Q(name__icontains=q) | Q(nickname__icontains=q))
    return people.order_by("ring", "name", "pk")


@router.post(
    "",
    response={201: PersonOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Add someone to your circle",
)
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    person = Person(owner=_owner(request))
    _apply(person, payload.model_dump())
    with transaction.atomic():
        actions.do_save_person(person)
        if payload.archived:
            actions.do_set_archived(person, True)
    return Status(201, person)


@router.get(
    "/{id}",
    response={200: PersonOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One person",
)
def get_person(request: HttpRequest, id: ObjectId) -> Person:
    return _get_person_for_user(request, id)


@router.patch(
    "/{id}",
    response={200: PersonOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change some of a person's details",
    description="Only the fields you send change. `null` clears the fields that can be empty.",
)
def update_person(request: HttpRequest, id: ObjectId, payload: PersonPatch) -> Person:
    person = _get_person_for_user(request, id)
    data = payload.model_dump(exclude_unset=True)
    _apply(person, data)
    with transaction.atomic():
        if data.keys() - {"archived"}:
            actions.do_save_person(person)
        if "archived" in data and data["archived"] != (person.archived_at is not None):
            actions.do_set_archived(person, data["archived"])
    return person


@router.delete(
    "/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Remove someone for good",
    description="The contacts you logged with them stay in your history. "
    "To set someone aside instead, PATCH `archived: true`.",
)
def delete_person(request: HttpRequest, id: ObjectId) -> Status[None]:
    person = _get_person_for_user(request, id)
    # Nothing stored elsewhere depends on them: their interactions stay, with
    # them taken out by the cascade on InteractionPerson.
    actions.do_delete_person(person)
    return Status(204, None)
