"""Seats: taking, giving back and passing on a workshop's seats, correct under concurrency.

Every change to a seat count is one conditional UPDATE of the workshop row. On PostgreSQL
that UPDATE holds the row's lock until commit, so concurrent sign-ups queue on it and each
re-checks ``confirmed_count < capacity`` against the count the previous one committed; on
SQLite, BEGIN IMMEDIATE (civic.core.db) lets one writer in at a time. Counting registrations
and then inserting one would overbook: a prototype put 37 to 52 people in 30 seats.

Whoever changes the status of an existing registration locks the workshop row first
(``lock_workshop``), so the waitlist cannot move under a promotion and the lock order is the
same everywhere (no deadlocks). Must not commit; callers own the transaction.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from civic.core.time import utcnow
from civic.workshops.models import Registration, RegistrationStatus, Workshop, WorkshopStatus

_COUNTS = ("confirmed_count", "waitlisted_count", "waitlist_serial", "updated_at")


def _forget_counts(session: Session, workshop: Workshop) -> None:
    """The UPDATEs below bypass the ORM: reload the counts on next access."""
    session.expire(workshop, list(_COUNTS))


def lock_workshop(session: Session, workshop_id: int) -> Workshop | None:
    """Lock the workshop row for the rest of the transaction and return it, freshly read."""
    return session.scalar(select(Workshop).where(Workshop.id == workshop_id)
                          .with_for_update().execution_options(populate_existing=True))


def take_seat(session: Session, workshop: Workshop) -> bool:
    """Take one free seat of a scheduled workshop; False when none is left (or it is cancelled)."""
    result = session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id, Workshop.status == WorkshopStatus.scheduled,
               Workshop.confirmed_count < Workshop.capacity)
        .values(confirmed_count=Workshop.confirmed_count + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    _forget_counts(session, workshop)
    return result.rowcount == 1


def join_waitlist(session: Session, workshop: Workshop) -> tuple[int, int] | None:
    """Put one more person on the waitlist: their waitlist number and place, or None if cancelled."""
    row = session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id, Workshop.status == WorkshopStatus.scheduled)
        .values(waitlisted_count=Workshop.waitlisted_count + 1, waitlist_serial=Workshop.waitlist_serial + 1,
                updated_at=utcnow())
        .returning(Workshop.waitlist_serial, Workshop.waitlisted_count)
        .execution_options(synchronize_session=False)).one_or_none()
    _forget_counts(session, workshop)
    return (row[0], row[1]) if row is not None else None


def _count_one_fewer(session: Session, workshop: Workshop, counter: str) -> None:
    """Lower one of the workshop's counters by one, in the database and never below zero."""
    column = getattr(Workshop, counter)
    session.execute(
        update(Workshop).where(Workshop.id == workshop.id, column > 0)
        .values({counter: column - 1, "updated_at": utcnow()})
        .execution_options(synchronize_session=False))
    _forget_counts(session, workshop)


def release_seat(session: Session, workshop: Workshop) -> None:
    """Give one seat back."""
    _count_one_fewer(session, workshop, "confirmed_count")


def leave_waitlist(session: Session, workshop: Workshop) -> None:
    """One person fewer on the waitlist."""
    _count_one_fewer(session, workshop, "waitlisted_count")


def first_waitlisted(session: Session, workshop: Workshop) -> Registration | None:
    return session.scalar(
        select(Registration)
        .where(Registration.workshop_id == workshop.id, Registration.status == RegistrationStatus.waitlisted)
        .order_by(Registration.position, Registration.id).limit(1))


def fill_from_waitlist(session: Session, workshop: Workshop) -> list[Registration]:
    """Give free seats to the first waitlisted people, in order; return those promoted.

    The caller holds the workshop's lock (``lock_workshop``).
    """
    promoted: list[Registration] = []
    now = utcnow()
    while True:
        candidate = first_waitlisted(session, workshop)
        if candidate is None or not take_seat(session, workshop):
            return promoted
        leave_waitlist(session, workshop)
        candidate.status = RegistrationStatus.confirmed
        candidate.confirmed_at = candidate.promoted_at = now
        session.flush()
        promoted.append(candidate)
