from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User

PERSONAL_PAGES = ["today", "people", "checkin", "plans", "insights"]


@pytest.fixture
def newcomer_client(db: None) -> Client:
    user = User.objects.create_user("newcomer", password="x")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_it_explains_privacy_before_any_personal_page(newcomer_client: Client, name: str) -> None:
    r = newcomer_client.get(reverse(name))
    assert r.status_code == 302
    assert r["Location"] == reverse("welcome")


def test_the_welcome_covers_what_where_who_and_how_to_leave(newcomer_client: Client) -> None:
    text = ""
    for step in range(1, 5):
        text += newcomer_client.get(reverse("welcome") + f"?step={step}").content.decode()
    assert "What Kithkin keeps" in text
    assert "On this server only" in text
    assert "Who can see it" in text
    assert "download everything" in text
    assert "delete your account" in text


def test_htmx_gets_only_the_card(newcomer_client: Client) -> None:
    r = newcomer_client.get(reverse("welcome") + "?step=2", headers={"HX-Request": "true"})
    body = r.content.decode()
    assert body.lstrip().startswith('<div id="welcome-step"')
    assert "<html" not in body
    assert "Where it lives" in body


def test_a_silly_step_number_shows_the_first_card(newcomer_client: Client) -> None:
    r = newcomer_client.get(reverse("welcome") + "?step=banana")
    assert "What Kithkin keeps" in r.content.decode()


def test_finishing_the_welcome_opens_today(newcomer_client: Client) -> None:
    r = newcomer_client.post(reverse("welcome"))
    assert r["Location"] == reverse("today")
    assert newcomer_client.get(reverse("today")).status_code == 200
    assert User.objects.get(username="newcomer").onboarded_at is not None
