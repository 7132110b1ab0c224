"""Place pages: list, add, change, remove."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.plans.models import Place

pytestmark = pytest.mark.django_db


def _form(**extra: Any) -> dict[str, Any]:
    return {
        "name": "The library",
        "kind": "library",
        "energy": "low",
        "address": "  12 High Street  ",
        "note": "Quiet tables upstairs",
        **extra,
    }


def test_an_empty_list_suggests_ideas(alice_client: Client) -> None:
    html = alice_client.get(reverse("places")).content.decode()
    assert "No places yet" in html and "library" in html and "market" in html
    assert reverse("place_new") in html


def test_it_adds_and_lists_a_place(alice_client: Client, alice: User) -> None:
    r = alice_client.post(reverse("place_new"), _form())
    assert r["Location"] == reverse("places")
    place = Place.objects.get(owner=alice)
    assert (place.name, place.kind, place.address) == ("The library", "library", "12 High Street")
    html = alice_client.get(reverse("places")).content.decode()
    assert "The library" in html and "Quiet tables upstairs" in html and "Low-key" in html


def test_a_web_address_is_a_link_and_other_text_is_not(alice_client: Client, alice: User) -> None:
    Place.objects.create(owner=alice, name="Market", address="https://market.example/")
    Place.objects.create(owner=alice, name="Café", address="javascript:alert(1)")
    html = alice_client.get(reverse("places")).content.decode()
    assert '<a href="https://market.example/"' in html
    assert 'href="javascript' not in html


def test_bad_input_changes_nothing(alice_client: Client) -> None:
    r = alice_client.post(reverse("place_new"), _form(name="", kind="castle"))
    assert r.status_code == 200
    assert set(r.context["form"].errors) == {"name", "kind"}
    assert not Place.objects.exists()


def test_it_changes_and_removes_a_place(alice_client: Client, alice: User) -> None:
    place = Place.objects.create(owner=alice, name="Café")
    alice_client.post(reverse("place_edit", args=[place.pk]), _form(name="Corner café"))
    place.refresh_from_db()
    assert place.name == "Corner café"
    url = reverse("place_delete", args=[place.pk])
    assert "Remove “Corner café”?" in alice_client.get(url).content.decode()
    alice_client.post(url)
    assert not Place.objects.exists()


def test_another_persons_place_is_a_404(charlie_client: Client, alice: User) -> None:
    place = Place.objects.create(owner=alice, name="Alice's café")
    for name in ("place_edit", "place_delete"):
        url = reverse(name, args=[place.pk])
        assert charlie_client.get(url).status_code == 404
        assert charlie_client.post(url, _form()).status_code == 404
    assert Place.objects.get().name == "Alice's café"
    assert "Alice" not in charlie_client.get(reverse("places")).content.decode()
