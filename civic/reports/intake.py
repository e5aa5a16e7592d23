"""Filing a confidential report, and following it with its receipt and passphrase.

Anyone may file, signed in or not, and nothing links a report to who filed it: no account, no
address, no browser, no audit row and no log line. A report is read back only with both its receipt
and its passphrase, and a wrong receipt is answered exactly as a wrong passphrase is. Flushes,
never commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core.errors import Conflict, DomainError
from civic.core.text import CONTROL_CHARACTERS, text_error
from civic.core.time import to_taipei, utcnow
from civic.reports import emails, passphrases, queries
from civic.reports.attachments import CleanFile, Upload, check_uploads
from civic.reports.models import ConfidentialReport, ReportAttachment, ReportMessage, ReportStatus

REPORT_MAX_LENGTH = 10_000
WHO_MAX_LENGTH = 2_000
WHEN_MAX_LENGTH = 500
HOW_KNOWN_MAX_LENGTH = 2_000
MESSAGE_MAX_LENGTH = 5_000
CASE_MAX_LENGTH = 300
AGENCY_MAX_LENGTH = 30


@dataclass
class ReportInput:
    """What the reporter wrote. ``case`` is a case's address (its slug, or the page's link) and
    ``agency`` an agency's code; both optional."""

    body: str
    who: str = ""
    when: str = ""
    how_known: str = ""
    case: str = ""
    agency: str = ""
    withheld_from_agency: bool = False
    concerns_integrity_unit: bool = False
    # The random token of the form as it was served: the same form sent twice files one report.
    submission: str = ""


class AlreadyFiled(Exception):
    """This very form was sent before and its report filed: ``receipt`` is that report's."""

    def __init__(self, receipt: str) -> None:
        super().__init__(receipt)
        self.receipt = receipt


def _submission_key(token: str) -> str | None:
    """What is kept of a form's token: its hash, enough to know the form again."""
    return hashlib.sha256(token.encode()).hexdigest() if token else None


class ReportRefused(DomainError):
    """The report was not filed; ``errors`` holds every reason, each naming its field."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = errors


def _case_slug(typed: str) -> str:
    """The slug from what was typed: the slug itself, or the case page's link."""
    text = typed.strip().split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return text.rsplit("/", 1)[-1].strip().lower()


@dataclass
class _Routing:
    agency_id: int | None
    case_id: int | None


def _routing(session: Session, data: ReportInput, errors: list[DomainError]) -> _Routing:
    """The agency and case the report concerns: a case brings its own agency; a named agency must
    be an active one and, with a case, the case's."""
    case = agency = None
    typed_case = (data.case or "").strip()
    if typed_case:
        if len(typed_case) > CASE_MAX_LENGTH or CONTROL_CHARACTERS.search(typed_case):
            case = None
        else:
            case = session.scalar(select(Case).where(Case.slug == _case_slug(typed_case)))
        # Only a published case: an unpublished one is not the public's to know of.
        if case is None or not case.is_published:
            case = None
            errors.append(DomainError(_("We found no published case at this address. Copy it from the case's "
                                        "page, or leave it empty."), field="case"))
    typed_agency = (data.agency or "").strip()
    if typed_agency:
        if len(typed_agency) <= AGENCY_MAX_LENGTH and not CONTROL_CHARACTERS.search(typed_agency):
            agency = session.scalar(select(Agency).where(Agency.code == typed_agency, Agency.is_active))
        if agency is None:
            errors.append(DomainError(_("Choose an agency from the list, or none."), field="agency"))
        elif case is not None and case.agency_id != agency.id:
            errors.append(DomainError(_("The case belongs to another agency. Choose that agency, or none."),
                                      field="agency"))
    agency_id = case.agency_id if case is not None else agency.id if agency is not None else None
    if data.concerns_integrity_unit and agency_id is not None and agency_id == queries.authority_agency_id(session):
        # The authority's officers read every report: ticking the box cannot keep one from them.
        errors.append(DomainError(_("The integrity authority's own officers read every report filed here, so this "
                                    "cannot be kept from them. A report about them belongs with the public "
                                    "prosecutors' office."), field="concerns_integrity_unit"))
    return _Routing(agency_id=agency_id, case_id=case.id if case is not None else None)


def _unique_receipt(session: Session) -> str:
    """A receipt no report has yet (32^8 of them, so the first nearly always is)."""
    while True:
        receipt = passphrases.new_receipt()
        if session.scalar(select(ConfidentialReport.id).where(ConfidentialReport.receipt == receipt)) is None:
            return receipt


