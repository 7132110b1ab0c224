"""Words to send: pick and fill a short draft for a situation, and links to send it.

Pure: reads data/drafts.json once, knows nothing of requests or the database.
Kithkin never sends a message itself; these links only open the person's own
SMS, email or WhatsApp app with the text filled in.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

DATA_FILE = Path(__file__).parent / "data" / "drafts.json"

SITUATIONS = (
    "reconnect",
    "check_in",
    "invite_walk",
    "tough_day",
    "ask_company",
    "compliment",
    "share_small",
    "gratitude",
    "reply",
    "note_to_self",
)
TONES = ("warm", "light", "brief")
PLACEHOLDERS = frozenset({"name", "interest", "gap"})
GAP_SITUATIONS = frozenset({"reconnect"})
NAME_FALLBACK = "friend"  # if a name is blank once cleaned: "Hi friend, ..."

_FIELD = re.compile(r"\{(name|interest|gap)\}")


class DraftError(ValueError):
    """drafts.json breaks a rule, or a draft was asked for that does not exist."""


def gap_words(days: int) -> str:
    """Plain words for a quiet spell, never a count: "a few months", "about a year"."""
    if days < 10:
        return "a little while"
    if days < 21:
        return "a couple of weeks"
    if days < 45:
        return "about a month"
    if days < 75:
        return "a couple of months"
    if days < 320:
        return "a few months"
    if days < 550:
        return "about a year"
    return "a long while"


def placeholders(template: str) -> set[str]:
    """The {fields} a template uses; DraftError for anything str.format would trip on."""
    fields: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as e:
        raise DraftError(f"unbalanced braces in {template!r}") from e
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise DraftError(f"unknown placeholder {{{field}}} in {template!r}")
        fields.add(field)
    if "{{" in template or "}}" in template:
        raise DraftError(f"escaped braces are not allowed in {template!r}")
    return fields


def validate(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if raw.get("schema") != 1:
        raise DraftError("drafts.json: schema must be 1")
    situations = raw.get("situations")
    if not isinstance(situations, dict) or set(situations) != set(SITUATIONS):
        raise DraftError(f"drafts.json: situations must be exactly {', '.join(SITUATIONS)}")
    for key, situation in situations.items():
        if not isinstance(situation.get("label"), str) or not situation["label"].strip():
            raise DraftError(f"situation {key!r}: needs a label")
        tones = situation.get("tones")
        if not isinstance(tones, dict) or set(tones) != set(TONES):
            raise DraftError(f"situation {key!r}: tones must be exactly {', '.join(TONES)}")
        for tone, templates in tones.items():
            if not isinstance(templates, list) or len(templates) < 3:
                raise DraftError(f"situation {key!r}, tone {tone!r}: needs 3 or more templates")
            plain = 0
            for template in templates:
                if not isinstance(template, str) or not template.strip():
                    raise DraftError(f"situation {key!r}, tone {tone!r}: empty template")
                fields = placeholders(template)
                if "gap" in fields and key not in GAP_SITUATIONS:
                    raise DraftError(f"situation {key!r}: {{gap}} is only for reconnecting")
                plain += fields <= {"name"}
            if plain < 2:
                raise DraftError(
                    f"situation {key!r}, tone {tone!r}: needs 2 or more templates that "
                    "need only a name"
                )
    return situations


@cache
def _data() -> dict[str, dict[str, Any]]:
    with DATA_FILE.open(encoding="utf-8") as f:
        return validate(json.load(f))


def situations() -> dict[str, str]:
    """Situation key → its label, in the order of drafts.json."""
    return {key: s["label"] for key, s in _data().items()}


def _situation(situation: str) -> dict[str, Any]:
    try:
        return _data()[situation]
    except KeyError:
        known = ", ".join(_data())
        raise DraftError(f"unknown situation {situation!r} (known: {known})") from None


def tones(situation: str) -> list[str]:
    return list(_situation(situation)["tones"])


def templates(situation: str, tone: str) -> list[str]:
    by_tone = _situation(situation)["tones"]
    if tone not in by_tone:
        raise DraftError(f"unknown tone {tone!r} for {situation!r} (known: {', '.join(by_tone)})")
    return list(by_tone[tone])


def clean(value: str | None) -> str | None:
    """One line, no braces: what goes into a template. None when nothing is left."""
    if value is None:
        return None
    text = " ".join(value.replace("{", " ").replace("}", " ").split())
    return text or None


def draft(
    situation: str,
    *,
    name: str,
    tone: str = "warm",
    interest: str | None = None,
    gap_days: int | None = None,
    seed: int = 0,
) -> str:
    """A draft for `situation` in `tone`, the same for the same seed.

    Only templates whose placeholders can all be filled are candidates: one that
    mentions {interest} only when a shared interest is known, {gap} only when the
    days since last contact are. Values are put in as one line without braces, so
    the result never holds a `{...}`.
    """
    values = {
        "name": clean(name) or NAME_FALLBACK,
        "interest": clean(interest),
        "gap": gap_words(gap_days) if gap_days is not None else None,
    }
    filled = {field: value for field, value in values.items() if value is not None}
    candidates = [t for t in templates(situation, tone) if placeholders(t) <= filled.keys()]
    digest = hashlib.sha256(f"{seed}:{situation}:{tone}".encode()).digest()
    chosen = candidates[int.from_bytes(digest[:8], "big") % len(candidates)]
    return _FIELD.sub(lambda m: filled[m.group(1)], chosen)


def _phone(phone: str | None) -> str:
    """Digits with an optional leading +, everything else dropped."""
    if not phone:
        return ""
    # "+44 (0)7700 900123": the (0) is dialled only from inside the country.
    digits = "".join(c for c in phone.replace("(0)", "") if c.isascii() and c.isdigit())
    return f"+{digits}" if digits and phone.strip().startswith("+") else digits


def share_links(text: str, phone: str | None = None, email: str | None = None) -> dict[str, str]:
    """Links that open the person's own apps with `text` filled in.

    Keys: "sms" (RFC 5724, sms:<number>?&body=...), "email" (mailto:<address>?body=...)
    and "whatsapp" (https://wa.me/?text=..., with the number only when it is in
    international form, as WhatsApp needs).
    """
    body = quote(text, safe="")
    number = _phone(phone)
    address = quote(email.strip(), safe="@") if email and email.strip() else ""
    whatsapp_number = number[1:] if number.startswith("+") else ""
    return {
        # "?&body=": Android reads the query, iOS (since 8) the part after "&".
        "sms": f"sms:{number}?&body={body}",
        "email": f"mailto:{address}?body={body}",
        "whatsapp": f"https://wa.me/{whatsapp_number}?text={body}",
    }
