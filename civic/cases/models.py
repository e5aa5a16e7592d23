"""The Case aggregate: the project record and its parts (members, meetings, risks, milestones,
documents, contracts), the managed list of sectors, and the public record of changes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy import case as sql_case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import Company
from civic.agencies.models import Agency
from civic.core.db import Base, BilingualTitleMixin, TimestampMixin, owned_collection


class ProcurementKind(StrEnum):
    works = "works"  # 工程
    goods = "goods"  # 財物
    services = "services"  # 勞務


class CaseStatus(StrEnum):
    identification = "identification"
    preparation = "preparation"
    tendering = "tendering"
    implementation = "implementation"
    completed = "completed"
    cancelled = "cancelled"
    suspended = "suspended"


class ReviewState(StrEnum):
    """Where a case stands in the platform application: only published cases are public."""

    submitted = "submitted"
    returned = "returned"
    rejected = "rejected"
    published = "published"


class MemberRole(StrEnum):
    agency = "agency"
    integrity_unit = "integrity_unit"
    prosecutor = "prosecutor"
    auditor = "auditor"
    expert = "expert"
    civil_society = "civil_society"


class RiskStage(StrEnum):
    """The stages of a procurement, in the order they happen (規劃設計, 招標, 決標, 履約)."""

    planning = "planning"
    tendering = "tendering"
    award = "award"
    contract_implementation = "contract_implementation"


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class RiskStatus(StrEnum):
    open = "open"
    mitigating = "mitigating"
    closed = "closed"


class CasePartMixin:
    """The id and the case of each part of a case; deleting the case deletes its parts."""

    # First in the table, as the migrations made it.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, sort_order=-1)


class Sector(Base):
    """One entry of the managed list of sectors, with its OC4IDS projectSector code."""

    __tablename__ = "case_sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    oc4ids_code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh


class Case(BilingualTitleMixin, TimestampMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_public_list", "review_state", "is_best_practice", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("case_sectors.id", ondelete="RESTRICT"), index=True)
    procurement_kind: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.identification, index=True)
    county: Mapped[str] = mapped_column(String(20), default="", index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    budget_ntd: Mapped[int | None] = mapped_column(BigInteger, index=True)
    contract_value_ntd: Mapped[int | None] = mapped_column(BigInteger)
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    platform_established_on: Mapped[date | None]
    # The year the case is counted in: the platform's year, else the year it was published.
    year: Mapped[int | None] = mapped_column(index=True)

    review_state: Mapped[str] = mapped_column(String(16), default=ReviewState.submitted)
    application_reason: Mapped[str] = mapped_column(Text, default="")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    is_best_practice: Mapped[bool] = mapped_column(default=False)
    best_practice_reason_zh: Mapped[str] = mapped_column(Text, default="")
    best_practice_reason_en: Mapped[str] = mapped_column(Text, default="")
    # Percentage of the common mandatory fields filled in (see civic.cases.completeness).
    completeness: Mapped[int] = mapped_column(default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)

    # What the CoST Infrastructure Data Standard asks of each stage beyond the fields above
    # (see civic.cases.disclosure). Preparation: impacts, and when the budget was approved.
    environmental_impact: Mapped[str] = mapped_column(Text, default="")
    land_impact: Mapped[str] = mapped_column(Text, default="")
    budget_approved_on: Mapped[date | None]
    # Completion: what the project cost, when it ended and what it delivered, and why any of
    # these differ from what was planned.
    completed_on: Mapped[date | None]
    final_cost_ntd: Mapped[int | None] = mapped_column(BigInteger)
    final_scope: Mapped[str] = mapped_column(Text, default="")
    completion_changes: Mapped[str] = mapped_column(Text, default="")
    # Share of each stage's data points filled in, by stage code (see civic.cases.disclosure),
    # stored so agency pages average it without loading the cases' parts.
    disclosure: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)

    agency: Mapped[Agency] = relationship(lazy="raise")
    sector: Mapped[Sector] = relationship(lazy="raise")
    members: Mapped[list[CaseMember]] = owned_collection("case", "CaseMember.position")
    meetings: Mapped[list[Meeting]] = owned_collection("case", "(Meeting.held_on.desc(), Meeting.id)")
    risks: Mapped[list[RiskItem]] = owned_collection("case", lambda: _risk_order())
    milestones: Mapped[list[Milestone]] = owned_collection("case", "(Milestone.planned_on, Milestone.id)")
    documents: Mapped[list[CaseDocument]] = owned_collection("case", "CaseDocument.id")
    contracts: Mapped[list[CaseContract]] = owned_collection("case", "CaseContract.id")
    tenders: Mapped[list[CaseTender]] = owned_collection("case", "CaseTender.id")
    funding: Mapped[list[FundingSource]] = owned_collection("case", "FundingSource.id")
    variations: Mapped[list[ContractVariation]] = owned_collection(
        "case", "(ContractVariation.approved_on, ContractVariation.id)")
    history: Mapped[list[HistoryEntry]] = owned_collection("case", "HistoryEntry.seq", passive_deletes=True)

    @hybrid_property
    def is_published(self) -> bool:
        """Shown to the public: on the case pages, in lists, the API, exports, feeds and search.
        The same rule in SQL, for every query that lists only published cases."""
        return self.review_state == ReviewState.published

    def summary(self, locale: str) -> str:
        return self.summary_en if locale.startswith("en") and self.summary_en else self.summary_zh

    def best_practice_reason(self, locale: str) -> str:
        if locale.startswith("en") and self.best_practice_reason_en:
            return self.best_practice_reason_en
        return self.best_practice_reason_zh


class CaseMember(CasePartMixin, Base):
    """A member of the integrity platform: a person, their organisation and their role."""

    __tablename__ = "case_members"

    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)

    case: Mapped[Case] = relationship(back_populates="members", lazy="raise")


class Meeting(CasePartMixin, Base):
    """A platform meeting as a structured record: who came, who said what, what was decided."""

    __tablename__ = "case_meetings"

    held_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    # One attendee ("name, organisation") per entry.
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    agenda: Mapped[str] = mapped_column(Text, default="")
    follow_ups: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="meetings", lazy="raise")
    statements: Mapped[list[MeetingStatement]] = owned_collection("meeting", "MeetingStatement.position")
    decisions: Mapped[list[MeetingDecision]] = owned_collection("meeting", "MeetingDecision.position")


class MeetingPartMixin:
    """An entry of a meeting's record (a statement, a decision): its meeting, text and place in order."""

    # First in the table, as the migrations made it; content and position come last.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("case_meetings.id", ondelete="CASCADE"), index=True,
                                            sort_order=-1)
    content: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class MeetingStatement(MeetingPartMixin, Base):
    __tablename__ = "case_meeting_statements"

    speaker: Mapped[str] = mapped_column(String(200))

    meeting: Mapped[Meeting] = relationship(back_populates="statements", lazy="raise")


