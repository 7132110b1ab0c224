"""Every word a person reads in a template goes through the translation machinery."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Proper names that stay the same in every language.
NAMES = {"Kithkin"}

STRIP = [
    re.compile(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<[^>]+>", re.S),
    re.compile(r"&[a-z]+;|&#x?[0-9a-f]+;", re.I),
]


READABLE_ATTRIBUTE = re.compile(r'\b(?:aria-label|alt|title|placeholder)="([^"]*)"')


def untranslated(text: str) -> list[str]:
    bare_attributes = [
        value for value in READABLE_ATTRIBUTE.findall(text) if "{" not in value and value.strip()
    ]
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]+", text)
    return bare_attributes + [w for w in words if w not in NAMES]


def test_the_checker_catches_bare_words() -> None:
    assert untranslated("<p>Hello there</p>") == ["Hello", "there"]
    assert untranslated('<p>{% translate "Hello" %} {{ name }}</p>') == []
    assert untranslated('<nav aria-label="Main">') == ["Main"]
    assert untranslated("<nav aria-label=\"{% translate 'Main' %}\">") == []


def test_templates_have_no_untranslated_text() -> None:
    found = {
        str(path.relative_to(TEMPLATES)): words
        for path in TEMPLATES.rglob("*.html")
        if (words := untranslated(path.read_text(encoding="utf-8")))
    }
    assert found == {}
