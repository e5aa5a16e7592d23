"""Every change to workshops and registrations: holding, editing and cancelling workshops;
signing up, the waitlist, cancelling, reminders. (Attendance and messages: participants.py;
the purge after the retention period: retention.py.)

Flushes, never commits. Seat counts change only through civic.workshops.seats. Logs and audit
entries name ids, never names, emails, phones or tokens.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.cases.public_events import case_summary, public_url
from civic.cases.queries import get_case_with_parts
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.text import render_markdown
from civic.core.time import isoformat, utcnow
from civic.notifications import events
from civic.notifications.models import EventName
from civic.workshops import emails, permissions, queries, seats
from civic.workshops.models import ACTIVE, Registration, RegistrationStatus, Workshop, WorkshopStatus
from civic.workshops.phones import to_e164

log = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 100
ANSWER_MAX_LENGTH = 1000
MAX_CAPACITY = 5000
MAX_QUESTIONS = 5
MAX_DURATION = timedelta(days=7)
# Reminders go to confirmed people of workshops starting within this time.
REMINDER_AHEAD = timedelta(hours=24)


def new_token() -> str:
    """A secret for a person's links: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


# Workshops


@dataclass
class WorkshopInput:
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    capacity: int | None
    location: str = ""
    online_url: str = ""
    description: str = ""
    case_slug: str | None = None
    signup_deadline_at: datetime | None = None
    accessibility: str = ""
    questions: list[str] = field(default_factory=list)


@dataclass
class _Checked:
    title: str
    starts_at: datetime
    ends_at: datetime
    signup_deadline_at: datetime
    capacity: int
    location: str
    online_url: str
    description: str
    case: Case | None
    accessibility: str
    questions: list[str]


def workshop_errors(data: WorkshopInput, *, now: datetime, existing: Workshop | None = None) -> list[DomainError]:
    """Every rule a workshop's own fields break, the first per field, in the order of the form: a
    title; a start in the future (unless it stays as it was); an end after the start, at most
    MAX_DURATION later; sign-ups closing by the start; 1 to MAX_CAPACITY seats and no fewer than
    are taken; an address, a web link, or both; short texts; at most MAX_QUESTIONS questions.

    The one statement of these rules: the staff form shows them all at once, and the services
    refuse with the first (the case is checked there, against the database).
    """
    errors: list[DomainError] = []
    title = (data.title or "").strip()
    if not title:
        errors.append(DomainError(_("Enter the workshop's title."), field="title"))
    elif len(title) > TITLE_MAX_LENGTH:
        errors.append(DomainError(_("Keep the title under %(limit)d characters.", limit=TITLE_MAX_LENGTH),
                                  field="title"))
    starts_at, ends_at = data.starts_at, data.ends_at
    if starts_at is None:
        errors.append(DomainError(_("Enter when the workshop starts."), field="starts_at"))
    elif (existing is None or existing.starts_at != starts_at) and starts_at <= now:
        errors.append(DomainError(_("The workshop must start in the future."), field="starts_at"))
    if ends_at is None:
        errors.append(DomainError(_("Enter when the workshop ends."), field="ends_at"))
    elif starts_at is not None and ends_at <= starts_at:
        errors.append(DomainError(_("The workshop must end after it starts."), field="ends_at"))
    elif starts_at is not None and ends_at - starts_at > MAX_DURATION:
        errors.append(DomainError(_("A workshop can last at most seven days."), field="ends_at"))
    if starts_at is not None and data.signup_deadline_at is not None and data.signup_deadline_at > starts_at:
        errors.append(DomainError(_("Sign-ups must close before the workshop starts."), field="signup_deadline"))
    capacity = data.capacity
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        errors.append(DomainError(_("Enter the number of seats, from 1 to %(limit)d.", limit=MAX_CAPACITY),
                                  field="capacity"))
    elif existing is not None and capacity < existing.confirmed_count:
        errors.append(Conflict(ngettext(
            "%(num)d person already holds a seat; the workshop cannot have fewer seats than that.",
            "%(num)d people already hold a seat; the workshop cannot have fewer seats than that.",
            existing.confirmed_count), field="capacity"))
    location = (data.location or "").strip()
    online_url = (data.online_url or "").strip()
    if len(location) > 300:
        errors.append(DomainError(_("Keep the address under %(limit)d characters.", limit=300), field="location"))
    elif not location and not online_url:
        errors.append(DomainError(_("Enter the address, the online link, or both."), field="location"))
    if online_url:
        parts = urlsplit(online_url)
        if parts.scheme not in ("https", "http") or not parts.netloc or len(online_url) > 500:
            errors.append(DomainError(_("Enter the online link as a full web address starting with https://."),
                                      field="online_url"))
    for text, name in (((data.description or "").strip(), "description"),
                       ((data.accessibility or "").strip(), "accessibility")):
        if len(text) > TEXT_MAX_LENGTH:
            errors.append(DomainError(_("Keep it under %(limit)d characters; yours has %(length)d.",
                                        limit=TEXT_MAX_LENGTH, length=len(text)), field=name))
    questions = [q.strip() for q in data.questions if q and q.strip()]
    # The form's box holds one question a line: a question with a line break could not go back in it.
    if len(questions) > MAX_QUESTIONS or any(len(q) > 300 or len(q.splitlines()) > 1 for q in questions):
        errors.append(DomainError(_("Ask at most %(count)d questions, one per line, each under 300 characters.",
                                    count=MAX_QUESTIONS), field="questions"))
    return errors


