"""Public events: written by the services in the same transaction as the change they tell of, read
afterwards by the webhook sender and the digests. Nothing is delivered here.

A payload carries public data only (what the open API shows anyone): slugs, tracking numbers, titles
in both languages, addresses of pages. Never a person's name, address, mail or anything private.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.core.time import utcnow
from civic.notifications.models import Event, EventName


def emit(session: Session, name: EventName | str, payload: dict[str, Any], *,
         case_id: int | None = None, agency_id: int | None = None) -> Event:
    """Record that ``name`` happened, about ``case_id`` and/or ``agency_id``; the caller commits."""
    event = Event(name=str(EventName(name)), payload=payload, case_id=case_id, agency_id=agency_id,
                  occurred_at=utcnow())
    session.add(event)
    return event


def list_since(session: Session, since: datetime, until: datetime, *,
               case_ids: set[int] | None = None, agency_ids: set[int] | None = None,
               names: set[str] | None = None) -> list[Event]:
    """Events that occurred in [since, until), about one of the cases or agencies given, oldest first."""
    statement = select(Event).where(Event.occurred_at >= since, Event.occurred_at < until)
    about = []
    if case_ids:
        about.append(Event.case_id.in_(case_ids))
    if agency_ids:
        about.append(Event.agency_id.in_(agency_ids))
    if case_ids is not None or agency_ids is not None:
        if not about:
            return []
        condition = about[0]
        for other in about[1:]:
            condition = condition | other
        statement = statement.where(condition)
    if names:
        statement = statement.where(Event.name.in_(names))
    return list(session.scalars(statement.order_by(Event.occurred_at, Event.id)))
