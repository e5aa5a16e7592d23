"""Reads of workshops and registrations for pages, feeds, commands and the API.

Public reads return workshops only; registrations (personal data) are read for their own
person by token and for the holding agency's staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core.pagination import Page, paginate
from civic.workshops.models import ACTIVE, Registration, RegistrationStatus, Workshop, WorkshopStatus

PAGE_SIZE = 20


@dataclass(frozen=True)
class WorkshopFilters:
    agency: str | None = None
    case: str | None = None


def _with_owners(statement: Select) -> Select:
    return statement.options(selectinload(Workshop.agency), selectinload(Workshop.case))


def _filtered(filters: WorkshopFilters) -> Select:
    statement = select(Workshop)
    if filters.agency:
        statement = statement.join(Agency, Agency.id == Workshop.agency_id).where(Agency.code == filters.agency)
    if filters.case:
        statement = statement.join(Case, Case.id == Workshop.case_id).where(Case.slug == filters.case)
    return statement


def list_workshops(session: Session, filters: WorkshopFilters, *, page: int, now: datetime,
                   per_page: int = PAGE_SIZE) -> Page[Workshop]:
    """Every workshop: upcoming ones first, soonest first; then past ones, latest first.

    Four queries whatever the page size: the count, the page, its agencies and its cases.
    """
    statement = _filtered(filters)
    is_past = case((Workshop.ends_at <= now, 1), else_=0)
    # Upcoming rows sort by start ascending; past rows share NULL here and sort by start descending.
    upcoming_start = case((Workshop.ends_at <= now, None), else_=Workshop.starts_at)
    return paginate(session, _with_owners(statement)
                    .order_by(is_past, upcoming_start, Workshop.starts_at.desc(), Workshop.id),
                    page=page, per_page=per_page)


def list_upcoming_workshops(session: Session, now: datetime, *, limit: int | None = None,
                            case_id: int | None = None) -> list[Workshop]:
    """Workshops that have not ended yet, soonest first (cancelled ones too, marked as such)."""
    statement = select(Workshop).where(Workshop.ends_at > now)
    if case_id is not None:
        statement = statement.where(Workshop.case_id == case_id)
    statement = _with_owners(statement).order_by(Workshop.starts_at, Workshop.id)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def list_case_workshops(session: Session, case_id: int) -> list[Workshop]:
    """One case's workshops, upcoming first, for the case page."""
    return list(session.scalars(
        _with_owners(select(Workshop).where(Workshop.case_id == case_id))
        .order_by(Workshop.starts_at.desc(), Workshop.id)))


def get_workshop(session: Session, workshop_id: int) -> Workshop | None:
    """The workshop with its agency and case, or None."""
    return session.scalar(_with_owners(select(Workshop).where(Workshop.id == workshop_id)))


def list_filter_agencies(session: Session) -> list[Agency]:
    """Agencies that have held or will hold a workshop."""
    return list(session.scalars(
        select(Agency).where(Agency.id.in_(select(Workshop.agency_id))).order_by(Agency.code)))


def list_filter_cases(session: Session) -> list[Case]:
    """Published cases that have workshops."""
    return list(session.scalars(
        select(Case).where(Case.id.in_(select(Workshop.case_id)), Case.is_published)
        .order_by(Case.title_zh)))


def list_agency_workshops(session: Session, agency_id: int) -> list[Workshop]:
    """One agency's workshops for its staff: upcoming first, then the latest past ones."""
    return list(session.scalars(
        _with_owners(select(Workshop).where(Workshop.agency_id == agency_id))
        .order_by(Workshop.starts_at.desc(), Workshop.id.desc())))


# Registrations: personal data.


def get_registration_by_token(session: Session, token: str) -> Registration | None:
    """The registration whose secret link this is, with its workshop, or None."""
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(Registration).where(Registration.cancel_token == token)
        .options(selectinload(Registration.workshop).selectinload(Workshop.agency),
                 selectinload(Registration.workshop).selectinload(Workshop.case)))


def get_active_registration(session: Session, workshop_id: int, email: str) -> Registration | None:
    """The sign-up of ``email`` (lower-cased) for the workshop that is not cancelled, or None."""
    return session.scalar(select(Registration).where(
        Registration.workshop_id == workshop_id, Registration.email == email,
        Registration.status.in_(ACTIVE)))


_STATUS_ORDER = case(
    (Registration.status == RegistrationStatus.attended, 0),
    (Registration.status == RegistrationStatus.confirmed, 0),
    (Registration.status == RegistrationStatus.waitlisted, 1),
    else_=2)


def list_registrations(session: Session, workshop_id: int) -> list[Registration]:
    """Everyone who signed up: seated people, then the waitlist in order, then cancellations."""
    return list(session.scalars(
        select(Registration).where(Registration.workshop_id == workshop_id)
        .order_by(_STATUS_ORDER, Registration.position, Registration.created_at, Registration.id)))


