"""The demonstration data set: the YAML files under ``civic/demo/data/``, checked and loaded.

Every name in those files is illustrative. Agency codes follow the shape of 機關代碼, supplier
統一編號 pass the checksum and document links point at agencies' home pages, but all of them are
demonstration values (示範資料).

``read_data`` reads every file, checks each entry's fields and the names entries use for each
other, and answers a ``DemoDataError`` naming the file and the entry at the first problem.
``load`` then creates whatever part of the data set is missing through the same services the
site uses, so demo data obeys the same rules and leaves the same history, audit and mail rows.
Dates relative to the day of loading (workshops) are written as day offsets and resolved here.

What the e-procurement system announced about the cases' tenders is under ``procurement/``, one
saved ``/api/tender`` response a file, in the shape the importer reads; ``load`` stores it the way
``procurement import`` does, so the announcements go in each case's public record.
"""

from __future__ import annotations

import dataclasses
import io
import json
import secrets
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path

import yaml
from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.accounts import services as accounts
from civic.accounts.models import Company, CompanyRepresentative, User
from civic.accounts.queries import get_company_by_ubn, get_user_by_email
from civic.agencies import services as agencies
from civic.agencies.models import Agency
from civic.agencies.queries import get_agency_by_code
from civic.cases import parts
from civic.cases.parts import ContractInput, DocumentInput, MeetingInput, MemberInput, MilestoneInput
from civic.cases.queries import get_case_with_parts
from civic.cases.services import (
    ApplicationInput,
    CaseInput,
    RiskInput,
    approve_application,
    set_best_practice,
    submit_application,
)
from civic.commitments import queries as commitment_queries
from civic.commitments import services as commitments
from civic.commitments.models import CommitmentMeasure
from civic.consultations import services as consultations
from civic.consultations.models import Consultation
from civic.core import short_ids
from civic.core.permissions import SYSTEM
from civic.core.roles import Role
from civic.core.time import TAIPEI, utcnow
from civic.feedback import services as feedback
from civic.feedback.models import Comment
from civic.feedback.queries import get_feedback
from civic.pledges import default_text
from civic.pledges import services as pledges
from civic.pledges.models import AssessmentQuestionnaire, CompanyAssessment, Pledge, PledgeText
from civic.pledges.queries import current_questionnaire
from civic.procurement import services as procurement
from civic.procurement.parsing import Parsed, parse_response
from civic.reports import intake as report_intake
from civic.reports import passphrases as report_passphrases
from civic.reports import services as report_services
from civic.reports.models import ConfidentialReport, ReportStatus, ReportTally
from civic.showcase import endpoints as showcase_endpoints
from civic.showcase import screenshots as showcase_screenshots
from civic.showcase import services as showcase
from civic.showcase.labels import LICENCES
from civic.showcase.models import Challenge, ShowcaseApp
from civic.workshops import participants
from civic.workshops import queries as workshop_queries
from civic.workshops import services as workshops
from civic.workshops.models import SEATED, Workshop

DATA_DIR = Path(__file__).with_name("data")
# The files of a data set besides cases/*.yaml, one case a file, created in the order of their names.
FILES = ("agencies.yaml", "users.yaml", "suppliers.yaml", "feedback.yaml", "pledges.yaml",
         "workshops.yaml", "commitments.yaml", "consultations.yaml", "reports.yaml", "report_tallies.yaml",
         "showcase.yaml")
CASES_DIR = "cases"
# Saved /api/tender responses of the e-procurement system, one a file, about the cases' tenders.
PROCUREMENT_DIR = "procurement"

# The password of every demo account on a developer's machine (never in production).
DEMO_PASSWORD = "civic-demo-2026"  # noqa: S105 - demo machines only, random in production
ADMIN_EMAIL = "admin@demo.civic.tw"
CITIZEN_EMAIL = "citizen@demo.civic.tw"
SUPPLIER_EMAIL = "supplier@demo.civic.tw"
MODERATOR_EMAIL = "moderator@demo.civic.tw"
APPROVAL_COMMENT = "示範資料：申請內容完整，同意設置廉政平臺並公開。"


T = typing.TypeVar("T")


class DemoDataError(ValueError):
    """A demo data file that is missing, malformed, or names something the data set lacks."""


# The shapes of the entries. Entries that are a service's input use that input's dataclass.


@dataclass(frozen=True)
class AgencyEntry:
    code: str
    name_zh: str
    name_en: str
    response_days: int
    parent: str | None = None


@dataclass(frozen=True)
class UserEntry:
    email: str
    name: str
    role: Role
    agency: str | None = None
    company: accounts.CompanyInput | None = None


@dataclass(frozen=True)
class StatementEntry:
    speaker: str
    text: str


@dataclass
class MeetingEntry(MeetingInput):
    """A meeting as ``parts.add_meeting`` takes it, but each statement written as a speaker and a text."""

    statements: list[StatementEntry] = field(default_factory=list)  # type: ignore[assignment]

    def as_input(self) -> MeetingInput:
        """The service's input: the same fields, each statement as a (speaker, text) pair."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(MeetingInput)}
        return MeetingInput(**{**values, "statements": [(s.speaker, s.text) for s in self.statements]})


@dataclass(frozen=True)
class ContractEntry:
    title: str
    supplier: str  # a key of suppliers.yaml
    award_value_ntd: int
    tender_number: str = ""
    awarded_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    scope: str = ""


@dataclass(frozen=True)
class VariationEntry:
    """A change to one of the case's contracts, named by its title."""

    contract: str
    kind: str
    approved_on: date
    rationale: str
    new_value_ntd: int | None = None
    new_ends_on: date | None = None
    description: str = ""


