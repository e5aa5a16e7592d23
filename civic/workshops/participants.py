"""The agency's work with the people signed up: attendance, messages, and the audit of exports.

Only the holding agency's staff; flushes, never commits; audit entries name ids, never people.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.time import TAIPEI, utcnow
from civic.workshops import emails, permissions, queries, seats
from civic.workshops.models import ACTIVE, SEATED, RegistrationStatus, Workshop
from civic.workshops.services import TEXT_MAX_LENGTH


def attendance_opens(workshop: Workshop) -> datetime:
    """Attendance can be taken from the start (Taipei time) of the workshop's day."""
    local = workshop.starts_at.astimezone(TAIPEI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@guarded(Permission.hold_workshops)
def record_attendance(session: Session, workshop: Workshop, attended_ids: set[int], *, actor: User,
                      now: datetime | None = None) -> tuple[int, int]:
    """Mark who came among those holding a seat; unmarked seated people are 'confirmed' again.

    Returns how many are marked as attended and how many changed.
    """
    if not permissions.can_manage(actor, workshop):
        raise PermissionDenied(_("Only the holding agency's staff can take attendance."))
    now = now or utcnow()
    if now < attendance_opens(workshop):
        raise Conflict(_("Attendance can be taken from the day of the workshop."), field="attended")
    locked = seats.lock_workshop(session, workshop.id)
    seated = queries.list_registrations_with(session, locked.id, SEATED)
    unknown = attended_ids - {r.id for r in seated}
    if unknown:
        raise DomainError(_("Only people holding a seat can be marked as attended."), field="attended")
    changed = 0
    for registration in seated:
        came = registration.id in attended_ids
        status = RegistrationStatus.attended if came else RegistrationStatus.confirmed
        if registration.status != status:
            registration.status = status
            registration.attended_at = now if came else None
            changed += 1
    session.flush()
    audit.record(session, "workshop.attendance_recorded", actor_id=actor.id, target_type="workshop",
                 target_id=locked.id, attended=len(attended_ids), changed=changed)
    return len(attended_ids), changed


AUDIENCES = {
    "confirmed": SEATED,
    "waitlisted": (RegistrationStatus.waitlisted,),
    "all": ACTIVE,
}


@guarded(Permission.hold_workshops)
def message_participants(session: Session, workshop: Workshop, *, actor: User, audience: str, subject: str,
                         body: str) -> int:
    """Mail the agency's message to the chosen participants through the outbox; return how many."""
    if not permissions.can_manage(actor, workshop):
        raise PermissionDenied(_("Only the holding agency's staff can write to participants."))
    if audience not in AUDIENCES:
        raise DomainError(_("Choose who gets the message."), field="audience")
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    if not subject:
        raise DomainError(_("Enter a subject."), field="subject")
    if len(subject) > 150:
        raise DomainError(_("Keep the subject under %(limit)d characters.", limit=150), field="subject")
    if not body:
        raise DomainError(_("Write something first."), field="body")
    if len(body) > TEXT_MAX_LENGTH:
        raise DomainError(_("Keep it under %(limit)d characters; yours has %(length)d.",
                            limit=TEXT_MAX_LENGTH, length=len(body)), field="body")
    people = queries.list_registrations_with(session, workshop.id, AUDIENCES[audience])
    if not any(person.email for person in people):
        raise Conflict(_("Nobody is signed up in that group."), field="audience")
    count = emails.messaged(session, workshop, people, subject=subject, body=body)
    audit.record(session, "workshop.messaged", actor_id=actor.id, target_type="workshop", target_id=workshop.id,
                 audience=audience, recipients=count)
    return count


@guarded(Permission.hold_workshops)
def record_export(session: Session, workshop: Workshop, *, actor: User) -> None:
    """Note in the audit trail that the attendee list left the site (personal data)."""
    if not permissions.can_manage(actor, workshop):
        raise PermissionDenied(_("Only the holding agency's staff can export the attendee list."))
    audit.record(session, "workshop.attendees_exported", actor_id=actor.id, target_type="workshop",
                 target_id=workshop.id)
