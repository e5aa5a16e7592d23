"""A confidential report, the messages its reporter and its officers exchange, the officers' internal
notes, its attachments, and the counts kept after closed reports are deleted.

Everything a person wrote is encrypted at rest (``crypto``); the plain columns hold only what routing,
triage and the public yearly counts need: the agency, the case, the status, dates. No client address or
user agent is ever stored.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core.db import Base
from civic.core.time import utcnow
from civic.reports.crypto import EncryptedBytes, EncryptedText


class ReportStatus(StrEnum):
    received = "received"
    under_review = "under_review"
    referred = "referred"  # to the prosecutors
    closed = "closed"


class ConfidentialReport(Base):
    """One report of alleged wrongdoing about a case or an agency, filed without an account."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("status IN ('received', 'under_review', 'referred', 'closed')", name="status_known"),
        # A closed report says why; only a closed one has a closing date.
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_with_date"),
        Index("ix_reports_agency_id_status", "agency_id", "status"),
        Index("ix_reports_status_closed_at", "status", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the reporter keeps, with the passphrase (of which only an argon2 hash is stored).
    receipt: Mapped[str] = mapped_column(String(16), unique=True)
    passphrase_hash: Mapped[str] = mapped_column(String(255))
    # The hash of the token of the form it came from: the same form sent again files nothing new.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The agency the report concerns: the case's agency, or the one the reporter named; none when
    # the reporter named neither (then only the authority's officers read it).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    # Kept from the agency's own integrity unit: the reporter asked so, or it concerns that unit.
    withheld_from_agency: Mapped[bool] = mapped_column(default=False)
    concerns_integrity_unit: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.received)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The year it was received, in Taiwan's time: the public counts group by it.
    year: Mapped[int] = mapped_column(Integer, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]

    # What the reporter wrote, and the officers' reason for closing: encrypted.
    what: Mapped[str] = mapped_column(EncryptedText)
    who: Mapped[str | None] = mapped_column(EncryptedText)
    when: Mapped[str | None] = mapped_column(EncryptedText)
    how_known: Mapped[str | None] = mapped_column(EncryptedText)
    closed_reason: Mapped[str | None] = mapped_column(EncryptedText)

    agency: Mapped[Agency | None] = relationship(lazy="raise")
    case: Mapped[Case | None] = relationship(lazy="raise")
    assigned_to: Mapped[User | None] = relationship(lazy="raise")
    messages: Mapped[list[ReportMessage]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True, lazy="raise",
        order_by="ReportMessage.id")
    notes: Mapped[list[ReportNote]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True, lazy="raise",
        order_by="ReportNote.id")
    attachments: Mapped[list[ReportAttachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True, lazy="raise",
        order_by="ReportAttachment.id")

    @property
    def is_closed(self) -> bool:
        return self.status == ReportStatus.closed

    @property
    def routed_to_agency(self) -> bool:
        """Whether the agency's own integrity officers read it besides the authority's."""
        return self.agency_id is not None and not self.withheld_from_agency and not self.concerns_integrity_unit


class ReportMessage(Base):
    """A message between the reporter (through the status page) and the report's officers."""

    __tablename__ = "report_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    # None: the reporter wrote it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_reporter: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(EncryptedText)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[ConfidentialReport] = relationship(back_populates="messages", lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")


class ReportNote(Base):
    """An officer's internal note: never shown to the reporter."""

    __tablename__ = "report_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(EncryptedText)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[ConfidentialReport] = relationship(back_populates="notes", lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")


class ReportAttachment(Base):
    """A file the reporter attached: its type read from the content, images re-encoded without their
    metadata, name and content encrypted."""

    __tablename__ = "report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(EncryptedText)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(EncryptedBytes))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[ConfidentialReport] = relationship(back_populates="attachments", lazy="raise")


class ReportTally(Base):
    """How many reports of an agency, received in a year, were deleted at which status: what stays of
    them after the retention period, so the public yearly counts do not shrink."""

    __tablename__ = "report_tallies"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "status"),
        CheckConstraint("status IN ('received', 'under_review', 'referred', 'closed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReportNotice(Base):
    """The authority's text on the report page: what happens next, who reads a report and the protections
    the law gives reporters, in both languages. Each edit is a new row; the newest is shown."""

    __tablename__ = "report_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)
