"""Contacts in and out as vCards (2.1, 3.0 and 4.0).

Reading a file and planning what it will do are plain functions over text and
unsaved `Person` objects, so the preview can be shown without writing anything.
Only `load_people` (one query) and `do_import_contacts` touch the database.

vobject reads each property line (parameters, groups, quoted-printable with its
CHARSET). The values are decoded here, per version, because vobject's vCard 3.0
text handling treats every unescaped comma as a list separator and keeps only
the first item: "NOTE:Met at the park, loves dogs" from a vCard 2.1 phone
export (where commas are never escaped) would come back as "Met at the park".
It also has no vCard 4.0 behaviour, and its line folding counts characters
rather than octets, so the 4.0 export is written here too.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date
from enum import StrEnum
from typing import Any, NamedTuple

import vobject
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kithkin.accounts.models import User
from kithkin.circle import actions, cadence
from kithkin.circle.models import ContactImport, Person, Ring

MAX_BYTES = 5 * 1024 * 1024
# Enough for the largest address books people keep, and it keeps the single
# `pk IN (...)` of refresh_people within every database's parameter limit.
MAX_CARDS = 20_000

# Stable UIDs for people who came without one (see person_uid). Never change it:
# re-exported cards would stop matching the ones exported before.
UID_NAMESPACE = uuid.UUID("6f1d3c52-8a4e-4c1b-9d0a-2b7e5f3a9c41")

NAME_MAX = Person._meta.get_field("name").max_length or 200
NICKNAME_MAX = Person._meta.get_field("nickname").max_length or 100
HOW_KNOWN_MAX = Person._meta.get_field("how_known").max_length or 200
UID_MAX = Person._meta.get_field("vcard_uid").max_length or 255
VALUE_MAX = 254

# --- Reading a file ----------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_GROUP_AND_NAME = re.compile(r"(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)[;:]")
# What vobject's line grammar accepts, written with possessive quantifiers so it
# runs in linear time. vobject's own pattern backtracks exponentially on lines
# like "A;B=,=,=,=,=,=,=,=,=,=,=,=,=,=" (a minute for 31 characters), so a line
# reaches vobject only once it is known to match.
_PARAM_VALUE = r'(?:"[^"]*+"|[^";:,]*+)'
_HEAD = re.compile(
    rf"(?:[A-Za-z0-9_-]++\.)?+[A-Za-z0-9_-]++"
    rf"(?:;[A-Za-z0-9_-]++(?:[=,]{_PARAM_VALUE})*+)*+;?+:"
)
_AGENT = re.compile(r"(?:[A-Z0-9_-]+\.)?AGENT[;:]")
# Pictures, sounds and keys are never imported, nor checked: skipping them keeps
# a file of large photos fast.
_IGNORED = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
# What is imported. Other lines are only checked against the grammar, which is
# much faster than building vobject's objects for them.
_WANTED = frozenset(
    {"VERSION", "FN", "N", "NICKNAME", "EMAIL", "TEL", "UID", "BDAY", "NOTE", "ORG", "TITLE"}
    | {"KIND", "X-ADDRESSBOOKSERVER-KIND", "X-ANDROID-CUSTOM"}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_BDAY = re.compile(r"(?:(\d{4})-?|--)(\d{2})-?(\d{2})(?:T.*)?")


class Birthday(NamedTuple):
    month: int
    day: int
    year: int | None


@dataclass
class Card:
    """A readable card with a name: what a person would be made from."""

    number: int
    name: str
    nickname: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    uid: str = ""
    birthday: Birthday | None = None
    notes: str = ""
    how_known: str = ""


@dataclass
class BadCard:
    """A card that can't be imported, with the reason in plain words."""

    number: int
    label: str
    reason: str


@dataclass
class RawCard:
    number: int
    # Logical lines (folds undone) with the file line each one starts on.
    lines: list[tuple[int, str]]
    closed: bool = False


