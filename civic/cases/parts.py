"""Changes to the parts of a case: platform members, meetings, risks, milestones, documents,
contracts and their variations, tenders, sources of funds. Each change is checked, recorded in the
case's public record and rescored.

Flushes, never commits. Callers pass a case loaded with its parts, locked for the change
(queries.get_case_for_change).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session, object_session

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.cases import history, permissions
from civic.cases.models import (
    Case,
    CaseContract,
    CaseDocument,
    CaseMember,
    CaseTender,
    ContractVariation,
    FundingSource,
    Meeting,
    MeetingDecision,
    MeetingStatement,
    MemberRole,
    Milestone,
    RiskItem,
    VariationKind,
)
from civic.cases.services import (
    RiskInput,
    amount_errors,
    refresh_completeness,
    risk_from_input,
    validate_risk,
)
from civic.core.errors import DomainError, NotFound, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.time import format_day, utcnow

MILESTONE_TYPES = ("preProcurement", "approval", "engagement", "assessment", "delivery",
                   "reporting", "financing", "payment", "procurement", "contractClose")
DOCUMENT_TYPES = ("feasibilityStudy", "projectPlan", "procurementPlan", "tenderNotice",
                  "biddingDocuments", "evaluationReports", "awardNotice", "contractSigned",
                  "physicalProgressReport", "financialProgressReport", "environmentalImpact",
                  "hearingNotice", "completionCertificate", "conflictOfInterest", "complaints",
                  "landAndSettlementImpact", "financialAuditReport", "technicalAuditReport", "projectEvaluation")


@dataclass
class MemberInput:
    name: str
    organisation: str
    role: str


@dataclass
class MeetingInput:
    held_on: date
    title: str
    place: str = ""
    attendees: list[str] = field(default_factory=list)
    agenda: str = ""
    statements: list[tuple[str, str]] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    follow_ups: str = ""


@dataclass
class MilestoneInput:
    title_zh: str
    title_en: str = ""
    milestone_type: str = "delivery"
    planned_on: date | None = None
    actual_on: date | None = None


@dataclass
class DocumentInput:
    title: str
    url: str
    document_type: str = ""


@dataclass
class ContractInput:
    title: str
    ubn: str
    company_name: str
    award_value_ntd: int
    tender_number: str = ""
    awarded_on: date | None = None
    # The case's tender the contract was awarded under (a CaseTender id), if any.
    tender_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    scope: str = ""


@dataclass
class FundingInput:
    source: str
    amount_ntd: int | None = None


@dataclass
class VariationInput:
    # One of the case's contracts (a CaseContract id).
    contract_id: int | None
    kind: str
    approved_on: date | None
    rationale: str
    new_value_ntd: int | None = None
    new_ends_on: date | None = None
    description: str = ""


def _require_edit(actor: User, case: Case) -> None:
    if not permissions.can_edit(actor, case):
        raise PermissionDenied(_("You cannot change this case."))


@contextmanager
def _adding(case: Case, actor: User) -> Iterator[Callable[[Any], None]]:
    """Add one part: it goes in the record whole."""
    with history.recording(case, actor=actor) as record:
        def add(part: Any) -> None:
            getattr(case, PART_COLLECTIONS[history.KINDS[type(part)]]).append(part)
            record.created(part)
        yield add
        refresh_completeness(case)


@contextmanager
def _updating(case: Case, part: Any, actor: User, reason: str) -> Iterator[None]:
    """Change one part: the record keeps the fields that changed, before and after."""
    with history.recording(case, actor=actor, reason=reason) as record:
        record.updating(part)
        yield
        refresh_completeness(case)


def case_session(case: Case) -> Session:
    session = object_session(case)
    assert session is not None
    return session


# Members


def validate_member(data: MemberInput) -> None:
    if not data.name.strip():
        raise DomainError(_("Enter the member's name."), field="name")
    if not data.organisation.strip():
        raise DomainError(_("Enter the member's organisation."), field="organisation")
    if data.role not in MemberRole.__members__:
        raise DomainError(_("Choose the member's role."), field="role")


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_member(case: Case, data: MemberInput, *, actor: User) -> CaseMember:
    _require_edit(actor, case)
    validate_member(data)
    member = CaseMember(name=data.name.strip(), organisation=data.organisation.strip(),
                        role=data.role, position=len(case.members))
    with _adding(case, actor) as add:
        add(member)
    return member


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_member(case: Case, member_id: int, data: MemberInput, *, actor: User,
                  reason: str = "") -> CaseMember:
    _require_edit(actor, case)
    validate_member(data)
    member = _find(case.members, member_id)
    with _updating(case, member, actor, reason):
        member.name, member.organisation, member.role = (data.name.strip(),
                                                         data.organisation.strip(), data.role)
    return member


# Meetings


# What the meeting form's boxes hold, one item a line: attendees, statements as "speaker：what was
# said", decisions. Whatever comes in (the form or the API) must fit them, to be edited there again.
MEETING_LINES_MAX_LENGTH = {"attendees": 8000, "statements": 20000, "decisions": 8000}
SPEAKER_MAX_LENGTH = 200
SPEAKER_SEPARATORS = re.compile(r"[:：]")


def _breaks_line(text: str) -> bool:
    """Whether ``text`` would come back from its box as more than one line."""
    return len(text.strip().splitlines()) > 1


def _lines_errors(data: MeetingInput) -> list[DomainError]:
    """Each attendee, statement and decision fits on its own line of the form's box, and each box
    holds them all."""
    errors = []
    if any(_breaks_line(item) for item in data.attendees):
        errors.append(DomainError(_("Write each attendee on one line: an attendee cannot hold a line break."),
                                  field="attendees"))
    if any(_breaks_line(speaker) or _breaks_line(content) for speaker, content in data.statements):
        errors.append(DomainError(_("Write each statement on one line: neither the speaker nor what was said "
                                    "can hold a line break."), field="statements"))
    elif any(SPEAKER_SEPARATORS.search(speaker) for speaker, _content in data.statements):
        errors.append(DomainError(_("A speaker's name cannot hold a colon (: or ：): it separates the speaker "
                                    "from what was said."), field="statements"))
    elif any(len(speaker.strip()) > SPEAKER_MAX_LENGTH for speaker, _content in data.statements):
        errors.append(DomainError(_("A speaker's name can be at most %(limit)d characters.",
                                    limit=SPEAKER_MAX_LENGTH), field="statements"))
    if any(_breaks_line(item) for item in data.decisions):
        errors.append(DomainError(_("Write each decision on one line: a decision cannot hold a line break."),
                                  field="decisions"))
    boxes = {"attendees": [item.strip() for item in data.attendees],
             "statements": [f"{speaker.strip()}：{content.strip()}" for speaker, content in data.statements],
             "decisions": [item.strip() for item in data.decisions]}
    for name, items in boxes.items():
        limit = MEETING_LINES_MAX_LENGTH[name]
        # Counted as a browser sends the box: each line break is two characters (CR LF).
        if len("\r\n".join(item for item in items if item)) > limit:
            errors.append(DomainError(_("At most %(limit)s characters in all, one a line.",
                                        limit=f"{limit:,}"), field=name))
    return errors


def meeting_errors(case: Case, data: MeetingInput) -> list[DomainError]:
    """A meeting was held, not before the platform was set up; it has a title; each statement
    names its speaker; attendees, statements and decisions fit the form's boxes, one a line (a
    speaker without a colon). The part form and the services both ask here."""
    errors = []
    established = case.platform_established_on
    if data.held_on is None:
        errors.append(DomainError(_("Enter the date of the meeting."), field="held_on"))
    elif data.held_on > utcnow().date():
        errors.append(DomainError(_("Record meetings once they have been held."), field="held_on"))
    elif established and data.held_on < established:
        errors.append(DomainError(
            _("The platform was set up on %(date)s; its meetings cannot be earlier.",
              date=format_day(established, str(get_locale() or "zh_Hant_TW"))), field="held_on"))
    if not (data.title or "").strip():
        errors.append(DomainError(_("Enter the title of the meeting."), field="title"))
    if any(not speaker.strip() or not content.strip() for speaker, content in data.statements):
        errors.append(DomainError(_("Write each statement as “speaker: what was said”, one per line."),
                                  field="statements"))
    return errors + [error for error in _lines_errors(data)
                     if all(error.field != earlier.field for earlier in errors)]


def validate_meeting(case: Case, data: MeetingInput) -> None:
    for error in meeting_errors(case, data):
        raise error


def _fill_meeting(meeting: Meeting, data: MeetingInput) -> None:
    meeting.held_on = data.held_on
    meeting.title = data.title.strip()
    meeting.place = data.place.strip()
    meeting.attendees = [a.strip() for a in data.attendees if a.strip()]
    meeting.agenda = data.agenda.strip()
    meeting.follow_ups = data.follow_ups.strip()
    meeting.statements = [MeetingStatement(speaker=s.strip(), content=c.strip(), position=i)
                          for i, (s, c) in enumerate(data.statements)]
    meeting.decisions = [MeetingDecision(content=d.strip(), position=i)
                         for i, d in enumerate(x for x in data.decisions if x.strip())]


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_meeting(case: Case, data: MeetingInput, *, actor: User) -> Meeting:
    _require_edit(actor, case)
    validate_meeting(case, data)
    meeting = Meeting(statements=[], decisions=[])
    _fill_meeting(meeting, data)
    with _adding(case, actor) as add:
        add(meeting)
    return meeting


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_meeting(case: Case, meeting_id: int, data: MeetingInput, *, actor: User,
                   reason: str = "") -> Meeting:
    """Change a meeting; a changed statement or decision shows on the meeting as a correction."""
    _require_edit(actor, case)
    validate_meeting(case, data)
    meeting = _find(case.meetings, meeting_id)
    with _updating(case, meeting, actor, reason):
        _fill_meeting(meeting, data)
    return meeting


# Risks


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_risk(case: Case, data: RiskInput, *, actor: User) -> RiskItem:
    _require_edit(actor, case)
    risk = risk_from_input(data)
    with _adding(case, actor) as add:
        add(risk)
    return risk


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_risk(case: Case, risk_id: int, data: RiskInput, *, actor: User, reason: str = "") -> RiskItem:
    _require_edit(actor, case)
    validate_risk(data)
    risk = _find(case.risks, risk_id)
    with _updating(case, risk, actor, reason):
        for name, value in asdict(data).items():
            setattr(risk, name, value.strip() if isinstance(value, str) else value)
    return risk


# Milestones


def milestone_errors(case: Case | None, data: MilestoneInput) -> list[DomainError]:
    """A milestone has a Chinese title, a type from the list, and no actual date in the future.
    The part form and the services both ask here."""
    # Planned and actual dates are not ordered: a milestone may be reached early.
    errors = []
    if not (data.title_zh or "").strip():
        errors.append(DomainError(_("Enter the milestone in Chinese."), field="title_zh"))
    if data.milestone_type not in MILESTONE_TYPES:
        errors.append(DomainError(_("Choose a type from the list."), field="milestone_type"))
    if data.actual_on and data.actual_on > utcnow().date():
        errors.append(DomainError(_("An actual date cannot be in the future; use the planned date."),
                                  field="actual_on"))
    return errors


def validate_milestone(data: MilestoneInput) -> None:
    for error in milestone_errors(None, data):
        raise error


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_milestone(case: Case, data: MilestoneInput, *, actor: User) -> Milestone:
    _require_edit(actor, case)
    validate_milestone(data)
    milestone = Milestone(**{k: v.strip() if isinstance(v, str) else v
                             for k, v in asdict(data).items()})
    with _adding(case, actor) as add:
        add(milestone)
    return milestone


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_milestone(case: Case, milestone_id: int, data: MilestoneInput, *, actor: User,
                     reason: str = "") -> Milestone:
    _require_edit(actor, case)
    validate_milestone(data)
    milestone = _find(case.milestones, milestone_id)
    with _updating(case, milestone, actor, reason):
        for name, value in asdict(data).items():
            setattr(milestone, name, value.strip() if isinstance(value, str) else value)
    return milestone


# Documents


def document_errors(case: Case | None, data: DocumentInput) -> list[DomainError]:
    """A document has a title, a web address (http or https) and a type from the list, if any.
    The part form and the services both ask here."""
    errors = []
    if not (data.title or "").strip():
        errors.append(DomainError(_("Enter the document's title."), field="title"))
    parts = urlsplit((data.url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors.append(DomainError(_("Enter a web address starting with https:// or http://."), field="url"))
    if data.document_type and data.document_type not in DOCUMENT_TYPES:
        errors.append(DomainError(_("Choose a type from the list."), field="document_type"))
    return errors


def validate_document(data: DocumentInput) -> None:
    for error in document_errors(None, data):
        raise error


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_document(case: Case, data: DocumentInput, *, actor: User) -> CaseDocument:
    _require_edit(actor, case)
    validate_document(data)
    document = CaseDocument(title=data.title.strip(), url=data.url.strip(),
                            document_type=data.document_type)
    with _adding(case, actor) as add:
        add(document)
    return document


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_document(case: Case, document_id: int, data: DocumentInput, *, actor: User,
                    reason: str = "") -> CaseDocument:
    _require_edit(actor, case)
    validate_document(data)
    document = _find(case.documents, document_id)
    with _updating(case, document, actor, reason):
        document.title, document.url, document.document_type = (
            data.title.strip(), data.url.strip(), data.document_type)
    return document


# Contracts


def contract_errors(case: Case, data: ContractInput) -> list[DomainError]:
    """A contract has a title, an award value in range, no award date in the future, an end not
    before its start, and a supplier number that passes the checksum. The part form and the
    services both ask here."""
    errors = []
    if not (data.title or "").strip():
        errors.append(DomainError(_("Enter the contract's title."), field="title"))
    if data.award_value_ntd is None:
        errors.append(DomainError(_("Enter the award value."), field="award_value_ntd"))
    errors += amount_errors(data.award_value_ntd, "award_value_ntd")
    if data.awarded_on and data.awarded_on > utcnow().date():
        errors.append(DomainError(_("The award date cannot be in the future."), field="awarded_on"))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors.append(DomainError(_("A contract cannot end before it starts."), field="ends_on"))
    return errors + accounts.ubn_errors(data.ubn)


def _contract_fields(case: Case, data: ContractInput, actor: User) -> dict[str, Any]:
    for error in contract_errors(case, data):
        raise error
    if data.tender_id is not None and all(tender.id != data.tender_id for tender in case.tenders):
        raise DomainError(_("Choose one of this case's tenders."), field="tender")
    try:
        company = accounts.get_or_create_company(
            case_session(case), accounts.CompanyInput(ubn=data.ubn, name=data.company_name),
            actor_id=actor.id)
    except DomainError as error:
        raise DomainError(error.message, field="ubn") from error
    return {"title": data.title.strip(), "tender_number": data.tender_number.strip(),
            "company": company, "award_value_ntd": data.award_value_ntd,
            "awarded_on": data.awarded_on, "tender_id": data.tender_id, "starts_on": data.starts_on,
            "ends_on": data.ends_on, "scope": (data.scope or "").strip()}


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_contract(case: Case, data: ContractInput, *, actor: User) -> CaseContract:
    _require_edit(actor, case)
    contract = CaseContract(**_contract_fields(case, data, actor))
    with _adding(case, actor) as add:
        add(contract)
    return contract


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_contract(case: Case, contract_id: int, data: ContractInput, *, actor: User,
                    reason: str = "") -> CaseContract:
    _require_edit(actor, case)
    fields = _contract_fields(case, data, actor)
    contract = _find(case.contracts, contract_id)
    _check_against_variations(case, contract_id, data)
    with _updating(case, contract, actor, reason):
        for name, value in fields.items():
            setattr(contract, name, value)
    return contract


def _check_against_variations(case: Case, contract_id: int, data: ContractInput) -> None:
    """A contract's new start or award date stays before the end dates its variations set, and its
    award date before their approval."""
    for variation in case.variations:
        if variation.contract_id != contract_id:
            continue
        if variation.new_ends_on and data.starts_on and data.starts_on >= variation.new_ends_on:
            raise DomainError(_("A variation of this contract ends it on %(date)s; it must start before then.",
                                date=format_day(variation.new_ends_on, str(get_locale() or "zh_Hant_TW"))),
                              field="starts_on")
        if data.awarded_on and variation.approved_on < data.awarded_on:
            raise DomainError(_("A variation of this contract was approved on %(date)s; it was awarded before then.",
                                date=format_day(variation.approved_on, str(get_locale() or "zh_Hant_TW"))),
                              field="awarded_on")


# Tenders


# An e-procurement agency code: dot-separated groups of letters and digits, e.g. 3.76.47, A.17.2.1.
TENDER_UNIT_ID = re.compile(r"[0-9A-Z]{1,4}(\.[0-9A-Z]{1,6}){0,8}")
TENDER_UNIT_ID_MAX_LENGTH = 40
# The agency's own case number: free text of its choosing, without spaces or markup characters.
TENDER_JOB_NUMBER = re.compile(r"[^\s<>\"'\\]{1,100}")


@dataclass
class TenderInput:
    unit_id: str
    job_number: str


def tender_errors(case: Case | None, data: TenderInput) -> list[DomainError]:
    """A tender is named by the e-procurement agency code and the agency's case number, each in
    the shape the system uses. The forms and the services both ask here."""
    errors = []
    unit_id, job_number = (data.unit_id or "").strip(), (data.job_number or "").strip()
    if not unit_id:
        errors.append(DomainError(_("Enter the agency code used on the e-procurement system."),
                                  field="unit_id"))
    elif len(unit_id) > TENDER_UNIT_ID_MAX_LENGTH:
        errors.append(DomainError(_("Enter the agency code in at most %(limit)d characters.",
                                    limit=TENDER_UNIT_ID_MAX_LENGTH), field="unit_id"))
    elif not TENDER_UNIT_ID.fullmatch(unit_id):
        errors.append(DomainError(
            _("Enter the agency code as the e-procurement system writes it, such as 3.76.47 or A.17.2.1."),
            field="unit_id"))
    if not job_number:
        errors.append(DomainError(_("Enter the tender's case number."), field="job_number"))
    elif not TENDER_JOB_NUMBER.fullmatch(job_number):
        errors.append(DomainError(
            _("Enter the case number as the e-procurement system shows it, without spaces (at most 100 characters)."),
            field="job_number"))
    return errors


def _validate_tender(case: Case, data: TenderInput, tender_id: int | None = None) -> None:
    """The tender's shape, and once per case."""
    for error in tender_errors(case, data):
        raise error
    if any(tender.unit_id == data.unit_id.strip() and tender.job_number == data.job_number.strip()
           and tender.id != tender_id for tender in case.tenders):
        raise DomainError(_("This tender is already on the case."), field="job_number")


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_tender(case: Case, data: TenderInput, *, actor: User) -> CaseTender:
    _require_edit(actor, case)
    _validate_tender(case, data)
    tender = CaseTender(unit_id=data.unit_id.strip(), job_number=data.job_number.strip())
    with _adding(case, actor) as add:
        add(tender)
    return tender


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_tender(case: Case, tender_id: int, data: TenderInput, *, actor: User, reason: str = "") -> CaseTender:
    """Correct a tender's code or number. What was imported under the old one was another
    tender's: it goes, recorded as removed, and the next import brings this one's. The contracts
    awarded under it stay with it; their entries in the record name the tender anew."""
    _require_edit(actor, case)
    tender = _find(case.tenders, tender_id)
    _validate_tender(case, data, tender_id=tender.id)
    unit_id, job_number = data.unit_id.strip(), data.job_number.strip()
    session = case_session(case)
    with history.recording(case, actor=actor, reason=reason) as record:
        record.updating(tender)
        if (unit_id, job_number) != (tender.unit_id, tender.job_number):
            for imported in history.dependants(session, tender):
                record.deleting(imported)
                session.delete(imported)
            tender.unit_name, tender.synced_at, tender.sync_problem = "", None, ""
        for contract in case.contracts:
            if contract.tender_id == tender.id:
                record.updating(contract)
        tender.unit_id, tender.job_number = unit_id, job_number
    return tender


