"""A question an agency's staff put privately to the integrity authority, its answer, and the
anonymised guidance the authority may publish from it when both sides consent.

The original question and answer never leave the asking agency and the authority; only the three
guidance texts are ever public.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core.db import Base
from civic.core.time import utcnow


class ConsultationStatus(StrEnum):
    open = "open"
    answered = "answered"


class Consultation(Base):
    """One question from an agency's staff and, once given, the authority's answer."""

    __tablename__ = "consultations"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'answered')", name="status_known"),
        CheckConstraint("stage IS NULL OR stage IN ('planning', 'tendering', 'award', 'contract_implementation')",
                        name="stage_known"),
        # Published guidance carries its three texts and both sides' consent.
        CheckConstraint("published_at IS NULL OR (asker_agrees_to_publish AND authority_agrees_to_publish "
                        "AND answered_at IS NOT NULL)", name="published_with_consent"),
        Index("ix_consultations_agency_id_status", "agency_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The asking agency: any of its staff may follow the question, so it outlives a clerk's move.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    stage: Mapped[str | None] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default=ConsultationStatus.open)
    asker_agrees_to_publish: Mapped[bool] = mapped_column(default=False)
    authority_agrees_to_publish: Mapped[bool] = mapped_column(default=False)
    # The anonymised texts the authority writes for publication: no agency, person or case in them.
    guidance_title: Mapped[str] = mapped_column(String(200), default="")
    guidance_question: Mapped[str] = mapped_column(Text, default="")
    guidance_answer: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    agency: Mapped[Agency] = relationship(lazy="raise")
    case: Mapped[Case | None] = relationship(lazy="raise")
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id], lazy="raise")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id], lazy="raise")

    @property
    def is_answered(self) -> bool:
        return self.status == ConsultationStatus.answered

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def both_agree(self) -> bool:
        return self.asker_agrees_to_publish and self.authority_agrees_to_publish

    @property
    def guidance_ready(self) -> bool:
        """Whether the three anonymised texts are written."""
        return all(text.strip() for text in (self.guidance_title, self.guidance_question, self.guidance_answer))

    @property
    def can_be_published(self) -> bool:
        """Answered, both sides consent, the guidance texts are written, and not yet published."""
        return self.is_answered and self.both_agree and self.guidance_ready and not self.is_published