def decode_file(data: bytes) -> str:
    """The text of an uploaded file, whatever its encoding.

    UTF-16 comes from Outlook's "Unicode" exports (with or without a BOM); old
    phones and Outlook write Windows-1252 without saying so. NUL characters are
    dropped because PostgreSQL can't store them in text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif len(data) > 1 and data[1] == 0 and data[0] != 0:
        text = data.decode("utf-16-le", errors="replace")
    elif len(data) > 1 and data[0] == 0 and data[1] != 0:
        text = data.decode("utf-16-be", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    return text.replace("\x00", "")


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Undo line folding, giving each logical line with its first line number.

    1. A line starting with a space or tab continues the previous one (the
       first whitespace character is the fold and is dropped).
    2. In vCard 2.1, a quoted-printable value ending in "=" continues on the
       next line whatever it starts with (a soft line break); the line break is
       kept for the quoted-printable decoding to remove.
    3. Blank lines end a logical line and are dropped.
    """
    parts: list[str] = []
    start = 0
    quoted_printable = False
    for index, line in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), start=1):
        if parts and quoted_printable and parts[-1].endswith("=") and line.strip():
            parts.append("\n" + line)
        elif parts and line[:1] in (" ", "\t"):
            parts.append(line[1:])
        else:
            if parts:
                yield start, "".join(parts)
            parts, start = ([line], index) if line.strip() else ([], index)
            head = line.split(":", 1)[0].upper()
            quoted_printable = "QUOTED-PRINTABLE" in head
    if parts:
        yield start, "".join(parts)


def split_cards(text: str) -> list[RawCard]:
    """Cut a file into its BEGIN:VCARD … END:VCARD blocks.

    1. Look at logical lines, so a folded BEGIN or END still counts, in any case.
    2. A BEGIN:VCARD right after an AGENT property opens a card nested inside
       this one (vCard 2.1); its lines are left out. Any other BEGIN:VCARD
       inside a card means that card was never closed: keep it as unclosed and
       start the next one, so one missing END doesn't swallow the rest.
    3. Text outside cards is ignored.
    """
    cards: list[RawCard] = []
    current: RawCard | None = None
    depth = 0
    after_agent = False
    for number, line in _logical_lines(text):
        marker = line.strip().upper()
        if marker == "BEGIN:VCARD":
            if current is not None and depth == 1 and not after_agent:
                cards.append(current)
                current = None
            if current is None:
                current = RawCard(number=len(cards) + 1, lines=[])
                depth = 1
            else:
                depth += 1
            after_agent = False
            continue
        if current is None:
            continue
        if marker == "END:VCARD":
            depth -= 1
            after_agent = False
            if depth == 0:
                current.closed = True
                cards.append(current)
                current = None
            continue
        if depth == 1:
            current.lines.append((number, line))
            after_agent = bool(_AGENT.match(marker))
    if current is not None:
        cards.append(current)
    return cards


class _Unreadable(Exception):
    pass


def _check_line(text: str, number: int) -> None:
    if not _HEAD.match(text):
        snippet = text if len(text) <= 40 else text[:40] + "…"
        raise _Unreadable(
            _("line %(number)d isn't a vCard property (“%(text)s”)")
            % {"number": number, "text": _one_line(snippet)}
        )


def _read_line(text: str, number: int) -> Any:
    """One property line through vobject, or a plain reason it can't be read."""
    _check_line(text, number)
    try:
        return vobject.base.textLineToContentLine(text, number)
    except LookupError as e:
        raise _Unreadable(
            _("line %(number)d uses a character set we don't know") % {"number": number}
        ) from e
    except UnicodeError as e:
        raise _Unreadable(
            _("the text on line %(number)d isn't in the character set it names")
            % {"number": number}
        ) from e
    except (vobject.base.VObjectError, ValueError, TypeError) as e:
        raise _Unreadable(_("line %(number)d could not be read") % {"number": number}) from e


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", _CONTROL.sub("", value.replace("\r\n", "\n"))).strip()


