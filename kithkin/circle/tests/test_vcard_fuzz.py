"""Malformed contacts files, built on purpose, through the reader, the import and the pages.

Whatever comes in, Kithkin answers with a preview, a clear message or a list of
cards it left out, never an error page; an import that fails writes nothing.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.accounts.models import User
from kithkin.circle import actions, vcard
from kithkin.circle.models import ContactImport, ImportantDate, Person
from kithkin.circle.tests.test_vcard import REAL

# --- Building malformed files -----------------------------------------------------------

NAMES = [
    "FN", "N", "NICKNAME", "EMAIL", "TEL", "UID", "BDAY", "NOTE", "ORG", "TITLE", "KIND",
    "X-ADDRESSBOOKSERVER-KIND", "X-ANDROID-CUSTOM", "VERSION", "PHOTO", "AGENT",
    "ADR", "X-SOCIALPROFILE", "item1.EMAIL", "item2.X-ABLABEL", "fn", "Tel", "",
]  # fmt: skip
PARAMS = [
    "TYPE=HOME", "TYPE=WORK,VOICE", "type=cell", "PREF=1", "ENCODING=QUOTED-PRINTABLE",
    "ENCODING=B", "ENCODING=BASE64", "BASE64", "ENCODING=8BIT", "CHARSET=UTF-8",
    "CHARSET=ISO-8859-1", "CHARSET=X-NOT-A-CHARSET", "CHARSET=", "X-APPLE-OMIT-YEAR=1604",
    "VALUE=date", "VALUE=text", 'LABEL="a;b:c"', 'X-Q="unclosed', "X=,=,=,=,=,=,=,=", "==", ";",
]  # fmt: skip
DATES = [
    "1985-04-15", "19850415", "--0415", "--04-15", "1604-04-15", "2001-02-29", "2000-02-29",
    "0000-00-00", "9999-99-99", "1985-13-01", "1985-04-31", "--1301", "19850415T120000Z",
    "-0415", "1985", "15/04/1985", "April 15", "", "=31=39=38=35",
    "\uff12\uff10\uff10\uff10-\uff10\uff11-\uff10\uff11",  # full-width digits
]  # fmt: skip
QP_GARBAGE = ["=", "=Z", "=ZZ", "=E9", "=C3", "=C3=A9", "=\r\n", "==", "=0D=0A", "=\n", "=FF=FE"]
ODD = [*';:,=\\"\r\n \t.-', "\x00", "\x0b", "\x85", "\u2028", "\ufeff", "\ufffd", "é", "\U0001d518"]

text_piece = st.text(max_size=12) | st.sampled_from(ODD + QP_GARBAGE)
values = st.one_of(
    st.lists(text_piece, max_size=6).map("".join),
    st.sampled_from(DATES),
    st.lists(st.sampled_from(QP_GARBAGE) | st.text(max_size=3), max_size=8).map("".join),
    # A huge field: a long note or a photo pasted into the wrong property.
    st.tuples(st.sampled_from(["x", "é", "=E9", "\\n", "A;"]), st.integers(500, 20_000)).map(
        lambda t: t[0] * t[1]
    ),
)


@st.composite
def property_lines(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES) | st.text(max_size=8))
    params = draw(st.lists(st.sampled_from(PARAMS) | st.text(max_size=10), max_size=3))
    separator = draw(st.sampled_from([":", ":", ":", ";", "", "::"]))
    head = ";".join([name, *params])
    return f"{head}{separator}{draw(values)}"


@st.composite
def raw_cards(draw: st.DrawFn) -> str:
    lines = [draw(st.sampled_from(["BEGIN:VCARD", "begin:vcard", "BEGIN:VCARD ", "BEGIN:VCAR"]))]
    version = draw(st.sampled_from(["2.1", "3.0", "4.0", "", "9.9", "3.0;x"]))
    if draw(st.booleans()):
        lines.append(f"VERSION:{version}")
    lines += draw(st.lists(property_lines(), max_size=6))
    if draw(st.integers(0, 5)) == 0:
        # A card nested in this one, with or without an AGENT line before it.
        lines += ["AGENT:" if draw(st.booleans()) else "X-NOTE:x", draw(raw_cards())]
    ending = draw(st.sampled_from(["END:VCARD", "END:VCARD", "end:vcard", "", "END:VCARDX"]))
    if ending:
        lines.append(ending)
    return "\n".join(lines)


def _fold(text: str, at: list[int], how: str) -> str:
    for position in sorted({min(a, len(text)) for a in at}, reverse=True):
        text = text[:position] + how + text[position:]
    return text


@st.composite
def malformed_files(draw: st.DrawFn) -> str:
    """Cards that are wrong in the ways real files are, or in stranger ones."""
    cards = draw(st.lists(raw_cards(), min_size=1, max_size=4))
    text = draw(st.sampled_from(["", "Exported contacts\n\n", "\ufeff", "END:VCARD\n"]))
    text += draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"])).join(cards)
    ending = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    text = text.replace("\n", ending) if ending != "\n" else text
    if draw(st.booleans()):
        # Folds anywhere, with a space, a tab, or a bare line break.
        at = draw(st.lists(st.integers(0, len(text)), max_size=6))
        text = _fold(text, at, draw(st.sampled_from(["\r\n ", "\n\t", "\r\n", "\n  ", "=\r\n"])))
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # cut off anywhere
    return text


@st.composite
def mutated_real_cards(draw: st.DrawFn) -> str:
    """The real exports in tests/data with a few lines dropped, doubled, swapped or broken."""
    lines = re.split(r"(?<=\n)", REAL)
    for _ in range(draw(st.integers(1, 8))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "double", "swap", "break", "replace", "truncate"]))
        if kind == "drop":
            del lines[at]
        elif kind == "double":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "break":
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(text_piece) + lines[at][cut:]
        elif kind == "replace":
            lines[at] = draw(property_lines()) + "\r\n"
        else:
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
    return "".join(lines)


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le", errors="surrogatepass")
    return text.encode(encoding, errors="replace")


@st.composite
def malformed_bytes(draw: st.DrawFn) -> bytes:
    """A file as uploaded: malformed text in some encoding, perhaps with bytes flipped."""
    text = draw(malformed_files() | mutated_real_cards())
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252"]))
    data = bytearray(_encode(text, encoding))
    for _ in range(draw(st.integers(0, 3))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    if draw(st.integers(0, 9)) == 0:
        data = bytearray(draw(st.binary(max_size=300)))  # not a vCard at all
    return bytes(data)


any_file = malformed_files() | mutated_real_cards()

# --- What every reading must give -------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _check_entries(text: str) -> list[vcard.Card | vcard.BadCard]:
    entries = vcard.parse_vcards(text)
    assert [e.number for e in entries] == list(range(1, len(vcard.split_cards(text)) + 1))
    for entry in entries:
        if isinstance(entry, vcard.BadCard):
            assert entry.reason.strip()
            continue
        assert entry.name == entry.name.strip() and 0 < len(entry.name) <= vcard.NAME_MAX
        assert len(entry.nickname) <= vcard.NICKNAME_MAX
        assert len(entry.how_known) <= vcard.HOW_KNOWN_MAX
        assert len(entry.uid) <= vcard.UID_MAX
        assert all("@" in e and len(e) <= vcard.VALUE_MAX for e in entry.emails)
        assert all(any(c.isdigit() for c in p) for p in entry.phones)
        everything = [entry.name, entry.nickname, entry.notes, entry.uid, entry.how_known]
        assert not any(CONTROL.search(v) for v in everything + entry.emails + entry.phones)
        if entry.birthday:
            month, day, year = entry.birthday
            assert 1 <= month <= 12 and 1 <= day <= 31
            assert year is None or 1900 <= year <= 2100
    return entries


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WITH_DB = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PAGES = settings(WITH_DB, max_examples=15)


@FAST
@given(malformed_bytes())
def test_the_reader_names_each_card_or_says_why_it_was_left_out(data: bytes) -> None:
    text = vcard.decode_file(data)
    assert "\x00" not in text
    entries = _check_entries(text)
    plan = vcard.plan_import(entries, [Person(name="Sam", emails=["sam@example.com"])])
    assert len(plan.steps) == len(entries)
    assert plan.created + plan.merged + plan.skipped + plan.bad == len(entries)


@FAST
@given(mutated_real_cards())
def test_damaged_real_exports_keep_their_undamaged_cards(text: str) -> None:
    _check_entries(text)


# --- Importing: all of it or nothing ----------------------------------------------------


def _counts(owner: User) -> tuple[int, int, int]:
    return (
        Person.objects.filter(owner=owner).count(),
        ImportantDate.objects.filter(owner=owner).count(),
        ContactImport.objects.filter(owner=owner).count(),
    )


@WITH_DB
@given(text=any_file)
def test_an_import_saves_exactly_the_people_the_preview_showed(alice: User, text: str) -> None:
    people, dates, _pending = _counts(alice)
    pending = ContactImport.objects.create(owner=alice, payload=vcard.decode_file(text.encode()))
    shown = vcard.build_plan(pending)
    applied = vcard.do_import_contacts(pending)
    assert applied is not None
    assert (applied.created, applied.merged, applied.bad) == (
        shown.created,
        shown.merged,
        shown.bad,
    )
    assert _counts(alice) == (people + shown.created, dates, _pending)
    for person in applied.new_people:
        saved = Person.objects.get(pk=person.pk, owner=alice)
        assert (saved.name, saved.emails, saved.phones, saved.notes) == (
            person.name,
            person.emails,
            person.phones,
            person.notes,
        )


def _fail_after(real: Callable[..., Any]) -> mock.Mock:
    """Do the real write, then fail as a lost database connection would."""

    def failing(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise DatabaseError("connection lost")

    return mock.Mock(side_effect=failing)


FAILURES = ["bulk_create", "bulk_update", "refresh_people"]


@WITH_DB
@given(text=any_file, where=st.sampled_from(FAILURES))
def test_an_import_that_fails_part_way_writes_nothing(alice: User, text: str, where: str) -> None:
    if not Person.objects.filter(owner=alice, name="Sam Rivera").exists():
        Person.objects.create(owner=alice, name="Sam Rivera", emails=["sam@example.com"])
    before = _counts(alice)
    names = sorted(Person.objects.filter(owner=alice).values_list("name", "emails", "updated_at"))
    # As the upload stores it: decoded, so without NUL characters.
    pending = ContactImport.objects.create(owner=alice, payload=vcard.decode_file(text.encode()))
    target: Any = actions if where == "refresh_people" else Person.objects
    with mock.patch.object(target, where, _fail_after(getattr(target, where))) as failing:
        try:
            vcard.do_import_contacts(pending)
        except DatabaseError:
            pass
        else:
            # Only a file with nobody to update never reaches bulk_update.
            assert where == "bulk_update" and not failing.called
            return
    after = sorted(Person.objects.filter(owner=alice).values_list("name", "emails", "updated_at"))
    assert after == names
    assert _counts(alice) == (before[0], before[1], before[2] + 1)
    # The upload is still there to try again.
    assert ContactImport.objects.filter(pk=pending.pk).exists()
    pending.delete()


# --- Through the pages ------------------------------------------------------------------

FILENAMES = st.sampled_from(
    ["contacts.vcf", "a.vcf", "../../etc/passwd", "x" * 400 + ".vcf", "名前.vcf", "", "a\x00b.vcf"]
)


def _message(response: Any) -> str:
    """The newest message for the person (earlier ones wait for a page to show them)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


