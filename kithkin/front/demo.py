"""A plausible circle and six months of history for the demo account.

Pure: no ORM, no clock. `build(seed)` returns plain data, relative to "now", so the
same seed always gives the same demo and tests can check its shape.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# (name, nickname, ring, how you know each other, usual feeling after contact)
PEOPLE: list[tuple[str, str, int, str, str]] = [
    ("Maya Okafor", "May", 1, "sister", "lifted"),
    ("Sam Lindqvist", "", 1, "best friend since school", "lifted"),
    ("Ana Ruiz", "", 1, "flatmate for six years", "lifted"),
    ("Dad", "", 1, "family", "neutral"),
    ("Priya Nair", "", 2, "old colleague", "lifted"),
    ("Tom Becker", "", 2, "climbing partner", "lifted"),
    ("Grandma Rose", "", 2, "family", "lifted"),
    ("Jonas Weber", "", 2, "university friend", "neutral"),
    ("Leila Haddad", "", 2, "book club", "lifted"),
    ("Chris Morgan", "", 2, "cousin", "drained"),
    ("Aiko Tanaka", "", 2, "neighbour upstairs", "lifted"),
    ("Ben Carter", "", 3, "five-a-side football", "neutral"),
    ("Fatima Zahra", "", 3, "choir", "lifted"),
    ("Oliver Hughes", "Olly", 3, "friend of Sam's", "neutral"),
    ("Nina Petrova", "", 3, "former manager", "neutral"),
    ("Marcus Allen", "", 3, "volunteering at the food bank", "lifted"),
    ("Sofia Costa", "", 3, "yoga class", "lifted"),
    ("Hannah Klein", "", 3, "school parents' group", "drained"),
    ("Daniel Kim", "", 3, "met travelling in 2019", "lifted"),
    ("Ruth Evans", "", 3, "old neighbour", "neutral"),
    ("Luis the barista", "", 4, "the café on the corner", "lifted"),
    ("Ivy at the library", "", 4, "library volunteer", "lifted"),
    ("Kofi Mensah", "", 4, "allotment next door", "neutral"),
    ("Elena Rossi", "", 4, "friend of a friend", "neutral"),
    ("Pete the postman", "", 4, "he delivers on our street", "lifted"),
]

# A little more about some of them: interests, channels and boundaries.
DETAILS: dict[int, dict[str, object]] = {
    0: {"interests": ["baking", "crime novels"], "channels": ["text", "call", "in_person"]},
    1: {"interests": ["climbing", "jazz"], "channels": ["text", "voice"]},
    2: {"interests": ["gardening", "films"]},
    3: {
        "quiet_start": "21:00",
        "quiet_end": "09:00",
        "channels": ["call"],
        "birthday": (6, 2, 1958),
    },
    4: {"interests": ["running", "podcasts"], "birthday": (3, 14, None)},
    5: {"interests": ["climbing"]},
    6: {"channels": ["call", "letter"], "topics_to_avoid": ["the house sale"]},
    8: {"interests": ["book club", "poetry"]},
    9: {"topics_to_avoid": ["politics", "money"], "min_days_between": 21},
    12: {"interests": ["choir"]},
    15: {"interests": ["volunteering"]},
    17: {"paused_until_days": 20},
}

# Average days between contacts, by ring.
GAP_DAYS = {1: 5, 2: 14, 3: 30, 4: 21}
CHANNELS = {
    1: ["text", "text", "call", "voice", "in_person", "video"],
    2: ["text", "voice", "call", "in_person", "social"],
    3: ["text", "social", "in_person", "call"],
    4: ["in_person", "in_person", "in_person", "text"],
}
NOTES = [
    "Sent a photo of the sunset.",
    "Quick catch-up about the weekend.",
    "Walked round the park together.",
    "Shared a song that reminded me of them.",
    "They asked how the new job is going.",
    "Thanked them for the birthday card.",
    "",
    "",
    "",
]
HISTORY_DAYS = 183


@dataclass
class DemoInteraction:
    days_ago: float
    channel: str
    size: str
    initiated_by: str
    feeling: str
    awaiting_reply: bool
    note: str
    people: list[int] = field(default_factory=list)  # indexes into PEOPLE


def _feeling(rng: random.Random, usual: str) -> str:
    if rng.random() < 0.25:
        return ""  # not everything gets a feeling logged
    others = [f for f in ("lifted", "neutral", "drained") if f != usual]
    return usual if rng.random() < 0.7 else rng.choice(others)


def build(seed: int = 7) -> list[DemoInteraction]:
    """Six months of contacts with the people in PEOPLE.

    1. For each person, walk back from today in gaps drawn around their ring's
       usual gap (some people drift: their most recent contact is long ago).
    2. Each contact gets a channel that suits the ring, a size, who reached out,
       and usually a feeling close to how that person tends to leave you.
    3. Add a few group get-togethers and contacts with nobody in the circle.
    4. The newest contact from two people is theirs, still waiting for your reply.
    """
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not security
    history: list[DemoInteraction] = []
    drifting = {7, 13, 19}  # Jonas, Olly, Ruth: it has been a while
    for index, (_name, _nick, ring, _how, usual) in enumerate(PEOPLE):
        day = rng.uniform(0.2, 4.0) + (60 if index in drifting else 0)
        while day < HISTORY_DAYS:
            channel = rng.choice(CHANNELS[ring])
            history.append(
                DemoInteraction(
                    days_ago=day,
                    channel=channel,
                    size="main" if channel in {"call", "video", "in_person"} else "micro",
                    initiated_by="me" if rng.random() < 0.55 else "them",
                    feeling=_feeling(rng, usual),
                    awaiting_reply=False,
                    note=rng.choice(NOTES),
                    people=[index],
                )
            )
            day += max(1.0, rng.gauss(GAP_DAYS[ring], GAP_DAYS[ring] / 3))

    for days_ago in (12.5, 47.0, 95.0, 150.0):  # dinners with the inner circle
        history.append(
            DemoInteraction(
                days_ago,
                "in_person",
                "main",
                "me",
                "lifted",
                False,
                "Dinner together.",
                people=[0, 1, 2],
            )
        )
    for days_ago in (3.2, 20.0, 66.0):  # a chat with a stranger on the bus
        history.append(
            DemoInteraction(
                days_ago,
                "in_person",
                "micro",
                "me",
                "lifted",
                False,
                "Small talk with a stranger.",
                people=[],
            )
        )

    for index in (4, 10):  # Priya and Aiko wrote last; a reply is owed
        newest = min((h for h in history if h.people == [index]), key=lambda h: h.days_ago)
        newest.initiated_by, newest.awaiting_reply = "them", True

    history.sort(key=lambda h: h.days_ago)
    return history


@dataclass
class DemoCheckIn:
    days_ago: int
    hour: int  # local hour it was written
    mood: int
    energy: str
    sleep_hours: float
    rested: int
    meaningful: bool
    connected: int
    note: str
    tags: list[str]


CHECKIN_NOTES = [
    "Slow start, better after lunch.",
    "Long walk by the river.",
    "Tired, but the call helped.",
    "Quiet day at home.",
    "Cooked something new.",
    "",
    "",
    "",
    "",
]
TAGS = ["work", "rain", "walk", "family", "cooking", "music"]


def build_checkins(history: list[DemoInteraction], seed: int = 11) -> list[DemoCheckIn]:
    """Most days of the six months, with a mood that slowly rises and is a little
    better on days with a contact that lifted (as behavioural activation would
    lead one to hope), and a few days skipped, as real life has."""
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not security
    lifted_days = {int(h.days_ago) for h in history if h.feeling == "lifted"}
    contact_days = {int(h.days_ago) for h in history}
    out = []
    for days_ago in range(HISTORY_DAYS - 1, -1, -1):
        if rng.random() < 0.18:
            continue
        trend = 2.2 + 1.2 * (1 - days_ago / HISTORY_DAYS)
        mood = trend + (0.7 if days_ago in lifted_days else 0) + rng.gauss(0, 0.7)
        if days_ago % 7 == 3:  # Sundays tend to be harder
            mood -= 0.6
        mood_level = max(1, min(5, round(mood)))
        sleep = round(max(4.0, min(9.5, rng.gauss(7.0, 1.0))) * 2) / 2
        out.append(
            DemoCheckIn(
                days_ago=days_ago,
                hour=rng.choice([8, 9, 13, 19, 21, 22]),
                mood=mood_level,
                energy=("low", "some", "good")[min(2, max(0, mood_level - 2))],
                sleep_hours=sleep,
                rested=max(1, min(5, round(sleep - 3.5))),
                meaningful=rng.random() < 0.3 + 0.1 * mood_level,
                connected=max(1, min(5, mood_level + (1 if days_ago in contact_days else -1))),
                note=rng.choice(CHECKIN_NOTES),
                tags=rng.sample(TAGS, k=rng.choice([0, 0, 1, 2])),
            )
        )
    return out


# (days ago, kind, answers, ONS direct answer) - a month apart, slowly easing.
MEASURES: list[tuple[int, str, list[int], int | None]] = [
    (170, "ucla3", [3, 2, 3], 4),
    (140, "ucla3", [2, 2, 3], 4),
    (110, "ucla3", [2, 2, 2], 3),
    (80, "ucla3", [2, 1, 2], 3),
    (50, "ucla3", [2, 1, 2], 3),
    (20, "ucla3", [1, 1, 2], 2),
    (165, "who5", [2, 2, 1, 1, 2], None),
    (105, "who5", [3, 2, 2, 2, 3], None),
    (45, "who5", [3, 3, 3, 2, 3], None),
]

# (title, what counts, times, per days, skip days ago)
GOALS: list[tuple[str, str, int, int, list[int]]] = [
    ("A call with someone each week", "call", 1, 7, [30, 31]),
    ("One gathering a month", "gathering", 1, 30, []),
    ("Check in three days a week", "checkin", 3, 7, []),
]
TRUSTED = [0, 1]  # Maya and Sam

# (title, RRULE value or "" for once, weekday offset of the first day, hour, minutes,
#  energy, place, participants by index, remind minutes before)
PLANS: list[tuple[str, str, int, int, int, str, str, list[int], int | None]] = [
    ("Call Dad", "FREQ=WEEKLY;BYDAY=SU", 6, 18, 30, "low", "", [3], 60),
    ("Walk by the river with Ana", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", 2, 17, 60, "some",
     "the river path", [2], None),
    ("Film night", "FREQ=MONTHLY;BYDAY=1FR", 4, 19, 150, "low", "Maya's", [0, 1], 1440),
]  # fmt: skip

# (name, kind, RRULE value, weekday offset, hour, energy, where, link)
COMMUNITIES: list[tuple[str, str, str, int, int, str, str, str]] = [
    ("Book club", "book_club", "FREQ=MONTHLY;BYDAY=-1TU", 1, 19, "some", "the library", ""),
    ("Community choir", "music", "FREQ=WEEKLY;BYDAY=TH", 3, 19, "some", "St Anne's hall", ""),
]

# (name, kind, energy, note)
PLACES: list[tuple[str, str, str, str]] = [
    ("The library", "library", "low", "Tuesday knitting table; nobody minds if you just read."),
    ("Saturday market", "market", "some", "Luis has a coffee stall near the bakery."),
]
