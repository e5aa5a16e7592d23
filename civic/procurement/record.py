"""The e-procurement system's announcements in a case's public record.

Each imported announcement is an entry of the case's record ("announcement", added by the
system), checked with the rest of the chain; removing a tender records its announcements as
removed with it. Registered once, when the application starts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from civic.cases import history
from civic.cases.models import Case, CaseTender
from civic.procurement.models import Announcement, AnnouncementCompany

FIELDS = ("tender", "filename", "published_on", "type_label", "title", "budget_ntd",
          "reserve_price_ntd", "award_amount_ntd", "bidder_count", "bidders", "winners")


def _companies(session: Session, announcement: Announcement) -> list[AnnouncementCompany]:
    loaded = announcement.__dict__.get("companies")
    if loaded is not None:
        return list(loaded)
    return list(session.scalars(select(AnnouncementCompany)
                                .where(AnnouncementCompany.announcement_id == announcement.id)
                                .order_by(AnnouncementCompany.position)))


def _tender(session: Session, announcement: Announcement) -> CaseTender | None:
    return announcement.__dict__.get("tender") or session.get(CaseTender, announcement.tender_id)


def values(session: Session, announcement: Announcement) -> dict[str, Any]:
    """The announcement as the record keeps it: bidders and winners by their numbers."""
    companies = _companies(session, announcement)
    tender = _tender(session, announcement)
    recorded: dict[str, Any] = {name: getattr(announcement, name) for name in FIELDS
                                if name not in ("tender", "bidders", "winners")}
    recorded["tender"] = history.tender_key(tender) if tender is not None else None
    recorded["bidders"] = [company.ubn for company in companies if company.bid]
    recorded["winners"] = [company.ubn for company in companies if company.won]
    return recorded


def _case_id(session: Session, announcement: Announcement) -> int | None:
    tender = _tender(session, announcement)
    return tender.case_id if tender is not None else None


def _stored(session: Session, case: Case) -> list[Announcement]:
    return list(session.scalars(select(Announcement).join(CaseTender).options(selectinload(Announcement.companies))
                                .where(CaseTender.case_id == case.id).order_by(Announcement.id)))


def _dependants(session: Session, part: Any) -> list[Announcement]:
    if not isinstance(part, CaseTender):
        return []
    return list(session.scalars(select(Announcement).options(selectinload(Announcement.companies))
                                .where(Announcement.tender_id == part.id).order_by(Announcement.id)))


def install() -> None:
    history.register(history.OuterKind(
        model=Announcement, name="announcement", fields=FIELDS, case_id=_case_id, stored=_stored,
        values=values, dependants=_dependants))