# Contract variations


def variation_errors(case: Case, data: VariationInput) -> list[DomainError]:
    """A variation changes one of the case's contracts; it was approved, not in the future, for a
    reason. A change of price gives the new price, of duration the new end date (after the
    contract starts), of scope what changed; each gives only its own. The part form and the
    services both ask here."""
    errors = []
    contract = next((c for c in case.contracts if c.id == data.contract_id), None)
    if contract is None:
        errors.append(DomainError(_("Choose one of this case's contracts."), field="contract"))
    if data.kind not in VariationKind.__members__:
        errors.append(DomainError(_("Choose what the variation changed: the price, the duration or the scope."),
                                  field="kind"))
    if data.approved_on is None:
        errors.append(DomainError(_("Enter the date the variation was approved."), field="approved_on"))
    elif data.approved_on > utcnow().date():
        errors.append(DomainError(_("Record a variation once it is approved; the date cannot be in the future."),
                                  field="approved_on"))
    elif contract is not None and contract.awarded_on and data.approved_on < contract.awarded_on:
        errors.append(DomainError(
            _("The contract was awarded on %(date)s; a variation of it is approved on that day or later.",
              date=format_day(contract.awarded_on, str(get_locale() or "zh_Hant_TW"))), field="approved_on"))
    if data.kind == VariationKind.value and data.new_value_ntd is None:
        errors.append(DomainError(_("Enter the contract's new price."), field="new_value_ntd"))
    elif data.new_value_ntd is not None and data.new_value_ntd <= 0:
        errors.append(DomainError(_("Enter an amount above zero."), field="new_value_ntd"))
    elif data.kind != VariationKind.value and data.new_value_ntd is not None:
        errors.append(DomainError(_("Give a new price only for a change of price; leave it empty."),
                                  field="new_value_ntd"))
    errors += amount_errors(data.new_value_ntd, "new_value_ntd")
    if data.kind == VariationKind.duration and data.new_ends_on is None:
        errors.append(DomainError(_("Enter the contract's new end date."), field="new_ends_on"))
    elif data.kind != VariationKind.duration and data.new_ends_on is not None:
        errors.append(DomainError(_("Give a new end date only for a change of duration; leave it empty."),
                                  field="new_ends_on"))
    elif data.new_ends_on and contract is not None and contract.starts_on and data.new_ends_on <= contract.starts_on:
        errors.append(DomainError(
            _("The contract starts on %(date)s; its new end date must be later.",
              date=format_day(contract.starts_on, str(get_locale() or "zh_Hant_TW"))), field="new_ends_on"))
    elif data.new_ends_on and contract is not None and contract.awarded_on and data.new_ends_on <= contract.awarded_on:
        errors.append(DomainError(
            _("The contract was awarded on %(date)s; its new end date must be later.",
              date=format_day(contract.awarded_on, str(get_locale() or "zh_Hant_TW"))), field="new_ends_on"))
    if data.kind == VariationKind.scope and not (data.description or "").strip():
        errors.append(DomainError(_("Describe what changed in the scope."), field="description"))
    if not (data.rationale or "").strip():
        errors.append(DomainError(_("Give the reason for the variation."), field="rationale"))
    return errors


