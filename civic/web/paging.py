"""The page a list was asked for."""

from __future__ import annotations

from flask import request

# No list of ours runs to more pages; a larger number is not a page of it.
LAST_PAGE = 100_000


def page_number(raw: str) -> int | None:
    """``raw`` as a page number: ASCII digits from 1 to LAST_PAGE; None otherwise."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(LAST_PAGE))):
        return None
    number = int(raw)
    return number if 1 <= number <= LAST_PAGE else None


def requested_page(argument: str = "page") -> int | None:
    """The ``page`` query argument as a number from 1 (1 when absent); None when it is not one."""
    return page_number(request.args.get(argument, "1"))
