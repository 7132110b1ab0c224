from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.models import Interaction, InteractionPerson, Person, Ring


def _person(owner: User, name: str, ring: int = Ring.WIDER, **extra: object) -> Person:
    return Person.objects.create(owner=owner, name=name, ring=ring, **extra)


def _contact(owner: User, person: Person, days_ago: int, **extra: object) -> Interaction:
    i = Interaction.objects.create(
        owner=owner,
        channel="call",
        happened_at=timezone.now() - timedelta(days=days_ago),
        **extra,
    )
    InteractionPerson.objects.create(owner=owner, interaction=i, person=person)
    return i


@pytest.mark.django_db
def test_people_are_grouped_by_ring(
    alice_client: Client, alice: User, django_assert_max_num_queries
) -> None:
    sam = _person(alice, "Sam", Ring.INNER)
    _person(alice, "Luis", Ring.ACQUAINTANCE)
    _person(alice, "Old friend", Ring.CLOSE, archived_at=timezone.now())
    _contact(alice, sam, days_ago=3)
    with django_assert_max_num_queries(6):
        html = alice_client.get(reverse("people")).content.decode()
    assert html.index("Inner circle") < html.index("Sam") < html.index("Acquaintances")
    assert html.index("Acquaintances") < html.index("Luis")
    assert "in touch 3\xa0days ago" in html
    assert "Old friend" not in html


@pytest.mark.django_db
def test_an_empty_circle_is_welcomed_kindly(alice_client: Client) -> None:
    assert "Nobody here yet, and that" in alice_client.get(reverse("people")).content.decode()


@pytest.mark.django_db
def test_a_persons_page_shows_their_timeline(alice_client: Client, alice: User) -> None:
    sam = _person(alice, "Sam", Ring.INNER)
    _contact(alice, sam, days_ago=2, feeling_after="lifted", note="Walk by the river")
    html = alice_client.get(reverse("person", args=[sam.pk])).content.decode()
    assert "Walk by the river" in html
    assert "felt lifted" in html


@pytest.mark.django_db
def test_charlie_never_sees_alices_people(
    charlie_client: Client, alice: User, charlie: User
) -> None:
    sam = _person(alice, "Sam", Ring.INNER)
    assert charlie_client.get(reverse("person", args=[sam.pk])).status_code == 404
    assert "Sam" not in charlie_client.get(reverse("people")).content.decode()
