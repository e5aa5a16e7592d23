"""Downloads: bodies streamed as they are read, and one response for every CSV the site offers
(see civic.core.spreadsheets)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

from civic.core.spreadsheets import csv_text


def streamed(chunks: Iterator[str], mimetype: str, *, filename: str | None = None) -> Response:
    """A body written while it is read from the database, so memory stays bounded."""
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Iterable[object]], filename: str, *, private: bool = False,
                 stream: bool = False) -> Response:
    """``rows`` (the header first) as a CSV attachment named ``filename``, written out at once or,
    for a long file read from the database as it goes (``stream``), in pieces; a file of personal
    data (``private``) is never kept by a browser or a proxy."""
    if stream:
        response = streamed(csv_text(rows), "text/csv", filename=filename)
    else:
        response = Response("".join(csv_text(rows)), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response
