"""CSV downloads: one response for every CSV the site offers (see civic.core.spreadsheets)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, stream_with_context

from civic.core.spreadsheets import csv_text


def csv_response(rows: Iterable[Iterable[object]], filename: str, *, private: bool = False,
                 stream: bool = False) -> Response:
    """``rows`` (the header first) as a CSV attachment named ``filename``, written out at once or,
    for a long file read from the database as it goes (``stream``), in pieces; a file of personal
    data (``private``) is never kept by a browser or a proxy."""
    body = stream_with_context(csv_text(rows)) if stream else "".join(csv_text(rows))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response