@dataclass(frozen=True)
class BestPracticeEntry:
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class CaseEntry:
    """One case: the application its agency's staff submits, then the parts they add once published."""

    agency: str
    case: CaseInput
    reason: str
    risks: list[RiskInput] = field(default_factory=list)
    members: list[MemberInput] = field(default_factory=list)
    meetings: list[MeetingEntry] = field(default_factory=list)
    milestones: list[MilestoneInput] = field(default_factory=list)
    documents: list[DocumentInput] = field(default_factory=list)
    contracts: list[ContractEntry] = field(default_factory=list)
    funding: list[parts.FundingInput] = field(default_factory=list)
    variations: list[VariationEntry] = field(default_factory=list)
    best_practice: BestPracticeEntry | None = None
    tenders: list[parts.TenderInput] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionEntry:
    case: str
    question: str
    answer: str = ""
    unit: str = ""
    # Acknowledged (受理) by the agency but not answered yet.
    acknowledged: bool = False


@dataclass(frozen=True)
class ConsultationEntry:
    """A question the agency's demo staff asked the integrity authority; answered, and published as
    guidance with both sides' consent, as the entry says."""

    agency: str
    question: str
    case: str = ""
    stage: str = ""
    asker_agrees: bool = False
    answer: str = ""
    guidance_title: str = ""
    guidance_question: str = ""
    guidance_answer: str = ""
    published: bool = False


@dataclass(frozen=True)
class PledgeEntry:
    company: str  # 統一編號 of a supplier or a demo account's company
    case: str
    signer: str
    title: str
    withdrawn_because: str = ""


@dataclass(frozen=True)
class WorkshopEntry:
    agency: str
    case: str
    title: str
    in_days: int  # from the day of loading; negative: it took place
    capacity: int
    starts: time = time(14, 0)  # Taipei time
    hours: float = 2.5
    location: str = ""
    online_url: str = ""
    description: str = ""
    accessibility: str = ""
    questions: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # every demo attendee's answers
    sign_ups: int = 0
    attended: int = 0


@dataclass(frozen=True)
class CommitmentEntry:
    code: str
    measure: CommitmentMeasure
    title_zh: str
    title_en: str
    targets: dict[int, int] = field(default_factory=dict)
    milestones: list[commitments.MilestoneInput] = field(default_factory=list)


@dataclass(frozen=True)
class ReportEntry:
    """A confidential report filed about a case, then taken up by one of the officers it is routed to;
    its receipt and passphrase fixed, so a demonstration can open it at /report/status."""

    receipt: str
    passphrase: str
    case: str
    officer: str  # the email of an integrity officer in users.yaml
    what: str
    status: ReportStatus = ReportStatus.received
    who: str = ""
    when: str = ""
    how_known: str = ""
    # What the officer wrote to the reporter, in order.
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TallyEntry:
    """How many reports about an agency, received in a year that has ended, stand at each status. The
    public yearly counts publish no year still running, so without these the demo's one report (of
    this year) leaves them empty; they are kept as the tallies of reports deleted after retention."""

    agency: str
    year: int
    received: int = 0
    under_review: int = 0
    referred: int = 0
    closed: int = 0


@dataclass(frozen=True)
class ChallengeEntry:
    """A data challenge; it takes entries from ``starts_in_days`` to ``ends_in_days`` after loading."""

    title_zh: str
    summary_zh: str
    starts_in_days: int
    ends_in_days: int
    title_en: str = ""
    summary_en: str = ""
    rules_zh: str = ""
    rules_en: str = ""
    prizes_zh: str = ""
    prizes_en: str = ""
    link: str = ""


@dataclass(frozen=True)
class AppEntry:
    """An app built on the data, with the colour its demonstration screenshot is drawn in."""

    name: str
    summary: str
    link: str
    licence: str
    endpoints: list[str]
    colour: str
    description: str = ""
    source_link: str = ""
    challenge: str | None = None  # the Chinese title of a challenge of the same file


@dataclass(frozen=True)
class ShowcaseEntry:
    challenges: list[ChallengeEntry] = field(default_factory=list)
    apps: list[AppEntry] = field(default_factory=list)


@dataclass(frozen=True)
class DemoData:
    agencies: list[AgencyEntry]
    users: list[UserEntry]
    suppliers: dict[str, accounts.CompanyInput]
    cases: list[CaseEntry]
    feedback: list[QuestionEntry]
    pledges: list[PledgeEntry]
    workshops: list[WorkshopEntry]
    commitment: CommitmentEntry
    consultations: list[ConsultationEntry]
    reports: list[ReportEntry]
    report_tallies: list[TallyEntry]
    showcase: ShowcaseEntry
    # The announcements of each file under procurement/, by its name relative to the data directory.
    announcements: dict[str, Parsed]
    # Every file read, relative to the data directory.
    files: list[str]


# Reading and checking.


