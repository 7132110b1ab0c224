"""The helpline data file: every entry complete, sourced, dated and dialable."""

from __future__ import annotations

import json
import re
import zoneinfo
from datetime import date

import pytest

from kithkin.support import helplines

DIALABLE = re.compile(r"^[0-9][0-9 ]*[0-9]$")


@pytest.fixture(scope="module")
def data() -> helplines.Helplines:
    return helplines.load()


def test_it_parses_and_has_the_lines_named_in_the_product_map(data: helplines.Helplines) -> None:
    def calls(code: str) -> set[str]:
        country = data.by_code(code)
        assert country is not None, code
        return {line.call for line in country.lines if line.call}

    assert "988" in calls("US")
    assert "988" in calls("CA")
    assert "116 123" in calls("GB")
    assert "116 123" in calls("IE")
    assert "13 11 14" in calls("AU")
    assert "1737" in calls("NZ")
    texts = {line.text for line in data.by_code("US").lines}  # type: ignore[union-attr]
    assert "988" in texts


def test_every_line_is_sourced_dated_and_dialable(data: helplines.Helplines) -> None:
    assert data.directory.url == "https://findahelpline.com"
    for country in data.countries:
        assert re.fullmatch(r"[A-Z]{2}", country.code)
        assert DIALABLE.match(country.emergency), country.code
        assert country.emergency_source.startswith("https://")
        assert country.emergency_last_verified <= date.today()
        for line in country.lines:
            assert line.source.startswith("https://"), line.name
            assert line.last_verified <= date.today()
            assert line.call or line.text or line.chat_url, line.name
            for number in (line.call, line.text):
                assert number is None or DIALABLE.match(number), (line.name, number)
            assert line.chat_url is None or line.chat_url.startswith("https://")


def test_codes_and_time_zones_are_unique_and_real(data: helplines.Helplines) -> None:
    codes = [c.code for c in data.countries]
    assert len(codes) == len(set(codes))
    zones = [z for c in data.countries for z in c.timezones]
    assert len(zones) == len(set(zones))
    for zone in zones:
        zoneinfo.ZoneInfo(zone)


def test_no_other_file_spells_out_a_helpline_number() -> None:
    """Numbers live in one data file so that a correction is made in one place."""
    from pathlib import Path

    root = Path(helplines.__file__).resolve().parent.parent.parent
    offenders = []
    for folder in ("kithkin", "templates"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or "tests" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"116 ?123|13 ?11 ?14|\b1737\b|\b988\b", text):
                offenders.append(str(path))
    assert offenders == []


def test_the_parser_refuses_an_entry_without_a_date() -> None:
    raw = json.loads(helplines.DATA_FILE.read_text())
    del raw["countries"][0]["lines"][0]["last_verified"]
    with pytest.raises(KeyError):
        helplines.parse(raw)


def test_it_guesses_the_country_from_the_time_zone(data: helplines.Helplines) -> None:
    assert data.guess("Europe/London").code == "GB"  # type: ignore[union-attr]
    assert data.guess("Pacific/Auckland").code == "NZ"  # type: ignore[union-attr]
    assert data.guess("Antarctica/Troll") is None


def test_a_text_line_with_a_keyword_prefills_it(data: helplines.Helplines) -> None:
    shout = next(line for line in data.by_code("GB").lines if line.text_body)  # type: ignore[union-attr]
    assert shout.text_href == f"sms:{shout.text.replace(' ', '')}?&body={shout.text_body}"  # type: ignore[union-attr]
    plain = next(line for line in data.by_code("US").lines if line.text)  # type: ignore[union-attr]
    assert plain.text_href == "sms:988"


def test_it_guesses_the_country_from_the_browser_languages(data: helplines.Helplines) -> None:
    assert data.guess_from_languages("en-AU,en;q=0.9").code == "AU"  # type: ignore[union-attr]
    assert data.guess_from_languages("fr;q=0.8, nl-NL").code == "NL"  # type: ignore[union-attr]
    assert data.guess_from_languages("en") is None
    assert data.guess_from_languages("") is None
