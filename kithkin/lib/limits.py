"""Bounds that web forms and the API share, so both refuse the same odd input."""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

# The largest id a database column holds; a bigger number can't name a row and
# would overflow inside the database driver.
MAX_ID = 2**63 - 1
# Dates far outside a life are typos, and some would overflow date arithmetic.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
# The years a plan or group's schedule may start in: beyond them the calendar
# can't be expanded (year 9999 overflows), and anything so far off is a typo.
FIRST_SCHEDULE_YEAR = 1900
LAST_SCHEDULE_YEAR = 2200
# "Give space until": at most this far ahead.
LONGEST_PAUSE = timedelta(days=3650)


def pause_problem(value: date) -> str | None:
    """Why `value` can't end a pause (of a person, or of reminders), or None."""
    if value > timezone.localdate() + LONGEST_PAUSE:
        return _("A pause can last up to ten years.")
    if value < EARLIEST.date():
        return _("That's before 1900; is the year right?")
    return None


def as_id(value: object) -> int | None:
    """`value` as a database id (1 to MAX_ID, plain ASCII digits), else None.

    str.isdigit() alone lets through digits int() can't read, such as "²".
    """
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
