"""Deterministic benchmark data: a big circle for one person, and a big vCard file.

Everything comes from a seeded `random.Random`, so two runs write the same rows
(apart from the times, which count back from "now") and the same file. Rows are
written the way `kithkin demo` writes them: bulk_create in batches, then one
`refresh_people` for the stored last contact / reply owed / next due.

Call `generate_circle` only with Django set up and a database you may fill.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from kithkin.accounts.models import User

T = TypeVar("T")
SEED = 20_240_603
PEOPLE = 2_000
INTERACTIONS = 100_000
HISTORY_DAYS = 730
VCARDS = 10_000
BATCH = 5_000

# Name pools shared by the circle and the vCard file, so an import meets some
# people it already knows (by name and by email), as a real phone export would.
FIRST_NAMES = (  # noqa: SIM905 - a list of words reads better as words
    "Aaliyah Abdul Ada Adébáyọ̀ Agnieszka Ahmed Aiko Aisha Alba Aleksander Alex Alice Amara "
    "Amir Ana Anders Andrea Ángel Anika Anton Arjun Astrid Aurora Ayşe Bea Ben Bilal Björn "
    "Camille Carlos Catalina Chen Chidi Chloé Clara Dafydd Dan Daniela Darius Dev Diego "
    "Dmitri Eleni Elif Elena Emeka Emil Emma Erik Esther Fatima Felix Fiona Francesca Gabriel "
    "Grace Hana Hannah Harper Hiroshi Ibrahim Ines Ingrid Isaac Ivan Jamal Jana Javier Ji-woo "
    "Joanna Jonas José Julia Kai Kamala Karim Kateřina Kwame Laila Lars Léa Leila Liam Lin "
    "Lucía Luka Maja Malik Marta Mateo Maya Mei Mohammed Nadia Naledi Niamh Nikhil Noah Noor "
    "Olga Omar Oskar Paulo Pedro Priya Rafael Rania Rosa Sam Sanjay Sara Seo-yeon Siobhán "
    "Sofia Søren Tariq Thandiwe Tomás Uma Valentina Wei Yara Yusuf Zanele Zoë Zofia"
).split()
LAST_NAMES = (  # noqa: SIM905 - a list of words reads better as words
    "Abara Adeyemi Ahmadi Almeida Andersen Aoki Bakker Banerjee Barros Becker Bianchi Brennan "
    "Brown Castillo Chowdhury Costa Cruz Dąbrowski Das Dubois Duarte Eriksen Evans Fernández "
    "Fischer Fitzgerald García Gomez González Gupta Haddad Hansen Hassan Hernández Horvat "
    "Huang Ibrahim Ivanova Jansen Jensen Jones Kaya Kelly Khan Kim Kowalski Kumar Larsen "
    "Laurent Lee Li Lindqvist López Maier Mäkinen Martin Mendoza Meyer Mokoena Moreau Murphy "
    "Müller Nair Nakamura Nguyen Novák Nowak O'Brien Okafor Okonkwo Olsen Ortiz Park Patel "
    "Pereira Petrov Popescu Quinn Rahman Ramos Reyes Ricci Rodríguez Romano Rossi Russo "
    "Sánchez Santos Sato Schmidt Schneider Shah Silva Singh Smith Sokolov Suzuki Svensson "
    "Tanaka Taylor Thomas Torres Tran Vandenberg Vargas Wagner Walker Wang Williams Wilson "
    "Wong Yamamoto Yilmaz Young Zhang Zielińska"
).split()
NICKNAMES = ["Bee", "Jo", "Sunny", "Doc", "Red", "Ace", "Kiki", "Max", "Pip", "Tiny", "Boo"]
INTERESTS = [  # "_" stands for a space inside one interest
    word.replace("_", " ")
    for word in (  # noqa: SIM905 - a list of words reads better as words
        "climbing jazz gardening football knitting chess baking cycling photography poetry "
        "running swimming films board_games birdwatching yoga cooking hiking tea coffee vinyl "
        "pottery painting sailing podcasts sci-fi crosswords dancing volunteering languages"
    ).split()
]
HOW_KNOWN = [
    "school",
    "university",
    "work",
    "old job",
    "neighbour",
    "family",
    "choir",
    "climbing gym",
    "book club",
    "through Sam",
    "the allotment",
    "online",
    "",
]
NOTES = [
    "Walk by the river",
    "Quick voice note about the weekend",
    "Coffee before work",
    "Sent a photo of the dog",
    "Long call, lots to catch up on",
    "Birthday message",
    "They asked about the move",
    "Lunch near the station",
    "Shared a song",
    "Helped with the CV",
]
# The four rings: percent of the people (20 / 80 / 400 / 1,500 of 2,000), and how
# often each person in the ring comes up in a contact next to an acquaintance.
RINGS = ((1, 1, 40.0), (2, 4, 15.0), (3, 20, 4.0), (4, 75, 1.0))
RING_BY_PERCENTILE = [ring for ring, percent, _ in RINGS for _ in range(percent)]
RING_WEIGHT = {ring: weight for ring, _, weight in RINGS}
CHANNELS = (
    ("text", 35),
    ("voice", 10),
    ("call", 12),
    ("video", 6),
    ("in_person", 20),
    ("social", 10),
    ("letter", 2),
    ("other", 5),
)
FEELINGS = (("", 50), ("lifted", 30), ("neutral", 15), ("drained", 5))


@dataclass
class Circle:
    """What `generate_circle` wrote."""

    owner: User
    person_ids: list[int]
    interactions: int
    links: int


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _email(first: str, last: str, n: int = 0) -> str:
    local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
    local = local.encode("ascii", "ignore").decode() or "someone"
    return f"{local}{n or ''}@example.org"


def _phone(rng: random.Random) -> str:
    return f"+44 7{rng.randrange(100, 999)} {rng.randrange(100_000, 999_999)}"


def generate_circle(
    username: str = "bench",
    *,
    people: int = PEOPLE,
    interactions: int = INTERACTIONS,
    days: int = HISTORY_DAYS,
    seed: int = SEED,
    now: datetime | None = None,
    in_time_order: bool = False,
) -> Circle:
    """Write one user with `people` people and `interactions` contacts over `days`.

    1. The user, onboarded, joined `days` ago, in Europe/London.
    2. People over the four rings (mostly acquaintances), with interests, some
       nicknames, birthdays, emails and phones; about 5% set aside (archived).
    3. Contacts, mostly with one person (85%), some groups of 2-6 (10%), some
       with nobody (5%); inner-ring people come up most often, and about 3% of
       people are never contacted.
    4. About 3% of people reached out last and are waiting for a reply.
    5. One `refresh_people` over everyone.

    With `in_time_order`, contacts are written oldest first, as they are when
    people log them as they happen (row ids then follow the time); by default
    they are written in random time order, the worst case for reading a period.
    """
    from django.db import transaction
    from django.utils import timezone

    from kithkin.accounts.actions import do_create_account
    from kithkin.circle.actions import refresh_people
    from kithkin.circle.models import Interaction, InteractionPerson, Person

    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    now = now or timezone.now()
    start = now - timedelta(days=days)

    with transaction.atomic():
        owner = do_create_account(username=username, password=None, tz="Europe/London")
        owner.onboarded_at = start
        owner.date_joined = start
        owner.save(update_fields=["onboarded_at", "date_joined"])

        names = rng.sample([(f, la) for f in FIRST_NAMES for la in LAST_NAMES], people)
        rows: list[Person] = []
        weights: list[float] = []
        for n, (first, last) in enumerate(names):
            ring = RING_BY_PERCENTILE[n % 100]
            birthday = (rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.4 else None
            archived = rng.random() < 0.05
            rows.append(
                Person(
                    owner=owner,
                    name=f"{first} {last}",
                    nickname=rng.choice(NICKNAMES) if rng.random() < 0.15 else "",
                    ring=ring,
                    how_known=rng.choice(HOW_KNOWN),
                    interests=rng.sample(INTERESTS, rng.choice((0, 0, 1, 1, 2, 3))),
                    channels=rng.sample(["text", "call", "in_person", "voice"], rng.randint(0, 2)),
                    notes=rng.choice(NOTES) if rng.random() < 0.1 else "",
                    birthday_month=birthday[0] if birthday else None,
                    birthday_day=birthday[1] if birthday else None,
                    emails=[_email(first, last)] if rng.random() < 0.5 else [],
                    phones=[_phone(rng)] if rng.random() < 0.5 else [],
                    cadence_days=rng.choice((10, 21, 60)) if rng.random() < 0.05 else None,
                    archived_at=now - timedelta(days=rng.randint(1, 300)) if archived else None,
                    created_at=start - timedelta(days=rng.uniform(0, 30)),
                )
            )
            weights.append(0.0 if rng.random() < 0.03 else RING_WEIGHT[ring])
        made = Person.objects.bulk_create(rows, batch_size=BATCH)
        ids = [p.pk for p in made]
        owed = {pid for pid, w in zip(ids, weights, strict=True) if w and rng.random() < 0.03}

        cumulative: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            cumulative.append(total)

        def someone() -> int:
            return rng.choices(ids, cum_weights=cumulative)[0]

        last_at: dict[int, datetime] = {}
        plan: list[tuple[Interaction, list[int]]] = []
        links = 0
        for _ in range(interactions - len(owed)):
            roll = rng.random()
            if roll < 0.05:
                who: list[int] = []
            elif roll < 0.15:
                group: set[int] = set()
                size = rng.randint(2, 6)
                while len(group) < size:
                    group.add(someone())
                who = sorted(group)
            else:
                who = [someone()]
            when = start + timedelta(seconds=rng.uniform(0, days * 86_400))
            for pid in who:
                if when > last_at.get(pid, start):
                    last_at[pid] = when
            initiated_by = "them" if rng.random() < 0.4 else "me"
            channel = _pick(rng, CHANNELS)
            plan.append(
                (
                    Interaction(
                        owner=owner,
                        channel=channel,
                        size="main"
                        if channel in ("call", "video", "in_person") and rng.random() < 0.6
                        else "micro",
                        initiated_by=initiated_by,
                        happened_at=when,
                        feeling_after=_pick(rng, FEELINGS),
                        # I'm waiting for their answer to a recent message.
                        awaiting_reply=initiated_by == "me"
                        and now - when < timedelta(days=14)
                        and rng.random() < 0.3,
                        note=rng.choice(NOTES) if rng.random() < 0.2 else "",
                        created_at=when,
                    ),
                    who,
                )
            )
        # They reached out last and a reply is owed: after anything else with them.
        for pid in sorted(owed):
            after = max(last_at.get(pid, start), now - timedelta(days=14))
            when = after + (now - after) * rng.uniform(0.1, 0.9)
            plan.append(
                (
                    Interaction(
                        owner=owner,
                        channel=rng.choice(("text", "voice", "social")),
                        initiated_by="them",
                        happened_at=when,
                        awaiting_reply=True,
                        created_at=when,
                    ),
                    [pid],
                )
            )

        if in_time_order:
            plan.sort(key=lambda row: row[0].happened_at)
        for chunk in _chunks(plan, BATCH):
            saved = Interaction.objects.bulk_create([i for i, _ in chunk], batch_size=BATCH)
            ips = [
                InteractionPerson(
                    owner_id=owner.pk, interaction_id=i.pk, person_id=pid, happened_at=i.happened_at
                )
                for i, (_, who) in zip(saved, chunk, strict=True)
                for pid in who
            ]
            InteractionPerson.objects.bulk_create(ips, batch_size=BATCH)
            links += len(ips)

        refresh_people(owner, ids)
    return Circle(owner=owner, person_ids=ids, interactions=len(plan), links=links)


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- vCard ---------------------------------------------------------------------


def _escape(value: str) -> str:
    """Text value escaping from RFC 2426 section 4."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold at 75 octets, never inside a UTF-8 sequence, as phones and Google do."""
    out: list[str] = []
    current = ""
    limit = 75
    for ch in line:
        if len((current + ch).encode()) > limit:
            out.append(current)
            current = " "
            limit = 75
        current += ch
    out.append(current)
    return "\r\n".join(out)


