from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.forms import SignupForm
from kithkin.accounts.models import Invite, User

GOOD = {
    "username": "dana",
    "email": "dana@example.org",
    "password1": "blue kettle on sunday",
    "password2": "blue kettle on sunday",
    "timezone": "Europe/Dublin",
    "locale": "en-gb",
}


@pytest.mark.django_db
def test_it_creates_the_account_and_starts_onboarding(client: Client) -> None:
    r = client.post(reverse("signup"), GOOD)
    assert r.status_code == 302
    assert r["Location"] == reverse("welcome")
    user = User.objects.get(username="dana")
    assert user.timezone == "Europe/Dublin"
    assert user.locale == "en-gb"
    assert user.onboarded_at is None
    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_after_the_welcome_it_goes_where_the_sign_up_link_said(client: Client) -> None:
    client.get(reverse("signup") + "?next=/partners/accept/abc/")
    client.post(reverse("signup"), GOOD)
    r = client.post(reverse("welcome"))
    assert r["Location"] == "/partners/accept/abc/"
    # Once only: the next welcome goes to Today.
    assert client.post(reverse("welcome"))["Location"] == reverse("today")


@pytest.mark.django_db
@pytest.mark.parametrize("after", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_a_next_address_elsewhere_is_ignored(client: Client, after: str) -> None:
    client.get(reverse("signup"), {"next": after})
    client.post(reverse("signup"), GOOD)
    assert client.post(reverse("welcome"))["Location"] == reverse("today")


@pytest.mark.django_db
def test_it_refuses_a_taken_username_in_any_case(client: Client, alice: User) -> None:
    r = client.post(reverse("signup"), {**GOOD, "username": "ALICE"})
    assert r.status_code == 200
    assert "already exists" in r.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"password1": "password123", "password2": "password123"}, "too common"),
        ({"password1": "12345678901234", "password2": "12345678901234"}, "entirely numeric"),
        ({"password2": "something else"}, "didn\u2019t match"),
        ({"email": "not-an-email"}, "valid email"),
        ({"timezone": "Mars/Olympus"}, "Select a valid choice"),
        ({"username": "no spaces allowed"}, "Enter a valid username"),
    ],
)
def test_it_explains_bad_input_and_creates_nothing(
    client: Client, change: dict[str, str], message: str
) -> None:
    r = client.post(reverse("signup"), {**GOOD, **change})
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_shows_a_kind_page_when_sign_up_is_closed(client: Client, settings) -> None:
    settings.REGISTRATION = "closed"
    r = client.post(reverse("signup"), GOOD)
    assert r.status_code == 200
    assert "New accounts are made by the host" in r.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_needs_an_invite_in_invite_mode(client: Client, settings) -> None:
    settings.REGISTRATION = "invite"
    r = client.post(reverse("signup"), GOOD)
    assert "by invitation" in r.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_invite_works_once(client: Client, settings, alice: User) -> None:
    settings.REGISTRATION = "invite"
    invite, code = Invite.objects.create_invite(alice)

    # The code moves into the session and off the address bar.
    r = client.get(reverse("signup") + f"?invite={code}")
    assert r["Location"] == reverse("signup")
    r = client.get(reverse("signup"))
    assert "Create my account" in r.content.decode()
    assert code not in r.content.decode()

    r = client.post(reverse("signup"), GOOD)
    assert r.status_code == 302
    invite.refresh_from_db()
    assert invite.used_at is not None

    client.logout()
    client.get(reverse("signup") + f"?invite={code}")
    r = client.post(reverse("signup"), {**GOOD, "username": "eve"})
    assert "already been used or has expired" in r.content.decode()
    assert not User.objects.filter(username="eve").exists()


@pytest.mark.django_db
def test_an_expired_invite_is_refused(client: Client, settings, alice: User) -> None:
    settings.REGISTRATION = "invite"
    _, code = Invite.objects.create_invite(alice, days=7)
    client.get(reverse("signup") + f"?invite={code}")
    with time_machine.travel(timedelta(days=8)):
        r = client.post(reverse("signup"), GOOD)
    assert "already been used or has expired" in r.content.decode()
    assert not User.objects.filter(username="dana").exists()


@pytest.mark.django_db
def test_an_invite_used_up_at_the_last_moment_creates_nothing(
    client: Client, settings, alice: User
) -> None:
    settings.REGISTRATION = "invite"
    invite, code = Invite.objects.create_invite(alice)
    client.get(reverse("signup") + f"?invite={code}")
    # Someone else signs up with the same link between our check and our insert.
    stale = Invite.objects.usable(code)
    Invite.objects.filter(pk=invite.pk).update(used_at=timezone.now())
    with mock.patch.object(Invite.objects, "usable", return_value=stale):
        r = client.post(reverse("signup"), GOOD)
    assert "This invite has just been used" in r.content.decode()
    assert not User.objects.filter(username="dana").exists()


@pytest.mark.django_db
def test_a_name_taken_at_the_last_moment_creates_nothing(client: Client, alice: User) -> None:
    # The form's checks pass (as they would a moment before a rival insert);
    # the database's case-insensitive constraint catches it.
    with (
        mock.patch.object(SignupForm, "clean_username", lambda f: f.cleaned_data["username"]),
        mock.patch.object(User, "validate_constraints", lambda *a, **k: None),
    ):
        r = client.post(reverse("signup"), {**GOOD, "username": "Alice"})
    assert "That username was just taken" in r.content.decode()
    assert User.objects.count() == 1


def test_passwords_are_hashed_with_argon2_at_full_cost_outside_tests() -> None:
    # The test run swaps in a cheap Argon2 (kithkin/conftest.py); the real one is
    # Django's, with its default cost.
    import kithkin.settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
