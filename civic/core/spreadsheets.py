"""Text bound for spreadsheet programs: the byte-order mark Excel needs to read UTF-8, and cells
it will not run as formulas (CSV injection). It knows nothing of what the rows are.
"""

from __future__ import annotations

BOM = "\ufeff"
# Spreadsheets run a cell that starts with one of these as a formula; such text gets a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Return ``value`` as CSV cell text that spreadsheet programs do not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
