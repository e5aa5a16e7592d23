"""Writing to the outbox. Callers flush in their own transaction; nothing is sent here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from civic.core.permissions import Actor, Permission, guarded
from civic.core.time import utcnow
from civic.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from civic.notifications.reasons import MailReason


def enqueue(
    session: Session, event: str, *, to: str, locale: str, context: dict[str, Any],
    because: MailReason | None = None, channel: OutboxChannel = OutboxChannel.mail,
) -> OutboxMessage:
    """Add a message for ``to`` to the outbox, to be sent after the caller commits.

    ``because`` says why this recipient gets it; the footer of the mail says so in their language.
    On the LINE channel ``to`` is a LINE user id.
    """
    if because is not None:
        context = {**context, "because": str(MailReason(because))}
    message = OutboxMessage(channel=str(OutboxChannel(channel)), event=event, to_address=to, locale=locale,
                            context=context)
    session.add(message)
    return message


def count_by_status(session: Session) -> dict[str, int]:
    """How many messages are pending, sending, sent and failed."""
    counts = dict.fromkeys(OutboxStatus, 0)
    for status, count in session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)):
        counts[OutboxStatus(status)] = count
    return {str(status): count for status, count in counts.items()}


def oldest_waiting(session: Session) -> datetime | None:
    """When the oldest message still waiting to be sent (pending or being sent) was written."""
    return session.scalar(select(func.min(OutboxMessage.created_at))
                          .where(OutboxMessage.status.in_([OutboxStatus.pending, OutboxStatus.sending])))


def list_failed(session: Session, limit: int = 100) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.failed)
                                .order_by(OutboxMessage.created_at.desc()).limit(limit)))


@guarded(Permission.send_notifications)
def retry_failed(session: Session, message_id: int | None = None, *, actor: Actor) -> int:
    """Put one failed message (or all) back in the queue with fresh attempts; return how many."""
    statement = (update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.failed)
                 .values(status=OutboxStatus.pending, attempts=0, next_attempt_at=utcnow())
                 .execution_options(synchronize_session=False))
    if message_id is not None:
        statement = statement.where(OutboxMessage.id == message_id)
    return session.execute(statement).rowcount or 0
