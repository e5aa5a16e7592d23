"""What the government e-procurement system announced about a case's tenders, as imported.

A case names its tenders itself (civic.cases.models.CaseTender: an e-procurement agency code and
the agency's case number). The announcements under a tender come from the system through its
community API (civic.procurement.importing); they are kept as published, keyed by the system's
file name, and never edited here: staff correct a case's own fields, not the system's notices.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.cases.models import CaseTender
from civic.core.db import Base
from civic.core.time import utcnow


class AnnouncementKind(StrEnum):
    """Where an announcement stands in a tender's life, whatever the system's own wording."""

    tender = "tender"  # 招標公告 of any procedure
    correction = "correction"  # 更正公告
    award = "award"  # 決標公告
    failed = "failed"  # 無法決標公告
    other = "other"  # anything else the system publishes (撤銷, 定期彙送, ...)


# The kinds in the reader's language, beside the system's own Chinese wording of the type.
KIND_LABELS = {AnnouncementKind.tender: _l("Tender notice"), AnnouncementKind.correction: _l("Correction"),
               AnnouncementKind.award: _l("Award notice"), AnnouncementKind.failed: _l("Failed tender"),
               AnnouncementKind.other: _l("Other notice")}


class Announcement(Base):
    """One announcement of a tender, as the e-procurement system published it."""

    __tablename__ = "procurement_announcements"
    __table_args__ = (
        UniqueConstraint("tender_id", "filename"),
        Index("ix_procurement_announcements_timeline", "tender_id", "published_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("case_tenders.id", ondelete="CASCADE"))
    # The system's own key of the announcement (e.g. BDM-1-70370443): what makes import idempotent.
    filename: Mapped[str] = mapped_column(String(60))
    published_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(12))
    # The type as published, e.g. 公開招標公告, 決標公告, 無法決標公告.
    type_label: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(100), default="")
    # 招標方式 and 決標方式 as published, e.g. 公開招標, 最低標.
    procedure: Mapped[str] = mapped_column(String(60), default="")
    award_method: Mapped[str] = mapped_column(String(60), default="")
    budget_ntd: Mapped[int | None] = mapped_column(BigInteger)
    reserve_price_ntd: Mapped[int | None] = mapped_column(BigInteger)
    award_amount_ntd: Mapped[int | None] = mapped_column(BigInteger)
    bidder_count: Mapped[int | None]
    # The official page on web.pcc.gov.tw when the source names one.
    official_url: Mapped[str] = mapped_column(String(1000), default="")
    # Where the record was read: the community API's address of the tender, or the imported file.
    source: Mapped[str] = mapped_column(String(1000), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    tender: Mapped[CaseTender] = relationship(lazy="raise")
    companies: Mapped[list[AnnouncementCompany]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan", lazy="raise",
        order_by="AnnouncementCompany.position")

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, KIND_LABELS[AnnouncementKind.other]))

    @property
    def bidders(self) -> list[AnnouncementCompany]:
        return [company for company in self.companies if company.bid]

    @property
    def winners(self) -> list[AnnouncementCompany]:
        return [company for company in self.companies if company.won]


class AnnouncementCompany(Base):
    """A company an announcement names: a bidder, a winner, or both."""

    __tablename__ = "procurement_announcement_companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("procurement_announcements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    # 統一編號 for a company registered in Taiwan; foreign bidders carry the system's own code.
    ubn: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    bid: Mapped[bool] = mapped_column(default=False)
    won: Mapped[bool] = mapped_column(default=False)

    announcement: Mapped[Announcement] = relationship(back_populates="companies", lazy="raise")
