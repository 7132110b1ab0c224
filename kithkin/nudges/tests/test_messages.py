from __future__ import annotations

import pytest

from kithkin.nudges import messages


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("", "/today/"),
        ("https://kithkin.example.org", "https://kithkin.example.org/today/"),
    ],
)
def test_links_in_reminders_are_full_addresses_once_the_site_is_known(
    settings, site_url: str, expected: str
) -> None:
    settings.SITE_URL = site_url
    assert messages.absolute("/today/") == expected
