"""Reads of pledges and pledge texts: the registry, one receipt, a company's page and the search for
companies, a case's coverage, the self-assessments. Reads only; a company without a name on record
shows nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from civic.accounts.models import Company, CompanyRepresentative
from civic.accounts.ubn import normalize as normalize_ubn
from civic.agencies.models import Agency
from civic.cases.models import Case, CaseContract, CaseTender
from civic.core.pagination import Page, paginate
from civic.pledges.models import AssessmentQuestionnaire, CompanyAssessment, Pledge, PledgeText
from civic.procurement.models import Announcement, AnnouncementCompany


def latest_text(session: Session, case: Case | None) -> PledgeText | None:
    """The text to sign: the case's own latest version if it has one, else the general one."""
    if case is not None:
        own = session.scalar(select(PledgeText).where(PledgeText.case_id == case.id)
                             .order_by(PledgeText.version.desc()).limit(1))
        if own is not None:
            return own
    return session.scalar(select(PledgeText).where(PledgeText.case_id.is_(None))
                          .order_by(PledgeText.version.desc()).limit(1))


def list_texts(session: Session) -> list[PledgeText]:
    return list(session.scalars(select(PledgeText).options(selectinload(PledgeText.case))
                                .order_by(PledgeText.case_id.is_(None).desc(), PledgeText.case_id,
                                          PledgeText.version.desc())))


def current_questionnaire(session: Session) -> AssessmentQuestionnaire | None:
    """The self-assessment questionnaire to answer: the latest version published."""
    return session.scalar(select(AssessmentQuestionnaire).order_by(AssessmentQuestionnaire.version.desc()).limit(1))


def list_questionnaires(session: Session) -> list[AssessmentQuestionnaire]:
    return list(session.scalars(select(AssessmentQuestionnaire).order_by(AssessmentQuestionnaire.version.desc())))


def list_company_assessments(session: Session, company_id: int) -> list[CompanyAssessment]:
    """The company's self-assessments, latest first, each with the version it answered: one query."""
    return list(session.scalars(
        select(CompanyAssessment).where(CompanyAssessment.company_id == company_id)
        .options(joinedload(CompanyAssessment.questionnaire))
        .order_by(CompanyAssessment.submitted_at.desc(), CompanyAssessment.id.desc())))


def _options(statement: Select) -> Select:
    return statement.options(selectinload(Pledge.company), selectinload(Pledge.text),
                             selectinload(Pledge.case).selectinload(Case.agency))


def get_pledge(session: Session, receipt: str) -> Pledge | None:
    return session.scalar(_options(select(Pledge).where(Pledge.receipt == receipt)))


@dataclass(frozen=True)
class PledgeFilters:
    q: str | None = None
    case: str | None = None
    agency: str | None = None
    status: str | None = None


def list_pledges(session: Session, filters: PledgeFilters, *, page: int, per_page: int = 25) -> Page[Pledge]:
    """The public registry: newest first, searchable by company name or UBN."""
    statement = select(Pledge).join(Company, Company.id == Pledge.company_id)
    if filters.q:
        pattern = f"%{filters.q.strip()}%"
        statement = statement.where(or_(Company.name.like(pattern), Company.ubn.like(pattern)))
    if filters.case or filters.agency:
        statement = statement.join(Case, Case.id == Pledge.case_id)
        if filters.case:
            statement = statement.where(Case.slug == filters.case)
        if filters.agency:
            statement = statement.join(Agency, Agency.id == Case.agency_id).where(Agency.code == filters.agency)
    if filters.status:
        statement = statement.where(Pledge.status == filters.status)
    return paginate(session, _options(statement).order_by(Pledge.signed_at.desc(), Pledge.id.desc()),
                    page=page, per_page=per_page)


def list_company_pledges(session: Session, company_id: int) -> list[Pledge]:
    return list(session.scalars(_options(select(Pledge).where(Pledge.company_id == company_id))
                                .order_by(Pledge.signed_at.desc())))


def confirmed_companies(session: Session, user_id: int) -> list[Company]:
    """The companies a person's representation of has been confirmed."""
    return list(session.scalars(
        select(Company).join(CompanyRepresentative, CompanyRepresentative.company_id == Company.id)
        .where(CompanyRepresentative.user_id == user_id, CompanyRepresentative.confirmed_at.is_not(None))
        .order_by(Company.name)))


def represents(session: Session, user_id: int, company_id: int) -> bool:
    """True when the person's representation of the company has been confirmed."""
    return session.scalar(select(CompanyRepresentative.id).where(
        CompanyRepresentative.user_id == user_id, CompanyRepresentative.company_id == company_id,
        CompanyRepresentative.confirmed_at.is_not(None)).limit(1)) is not None


def representations(session: Session, user_id: int) -> list[CompanyRepresentative]:
    return list(session.scalars(
        select(CompanyRepresentative).where(CompanyRepresentative.user_id == user_id)
        .options(selectinload(CompanyRepresentative.company)).order_by(CompanyRepresentative.created_at)))


