"""Streamed CSV files that open cleanly in spreadsheets and can't run formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse
from django.utils import timezone

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The byte order mark tells Excel the file is UTF-8; without it, notes with
# accents or emoji open garbled in the local code page.
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def stream(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The lines of a CSV file, BOM and header first, every cell made safe."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(c) for c in row])


# Lines are sent in blocks of about this many characters: one write (and one
# encoding) per line costs more than making the line.
BLOCK = 64 * 1024


def _blocks(lines: Iterable[str]) -> Iterator[str]:
    block: list[str] = []
    size = 0
    for line in lines:
        block.append(line)
        size += len(line)
        if size >= BLOCK:
            yield "".join(block)
            block, size = [], 0
    if block:
        yield "".join(block)


def response(
    name: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """A CSV download named kithkin-`name`-YYYY-MM-DD.csv, streamed as it is written.

    `rows` is read only while the body is sent, after the view has returned:
    anything that depends on the request (the person's language, their time
    zone) has to be read before.
    """
    streamed = StreamingHttpResponse(
        _blocks(stream(header, rows)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    streamed["Content-Disposition"] = f'attachment; filename="kithkin-{name}-{stamp}.csv"'
    # Personal data: never kept by a shared cache or the browser's.
    streamed["Cache-Control"] = "no-store"
    return streamed
