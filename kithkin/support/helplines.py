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
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

DATA_FILE = Path(__file__).parent / "data" / "helplines.json"
COST_LABELS = {"free": _("free to call")}


@dataclass(frozen=True)
class Line:
    name: str
    call: str | None
    text: str | None
    text_body: str | None  # a keyword some text lines ask for, e.g. SHOUT
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
        if not self.text:
            return None
        href = "sms:" + self.text.replace(" ", "")
        # "?&body=": Android reads the query, iOS (since 8) the part after "&".
        return f"{href}?&body={quote(self.text_body)}" if self.text_body else href

    @property
    def cost_label(self) -> str | None:
        return str(COST_LABELS.get(self.cost, self.cost)) if self.cost else None


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    emergency_source: str
    emergency_last_verified: date
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

    def guess_from_languages(self, accept_language: str) -> Country | None:
        """The first region named in an Accept-Language header ("en-AU,en;q=0.9")."""
        for lang, _q in parse_accept_lang_header(accept_language):
            _language, _sep, region = lang.partition("-")
            if len(region) == 2 and (country := self.by_code(region)):
                return country
        return None

    def ordered(self, first: Country | None) -> list[Country]:
        """All countries, with `first` (the person's own) at the top."""
        rest = [c for c in self.countries if c != first]
        return [first, *rest] if first else rest


def _line(raw: dict[str, Any]) -> Line:
    return Line(
        name=raw["name"],
        call=raw.get("call"),
        text=raw.get("text"),
        text_body=raw.get("text_body"),
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
                emergency_last_verified=date.fromisoformat(c["emergency_last_verified"]),
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
