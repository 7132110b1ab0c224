"""`kithkin checkin --mood 3 --energy low`: the day's check-in.

Exactly what the check-in page does: the form starts from the day's check-in if
there is one (else from the energy said on Today), the options given change
it, and the page's own form (wellbeing.checkin_forms.CheckInForm, built on
wellbeing.checkin_rules like the API) checks the result; then
checkin_rules.save_checkin writes it: a new check-in, or the day's one updated.
Without any field, the day's check-in is shown.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kithkin.accounts.models import User
from kithkin.lib.commands import UserCommand, day_words, words_list
from kithkin.today.actions import energy_of
from kithkin.today.models import Energy
from kithkin.wellbeing.checkin_forms import CheckInForm
from kithkin.wellbeing.checkin_rules import format_hours, save_checkin
from kithkin.wellbeing.models import CheckIn, Connected, Mood, Rested

# Each form field and the option that sets it.
OPTIONS = {
    "mood": "--mood",
    "energy": "--energy",
    "sleep_hours": "--sleep",
    "rested": "--rested",
    "meaningful": "--meaningful",
    "connected": "--connected",
    "note": "--note",
    "tags": "--tags",
    "day": "--day",
}


def _scale(choices: Any) -> str:
    return ", ".join(f"{value} {str(label).lower()}" for value, label in choices)


def _by_word(text: str, choices: Any) -> str:
    """ "okay" or "Very low" as the number the form takes; anything else as it came."""
    wanted = " ".join(text.casefold().replace("-", " ").replace("_", " ").split())
    for value, label in choices:
        if str(label).casefold() == wanted:
            return str(value)
    return text


def summary(c: CheckIn, today: Any) -> str:
    """One line: "today: mood okay · energy some · 7 h sleep · ..."."""
    parts = [f"mood {str(Mood(c.mood).label).lower()}"]
    if c.energy:
        parts.append(f"energy {str(Energy(c.energy).label).lower()}")
    if c.sleep_hours is not None:
        parts.append(f"{format_hours(c.sleep_hours)} h sleep")
    if c.rested:
        parts.append(f"rested: {str(Rested(c.rested).label).lower()}")
    if c.meaningful is not None:
        parts.append("did something meaningful" if c.meaningful else "nothing meaningful")
    if c.connected:
        parts.append(f"connected: {str(Connected(c.connected).label).lower()}")
    if c.tags:
        parts.append("tags: " + ", ".join(str(t) for t in c.tags))
    line = f"{day_words(c.day, today)}: " + " · ".join(parts)
    if c.note:
        line += f"\n  {_('Note')}: {c.note}"
    return line


def as_json(c: CheckIn) -> dict[str, Any]:
    """Shaped like GET /api/v1/checkins/<id>."""
    return {
        "id": c.pk,
        "date": c.day.isoformat(),
        "mood": c.mood,
        "energy": c.energy or None,
        "sleep_hours": None if c.sleep_hours is None else float(c.sleep_hours),
        "rested": c.rested,
        "meaningful": c.meaningful,
        "connected": c.connected,
        "note": c.note,
        "tags": [t for t in c.tags if isinstance(t, str)],
    }


class Command(UserCommand):
    help = (
        "Check in for today (or another day): only the mood is needed. A day that "
        'already has a check-in is updated; give an option as "" to clear it.'
    )

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mood",
            metavar="1-5",
            help=f"how is your mood? {_scale(Mood.choices)} (the number or the words)",
        )
        parser.add_argument("--energy", metavar="LEVEL", help="low (running low), some or good")
        parser.add_argument(
            "--sleep", dest="sleep_hours", metavar="HOURS", help="hours of sleep, like 7 or 7.5"
        )
        parser.add_argument("--rested", metavar="1-5", help=f"how rested? {_scale(Rested.choices)}")
        parser.add_argument("--meaningful", metavar="yes|no", help="did something meaningful?")
        parser.add_argument(
            "--connected",
            metavar="1-5",
            help=f"how connected did you feel? {_scale(Connected.choices)}",
        )
        parser.add_argument("--note", help="a note (optional)")
        parser.add_argument("--tags", help='separate with commas, e.g. "walk, family" (up to 10)')
        parser.add_argument(
            "--day",
            metavar="YYYY-MM-DD",
            help="the day, if not today: a date, or yesterday (back-dating is fine)",
        )

    def handle_user(self, user: User, **opts: Any) -> None:
        today = timezone.localdate()
        day_text = (opts.get("day") or "today").strip()
        day: Any = {
            "today": today.isoformat(),
            "yesterday": (today - timedelta(days=1)).isoformat(),
        }.get(day_text.lower(), day_text)
        # The day on its own first, so the right check-in is the starting point.
        day_form = CheckInForm({"day": day}, today=today)
        day_form.is_valid()
        if "day" in day_form.errors:
            self._refuse(day_form, "day")
        day = day_form.cleaned_data["day"]
        existing = CheckIn.objects.filter(owner=user, day=day).first()
        given = {
            field: opts[field]
            for field in OPTIONS
            if field != "day" and opts.get(field) is not None
        }
        if not given:
            self._show(existing, day, today)
            return
        # The energy said on Today, unless the check-in has its own.
        energy = "" if existing and existing.energy else energy_of(user, day) or ""
        data = CheckInForm.initial_for(day, existing, energy)
        for field, value in given.items():
            if field == "mood":
                value = _by_word(value, Mood.choices)
            elif field in ("rested", "connected"):
                value = _by_word(value, (Rested if field == "rested" else Connected).choices)
            elif field == "meaningful":
                value = value.strip().lower()
            data[field] = value
        form = CheckInForm(data, today=today)
        if not form.is_valid():
            self._refuse(form, next(iter(form.errors)))
        saved, created = save_checkin(user, day, form.values())
        if self.as_json:
            self.emit_json({**as_json(saved), "created": created})
            return
        if created:
            self.say(_("Saved. Thank you for checking in."))
        else:
            self.say(_("Updated. Thank you for checking in."))
        self.say(summary(saved, today))
        if saved.mood == Mood.VERY_LOW:
            self.say()
            self.say(_("Thank you for being honest about a very low day."))
            self.say(
                "Days like this pass, even when it doesn't feel that way. If it would help, "
                "support is close: the Support page in Kithkin, or findahelpline.com. "
                "Messaging someone you trust counts as a step too."
            )

    def _show(self, existing: CheckIn | None, day: Any, today: Any) -> None:
        if existing is None:
            raise CommandError(
                f"there's no check-in for {day_words(day, today)} yet: "
                f"{self.again('--mood 1-5')} (only the mood is needed)."
            )
        if self.as_json:
            self.emit_json(as_json(existing))
        else:
            self.say(summary(existing, today))

    def _refuse(self, form: forms.Form, field: str) -> None:
        problem = " ".join(str(e) for e in form.errors[field])
        option = OPTIONS.get(field, "")
        if field in ("mood", "rested", "connected"):
            choices = {"mood": Mood, "rested": Rested, "connected": Connected}[field].choices
            problem += f" ({_scale(choices)})"
        elif field == "energy":
            problem += f" ({words_list(Energy.values)})"
        elif field == "meaningful":
            problem += " (yes or no)"
        elif field == "day":
            problem += " Write it as YYYY-MM-DD, or yesterday."
        raise CommandError(f"{option}: {problem}" if option else problem)
