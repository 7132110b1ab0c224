"""'Someone I trust on hard days': set on the person form, shown quietly on their page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.circle.models import Person, Ring
from kithkin.circle.tests.factories import person

pytestmark = pytest.mark.django_db

MARK = "Someone you trust on hard days"


def test_the_form_offers_the_checkbox_with_a_word_on_what_it_means(
    alice_client: Client,
) -> None:
    html = alice_client.get(reverse("add_person")).content.decode()
    assert 'type="checkbox" name="trusted"' in html
    assert '<label class="inline" for="id_trusted">' in html
    assert "Someone I trust on hard days" in html
    assert "Kithkin never contacts them" in html
    assert 'aria-describedby="id_trusted_helptext"' in html
    assert 'id="id_trusted_helptext"' in html


def test_adding_someone_trusted_keeps_the_flag(alice_client: Client, alice: User) -> None:
    alice_client.post(reverse("add_person"), {"name": "Jo", "ring": Ring.CLOSE, "trusted": "on"})
    alice_client.post(reverse("add_person"), {"name": "Lee", "ring": Ring.CLOSE})
    assert Person.objects.get(owner=alice, name="Jo").trusted is True
    assert Person.objects.get(owner=alice, name="Lee").trusted is False


def test_editing_sets_and_clears_it(alice_client: Client, alice: User) -> None:
    jo = person(alice, "Jo", Ring.CLOSE)
    url = reverse("edit_person", args=[jo.pk])
    alice_client.post(url, {"name": "Jo", "ring": Ring.CLOSE, "trusted": "on"})
    jo.refresh_from_db()
    assert jo.trusted
    html = alice_client.get(url).content.decode()
    assert 'name="trusted" aria-describedby="id_trusted_helptext" id="id_trusted" checked' in html
    alice_client.post(url, {"name": "Jo", "ring": Ring.CLOSE})
    jo.refresh_from_db()
    assert not jo.trusted


def test_the_person_page_shows_a_quiet_marker(alice_client: Client, alice: User) -> None:
    jo = person(alice, "Jo", trusted=True)
    lee = person(alice, "Lee")
    html = alice_client.get(reverse("person", args=[jo.pk])).content.decode()
    assert f'<p class="quiet">{MARK}</p>' in html
    assert MARK not in alice_client.get(reverse("person", args=[lee.pk])).content.decode()


def test_nobody_else_can_mark_alices_people(alice: User, bob: User) -> None:
    jo = person(alice, "Jo")
    bob_client = Client()
    bob_client.force_login(bob)
    r = bob_client.post(
        reverse("edit_person", args=[jo.pk]), {"name": "Jo", "ring": Ring.CLOSE, "trusted": "on"}
    )
    assert r.status_code == 404
    jo.refresh_from_db()
    assert not jo.trusted