def _variation_fields(case: Case, data: VariationInput) -> dict[str, Any]:
    for error in variation_errors(case, data):
        raise error
    return {"contract_id": data.contract_id, "kind": data.kind, "approved_on": data.approved_on,
            "new_value_ntd": data.new_value_ntd, "new_ends_on": data.new_ends_on,
            "description": (data.description or "").strip(), "rationale": data.rationale.strip()}


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_variation(case: Case, data: VariationInput, *, actor: User) -> ContractVariation:
    _require_edit(actor, case)
    variation = ContractVariation(**_variation_fields(case, data))
    with _adding(case, actor) as add:
        add(variation)
    return variation


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_variation(case: Case, variation_id: int, data: VariationInput, *, actor: User,
                     reason: str = "") -> ContractVariation:
    _require_edit(actor, case)
    fields = _variation_fields(case, data)
    variation = _find(case.variations, variation_id)
    with _updating(case, variation, actor, reason):
        for name, value in fields.items():
            setattr(variation, name, value)
    return variation


# Sources of funds


def funding_errors(case: Case | None, data: FundingInput) -> list[DomainError]:
    """A source of funds is named, in at most 200 characters; its amount, when known, is in range.
    The part form and the services both ask here."""
    errors = []
    source = (data.source or "").strip()
    if not source:
        errors.append(DomainError(_("Enter where the money comes from."), field="source"))
    elif len(source) > 200:
        errors.append(DomainError(_("At most 200 characters."), field="source"))
    if data.amount_ntd is not None and data.amount_ntd == 0:
        errors.append(DomainError(_("Enter an amount above zero, or leave it empty if it is not known yet."),
                                  field="amount_ntd"))
    return errors + amount_errors(data.amount_ntd, "amount_ntd")


