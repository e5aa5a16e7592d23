"""The page a list was asked for."""

from __future__ import annotations

from flask import request


def requested_page() -> int | None:
    """The ``page`` query argument as a number from 1 (1 when absent); None when it is not one."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None
