"""The idea catalog: small, doable ways to connect, sized to the day's energy.

Pure: reads data/ideas.json into frozen dataclasses and checks every rule the
suggestion engine leans on, so a bad edit to the file fails loudly in tests and
at start-up instead of quietly suggesting a big outing on a low day.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kithkin.today import drafts

DATA_FILE = Path(__file__).parent / "data" / "ideas.json"

EFFORTS = ("tiny", "small", "main")
ENERGIES = ("low", "some", "good")
TARGETS = ("person", "community", "stranger", "self")
CHANNELS = ("text", "voice", "call", "video", "in_person", "social", "letter", "other")
KINDS = (
    "message",
    "voice",
    "call",
    "together",
    "invite",
    "accept",
    "share",
    "compliment",
    "reply",
    "check_in",
    "gratitude",
    "community",
    "stranger",
    "place",
    "self",
)
TIMES_OF_DAY = ("morning", "afternoon", "evening")
# Channels where a draft is the whole step: a person idea on one of these needs words.
WRITTEN_CHANNELS = frozenset({"text", "voice", "social", "letter"})
# Only sources named in PRODUCT.md or the seeds.
BASES = (
    "seed 000",
    "seed 001",
    "seed 002",
    "seed 003",
    "seed 004",
    "Liu et al., JPSP 2023",
    "Kumar & Epley, Psych Sci 2018",
    "Epley & Schroeder 2014",
    "Sandstrom & Dunn 2014",
    "Kanter et al. 2010",
    "Dunbar 2018",
    "Kahn & Antonucci 1980",
)
KEYS = (
    "slug",
    "title",
    "effort",
    "energy",
    "target",
    "channel",
    "kind",
    "time_of_day",
    "situation",
    "why",
    "basis",
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CatalogError(ValueError):
    """ideas.json breaks a rule; the message names the idea and the problem."""


@dataclass(frozen=True)
class Idea:
    slug: str
    title: str  # may hold {name} when target is "person"
    effort: str
    energy: frozenset[str]
    target: str
    channel: str
    kind: str
    time_of_day: str | None
    situation: str | None  # a drafts.json situation: which words to offer
    why: str
    basis: str

    def fits(self, energy: str) -> bool:
        return energy in self.energy

    def title_for(self, name: str | None = None) -> str:
        """The title with the person's name in it ("someone" when unknown)."""
        return self.title.replace("{name}", drafts.clean(name) or "someone")


def _fields(text: str) -> set[str]:
    try:
        return {f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def _check(raw: Any, index: int, situations: set[str]) -> Idea:
    if not isinstance(raw, dict):
        raise CatalogError(f"idea #{index}: must be an object")
    slug = raw.get("slug")
    who = f"idea {slug!r}" if isinstance(slug, str) and slug else f"idea #{index} (no slug)"

    def fail(problem: str) -> CatalogError:
        return CatalogError(f"{who}: {problem}")

    missing = [k for k in KEYS if k not in raw]
    if missing:
        raise fail(f"missing key(s) {', '.join(missing)}")
    extra = sorted(set(raw) - set(KEYS))
    if extra:
        raise fail(f"unknown key(s) {', '.join(extra)}")
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise fail("slug must be kebab-case (a-z, 0-9 and single hyphens)")
    for key, allowed in (
        ("effort", EFFORTS),
        ("target", TARGETS),
        ("channel", CHANNELS),
        ("kind", KINDS),
        ("basis", BASES),
    ):
        if raw[key] not in allowed:
            raise fail(f"{key} {raw[key]!r} is not one of {', '.join(allowed)}")
    if raw["time_of_day"] is not None and raw["time_of_day"] not in TIMES_OF_DAY:
        raise fail(f"time_of_day {raw['time_of_day']!r} is not null or {', '.join(TIMES_OF_DAY)}")

    energy = raw["energy"]
    if not isinstance(energy, list) or not energy:
        raise fail("energy must be a non-empty list")
    bad = [e for e in energy if e not in ENERGIES]
    if bad:
        raise fail(f"energy {bad[0]!r} is not one of {', '.join(ENERGIES)}")
    if len(set(energy)) != len(energy):
        raise fail("energy lists a value twice")
    if raw["target"] == "person" and raw["channel"] == "other":
        raise fail("an idea for a person needs a real channel, not other")
    if "low" in energy and raw["effort"] != "tiny":
        raise fail(f"a {raw['effort']} idea cannot fit low energy (only tiny ones can)")
    if raw["effort"] == "main" and "good" not in energy:
        raise fail("a main idea must fit good energy")

    for key in ("title", "why"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise fail(f"{key} must be non-empty text")
    title_fields = _fields(raw["title"])
    if title_fields - {"name"}:
        raise fail(f"title may only use {{name}}, not {sorted(title_fields - {'name'})}")
    if "name" in title_fields and raw["target"] != "person":
        raise fail("{name} in the title needs target 'person'")
    if "{" in raw["why"] or "}" in raw["why"]:
        raise fail("why must be plain text, without braces")

    situation = raw["situation"]
    if situation is not None and situation not in situations:
        raise fail(f"situation {situation!r} is not in drafts.json")
    if raw["target"] == "person" and raw["channel"] in WRITTEN_CHANNELS and situation is None:
        raise fail(f"a person idea on {raw['channel']!r} needs a situation so words can be offered")

    return Idea(
        slug=slug,
        title=raw["title"],
        effort=raw["effort"],
        energy=frozenset(energy),
        target=raw["target"],
        channel=raw["channel"],
        kind=raw["kind"],
        time_of_day=raw["time_of_day"],
        situation=situation,
        why=raw["why"],
        basis=raw["basis"],
    )


def parse(raw: Any) -> tuple[Idea, ...]:
    if not isinstance(raw, dict) or raw.get("schema") != 1:
        raise CatalogError("ideas.json: schema must be 1")
    items = raw.get("ideas")
    if not isinstance(items, list) or not items:
        raise CatalogError("ideas.json: ideas must be a non-empty list")
    situations = set(drafts.situations())
    seen: set[str] = set()
    ideas = []
    for index, item in enumerate(items):
        idea = _check(item, index, situations)
        if idea.slug in seen:
            raise CatalogError(f"idea {idea.slug!r}: duplicate slug")
        seen.add(idea.slug)
        ideas.append(idea)
    return tuple(ideas)


def load_ideas(path: Path = DATA_FILE) -> tuple[Idea, ...]:
    with Path(path).open(encoding="utf-8") as f:
        try:
            raw = json.load(f)
        except json.JSONDecodeError as e:
            raise CatalogError(f"{path}: not valid JSON ({e})") from e
    return parse(raw)


@cache
def ideas() -> tuple[Idea, ...]:
    """The catalog shipped with Kithkin, read and checked once."""
    return load_ideas()


@cache
def by_slug() -> Mapping[str, Idea]:
    return MappingProxyType({idea.slug: idea for idea in ideas()})