def _check_workshop(session: Session, data: WorkshopInput, *, agency_id: int, now: datetime,
                    existing: Workshop | None = None) -> _Checked:
    errors = workshop_errors(data, now=now, existing=existing)
    if errors:
        raise errors[0]
    case = None
    if data.case_slug:
        case = get_case_with_parts(session, data.case_slug)
        if case is None or not case.is_published or case.agency_id != agency_id:
            raise DomainError(_("Choose one of your agency's published cases."), field="case")
    return _Checked(data.title.strip(), data.starts_at, data.ends_at, data.signup_deadline_at or data.starts_at,
                    data.capacity, (data.location or "").strip(), (data.online_url or "").strip(),
                    (data.description or "").strip(), case, (data.accessibility or "").strip(),
                    [q.strip() for q in data.questions if q and q.strip()])


@guarded(Permission.hold_workshops)
def create_workshop(session: Session, data: WorkshopInput, *, actor: User, now: datetime | None = None,
                    is_demo: bool = False) -> Workshop:
    """Hold a workshop for the actor's agency."""
    if not permissions.can_create(actor):
        raise PermissionDenied(_("Only agency staff can hold workshops."))
    checked = _check_workshop(session, data, agency_id=actor.agency_id, now=now or utcnow())
    workshop = Workshop(
        agency_id=actor.agency_id, case_id=checked.case.id if checked.case else None, title=checked.title,
        description=checked.description, description_html=render_markdown(checked.description),
        starts_at=checked.starts_at, ends_at=checked.ends_at, signup_deadline_at=checked.signup_deadline_at,
        location=checked.location, online_url=checked.online_url, capacity=checked.capacity,
        accessibility=checked.accessibility, questions=checked.questions, created_by_id=actor.id,
        status=WorkshopStatus.scheduled, confirmed_count=0, waitlisted_count=0, waitlist_serial=0,
        is_demo=is_demo)
    session.add(workshop)
    session.flush()
    audit.record(session, "workshop.created", actor_id=actor.id, target_type="workshop", target_id=workshop.id,
                 capacity=workshop.capacity)
    _tell_opened(session, workshop, checked.case)
    return workshop


