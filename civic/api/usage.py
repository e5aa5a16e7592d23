"""How often each address of the read API is asked for, day by day: counts only, never who asked nor
from where.

Counting must never slow or fail an API request. A GET under /api/v1 that was answered (a status
below 400) adds one to a count in this process's memory; once API_USAGE_FLUSH_SECONDS have passed,
the counts are written after the answer has gone out (when the response is closed), in a short
transaction of their own that adds them to the day's rows (INSERT ... ON CONFLICT DO UPDATE, on
SQLite and PostgreSQL alike), so every process and server adds up. An error while writing is logged
and those counts are dropped. Counts still in memory when a process ends are written on its way out.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask, current_app, request
from sqlalchemy import Integer, String, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.wrappers import Response

from civic.api.spec import openapi_path
from civic.core.db import Base
from civic.core.time import to_taipei, utcnow
from civic.extensions import db

logger = logging.getLogger(__name__)

PREFIX = "/api/v1/"
EXTENSION = "civic.api.usage"
# The days the /api page shows, today (in Taipei) included.
SHOWN_DAYS = 30


class ApiUsageDay(Base):
    """The requests one address of the read API answered on one day (a date in Taipei)."""

    __tablename__ = "api_usage_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    # The address as the OpenAPI document writes it: /api/v1/cases/{slug}.
    endpoint: Mapped[str] = mapped_column(String(200), primary_key=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)


class Tally:
    """This process's counts not yet written, by (day, address)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[date, str]] = Counter()
        self._written_at = time.monotonic()

    def add(self, day: date, endpoint: str) -> None:
        with self._lock:
            self._counts[(day, endpoint)] += 1

    def due(self, seconds: float) -> bool:
        with self._lock:
            return bool(self._counts) and time.monotonic() - self._written_at >= seconds

    def take(self) -> dict[tuple[date, str], int]:
        """The counts so far, leaving none behind."""
        with self._lock:
            counts, self._counts = dict(self._counts), Counter()
            self._written_at = time.monotonic()
        return counts


def tally(app: Flask) -> Tally:
    return app.extensions[EXTENSION]


def install(state) -> None:
    """Give the application its tally (a blueprint's ``record_once``); outside tests, what is left of it
    is written when the process ends."""
    app = state.app
    app.extensions[EXTENSION] = Tally()
    if not app.testing:
        atexit.register(flush, app)


def count(response: Response) -> Response:
    """Count a GET of the read API that was answered (``after_request``): a status below 400, a 304 "not
    modified" included; never a refusal or an error. Never fails the request, whatever goes wrong."""
    try:
        rule = request.url_rule
        if request.method == "GET" and rule is not None and rule.rule.startswith(PREFIX) \
                and response.status_code < 400:
            app = current_app._get_current_object()
            counts = tally(app)
            counts.add(to_taipei(utcnow()).date(), openapi_path(rule))
            if counts.due(float(app.config["API_USAGE_FLUSH_SECONDS"])):
                response.call_on_close(lambda: flush(app))
    except Exception:
        logger.exception("an API request was not counted")
    return response


def write(session: Session, counts: dict[tuple[date, str], int]) -> None:
    """Add ``counts`` to the stored ones. Rows go in a fixed order, so that two servers writing at once
    take their row locks in the same order."""
    rows = [{"day": day, "endpoint": endpoint, "requests": number}
            for (day, endpoint), number in sorted(counts.items())]
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ApiUsageDay).values(rows)
    session.execute(statement.on_conflict_do_update(
        index_elements=["day", "endpoint"], set_={"requests": ApiUsageDay.requests + statement.excluded.requests}))


def flush(app: Flask) -> None:
    """Write this process's counts in a transaction of their own; log and drop them on any error."""
    counts = tally(app).take()
    if not counts:
        return
    try:
        with app.app_context():
            try:
                write(db.session, counts)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
    except Exception:
        logger.exception("%d API usage counts were not written", sum(counts.values()))


# The figures on /api


@dataclass(frozen=True)
class EndpointUsage:
    endpoint: str
    total: int
    busiest_day: date
    busiest: int
    days: list[tuple[date, int]]


@dataclass(frozen=True)
class UsageFigures:
    first_day: date
    last_day: date
    endpoints: list[EndpointUsage]
    # Every day of the period with the requests of all addresses, the latest first.
    days: list[tuple[date, int]]
    total: int


def figures(session: Session, today: date, *, days: int = SHOWN_DAYS) -> UsageFigures:
    """Requests per address and per day over the ``days`` days to ``today``, busiest address first."""
    first = today - timedelta(days=days - 1)
    rows = session.execute(select(ApiUsageDay.day, ApiUsageDay.endpoint, ApiUsageDay.requests)
                           .where(ApiUsageDay.day >= first, ApiUsageDay.day <= today)
                           .order_by(ApiUsageDay.endpoint, ApiUsageDay.day.desc())).all()
    by_endpoint: dict[str, list[tuple[date, int]]] = {}
    by_day: Counter[date] = Counter()
    for day, endpoint, requests in rows:
        by_endpoint.setdefault(endpoint, []).append((day, requests))
        by_day[day] += requests
    usage = []
    for endpoint, counted in by_endpoint.items():
        busiest_day, busiest = max(counted, key=lambda item: (item[1], item[0]))
        usage.append(EndpointUsage(endpoint, sum(n for _, n in counted), busiest_day, busiest, counted))
    usage.sort(key=lambda item: (-item.total, item.endpoint))
    every_day = [(today - timedelta(days=offset), by_day[today - timedelta(days=offset)]) for offset in range(days)]
    return UsageFigures(first_day=first, last_day=today, endpoints=usage, days=every_day,
                        total=sum(by_day.values()))
