"""Demonstration targets and milestones for the action plan's best-practice commitment.

The commitment itself comes with the migration (every site has it); the targets and milestones
are the authority's to set, so only the demo sets some, through the same services as the screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.commitments import queries, services
from civic.commitments.models import CommitmentMeasure

CODE = "best-practice-platforms"
# At least three best-practice platforms a year, one more each year (the forum of 2020-03-19).
TARGETS = {2025: 3, 2026: 4, 2027: 5}


@dataclass(frozen=True)
class DemoMilestone:
    title_zh: str
    title_en: str
    due_on: date
    done_on: date | None = None


MILESTONES = [
    DemoMilestone("公布廉政平臺優良案例遴選原則", "Criteria for choosing best-practice platforms published",
                  date(2025, 6, 30), date(2025, 6, 16)),
    DemoMilestone("完成114年度優良案例遴選並公開", "Best-practice platforms of 2025 chosen and published",
                  date(2025, 12, 31), date(2025, 12, 19)),
    DemoMilestone("完成115年度優良案例遴選並公開", "Best-practice platforms of 2026 chosen and published",
                  date(2026, 12, 31)),
]


def load_commitments(session: Session, *, admin: User) -> int:
    """Give the best-practice commitment its demo targets and milestones where it has none; returns
    how many were added."""
    commitment = queries.get_commitment_by_code(session, CODE)
    if commitment is None:
        commitment = services.create_commitment(
            session, CODE, CommitmentMeasure.best_practice_cases,
            services.CommitmentInput(title_zh="機關採購廉政平臺優良案例",
                                     title_en="Best-practice integrity platforms for public procurement"),
            actor=admin)
        commitment = queries.get_commitment_by_code(session, CODE)
    added = 0
    known = {target.year for target in commitment.targets}
    for year, target in TARGETS.items():
        if year not in known:
            services.set_target(session, commitment, year=year, target=target, actor=admin)
            added += 1
    if not commitment.milestones:
        for milestone in MILESTONES:
            services.add_milestone(session, commitment, services.MilestoneInput(
                title_zh=milestone.title_zh, title_en=milestone.title_en, due_on=milestone.due_on,
                done_on=milestone.done_on), actor=admin)
            added += 1
    return added