def _tell_opened(session: Session, workshop: Workshop, case: Case | None) -> None:
    """Record the public event of a workshop open for sign-up: what its public page shows, never the
    online link (for confirmed participants only) nor anyone signed up."""
    agency = session.get(Agency, workshop.agency_id)
    summary = case_summary(session, case) if case is not None and case.is_published else None
    about = {
        "id": workshop.id,
        "title": workshop.title,
        "starts_at": isoformat(workshop.starts_at),
        "ends_at": isoformat(workshop.ends_at),
        "signup_deadline_at": isoformat(workshop.signup_deadline_at),
        "location": workshop.location,
        "online": workshop.is_online,
        "capacity": workshop.capacity,
        "seats_left": workshop.seats_left,
        "url": public_url("workshops.detail", workshop_id=workshop.id),
        "api_url": public_url("api.workshop", workshop_id=workshop.id),
    }
    # The workshop's own fields under "workshop", and, as first written, at the top level too.
    events.emit(session, EventName.workshop_opened, {
        **about,
        "case": summary,
        "slug": summary["slug"] if summary else None,
        "agency": agency.code if agency else None,
        "workshop": about,
    }, case_id=workshop.case_id, agency_id=workshop.agency_id)


@guarded(Permission.hold_workshops)
def update_workshop(session: Session, workshop: Workshop, data: WorkshopInput, *, actor: User,
                    now: datetime | None = None) -> list[Registration]:
    """Change a workshop. More seats go to the waitlist in order; fewer than are taken is refused.

    Everyone signed up hears of a new time or place. Returns the people promoted.
    """
    if not permissions.can_manage(actor, workshop):
        raise PermissionDenied(_("Only the holding agency's staff can change this workshop."))
    if workshop.is_cancelled:
        raise Conflict(_("This workshop has been cancelled."), field="title")
    locked = seats.lock_workshop(session, workshop.id)
    checked = _check_workshop(session, data, agency_id=workshop.agency_id, now=now or utcnow(), existing=locked)
    moved = (checked.starts_at, checked.ends_at, checked.location, checked.online_url) != (
        locked.starts_at, locked.ends_at, locked.location, locked.online_url)
    rescheduled = checked.starts_at != locked.starts_at
    locked.title = checked.title
    locked.description = checked.description
    locked.description_html = render_markdown(checked.description)
    locked.starts_at, locked.ends_at = checked.starts_at, checked.ends_at
    locked.signup_deadline_at = checked.signup_deadline_at
    locked.location, locked.online_url = checked.location, checked.online_url
    locked.capacity = checked.capacity
    locked.accessibility = checked.accessibility
    locked.questions = checked.questions
    locked.case_id = checked.case.id if checked.case else None
    session.flush()
    promoted = seats.fill_from_waitlist(session, locked)
    for registration in promoted:
        emails.promoted(session, locked, registration)
    if rescheduled:
        # A new day means a new reminder.
        session.execute(update(Registration).where(Registration.workshop_id == locked.id)
                        .values(reminded_at=None).execution_options(synchronize_session=False))
    if moved:
        emails.changed(session, locked, queries.list_registrations_with(session, locked.id, ACTIVE))
    audit.record(session, "workshop.updated", actor_id=actor.id, target_type="workshop", target_id=locked.id,
                 capacity=locked.capacity, promoted=len(promoted), moved=moved)
    return promoted


