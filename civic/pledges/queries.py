"""Reads of pledges and pledge texts: the registry, one receipt, a company, a case's coverage."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from civic.accounts.models import Company, CompanyRepresentative
from civic.agencies.models import Agency
from civic.cases.models import Case, CaseContract
from civic.core.pagination import Page, paginate
from civic.pledges.models import Pledge, PledgeStatus, PledgeText


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


@dataclass(frozen=True)
class Coverage:
    contracted: list[Company]
    pledged_ids: set[int]

    @property
    def pledged(self) -> int:
        return sum(1 for company in self.contracted if company.id in self.pledged_ids)


def case_coverage(session: Session, case: Case) -> Coverage:
    """The case's contracted suppliers and which of them hold an active pledge for it."""
    contracted = list(session.scalars(
        select(Company).join(CaseContract, CaseContract.company_id == Company.id)
        .where(CaseContract.case_id == case.id).distinct().order_by(Company.name)))
    if not contracted:
        return Coverage(contracted, set())
    pledged = set(session.scalars(select(Pledge.company_id).where(
        Pledge.case_id == case.id, Pledge.status == PledgeStatus.active)))
    return Coverage(contracted, pledged)
