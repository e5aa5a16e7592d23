"""The page a list was asked for."""

from __future__ import annotations

from flask import request

from civic.core.text import bounded_number

# No list of ours runs to more pages; a larger number is not a page of it.
LAST_PAGE = 100_000


def page_number(raw: str) -> int | None:
    """``raw`` as a page number: 1 to LAST_PAGE; None otherwise."""
    return bounded_number(raw, LAST_PAGE)


def requested_page(argument: str = "page") -> int | None:
    """The ``page`` query argument as a number from 1 (1 when absent); None when it is not one."""
    return page_number(request.args.get(argument, "1"))