@guarded(Permission.hold_workshops)
def cancel_workshop(session: Session, workshop: Workshop, *, actor: User, reason: str) -> int:
    """Call the workshop off with a reason; everyone signed up is told. Returns how many."""
    if not permissions.can_manage(actor, workshop):
        raise PermissionDenied(_("Only the holding agency's staff can cancel this workshop."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the workshop is cancelled; everyone signed up will read it."),
                          field="reason")
    if len(reason) > 2000:
        raise DomainError(_("Keep it under %(limit)d characters; yours has %(length)d.",
                            limit=2000, length=len(reason)), field="reason")
    locked = seats.lock_workshop(session, workshop.id)
    if locked.is_cancelled:
        raise Conflict(_("This workshop has already been cancelled."), field="reason")
    if locked.is_past(utcnow()):
        raise Conflict(_("This workshop has already taken place."), field="reason")
    locked.status = WorkshopStatus.cancelled
    locked.cancelled_at = utcnow()
    locked.cancel_reason = reason
    session.flush()
    people = queries.list_registrations_with(session, locked.id, ACTIVE)
    emails.workshop_cancelled(session, locked, people)
    audit.record(session, "workshop.cancelled", actor_id=actor.id, target_type="workshop", target_id=locked.id,
                 told=len(people))
    return len(people)


# Signing up


@dataclass
class SignupInput:
    name: str
    email: str
    phone: str
    consent: bool
    answers: list[str] = field(default_factory=list)


@dataclass
class SignupResult:
    registration: Registration
    # Place on the waitlist when waitlisted (1 is next in line).
    place: int | None = None

    @property
    def is_confirmed(self) -> bool:
        return self.registration.status == RegistrationStatus.confirmed


def _signup_email(raw: str | None) -> str | None:
    """The address as stored (normalized, lower case), or None when it is not one."""
    try:
        email = validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
    return email if len(email) <= 254 else None


def signup_errors(data: SignupInput, workshop: Workshop) -> list[DomainError]:
    """Every rule a sign-up's fields break, the first per field, in the order of the form: a name
    of at most NAME_MAX_LENGTH characters, an email address, a phone number that can be called,
    consent to the use of the data, and answers of at most ANSWER_MAX_LENGTH characters.

    The one statement of these rules: the sign-up form shows them all at once, ``sign_up``
    refuses with the first.
    """
    errors: list[DomainError] = []
    name = " ".join((data.name or "").split())
    if not name:
        errors.append(DomainError(_("Enter your name."), field="name"))
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(DomainError(_("Keep your name under %(limit)d characters.", limit=NAME_MAX_LENGTH),
                                  field="name"))
    if _signup_email(data.email) is None:
        errors.append(DomainError(_("Enter an email address in the right format, like name@example.tw."),
                                  field="email"))
    if to_e164(data.phone) is None:
        errors.append(DomainError(_("Enter a phone number we can call, like 0912 345 678 or +886 2 2345 6789."),
                                  field="phone"))
    if not data.consent:
        errors.append(DomainError(_("To sign up, agree to the use of your data as described."), field="consent"))
    answers = [(a or "").strip() for a in data.answers][:len(workshop.questions)]
    for index, answer in enumerate(answers):
        if len(answer) > ANSWER_MAX_LENGTH:
            errors.append(DomainError(_("Keep each answer under %(limit)d characters.", limit=ANSWER_MAX_LENGTH),
                                      field=f"answer_{index}"))
    return errors


def _check_signup(data: SignupInput, workshop: Workshop) -> tuple[str, str, str, list[str]]:
    errors = signup_errors(data, workshop)
    if errors:
        raise errors[0]
    answers = [(a or "").strip() for a in data.answers][:len(workshop.questions)]
    return " ".join(data.name.split()), _signup_email(data.email), to_e164(data.phone), answers


def _duplicate() -> Conflict:
    return Conflict(_("This email address is already signed up for this workshop. The confirmation mail has "
                      "a link to see or cancel the registration."), field="email")


def sign_up(session: Session, workshop: Workshop, data: SignupInput, *, user: User | None = None,
            locale: str = "zh_Hant_TW", now: datetime | None = None) -> SignupResult:
    """Sign someone up: a seat when one is free, else the next place on the waitlist.

    One active registration per email and workshop: a second one is refused politely, also
    when both arrive at the same moment (the unique index decides). Mail goes out with the
    person's own link to see, cancel or add the workshop to a calendar.
    """
    if user is not None and not permissions.can_sign_up(user):
        raise PermissionDenied(_("This account cannot sign up."))
    now = now or utcnow()
    if workshop.is_cancelled:
        raise Conflict(_("This workshop has been cancelled."), field="name")
    if not workshop.is_open_for_signup(now):
        raise Conflict(_("Sign-ups for this workshop have closed."), field="name")
    name, email, phone, answers = _check_signup(data, workshop)
    if queries.get_active_registration(session, workshop.id, email) is not None:
        raise _duplicate()
    registration = Registration(
        workshop_id=workshop.id, user_id=user.id if user is not None else None, name=name, email=email,
        phone=phone, answers=answers, locale=locale, status=RegistrationStatus.waitlisted,
        cancel_token=new_token(), consented_at=now, created_at=now)
    place = None
    try:
        # One SAVEPOINT for the row and the seat: a refusal leaves nothing behind, whatever the
        # caller does next. The row goes in first, so a concurrent twin fails on the unique index
        # before it ever waits for the workshop row's lock.
        with session.begin_nested():
            session.add(registration)
            session.flush()
            if seats.take_seat(session, workshop):
                registration.status = RegistrationStatus.confirmed
                registration.confirmed_at = now
            else:
                queued = seats.join_waitlist(session, workshop)
                if queued is None:
                    raise Conflict(_("This workshop has been cancelled."), field="name")
                registration.position, place = queued
            session.flush()
    except IntegrityError:
        if queries.get_active_registration(session, workshop.id, email) is not None:
            raise _duplicate() from None
        raise
    if registration.status == RegistrationStatus.confirmed:
        emails.confirmed(session, workshop, registration)
    else:
        emails.waitlisted(session, workshop, registration, place)
    log.info("workshop %s: registration %s %s", workshop.id, registration.id, registration.status)
    return SignupResult(registration, place)


def cancel_registration(session: Session, registration: Registration, *, actor: User | None = None,
                        now: datetime | None = None) -> list[Registration]:
    """Cancel a sign-up (by its person through their link or, signed in, from their activity page;
    or by the agency's staff).

    A freed seat goes to the first person on the waitlist, who is told. Returns those promoted.
    """
    workshop = seats.lock_workshop(session, registration.workshop_id)
    if actor is not None and not permissions.can_cancel_registration(actor, registration, workshop):
        raise PermissionDenied(_("Only the holding agency's staff can cancel someone else's registration."))
    now = now or utcnow()
    session.refresh(registration, ["status", "cancelled_at", "attended_at"])
    if registration.status == RegistrationStatus.cancelled:
        raise Conflict(_("This registration has already been cancelled."), field="registration")
    if registration.status == RegistrationStatus.attended or workshop.has_started(now):
        raise Conflict(_("The workshop has already started; the registration can no longer be cancelled."),
                       field="registration")
    was_seated = registration.holds_seat
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = now
    session.flush()
    promoted: list[Registration] = []
    if was_seated:
        seats.release_seat(session, workshop)
        if not workshop.is_cancelled:
            promoted = seats.fill_from_waitlist(session, workshop)
    else:
        seats.leave_waitlist(session, workshop)
    emails.registration_cancelled(session, workshop, registration)
    for person in promoted:
        emails.promoted(session, workshop, person)
    audit.record(session, "workshop.registration_cancelled", actor_id=actor.id if actor else None,
                 target_type="workshop_registration", target_id=registration.id, workshop=workshop.id,
                 promoted=[person.id for person in promoted])
    log.info("workshop %s: registration %s cancelled, %d promoted", workshop.id, registration.id, len(promoted))
    return promoted


# Reminders


def send_reminders(session: Session, *, now: datetime | None = None) -> int:
    """Remind confirmed people the day before. Running it again sends nothing twice; two runs at
    once cannot both claim one registration (the conditional UPDATE on reminded_at decides).
    """
    now = now or utcnow()
    sent = 0
    for registration in queries.list_due_reminders(session, now, ahead=REMINDER_AHEAD):
        claimed = session.execute(
            update(Registration).where(Registration.id == registration.id, Registration.reminded_at.is_(None),
                                       Registration.status == RegistrationStatus.confirmed)
            .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        emails.reminded(session, registration.workshop, registration)
        sent += 1
    if sent:
        log.info("workshop reminders queued: %d", sent)
    return sent