def list_registrations_with(session: Session, workshop_id: int, statuses) -> list[Registration]:
    return list(session.scalars(
        select(Registration).where(Registration.workshop_id == workshop_id, Registration.status.in_(statuses))
        .order_by(Registration.position, Registration.id)))


def waitlist_place(session: Session, registration: Registration) -> int | None:
    """Where a waitlisted person stands now: 1 is next in line."""
    if registration.status != RegistrationStatus.waitlisted or registration.position is None:
        return None
    ahead = session.scalar(select(func.count(Registration.id)).where(
        Registration.workshop_id == registration.workshop_id,
        Registration.status == RegistrationStatus.waitlisted,
        Registration.position < registration.position)) or 0
    return ahead + 1


def waitlist_places(session: Session, registrations: list[Registration]) -> dict[int, int]:
    """Where each waitlisted one of ``registrations`` stands now, by registration id (1 is next
    in line); one query whatever their number."""
    waiting = [r.id for r in registrations if r.status == RegistrationStatus.waitlisted and r.position is not None]
    if not waiting:
        return {}
    ahead = aliased(Registration)
    rows = session.execute(
        select(Registration.id, func.count(ahead.id))
        .join(ahead, (ahead.workshop_id == Registration.workshop_id)
              & (ahead.status == RegistrationStatus.waitlisted) & (ahead.position <= Registration.position))
        .where(Registration.id.in_(waiting))
        .group_by(Registration.id))
    return {registration_id: place for registration_id, place in rows}


def list_registrations_of_user(session: Session, user_id: int, *, now: datetime, page: int, per_page: int
                               ) -> Page[Registration]:
    """A signed-in person's own sign-ups, with their workshops: upcoming ones first, the soonest
    first, then past ones, the latest first. Purged ones are gone. Three queries."""
    mine = (Registration.user_id == user_id) & Registration.purged_at.is_(None)
    total = session.scalar(select(func.count(Registration.id)).where(mine)) or 0
    if not total:
        return Page([], page, per_page, 0)
    upcoming = Workshop.ends_at >= now
    rows = session.scalars(
        select(Registration).join(Workshop, Workshop.id == Registration.workshop_id).where(mine)
        .options(selectinload(Registration.workshop))
        .order_by(case((upcoming, 0), else_=1), case((upcoming, Workshop.starts_at)),
                  Workshop.starts_at.desc(), Registration.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(list(rows), page, per_page, total)


def get_own_registration(session: Session, user_id: int, registration_id: int) -> Registration | None:
    """The registration if it is ``user_id``'s own and not purged, with its workshop; else None."""
    return session.scalar(
        select(Registration).where(Registration.id == registration_id, Registration.user_id == user_id,
                                   Registration.purged_at.is_(None))
        .options(selectinload(Registration.workshop)))


@dataclass(frozen=True)
class RegistrationCounts:
    confirmed: int
    waitlisted: int
    attended: int
    cancelled: int


def count_registrations(session: Session, workshop_id: int) -> RegistrationCounts:
    """Registrations by status, counted from the rows (the workshop row keeps its own counts)."""
    counts = dict(session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.workshop_id == workshop_id).group_by(Registration.status)).all())
    return RegistrationCounts(
        confirmed=counts.get(RegistrationStatus.confirmed, 0) + counts.get(RegistrationStatus.attended, 0),
        waitlisted=counts.get(RegistrationStatus.waitlisted, 0),
        attended=counts.get(RegistrationStatus.attended, 0),
        cancelled=counts.get(RegistrationStatus.cancelled, 0))


def count_attended(session: Session, workshop_ids: list[int]) -> dict[int, int]:
    """How many came to each workshop, in one query."""
    if not workshop_ids:
        return {}
    rows = session.execute(
        select(Registration.workshop_id, func.count(Registration.id))
        .where(Registration.workshop_id.in_(workshop_ids), Registration.status == RegistrationStatus.attended)
        .group_by(Registration.workshop_id)).all()
    return {workshop_id: count for workshop_id, count in rows}


def list_due_reminders(session: Session, now: datetime, *, ahead: timedelta) -> list[Registration]:
    """Confirmed people not yet reminded of a scheduled workshop that starts within ``ahead``."""
    return list(session.scalars(
        select(Registration).join(Workshop, Workshop.id == Registration.workshop_id)
        .where(Registration.status == RegistrationStatus.confirmed, Registration.reminded_at.is_(None),
               Workshop.status == WorkshopStatus.scheduled, Workshop.starts_at > now,
               Workshop.starts_at <= now + ahead)
        .options(selectinload(Registration.workshop).selectinload(Workshop.agency))
        .order_by(Workshop.starts_at, Registration.id)))


def list_workshops_to_purge(session: Session, ended_before: datetime) -> list[Workshop]:
    """Workshops that ended before ``ended_before`` and still hold attendees' personal data."""
    return list(session.scalars(
        select(Workshop).where(Workshop.ends_at < ended_before, Workshop.purged_at.is_(None))
        .order_by(Workshop.ends_at)))
