"""The action plan's commitments, their yearly targets and their milestones.

A commitment names the measure it tracks; the measure's value for a year is computed from the
data (civic.commitments.queries), never typed in. Only the targets and milestones are set by hand.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.core.db import Base, BilingualTitleMixin, owned_collection

FIRST_YEAR = 2000
LAST_YEAR = 2100


class CommitmentMeasure(StrEnum):
    """What a commitment counts, each computed from the data for a calendar year (Asia/Taipei)."""

    best_practice_cases = "best_practice_cases"  # published cases the authority chose as best practice
    platforms = "platforms"  # published cases (integrity platforms)
    answered_on_time_share = "answered_on_time_share"  # % of feedback answered by its deadline


# Measures whose value is a percentage: their targets run from 0 to 100.
PERCENTAGES = frozenset({CommitmentMeasure.answered_on_time_share})


class Commitment(BilingualTitleMixin, Base):
    """One commitment of the action plan and the measure that shows whether it is kept."""

    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint("measure IN ('best_practice_cases', 'platforms', 'answered_on_time_share')",
                        name="measure_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(String(32))
    # Lower numbers come first on the page and in the API.
    position: Mapped[int] = mapped_column(default=0, index=True)

    targets: Mapped[list[CommitmentTarget]] = owned_collection("commitment", "CommitmentTarget.year")
    milestones: Mapped[list[CommitmentMilestone]] = owned_collection(
        "commitment", "(CommitmentMilestone.due_on, CommitmentMilestone.id)")

    @property
    def is_percentage(self) -> bool:
        return self.measure in PERCENTAGES

    def description(self, locale: str) -> str:
        return self.description_en if locale.startswith("en") and self.description_en else self.description_zh


class CommitmentTarget(Base):
    """The value the authority set a commitment's measure to reach in one calendar year."""

    __tablename__ = "commitment_targets"
    __table_args__ = (
        UniqueConstraint("commitment_id", "year"),
        CheckConstraint(f"year >= {FIRST_YEAR} AND year <= {LAST_YEAR}", name="year_in_range"),
        CheckConstraint("target >= 0", name="target_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (commitment_id, year) index serves the lookups by commitment.
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    year: Mapped[int]
    target: Mapped[int]

    commitment: Mapped[Commitment] = relationship(back_populates="targets", lazy="raise")


class CommitmentMilestone(BilingualTitleMixin, Base):
    """A dated step towards a commitment, done or not yet."""

    __tablename__ = "commitment_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    done_on: Mapped[date | None]

    commitment: Mapped[Commitment] = relationship(back_populates="milestones", lazy="raise")

    @property
    def is_done(self) -> bool:
        return self.done_on is not None
