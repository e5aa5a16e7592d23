"""Changes to agencies. Flushes, never commits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from civic.agencies.models import DEFAULT_RESPONSE_DAYS, MAX_RESPONSE_DAYS, Agency, AgencyRemoval
from civic.agencies.queries import get_agency_by_code
from civic.core import audit
from civic.core.errors import Conflict, DomainError
from civic.core.permissions import Actor, Permission, guarded
from civic.core.time import utcnow

CODE_PATTERN = re.compile(r"[0-9A-Za-z]{1,20}")
# A light check of the contact address's shape; it is never used to log in.
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@guarded(Permission.manage_agencies)
def create_agency(
    session: Session,
    *,
    code: str,
    name_zh: str,
    name_en: str = "",
    parent: Agency | None = None,
    contact_email: str = "",
    response_days: int = DEFAULT_RESPONSE_DAYS,
    answers_in_working_days: bool = True,
    actor: Actor,
) -> Agency:
    """Create an agency; its fields must keep the rules of ``validate_agency`` and its code be new."""
    validate_agency(AgencyInput(code=code, name_zh=name_zh, name_en=name_en, contact_email=contact_email,
                                response_days=response_days))
    code = code.strip()
    if get_agency_by_code(session, code) is not None:
        raise Conflict(_("An agency with code %(code)s already exists.", code=code), field="code")
    agency = Agency(
        code=code,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        parent=parent,
        contact_email=contact_email.strip(),
        response_days=response_days,
        answers_in_working_days=answers_in_working_days,
    )
    session.add(agency)
    session.flush()
    audit.record(session, "agency.created", actor_id=actor.id, target_type="agency",
                 target_id=agency.code)
    return agency


@dataclass
class AgencyInput:
    code: str
    name_zh: str
    name_en: str = ""
    parent_code: str = ""
    contact_email: str = ""
    response_days: int = DEFAULT_RESPONSE_DAYS
    # Working days on the office calendar, unless a regulation makes the agency count calendar days.
    answers_in_working_days: bool = True


def agency_errors(data: AgencyInput) -> list[DomainError]:
    """Every rule an agency's own fields break, in the order of the form: a code of 1 to 20
    letters and digits, a Chinese name, an answer deadline of 1 to MAX_RESPONSE_DAYS days, and a
    contact address shaped like one.

    The one statement of these rules: the admin form, the CSV import and ``create_agency`` (which
    the demonstration data and the tests use) all ask here.
    """
    errors = []
    if not CODE_PATTERN.fullmatch(data.code.strip()):
        errors.append(DomainError(_("An agency code is 1 to 20 letters and digits."), field="code"))
    if not data.name_zh.strip():
        errors.append(DomainError(_("Enter the agency's Chinese name."), field="name_zh"))
    if not 1 <= data.response_days <= MAX_RESPONSE_DAYS:
        errors.append(DomainError(_("Enter an answer deadline between 1 and %(days)d days.", days=MAX_RESPONSE_DAYS),
                                  field="response_days"))
    if data.contact_email.strip() and not EMAIL_PATTERN.fullmatch(data.contact_email.strip()):
        errors.append(DomainError(_("Enter the contact address in the right format, like name@example.gov.tw."),
                                  field="contact_email"))
    return errors


def validate_agency(data: AgencyInput) -> None:
    """Refuse an agency whose own fields break a rule of ``agency_errors`` (the first one found)."""
    errors = agency_errors(data)
    if errors:
        raise errors[0]


def _check(session: Session, data: AgencyInput, *, agency: Agency | None) -> Agency | None:
    validate_agency(data)
    parent = None
    if data.parent_code.strip():
        parent = get_agency_by_code(session, data.parent_code.strip())
        if parent is None:
            raise DomainError(_("There is no agency with code %(code)s.", code=data.parent_code.strip()),
                              field="parent_code")
        ancestor = parent
        while ancestor is not None:
            if agency is not None and ancestor.id == agency.id:
                raise DomainError(_("An agency cannot be placed under itself."), field="parent_code")
            ancestor = session.get(Agency, ancestor.parent_id) if ancestor.parent_id else None
    return parent


@guarded(Permission.manage_agencies)
def save_agency(session: Session, data: AgencyInput, *, agency: Agency | None, actor: Actor) -> Agency:
    """Create an agency, or change one; codes stay unique and parents form no loop.

    A code given up is recorded as removed, so that mirrors of the open data drop it.
    """
    parent = _check(session, data, agency=agency)
    if agency is None:
        return create_agency(session, code=data.code, name_zh=data.name_zh, name_en=data.name_en, parent=parent,
                             contact_email=data.contact_email, response_days=data.response_days,
                             answers_in_working_days=data.answers_in_working_days,
                             actor=actor)
    code = data.code.strip()
    if code != agency.code and get_agency_by_code(session, code) is not None:
        raise Conflict(_("An agency with code %(code)s already exists.", code=code), field="code")
    if code != agency.code:
        # Stamped now, before the agency's own change is, so that a mirror drops the old code first.
        session.add(AgencyRemoval(code=agency.code, removed_at=utcnow()))
    changes = {}
    for name, value in (("code", code), ("name_zh", data.name_zh.strip()), ("name_en", data.name_en.strip()),
                        ("contact_email", data.contact_email.strip()), ("response_days", data.response_days),
                        ("answers_in_working_days", data.answers_in_working_days),
                        ("parent_id", parent.id if parent else None)):
        if getattr(agency, name) != value:
            changes[name] = [getattr(agency, name), value]
            setattr(agency, name, value)
    if changes:
        audit.record(session, "agency.updated", actor_id=actor.id, target_type="agency", target_id=agency.code,
                     changes=changes)
    return agency


@guarded(Permission.manage_agencies)
def set_active(session: Session, agency: Agency, *, active: bool, actor: Actor) -> None:
    """Deactivate an agency (it keeps its cases and history) or bring it back."""
    if agency.is_active == active:
        return
    agency.is_active = active
    audit.record(session, "agency.activated" if active else "agency.deactivated", actor_id=actor.id,
                 target_type="agency", target_id=agency.code)


@guarded(Permission.manage_agencies)
def delete_agency(session: Session, agency: Agency, *, actor: Actor) -> None:
    """Delete an agency that nothing refers to; one with cases, staff, items or sub-agencies
    can only be deactivated (the database's foreign keys enforce it). The code is recorded as
    removed, so that mirrors of the open data drop it.
    """
    code = agency.code
    try:
        with session.begin_nested():
            session.delete(agency)
            session.flush()
    except IntegrityError as error:
        raise Conflict(_("This agency has cases, staff, feedback or sub-agencies: deactivate it instead.")) \
            from error
    session.add(AgencyRemoval(code=code, removed_at=utcnow()))
    audit.record(session, "agency.deleted", actor_id=actor.id, target_type="agency", target_id=code)
