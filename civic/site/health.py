"""How the service is: the database, the shared stores (rate limits, page copies), the mail outbox and
the bulk files. One home for the checks that /healthz answers to machines and /status to people;
it says what works, never an address, a name of a server or a secret.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from civic.api import bulk_files
from civic.core.time import utcnow
from civic.extensions import limiter
from civic.notifications import services as outbox
from civic.web import page_cache

# The mail worker runs every few seconds: a message waiting longer than this is late.
MAIL_LATE_AFTER = timedelta(minutes=15)
# `exports build --watch` rebuilds a minute or so after the data goes quiet: a change that has
# waited longer than this means the builder is not running.
BULK_FILES_LATE_AFTER = timedelta(minutes=30)


class State(StrEnum):
    ok = "ok"
    degraded = "degraded"
    unavailable = "unavailable"


@dataclass(frozen=True)
class Mail:
    waiting: int
    failed: int
    oldest_waiting_since: datetime | None

    @property
    def is_late(self) -> bool:
        return self.oldest_waiting_since is not None and utcnow() - self.oldest_waiting_since > MAIL_LATE_AFTER


@dataclass(frozen=True)
class BulkFiles:
    built_at: datetime | None
    changed_at: datetime | None

    @property
    def is_late(self) -> bool:
        return self.built_at is None or (self.changed_at is not None
                                         and utcnow() - self.changed_at > BULK_FILES_LATE_AFTER)


@dataclass(frozen=True)
class Health:
    """What was checked at ``checked_at``. ``mail`` and ``bulk_files`` are None when not asked for or
    when the database is away; ``bulk_files`` also when this site builds none (the API streams them)."""

    checked_at: datetime
    database: bool
    rate_limits: bool
    page_cache: bool
    mail: Mail | None = None
    bulk_files: BulkFiles | None = None

    @property
    def serving(self) -> State:
        """What a load balancer needs: the site serves while the database answers; without the shared
        store the rate limits count per process and the shared page copies are skipped (degraded)."""
        if not self.database:
            return State.unavailable
        return State.ok if self.rate_limits and self.page_cache else State.degraded

    @property
    def state(self) -> State:
        """The whole service: also late mail or bulk files make it degraded."""
        late = any(part is not None and part.is_late for part in (self.mail, self.bulk_files))
        return State.degraded if self.serving == State.ok and late else self.serving


def check(session: Session, *, in_full: bool = False) -> Health:
    """Check the database and the shared stores; ``in_full`` also the mail outbox and the bulk files.
    A fixed number of queries, none of which writes."""
    checked_at = utcnow()
    try:
        session.execute(text("SELECT 1"))
    except DBAPIError:
        session.rollback()
        return Health(checked_at, database=False, rate_limits=_limiter_reachable(),
                      page_cache=page_cache.reachable())
    health = Health(checked_at, database=True, rate_limits=_limiter_reachable(), page_cache=page_cache.reachable())
    if not in_full:
        return health
    counts = outbox.count_by_status(session)
    mail = Mail(waiting=counts["pending"] + counts["sending"], failed=counts["failed"],
                oldest_waiting_since=outbox.oldest_waiting(session))
    where = bulk_files.folder()
    fresh = bulk_files.freshness(where) if where is not None else None
    return replace(health, mail=mail, bulk_files=fresh and BulkFiles(fresh.built_at, fresh.changed_at))


def _limiter_reachable() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # any failure of the store means it is not there
        return False