def vcard_lines(count: int = VCARDS, seed: int = SEED + 1) -> Iterator[str]:
    """The lines of `count` vCard 3.0 cards, as a phone or Google would export them.

    Unique names mostly (some shared with the circle from `generate_circle`),
    about 2% the same contact twice; most with an email and a phone, some with
    two, a third with a birthday (a few without the year), some nicknames,
    organisations, notes and UIDs.
    """
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    names = rng.sample([(f, la) for f in FIRST_NAMES for la in LAST_NAMES], count)
    previous: list[tuple[str, str, str, str]] = []
    for n in range(count):
        first, last = names[n]
        email, phone = _email(first, last, rng.choice((0, 0, 0, 7, 42))), _phone(rng)
        if previous and rng.random() < 0.02:
            # The same contact again, as a merged address book often has.
            first, last, email, phone = rng.choice(previous)
        previous.append((first, last, email, phone))
        card = ["BEGIN:VCARD", "VERSION:3.0"]
        if rng.random() < 0.6:
            card.append(f"UID:bench-{seed}-{n:05d}")
        card.append(f"N:{_escape(last)};{_escape(first)};;;")
        card.append(f"FN:{_escape(first)} {_escape(last)}")
        if rng.random() < 0.1:
            card.append(f"NICKNAME:{_escape(rng.choice(NICKNAMES))}")
        if rng.random() < 0.85:
            card.append(f"EMAIL;TYPE=INTERNET,HOME:{email}")
            if rng.random() < 0.15:
                card.append(f"EMAIL;TYPE=INTERNET,WORK:{_email(last, first)}")
        if rng.random() < 0.8:
            card.append(f"TEL;TYPE=CELL:{phone}")
            if rng.random() < 0.2:
                card.append(f"TEL;TYPE=HOME:+44 20 {rng.randrange(1000, 9999)} {n:04d}")
        if rng.random() < 0.33:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            if rng.random() < 0.2:
                card.append(f"BDAY:--{month:02d}-{day:02d}")
            else:
                card.append(f"BDAY:{rng.randint(1940, 2010)}-{month:02d}-{day:02d}")
        if rng.random() < 0.2:
            card.append(f"ORG:{_escape(rng.choice(LAST_NAMES))} & Co")
        if rng.random() < 0.1:
            note = f"Met at {rng.choice(HOW_KNOWN) or 'a party'}; likes " + ", ".join(
                rng.sample(INTERESTS, 3)
            )
            card.append(f"NOTE:{_escape(note * 2)}")
        card.append("END:VCARD")
        yield from (_fold(line) for line in card)