def _one_line(value: str, limit: int = VALUE_MAX) -> str:
    return " ".join(_clean(value).split())[:limit].strip()


def _unescape(value: str, v21: bool) -> str:
    # vCard 2.1 escapes only the semicolon; 3.0 and 4.0 use backslash escapes.
    if v21:
        return value.replace("\\;", ";")
    return _ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], value)


def _split(value: str, separator: str) -> list[str]:
    """Split where `separator` isn't backslash-escaped, keeping the escapes."""
    parts, current, escaped = [], [], False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _components(value: str, v21: bool) -> list[str]:
    """The parts of a structured value (N, ORG); lists within a part are joined."""
    parts = _split(value, ";")
    if v21:
        return [_one_line(_unescape(p, v21)) for p in parts]
    return [" ".join(_one_line(_unescape(x, v21)) for x in _split(p, ",") if x) for p in parts]


def _is_binary(line: Any) -> bool:
    encoding = [e.upper() for e in line.params.get("ENCODING", [])]
    return "B" in encoding or "BASE64" in encoding or "BASE64" in line.singletonparams


def parse_birthday(value: str, omit_year: str = "") -> Birthday | None:
    """BDAY in any version: 1985-04-15, 19850415, --0415, --04-15, with a time or not.

    Apple writes a birthday without a year as 1604-04-15 with X-APPLE-OMIT-YEAR=1604.
    Years outside 1900 to 2100 are placeholders like that, so only the day is kept.
    """
    match = _BDAY.fullmatch(value.strip())
    if not match:
        return None
    year = int(match[1]) if match[1] else None
    month, day = int(match[2]), int(match[3])
    if year is not None and (match[1] == omit_year or not 1900 <= year <= 2100):
        year = None
    try:
        # 2000 is a leap year, so 29 February is fine without a year.
        date(year or 2000, month, day)
    except ValueError:
        return None
    return Birthday(month, day, year)


class _Props:
    """The properties of one card, by name, decoded for its vCard version."""

    def __init__(self, lines: list[Any]) -> None:
        self.lines = lines
        version = next((str(x.value).strip() for x in lines if x.name == "VERSION"), "3.0")
        self.v21 = version.startswith("2")

    def raw(self, prop: str) -> list[str]:
        """Values still escaped, for structured values that are split first."""
        return [x.value for x in self.lines if x.name == prop and not _is_binary(x)]

    def texts(self, prop: str) -> list[str]:
        return [_unescape(v, self.v21) for v in self.raw(prop)]

    def first(self, prop: str, limit: int = VALUE_MAX) -> str:
        return next((t for t in (_one_line(v, limit) for v in self.texts(prop)) if t), "")

    def components(self, prop: str) -> Iterator[list[str]]:
        return (_components(v, self.v21) for v in self.raw(prop))

    def name(self) -> str:
        if fn := self.first("FN", NAME_MAX):
            return fn
        for parts in self.components("N"):
            family, given, additional, prefix, suffix = (parts + [""] * 5)[:5]
            if name := " ".join(p for p in (prefix, given, additional, family, suffix) if p):
                return name[:NAME_MAX].strip()
        return ""

    def nickname(self) -> str:
        names = [n for v in self.raw("NICKNAME") for n in _split(v, ",")]
        for value in self.raw("X-ANDROID-CUSTOM"):
            # Android's vCard 2.1 export keeps the nickname in a custom row.
            parts = _split(value, ";")
            if parts[0] == "vnd.android.cursor.item/nickname" and len(parts) > 1:
                names.append(parts[1])
        cleaned = (_one_line(_unescape(n, self.v21), NICKNAME_MAX) for n in names)
        return next((n for n in cleaned if n), "")

    def emails(self) -> list[str]:
        values = (_one_line(re.sub(r"(?i)^mailto:", "", v)) for v in self.texts("EMAIL"))
        return _unique(e for e in values if "@" in e)

    def phones(self) -> list[str]:
        values = (_one_line(re.sub(r"(?i)^tel:", "", v)) for v in self.texts("TEL"))
        return _unique(p for p in values if any(c.isdigit() for c in p))

    def birthday(self) -> Birthday | None:
        for line in self.lines:
            if line.name == "BDAY":
                omit = next(iter(line.params.get("X-APPLE-OMIT-YEAR", [])), "")
                if found := parse_birthday(_unescape(line.value, self.v21), omit):
                    return found
        return None

    def how_known(self) -> str:
        orgs = (", ".join(p for p in parts if p) for parts in self.components("ORG"))
        org = next((o for o in orgs if o), "")
        title = self.first("TITLE")
        if org and title:
            text = _("%(title)s at %(org)s") % {"title": title, "org": org}
        else:
            text = org or title
        return text[:HOW_KNOWN_MAX].strip()

    def is_group(self) -> bool:
        kinds = self.texts("KIND") + self.texts("X-ADDRESSBOOKSERVER-KIND")
        return any(_one_line(k).lower() == "group" for k in kinds)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return list(seen.values())


