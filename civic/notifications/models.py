"""OutboxMessage: one mail to one address, rendered and sent later by ``mail send``; or, on the LINE
channel, one message to one LINE account, sent by ``line send`` (civic.integrations.line)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civic.core.db import Base
from civic.core.time import utcnow


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class OutboxChannel(StrEnum):
    """How a message travels: each channel has its own worker, which claims only its own rows."""

    mail = "mail"
    line = "line"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "channel", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Mail goes to ``to_address``; a LINE message to the LINE user id held there instead.
    channel: Mapped[str] = mapped_column(String(16), default=OutboxChannel.mail, server_default="mail")
    # The mail's event, naming its template folder: "accounts.registered" ->
    # templates/accounts/email/registered/.
    event: Mapped[str] = mapped_column(String(64))
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(16))
    # What the templates need: small, JSON-serialisable, may hold a one-time link.
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]


class EventName(StrEnum):
    """Something public that happened, as webhooks, digests and bots are told of it."""

    case_changed = "case.changed"
    answer_published = "answer.published"
    comment_posted = "comment.posted"
    feedback_overdue = "feedback.overdue"
    workshop_opened = "workshop.opened"
    pledge_signed = "pledge.signed"
    pledge_withdrawn = "pledge.withdrawn"


class Event(Base):
    """One public event, written in the same transaction as the change it tells of.

    Webhook deliveries and digests are made from these rows afterwards, never inside a request.
    ``payload`` holds public data only: what the open API would show anyone.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_waiting", "fanned_out_at", "id"),
        Index("ix_events_case_occurred", "case_id", "occurred_at"),
        Index("ix_events_agency_occurred", "agency_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    # What the event is about, for filters; plain numbers, since a record is never deleted.
    case_id: Mapped[int | None]
    agency_id: Mapped[int | None]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # When the webhook sender turned the event into deliveries; None while it waits.
    fanned_out_at: Mapped[datetime | None]
