from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.conftest import PASSWORD


@pytest.mark.django_db
def test_it_logs_in_and_goes_to_today(client: Client, alice: User) -> None:
    r = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302
    assert r["Location"] == reverse("today")


@pytest.mark.django_db
def test_it_says_plainly_when_the_password_is_wrong(client: Client, alice: User) -> None:
    r = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert r.status_code == 200
    assert "Please enter a correct username and password" in r.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_pauses_logins_after_five_wrong_passwords(client: Client, alice: User) -> None:
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "nope"})
    r = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 429
    assert "paused for 15 minutes" in r.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lock_on_one_name_leaves_others_alone(client: Client, alice: User, bob: User) -> None:
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "nope"})
    r = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert r.status_code == 302


@pytest.mark.django_db
def test_logout_needs_a_post(alice_client: Client) -> None:
    assert alice_client.get(reverse("logout")).status_code == 405
    r = alice_client.post(reverse("logout"))
    assert r.status_code == 302
    assert "_auth_user_id" not in alice_client.session
