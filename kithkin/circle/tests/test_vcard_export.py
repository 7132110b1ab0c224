"""The vCard export reads back through Kithkin's own importer as the same people."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.accounts.models import User
from kithkin.circle import vcard
from kithkin.circle.models import Person
from kithkin.circle.vcard import BadCard, Birthday, Card

URL = "/people/export.vcf"


def _export(user: User) -> list[Card | BadCard]:
    client = Client()
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    return vcard.parse_vcards(vcard.decode_file(response.content))


def _as_card(person: Person) -> tuple[object, ...]:
    birthday = (
        Birthday(person.birthday_month, person.birthday_day, person.birthday_year)
        if person.birthday_month and person.birthday_day
        else None
    )
    return (
        vcard.person_uid(person),
        person.name,
        person.nickname,
        person.emails,
        person.phones,
        birthday,
        person.notes,
    )


def _read(card: Card | BadCard) -> tuple[object, ...]:
    assert isinstance(card, Card), card
    return (card.uid, card.name, card.nickname, card.emails, card.phones, card.birthday, card.notes)


def _alices_people(alice: User) -> list[Person]:
    return [
        Person.objects.create(
            owner=alice,
            name="Zoë O'Brien-Ñúñez, Jr.; the elder " + "ü" * 60,
            nickname="Zo, Zed",
            emails=["zoe@example.com", "z.obrien@work.example"],
            phones=["+44 7700 900123", "020 7946 0018"],
            birthday_month=2,
            birthday_day=29,
            notes="Line one; line two, and a \\ backslash.\nSecond line " + "é" * 80,
        ),
        Person.objects.create(
            owner=alice,
            name="Sam",
            birthday_month=7,
            birthday_day=8,
            birthday_year=1992,
            notes="Met at the park: loves dogs\n\nBEGIN:VCARD is just text here",
        ),
        Person.objects.create(owner=alice, name="Yuki 由紀", vcard_uid="5F6C2E1A:ABPerson"),
        Person.objects.create(
            owner=alice, name="Set aside", archived_at=timezone.now(), phones=["555 0100"]
        ),
        Person.objects.create(owner=alice, name="=1+1", emails=["odd@example.com"]),
    ]


def test_an_export_reads_back_as_the_same_people(alice: User) -> None:
    people = _alices_people(alice)
    cards = _export(alice)
    assert sorted(map(_read, cards), key=str) == sorted(map(_as_card, people), key=str)


def test_an_export_has_only_the_owners_people(alice: User, bob: User, charlie: User) -> None:
    alices = _alices_people(alice)
    bobs = [
        Person.objects.create(owner=bob, name="Sam", emails=["bob.sam@example.com"]),
        Person.objects.create(owner=bob, name="Bob's friend", birthday_month=1, birthday_day=2),
    ]
    alice_cards, bob_cards = _export(alice), _export(bob)
    assert sorted(map(_read, bob_cards), key=str) == sorted(map(_as_card, bobs), key=str)
    assert len(alice_cards) == len(alices)
    alice_uids = {vcard.person_uid(p) for p in alices}
    assert not alice_uids & {c.uid for c in bob_cards if isinstance(c, Card)}
    alice_emails = {e for c in alice_cards if isinstance(c, Card) for e in c.emails}
    assert "bob.sam@example.com" not in alice_emails
    # Someone with nobody in their circle yet gets an empty file.
    assert _export(charlie) == []


def test_it_needs_a_login(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Any person, not only the ones above ------------------------------------------------

# Characters a vCard line treats specially, with plenty of ordinary text around them.
TRICKY = st.sampled_from(
    [*',;:\\\n\r\t=" \xa0\x85\u2028', "\\n", "\\,", "BEGIN:VCARD", "END:VCARD", "=\r\n", "é" * 40]
)
TEXT = st.lists(st.characters(exclude_categories=["Cs"]) | TRICKY, max_size=40).map("".join)


def _same_lines(value: str) -> str:
    """What a vCard can carry: a line break is a line break, whichever one it was."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=TEXT,
    nickname=TEXT,
    notes=TEXT,
    emails=st.lists(TEXT.map(lambda s: s + "@example.com"), max_size=3),
    phones=st.lists(TEXT.map(lambda s: "+44" + s), max_size=3),
    uid=TEXT,
    birthday=st.none() | st.dates(datetime(1900, 1, 1).date(), datetime(2100, 12, 31).date()),
    with_year=st.booleans(),
)
def test_any_person_reads_back_as_the_importer_would_store_them(
    name: str,
    nickname: str,
    notes: str,
    emails: list[str],
    phones: list[str],
    uid: str,
    birthday: datetime | None,
    with_year: bool,
) -> None:
    person = Person(
        pk=7,
        name=name[: vcard.NAME_MAX],
        nickname=nickname[: vcard.NICKNAME_MAX],
        notes=notes,
        emails=emails,
        phones=phones,
        vcard_uid=uid[: vcard.UID_MAX],
        created_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
    )
    if birthday is not None:
        person.birthday_month, person.birthday_day = birthday.month, birthday.day
        person.birthday_year = birthday.year if with_year else None
    [card] = vcard.parse_vcards(vcard.export_card(person))
    expected_name = vcard._one_line(_same_lines(person.name), vcard.NAME_MAX)
    if not expected_name:
        # Only spaces or control characters: nothing to call them by.
        assert isinstance(card, BadCard) and "no name" in card.reason
        return
    assert isinstance(card, Card), card
    assert card.name == expected_name
    assert card.nickname == vcard._one_line(_same_lines(person.nickname), vcard.NICKNAME_MAX)
    assert card.notes == vcard._clean(_same_lines(person.notes))
    assert card.emails == vcard._unique(
        e for e in (vcard._one_line(_same_lines(e)) for e in emails) if "@" in e
    )
    assert card.phones == vcard._unique(vcard._one_line(_same_lines(p)) for p in phones)
    uid_sent = vcard.person_uid(person)
    assert card.uid == vcard._one_line(_same_lines(uid_sent), vcard.UID_MAX)
    if birthday is None:
        assert card.birthday is None
    else:
        assert card.birthday == Birthday(
            birthday.month, birthday.day, birthday.year if with_year else None
        )
    # What the importer made of it exports and reads back unchanged.
    again = vcard._new_person(card)
    again.pk, again.created_at = person.pk, person.created_at
    [back] = vcard.parse_vcards(vcard.export_card(again))
    # A UID of only spaces reads as none, so the copy gets one of its own.
    assert back == (card if card.uid else dataclasses.replace(card, uid=vcard.person_uid(again)))
