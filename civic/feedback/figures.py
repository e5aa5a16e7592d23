"""Each agency's accountability figures (received, acknowledged, answered and on time, median
working days, overdue, extended, reopened) by period and month, the site's totals, and the
authority's view of overdue items by agency and age.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Row, case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from civic.agencies.models import Agency
from civic.core.clock import Calendar
from civic.core.time import to_taipei
from civic.feedback.models import (
    OPEN_STATUSES,
    Feedback,
)
from civic.feedback.periods import EVERYTHING, Period, periods_between

# Below this many items received in a period, shares say more about chance than about the agency:
# the pages flag the agency as too few to compare and show no percentages.
FEW_TO_COMPARE = 10
_ITEM_FACTS = (Feedback.agency_id, Feedback.received_at, Feedback.acknowledge_by, Feedback.acknowledged_at,
               Feedback.answered_at, Feedback.due_at, Feedback.status, Feedback.extended_to, Feedback.reopened_at)


@dataclass
class AgencyFigures:
    """How an agency dealt with the items it received in a period (site_totals: every agency).

    received: items received; with_acknowledge_clock: those given an acknowledgement deadline, and
    acknowledged_on_time: acknowledged by it; answered: answered at all, answered_on_time: by the
    deadline (an extension's included); median_working_days: from the Taipei day received to the day
    answered, on the office calendar; overdue_now: open past the deadline; extended; reopened.
    """

    received: int = 0
    answered: int = 0
    answered_on_time: int = 0
    overdue_now: int = 0
    # Calendar days from receipt to answer, to the tenth of a day.
    median_days: float | None = None
    months: list[MonthFigures] = field(default_factory=list)
    with_acknowledge_clock: int = 0
    acknowledged_on_time: int = 0
    median_working_days: float | None = None
    extended: int = 0
    reopened: int = 0

    @property
    def on_time_share(self) -> int | None:
        """Percentage of the answered items answered on time."""
        return round(100 * self.answered_on_time / self.answered) if self.answered else None

    @property
    def acknowledged_on_time_share(self) -> int | None:
        """Percentage of the items with an acknowledgement deadline acknowledged by it."""
        if not self.with_acknowledge_clock:
            return None
        return round(100 * self.acknowledged_on_time / self.with_acknowledge_clock)

    @property
    def too_few_to_compare(self) -> bool:
        return self.received < FEW_TO_COMPARE

    @property
    def compare_from(self) -> int:
        """How many items a period needs before shares are worth comparing."""
        return FEW_TO_COMPARE


@dataclass
class MonthFigures(AgencyFigures):
    """The same figures for the items received in one month (``YYYY-MM``, Taipei)."""

    month: str = ""


# How many working days past its deadline an item is, in the ranges the authority follows.
OVERDUE_AGES = ((1, 5), (6, 10), (11, None))
OLDEST_OVERDUE = 20


@dataclass
class AgencyOverdue:
    agency: Agency
    # Items per range of OVERDUE_AGES, in order.
    by_age: list[int] = field(default_factory=lambda: [0] * len(OVERDUE_AGES))

    @property
    def total(self) -> int:
        return sum(self.by_age)


@dataclass(frozen=True)
class OverdueItem:
    tracking_number: str
    agency: Agency
    due_at: datetime
    working_days: int
    escalated_at: datetime | None


@dataclass
class OverdueReport:
    agencies: list[AgencyOverdue]
    oldest: list[OverdueItem]


def _age_index(working_days: int) -> int:
    """Which range of OVERDUE_AGES an item this many working days late falls in (a weekend's
    lateness, before a working day has passed, counts with the first)."""
    return next(index for index, (_first, last) in enumerate(OVERDUE_AGES) if last is None or working_days <= last)


def overdue_by_age(session: Session, now: datetime) -> OverdueReport:
    """Open items past their deadline: per agency, how many are late by how many working days
    (counted on the office calendar, read once), and the oldest ones. Three queries, however many.
    """
    open_and_late = Feedback.is_overdue(now)
    # Items share their due moment (the end of a Taipei day), so counting per moment stays small.
    groups = session.execute(
        select(Agency, Feedback.due_at, func.count(Feedback.id)).join(Feedback, Feedback.agency_id == Agency.id)
        .where(open_and_late).group_by(Agency.id, Feedback.due_at)
    ).all()
    if not groups:
        return OverdueReport(agencies=[], oldest=[])
    oldest = session.execute(
        select(Feedback.tracking_number, Feedback.due_at, Feedback.escalated_at, Agency)
        .join(Agency, Agency.id == Feedback.agency_id).where(open_and_late)
        .order_by(Feedback.due_at, Feedback.id).limit(OLDEST_OVERDUE)
    ).all()
    today = to_taipei(now).date()
    calendar = Calendar.load(session, min(to_taipei(due_at).date() for _a, due_at, _n in groups), today)

    def late_by(due_at: datetime) -> int:
        return calendar.working_days_between(to_taipei(due_at).date(), today)

    agencies: dict[int, AgencyOverdue] = {}
    for agency, due_at, count in groups:
        agencies.setdefault(agency.id, AgencyOverdue(agency)).by_age[_age_index(late_by(due_at))] += count
    return OverdueReport(
        agencies=sorted(agencies.values(), key=lambda row: (-row.total, row.agency.code)),
        oldest=[OverdueItem(number, agency, due_at, late_by(due_at), escalated_at)
                for number, due_at, escalated_at, agency in oldest],
    )


def site_totals(session: Session, now: datetime) -> AgencyFigures:
    """Received, answered, answered on time and overdue now across every agency."""
    is_answered = Feedback.answered_at.is_not(None)
    received, answered, on_time, overdue = session.execute(select(
        func.count(Feedback.id),
        func.sum(case((is_answered, 1), else_=0)),
        func.sum(case((Feedback.answered_on_time, 1), else_=0)),
        func.sum(case((Feedback.is_overdue(now), 1), else_=0)),
    )).one()
    return AgencyFigures(received or 0, answered or 0, on_time or 0, overdue or 0)


def _facts(session: Session, period: Period, *where: ColumnElement[bool]) -> list[Row]:
    """The facts the figures count, for each item received in ``period``."""
    statement = select(*_ITEM_FACTS).where(*where)
    if not period.is_all:
        statement = statement.where(Feedback.received_at >= period.start, Feedback.received_at < period.end)
    return list(session.execute(statement))


def _calendar(session: Session, facts: list[Row]) -> Calendar:
    """The office calendar over every answered item's span, read once for all of them."""
    answered = [row for row in facts if row.answered_at is not None]
    if not answered:
        return Calendar({})
    return Calendar.load(session, min(to_taipei(row.received_at).date() for row in answered),
                         max(to_taipei(row.answered_at).date() for row in answered))


def _tally(figures: AgencyFigures, facts: list[Row], now: datetime, calendar: Calendar) -> AgencyFigures:
    """Count ``facts`` into ``figures``: the one place the rules of the figures are written."""
    days: list[float] = []
    working_days: list[int] = []
    for row in facts:
        figures.received += 1
        if row.acknowledge_by is not None:
            figures.with_acknowledge_clock += 1
            if row.acknowledged_at is not None and row.acknowledged_at <= row.acknowledge_by:
                figures.acknowledged_on_time += 1
        if row.answered_at is not None:
            figures.answered += 1
            figures.answered_on_time += row.answered_at <= row.due_at
            days.append((row.answered_at - row.received_at).total_seconds() / 86400)
            working_days.append(calendar.working_days_between(to_taipei(row.received_at).date(),
                                                              to_taipei(row.answered_at).date()))
        figures.overdue_now += row.status in OPEN_STATUSES and row.due_at < now
        figures.extended += row.extended_to is not None
        figures.reopened += row.reopened_at is not None
    if days:
        figures.median_days = round(statistics.median(days), 1)
        figures.median_working_days = round(float(statistics.median(working_days)), 1)
    return figures


def agency_figures(session: Session, agency_ids: list[int], now: datetime, period: Period = EVERYTHING
                   ) -> dict[int, AgencyFigures]:
    """Each agency's figures over the items it received in ``period``.

    Two queries (the items' facts and the office calendar) however many agencies and items.
    """
    facts = _facts(session, period, Feedback.agency_id.in_(agency_ids)) if agency_ids else []
    calendar = _calendar(session, facts)
    by_agency: dict[int, list[Row]] = {agency_id: [] for agency_id in agency_ids}
    for row in facts:
        by_agency[row.agency_id].append(row)
    return {agency_id: _tally(AgencyFigures(), rows, now, calendar) for agency_id, rows in by_agency.items()}


def agency_figures_in_detail(session: Session, agency_id: int, now: datetime, months: int = 12,
                             period: Period = EVERYTHING) -> AgencyFigures:
    """One agency's figures over ``period``, with the same figures for each month of it (for
    everything, the last ``months`` months), each counting the items received that month."""
    facts = _facts(session, period, Feedback.agency_id == agency_id)
    calendar = _calendar(session, facts)
    figures = _tally(AgencyFigures(), facts, now, calendar)
    labels = [f"{year:04d}-{month:02d}" for year, month in period.months] or _last_months(now, months)
    by_month: dict[str, list[Row]] = {label: [] for label in labels}
    for row in facts:
        by_month.get(_month(row.received_at), []).append(row)
    figures.months = [_tally(MonthFigures(month=label), by_month[label], now, calendar) for label in labels]
    return figures


def figure_periods(session: Session) -> list[Period]:
    """Every year and quarter in which an item was received, newest first: two queries."""
    first, last = session.execute(select(func.min(Feedback.received_at), func.max(Feedback.received_at))).one()
    quarters = [period for period in periods_between(first, last) if period.quarter]
    if not quarters:
        return []
    held = session.execute(select(*(
        exists().where(Feedback.received_at >= quarter.start, Feedback.received_at < quarter.end)
        for quarter in quarters))).one()
    years = {quarter.year for quarter, has_items in zip(quarters, held, strict=True) if has_items}
    return [period for period in periods_between(first, last)
            if period.year in years and (period.quarter is None or held[quarters.index(period)])]


def list_answered_items(session: Session, agency_id: int, period: Period) -> list[Feedback]:
    """The agency's items received in ``period`` and answered, oldest first, with their comment,
    case and answer: four queries however many items."""
    statement = select(Feedback).where(Feedback.agency_id == agency_id, Feedback.answered_at.is_not(None))
    if not period.is_all:
        statement = statement.where(Feedback.received_at >= period.start, Feedback.received_at < period.end)
    return list(session.scalars(
        statement.options(selectinload(Feedback.comment), selectinload(Feedback.case),
                          selectinload(Feedback.response))
        .order_by(Feedback.received_at, Feedback.id)))


def _month(moment: datetime) -> str:
    return to_taipei(moment).strftime("%Y-%m")


def _last_months(now: datetime, count: int) -> list[str]:
    local = to_taipei(now)
    year, month = local.year, local.month
    labels = []
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(labels))
