"""Keyset pagination for the API: opaque cursors over (updated_at, id), stable under inserts.

A cursor is a position in that order, not a page number: rows added or changed while a bot walks
the list land after the rows it has not read yet (their updated_at is newer), so nothing is skipped
and no row is repeated within one walk. It holds no data of its own and needs no signature:
any well-formed cursor is just a position.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import request, url_for
from sqlalchemy import BigInteger, ColumnElement, Select, and_, literal, or_
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Sixteen bytes (microseconds since 1970 and the id, both unsigned) in unpadded base64url.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{22}$"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
# Rows of a second table merged into a list (``merge``) are keyed above every id an INTEGER primary
# key holds on PostgreSQL, so that two rows never share a position.
SECOND_TABLE = 2**31
_MAX_KEY = 2 * SECOND_TABLE - 1


@dataclass(frozen=True)
class Position:
    """Where a page ended: the last row's updated_at and id."""

    at: datetime
    id: int


@dataclass(frozen=True)
class Window:
    """What one list request asks for: how many, after which position, changed since when."""

    limit: int = DEFAULT_LIMIT
    after: Position | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class KeysetPage:
    rows: Sequence[Row[Any]]
    next: Position | None


def encode_cursor(position: Position) -> str:
    micros = (position.at - _EPOCH) // timedelta(microseconds=1)
    raw = struct.pack(">QQ", max(micros, 0), position.id)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(text: str) -> Position:
    """Read a cursor already checked against CURSOR_PATTERN; out-of-range parts are clamped."""
    micros, row_id = struct.unpack(">QQ", base64.urlsafe_b64decode(text + "=="))
    try:
        at = _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        at = _LATEST
    return Position(at=min(at, _LATEST), id=min(row_id, _MAX_KEY))


def clamp(moment: datetime) -> datetime:
    """``moment`` in UTC, or the earliest or latest time the databases store."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return _EARLIEST if moment.year < 2 else _LATEST


def keyset(session: Session, statement: Select, changed: ColumnElement[datetime], id_column: ColumnElement[int],
           window: Window) -> KeysetPage:
    """One page of ``statement`` in (changed, id) order; each row ends with those two values.

    ``updated_since`` is inclusive, so a bot that passes back the newest ``updated_at`` it saw
    misses nothing (it may see that one row again).
    """
    statement = statement.add_columns(changed, id_column)
    if window.since is not None:
        statement = statement.where(changed >= window.since)
    if window.after is not None:
        after = window.after
        # A BIGINT, since a position in a merged list may lie above every INTEGER id.
        after_id = literal(after.id, BigInteger())
        statement = statement.where(or_(changed > after.at, and_(changed == after.at, id_column > after_id)))
    rows = session.execute(statement.order_by(changed, id_column).limit(window.limit + 1)).all()
    if len(rows) <= window.limit:
        return KeysetPage(rows, None)
    rows = rows[:window.limit]
    return KeysetPage(rows, Position(at=rows[-1][-2], id=rows[-1][-1]))


def merge(pages: Sequence[KeysetPage], limit: int) -> KeysetPage:
    """One page of several lists read over the same window, in the one (changed, id) order.

    Each page holds the first ``limit`` rows of its list after the same position, so the first
    ``limit`` of them all are the first ``limit`` of the lists together.
    """
    rows = sorted((row for page in pages for row in page.rows), key=lambda row: (row[-2], row[-1]))
    if len(rows) <= limit and all(page.next is None for page in pages):
        return KeysetPage(rows, None)
    rows = rows[:limit]
    return KeysetPage(rows, Position(at=rows[-1][-2], id=rows[-1][-1]))


def next_url(position: Position | None) -> str | None:
    """The same request with the cursor of the next page, as an absolute URL."""
    if position is None:
        return None
    args = request.args.to_dict(flat=True)
    args["cursor"] = encode_cursor(position)
    return url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)
