"""Workshops and the registrations for them.

Seat counts are kept on the workshop row and changed only by the conditional UPDATEs in
civic.workshops.seats; names, emails and phones live on registrations and nowhere else.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core.db import Base, TimestampMixin
from civic.core.time import utcnow


class WorkshopStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class RegistrationStatus(StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"
    attended = "attended"


# Registrations that hold a seat, and those that still count as signed up.
SEATED = (RegistrationStatus.confirmed, RegistrationStatus.attended)
ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted, RegistrationStatus.attended)


class Workshop(TimestampMixin, Base):
    """A participation workshop (公民參與工作坊) held by an agency, optionally about one case."""

    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        # The last line of defence against overbooking: no code path can commit more seats.
        CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity", name="seats_within_capacity"),
        CheckConstraint("waitlisted_count >= 0", name="waitlist_not_negative"),
        Index("ix_workshops_listing", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    signup_deadline_at: Mapped[datetime]
    # In person (an address) and/or online; the online link is for confirmed participants only.
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    accessibility: Mapped[str] = mapped_column(Text, default="")
    # Optional questions put to everyone who signs up, one per entry.
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=WorkshopStatus.scheduled)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # Seats held (confirmed or attended) and people waiting; see civic.workshops.seats.
    confirmed_count: Mapped[int] = mapped_column(default=0)
    waitlisted_count: Mapped[int] = mapped_column(default=0)
    # The last waitlist number handed out; each waitlisted registration gets the next one.
    waitlist_serial: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the attendees' personal data was deleted after the retention period.
    purged_at: Mapped[datetime | None]
    is_demo: Mapped[bool] = mapped_column(default=False)

    agency: Mapped[Agency] = relationship(lazy="raise")
    case: Mapped[Case | None] = relationship(lazy="raise")

    @property
    def is_cancelled(self) -> bool:
        return self.status == WorkshopStatus.cancelled

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now

    def is_past(self, now: datetime) -> bool:
        return self.ends_at <= now

    def is_open_for_signup(self, now: datetime) -> bool:
        return not self.is_cancelled and now < self.signup_deadline_at and now < self.starts_at


class Registration(Base):
    """One person's sign-up for a workshop. Personal data; purged after the retention period."""

    __tablename__ = "workshop_registrations"
    __table_args__ = (
        # One active sign-up per email and workshop, whatever concurrent requests do. Emails are
        # stored lower-cased; purged rows have no email, and NULLs never collide.
        Index("uq_workshop_registrations_active_email", "workshop_id", "email", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("ix_workshop_registrations_queue", "workshop_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    # E.164, e.g. +886912345678.
    phone: Mapped[str | None] = mapped_column(String(20))
    answers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The language the person signed up in; their mail is written in it.
    locale: Mapped[str] = mapped_column(String(16), default="zh_Hant_TW")
    status: Mapped[str] = mapped_column(String(16))
    # The waitlist number: the first waitlisted by position is promoted first.
    position: Mapped[int | None]
    # Secret in the person's links (manage, cancel, calendar); never logged.
    cancel_token: Mapped[str] = mapped_column(String(64), unique=True)
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    attended_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]

    workshop: Mapped[Workshop] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise")

    @property
    def holds_seat(self) -> bool:
        return self.status in SEATED

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

