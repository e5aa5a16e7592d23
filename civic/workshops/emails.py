"""Workshop mail: who hears about what. Recipients and a small context; rendering is elsewhere.

The online link goes only into mail for people who hold a seat. Every mail to a participant
carries their own link (the registration's secret token) to see, cancel or add it to a calendar.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue
from civic.workshops.models import Registration, Workshop


def _workshop_context(session: Session, workshop: Workshop, *, with_online_link: bool) -> dict:
    agency = session.get(Agency, workshop.agency_id)
    return {
        "workshop_id": workshop.id,
        "title": workshop.title,
        "agency": agency.name_zh if agency else "",
        "agency_en": (agency.name_en or agency.name_zh) if agency else "",
        "starts_at": workshop.starts_at.isoformat(),
        "ends_at": workshop.ends_at.isoformat(),
        "location": workshop.location,
        "online_url": workshop.online_url if with_online_link else "",
        "has_online": bool(workshop.online_url),
        "accessibility": workshop.accessibility,
    }


def _locale(session: Session, registration: Registration) -> str:
    """The language of the person's account if they signed up signed in, else the one they signed up in."""
    user = session.get(User, registration.user_id) if registration.user_id else None
    return user.locale if user is not None else registration.locale


def _send(session: Session, event: str, workshop: Workshop, registration: Registration, **extra) -> None:
    if not registration.email:
        return
    seated = registration.holds_seat
    context = _workshop_context(session, workshop, with_online_link=seated)
    context.update(name=registration.name or "", token=registration.cancel_token, **extra)
    enqueue(session, event, to=registration.email, locale=_locale(session, registration), context=context,
            because=MailReason.workshop_registration)


def confirmed(session: Session, workshop: Workshop, registration: Registration) -> None:
    """The person has a seat: the details, the online link, their cancel and calendar links."""
    _send(session, "workshops.confirmed", workshop, registration)


def waitlisted(session: Session, workshop: Workshop, registration: Registration, place: int) -> None:
    """The workshop is full: the person is on the waitlist at ``place``."""
    _send(session, "workshops.waitlisted", workshop, registration, place=place)


def promoted(session: Session, workshop: Workshop, registration: Registration) -> None:
    """A seat came free and is now the person's."""
    _send(session, "workshops.promoted", workshop, registration)


def registration_cancelled(session: Session, workshop: Workshop, registration: Registration) -> None:
    """A receipt for the person whose registration was cancelled."""
    _send(session, "workshops.registration_cancelled", workshop, registration)


def reminded(session: Session, workshop: Workshop, registration: Registration) -> None:
    """The day before: when, where, the online link, how to cancel."""
    _send(session, "workshops.reminded", workshop, registration)


def workshop_cancelled(session: Session, workshop: Workshop, registrations: Iterable[Registration]) -> None:
    """Everyone signed up (seated or waiting) hears that the workshop will not take place."""
    for registration in registrations:
        _send(session, "workshops.cancelled", workshop, registration, reason=workshop.cancel_reason)


def changed(session: Session, workshop: Workshop, registrations: Iterable[Registration]) -> None:
    """Everyone signed up hears of a new time or place."""
    for registration in registrations:
        _send(session, "workshops.changed", workshop, registration)


def messaged(session: Session, workshop: Workshop, registrations: Iterable[Registration], *, subject: str,
             body: str) -> int:
    """The agency's own message to participants; return how many were queued."""
    count = 0
    for registration in registrations:
        if registration.email:
            _send(session, "workshops.messaged", workshop, registration, subject=subject, body=body)
            count += 1
    return count
