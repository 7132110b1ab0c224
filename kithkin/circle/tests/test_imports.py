"""Contacts import (upload, preview, confirm) and export, through the pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, cast
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from kithkin.accounts.models import User
from kithkin.circle import vcard
from kithkin.circle.models import ContactImport, Person, Ring
from kithkin.circle.tests.test_vcard import mutated_cards

DATA = Path(__file__).parent / "data"
SAMPLES = sorted(p.name for p in DATA.glob("*.vcf"))
PERSON_FIELDS = [
    "name",
    "nickname",
    "emails",
    "phones",
    "birthday_month",
    "birthday_day",
    "birthday_year",
    "notes",
]


def _file(content: bytes | str, name: str = "contacts.vcf") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/vcard")


def _upload(client: Client, content: bytes | str, name: str = "contacts.vcf") -> ContactImport:
    response = client.post(reverse("import_contacts"), {"file": _file(content, name)})
    assert response.status_code == 302, response.content.decode()
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return ContactImport.objects.get(pk=pk)


def _confirm(client: Client, pending: ContactImport, ring: int | None = None) -> str:
    data = {"confirm": "1"} if ring is None else {"confirm": "1", "ring": str(ring)}
    response = client.post(reverse("import_preview", args=[pending.pk]), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people")
    return response.content.decode()


def _import(client: Client, content: bytes | str) -> str:
    return _confirm(client, _upload(client, content))


def _sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _snapshot(owner: User) -> list[tuple[object, ...]]:
    return sorted(
        Person.objects.filter(owner=owner).values_list(*PERSON_FIELDS), key=lambda row: str(row)
    )


def _vcf(count: int, prefix: str = "Person") -> str:
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{prefix} {i}\r\nEMAIL:{prefix.lower()}{i}@example.com"
        f"\r\nTEL:+44 7700 {i:06}\r\nBDAY:1990-01-{i % 28 + 1:02}\r\nNOTE:Card {i}\\, hello\r\n"
        "END:VCARD\r\n"
        for i in range(count)
    )


# --- Upload -------------------------------------------------------------------------------


def test_it_asks_for_a_file(alice_client: Client) -> None:
    html = alice_client.get(reverse("import_contacts")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Show me what" in html


def test_it_needs_a_login(client: Client, db: None) -> None:
    assert client.get(reverse("import_contacts")).status_code == 302
    assert client.get(reverse("export_contacts")).status_code == 302


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "That file is empty."),
        (b"name,email\nSam,sam@example.com\n", "doesn&#x27;t look like a contacts file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "doesn&#x27;t look like a contacts file"),
        (b"BEGIN:VCARD\n" + b"x" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_it_refuses_files_that_are_not_vcards(
    alice_client: Client, content: bytes, message: str
) -> None:
    response = alice_client.post(reverse("import_contacts"), {"file": _file(content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactImport.objects.exists()


def test_it_refuses_a_file_with_too_many_cards(alice_client: Client) -> None:
    with mock.patch.object(vcard, "MAX_CARDS", 2):
        response = alice_client.post(reverse("import_contacts"), {"file": _file(_vcf(3))})
    assert "more than 2 contacts" in response.content.decode()
    assert not ContactImport.objects.exists()


def test_it_asks_for_a_file_when_none_is_chosen(alice_client: Client) -> None:
    response = alice_client.post(reverse("import_contacts"), {})
    assert "Choose a file first." in response.content.decode()


def test_it_clears_old_uploads_nobody_confirmed(alice_client: Client, alice: User) -> None:
    old = ContactImport.objects.create(owner=alice, payload="BEGIN:VCARD")
    ContactImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    _upload(alice_client, _sample("google-3.0.vcf"))
    assert not ContactImport.objects.filter(pk=old.pk).exists()


# --- Preview and confirm ------------------------------------------------------------------


def test_it_previews_without_writing_anything(alice_client: Client, alice: User) -> None:
    Person.objects.create(owner=alice, name="Good One", emails=["good.one@example.com"])
    pending = _upload(alice_client, _sample("mixed-malformed.vcf"), "phone.vcf")
    html = alice_client.get(reverse("import_preview", args=[pending.pk])).content.decode()
    assert "From phone.vcf" in html
    assert "Card 2 (“nobody@example.com”): it has no name" in html
    assert "Card 3 (“Jo Smith”): could not be read: line 16 isn" in html
    assert "Card 5: could not be read: line 26 uses a character set we don" in html
    assert "Card 6 (“Never Closed”): it stops before its end" in html
    assert "Card 1 (“Good One”): already in your circle as Good One" in html
    assert "Card 4: Lower Case" in html
    assert "Import 2 people" in html
    assert list(Person.objects.filter(owner=alice).values_list("name", flat=True)) == ["Good One"]
    assert ContactImport.objects.filter(pk=pending.pk).exists()


def test_it_imports_after_confirming(alice_client: Client, alice: User) -> None:
    html = _confirm(alice_client, _upload(alice_client, _sample("mixed-malformed.vcf")))
    assert "New: 3 · Updated: 0 · Already here: 0 · Left out: 5." in html
    people = Person.objects.filter(owner=alice)
    assert sorted(p.name for p in people) == ["After The Broken One", "Good One", "Lower Case"]
    assert all(p.ring == Ring.WIDER and p.next_due_at is not None for p in people)
    assert not ContactImport.objects.exists()


def test_it_puts_new_people_in_the_chosen_ring(alice_client: Client, alice: User) -> None:
    _confirm(alice_client, _upload(alice_client, _sample("google-3.0.vcf")), ring=Ring.CLOSE)
    assert set(Person.objects.filter(owner=alice).values_list("ring", flat=True)) == {Ring.CLOSE}


@pytest.mark.parametrize(
    "sample, expected",
    [
        (
            "android-2.1.vcf",
            {
                "Chidi Okafor": ("", ["chidi.okafor@example.com"], (3, 2, 1988)),
                "Jürgen Müller": ("Jürgi", ["juergen@example.de"], (None, None, None)),
                "Анна Иванова": ("", [], (7, 12, 1991)),
                "Priya Patel": ("", ["priya.patel@example.co.uk"], (None, None, None)),
            },
        ),
        (
            "apple-3.0.vcf",
            {
                "Yuki Nakamura": ("Yu", ["yuki@example.jp"], (4, 15, None)),
                "Siobhán O'Brien": ("", ["siobhan@example.ie"], (11, 30, 1990)),
            },
        ),
        (
            "google-3.0.vcf",
            {
                "Sam Rivera": (
                    "Sammy",
                    ["sam.rivera@example.com", "srivera@work.example.com"],
                    (7, 8, 1992),
                ),
                "Lena Fischer": ("", ["lena.fischer@example.org"], (12, 24, None)),
            },
        ),
        (
            "contacts-4.0.vcf",
            {
                "Amara Nwosu": ("Ama", ["amara@example.org"], (4, 15, None)),
                "Tomás García López": ("", ["tomas@example.es"], (9, 23, 1979)),
            },
        ),
    ],
)
def test_it_imports_each_kind_of_export(
    alice_client: Client, alice: User, sample: str, expected: dict[str, tuple[object, ...]]
) -> None:
    _import(alice_client, _sample(sample))
    got = {
        p.name: (p.nickname, p.emails, (p.birthday_month, p.birthday_day, p.birthday_year))
        for p in Person.objects.filter(owner=alice)
    }
    assert got == expected


def test_it_keeps_uids_notes_and_how_they_know_each_other(
    alice_client: Client, alice: User
) -> None:
    _import(alice_client, _sample("apple-3.0.vcf"))
    yuki = Person.objects.get(owner=alice, name="Yuki Nakamura")
    assert yuki.vcard_uid == "5F6C2E1A-8B1D-4B7E-9C3A-1D2E3F405162"
    assert yuki.how_known == "Owner at Tidewater Books"
    assert yuki.notes.startswith("Runs the bookshop by the harbour.")
    assert yuki.phones == ["+81 90-1234-5678"]


def test_it_creates_nothing_when_the_same_files_are_imported_again(
    alice_client: Client, alice: User
) -> None:
    everything = b"\r\n".join(_sample(name) for name in SAMPLES)
    _import(alice_client, everything)
    before = _snapshot(alice)
    pending = _upload(alice_client, everything)
    plan = vcard.build_plan(pending)
    assert (plan.created, plan.merged) == (0, 0)
    assert plan.skipped == len(plan.steps) - plan.bad
    assert len(before) == 12
    html = _confirm(alice_client, pending)
    assert "New: 0 · Updated: 0" in html
    assert _snapshot(alice) == before


def test_it_merges_into_people_already_in_the_circle(alice_client: Client, alice: User) -> None:
    sam = Person.objects.create(
        owner=alice,
        name="Sam R.",
        nickname="Sam-Sam",
        phones=["555 010 4477"],
        notes="Typed by me.",
        ring=Ring.INNER,
    )
    pending = _upload(alice_client, _sample("google-3.0.vcf"))
    html = alice_client.get(reverse("import_preview", args=[pending.pk])).content.decode()
    assert (
        "Card 1 (“Sam Rivera”): adds how you know each other, email, birthday, notes to Sam R."
        in (html)
    )
    _confirm(alice_client, pending)
    sam.refresh_from_db()
    assert (sam.name, sam.nickname, sam.ring) == ("Sam R.", "Sam-Sam", Ring.INNER)
    assert sam.emails == ["sam.rivera@example.com", "srivera@work.example.com"]
    assert sam.phones == ["555 010 4477"]
    assert sam.notes == "Typed by me.\n\nMet at the seed swap, spring 2023."
    assert Person.objects.filter(owner=alice).count() == 2  # Sam and Lena


def test_it_matches_set_aside_people_instead_of_adding_a_copy(
    alice_client: Client, alice: User
) -> None:
    Person.objects.create(owner=alice, name="Lena Fischer", archived_at=timezone.now())
    _import(alice_client, _sample("google-3.0.vcf"))
    assert Person.objects.filter(owner=alice, name="Lena Fischer").count() == 1


def test_it_writes_nothing_when_the_import_fails_halfway(alice_client: Client, alice: User) -> None:
    pending = _upload(alice_client, _sample("android-2.1.vcf"))
    with mock.patch(
        "kithkin.circle.actions.refresh_people", side_effect=DatabaseError("disk full")
    ) as failing:
        response = alice_client.post(
            reverse("import_preview", args=[pending.pk]), {"confirm": "1"}, follow=True
        )
    assert failing.called  # the people were created before this, then rolled back
    assert "Something went wrong, so nothing was imported." in response.content.decode()
    assert not Person.objects.filter(owner=alice).exists()
    assert ContactImport.objects.filter(pk=pending.pk).exists()  # ready to try again


def test_it_rolls_back_merges_too(alice: User) -> None:
    sam = Person.objects.create(owner=alice, name="Sam Rivera")
    pending = ContactImport.objects.create(owner=alice, payload=_sample("google-3.0.vcf").decode())
    with (
        mock.patch("kithkin.circle.actions.refresh_people", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        vcard.do_import_contacts(pending)
    sam.refresh_from_db()
    assert (sam.emails, sam.notes) == ([], "")
    assert list(Person.objects.filter(owner=alice)) == [sam]


def test_it_imports_only_once_when_confirmed_twice(alice_client: Client, alice: User) -> None:
    pending = _upload(alice_client, _sample("google-3.0.vcf"))
    assert vcard.do_import_contacts(pending) is not None
    assert vcard.do_import_contacts(pending) is None
    assert Person.objects.filter(owner=alice).count() == 2


def test_it_can_be_cancelled(alice_client: Client, alice: User) -> None:
    pending = _upload(alice_client, _sample("google-3.0.vcf"))
    response = alice_client.post(
        reverse("import_preview", args=[pending.pk]), {"cancel": "1"}, follow=True
    )
    assert "nothing was imported" in response.content.decode()
    assert not ContactImport.objects.exists()
    assert not Person.objects.exists()


def test_charlie_never_sees_or_uses_alices_import(
    alice_client: Client, charlie_client: Client, alice: User
) -> None:
    pending = _upload(alice_client, _sample("google-3.0.vcf"))
    url = reverse("import_preview", args=[pending.pk])
    assert charlie_client.get(url).status_code == 404
    assert charlie_client.post(url, {"confirm": "1"}).status_code == 404
    assert charlie_client.post(url, {"cancel": "1"}).status_code == 404
    assert ContactImport.objects.filter(pk=pending.pk).exists()
    assert not Person.objects.exists()


def test_it_does_not_query_per_card(
    alice_client: Client, alice: User, django_assert_max_num_queries
) -> None:
    Person.objects.bulk_create(
        Person(owner=alice, name=f"Person {i}", emails=[f"person{i}@example.com"])
        for i in range(0, 400, 2)
    )
    pending = _upload(alice_client, _vcf(400))
    url = reverse("import_preview", args=[pending.pk])
    with django_assert_max_num_queries(6):
        assert "Import 400 people" in alice_client.get(url).content.decode()
    # Writes go in batches (SQLite takes about 40 rows per INSERT), never one per card.
    with django_assert_max_num_queries(30):
        alice_client.post(url, {"confirm": "1"})
    assert Person.objects.filter(owner=alice).count() == 400


# --- Export -------------------------------------------------------------------------------


def _people(owner: User) -> None:
    Person.objects.create(
        owner=owner,
        name="Zoë O'Brien, Jr.",
        nickname="Zo",
        emails=["zoe@example.com"],
        phones=["+44 7700 900123", "020 7946 0018"],
        birthday_month=2,
        birthday_day=29,
        notes="Line one; line two, and a \\ backslash.\nSecond line " + "é" * 80,
        ring=Ring.INNER,
    )
    Person.objects.create(
        owner=owner, name="Sam", birthday_month=7, birthday_day=8, birthday_year=1992
    )
    Person.objects.create(owner=owner, name="Kept UID", vcard_uid="5F6C2E1A:ABPerson")
    Person.objects.create(owner=owner, name="Set aside", archived_at=timezone.now())


def test_it_exports_the_circle_as_vcard_4(alice_client: Client, alice: User, bob: User) -> None:
    _people(alice)
    Person.objects.create(owner=bob, name="Bob's friend")
    response = alice_client.get(reverse("export_contacts"))
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kithkin-people.vcf"'
    text = response.content.decode()
    # Everyone, set-aside people too; never someone else's.
    assert text.count("BEGIN:VCARD\r\nVERSION:4.0\r\n") == 4
    assert "Set aside" in text and "Bob" not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "BDAY:--0229\r\n" in unfolded and "BDAY:19920708\r\n" in unfolded
    # Not a URI (a scheme starts with a letter), so it goes out as text.
    assert "UID;VALUE=text:5F6C2E1A:ABPerson\r\n" in unfolded
    assert "FN:Zoë O'Brien\\, Jr.\r\n" in unfolded


def test_it_exports_the_same_uids_every_time(alice_client: Client, alice: User) -> None:
    _people(alice)
    first = alice_client.get(reverse("export_contacts")).content
    assert alice_client.get(reverse("export_contacts")).content == first


def test_an_export_imports_into_a_fresh_account_as_the_same_people(
    alice_client: Client, alice: User, bob: User
) -> None:
    _people(alice)
    exported = alice_client.get(reverse("export_contacts")).content
    bob_client = Client()
    bob_client.force_login(bob)
    _import(bob_client, exported)
    assert _snapshot(bob) == _snapshot(alice)
    # Bob's copy keeps Alice's UIDs, so exporting it gives the same cards back.
    assert bob_client.get(reverse("export_contacts")).content == exported


def test_an_export_imported_back_changes_nothing(alice_client: Client, alice: User) -> None:
    _people(alice)
    before = _snapshot(alice)
    pending = _upload(alice_client, alice_client.get(reverse("export_contacts")).content)
    plan = vcard.build_plan(pending)
    assert (plan.created, plan.merged, plan.skipped, plan.bad) == (0, 0, 4, 0)
    _confirm(alice_client, pending)
    assert _snapshot(alice) == before


# --- Fuzzing ------------------------------------------------------------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=mutated_cards())
def test_it_writes_exactly_what_the_preview_showed_or_nothing(alice: User, text: str) -> None:
    before = set(Person.objects.filter(owner=alice).values_list("pk", flat=True))
    pending = ContactImport.objects.create(owner=alice, payload=text)
    shown = vcard.build_plan(pending)
    applied = vcard.do_import_contacts(pending)
    assert applied is not None
    assert (applied.created, applied.merged, applied.skipped, applied.bad) == (
        shown.created,
        shown.merged,
        shown.skipped,
        shown.bad,
    )
    added = Person.objects.filter(owner=alice).exclude(pk__in=before)
    assert sorted(added.values_list("name", flat=True)) == sorted(p.name for p in shown.new_people)
    # Importing the same text again adds and changes nobody.
    again = ContactImport.objects.create(owner=alice, payload=text)
    assert vcard.build_plan(again).writes == 0


def test_it_exports_contacts_as_a_spreadsheet(
    alice_client: Client, alice: User, bob: User, django_assert_max_num_queries: Any
) -> None:
    import csv
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kithkin.circle import actions, imports
    from kithkin.circle.models import Interaction

    ana = Person.objects.create(owner=alice, name="Ana")
    sam = Person.objects.create(owner=alice, name="Sam")
    summer = datetime(2026, 7, 1, 17, 30, tzinfo=ZoneInfo("UTC"))  # 18:30 in London
    actions.do_log_interaction(
        alice, [sam, ana], channel="in_person", happened_at=summer, feeling_after="lifted"
    )
    actions.do_log_interaction(
        alice, [ana], channel="text", happened_at=summer + timedelta(days=1), note="=1+1"
    )
    gone = actions.do_log_interaction(alice, [sam], channel="call", happened_at=summer)
    actions.do_delete_interaction(gone)
    theirs = Person.objects.create(owner=bob, name="Bob's friend")
    actions.do_log_interaction(bob, [theirs], channel="call", happened_at=summer)

    with mock.patch.object(imports, "CONTACT_CHUNK", 1), django_assert_max_num_queries(12):
        response = alice_client.get(reverse("export_contacts_csv"))
        body = b"".join(cast(Any, response).streaming_content).decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows == [
        imports.CONTACT_COLUMNS,
        ["2026-07-01 18:30", "Ana; Sam", "in_person", "micro", "me", "lifted", "no", ""],
        ["2026-07-02 18:30", "Ana", "text", "micro", "me", "", "no", "'=1+1"],
    ]
    assert Interaction.objects.filter(owner=alice).count() == 3  # one set aside, not exported
