"""Reads of the commitments and their progress: each year's value of a measure computed from
the data, in a fixed number of queries however many commitments and years there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from civic.cases.models import Case, HistoryEntry
from civic.commitments.models import Commitment, CommitmentMeasure, CommitmentMilestone
from civic.core.time import start_of_taipei_day, to_taipei
from civic.feedback.models import Feedback


@dataclass(frozen=True)
class YearProgress:
    year: int
    target: int | None
    # None when there is nothing to measure yet (a share with no item received that year).
    actual: int | None

    @property
    def met(self) -> bool | None:
        """Whether the year reached its target; None when the year has no target."""
        if self.target is None:
            return None
        return self.actual is not None and self.actual >= self.target

    @property
    def percent_of_target(self) -> int:
        """How far the actual value is towards the target, 0 to 100, for a progress bar."""
        if not self.target:
            return 100 if self.target == 0 else 0
        return min(100, round(100 * (self.actual or 0) / self.target))


@dataclass(frozen=True)
class CommitmentProgress:
    commitment: Commitment
    # Every year with a target, and the current year, oldest first.
    years: list[YearProgress]
    current: YearProgress

    @property
    def targets(self) -> list[YearProgress]:
        return [year for year in self.years if year.target is not None]


def get_commitment_by_code(session: Session, code: str) -> Commitment | None:
    return session.scalar(select(Commitment).where(Commitment.code == code)
                          .options(selectinload(Commitment.targets), selectinload(Commitment.milestones)))


def get_milestone(session: Session, commitment: Commitment, milestone_id: int) -> CommitmentMilestone | None:
    return session.scalar(select(CommitmentMilestone).where(CommitmentMilestone.id == milestone_id,
                                                            CommitmentMilestone.commitment_id == commitment.id))


def list_commitments(session: Session) -> list[Commitment]:
    """Every commitment in its order, with its targets and milestones (three queries)."""
    return list(session.scalars(
        select(Commitment).options(selectinload(Commitment.targets), selectinload(Commitment.milestones))
        .order_by(Commitment.position, Commitment.id)))


def list_progress(session: Session, now: datetime) -> list[CommitmentProgress]:
    """Every commitment with, for each year that has a target and for the current (Taipei) year, the
    target and the value its measure reached, computed from the data.

    Three queries load the commitments; each measure in use then costs one more, whatever the
    number of commitments and years.
    """
    commitments = list_commitments(session)
    current_year = to_taipei(now).year
    years_of = {c.id: sorted({t.year for t in c.targets} | {current_year}) for c in commitments}
    wanted: dict[str, set[int]] = {}
    for commitment in commitments:
        wanted.setdefault(commitment.measure, set()).update(years_of[commitment.id])
    values: dict[tuple[str, int], int | None] = {}
    for measure, years in wanted.items():
        for year, value in MEASURES[measure](session, sorted(years), now).items():
            values[measure, year] = value
    progress = []
    for commitment in commitments:
        targets = {t.year: t.target for t in commitment.targets}
        years = [YearProgress(year, targets.get(year), values.get((commitment.measure, year)))
                 for year in years_of[commitment.id]]
        progress.append(CommitmentProgress(commitment, years,
                                           next(y for y in years if y.year == current_year)))
    return progress


def _published():
    return Case.is_published


def best_practice_cases(session: Session, years: Iterable[int], now: datetime) -> dict[int, int]:
    """Published best-practice cases by the Taipei year the authority chose them: the last time
    the case's public record says it was featured (its counting year, ``Case.year``, for a case whose
    record does not go back that far). One query, one row per best-practice case."""
    featured = func.max(case((HistoryEntry.action == "featured", HistoryEntry.at)))
    rows = session.execute(
        select(Case.year, featured)
        .outerjoin(HistoryEntry, HistoryEntry.case_id == Case.id)
        .where(_published(), Case.is_best_practice.is_(True))
        .group_by(Case.id, Case.year)
    ).all()
    counts = Counter(_taipei_year(chosen_at) if chosen_at is not None else year for year, chosen_at in rows)
    return {year: counts.get(year, 0) for year in years}


def platforms(session: Session, years: Iterable[int], now: datetime) -> dict[int, int]:
    """Published cases by the year each is counted in (``Case.year``: the platform's year, else the
    year it was published), as the case list's year filter counts them. One query."""
    years = list(years)
    counts = dict(session.execute(
        select(Case.year, func.count(Case.id)).where(_published(), Case.year.in_(years)).group_by(Case.year)
    ).all())
    return {year: counts.get(year, 0) for year in years}


def answered_on_time_share(session: Session, years: Iterable[int], now: datetime) -> dict[int, int | None]:
    """Of the feedback items received in each Taipei year that were answered or whose deadline has
    passed, the percentage answered by their deadline (an extension moves the deadline). Items still
    within their deadline are left out until they are answered or late. One query."""
    years = list(years)
    counted = or_(Feedback.answered_at.is_not(None), Feedback.due_at < now)
    on_time = Feedback.answered_on_time
    columns = []
    for year in years:
        start, end = _year_bounds(year)
        in_year = and_(Feedback.received_at >= start, Feedback.received_at < end)
        columns += [func.sum(case((and_(in_year, counted), 1), else_=0)),
                    func.sum(case((and_(in_year, on_time), 1), else_=0))]
    first, _end = _year_bounds(min(years))
    _start, last = _year_bounds(max(years))
    row = session.execute(select(*columns).where(Feedback.received_at >= first, Feedback.received_at < last)).one()
    shares: dict[int, int | None] = {}
    for index, year in enumerate(years):
        total, answered = row[2 * index] or 0, row[2 * index + 1] or 0
        shares[year] = round(100 * answered / total) if total else None
    return shares


MEASURES = {
    CommitmentMeasure.best_practice_cases: best_practice_cases,
    CommitmentMeasure.platforms: platforms,
    CommitmentMeasure.answered_on_time_share: answered_on_time_share,
}


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of ``year`` and of the next one in Taipei, in UTC."""
    return start_of_taipei_day(date(year, 1, 1)), start_of_taipei_day(date(year + 1, 1, 1))


def _taipei_year(moment: datetime) -> int:
    return to_taipei(moment).year
