"""The rules a check-in follows, in one place for the page form and the API.

Each check raises CheckInRuleError with a message a person can act on; the form
turns it into a field error and the API into a 422. Saving goes through
`save_checkin`, which keeps to one check-in a day even when two saves race.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kithkin.accounts.models import User
from kithkin.lib.limits import EARLIEST
from kithkin.today.models import Energy
from kithkin.wellbeing.models import CheckIn

SCALE_LOW, SCALE_HIGH = 1, 5  # mood, rested and connected all go 1 to 5
MOST_SLEEP = Decimal(24)
MAX_TAGS = 10
MAX_TAG_LENGTH = 30
MAX_NOTE = 5_000
# The fields a check-in carries besides its day, in the order they are shown.
FIELDS = ("mood", "energy", "sleep_hours", "rested", "meaningful", "connected", "note", "tags")


class CheckInRuleError(ValueError):
    """Input a check-in can't take; the message says what would fit."""


def check_day(day: date, today: date) -> date:
    """Today or a day gone by (back-dating is fine), not before 1900."""
    if day > today:
        raise CheckInRuleError(
            _("That day is still to come. A check-in can be for today or any day before.")
        )
    if day < EARLIEST.date():
        raise CheckInRuleError(_("That's before 1900; is the year right?"))
    return day


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CheckInRuleError(_("This takes a whole number."))
    return value


def check_mood(value: object) -> int:
    mood = _whole(value)
    if not SCALE_LOW <= mood <= SCALE_HIGH:
        raise CheckInRuleError(_("Mood goes from 1 (very low) to 5 (very good)."))
    return mood


def check_rested(value: object) -> int:
    rested = _whole(value)
    if not SCALE_LOW <= rested <= SCALE_HIGH:
        raise CheckInRuleError(_("How rested goes from 1 (not at all) to 5 (fully)."))
    return rested


def check_connected(value: object) -> int:
    connected = _whole(value)
    if not SCALE_LOW <= connected <= SCALE_HIGH:
        raise CheckInRuleError(_("Feeling connected goes from 1 (not at all) to 5 (very)."))
    return connected


def check_energy(value: str) -> str:
    """ "low", "some" or "good"; "" when not said."""
    if value not in {"", *Energy.values}:
        raise CheckInRuleError(_("Energy is one of low, some or good."))
    return value


def check_sleep(value: object) -> Decimal:
    """Hours of sleep, 0 to 24 in half hours."""
    if isinstance(value, bool):
        raise CheckInRuleError(_("Hours of sleep is a number, like 7 or 7.5."))
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise CheckInRuleError(_("Hours of sleep is a number, like 7 or 7.5.")) from None
    if not hours.is_finite() or not 0 <= hours <= MOST_SLEEP:
        raise CheckInRuleError(_("Hours of sleep go from 0 to 24."))
    if (hours * 2) % 1:
        raise CheckInRuleError(_("Hours of sleep go in half hours, like 7 or 7.5."))
    return hours.quantize(Decimal("0.1"))


def format_hours(value: Decimal | None) -> str:
    """7.0 as "7", 7.5 as "7.5": as a person would write it; "" for none."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def _check_text(value: str) -> None:
    if "\x00" in value:
        raise CheckInRuleError(_("Text can't contain the NUL character."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (e.g. "\\ud800" in JSON): the database can't store it.
        raise CheckInRuleError(
            _("This has a broken character that can't be saved; try typing it again.")
        ) from None


def check_note(value: str) -> str:
    """Up to 5,000 characters, each line break counted once.

    A browser counts a line break in the box as one character towards its
    maxlength but sends it as two (CR LF), so line breaks are made plain LF first.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    _check_text(value)
    if len(value) > MAX_NOTE:
        raise CheckInRuleError(
            _("A note can be up to %(n)s characters; this one has %(m)s.")
            % {"n": f"{MAX_NOTE:,}", "m": f"{len(value):,}"}
        )
    return value


def clean_tags(items: Iterable[str]) -> list[str]:
    """Trimmed, lower-cased and without repeats (order kept); empty ones dropped.

    At most ten, each up to 30 characters, and no commas, since the page edits
    them as one comma-separated line.
    """
    tags: list[str] = []
    for item in items:
        tag = item.strip().lower()
        if not tag or tag in tags:
            continue
        if "," in tag:
            raise CheckInRuleError(_("A tag can't contain a comma."))
        _check_text(tag)
        if len(tag) > MAX_TAG_LENGTH:
            raise CheckInRuleError(
                _("“%(tag)s…” is long for a tag: up to %(n)s characters each, please.")
                % {"tag": tag[:MAX_TAG_LENGTH], "n": MAX_TAG_LENGTH}
            )
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise CheckInRuleError(
            _("Up to %(n)s tags, please; there are %(m)s here.") % {"n": MAX_TAGS, "m": len(tags)}
        )
    return tags


def split_tags(text: str) -> list[str]:
    """Tags from the comma-separated line on the page."""
    return clean_tags(text.split(","))


def _find(owner: User, day: date) -> CheckIn | None:
    return CheckIn.objects.filter(owner=owner, day=day).first()


def save_checkin(owner: User, day: date, values: dict[str, Any]) -> tuple[CheckIn, bool]:
    """Write the day's check-in: a new one, or the changes to the one already there.

    `values` are checked fields (see FIELDS). If the same day is saved twice at once
    (a double tap, two tabs), the second save finds the first one's row through the
    unique constraint and updates it instead of failing. Returns (check-in, created).
    """
    for _attempt in range(2):
        existing = _find(owner, day)
        if existing is not None:
            for field, value in values.items():
                setattr(existing, field, value)
            existing.save()
            return existing, False
        try:
            with transaction.atomic():
                return CheckIn.objects.create(owner=owner, day=day, **values), True
        except IntegrityError:
            continue  # written meanwhile: update that one on the next pass
    raise IntegrityError("The day's check-in could be neither made nor found.")
