"""Pledge texts (versioned, never changed once published) and the pledges companies sign; the
self-assessment questionnaire (versioned the same way) and the answers companies give it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import Company, User
from civic.cases.models import Case
from civic.core.db import Base
from civic.core.time import utcnow


class PledgeStatus(StrEnum):
    active = "active"
    withdrawn = "withdrawn"


class PledgeText(Base):
    """One published version of a pledge text: general, or for one case."""

    __tablename__ = "pledge_texts"
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int]
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of the canonical text (see civic.pledges.receipts), so a pledge names it exactly.
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    case: Mapped[Case | None] = relationship(lazy="raise")

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") and self.title_en else self.title_zh

    def body(self, locale: str) -> str:
        return self.body_en if locale.startswith("en") and self.body_en else self.body_zh


class Pledge(Base):
    """A company's signed commitment to one exact text, optionally for one case."""

    __tablename__ = "pledges"
    __table_args__ = (
        Index("ix_pledges_registry", "status", "signed_at"),
        # One active pledge per company, text and case (no case counts as one value).
        Index("uq_pledges_active", "company_id", "text_id", func.coalesce(text("case_id"), 0), unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt: Mapped[str] = mapped_column(String(16), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("pledge_texts.id", ondelete="RESTRICT"), index=True)
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_title: Mapped[str] = mapped_column(String(100))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default=PledgeStatus.active)
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    breach_note: Mapped[str] = mapped_column(Text, default="")
    breach_recorded_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    company: Mapped[Company] = relationship(lazy="raise")
    case: Mapped[Case | None] = relationship(lazy="raise")
    text: Mapped[PledgeText] = relationship(lazy="raise")
    signed_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.status == PledgeStatus.active


class AssessmentAnswer(StrEnum):
    yes = "yes"
    partly = "partly"
    no = "no"


class AssessmentQuestionnaire(Base):
    """One published version of the integrity self-assessment: its questions, each
    ``{"key", "text_zh", "text_en"}``. Never changed once published."""

    __tablename__ = "assessment_questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    questions: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    # SHA-256 of the canonical version and questions (see civic.pledges.receipts).
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @staticmethod
    def text(question: dict[str, str], locale: str) -> str:
        return question["text_en"] if locale.startswith("en") and question.get("text_en") else question["text_zh"]


class CompanyAssessment(Base):
    """A company's answers to one questionnaire version, given by a confirmed representative: the
    company's own statements, public, neither verified nor scored. A later submission adds a row."""

    __tablename__ = "company_assessments"
    __table_args__ = (Index("ix_company_assessments_company_id_submitted_at", "company_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_questionnaires.id", ondelete="RESTRICT"), index=True)
    # {key: {"answer": "yes" | "partly" | "no", "note": str}}
    answers: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship(lazy="raise")
    questionnaire: Mapped[AssessmentQuestionnaire] = relationship(lazy="raise")

    def rows(self, locale: str) -> list[tuple[str, str, str, str]]:
        """Each question of the version answered, in its order: (question in ``locale``, the question
        in English if any, answer, note)."""
        return [(AssessmentQuestionnaire.text(question, locale), question.get("text_en", ""),
                 self.answers.get(question["key"], {}).get("answer", ""),
                 self.answers.get(question["key"], {}).get("note", ""))
                for question in self.questionnaire.questions]