def read_card(raw: RawCard) -> Card | BadCard:
    """A card's fields, or why it can't be imported (named as best we can)."""
    lines, problem = [], ""
    for number, text in raw.lines:
        head = _GROUP_AND_NAME.match(text)
        prop = head[1].upper() if head else ""
        if prop in _IGNORED:
            continue
        try:
            if prop in _WANTED:
                lines.append(_read_line(text, number))
            else:
                _check_line(text, number)
        except _Unreadable as e:
            problem = problem or str(e)
    props = _Props(lines)
    name = props.name()
    emails, phones = props.emails(), props.phones()
    label = name or next(iter(emails + phones), "")
    if problem:
        return BadCard(raw.number, label, _("could not be read: %(reason)s") % {"reason": problem})
    if not raw.closed:
        return BadCard(raw.number, label, _("it stops before its end (END:VCARD is missing)"))
    if props.is_group():
        return BadCard(raw.number, label, _("it's a group of contacts, not a person"))
    if not name:
        return BadCard(raw.number, label, _("it has no name"))
    return Card(
        number=raw.number,
        name=name,
        nickname=props.nickname(),
        emails=emails,
        phones=phones,
        uid=props.first("UID", UID_MAX),
        birthday=props.birthday(),
        notes="\n\n".join(n for n in map(_clean, props.texts("NOTE")) if n),
        how_known=props.how_known(),
    )


def parse_vcards(text: str) -> list[Card | BadCard]:
    """Every card in a file, in order: each either readable or with its reason."""
    return [read_card(raw) for raw in split_cards(text)]


# --- Planning -------------------------------------------------------------------------


class Outcome(StrEnum):
    CREATE = "create"
    MERGE = "merge"
    SKIP = "skip"
    BAD = "bad"


@dataclass
class Step:
    """What one card will do."""

    number: int
    outcome: Outcome
    label: str
    # Who it becomes, merges into or matches (unsaved while only planned).
    person: Person | None = None
    # What it adds to them, in plain words.
    changes: list[str] = field(default_factory=list)
    # The earlier card in the same file that it matched, if any.
    same_as: int | None = None
    reason: str = ""


@dataclass
class Plan:
    steps: list[Step]
    new_people: list[Person]
    changed_people: list[Person]
    changed_fields: set[str]

    def _of(self, outcome: Outcome) -> list[Step]:
        return [s for s in self.steps if s.outcome == outcome]

    @property
    def to_create(self) -> list[Step]:
        return self._of(Outcome.CREATE)

    @property
    def to_merge(self) -> list[Step]:
        return self._of(Outcome.MERGE)

    @property
    def to_skip(self) -> list[Step]:
        return self._of(Outcome.SKIP)

    @property
    def left_out(self) -> list[Step]:
        return self._of(Outcome.BAD)

    @property
    def created(self) -> int:
        return len(self.new_people)

    @property
    def merged(self) -> int:
        return len(self.to_merge)

    @property
    def skipped(self) -> int:
        return len(self.to_skip)

    @property
    def bad(self) -> int:
        return len(self.left_out)

    @property
    def writes(self) -> int:
        """People the import will add or change."""
        return self.created + self.merged


