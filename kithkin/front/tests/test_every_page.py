"""The list of every page (every_page.py) is complete, and each page opens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from kithkin.conftest import NOT_FOUND
from kithkin.front.tests.every_page import (
    ANONYMOUS_PAGES,
    NOT_PAGES,
    guest_pages,
    lived_in,
    pages,
    partner_pages,
)

pytestmark = pytest.mark.django_db


def _route_names(patterns, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith(("api/", "admin/")):
                continue
            names |= _route_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_route_is_a_listed_page_or_named_as_not_a_page() -> None:
    world = lived_in()
    listed = pages(world) + partner_pages(world) + guest_pages(world) + ANONYMOUS_PAGES
    covered = {resolve(path).url_name for path in listed if path != NOT_FOUND}
    missing = _route_names(get_resolver().url_patterns) - covered - set(NOT_PAGES)
    assert missing == set(), "add these pages to every_page.py (or to NOT_PAGES, with why)"
    assert covered & set(NOT_PAGES) == set()


def test_every_listed_page_opens_for_the_one_it_belongs_to() -> None:
    world = lived_in()
    for user, paths in (
        (world.owner, pages(world)),
        (world.partner, partner_pages(world)),
        (world.guest, guest_pages(world)),
    ):
        client = Client()
        client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 200, (user.username, path)
    anonymous = Client()
    for path in ANONYMOUS_PAGES:
        expected = 404 if path == NOT_FOUND else 200
        assert anonymous.get(path).status_code == expected, path
