"""Reading, planning and writing vCards: plain functions, no database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.circle import vcard
from kithkin.circle.models import Person
from kithkin.circle.vcard import BadCard, Birthday, Card, Outcome

DATA = Path(__file__).parent / "data"
SAMPLES = sorted(p.name for p in DATA.glob("*.vcf"))


def _read(name: str) -> list[Card | BadCard]:
    return vcard.parse_vcards(vcard.decode_file((DATA / name).read_bytes()))


def _cards(text: str) -> list[Card | BadCard]:
    return vcard.parse_vcards(text)


def _card(text: str) -> Card:
    (entry,) = _cards(text)
    assert isinstance(entry, Card), entry
    return entry


def _by_name(entries: list[Card | BadCard]) -> dict[str, Card]:
    return {e.name: e for e in entries if isinstance(e, Card)}


# --- Reading real exports ---------------------------------------------------------------


def test_it_reads_an_android_phone_export() -> None:
    cards = _by_name(_read("android-2.1.vcf"))
    chidi = cards["Chidi Okafor"]
    assert chidi.phones == ["+44 7700 900123", "020 7946 0018"]
    assert chidi.emails == ["chidi.okafor@example.com"]
    assert chidi.birthday == Birthday(3, 2, 1988)
    # vCard 2.1 never escapes commas; the whole note survives.
    assert chidi.notes == "Met at the park run, loves dogs; brings flapjacks"

    jurgen = cards["Jürgen Müller"]  # QUOTED-PRINTABLE with CHARSET=UTF-8
    assert jurgen.nickname == "Jürgi"  # Android keeps it in X-ANDROID-CUSTOM
    assert jurgen.notes == (
        "Climbing gym on Thursdays, Kaffee und Kuchen afterwards.\n"
        "Ask about his daughter's first football match \N{EN DASH} she scored!"
    )
    assert cards["Анна Иванова"].birthday == Birthday(7, 12, 1991)


def test_it_reads_an_outlook_export() -> None:
    priya = _by_name(_read("android-2.1.vcf"))["Priya Patel"]
    assert priya.how_known == "Lead designer at Northwind Traders, Design"
    assert priya.phones == ["+44 20 7946 0958", "07700 900456"]
    assert priya.emails == ["priya.patel@example.co.uk"]


def test_it_reads_an_apple_contacts_export() -> None:
    entries = _read("apple-3.0.vcf")
    yuki = _by_name(entries)["Yuki Nakamura"]
    assert yuki.emails == ["yuki@example.jp"]  # item1.EMAIL, grouped with its X-ABLabel
    assert yuki.phones == ["+81 90-1234-5678"]
    assert yuki.nickname == "Yu"
    assert yuki.birthday == Birthday(4, 15, None)  # X-APPLE-OMIT-YEAR=1604
    assert yuki.uid == "5F6C2E1A-8B1D-4B7E-9C3A-1D2E3F405162"
    assert yuki.notes == (
        'Runs the bookshop by the harbour. Recommended "The Overstory", and she was right.\n'
        "Call on Sunday mornings; she's free then."
    )
    assert yuki.how_known == "Owner at Tidewater Books"
    siobhan = _by_name(entries)["Siobhán O'Brien"]
    assert siobhan.birthday == Birthday(11, 30, 1990)
    assert entries[2] == BadCard(3, "Book club", "it's a group of contacts, not a person")


def test_it_reads_a_google_contacts_export() -> None:
    entries = _read("google-3.0.vcf")
    sam = _by_name(entries)["Sam Rivera"]
    assert sam.emails == ["sam.rivera@example.com", "srivera@work.example.com"]
    assert sam.nickname == "Sammy"
    assert sam.notes == "Met at the seed swap, spring 2023."
    assert sam.birthday == Birthday(7, 8, 1992)
    assert sam.how_known == "Volunteer coordinator at Riverside Community Garden"
    assert _by_name(entries)["Lena Fischer"].birthday == Birthday(12, 24, None)
    assert entries[2] == BadCard(3, "+1 555-010-2300", "it has no name")


def test_it_reads_a_vcard_4_export() -> None:
    entries = _read("contacts-4.0.vcf")  # UTF-8 BOM, LF line ends
    amara = _by_name(entries)["Amara Nwosu"]
    assert amara.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert amara.birthday == Birthday(4, 15, None)  # --0415
    assert amara.phones == ["+234-803-555-0199"]  # TEL;VALUE=uri:tel:...
    assert amara.nickname == "Ama"
    assert amara.notes == "Loves long walks, hates small talk.\nBirthday lunch tradition."
    assert _by_name(entries)["Tomás García López"].birthday == Birthday(9, 23, 1979)
    assert isinstance(entries[2], BadCard) and entries[2].label == "Climbing friends"


def test_it_names_each_malformed_card_and_reads_the_good_ones() -> None:
    entries = _read("mixed-malformed.vcf")
    assert [e.name for e in entries if isinstance(e, Card)] == [
        "Good One",
        "Lower Case",
        "After The Broken One",
    ]
    bad = {e.number: (e.label, e.reason) for e in entries if isinstance(e, BadCard)}
    assert bad == {
        2: ("nobody@example.com", "it has no name"),
        3: (
            "Jo Smith",
            "could not be read: line 16 isn't a vCard property (“this line has no colon”)",
        ),
        5: ("", "could not be read: line 26 uses a character set we don't know"),
        6: ("Never Closed", "it stops before its end (END:VCARD is missing)"),
        8: ("Cut Off At The End", "it stops before its end (END:VCARD is missing)"),
    }
    # 29 February 2001 never happened: the card comes in without a birthday.
    assert _by_name(entries)["After The Broken One"].birthday is None


@pytest.mark.parametrize(
    "line, expected",
    [
        ("BDAY:1985-04-15", Birthday(4, 15, 1985)),
        ("BDAY:19850415", Birthday(4, 15, 1985)),
        ("BDAY;VALUE=date:1985-04-15T00:00:00Z", Birthday(4, 15, 1985)),
        ("BDAY:--0415", Birthday(4, 15, None)),
        ("BDAY:--04-15", Birthday(4, 15, None)),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15", Birthday(4, 15, None)),
        ("BDAY:1604-02-29", Birthday(2, 29, None)),
        ("BDAY:--0229", Birthday(2, 29, None)),
        ("BDAY:2001-02-29", None),
        ("BDAY:--1301", None),
        ("BDAY;VALUE=text:circa 1800", None),
    ],
)
def test_it_reads_birthdays_with_and_without_a_year(line: str, expected: Birthday | None) -> None:
    assert _card(f"BEGIN:VCARD\nVERSION:4.0\nFN:Sam\n{line}\nEND:VCARD\n").birthday == expected


def test_it_builds_the_name_from_n_when_there_is_no_fn() -> None:
    card = _card("BEGIN:VCARD\nVERSION:3.0\nN:Rivera;Sam;Alex,Jo;Dr.;\nEND:VCARD")
    assert card.name == "Dr. Sam Alex Jo Rivera"


def test_it_unfolds_lines_and_finds_cards_in_any_case_and_line_ending() -> None:
    text = (
        "\ufeffbegin:vcard\rversion:3.0\rFN:Folded\r  Name\rEMAIL:a@\r example.com\rEND:VCA\r RD\r"
        "BEGIN:VCARD\r\nFN:Second\r\nend:vcard"
    )
    entries = _cards(text)
    assert [(e.name, e.emails) for e in entries if isinstance(e, Card)] == [
        ("Folded Name", ["a@example.com"]),
        ("Second", []),
    ]


def test_it_leaves_out_a_2_1_agent_card_but_keeps_its_owner() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:2.1\nFN:Boss\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\n"
        "FN:Assistant\nEMAIL:assistant@example.com\nEND:VCARD\nEMAIL:boss@example.com\n"
        "END:VCARD\nBEGIN:VCARD\nFN:Next\nEND:VCARD\n"
    )
    entries = _cards(text)
    assert [(e.name, e.emails) for e in entries if isinstance(e, Card)] == [
        ("Boss", ["boss@example.com"]),
        ("Next", []),
    ]


def test_it_does_not_take_the_next_card_for_an_agent_after_a_missing_end() -> None:
    text = (
        "BEGIN:VCARD\nFN:Boss\nAGENT:\nBEGIN:VCARD\nFN:Assistant\nEND:VCARD\n"
        "BEGIN:VCARD\nFN:Next\nEND:VCARD\n"
    )
    entries = _cards(text)
    first, second = entries
    assert isinstance(first, BadCard) and "END:VCARD is missing" in first.reason
    assert isinstance(second, Card) and second.name == "Next"


def test_it_decodes_files_in_other_encodings() -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Müller\r\nEND:VCARD\r\n"
    for data in (
        text.encode("utf-8-sig"),
        text.encode("utf-16"),  # with a BOM
        text.encode("utf-16-le"),  # Outlook's "Unicode", without one
        text.encode("cp1252"),
    ):
        assert _card(vcard.decode_file(data)).name == "Zoë Müller"


def test_it_screens_out_lines_that_would_make_vobject_backtrack() -> None:
    evil = "A;B" + "=," * 40
    # vobject's line pattern backtracks for a very long time on such a line:
    # it must never reach the parser at all.
    with mock.patch("vobject.base.parseLine", wraps=vobject.base.parseLine) as parse:
        (entry,) = _cards(f"BEGIN:VCARD\nFN:Sam\n{evil}\nEND:VCARD\n")
    assert parse.call_count >= 1
    assert not any(evil in str(call.args[0]) for call in parse.call_args_list)
    assert isinstance(entry, BadCard) and "isn't a vCard property" in entry.reason


def test_it_skips_photos_without_reading_them() -> None:
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 200_000
    card = _card(f"BEGIN:VCARD\nVERSION:3.0\nFN:Sam\n{photo}\nEND:VCARD\n")
    assert card.name == "Sam"


# --- Planning ---------------------------------------------------------------------------


def _person(name: str, **extra: object) -> Person:
    return Person(name=name, **extra)


def _plan(text: str, people: list[Person]) -> vcard.Plan:
    return vcard.plan_import(_cards(text), people)


def _vcf(*cards: str) -> str:
    return "".join(f"BEGIN:VCARD\nVERSION:3.0\n{c}\nEND:VCARD\n" for c in cards)


@pytest.mark.parametrize(
    "card, matched",
    [
        ("FN:Someone Else\nUID:ABC-123\nEMAIL:sam@example.com", "by uid"),
        ("FN:Someone Else\nUID:abc-123", "by uid"),
        ("FN:Someone Else\nEMAIL:Other@Example.COM\nEMAIL:SAM@example.com", "by email"),
        ("FN:Someone Else\nTEL:+44 7700 900123", "by phone"),
        ("FN:  sam   RIVERA ", "by name"),
    ],
)
def test_it_finds_duplicates_by_uid_then_email_then_phone_then_name(
    card: str, matched: str
) -> None:
    people = [
        _person("Uid Person", vcard_uid="abc-123", notes="by uid"),
        _person("Email Person", emails=["sam@example.com"], notes="by email"),
        _person("Phone Person", phones=["07700 900123"], notes="by phone"),
        _person("Sam Rivera", notes="by name"),
    ]
    (step,) = _plan(_vcf(card), people).steps
    assert step.person is not None and step.person.notes == matched


def test_two_people_with_one_name_but_different_details_stay_two() -> None:
    john = _person("John Smith", emails=["john@work.example"], phones=["07700 900111"])
    (other,) = _plan(_vcf("FN:John Smith\nEMAIL:jsmith@home.example"), [john]).steps
    assert other.person is not john and plan_created(other)
    (other,) = _plan(_vcf("FN:John Smith\nTEL:+1 555 010 4477"), [john]).steps
    assert other.person is not john and plan_created(other)
    uid_john = _person("John Smith", vcard_uid="john-1")
    (other,) = _plan(_vcf("FN:John Smith\nUID:john-2"), [uid_john]).steps
    assert other.person is not uid_john and plan_created(other)
    # A card with nothing that conflicts still merges by name.
    (same,) = _plan(_vcf("FN:John Smith\nNICKNAME:Johnny"), [john]).steps
    assert same.person is john


def plan_created(step: vcard.Step) -> bool:
    return step.outcome == vcard.Outcome.CREATE


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("+44 7700 900123", "07700 900123", True),
        ("+44 7700 900123", "0044 7700 900123", True),
        ("+1 (555) 010-4477", "555.010.4477", True),
        ("+47 22 12 34 56", "22 12 34 56", False),  # too short to match by its end
        ("22 12 34 56", "22123456", True),
        # The same last nine digits, different countries and people.
        ("+49 151 23456789", "+7 912 345-67-89", False),
    ],
)
def test_it_compares_phones_by_their_last_nine_or_more_digits(a: str, b: str, same: bool) -> None:
    assert vcard.phones_match(a, b) is same
    assert vcard.phones_match(b, a) is same
    if same:
        assert vcard.phone_key(a) == vcard.phone_key(b)


def test_it_does_not_index_a_phone_without_digits() -> None:
    assert vcard.phone_key("call the office") == ""


def test_it_merges_only_into_empty_fields_and_adds_new_emails_and_phones() -> None:
    sam = _person(
        "Sam Rivera",
        nickname="Sam-Sam",
        emails=["sam@example.com"],
        phones=["07700 900123"],
        notes="Typed by me.",
    )
    card = _vcf(
        "FN:Samuel Rivera\nNICKNAME:Sammy\nEMAIL:SAM@example.com\nEMAIL:new@example.com\n"
        "TEL:+44 7700 900123\nTEL:+44 20 7946 0018\nBDAY:--0708\nNOTE:From the phone.\n"
        "ORG:Garden club\nUID:u-1"
    )
    plan = _plan(card, [sam])
    (step,) = plan.steps
    assert step.outcome == Outcome.MERGE
    assert step.changes == ["how you know each other", "email", "phone", "birthday", "notes"]
    assert sam.name == "Sam Rivera" and sam.nickname == "Sam-Sam"
    assert sam.emails == ["sam@example.com", "new@example.com"]
    assert sam.phones == ["07700 900123", "+44 20 7946 0018"]
    assert (sam.birthday_month, sam.birthday_day, sam.birthday_year) == (7, 8, None)
    assert sam.notes == "Typed by me.\n\nFrom the phone."
    assert sam.vcard_uid == "u-1"
    assert plan.changed_people == [sam]
    # The same card again has nothing new.
    assert _plan(card, [sam]).steps[0].outcome == Outcome.SKIP


def test_it_adds_a_birth_year_to_the_same_birthday_but_never_changes_a_day() -> None:
    sam = _person("Sam", birthday_month=7, birthday_day=8)
    _plan(_vcf("FN:Sam\nBDAY:1992-07-08"), [sam])
    assert sam.birthday_year == 1992
    lee = _person("Lee", birthday_month=1, birthday_day=2)
    assert _plan(_vcf("FN:Lee\nBDAY:1992-07-08"), [lee]).steps[0].outcome == Outcome.SKIP
    assert (lee.birthday_month, lee.birthday_day, lee.birthday_year) == (1, 2, None)


def test_it_merges_duplicates_within_one_file() -> None:
    plan = _plan(
        _vcf(
            "FN:Jo Smith\nEMAIL:jo@example.com",
            "FN:Joanna Smith\nEMAIL:JO@example.com\nTEL:+44 7700 900123",
            "FN:J. S.\nTEL:07700 900123",
            "FN:jo  smith",
        ),
        [],
    )
    assert [s.outcome for s in plan.steps] == [
        Outcome.CREATE,
        Outcome.MERGE,
        Outcome.SKIP,
        Outcome.SKIP,
    ]
    assert [s.same_as for s in plan.steps] == [None, 1, 1, 1]
    (jo,) = plan.new_people
    assert jo.emails == ["jo@example.com"] and jo.phones == ["+44 7700 900123"]
    assert plan.changed_people == []
    assert (plan.created, plan.merged, plan.skipped, plan.bad, plan.writes) == (1, 1, 2, 0, 2)


def test_it_plans_bad_cards_in_file_order() -> None:
    plan = _plan(_vcf("FN:A", "EMAIL:x@example.com", "FN:B"), [])
    assert [(s.number, s.outcome) for s in plan.steps] == [
        (1, Outcome.CREATE),
        (2, Outcome.BAD),
        (3, Outcome.CREATE),
    ]
    assert plan.left_out[0].reason == "it has no name"


# --- Writing vCard 4.0 ------------------------------------------------------------------


def _saved(name: str, pk: int, **extra: object) -> Person:
    return Person(pk=pk, name=name, created_at=datetime(2024, 5, 1, 12, tzinfo=UTC), **extra)


def test_it_writes_valid_vcard_4() -> None:
    person = _saved(
        "Zoë 'Z' O'Brien-Ñúñez, Jr.; the elder",
        7,
        nickname="Zo, Zed",
        emails=["zoe@example.com"],
        phones=["+44 7700 900123"],
        birthday_month=4,
        birthday_day=15,
        notes="Line one\nLine two with a \\ backslash, a comma; and "
        + "ünïcödé " * 20
        + "\x07bell",
    )
    text = vcard.export_card(person)
    lines = text.split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "PRODID:-//Kithkin//Kithkin//EN"]
    assert lines[-2:] == ["END:VCARD", ""]
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in lines)
    # Folding happens between characters, so each line is valid UTF-8 on its own.
    assert all(line.decode() for line in text.encode().split(b"\r\n")[:-1])
    unfolded = text.replace("\r\n ", "")
    assert "FN:Zoë 'Z' O'Brien-Ñúñez\\, Jr.; the elder\r\n" in unfolded
    assert "N:;Zoë 'Z' O'Brien-Ñúñez\\, Jr.\\; the elder;;;\r\n" in unfolded
    assert "NICKNAME:Zo\\, Zed\r\n" in unfolded
    assert "NOTE:Line one\\nLine two with a \\\\ backslash\\, a comma; and " in unfolded
    assert "bell" in unfolded and "\x07" not in unfolded
    assert "BDAY:--0415\r\n" in unfolded
    assert "UID:urn:uuid:" in unfolded
    # vobject reads it, and so do we, to the same person.
    assert vobject.readOne(text).fn.value.startswith("Zoë")
    card = _card(text)
    assert (card.name, card.nickname, card.notes) == (
        person.name,
        person.nickname,
        person.notes.replace("\x07", ""),
    )
    assert card.birthday == Birthday(4, 15, None)


def test_it_writes_a_birthday_with_its_year() -> None:
    text = vcard.export_card(_saved("Sam", 1, birthday_month=2, birthday_day=9, birthday_year=1990))
    assert "BDAY:19900209\r\n" in text


def test_it_exports_a_stable_uid() -> None:
    sam = _saved("Sam", 42)
    assert vcard.person_uid(sam) == vcard.person_uid(_saved("Sam again", 42))
    assert vcard.person_uid(sam) != vcard.person_uid(_saved("Sam", 43))
    assert vcard.person_uid(_saved("Yuki", 5, vcard_uid="5F6C-ABPerson")) == "5F6C-ABPerson"
    text = vcard.export_card(_saved("Odd", 6, vcard_uid="has, comma; and space"))
    assert "UID;VALUE=text:has\\, comma; and space\r\n" in text
    assert _card(text).uid == "has, comma; and space"


# --- Fuzzing ----------------------------------------------------------------------------

REAL = "".join((DATA / name).read_text(encoding="utf-8-sig") for name in SAMPLES)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_and_plan(text: str) -> None:
    entries = vcard.parse_vcards(text)
    plan = vcard.plan_import(entries, [_person("Sam Rivera", emails=["sam@example.com"])])
    assert len(plan.steps) == len(entries)
    for entry in entries:
        if isinstance(entry, Card):
            assert entry.name and len(entry.name) <= vcard.NAME_MAX
            assert "\x00" not in entry.name + entry.notes + "".join(entry.emails + entry.phones)


@FUZZ
@given(st.text())
def test_it_never_fails_on_arbitrary_text(text: str) -> None:
    _parse_and_plan(text)
    _parse_and_plan(f"BEGIN:VCARD\n{text}\nEND:VCARD")


@FUZZ
@given(st.binary())
def test_it_never_fails_on_arbitrary_bytes(data: bytes) -> None:
    _parse_and_plan(vcard.decode_file(data))


@st.composite
def mutated_cards(draw: st.DrawFn) -> str:
    text = REAL
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "case"]))
        if kind == "insert":
            alphabet = st.sampled_from([*';:,=\\"\r\n \t.-', "BEGIN:VCARD", "END:VCARD"])
            piece = draw(st.lists(alphabet | st.characters(), max_size=8))
            text = text[:at] + "".join(piece) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 200)) :]
        elif kind == "duplicate":
            text = text[:at] + text[at : at + draw(st.integers(1, 300))] + text[at:]
        else:
            text = text[:at] + text[at : at + 50].swapcase() + text[at + 50 :]
    return text


@FUZZ
@given(mutated_cards())
def test_it_never_fails_on_mutated_real_cards(text: str) -> None:
    _parse_and_plan(text)