def phone_digits(phone: str) -> str:
    """Digits only, without leading zeros (a trunk "0" or an international "00")."""
    return "".join(c for c in phone if c.isdigit()).lstrip("0")


def phone_key(phone: str) -> str:
    """Where a phone is indexed: its last nine digits, or all of a shorter one."""
    digits = phone_digits(phone)
    return digits[-9:] if len(digits) >= 9 else f"={digits}" if digits else ""


def phones_match(a: str, b: str) -> bool:
    """The same phone, written nationally or internationally.

    +44 7700 900123 and 07700 900123 match: with leading zeros gone, one is the
    end of the other and at least nine digits long. Sharing only the last nine
    digits is not enough: +49 151 23456789 and +7 912 345-67-89 do, and are two
    different people.
    """
    x, y = sorted((phone_digits(a), phone_digits(b)), key=len)
    return x == y if len(x) < 9 else y.endswith(x)


def name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def person_uid(person: Person) -> str:
    """The UID a person is exported with: the one they came with, or one derived
    from their row so that exporting twice gives the same UID."""
    if person.vcard_uid:
        return person.vcard_uid
    created = person.created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'{person.pk}:{created}')}"


class _Index:
    """Everyone known so far by each key, tried in order: UID, email, phone, name.

    The first person indexed under a key keeps it, so people already in the
    circle win over people earlier in the same file.
    """

    def __init__(self) -> None:
        self.uid: dict[str, Person] = {}
        self.email: dict[str, Person] = {}
        self.phone: dict[str, list[tuple[str, Person]]] = {}
        self.name: dict[str, list[Person]] = {}

    def add(self, person: Person) -> None:
        uids = {person.vcard_uid, person_uid(person) if person.pk else ""}
        for uid in filter(None, uids):
            self.uid.setdefault(uid.casefold(), person)
        for email in person.emails:
            if isinstance(email, str) and email:
                self.email.setdefault(email.casefold(), person)
        for phone in person.phones:
            if isinstance(phone, str) and (key := phone_key(phone)):
                known = self.phone.setdefault(key, [])
                if all(p is not person or n != phone for n, p in known):
                    known.append((phone, person))
        if key := name_key(person.name):
            same_name = self.name.setdefault(key, [])
            if person not in same_name:
                same_name.append(person)

    def find(self, card: Card) -> Person | None:
        if card.uid and (found := self.uid.get(card.uid.casefold())):
            return found
        for email in card.emails:
            if found := self.email.get(email.casefold()):
                return found
        for phone in card.phones:
            for known, person in self.phone.get(phone_key(phone), []):
                if phones_match(phone, known):
                    return person
        # A name alone is weak evidence: two John Smiths with different
        # addresses or numbers are two people.
        return next(
            (p for p in self.name.get(name_key(card.name), []) if not _conflicts(card, p)), None
        )


def _conflicts(card: Card, person: Person) -> bool:
    """True when the card's identifiers say it is someone else than `person`."""
    if card.uid and person.vcard_uid and card.uid.casefold() != person.vcard_uid.casefold():
        return True
    emails = {e.casefold() for e in person.emails if isinstance(e, str)}
    if card.emails and emails and not emails & {e.casefold() for e in card.emails}:
        return True
    phones = [p for p in person.phones if isinstance(p, str)]
    return bool(
        card.phones
        and phones
        and not any(phones_match(mine, theirs) for mine in card.phones for theirs in phones)
    )


