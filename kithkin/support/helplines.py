"""Crisis lines by country, read from the one data file that holds them.

Wrong helpline numbers are a known failure in apps (Martinengo et al., BMC
Medicine 2019), so every number lives in data/helplines.json, each with the page
it was checked against and the date it was last verified. Nothing else in the
code base spells out a helpline number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "helplines.json"


@dataclass(frozen=True)
class Line:
    name: str
    call: str | None
    text: str | None
    chat_url: str | None
    hours: str
    cost: str | None
    description: str
    source: str
    last_verified: date

    @property
    def call_href(self) -> str | None:
        return "tel:" + self.call.replace(" ", "") if self.call else None

    @property
    def text_href(self) -> str | None:
        return "sms:" + self.text.replace(" ", "") if self.text else None


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    emergency_source: str
    timezones: tuple[str, ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Directory:
    name: str
    url: str
    description: str
    source: str
    last_verified: date


@dataclass(frozen=True)
class Helplines:
    directory: Directory
    fallback_emergency: str
    countries: tuple[Country, ...]

    def by_code(self, code: str) -> Country | None:
        code = code.upper()
        return next((c for c in self.countries if c.code == code), None)

    def guess(self, tz: str) -> Country | None:
        return next((c for c in self.countries if tz in c.timezones), None)

    def ordered(self, first: Country | None) -> list[Country]:
        """All countries, with `first` (the person's own) at the top."""
        rest = [c for c in self.countries if c != first]
        return [first, *rest] if first else rest


def _line(raw: dict[str, Any]) -> Line:
    return Line(
        name=raw["name"],
        call=raw.get("call"),
        text=raw.get("text"),
        chat_url=raw.get("chat_url"),
        hours=raw["hours"],
        cost=raw.get("cost"),
        description=raw["description"],
        source=raw["source"],
        last_verified=date.fromisoformat(raw["last_verified"]),
    )


def parse(raw: dict[str, Any]) -> Helplines:
    d = raw["directory"]
    return Helplines(
        directory=Directory(
            name=d["name"],
            url=d["url"],
            description=d["description"],
            source=d["source"],
            last_verified=date.fromisoformat(d["last_verified"]),
        ),
        fallback_emergency=raw["fallback_emergency"],
        countries=tuple(
            Country(
                code=c["code"],
                name=c["name"],
                emergency=c["emergency"],
                emergency_source=c["emergency_source"],
                timezones=tuple(c.get("timezones", [])),
                lines=tuple(_line(line) for line in c["lines"]),
            )
            for c in raw["countries"]
        ),
    )


@lru_cache(maxsize=1)
def load() -> Helplines:
    with DATA_FILE.open(encoding="utf-8") as f:
        return parse(json.load(f))


def country_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in load().countries]