def _validate_funding(data: FundingInput) -> None:
    for error in funding_errors(None, data):
        raise error


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def add_funding(case: Case, data: FundingInput, *, actor: User) -> FundingSource:
    _require_edit(actor, case)
    _validate_funding(data)
    funding = FundingSource(source=data.source.strip(), amount_ntd=data.amount_ntd)
    with _adding(case, actor) as add:
        add(funding)
    return funding


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def update_funding(case: Case, funding_id: int, data: FundingInput, *, actor: User,
                   reason: str = "") -> FundingSource:
    _require_edit(actor, case)
    _validate_funding(data)
    funding = _find(case.funding, funding_id)
    with _updating(case, funding, actor, reason):
        funding.source, funding.amount_ntd = data.source.strip(), data.amount_ntd
    return funding


# Removal of any part


# The collection of a case that holds each kind of part.
PART_COLLECTIONS = {
    "member": "members", "meeting": "meetings", "risk": "risks",
    "milestone": "milestones", "document": "documents", "contract": "contracts",
    "tender": "tenders", "funding": "funding", "variation": "variations",
}


@guarded(Permission.edit_agency_cases, Permission.edit_any_case)
def remove_part(case: Case, collection_name: str, part_id: int, *, actor: User, reason: str = "") -> None:
    """Remove one part of a case (``collection_name`` as in PART_COLLECTIONS' values).

    The record keeps every value the part had; a published case's removal needs a reason.
    """
    _require_edit(actor, case)
    if collection_name not in PART_COLLECTIONS.values():
        raise NotFound(_("That item is not part of this case."))
    collection = getattr(case, collection_name)
    part = _find(collection, part_id)
    session = case_session(case)
    with history.recording(case, actor=actor, reason=reason) as record:
        for dependant in history.dependants(session, part):
            record.deleting(dependant)
            session.delete(dependant)
        # A contract awarded under a removed tender no longer names it, and its record says so.
        for contract in case.contracts if isinstance(part, CaseTender) else ():
            if contract.tender_id == part.id:
                record.updating(contract)
                contract.tender_id = None
        # A removed contract's variations go with it (the database would drop them unrecorded).
        for variation in list(case.variations) if isinstance(part, CaseContract) else ():
            if variation.contract_id == part.id:
                record.deleting(variation)
                case.variations.remove(variation)
        record.deleting(part)
        collection.remove(part)
        refresh_completeness(case)


def _find(collection: list, part_id: int):
    for part in collection:
        if part.id == part_id:
            return part
    raise NotFound(_("That item is not part of this case."))
