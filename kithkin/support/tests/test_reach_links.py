"""The one-tap links to a trusted person: a number the phone can dial, and words
that arrive whole in the Messages app on iPhone and on Android."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from kithkin.accounts.models import User
from kithkin.circle.tests.factories import person
from kithkin.support import card

pytestmark = pytest.mark.django_db

WORDS = "Tea & a walk? Room #2 at 5.\nSorry it's late — café Zoë 💛 100% ok"


def _android(link: str) -> tuple[str, str]:
    """How Android's messaging apps read an sms: link: the number before the first
    "?", then the `body` parameter of what follows."""
    number, _, query = link.removeprefix("sms:").partition("?")
    params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
    return number, unquote(params["body"])


def _iphone(link: str) -> tuple[str, str]:
    """How Messages on iPhone (iOS 8 and later) reads one: the number up to the
    first "?" or "&", and the words after "&body="."""
    rest = link.removeprefix("sms:")
    number = rest.split("&", 1)[0].split("?", 1)[0]
    assert "&body=" in rest, "iOS only fills in words that follow &body="
    return number, unquote(rest.split("&body=", 1)[1])


@pytest.mark.parametrize(
    ("phone", "number"),
    [
        ("+44 7700 900123", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("07700 900-123", "07700900123"),
        (None, ""),
    ],
)
def test_text_links_work_on_iphone_and_android(alice: User, phone: str | None, number: str) -> None:
    sam = person(alice, "Sam & Co?", phones=[phone] if phone else [], trusted=True)
    link = card.reach(sam, WORDS).sms
    assert _android(link) == (number, WORDS)
    assert _iphone(link) == (number, WORDS)
    assert " " not in link and "\n" not in link and "#" not in link


def test_the_email_link_carries_the_same_words(alice: User) -> None:
    sam = person(alice, "Sam", emails=["sam+kin@example.org"], trusted=True)
    email = card.reach(sam, WORDS).email
    assert email is not None and email.startswith("mailto:sam%2Bkin@example.org?body=")
    assert unquote(email.split("?body=", 1)[1]) == WORDS
    assert card.reach(person(alice, "Ana", trusted=True), WORDS).email is None
