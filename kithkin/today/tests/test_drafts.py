"""Words to send: every situation and tone renders, fills cleanly and links safely."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.today import catalog, drafts

PAIRS = [(s, t) for s in drafts.SITUATIONS for t in drafts.TONES]
GAP_ORDER = [
    "a little while",
    "a couple of weeks",
    "about a month",
    "a couple of months",
    "a few months",
    "about a year",
    "a long while",
]
SHAMING = ("overdue", "failed", "should have", "lazy", "finally", "behind")
UNKIND = ("streak", "terrible friend", "bad friend", "neglect", "ignored", "excuse")
CLINICAL = ("depress", "disorder", "symptom", "diagnos", "patient", "therap")
PLACEHOLDER = re.compile(r"\{(name|interest|gap)\}")


def all_templates() -> list[tuple[str, str, str]]:
    return [(s, t, tpl) for s, t in PAIRS for tpl in drafts.templates(s, t)]


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (-5, "a little while"),
        (0, "a little while"),
        (9, "a little while"),
        (14, "a couple of weeks"),
        (30, "about a month"),
        (60, "a couple of months"),
        (120, "a few months"),
        (365, "about a year"),
        (549, "about a year"),
        (800, "a long while"),
        (10**9, "a long while"),
    ],
)
def test_it_says_the_gap_in_plain_words(days: int, words: str) -> None:
    assert drafts.gap_words(days) == words


@given(st.integers(), st.integers())
def test_it_never_makes_a_longer_gap_sound_shorter(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert GAP_ORDER.index(drafts.gap_words(low)) <= GAP_ORDER.index(drafts.gap_words(high))


def test_it_has_exactly_the_situations_and_tones_asked_for() -> None:
    assert list(drafts.situations()) == list(drafts.SITUATIONS)
    assert all(label.strip() for label in drafts.situations().values())
    for situation in drafts.SITUATIONS:
        assert drafts.tones(situation) == ["warm", "light", "brief"]
        for tone in drafts.TONES:
            assert len(drafts.templates(situation, tone)) >= 3


def test_it_refuses_an_unknown_situation_or_tone_clearly() -> None:
    with pytest.raises(ValueError, match="unknown situation 'pep_talk'"):
        drafts.draft("pep_talk", name="Sam")
    with pytest.raises(ValueError, match="unknown situation 'pep_talk'"):
        drafts.tones("pep_talk")
    with pytest.raises(ValueError, match="unknown tone 'stern' for 'check_in'"):
        drafts.draft("check_in", name="Sam", tone="stern")


def test_it_uses_only_known_placeholders_and_gap_only_when_reconnecting() -> None:
    for situation, _tone, template in all_templates():
        fields = drafts.placeholders(template)
        assert fields <= {"name", "interest", "gap"}, template
        if "gap" in fields:
            assert situation == "reconnect", template
        assert "{" not in PLACEHOLDER.sub("", template), template
        assert "}" not in PLACEHOLDER.sub("", template), template
    assert any("{gap}" in tpl for s, _t, tpl in all_templates() if s == "reconnect")
    assert sum("{interest}" in tpl for _s, _t, tpl in all_templates()) >= 8


def test_it_keeps_drafts_short_like_a_real_text() -> None:
    for _situation, _tone, template in all_templates():
        filled = PLACEHOLDER.sub("Alexandra", template)
        assert len(filled) <= 160, template
        assert "\n" not in template
        assert template.count("!") <= 1, template
        assert len(re.findall(r"[.?!](?:\s|$)", filled)) <= 3, template
    for situation in drafts.SITUATIONS:
        briefs = [PLACEHOLDER.sub("Sam", t) for t in drafts.templates(situation, "brief")]
        assert max(len(b) for b in briefs) <= 80, situation


def test_it_never_apologises_at_length() -> None:
    for _situation, _tone, template in all_templates():
        lowered = template.lower()
        assert lowered.count("sorry") <= 1, template
        assert "so sorry" not in lowered and "apolog" not in lowered, template


@pytest.mark.parametrize(("situation", "tone"), PAIRS)
def test_it_renders_every_situation_and_tone(situation: str, tone: str) -> None:
    plain = {drafts.draft(situation, name="Sam", tone=tone, seed=seed) for seed in range(40)}
    rich = {
        drafts.draft(
            situation, name="Sam", tone=tone, interest="gardening", gap_days=100, seed=seed
        )
        for seed in range(40)
    }
    for text in plain | rich:
        assert text.strip() == text and text
        assert "{" not in text and "}" not in text, text
    assert all("gardening" not in t and "a few months" not in t for t in plain)
    assert len(plain) >= 2, "varies across seeds"
    assert any("Sam" in t for t in plain)
    if any("{interest}" in t for t in drafts.templates(situation, tone)):
        assert any("gardening" in t for t in rich)
    if any("{gap}" in t for t in drafts.templates(situation, tone)):
        assert any("a few months" in t for t in rich)


@pytest.mark.parametrize(("situation", "tone"), PAIRS)
def test_it_is_deterministic_for_a_seed(situation: str, tone: str) -> None:
    for seed in (0, 1, 7, 12345, -3):
        kwargs = {"name": "Sam", "tone": tone, "interest": "chess", "gap_days": 40, "seed": seed}
        assert drafts.draft(situation, **kwargs) == drafts.draft(situation, **kwargs)  # type: ignore[arg-type]


def test_it_cleans_what_it_puts_in() -> None:
    text = drafts.draft("note_to_self", name="  Jo\n{gap} }", tone="brief", seed=1)
    assert "Jo gap" in text and "{" not in text and "\n" not in text
    assert "friend" in drafts.draft("note_to_self", name=" {} ", tone="brief", seed=1)
    blank_interest = {
        drafts.draft("check_in", name="Sam", tone="light", interest=" { } ", seed=s)
        for s in range(40)
    }
    assert blank_interest == {
        drafts.draft("check_in", name="Sam", tone="light", seed=s) for s in range(40)
    }


@given(
    situation=st.sampled_from(drafts.SITUATIONS),
    tone=st.sampled_from(drafts.TONES),
    name=st.text(),
    interest=st.none() | st.text(),
    gap_days=st.none() | st.integers(min_value=-(10**6), max_value=10**6),
    seed=st.integers(),
)
def test_it_never_crashes_or_leaves_a_placeholder(
    situation: str, tone: str, name: str, interest: str | None, gap_days: int | None, seed: int
) -> None:
    text = drafts.draft(
        situation, name=name, tone=tone, interest=interest, gap_days=gap_days, seed=seed
    )
    assert text
    assert "{" not in text and "}" not in text
    assert "\n" not in text
    assert not PLACEHOLDER.search(text)


@given(st.sampled_from(["Zoë", "O'Brien", 'Sam "Sunny" Lee', "Ana 🌻", "李雷", "{name}", "}{"]))
def test_it_keeps_real_names_as_they_are(name: str) -> None:
    text = drafts.draft("check_in", name=name, tone="brief", seed=0)
    assert (drafts.clean(name) or drafts.NAME_FALLBACK) in text


def _split(link: str) -> tuple[str, str, str, str]:
    parts = urlsplit(link)
    ((key, values),) = parse_qs(parts.query, keep_blank_values=True).items()
    assert len(values) == 1
    return parts.scheme, unquote(parts.netloc + parts.path), key, values[0]


@given(text=st.text(), phone=st.none() | st.text(), email=st.none() | st.emails() | st.text())
def test_it_builds_share_links_that_round_trip(
    text: str, phone: str | None, email: str | None
) -> None:
    links = drafts.share_links(text, phone=phone, email=email)
    assert set(links) == {"sms", "email", "whatsapp"}
    for link in links.values():
        assert " " not in link and "\n" not in link
        assert link.count("?") == 1

    scheme, number, key, body = _split(links["sms"])
    assert (scheme, key, body) == ("sms", "body", text)
    assert re.fullmatch(r"\+?[0-9]*", number)

    scheme, address, key, body = _split(links["email"])
    assert (scheme, key, body) == ("mailto", "body", text)
    assert address == (email.strip() if email else "")

    scheme, where, key, body = _split(links["whatsapp"])
    assert (scheme, key, body) == ("https", "text", text)
    assert re.fullmatch(r"wa\.me/[0-9]*", where)


def test_it_writes_numbers_and_addresses_the_way_apps_expect() -> None:
    text = "Hi Sam, walk & coffee? 100% no pressure + easy out / #later"
    links = drafts.share_links(text, phone="+44 (0)7700 900-123", email="sam@example.org")
    body = (
        "Hi%20Sam%2C%20walk%20%26%20coffee%3F%20100%25%20no%20pressure%20%2B%20easy%20out"
        "%20%2F%20%23later"
    )
    assert links == {
        "sms": f"sms:+447700900123?&body={body}",
        "email": f"mailto:sam@example.org?body={body}",
        "whatsapp": f"https://wa.me/447700900123?text={body}",
    }
    local = drafts.share_links("hi", phone="07700 900123")
    assert local["sms"] == "sms:07700900123?&body=hi"
    assert local["whatsapp"] == "https://wa.me/?text=hi"  # WhatsApp needs the country code
    assert drafts.share_links("hi") == {
        "sms": "sms:?&body=hi",
        "email": "mailto:?body=hi",
        "whatsapp": "https://wa.me/?text=hi",
    }


def _product_texts() -> list[tuple[str, str]]:
    texts = [(f"idea {i.slug}", f"{i.title} {i.why}") for i in catalog.ideas()]
    texts += [(f"draft {s}/{t}", tpl) for s, t, tpl in all_templates()]
    texts += [(f"label {k}", v) for k, v in drafts.situations().items()]
    return texts


def test_it_never_shames_blames_or_diagnoses() -> None:
    for where, text in _product_texts():
        lowered = text.lower()
        for word in SHAMING + UNKIND + CLINICAL:
            assert word not in lowered, f"{where}: {word!r} in {text!r}"


def test_it_keeps_the_drafts_file_well_formed() -> None:
    text = drafts.DATA_FILE.read_text(encoding="utf-8")
    raw = json.loads(text)
    assert text == json.dumps(raw, indent=2, ensure_ascii=False) + "\n"
    assert drafts.validate(raw) == raw["situations"]


def _first_reply_brief(*templates: str) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        raw["situations"]["reply"]["tones"]["brief"][: len(templates)] = templates

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r["situations"].pop("reply"), "situations must be exactly"),
        (lambda r: r["situations"]["reply"]["tones"].pop("brief"), "tones must be exactly"),
        (lambda r: r["situations"]["reply"]["tones"]["brief"].pop(), "3 or more templates"),
        (lambda r: r["situations"]["reply"].update(label=""), "needs a label"),
        (lambda r: r.update(schema=2), "schema must be 1"),
        (_first_reply_brief("Hi {nick}"), "unknown placeholder {nick}"),
        (_first_reply_brief("Hi {name!r}"), "unknown placeholder {name}"),
        (_first_reply_brief("{gap} ago"), "{gap} is only for reconnecting"),
        (_first_reply_brief("Hi {name"), "unbalanced braces"),
        (_first_reply_brief("Hi {{name}}"), "escaped braces"),
        (_first_reply_brief("  "), "empty template"),
        (_first_reply_brief("Hi {name}, {interest}", "{interest}?"), "need only a name"),
    ],
)
def test_it_rejects_a_broken_drafts_file(
    change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    raw = json.loads(drafts.DATA_FILE.read_text(encoding="utf-8"))
    change(raw)
    with pytest.raises(drafts.DraftError) as e:
        drafts.validate(raw)
    assert problem in str(e.value)
