"""Bounds that web forms and the API share, so both refuse the same odd input."""

from datetime import UTC, datetime, timedelta

# The largest id a database column holds; a bigger number can't name a row and
# would overflow inside the database driver.
MAX_ID = 2**63 - 1
# Dates far outside a life are typos, and some would overflow date arithmetic.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
# "Give space until": at most this far ahead.
LONGEST_PAUSE = timedelta(days=3650)