def list_company_contracts(session: Session, company_id: int) -> list[CaseContract]:
    """The contracts the company holds on published cases, newest award first (undated last), each
    with its case and linked tender: two queries however many."""
    return list(session.scalars(
        select(CaseContract).join(Case, Case.id == CaseContract.case_id)
        .where(CaseContract.company_id == company_id, Case.is_published)
        .options(joinedload(CaseContract.case), selectinload(CaseContract.tender))
        .order_by(CaseContract.awarded_on.desc().nulls_last(), CaseContract.id.desc())))


def announced_name(session: Session, ubn: str) -> str | None:
    """The name the latest announcement of a published case gives the 統一編號, if any names it: what
    a bidder the platform has no company record of is called."""
    return session.scalar(
        select(AnnouncementCompany.name)
        .join(Announcement, Announcement.id == AnnouncementCompany.announcement_id)
        .join(CaseTender, CaseTender.id == Announcement.tender_id)
        .join(Case, Case.id == CaseTender.case_id)
        .where(AnnouncementCompany.ubn == ubn, Case.is_published, AnnouncementCompany.name != "")
        .order_by(Announcement.published_on.desc(), Announcement.id.desc()).limit(1))


@dataclass(frozen=True)
class CompanyListing:
    """A company in the search, with how many pledges it signed and contracts it holds on
    published cases."""

    company: Company
    pledges: int
    contracts: int


def search_companies(session: Session, q: str | None, *, page: int, per_page: int = 25) -> Page[CompanyListing]:
    """Named companies, by name: all of them, or those whose name holds ``q``; a 統一編號 of eight
    digits goes straight to the company by its unique index, and fewer digits match its start.

    A substring match (ILIKE) cannot use an index; at a few thousand companies the scan costs less
    than a trigram index would to keep, so revisit only if the table grows by orders of magnitude.
    """
    statement = select(Company).where(Company.name != "")
    if q:
        digits = normalize_ubn(q)
        if len(digits) == 8 and digits.isdigit():
            statement = statement.where(Company.ubn == digits)
        elif digits.isdigit():
            statement = statement.where(or_(Company.ubn.startswith(digits, autoescape=True),
                                            Company.name.icontains(q, autoescape=True)))
        else:
            statement = statement.where(Company.name.icontains(q, autoescape=True))
    found = paginate(session, statement.order_by(Company.name, Company.id), page=page, per_page=per_page)
    ids = [company.id for company in found.items]
    pledges = dict(session.execute(select(Pledge.company_id, func.count(Pledge.id))
                                   .where(Pledge.company_id.in_(ids)).group_by(Pledge.company_id)).all()) \
        if ids else {}
    contracts = dict(session.execute(
        select(CaseContract.company_id, func.count(CaseContract.id)).join(Case, Case.id == CaseContract.case_id)
        .where(CaseContract.company_id.in_(ids), Case.is_published).group_by(CaseContract.company_id)).all()) \
        if ids else {}
    return Page([CompanyListing(company, pledges.get(company.id, 0), contracts.get(company.id, 0))
                 for company in found.items], found.number, found.per_page, found.total)


@dataclass(frozen=True)
class Standing:
    """Where one contracted supplier stands on pledging for the case: ``pledged``, ``breached``,
    ``withdrawn`` or ``none``, with the date of the breach finding or the withdrawal."""

    company: Company
    state: str
    on: datetime | None = None


@dataclass(frozen=True)
class Coverage:
    suppliers: list[Standing]

    @property
    def contracted(self) -> list[Company]:
        return [standing.company for standing in self.suppliers]

    @property
    def pledged(self) -> int:
        """Suppliers holding an active pledge for the case with no breach found: only these count."""
        return sum(1 for standing in self.suppliers if standing.state == "pledged")


def _standing(company: Company, pledges: list[Pledge]) -> Standing:
    # A breach finding outweighs any later pledge: the public should see it first. Then an active
    # pledge, then the latest withdrawal.
    breaches = [p.breach_recorded_at for p in pledges if p.breach_recorded_at is not None]
    if breaches:
        return Standing(company, "breached", max(breaches))
    if any(p.is_active for p in pledges):
        return Standing(company, "pledged")
    withdrawals = [p.withdrawn_at for p in pledges if p.withdrawn_at is not None]
    if withdrawals:
        return Standing(company, "withdrawn", max(withdrawals))
    return Standing(company, "none")


def case_coverage(session: Session, case: Case) -> Coverage:
    """The case's contracted suppliers and where each stands on a pledge for the case: pledged,
    breached (a finding recorded by the authority), withdrawn, or not pledged. Two queries."""
    contracted = list(session.scalars(
        select(Company).join(CaseContract, CaseContract.company_id == Company.id)
        .where(CaseContract.case_id == case.id).distinct().order_by(Company.name)))
    if not contracted:
        return Coverage([])
    by_company: dict[int, list[Pledge]] = {company.id: [] for company in contracted}
    for pledge in session.scalars(select(Pledge).where(Pledge.case_id == case.id,
                                                       Pledge.company_id.in_(list(by_company)))):
        by_company[pledge.company_id].append(pledge)
    return Coverage([_standing(company, by_company[company.id]) for company in contracted])