def _new_person(card: Card) -> Person:
    person = Person(
        name=card.name,
        nickname=card.nickname,
        emails=list(card.emails),
        phones=list(card.phones),
        vcard_uid=card.uid,
        notes=card.notes,
        how_known=card.how_known,
    )
    if card.birthday:
        person.birthday_month, person.birthday_day, person.birthday_year = card.birthday
    return person


def _merge(person: Person, card: Card) -> dict[str, list[str]]:
    """Fill what is empty and add new emails and phones; never overwrite.

    Returns what changed, as {plain-words label: model fields}.
    """
    changes: dict[str, list[str]] = {}
    if card.nickname and not person.nickname:
        person.nickname = card.nickname
        changes[_("nickname")] = ["nickname"]
    if card.how_known and not person.how_known:
        person.how_known = card.how_known
        changes[_("how you know each other")] = ["how_known"]
    known = {e.casefold() for e in person.emails if isinstance(e, str)}
    if emails := [e for e in card.emails if e.casefold() not in known]:
        person.emails = [*person.emails, *emails]
        changes[_("email")] = ["emails"]
    mine = [p for p in person.phones if isinstance(p, str)]
    if phones := [p for p in card.phones if not any(phones_match(p, m) for m in mine)]:
        person.phones = [*person.phones, *phones]
        changes[_("phone")] = ["phones"]
    birthday = card.birthday
    if birthday and person.birthday_month is None:
        person.birthday_month, person.birthday_day, person.birthday_year = birthday
        changes[_("birthday")] = ["birthday_month", "birthday_day", "birthday_year"]
    elif (
        birthday
        and birthday.year
        and person.birthday_year is None
        and (person.birthday_month, person.birthday_day) == birthday[:2]
    ):
        person.birthday_year = birthday.year
        changes[_("birth year")] = ["birthday_year"]
    if card.notes and card.notes not in person.notes:
        person.notes = f"{person.notes.rstrip()}\n\n{card.notes}" if person.notes else card.notes
        changes[_("notes")] = ["notes"]
    # The UID only rides along with a real change: on its own it would show as
    # "merge" with nothing visible, and email, phone or name still match next time.
    derived = person_uid(person) if person.pk else ""
    if changes and card.uid and not person.vcard_uid and card.uid != derived:
        person.vcard_uid = card.uid
        changes.setdefault("", []).append("vcard_uid")
    return changes


def plan_import(entries: Iterable[Card | BadCard], people: Iterable[Person]) -> Plan:
    """Decide what each card does, against the circle and the cards before it.

    1. Index everyone already in the circle, set-aside people too (so a person
       set aside doesn't come back as a copy), by UID, email, phone and name.
    2. For each card in file order, take the first match: UID, then any email,
       then any phone, then the name.
    3. No match: a new person, who joins the index so that later cards in the
       same file find them.
    4. A match: merge (fill empty fields, add new emails and phones), or skip
       when the card has nothing new.

    People are changed in memory only; `do_import_contacts` saves them.
    """
    index = _Index()
    for person in people:
        index.add(person)
    origin: dict[int, int] = {}  # id(new person) -> the card that creates them
    steps: list[Step] = []
    new_people: list[Person] = []
    changed: dict[int, Person] = {}
    fields: set[str] = set()
    for entry in entries:
        if isinstance(entry, BadCard):
            steps.append(Step(entry.number, Outcome.BAD, entry.label, reason=entry.reason))
            continue
        match = index.find(entry)
        if match is None:
            person = _new_person(entry)
            new_people.append(person)
            origin[id(person)] = entry.number
            index.add(person)
            steps.append(Step(entry.number, Outcome.CREATE, entry.name, person))
            continue
        changes = _merge(match, entry)
        same_as = origin.get(id(match))
        outcome = Outcome.MERGE if changes else Outcome.SKIP
        labels = [label for label in changes if label]
        steps.append(Step(entry.number, outcome, entry.name, match, labels, same_as))
        if changes:
            index.add(match)
            if same_as is None:
                changed[id(match)] = match
                fields.update(f for names in changes.values() for f in names)
    return Plan(steps, new_people, list(changed.values()), fields)


