"""Storing what the e-procurement system announced about the tenders cases name.

An announcement is stored once, keyed by its tender and the system's file name: importing the
same response again changes nothing. Each new one goes in its case's public record, added by the
system. Nothing here writes a case's own fields, parts or contracts: those are the agency's.
Flushes, never commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, selectinload

from civic.cases import history
from civic.cases.models import Case, CaseTender
from civic.core.permissions import Actor, Permission, guarded
from civic.core.time import utcnow
from civic.procurement.models import Announcement, AnnouncementCompany
from civic.procurement.parsing import AnnouncementData, Parsed, Problem


@dataclass
class ImportReport:
    """What an import did: announcements added, those already there, and those left out."""

    added: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Tenders in the file that no case names, as "unit_id job_number".
    unlinked: set[str] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)


def _tenders_named(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[CaseTender]]:
    if not keys:
        return {}
    found: dict[tuple[str, str], list[CaseTender]] = defaultdict(list)
    for tender in session.scalars(
            select(CaseTender).options(selectinload(CaseTender.case))
            .where(tuple_(CaseTender.unit_id, CaseTender.job_number).in_(sorted(keys)))
            .order_by(CaseTender.id)):
        found[(tender.unit_id, tender.job_number)].append(tender)
    return found


def _announcement(tender: CaseTender, data: AnnouncementData, source: str) -> Announcement:
    return Announcement(
        tender=tender, filename=data.filename, published_on=data.published_on, kind=data.kind,
        type_label=data.type_label, title=data.title, category=data.category, procedure=data.procedure,
        award_method=data.award_method, budget_ntd=data.budget_ntd,
        reserve_price_ntd=data.reserve_price_ntd, award_amount_ntd=data.award_amount_ntd,
        bidder_count=data.bidder_count, official_url=data.official_url, source=source[:1000],
        companies=[AnnouncementCompany(position=index, ubn=company.ubn, name=company.name,
                                       bid=company.bid, won=company.won)
                   for index, company in enumerate(data.companies)])


@guarded(Permission.edit_any_case)
def store(session: Session, parsed: Parsed, *, source: str, actor: Actor) -> ImportReport:
    """Add the announcements of ``parsed`` that are new to the tenders cases name.

    A case's tender gets its procuring entity's name from the first announcement that has one.
    """
    report = ImportReport(problems=list(parsed.problems))
    tenders = _tenders_named(session, {(data.unit_id, data.job_number) for data in parsed.announcements})
    tender_ids = [tender.id for group in tenders.values() for tender in group]
    known = set(session.execute(select(Announcement.tender_id, Announcement.filename)
                                .where(Announcement.tender_id.in_(tender_ids))).all()) if tender_ids else set()
    by_case: dict[int, list[tuple[CaseTender, AnnouncementData]]] = defaultdict(list)
    for data in parsed.announcements:
        named = tenders.get((data.unit_id, data.job_number))
        if not named:
            report.unlinked.add(f"{data.unit_id} {data.job_number}")
            continue
        for tender in named:
            if (tender.id, data.filename) in known:
                report.unchanged += 1
                continue
            known.add((tender.id, data.filename))
            by_case[tender.case_id].append((tender, data))
    for items in by_case.values():
        case: Case = items[0][0].case
        with history.recording(case, actor=None) as record:
            for tender, data in sorted(items, key=lambda item: (item[1].published_on, item[1].filename)):
                announcement = _announcement(tender, data, source)
                session.add(announcement)
                record.created(announcement)
                if not tender.unit_name and data.unit_name:
                    tender.unit_name = data.unit_name
                report.added += 1
        report.cases.add(case.slug)
    return report


@guarded(Permission.edit_any_case)
def mark_synced(session: Session, tender: CaseTender, *, problem: str = "", actor: Actor) -> None:
    """Note that the system was asked about ``tender`` now, and what went wrong if anything did,
    on every case that names the same tender."""
    now = utcnow()
    for same in session.scalars(select(CaseTender).where(CaseTender.unit_id == tender.unit_id,
                                                         CaseTender.job_number == tender.job_number)):
        same.synced_at, same.sync_problem = now, problem[:300]