@PAGES
@given(data=malformed_bytes(), filename=FILENAMES, fail=st.booleans())
def test_upload_preview_and_confirm_answer_with_a_page_or_a_message(
    alice: User, data: bytes, filename: str, fail: bool
) -> None:
    client = Client()
    client.force_login(alice)
    before = _counts(alice)
    upload = SimpleUploadedFile(filename or "contacts.vcf", data, content_type="text/vcard")
    response = client.post(reverse("import_contacts"), {"file": upload})
    if response.status_code == 200:
        # Refused with the reason on the form, and nothing kept.
        assert response.context["form"].errors["file"]
        assert _counts(alice) == before
        return
    assert response.status_code == 302
    pending = ContactImport.objects.get(owner=alice)
    assert response["Location"] == reverse("import_preview", args=[pending.pk])
    assert len(pending.filename) <= 255 and "\x00" not in pending.filename
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    plan = preview.context["plan"]
    url = reverse("import_preview", args=[pending.pk])
    if fail:
        with mock.patch.object(actions, "refresh_people", side_effect=DatabaseError("gone")):
            confirm = client.post(url, {"confirm": "1", "ring": "x"})
        assert confirm.status_code == 302 and confirm["Location"] == url
        assert _message(confirm) == (
            "Something went wrong, so nothing was imported. Please try again."
        )
        assert _counts(alice) == (before[0], before[1], before[2] + 1)
        confirm = client.post(url, {"cancel": "1"})
        assert _message(confirm) == "No problem, nothing was imported."
        assert _counts(alice) == before
        return
    confirm = client.post(url, {"confirm": "1", "ring": "x"})
    assert confirm.status_code == 302 and confirm["Location"] == reverse("people")
    assert _message(confirm).startswith("Import done.")
    assert _counts(alice) == (before[0] + plan.created, before[1], before[2])
    # A second confirm (another tab) adds nobody.
    again = client.post(url, {"confirm": "1"})
    assert again.status_code == 404
    assert _counts(alice) == (before[0] + plan.created, before[1], before[2])
