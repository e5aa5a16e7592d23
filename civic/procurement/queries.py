"""Reads of tenders and their announcements: a case's timeline, a company's bids and wins."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from civic.cases.models import Case, CaseTender
from civic.procurement.models import Announcement, AnnouncementCompany


@dataclass
class Timeline:
    """One tender of a case with its announcements, oldest first."""

    tender: CaseTender
    announcements: list[Announcement] = field(default_factory=list)

    @property
    def official_url(self) -> str:
        """The newest official page the announcements name, if any."""
        return next((a.official_url for a in reversed(self.announcements) if a.official_url), "")


def case_timelines(session: Session, case_ids: list[int]) -> dict[int, list[Timeline]]:
    """Each case's tenders with their announcements and companies, in two queries."""
    if not case_ids:
        return {}
    tenders = session.scalars(select(CaseTender).where(CaseTender.case_id.in_(case_ids))
                              .order_by(CaseTender.case_id, CaseTender.id)).all()
    announcements = session.scalars(
        select(Announcement).options(selectinload(Announcement.companies))
        .where(Announcement.tender_id.in_([tender.id for tender in tenders]))
        .order_by(Announcement.published_on, Announcement.id)).all() if tenders else []
    by_tender: dict[int, list[Announcement]] = defaultdict(list)
    for announcement in announcements:
        by_tender[announcement.tender_id].append(announcement)
    timelines: dict[int, list[Timeline]] = defaultdict(list)
    for tender in tenders:
        timelines[tender.case_id].append(Timeline(tender, by_tender[tender.id]))
    return dict(timelines)


def timelines_of(session: Session, case: Case) -> list[Timeline]:
    return case_timelines(session, [case.id]).get(case.id, [])


@dataclass
class CompanyTender:
    """A tender a company bid for or won, with the case that names it."""

    case: Case
    tender: CaseTender
    announcement: Announcement
    bid: bool
    won: bool


def company_tenders(session: Session, ubn: str, *, limit: int = 200) -> list[CompanyTender]:
    """The announcements of published cases that name the company, newest first, one per tender
    (its latest word on the company)."""
    named = (select(CaseTender.id).join(Announcement, Announcement.tender_id == CaseTender.id)
             .join(AnnouncementCompany, AnnouncementCompany.announcement_id == Announcement.id)
             .join(Case, CaseTender.case_id == Case.id)
             .where(AnnouncementCompany.ubn == ubn, Case.is_published))
    # The limit counts tenders, not the announcements that name the company.
    latest = session.scalars(named.group_by(CaseTender.id)
                             .order_by(func.max(Announcement.published_on).desc(), CaseTender.id.desc())
                             .limit(limit)).all()
    if not latest:
        return []
    rows = session.execute(
        select(AnnouncementCompany, Announcement, CaseTender, Case)
        .join(Announcement, AnnouncementCompany.announcement_id == Announcement.id)
        .join(CaseTender, Announcement.tender_id == CaseTender.id)
        .join(Case, CaseTender.case_id == Case.id)
        .where(AnnouncementCompany.ubn == ubn, CaseTender.id.in_(latest))
        .order_by(Announcement.published_on.desc(), Announcement.id.desc())).all()
    seen: dict[int, CompanyTender] = {}
    for company, announcement, tender, case in rows:
        entry = seen.get(tender.id)
        if entry is None:
            seen[tender.id] = CompanyTender(case, tender, announcement, company.bid, company.won)
        else:
            entry.bid = entry.bid or company.bid
            entry.won = entry.won or company.won
    return list(seen.values())


def linked_tenders(session: Session) -> list[CaseTender]:
    """Every tender a case names, for a sync: each pair once, the first case's row standing for it."""
    seen: dict[tuple[str, str], CaseTender] = {}
    for tender in session.scalars(select(CaseTender).order_by(CaseTender.id)):
        seen.setdefault((tender.unit_id, tender.job_number), tender)
    return list(seen.values())
