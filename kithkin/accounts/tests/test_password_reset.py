from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User

NEW = "a new and long passphrase"


def _reset_link(client: Client, email: str) -> str:
    client.post(reverse("password_reset"), {"email": email})
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/]+(/password/reset/\S+/)", str(mail.outbox[0].body))
    assert match, mail.outbox[0].body
    return match.group(1)


@pytest.mark.django_db
def test_it_resets_the_password_by_email(client: Client, alice: User) -> None:
    link = _reset_link(client, "alice@example.org")
    r = client.get(link, follow=True)
    assert "Choose a new password" in r.content.decode()
    r = client.post(r.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client, alice: User) -> None:
    r = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in r.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_expired_link_says_so_and_changes_nothing(client: Client, alice: User) -> None:
    link = _reset_link(client, "alice@example.org")
    with time_machine.travel(timedelta(days=2)):
        r = client.get(link, follow=True)
    assert "This link no longer works" in r.content.decode()
    alice.refresh_from_db()
    assert not alice.check_password(NEW)


@pytest.mark.django_db
def test_a_weak_new_password_is_refused(client: Client, alice: User) -> None:
    link = _reset_link(client, "alice@example.org")
    r = client.get(link, follow=True)
    r = client.post(r.redirect_chain[-1][0], {"new_password1": "abc", "new_password2": "abc"})
    assert r.status_code == 200
    assert "too short" in r.content.decode()


@pytest.mark.django_db
def test_it_changes_the_password_when_logged_in(alice_client: Client, alice: User) -> None:
    from kithkin.conftest import PASSWORD

    r = alice_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert "Your old password was entered incorrectly" in r.content.decode()
    r = alice_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)
