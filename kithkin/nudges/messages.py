"""What reminders say: short invitations, never a reproach.

Texts are chosen by the slot, so a retry says the same words, and put in the
recipient's language. A reminder never counts what someone didn't do.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DAILY_TITLES = [
    gettext_lazy("One small step, if you'd like"),
    gettext_lazy("A little something for today"),
    gettext_lazy("Whenever you're ready"),
    gettext_lazy("A gentle hello from Kithkin"),
]
DAILY_BODIES = [
    gettext_lazy("There's one small idea waiting on Today. Tiny counts."),
    gettext_lazy("Today has a small step sized to your energy. Skipping is fine too."),
    gettext_lazy("A short message to someone, or a moment for yourself: Today has one idea."),
    gettext_lazy("If you have a minute, Today has one easy way to connect."),
]


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    # Where a tap leads: a path on this server.
    path: str

    def link(self) -> str:
        return absolute(self.path)

    def as_text(self) -> str:
        """The body with its link, for email and notification services."""
        url = self.link()
        return f"{self.body}\n\n{url}" if url.startswith("http") else self.body


def absolute(path: str) -> str:
    """`path` on this server. KITHKIN_SITE_URL (e.g. https://kithkin.example.org) makes links
    absolute; without it, reminders name the page instead of linking to it."""
    base: str = settings.SITE_URL
    return f"{base}{path}" if base else path


@lru_cache(maxsize=16)
def page(name: str) -> str:
    """A page's path. Kithkin's URLs don't change with the language, so it is worked out once."""
    return reverse(name)


def pick(options: list[Any], slot: str) -> str:
    # A stable choice (not Python's salted hash): the same slot gets the same words.
    return str(options[zlib.crc32(slot.encode()) % len(options)])


def daily(slot: str, locale: str = "en") -> Message:
    with translation.override(locale):
        return Message(pick(DAILY_TITLES, slot), pick(DAILY_BODIES, slot), page("today"))


def plan(title: str, starts: datetime, locale: str = "en") -> Message:
    """`starts` in the person's zone."""
    with translation.override(locale):
        when = formats.time_format(starts, "TIME_FORMAT")
        day = formats.date_format(starts, "l")
        return Message(
            _("Coming up: %(title)s") % {"title": title},
            _(
                "%(title)s, %(day)s at %(when)s. Go if it still feels right; "
                "skipping this time is fine too."
            )
            % {"title": title, "day": day, "when": when},
            page("plans"),
        )


def partner_note(name: str, locale: str = "en") -> Message:
    # The note's own words stay in Kithkin: notification services only see this line.
    with translation.override(locale):
        return Message(
            _("%(name)s is thinking of you") % {"name": name},
            _("They left you a note. It's on Today whenever you'd like to read it."),
            page("today"),
        )


def partner(title: str, body: str, locale: str = "en") -> Message:
    return Message(title, body, "/")


def test(locale: str = "en") -> Message:
    with translation.override(locale):
        return Message(
            _("Hello from Kithkin"),
            _("This is a test. If you can read it, your reminders will arrive here."),
            page("reminders"),
        )
