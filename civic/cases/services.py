"""Every change to a case: applications, review, edits, best practice, and the history they leave.

Flushes, never commits. Each public function checks the actor's permission again and raises
PermissionDenied, so no interface can skip the rule.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.cases import completeness, disclosure, emails, history, permissions
from civic.cases.models import (
    Case,
    CaseStatus,
    ProcurementKind,
    ReviewState,
    RiskItem,
    RiskLevel,
    RiskStage,
    RiskStatus,
    Sector,
)
from civic.cases.regions import COUNTY_CODES
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.time import utcnow

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# NT$ 10 trillion: far above any project, low enough to catch a typo of extra zeros.
MAX_AMOUNT_NTD = 10_000_000_000_000

# Fields of CaseInput that are copied onto the case as they are.
CASE_FIELDS = (
    "title_zh", "title_en", "procurement_kind", "status", "county", "address", "latitude",
    "longitude", "budget_ntd", "contract_value_ntd", "summary_zh", "summary_en",
    "platform_established_on", "environmental_impact", "land_impact", "budget_approved_on", "completed_on",
    "final_cost_ntd", "final_scope", "completion_changes",
)


@dataclass
class CaseInput:
    slug: str
    title_zh: str
    title_en: str
    sector_code: str
    procurement_kind: str
    status: str = CaseStatus.identification
    county: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    budget_ntd: int | None = None
    contract_value_ntd: int | None = None
    summary_zh: str = ""
    summary_en: str = ""
    platform_established_on: date | None = None
    # Preparation: what the project does to its surroundings, and when its budget was approved.
    environmental_impact: str = ""
    land_impact: str = ""
    budget_approved_on: date | None = None
    # Completion: when it ended, what it cost and delivered, and why that differs from the plan.
    completed_on: date | None = None
    final_cost_ntd: int | None = None
    final_scope: str = ""
    completion_changes: str = ""


@dataclass
class RiskInput:
    stage: str
    risk: str
    likelihood: str = "medium"
    impact: str = "medium"
    mitigation: str = ""
    owner: str = ""
    status: str = "open"


@dataclass
class ApplicationInput:
    case: CaseInput
    reason: str
    risks: list[RiskInput] = field(default_factory=list)
    # Demonstration cases are labelled as such wherever they are shown.
    is_demo: bool = False


def amount_errors(value: int | None, field_name: str) -> list[DomainError]:
    """An amount in NTD is not negative and not beyond any project (MAX_AMOUNT_NTD)."""
    if value is not None and value < 0:
        return [DomainError(_("Amounts cannot be negative."), field=field_name)]
    if value is not None and value > MAX_AMOUNT_NTD:
        return [DomainError(_("This amount is larger than any project; check the number of zeros."),
                            field=field_name)]
    return []


def validate_amount(value: int | None, field_name: str) -> None:
    for error in amount_errors(value, field_name):
        raise error


def case_errors(data: CaseInput, *, case: Case | None) -> list[DomainError]:
    """Every rule a case's own fields break, the first per field: a web address of lower-case
    letters, digits and hyphens, kept once published; a Chinese title; the codes from their
    lists; amounts above zero when known; both coordinates or neither, on the globe; a platform
    not set up in the future; a budget approved and a project completed in the past, in that order, and
    a completion date only for a completed project.

    The one statement of these rules: the case forms show them all at once, the services refuse
    with the first (the sector and a web address taken by another case are checked there).
    """
    errors = []
    if not SLUG_PATTERN.fullmatch(data.slug or ""):
        errors.append(DomainError(
            _("Use lower-case letters, digits and hyphens for the web address, like taipei-mrt-wanda."),
            field="slug"))
    elif case is not None and case.is_published and data.slug != case.slug:
        # Links, mirrors of the open data and signed pledges name the case by its address.
        errors.append(DomainError(_("A published case keeps its web address: links, open data and pledges use it."),
                                  field="slug"))
    if not (data.title_zh or "").strip():
        errors.append(DomainError(_("Enter the title in Chinese."), field="title_zh"))
    if data.procurement_kind not in ProcurementKind.__members__:
        errors.append(DomainError(_("Choose works, goods or services."), field="procurement_kind"))
    if data.status not in CaseStatus.__members__:
        errors.append(DomainError(_("Choose a status from the list."), field="status"))
    if data.county and data.county not in COUNTY_CODES:
        errors.append(DomainError(_("Choose a county or city from the list."), field="county"))
    for name in ("budget_ntd", "contract_value_ntd", "final_cost_ntd"):
        errors += amount_errors(getattr(data, name), name)
        if getattr(data, name) == 0:
            errors.append(DomainError(_("Enter an amount above zero, or leave it empty if it is not known yet."),
                                      field=name))
    if (data.latitude is None) != (data.longitude is None):
        errors.append(DomainError(_("Enter both latitude and longitude, or neither."), field="latitude"))
    if data.latitude is not None and not (-90 <= data.latitude <= 90):
        errors.append(DomainError(_("Latitude must be between -90 and 90."), field="latitude"))
    if data.longitude is not None and not (-180 <= data.longitude <= 180):
        errors.append(DomainError(_("Longitude must be between -180 and 180."), field="longitude"))
    if data.platform_established_on and data.platform_established_on > utcnow().date():
        errors.append(DomainError(_("The platform cannot have been set up in the future."),
                                  field="platform_established_on"))
    today = utcnow().date()
    if data.budget_approved_on and data.budget_approved_on > today:
        errors.append(DomainError(_("The budget cannot have been approved in the future."),
                                  field="budget_approved_on"))
    if data.completed_on and data.completed_on > today:
        errors.append(DomainError(_("Enter the completion date once the project is completed; it cannot be in the "
                                    "future."), field="completed_on"))
    elif data.completed_on and data.budget_approved_on and data.completed_on < data.budget_approved_on:
        errors.append(DomainError(_("The project cannot be completed before its budget was approved."),
                                  field="completed_on"))
    elif data.completed_on and data.status != CaseStatus.completed:
        errors.append(DomainError(_("A completion date goes with the status Completed: set the status too, or "
                                    "leave the date empty."), field="completed_on"))
    return errors


def _validate(session: Session, data: CaseInput, *, case: Case | None) -> Sector:
    errors = case_errors(data, case=case)
    if errors:
        raise errors[0]
    clash = session.scalar(select(Case.id).where(Case.slug == data.slug))
    if clash is not None and (case is None or clash != case.id):
        raise Conflict(_("Another case already uses this web address."), field="slug")
    sector = session.scalar(select(Sector).where(Sector.code == data.sector_code))
    if sector is None:
        raise DomainError(_("Choose a sector from the list."), field="sector")
    return sector


def _copy_fields(case: Case, data: CaseInput, sector: Sector) -> None:
    for name in CASE_FIELDS:
        new = getattr(data, name)
        setattr(case, name, new.strip() if isinstance(new, str) else new)
    case.sector = sector
    case.slug = data.slug
    established = case.platform_established_on
    case.year = established.year if established else (case.year or utcnow().year)


def refresh_completeness(case: Case) -> int:
    """Recompute the stored completeness score and disclosure by stage of a case whose parts are loaded."""
    case.completeness = completeness.assess(case).score
    case.disclosure = disclosure.percentages(case)
    return case.completeness


@guarded(Permission.apply_for_cases)
def submit_application(session: Session, data: ApplicationInput, *, actor: User) -> Case:
    """An agency applies for an integrity platform for one of its projects.

    The case is created unpublished; the authority then approves, returns or rejects it.
    """
    if not permissions.can_apply(actor):
        raise PermissionDenied(_("Only agency staff can apply for a platform."))
    if not data.reason.strip():
        raise DomainError(_("Explain why this project needs an integrity platform."), field="reason")
    sector = _validate(session, data.case, case=None)
    risks = [risk_from_input(risk) for risk in data.risks]
    case = Case(agency_id=actor.agency_id, review_state=ReviewState.submitted,
                submitted_by_id=actor.id, submitted_at=utcnow(), is_demo=data.is_demo,
                application_reason=data.reason.strip(), members=[], meetings=[], risks=[],
                milestones=[], documents=[], contracts=[])
    _copy_fields(case, data.case, sector)
    session.add(case)
    with history.recording(case, actor=actor) as record:
        record.created(case)
        for risk in risks:
            case.risks.append(risk)
            record.created(risk)
        refresh_completeness(case)
    emails.submitted(session, case)
    return case


def risk_from_input(data: RiskInput) -> RiskItem:
    """A new risk item from checked, trimmed input."""
    validate_risk(data)
    return RiskItem(**{k: v.strip() if isinstance(v, str) else v for k, v in asdict(data).items()})


def validate_risk(data: RiskInput) -> None:
    if data.stage not in RiskStage.__members__:
        raise DomainError(_("Choose the procurement stage of the risk."), field="stage")
    if not data.risk.strip():
        raise DomainError(_("Describe the risk."), field="risk")
    if data.likelihood not in RiskLevel.__members__ or data.impact not in RiskLevel.__members__:
        raise DomainError(_("Choose low, medium or high."), field="likelihood")
    if data.status not in RiskStatus.__members__:
        raise DomainError(_("Choose a status from the list."), field="status")


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def resubmit_application(session: Session, case: Case, *, actor: User) -> None:
    """Send a returned application back to the authority once the agency has changed it."""
    if not permissions.can_edit(actor, case):
        raise PermissionDenied(_("You cannot change this case."))
    if case.review_state != ReviewState.returned:
        raise Conflict(_("Only a returned application can be sent again."))
    with history.recording(case, actor=actor) as record:
        record.updating(case, action="resubmitted")
        case.review_state = ReviewState.submitted
        case.submitted_at = utcnow()
    emails.submitted(session, case, resubmitted=True)


@guarded(Permission.review_applications)
def approve_application(session: Session, case: Case, *, actor: User, comment: str = "") -> None:
    """Publish an application: the case becomes public and its agency keeps it up to date."""
    _require_review(actor, case)
    with history.recording(case, actor=actor) as record:
        record.updating(case, action="published")
        case.review_state = ReviewState.published
        case.review_comment = comment.strip()
        case.published_at = utcnow()
        case.year = case.year or case.published_at.year
    emails.decided(session, case)


@guarded(Permission.review_applications)
def return_application(session: Session, case: Case, *, actor: User, comment: str) -> None:
    """Send an application back to its agency with what to change."""
    _require_review(actor, case)
    if not comment.strip():
        raise DomainError(_("Say what the agency should change."), field="comment")
    with history.recording(case, actor=actor) as record:
        record.updating(case, action="returned")
        case.review_state = ReviewState.returned
        case.review_comment = comment.strip()
    emails.decided(session, case)


@guarded(Permission.review_applications)
def reject_application(session: Session, case: Case, *, actor: User, comment: str) -> None:
    """Refuse an application, with the reason."""
    _require_review(actor, case)
    if not comment.strip():
        raise DomainError(_("Give the reason for rejecting the application."), field="comment")
    with history.recording(case, actor=actor) as record:
        record.updating(case, action="rejected")
        case.review_state = ReviewState.rejected
        case.review_comment = comment.strip()
    emails.decided(session, case)


def _require_review(actor: User, case: Case) -> None:
    if not permissions.can_review(actor):
        raise PermissionDenied(_("Only the integrity authority reviews applications."))
    if case.review_state != ReviewState.submitted:
        raise Conflict(_("This application has already been decided."))


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_case(session: Session, case: Case, data: CaseInput, *, actor: User,
                reason: str = "") -> bool:
    """Change a case's main fields; each change goes in its public record, with the reason.

    Returns whether anything changed. A published case's changes need a reason.
    """
    if not permissions.can_edit(actor, case):
        raise PermissionDenied(_("You cannot change this case."))
    sector = _validate(session, data, case=case)
    with history.recording(case, actor=actor, reason=reason) as record:
        record.updating(case)
        _copy_fields(case, data, sector)
        refresh_completeness(case)
    return bool(record.entries)


@guarded(Permission.feature_cases)
def set_best_practice(session: Session, case: Case, *, actor: User, is_best: bool,
                      reason_zh: str, reason_en: str) -> None:
    """Mark or unmark a published case as a best-practice example, with the reasons."""
    if not permissions.can_feature(actor):
        raise PermissionDenied(_("Only the integrity authority chooses best practice."))
    if is_best and not case.is_published:
        raise Conflict(_("Only published cases can be best practice."))
    if is_best and not reason_zh.strip():
        raise DomainError(_("Say why this case is a best practice."), field="reason_zh")
    # Featuring keeps its reasons in the case's own fields; unfeaturing says why in the entry.
    with history.recording(case, actor=actor, reason="" if is_best else reason_zh) as record:
        record.updating(case, action="featured" if is_best else "unfeatured")
        case.is_best_practice = is_best
        case.best_practice_reason_zh = reason_zh.strip() if is_best else ""
        case.best_practice_reason_en = reason_en.strip() if is_best else ""