class MeetingDecision(MeetingPartMixin, Base):
    __tablename__ = "case_meeting_decisions"

    meeting: Mapped[Meeting] = relationship(back_populates="decisions", lazy="raise")


class RiskItem(CasePartMixin, Base):
    """One corruption risk of a procurement stage, with its mitigation (UNODC guidance)."""

    __tablename__ = "case_risks"

    stage: Mapped[str] = mapped_column(String(30))
    risk: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[str] = mapped_column(String(10), default=RiskLevel.medium)
    impact: Mapped[str] = mapped_column(String(10), default=RiskLevel.medium)
    mitigation: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=RiskStatus.open)

    case: Mapped[Case] = relationship(back_populates="risks", lazy="raise")


def _risk_order() -> tuple:
    """Risks in the order of their procurement stage (not of the stage's code), then as entered."""
    stage = sql_case({code.value: position for position, code in enumerate(RiskStage)}, value=RiskItem.stage,
                 else_=len(RiskStage))
    return stage, RiskItem.id


class Milestone(BilingualTitleMixin, CasePartMixin, Base):
    __tablename__ = "case_milestones"

    # OC4IDS milestoneType code.
    milestone_type: Mapped[str] = mapped_column(String(30), default="delivery")
    planned_on: Mapped[date | None]
    actual_on: Mapped[date | None]

    case: Mapped[Case] = relationship(back_populates="milestones", lazy="raise")


class CaseDocument(CasePartMixin, Base):
    """A document published elsewhere, as a titled link."""

    __tablename__ = "case_documents"

    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    # OC4IDS documentType code.
    document_type: Mapped[str] = mapped_column(String(40), default="")

    case: Mapped[Case] = relationship(back_populates="documents", lazy="raise")


