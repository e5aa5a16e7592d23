"""The audit trail: who did what to which object, when. Rows are written, never edited or
deleted: nothing here updates or deletes one, and on PostgreSQL a trigger refuses it (revision
a7b8c9d0e1f2); only the actor of a deleted account becomes NULL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from civic.core.db import Base, within
from civic.core.time import utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The user who acted; None for the system (a command, a scheduled job).
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# How much of a browser's User-Agent a security event keeps.
AGENT_LENGTH = 200


@dataclass(frozen=True)
class Origin:
    """Where a security event came from: the client's address and its browser's User-Agent.

    The web layer builds it from the request; services add it to the event's details.
    """

    address: str | None
    agent: str

    @classmethod
    def of(cls, address: str | None, agent: str | None) -> Origin:
        """Keep the printable part of ``agent``, cut to AGENT_LENGTH characters."""
        printable = "".join(char for char in agent or "" if char.isprintable())
        return cls(address=address, agent=printable[:AGENT_LENGTH])

    def as_details(self) -> dict[str, str | None]:
        return {"address": self.address, "agent": self.agent}


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None,
    target_type: str,
    target_id: object,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to ``session``; it commits with the change it describes.

    ``details`` must not contain emails, phones or tokens: the trail is read by many.
    """
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=str(target_id),
        details=details,
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(filters: AuditFilters):
    statement = select(AuditEntry)
    if filters.actor_id is not None:
        statement = statement.where(AuditEntry.actor_id == filters.actor_id)
    if filters.action:
        statement = statement.where(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.target_type:
        statement = statement.where(AuditEntry.target_type == filters.target_type)
    if filters.target_id:
        statement = statement.where(AuditEntry.target_id == filters.target_id)
    return within(statement, AuditEntry.created_at, filters.since, filters.until)


def list_entries(session: Session, filters: AuditFilters, *, page: int, per_page: int = 50
                 ) -> tuple[list[AuditEntry], int]:
    """One page of the trail, newest first, and how many entries match."""
    statement = _filtered(filters)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total


def iter_batches(session: Session, filters: AuditFilters, batch: int = 1000) -> Iterator[list[AuditEntry]]:
    """Every matching entry, oldest first, in batches so an export stays in bounded memory.

    The session is cleared before the next batch is read: use a batch before asking for the next.
    """
    last_id = 0
    while True:
        rows = list(session.scalars(_filtered(filters).where(AuditEntry.id > last_id)
                                    .order_by(AuditEntry.id).limit(batch)))
        if not rows:
            return
        yield rows
        last_id = rows[-1].id
        session.expunge_all()
