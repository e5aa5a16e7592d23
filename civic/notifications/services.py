"""Writing to the outbox. Callers flush in their own transaction; nothing is sent here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from civic.notifications.models import OutboxMessage


def enqueue(
    session: Session, event: str, *, to: str, locale: str, context: dict[str, Any]
) -> OutboxMessage:
    """Add a message for ``to`` to the outbox, to be sent after the caller commits."""
    message = OutboxMessage(event=event, to_address=to, locale=locale, context=context)
    session.add(message)
    return message