class CaseContract(CasePartMixin, Base):
    """A contract awarded under the case, to a supplier company identified by 統一編號."""

    __tablename__ = "case_contracts"

    title: Mapped[str] = mapped_column(String(200))
    tender_number: Mapped[str] = mapped_column(String(60), default="")
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"), index=True)
    award_value_ntd: Mapped[int] = mapped_column(BigInteger)
    awarded_on: Mapped[date | None]
    # The contract as signed: its period and what it buys (CoST IDS procurement stage).
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    scope: Mapped[str] = mapped_column(Text, default="")
    # The case's tender the contract was awarded under, when staff have linked it.
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("case_tenders.id", ondelete="SET NULL"),
                                                  index=True)

    case: Mapped[Case] = relationship(back_populates="contracts", lazy="raise")
    company: Mapped[Company] = relationship(lazy="raise")
    tender: Mapped[CaseTender | None] = relationship(lazy="raise")


class VariationKind(StrEnum):
    """What a contract variation changed, as OC4IDS's modificationType codelist names it."""

    value = "value"
    duration = "duration"
    scope = "scope"


class ContractVariation(CasePartMixin, Base):
    """A change to a contract after signing: its price, its end date or its scope, with the reason.

    A value variation gives the new contract price and a duration variation the new end date;
    each carries the one before it only implicitly (the contract's, or the previous variation's),
    so the record reads as a chain from the contract as signed."""

    __tablename__ = "case_contract_variations"

    contract_id: Mapped[int] = mapped_column(ForeignKey("case_contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    approved_on: Mapped[date]
    new_value_ntd: Mapped[int | None] = mapped_column(BigInteger)
    new_ends_on: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="variations", lazy="raise")
    contract: Mapped[CaseContract] = relationship(lazy="raise")


class FundingSource(CasePartMixin, Base):
    """Where part of the case's budget comes from (中央補助, 市府自籌, a loan, ...) and how much."""

    __tablename__ = "case_funding_sources"

    source: Mapped[str] = mapped_column(String(200))
    amount_ntd: Mapped[int | None] = mapped_column(BigInteger)

    case: Mapped[Case] = relationship(back_populates="funding", lazy="raise")


class CaseTender(Base):
    """A tender of the case on the government e-procurement system, named as the system names it:
    the agency's e-procurement code (``unit_id``, e.g. 3.76.47) and the agency's own case number
    (``job_number``). A case has tenders from planning on; what the system announced about each is
    kept by civic.procurement."""

    __tablename__ = "case_tenders"
    __table_args__ = (
        UniqueConstraint("case_id", "unit_id", "job_number"),
        Index("ix_case_tenders_key", "unit_id", "job_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(40))
    job_number: Mapped[str] = mapped_column(String(100))
    # The procuring entity's name as the system gives it, filled in by the first import.
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    # When the system was last asked about the tender, and what went wrong if it did.
    synced_at: Mapped[datetime | None]
    sync_problem: Mapped[str] = mapped_column(String(300), default="")

    case: Mapped[Case] = relationship(back_populates="tenders", lazy="raise")


class HistoryEntry(Base):
    """One entry of a case's public record: a change to the case or one of its parts.

    Entries are written by civic.cases.history only, never changed or removed: each carries the
    hash of the one before it, so a rewrite anywhere breaks the chain (see history.verify_case).
    """

    __tablename__ = "case_history_entries"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        Index("ix_case_history_entries_part", "case_id", "part_kind", "part_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    # 1, 2, ... within the case: the order of the chain.
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(index=True)
    # "created", "updated", "deleted", or a step of the case's life ("published", "featured", ...).
    action: Mapped[str] = mapped_column(String(20))
    part_kind: Mapped[str] = mapped_column(String(20))
    # None only for entries carried over from before parts were identified in the record.
    part_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Who acted, as the public sees it: a role and an agency code, never a person.
    actor_role: Mapped[str | None] = mapped_column(String(20))
    actor_agency: Mapped[str | None] = mapped_column(String(20))
    # The account, for the audit trail only; it is not part of the public record.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    case: Mapped[Case] = relationship(back_populates="history", lazy="raise")


# The parts of a case, each a row with its case_id; statements and decisions belong to a meeting.
CASE_PARTS = (CaseMember, Meeting, RiskItem, Milestone, CaseDocument, CaseContract, CaseTender,
              FundingSource, ContractVariation)
MEETING_PARTS = (MeetingStatement, MeetingDecision)
