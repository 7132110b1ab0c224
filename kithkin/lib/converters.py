"""URL converters."""

from __future__ import annotations


class IdConverter:
    """A database id: 1 to 18 digits, so a huge number in an address is a plain
    404 rather than an integer overflow inside the database driver."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