def read_data(directory: Path | None = None) -> DemoData:
    """Read and check a whole data set (by default DATA_DIR); raise ``DemoDataError`` naming the
    file and entry at fault."""
    directory = directory or DATA_DIR
    unknown = sorted(
        str(path.relative_to(directory)) for path in directory.rglob("*")
        if path.is_file() and str(path.relative_to(directory)) not in FILES
        and not (path.parent == directory / CASES_DIR and path.suffix == ".yaml")
        and not (path.parent == directory / PROCUREMENT_DIR and path.suffix == ".json")
    )
    if unknown:
        raise DemoDataError(f"{unknown[0]}: not a demo data file; the loader reads only "
                            f"{', '.join(FILES)}, {CASES_DIR}/*.yaml and {PROCUREMENT_DIR}/*.json")
    case_files = sorted(path.name for path in (directory / CASES_DIR).glob("*.yaml"))
    if not case_files:
        raise DemoDataError(f"{CASES_DIR}/: no case files")
    announcement_files = sorted(f"{PROCUREMENT_DIR}/{path.name}"
                                for path in (directory / PROCUREMENT_DIR).glob("*.json"))
    data = DemoData(
        agencies=_entries(directory, "agencies.yaml", AgencyEntry),
        users=_entries(directory, "users.yaml", UserEntry),
        suppliers=_convert(dict[str, accounts.CompanyInput], _read(directory, "suppliers.yaml"), "suppliers.yaml"),
        cases=[_build(CaseEntry, _read(directory, f"{CASES_DIR}/{name}"), f"{CASES_DIR}/{name}")
               for name in case_files],
        feedback=_entries(directory, "feedback.yaml", QuestionEntry),
        pledges=_entries(directory, "pledges.yaml", PledgeEntry),
        workshops=_entries(directory, "workshops.yaml", WorkshopEntry),
        commitment=_build(CommitmentEntry, _read(directory, "commitments.yaml"), "commitments.yaml"),
        consultations=_entries(directory, "consultations.yaml", ConsultationEntry),
        reports=_entries(directory, "reports.yaml", ReportEntry),
        report_tallies=_entries(directory, "report_tallies.yaml", TallyEntry),
        showcase=_build(ShowcaseEntry, _read(directory, "showcase.yaml"), "showcase.yaml"),
        announcements={name: _announcements(directory, name) for name in announcement_files},
        files=[*FILES, *(f"{CASES_DIR}/{name}" for name in case_files), *announcement_files],
    )
    _check_references(data, case_files)
    _check_showcase(data.showcase)
    return data


def _check_showcase(entry: ShowcaseEntry) -> None:
    """Each app names a licence of the list and, if any, a challenge of the same file."""
    titles = {challenge.title_zh for challenge in entry.challenges}
    for index, app in enumerate(entry.apps):
        where = f"showcase.yaml, apps[{index}] ({app.name})"
        if app.licence not in LICENCES:
            raise DemoDataError(f"{where}: field 'licence': {app.licence!r} is not one of {', '.join(LICENCES)}")
        if app.challenge and app.challenge not in titles:
            raise DemoDataError(f"{where}: field 'challenge': no challenge {app.challenge} in showcase.yaml")


def _read(directory: Path, name: str) -> object:
    path = directory / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DemoDataError(f"{name}: the file is missing") from None
    except yaml.YAMLError as error:
        raise DemoDataError(f"{name}: not valid YAML: {error}") from None


def _announcements(directory: Path, name: str) -> Parsed:
    """A saved /api/tender response, every record of which the importer can read."""
    try:
        parsed = parse_response(json.loads((directory / name).read_text(encoding="utf-8")))
    except ValueError as error:  # json.JSONDecodeError and RecordError are ValueErrors
        raise DemoDataError(f"{name}: not a tender response the importer reads: {error}") from None
    for problem in parsed.problems:
        raise DemoDataError(f"{name}, record {problem.index + 1} ({problem.filename or 'no filename'}): "
                            f"{problem.reason}")
    return parsed


def _entries(directory: Path, name: str, shape: type[T]) -> list[T]:
    raw = _read(directory, name)
    if not isinstance(raw, list):
        raise DemoDataError(f"{name}: expected a list of entries, found {_kind(raw)}")
    return [_build(shape, item, f"{name}, {_label(index, item)}") for index, item in enumerate(raw)]


def _label(index: int, item: object) -> str:
    """'entry 3 (A61000000)': the entry's place in its file and, when it has one, its name."""
    name = next((item[key] for key in ("code", "email", "slug", "question", "signer", "title", "receipt")
                 if isinstance(item, dict) and isinstance(item.get(key), str)), None)
    return f"entry {index + 1}" + (f" ({name[:40]})" if name else "")


def _build(shape: type[T], raw: object, where: str) -> T:
    """The dataclass ``shape`` from a mapping: every field it requires, no others, each of its type."""
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: expected a mapping of fields, found {_kind(raw)}")
    fields = {f.name: f for f in dataclasses.fields(shape) if f.init}
    hints = typing.get_type_hints(shape)
    for key in raw:
        if key not in fields:
            raise DemoDataError(f"{where}: unknown field {key!r}; the fields are {', '.join(fields)}")
    values = {}
    for name, spec in fields.items():
        if name in raw:
            values[name] = _convert(hints[name], raw[name], f"{where}: field {name!r}")
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise DemoDataError(f"{where}: field {name!r} is missing")
    return shape(**values)


