from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User


@pytest.mark.django_db
def test_anyone_can_open_it(client: Client) -> None:
    r = client.get(reverse("support"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "findahelpline.com" in html
    assert "A minute to steady yourself" in html
    assert "Message someone you trust" in html
    assert 'href="tel:116123"' in html
    assert "checked" in html


@pytest.mark.django_db
def test_a_chosen_country_comes_first_with_its_emergency_number(client: Client) -> None:
    html = client.get(reverse("support") + "?country=au").content.decode()
    assert "Australia: emergency" in html
    assert 'href="tel:000"' in html
    assert html.index('id="country-AU"') < html.index('id="country-GB"')


def test_the_persons_own_country_comes_first(alice_client: Client, alice: User) -> None:
    html = alice_client.get(reverse("support")).content.decode()
    assert "United Kingdom: emergency" in html


def test_without_a_country_it_is_guessed_from_the_time_zone(charlie_client: Client) -> None:
    # charlie lives in Australia/Sydney and never set a country.
    html = charlie_client.get(reverse("support")).content.decode()
    assert "Australia: emergency" in html


@pytest.mark.django_db
def test_an_unknown_country_still_shows_every_line(client: Client) -> None:
    html = client.get(reverse("support") + "?country=ZZ").content.decode()
    assert "In most of the world, 112" in html
    assert 'id="country-US"' in html


@pytest.mark.django_db
def test_a_visitor_gets_their_country_from_the_browser_language(client: Client) -> None:
    html = client.get(reverse("support"), headers={"Accept-Language": "en-NZ,en;q=0.8"})
    assert "New Zealand: emergency" in html.content.decode()
