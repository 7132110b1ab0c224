"""Shared test personas: alice and bob use Kithkin; charlie must never see their data."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import User

PASSWORD = "a quiet morning walk"


def pytest_configure() -> None:
    # The manifest storage needs `collectstatic`; tests read static files in place.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_user(username: str, **extra: object) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        onboarded_at=timezone.now(),
        **extra,
    )
    return user


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice", timezone="Europe/London", country="GB")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob", timezone="America/New_York")


@pytest.fixture
def charlie(db: None) -> User:
    return make_user("charlie", timezone="Australia/Sydney")


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def charlie_client(charlie: User) -> Client:
    client = Client()
    client.force_login(charlie)
    return client