def _convert(kind: object, value: object, where: str) -> typing.Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        (inner,) = (arg for arg in args if arg is not type(None))
        return _convert(inner, value, where)
    if origin is list:
        if not isinstance(value, list):
            raise DemoDataError(f"{where}: expected a list, found {_kind(value)}")
        return [_convert(args[0], item, f"{where}[{index}]") for index, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise DemoDataError(f"{where}: expected a mapping, found {_kind(value)}")
        return {_convert(args[0], key, f"{where}, key {key!r}"): _convert(args[1], item, f"{where}[{key!r}]")
                for key, item in value.items()}
    if dataclasses.is_dataclass(kind):
        return _build(kind, value, where)
    if isinstance(kind, type) and issubclass(kind, Enum):
        choices = [member.value for member in kind]
        if value not in choices:
            raise DemoDataError(f"{where}: {value!r} is not one of {', '.join(map(str, choices))}")
        return kind(value)
    if kind is Decimal:
        # Written as text so every decimal place is kept: a YAML float is binary.
        if isinstance(value, str | int) and not isinstance(value, bool):
            try:
                return Decimal(value)
            except InvalidOperation:
                pass
        raise DemoDataError(f"{where}: expected a decimal number in quotes, like '25.020000', found {value!r}")
    if kind is time:
        if isinstance(value, str):
            try:
                return time.fromisoformat(value)
            except ValueError:
                pass
        raise DemoDataError(f"{where}: expected a time in quotes, like '14:00', found {value!r}")
    if kind is date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        raise DemoDataError(f"{where}: expected a date, like 2025-06-30, found {value!r}")
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        raise DemoDataError(f"{where}: expected a number, found {_kind(value)}")
    if kind in (str, int, bool):
        if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
            return value
        raise DemoDataError(f"{where}: expected {_KIND_NAMES[kind]}, found {_kind(value)}")
    raise TypeError(f"no reading for fields of type {kind!r}")


_KIND_NAMES: dict[object, str] = {str: "text", int: "a whole number", bool: "true or false", list: "a list",
                                  dict: "a mapping", float: "a number", type(None): "nothing"}


def _kind(value: object) -> str:
    if isinstance(value, date | datetime):
        return f"the date {value}"
    return f"{_KIND_NAMES.get(type(value), type(value).__name__)} ({str(value)[:40]!r})"


def _check_references(data: DemoData, case_files: list[str]) -> None:
    """Every name an entry uses for another entry exists, and names meant to be unique are."""
    codes: set[str] = set()
    for index, agency in enumerate(data.agencies):
        where = f"agencies.yaml, {_label(index, vars(agency))}"
        if agency.code in codes:
            raise DemoDataError(f"{where}: the code is listed twice")
        if agency.parent is not None and agency.parent not in codes:
            raise DemoDataError(f"{where}: the parent {agency.parent} is not listed before it")
        codes.add(agency.code)
    emails: set[str] = set()
    for index, user in enumerate(data.users):
        where = f"users.yaml, {_label(index, vars(user))}"
        if user.email in emails:
            raise DemoDataError(f"{where}: the email is listed twice")
        emails.add(user.email)
        if user.agency is not None and user.agency not in codes:
            raise DemoDataError(f"{where}: field 'agency': no agency {user.agency} in agencies.yaml")
    for email in (ADMIN_EMAIL, CITIZEN_EMAIL, SUPPLIER_EMAIL):
        if email not in emails:
            raise DemoDataError(f"users.yaml: the account {email} is missing")
    slugs: set[str] = set()
    for name, entry in zip(case_files, data.cases, strict=True):
        where = f"{CASES_DIR}/{name}"
        if entry.case.slug in slugs:
            raise DemoDataError(f"{where}: the slug {entry.case.slug} is used by another case")
        slugs.add(entry.case.slug)
        if entry.agency not in codes:
            raise DemoDataError(f"{where}: field 'agency': no agency {entry.agency} in agencies.yaml")
        for index, contract in enumerate(entry.contracts):
            if contract.supplier not in data.suppliers:
                raise DemoDataError(f"{where}: field 'contracts'[{index}]: no supplier {contract.supplier!r} "
                                    "in suppliers.yaml")
        titles = {contract.title for contract in entry.contracts}
        for index, variation in enumerate(entry.variations):
            if variation.contract not in titles:
                raise DemoDataError(f"{where}: field 'variations'[{index}]: no contract {variation.contract!r} "
                                    "in the case's contracts")
        tenders: set[tuple[str, str]] = set()
        for index, tender in enumerate(entry.tenders):
            key = (tender.unit_id, tender.job_number)
            if not (parts.TENDER_UNIT_ID.fullmatch(tender.unit_id)
                    and parts.TENDER_JOB_NUMBER.fullmatch(tender.job_number)):
                raise DemoDataError(f"{where}: field 'tenders'[{index}]: {' '.join(key)} is not an e-procurement "
                                    "agency code and case number, such as 3.76.47 and CQ850-2026")
            if key in tenders:
                raise DemoDataError(f"{where}: field 'tenders'[{index}]: the tender is listed twice")
            tenders.add(key)
    used = {contract.supplier for entry in data.cases for contract in entry.contracts}
    for key in data.suppliers:
        if key not in used:
            raise DemoDataError(f"suppliers.yaml: {key}: no case's contract names this supplier")
    ubns = {company.ubn for company in data.suppliers.values()} | {
        user.company.ubn for user in data.users if user.company is not None}
    for file, entries in (("feedback.yaml", data.feedback), ("pledges.yaml", data.pledges),
                          ("workshops.yaml", data.workshops)):
        for index, entry in enumerate(entries):
            where = f"{file}, {_label(index, vars(entry))}"
            if entry.case not in slugs:
                raise DemoDataError(f"{where}: field 'case': no case {entry.case} in {CASES_DIR}/")
            if isinstance(entry, PledgeEntry) and entry.company not in ubns:
                raise DemoDataError(f"{where}: field 'company': no company {entry.company} "
                                    "in suppliers.yaml or users.yaml")
            if isinstance(entry, WorkshopEntry) and entry.agency not in codes:
                raise DemoDataError(f"{where}: field 'agency': no agency {entry.agency} in agencies.yaml")
    for index, consultation in enumerate(data.consultations):
        where = f"consultations.yaml, {_label(index, vars(consultation))}"
        if consultation.agency not in codes:
            raise DemoDataError(f"{where}: field 'agency': no agency {consultation.agency} in agencies.yaml")
        if consultation.case and consultation.case not in slugs:
            raise DemoDataError(f"{where}: field 'case': no case {consultation.case} in {CASES_DIR}/")
    _check_reports(data, slugs)
    _check_tallies(data, codes)
    _check_announcements(data)


def _check_reports(data: DemoData, slugs: set[str]) -> None:
    """Each report has a receipt of the site's shape, used once, a passphrase as the site makes them, a
    demo case and an integrity officer of users.yaml. None is closed: closing needs the officer's
    reason, which the data set does not hold."""
    officers = {user.email for user in data.users if user.role == Role.integrity_officer}
    receipts: set[str] = set()
    for index, entry in enumerate(data.reports):
        where = f"reports.yaml, {_label(index, vars(entry))}"
        if not short_ids.pattern(report_passphrases.RECEIPT_PREFIX).fullmatch(entry.receipt):
            raise DemoDataError(f"{where}: field 'receipt': not a receipt such as R-7K3M-9QXP "
                                "(Crockford's base-32: no I, L, O or U)")
        if entry.receipt in receipts:
            raise DemoDataError(f"{where}: the receipt is listed twice")
        receipts.add(entry.receipt)
        if report_passphrases.normalize_passphrase(entry.passphrase) != entry.passphrase:
            raise DemoDataError(f"{where}: field 'passphrase': lower-case words joined by dashes, "
                                "such as harbor-lantern-copper-velvet-ladder")
        if entry.case not in slugs:
            raise DemoDataError(f"{where}: field 'case': no case {entry.case} in {CASES_DIR}/")
        if entry.officer not in officers:
            raise DemoDataError(f"{where}: field 'officer': no integrity officer {entry.officer} in users.yaml")
        if entry.status == ReportStatus.closed:
            raise DemoDataError(f"{where}: field 'status': a demo report is not closed")


def _check_tallies(data: DemoData, codes: set[str]) -> None:
    """Each tally names an agency of agencies.yaml, once a year, with counts none of which is negative."""
    seen: set[tuple[str, int]] = set()
    for index, entry in enumerate(data.report_tallies):
        where = f"report_tallies.yaml, entry {index + 1} ({entry.agency} {entry.year})"
        if entry.agency not in codes:
            raise DemoDataError(f"{where}: field 'agency': no agency {entry.agency} in agencies.yaml")
        if (entry.agency, entry.year) in seen:
            raise DemoDataError(f"{where}: the agency and year are listed twice")
        seen.add((entry.agency, entry.year))
        for status in ReportStatus:
            if getattr(entry, status.value) < 0:
                raise DemoDataError(f"{where}: field {status.value!r}: a count is not negative")


def _check_announcements(data: DemoData) -> None:
    """Every announcement is about a tender a case names, and a demo company in it has its own name."""
    tenders = {(tender.unit_id, tender.job_number) for entry in data.cases for tender in entry.tenders}
    names = {company.ubn: company.name for company in data.suppliers.values()} | {
        user.company.ubn: user.company.name for user in data.users if user.company is not None}
    for file, parsed in data.announcements.items():
        for index, announcement in enumerate(parsed.announcements):
            where = f"{file}, record {index + 1} ({announcement.filename})"
            if (announcement.unit_id, announcement.job_number) not in tenders:
                raise DemoDataError(f"{where}: no case in {CASES_DIR}/ names the tender "
                                    f"{announcement.unit_id} {announcement.job_number}")
            for company in announcement.companies:
                if company.ubn in names and company.name != names[company.ubn]:
                    raise DemoDataError(f"{where}: the company {company.ubn} is {names[company.ubn]} "
                                        f"in the data set, not {company.name}")


# Loading.


@dataclass
class LoadReport:
    agencies: int = 0
    accounts: int = 0
    cases: int = 0
    comments: int = 0
    pledges: int = 0
    workshops: int = 0
    announcements: int = 0
    consultations: int = 0
    reports: int = 0
    report_tallies: int = 0
    apps: int = 0
    password: str = DEMO_PASSWORD


def load(session: Session, *, random_passwords: bool = False, directory: Path | None = None) -> LoadReport:
    """Create whatever part of the demo data is missing; running it twice changes nothing."""
    data = read_data(directory)
    report = LoadReport()
    if random_passwords:
        report.password = secrets.token_urlsafe(12)
    by_code: dict[str, Agency] = {}
    for entry in data.agencies:
        agency = get_agency_by_code(session, entry.code)
        if agency is None:
            agency = agencies.create_agency(
                session, code=entry.code, name_zh=entry.name_zh, name_en=entry.name_en,
                parent=by_code.get(entry.parent) if entry.parent else None,
                response_days=entry.response_days, actor=SYSTEM,
            )
            report.agencies += 1
        by_code[entry.code] = agency
    for user in data.users:
        if get_user_by_email(session, user.email) is not None:
            continue
        company = None
        if user.company:
            company = accounts.get_or_create_company(session, user.company, actor_id=None)
        accounts.create_user(
            session, email=user.email, password=report.password, display_name=user.name, role=user.role,
            agency=by_code[user.agency] if user.agency else None, company=company, verified=True,
        )
        report.accounts += 1
    staff_by_agency_code = _case_staff(session, data, by_code, report)
    admin = get_user_by_email(session, ADMIN_EMAIL)
    if admin is not None and admin.role != Role.admin:
        admin = None
    supplier = _active(get_user_by_email(session, SUPPLIER_EMAIL))
    if _active(admin) is not None:
        report.cases = _load_cases(session, data, admin=admin, staff_by_agency_code=staff_by_agency_code)
    report.announcements = _load_announcements(session, data.announcements)
    if admin is not None and supplier is not None:
        report.pledges = _load_pledges(session, data.pledges, admin=admin, supplier=supplier)
    report.workshops = _load_workshops(session, data.workshops, staff_by_agency_code=staff_by_agency_code)
    if _active(admin) is not None:
        _load_commitment(session, data.commitment, admin=admin)
        report.consultations = _load_consultations(session, data.consultations, admin=admin,
                                                   staff_by_agency_code=staff_by_agency_code)
    # A demonstration report's passphrase is published in the README: never on a site whose accounts
    # got random passwords (one that may face the public).
    report.reports = 0 if random_passwords else _load_reports(session, data.reports)
    # Numbers only, of no report anyone can open: loaded whatever the passwords.
    report.report_tallies = _load_tallies(session, data.report_tallies, by_code)
    citizen = _active(get_user_by_email(session, CITIZEN_EMAIL))
    if citizen is not None and citizen.is_verified:
        report.comments = _load_feedback(session, data.feedback, citizen=citizen,
                                         staff_by_agency_code=staff_by_agency_code)
    moderator = _active(get_user_by_email(session, MODERATOR_EMAIL))
    if citizen is not None and moderator is not None:
        report.apps = _load_showcase(session, data.showcase, maker=citizen, moderator=moderator)
    return report


def staff_email(agency_code: str) -> str:
    """The demo staff account of an agency: the one in users.yaml, else staff.<code>@demo.civic.tw."""
    return _staff_email(_entries(DATA_DIR, "users.yaml", UserEntry), agency_code)


def _staff_email(users: list[UserEntry], agency_code: str) -> str:
    for user in users:
        if user.role == Role.staff and user.agency == agency_code:
            return user.email
    return f"staff.{agency_code.lower()}@demo.civic.tw"


def _active(user: User | None) -> User | None:
    return user if user is not None and user.is_active else None


def _case_staff(session: Session, data: DemoData, by_code: dict[str, Agency],
                report: LoadReport) -> dict[str, User]:
    """One verified staff account for every agency that owns a demo case, created if missing.

    An existing account that is no longer active staff of that agency is left alone, and that
    agency's cases are not loaded.
    """
    staff: dict[str, User] = {}
    for code in dict.fromkeys(entry.agency for entry in data.cases):
        agency = by_code[code]
        email = _staff_email(data.users, code)
        user = get_user_by_email(session, email)
        if user is None:
            user = accounts.create_user(
                session, email=email, password=report.password,
                display_name=f"{agency.name_zh}承辦人", role=Role.staff, agency=agency, verified=True,
            )
            report.accounts += 1
        if user.role == Role.staff and user.agency_id == agency.id and user.is_active:
            staff[code] = user
    return staff


def _load_cases(session: Session, data: DemoData, *, admin: User, staff_by_agency_code: dict[str, User]) -> int:
    """Create the cases that do not exist yet and return how many were created.

    Each case is applied for by a staff member of its agency, approved by ``admin``, filled in
    with its parts by the same staff member, and featured by ``admin`` when it is a best
    practice. A case whose slug exists is skipped, and so is one whose agency has no staff here.
    """
    created = 0
    for entry in data.cases:
        slug = entry.case.slug
        staff = staff_by_agency_code.get(entry.agency)
        if staff is None or get_case_with_parts(session, slug) is not None:
            continue
        case = submit_application(session, ApplicationInput(
            case=entry.case, reason=entry.reason, risks=entry.risks, is_demo=True), actor=staff)
        approve_application(session, case, actor=admin, comment=APPROVAL_COMMENT)
        session.flush()
        case = get_case_with_parts(session, slug)
        assert case is not None
        for member in entry.members:
            parts.add_member(case, member, actor=staff)
        for meeting in entry.meetings:
            parts.add_meeting(case, meeting.as_input(), actor=staff)
        for milestone in entry.milestones:
            parts.add_milestone(case, milestone, actor=staff)
        for document in entry.documents:
            parts.add_document(case, document, actor=staff)
        for contract in entry.contracts:
            supplier = data.suppliers[contract.supplier]
            parts.add_contract(case, ContractInput(
                title=contract.title, ubn=supplier.ubn, company_name=supplier.name,
                award_value_ntd=contract.award_value_ntd, tender_number=contract.tender_number,
                awarded_on=contract.awarded_on, starts_on=contract.starts_on, ends_on=contract.ends_on,
                scope=contract.scope), actor=staff)
        for source in entry.funding:
            parts.add_funding(case, source, actor=staff)
        contract_ids = {contract.title: contract.id for contract in case.contracts}
        for variation in entry.variations:
            parts.add_variation(case, parts.VariationInput(
                contract_id=contract_ids[variation.contract], kind=variation.kind, approved_on=variation.approved_on,
                rationale=variation.rationale, new_value_ntd=variation.new_value_ntd,
                new_ends_on=variation.new_ends_on, description=variation.description), actor=staff)
        for tender in entry.tenders:
            parts.add_tender(case, tender, actor=staff)
        if entry.best_practice:
            set_best_practice(session, case, actor=admin, is_best=True,
                              reason_zh=entry.best_practice.reason_zh, reason_en=entry.best_practice.reason_en)
        session.flush()
        created += 1
    return created


def _load_announcements(session: Session, files: dict[str, Parsed]) -> int:
    """Store the announcements not stored yet, as ``procurement import`` would; return how many.

    Each is stored under the tenders cases name and goes in their public record, added by the
    system; one whose tender no case names (its case was not loaded) is left out.
    """
    return sum(procurement.store(session, parsed, source=f"demo:{name}", actor=SYSTEM).added
               for name, parsed in files.items())


def _load_pledges(session: Session, entries: list[PledgeEntry], *, admin: User, supplier: User) -> int:
    """Publish the default pledge text and self-assessment questionnaire, sign the pledges once and
    answer the self-assessment for the first pledge's company; return how many pledges were signed.

    The demo supplier becomes a confirmed representative of each pledge's company.
    """
    if session.scalar(select(func.count(PledgeText.id))) == 0:
        pledges.publish_text(session, pledges.TextInput(
            title_zh=default_text.TITLE_ZH, title_en=default_text.TITLE_EN,
            body_zh=default_text.BODY_ZH, body_en=default_text.BODY_EN), case=None, actor=admin)
    if session.scalar(select(func.count(AssessmentQuestionnaire.id))) == 0:
        pledges.publish_questionnaire(session, [pledges.Question(**question) for question in default_text.QUESTIONS],
                                      actor=admin)
    signed = 0
    # Pledges once; the self-assessment below also on a site loaded before it existed.
    already_signed = bool(session.scalar(select(func.count(Pledge.id))))
    for entry in [] if already_signed else entries:
        company = get_company_by_ubn(session, entry.company)
        case = get_case_with_parts(session, entry.case)
        if company is None or case is None:
            continue
        link = session.scalar(select(CompanyRepresentative).where(
            CompanyRepresentative.company_id == company.id, CompanyRepresentative.user_id == supplier.id))
        if link is None:
            session.add(CompanyRepresentative(company_id=company.id, user_id=supplier.id, confirmed_at=utcnow()))
            session.flush()
        pledge = pledges.sign(session, pledges.SignInput(
            ubn=entry.company, signer_name=entry.signer, signer_title=entry.title, agree=True, case=case),
            actor=supplier)
        if entry.withdrawn_because:
            pledges.withdraw(session, pledge, actor=supplier, reason=entry.withdrawn_because)
        signed += 1
    if entries and session.scalar(select(func.count(CompanyAssessment.id))) == 0:
        company = get_company_by_ubn(session, entries[0].company)
        if company is not None:
            _answer_self_assessment(session, company, supplier=supplier)
    return signed


# What the demo supplier says of its own integrity programme: mostly in place, training and audit
# of payments under way.
DEMO_ANSWERS = {"training": ("partly", "今年已辦理主管誠信講習，基層人員課程預定下半年完成。"),
                "payment_controls": ("partly", "顧問費已納入內部稽核；代理費之查核程序尚在建立。")}


def _answer_self_assessment(session: Session, company: Company, *, supplier: User) -> None:
    questionnaire = current_questionnaire(session)
    if questionnaire is None:
        return
    answers = {question["key"]: pledges.Answer(*DEMO_ANSWERS.get(question["key"], ("yes", "")))
               for question in questionnaire.questions}
    pledges.submit_assessment(session, company, version=questionnaire.version, answers=answers, actor=supplier)


def _workshop_start(entry: WorkshopEntry, now: datetime) -> datetime:
    day = now.astimezone(TAIPEI).date() + timedelta(days=entry.in_days)
    return datetime.combine(day, entry.starts, tzinfo=TAIPEI).astimezone(now.tzinfo)


def _load_workshops(session: Session, entries: list[WorkshopEntry], *,
                    staff_by_agency_code: dict[str, User]) -> int:
    """Create the workshops that are missing (matched by title); return how many were created.

    A workshop whose agency has no staff member here, or whose case is missing or unpublished,
    is skipped. Attendees sign up as 示範參加者<n> with attendee<n>@demo.civic.tw.
    """
    existing = set(session.scalars(select(Workshop.title).where(Workshop.is_demo.is_(True))))
    now = utcnow()
    created = 0
    for entry in entries:
        staff = staff_by_agency_code.get(entry.agency)
        case = get_case_with_parts(session, entry.case)
        if entry.title in existing or staff is None or case is None or not case.is_published:
            continue
        starts = _workshop_start(entry, now)
        # Past workshops are entered as they were: held two weeks ahead, signed up for a week ahead.
        held_at = min(now, starts - timedelta(days=14))
        workshop = workshops.create_workshop(session, workshops.WorkshopInput(
            title=entry.title, starts_at=starts, ends_at=starts + timedelta(hours=entry.hours),
            capacity=entry.capacity, location=entry.location, online_url=entry.online_url,
            description=entry.description, case_slug=entry.case, accessibility=entry.accessibility,
            questions=list(entry.questions)), actor=staff, now=held_at, is_demo=True)
        signed_at = min(now, starts - timedelta(days=7))
        for number in range(1, entry.sign_ups + 1):
            workshops.sign_up(session, workshop, workshops.SignupInput(
                name=f"示範參加者{number}", email=f"attendee{number}@demo.civic.tw",
                phone=f"0900 000 {number:03d}", consent=True, answers=list(entry.answers)), now=signed_at)
        if entry.attended:
            seated = [r.id for r in workshop_queries.list_registrations_with(session, workshop.id, SEATED)]
            participants.record_attendance(session, workshop, set(seated[:entry.attended]), actor=staff,
                                           now=starts + timedelta(hours=1))
        created += 1
    return created


def _load_commitment(session: Session, entry: CommitmentEntry, *, admin: User) -> int:
    """Give the commitment its targets for the years it has none, and its milestones when it has
    none; return how many were added. The commitment itself comes with the migration."""
    commitment = commitment_queries.get_commitment_by_code(session, entry.code)
    if commitment is None:
        commitments.create_commitment(session, entry.code, entry.measure, commitments.CommitmentInput(
            title_zh=entry.title_zh, title_en=entry.title_en), actor=admin)
        commitment = commitment_queries.get_commitment_by_code(session, entry.code)
    added = 0
    known = {target.year for target in commitment.targets}
    for year, target in entry.targets.items():
        if year not in known:
            commitments.set_target(session, commitment, year=year, target=target, actor=admin)
            added += 1
    if not commitment.milestones:
        for milestone in entry.milestones:
            commitments.add_milestone(session, commitment, milestone, actor=admin)
            added += 1
    return added


def _load_consultations(session: Session, entries: list[ConsultationEntry], *, admin: User,
                        staff_by_agency_code: dict[str, User]) -> int:
    """Ask the questions not asked yet (matched by their text), answer and publish them as their
    entries say; return how many were asked. Made through the consultation services, so they are
    audited and mailed like any other."""
    asked = set(session.scalars(select(Consultation.question)))
    created = 0
    for entry in entries:
        staff = staff_by_agency_code.get(entry.agency)
        if entry.question in asked or staff is None:
            continue
        case = get_case_with_parts(session, entry.case) if entry.case else None
        consultation = consultations.ask(session, consultations.QuestionInput(
            question=entry.question, case_id=case.id if case is not None else None, stage=entry.stage or None,
            agrees_to_publish=entry.asker_agrees), actor=staff)
        created += 1
        if not entry.answer:
            continue
        consultations.answer(session, consultation, entry.answer, actor=admin)
        if entry.guidance_title:
            consultations.save_guidance(session, consultation, consultations.GuidanceInput(
                title=entry.guidance_title, question=entry.guidance_question, answer=entry.guidance_answer,
                agrees_to_publish=True), actor=admin)
        if entry.published:
            consultations.publish(session, consultation, actor=admin)
    return created


def _load_feedback(session: Session, entries: list[QuestionEntry], *, citizen: User,
                   staff_by_agency_code: dict[str, User]) -> int:
    """Post the citizen's questions once, then acknowledge or answer them as their entries say;
    return how many were posted. Made through the feedback services, so they are routed, tracked
    and mailed like any other."""
    already = session.scalar(select(func.count(Comment.id)).where(Comment.author_id == citizen.id)) or 0
    if already:
        return 0
    posted = 0
    for entry in entries:
        case = get_case_with_parts(session, entry.case)
        if case is None:
            continue
        comment = feedback.submit_comment(session, case, feedback.CommentInput(body=entry.question), author=citizen)
        posted += 1
        staff = staff_by_agency_code.get(case.agency.code)
        if staff is None or not (entry.answer or entry.acknowledged):
            continue
        item = get_feedback(session, comment.feedback.tracking_number)
        if entry.answer:
            feedback.publish_response(session, item, actor=staff, body=entry.answer, unit=entry.unit)
        else:
            feedback.acknowledge(session, item, actor=staff)
    return posted


def _load_reports(session: Session, entries: list[ReportEntry]) -> int:
    """File the reports whose receipt no report has, through the same service as /report, then give
    each its fixed receipt and passphrase; its officer takes it up (the status, then the messages)
    through the officers' services. Return how many were filed. A report whose case or officer is
    missing, or whose officer is not active, is skipped."""
    filed = 0
    for entry in entries:
        if session.scalar(select(ConfidentialReport.id).where(ConfidentialReport.receipt == entry.receipt)):
            continue
        officer = _active(get_user_by_email(session, entry.officer))
        if (officer is None or officer.role != Role.integrity_officer
                or get_case_with_parts(session, entry.case) is None):
            continue
        report, _passphrase = report_intake.file_report(session, report_intake.ReportInput(
            body=entry.what, who=entry.who, when=entry.when, how_known=entry.how_known, case=entry.case), [])
        report.receipt = entry.receipt
        report.passphrase_hash = report_passphrases.hash_passphrase(entry.passphrase)
        session.flush()
        report_services.assign(session, report, officer, actor=officer)
        if entry.status != ReportStatus.received:
            report_services.change_status(session, report, entry.status, actor=officer)
        for body in entry.messages:
            report_services.send_message(session, report, body, actor=officer)
        filed += 1
    return filed


def _demo_screenshot(colour: str, seed: int) -> bytes:
    """A picture of a made-up dashboard in ``colour``: a title bar and a few bars of a chart."""
    picture = Image.new("RGB", (960, 600), "#f3f9f9")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, 960, 72), fill=colour)
    draw.rectangle((40, 110, 600, 150), fill="#cecece")
    for index in range(7):
        height = 60 + (seed * 37 + index * 53) % 300
        draw.rectangle((60 + index * 120, 560 - height, 140 + index * 120, 560), fill=colour)
    output = io.BytesIO()
    picture.save(output, "PNG")
    return output.getvalue()


