"""One gate for hostile input, before any view or query runs.

- A NUL byte anywhere (path, query string, form, JSON body) is refused with 400: no text column
  of PostgreSQL can hold one, and no person types one.
- ``<int:...>`` in a route matches ASCII digits up to the largest id a column holds; anything
  else is simply not a page (404), never an overflow in the database.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from civic.core.text import LARGEST_ID

NUL = "\x00"


class IdConverter(IntegerConverter):
    """``<int:...>`` for ids: ASCII digits only, 0 to LARGEST_ID."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def _carries_nul() -> bool:
    if NUL in request.path or "%00" in request.query_string.decode("latin-1"):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.is_json:
        body = request.get_data(cache=True)
        return b"\x00" in body or b"\\u0000" in body.lower()
    return any(NUL in key or NUL in value for key, value in request.form.items(multi=True)) or any(
        NUL in (upload.filename or "") for upload in request.files.values())


def refuse_nul_bytes() -> None:
    if _carries_nul():
        abort(400)


def init_app(app: Flask) -> None:
    """Install before the routes are added (the converter) and before every other hook (the gate)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)