# --- Saving ---------------------------------------------------------------------------


def load_people(owner: User) -> list[Person]:
    """Everyone in the owner's circle, set aside or not, in one query."""
    return list(Person.objects.filter(owner=owner).order_by("pk"))


def build_plan(contact_import: ContactImport) -> Plan:
    return plan_import(parse_vcards(contact_import.payload), load_people(contact_import.owner))


@transaction.atomic
def do_import_contacts(contact_import: ContactImport, ring: int = Ring.WIDER) -> Plan | None:
    """Apply a confirmed import in one transaction: all of it, or nothing.

    1. Claim the upload by deleting its row; a second confirm (a double click,
       another tab) deletes nothing and stops here, so nobody is added twice.
    2. Plan again against the circle as it is now, from the same stored text.
    3. Create the new people and update the merged ones in bulk.
    4. Recompute their stored due times in one call.

    Returns the plan that was applied, or None if the upload was already used.
    """
    owner = contact_import.owner
    claimed, _deleted = ContactImport.objects.filter(pk=contact_import.pk, owner=owner).delete()
    if not claimed:
        return None
    plan = build_plan(contact_import)
    now = timezone.now()
    for person in plan.new_people:
        person.owner = owner
        person.ring = ring
        person.created_at = now
        # What refresh_people works out for someone just added. Set here, its
        # write (a CASE per row, slow for thousands) finds nothing to change; it
        # still runs below and stays the rule.
        person.next_due_at = cadence.next_due(now, person.effective_cadence_days, owner.zone)
    Person.objects.bulk_create(plan.new_people, batch_size=500)
    for person in plan.changed_people:
        person.updated_at = now
    if plan.changed_people:
        Person.objects.bulk_update(
            plan.changed_people, sorted(plan.changed_fields | {"updated_at"}), batch_size=500
        )
    actions.refresh_people(owner, [p.pk for p in plan.new_people + plan.changed_people])
    return plan


# --- Writing vCard 4.0 ----------------------------------------------------------------


def _escape(value: str, component: bool = False) -> str:
    """RFC 6350 §3.4: backslash, comma and newline always; semicolon in parts of
    structured values (N). Other control characters aren't allowed at all."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace("\n", "\\n")
    return value.replace(";", "\\;") if component else value


def _fold(line: str) -> str:
    """Fold to lines of at most 75 octets without splitting a UTF-8 character
    (RFC 6350 §3.2); each continuation starts with one space."""
    if len(line.encode()) <= 75:
        return line + "\r\n"
    out: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\\,;]+")


def export_card(person: Person) -> str:
    uid = person_uid(person)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "PRODID:-//Kithkin//Kithkin//EN",
        # UID is a URI in 4.0; one kept from a 3.0 import may be any text.
        f"UID:{uid}" if _URI.fullmatch(uid) else f"UID;VALUE=text:{_escape(uid)}",
        f"FN:{_escape(person.name)}",
        # Kithkin keeps one name; guessing which word is the family name goes
        # wrong for many cultures, so it all goes in the given name.
        f"N:;{_escape(person.name, component=True)};;;",
    ]
    if person.nickname:
        lines.append(f"NICKNAME:{_escape(person.nickname)}")
    lines += [f"EMAIL:{_escape(e)}" for e in person.emails if isinstance(e, str) and e]
    lines += [f"TEL:{_escape(p)}" for p in person.phones if isinstance(p, str) and p]
    month, day, year = person.birthday_month, person.birthday_day, person.birthday_year
    if month and day and parse_birthday(f"{year or 2000:04}{month:02}{day:02}"):
        lines.append(f"BDAY:{year:04}{month:02}{day:02}" if year else f"BDAY:--{month:02}{day:02}")
    if person.notes:
        lines.append(f"NOTE:{_escape(person.notes)}")
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def export_vcards(people: Iterable[Person]) -> str:
    return "".join(export_card(p) for p in people)