def write_vcards(path: Path, count: int = VCARDS, seed: int = SEED + 1) -> Path:
    """Write `count` vCard 3.0 cards to `path` (UTF-8, CRLF line ends)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        for line in vcard_lines(count, seed):
            f.write(line)
            f.write("\r\n")
    return path


# --- Five years of check-ins, for the Insights page --------------------------------

INSIGHTS_YEARS = 5
INSIGHTS_PEOPLE = 150
INSIGHTS_INTERACTIONS = 100_000


@dataclass
class History:
    """What `generate_history` wrote, besides the circle."""

    checkins: int
    measures: int
    suggestions: int


def generate_history(
    owner: User,
    *,
    days: int = INSIGHTS_YEARS * 365,
    seed: int = SEED + 2,
    now: datetime | None = None,
) -> History:
    """Write a check-in for every day of the last `days` days, a UCLA-3 and a
    WHO-5 result each month, and a done suggestion on about one day in three.

    Mood drifts slowly (a random walk drawn back towards 3, held between 1 and
    5), connectedness follows it loosely, a few days have no energy or no sleep
    noted; check-ins are written through the day, mostly in the evening, a few
    a day or two late.
    """
    from django.db import transaction
    from django.utils import timezone

    # The shared idea catalog is written after `migrate` (today.apps.sync_catalog).
    from kithkin.today.models import Idea, Suggestion
    from kithkin.wellbeing.models import CheckIn, Measure

    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    now = now or timezone.now()
    zone = owner.zone
    today = timezone.localdate(now, zone)
    with transaction.atomic():
        ideas = list(Idea.objects.filter(owner__isnull=True).values_list("pk", flat=True))
        checkins, measures, suggestions = [], [], []
        mood = 3.0
        for n in range(days, -1, -1):
            day = today - timedelta(days=n)
            # A slow random walk, drawn back towards the middle.
            mood = min(5.0, max(1.0, mood + rng.uniform(-0.6, 0.6) + 0.08 * (3 - mood)))
            level = round(mood)
            written = datetime.combine(day, datetime.min.time(), zone) + timedelta(
                hours=rng.choice((8, 13, 19, 21, 22, 23)), minutes=rng.randint(0, 59)
            )
            if rng.random() < 0.05:
                written += timedelta(days=rng.randint(1, 2))
            checkins.append(
                CheckIn(
                    owner=owner,
                    day=day,
                    mood=level,
                    energy=rng.choice(("low", "some", "good", "")),
                    sleep_hours=round(rng.uniform(4, 9), 1) if rng.random() < 0.8 else None,
                    rested=rng.randint(1, 5) if rng.random() < 0.7 else None,
                    meaningful=rng.random() < 0.4 if rng.random() < 0.8 else None,
                    connected=min(5, max(1, level + rng.choice((-1, 0, 0, 1))))
                    if rng.random() < 0.9
                    else None,
                    note=rng.choice(NOTES) if rng.random() < 0.1 else "",
                    created_at=min(written, now),
                )
            )
            if day.day == 1:
                lonely = [min(3, max(1, round(4 - mood / 2 + rng.uniform(-1, 1)))) for _ in "abc"]
                measures.append(
                    Measure(
                        owner=owner, kind="ucla3", taken_on=day, answers=lonely, score=sum(lonely)
                    )
                )
                well = [min(5, max(0, round(mood + rng.uniform(-1.5, 0.5)))) for _ in range(5)]
                measures.append(
                    Measure(
                        owner=owner, kind="who5", taken_on=day, answers=well, score=sum(well) * 4
                    )
                )
            if ideas and rng.random() < 0.33:
                suggestions.append(
                    Suggestion(
                        owner=owner,
                        day=day,
                        energy="some",
                        idea_id=rng.choice(ideas),
                        outcome="done",
                        responded_at=min(written, now),
                    )
                )
        CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
        Measure.objects.bulk_create(measures, batch_size=BATCH)
        Suggestion.objects.bulk_create(suggestions, batch_size=BATCH)
    return History(len(checkins), len(measures), len(suggestions))
