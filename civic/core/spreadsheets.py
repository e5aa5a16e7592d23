"""Text bound for spreadsheet programs: the byte-order mark Excel needs to read UTF-8, and cells
it will not run as formulas (CSV injection). Every CSV the site offers is written by ``csv_text``.
It knows nothing of what the rows are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

BOM = "\ufeff"
# Spreadsheets run a cell that starts with one of these as a formula; such text gets a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Return ``value`` as CSV cell text that spreadsheet programs do not run as a formula; a number
    stays a number, minus sign and all."""
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Iterable[object]], *, flush_every: int = 500) -> Iterator[str]:
    """A whole CSV file in pieces, for any download: the byte-order mark, then ``rows`` (the
    header first), every cell guarded by ``safe_cell``, yielded every ``flush_every`` rows so a
    long file streams while it is read from the database."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if number % flush_every == 0:
            yield _drain(buffer)
    rest = _drain(buffer)
    if rest:
        yield rest


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