def _load_showcase(session: Session, entry: ShowcaseEntry, *, maker: User, moderator: User) -> int:
    """Announce the challenges whose Chinese title no challenge has, then submit the apps whose name no
    app has, as the demo citizen, and have the demo moderator approve them; return how many apps were
    made. Made through the showcase services, so they are audited (and mailed) like any other."""
    today = utcnow().astimezone(TAIPEI).date()
    challenges = {challenge.title_zh: challenge for challenge in session.scalars(select(Challenge))}
    for item in entry.challenges:
        if item.title_zh not in challenges:
            challenges[item.title_zh] = showcase.create_challenge(session, showcase.ChallengeInput(
                title_zh=item.title_zh, title_en=item.title_en, summary_zh=item.summary_zh,
                summary_en=item.summary_en, rules_zh=item.rules_zh, rules_en=item.rules_en,
                prizes_zh=item.prizes_zh, prizes_en=item.prizes_en, link=item.link,
                starts_on=today + timedelta(days=item.starts_in_days),
                ends_on=today + timedelta(days=item.ends_in_days)), actor=SYSTEM)
    names = set(session.scalars(select(ShowcaseApp.name)))
    documented = [read.path for read in showcase_endpoints.documented_reads(current_app)]
    made = 0
    for index, item in enumerate(entry.apps):
        if item.name in names:
            continue
        challenge = challenges.get(item.challenge) if item.challenge else None
        picture = showcase_screenshots.clean(_demo_screenshot(item.colour, index))
        if not isinstance(picture, showcase_screenshots.CleanScreenshot):
            raise DemoDataError(f"showcase.yaml, apps[{index}]: {picture.message}")
        app = showcase.submit_app(session, showcase.AppInput(
            name=item.name, summary=item.summary, link=item.link, licence=item.licence, endpoints=item.endpoints,
            description=item.description, source_link=item.source_link,
            challenge_id=challenge.id if challenge is not None else None),
            picture, actor=maker, documented=documented, today=today)
        showcase.approve_app(session, app, actor=moderator, version=app.version)
        made += 1
    return made


def _load_tallies(session: Session, entries: list[TallyEntry], by_code: dict[str, Agency]) -> int:
    """Add each count above zero whose agency, year and status has no tally yet; return how many were
    added. A tally already there is left as it is, whatever its count."""
    kept = {(agency_id, year, status) for agency_id, year, status in session.execute(
        select(ReportTally.agency_id, ReportTally.year, ReportTally.status))}
    added = 0
    for entry in entries:
        agency = by_code.get(entry.agency)
        if agency is None:
            continue
        for status in ReportStatus:
            count = getattr(entry, status.value)
            if count > 0 and (agency.id, entry.year, str(status)) not in kept:
                session.add(ReportTally(agency_id=agency.id, year=entry.year, status=str(status), count=count))
                added += 1
    session.flush()
    return added