def _optional(text: str) -> str | None:
    return (text or "").strip() or None


def _problems(session: Session, data: ReportInput, files: list[Upload]
              ) -> tuple[_Routing, list[CleanFile], list[DomainError]]:
    errors: list[DomainError] = []
    for field, text, longest, required in (
            ("body", data.body, REPORT_MAX_LENGTH, _("Describe what happened.")),
            ("who", data.who, WHO_MAX_LENGTH, None),
            ("when", data.when, WHEN_MAX_LENGTH, None),
            ("how_known", data.how_known, HOW_KNOWN_MAX_LENGTH, None)):
        error = text_error(text or "", field=field, longest=longest, required=required)
        if error:
            errors.append(error)
    routing = _routing(session, data, errors)
    cleaned, file_errors = check_uploads(files)
    return routing, cleaned, errors + file_errors


def report_errors(session: Session, data: ReportInput, files: list[Upload]) -> list[DomainError]:
    """Every reason ``file_report`` would refuse this report, each naming its field."""
    return _problems(session, data, files)[2]


def file_report(session: Session, data: ReportInput, files: list[Upload]) -> tuple[ConfidentialReport, str]:
    """File a report about a case or an agency (or neither), with up to REPORT_ATTACHMENTS_MAX files;
    the officers it is routed to hear that it waits. Returns the report and its passphrase, which is
    stored only as a hash: the caller shows it once and keeps it nowhere.

    Every problem is found before anything is written, and raised together (``ReportRefused``).
    """
    key = _submission_key(data.submission)
    if key is not None:
        earlier = session.scalar(select(ConfidentialReport.receipt).where(ConfidentialReport.submission_key == key))
        if earlier is not None:
            raise AlreadyFiled(earlier)
    routing, cleaned, errors = _problems(session, data, files)
    if errors:
        raise ReportRefused(errors)

    passphrase = passphrases.new_passphrase()
    received_at = utcnow()
    report = ConfidentialReport(
        receipt=_unique_receipt(session), passphrase_hash=passphrases.hash_passphrase(passphrase),
        agency_id=routing.agency_id, case_id=routing.case_id,
        withheld_from_agency=bool(data.withheld_from_agency),
        concerns_integrity_unit=bool(data.concerns_integrity_unit),
        status=ReportStatus.received, received_at=received_at, updated_at=received_at,
        year=to_taipei(received_at).year,
        what=data.body.strip(), who=_optional(data.who), when=_optional(data.when),
        how_known=_optional(data.how_known), submission_key=key)
    session.add(report)
    session.flush()
    for file in cleaned:
        session.add(ReportAttachment(report_id=report.id, filename=file.filename, media_type=file.media_type,
                                     size=len(file.content), content=file.content, uploaded_at=received_at))
    session.flush()
    emails.received(session, report, authority_id=queries.authority_agency_id(session))
    return report, passphrase


def open_report(session: Session, receipt: str, passphrase: str) -> ConfidentialReport | None:
    """The report with this receipt, if ``passphrase`` is its own; None otherwise. A receipt no
    report has costs the same lookup and the same hash check as a wrong passphrase, and gets the
    same answer, so neither the answer nor its time tells whether a receipt exists."""
    report = session.scalar(select(ConfidentialReport)
                            .where(ConfidentialReport.receipt == passphrases.normalize_receipt(receipt)))
    matches = passphrases.verify_passphrase(report.passphrase_hash if report is not None else None, passphrase)
    return report if report is not None and matches else None


def with_messages(session: Session, report_id: int) -> ConfidentialReport | None:
    """The report with the messages exchanged on it, oldest first, for its reporter's page."""
    return session.scalar(select(ConfidentialReport).where(ConfidentialReport.id == report_id)
                          .options(selectinload(ConfidentialReport.messages))
                          .execution_options(populate_existing=True))


def reporter_message(session: Session, report: ConfidentialReport, body: str) -> ReportMessage:
    """Add the reporter's message to an open report (a closed one takes none); the officer it is
    assigned to, or else every officer it is routed to, hears that the reporter wrote."""
    if report.is_closed:
        raise Conflict(_("This report is closed, so it takes no more messages."), field="message")
    error = text_error(body or "", field="message", longest=MESSAGE_MAX_LENGTH, required=_("Write your message."))
    if error:
        raise error
    now = utcnow()
    message = ReportMessage(report_id=report.id, author_id=None, from_reporter=True, body=body.strip(), sent_at=now)
    session.add(message)
    report.updated_at = now
    session.flush()
    emails.reporter_wrote(session, report, authority_id=queries.authority_agency_id(session))
    return message
