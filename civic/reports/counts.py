"""The public yearly counts of confidential reports: how many an agency received in a year, by status.

Numbers only: nothing a reporter or an officer wrote, no receipt, no case. The live reports are
counted together with the tallies kept of those deleted after the retention period (``retention``),
so a year's figures do not shrink when its reports are purged. This is the one module of the
package the public site may read.

Only years that have ended (in Taipei) are counted. A live count of the current year would tell the
people a report is about that one was just filed against them, or that theirs was just referred to
the prosecutors, even when the report went around their own agency's integrity unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.reports.models import ConfidentialReport, ReportStatus, ReportTally

# The statuses in the order a report moves through them: the columns of the published table.
STATUSES: tuple[ReportStatus, ...] = (ReportStatus.received, ReportStatus.under_review, ReportStatus.referred,
                                      ReportStatus.closed)


@dataclass(frozen=True)
class YearCount:
    """How many reports about one agency (None: the reporter named none), received in ``year``, are at
    ``status``, live and purged together."""

    agency_code: str | None
    agency_name_zh: str | None
    agency_name_en: str | None
    year: int
    status: str
    count: int


@dataclass
class YearRow:
    year: int
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def count(self, status: str) -> int:
        return self.by_status.get(str(status), 0)


@dataclass
class AgencyCounts:
    """One agency's years, newest first; ``code`` None for the reports that named no agency."""

    code: str | None
    name_zh: str | None
    name_en: str | None
    years: list[YearRow] = field(default_factory=list)

    def name(self, locale: str) -> str | None:
        if str(locale).startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def total(self) -> int:
        return sum(row.total for row in self.years)


def yearly_counts(session: Session, *, current_year: int) -> list[YearCount]:
    """Every (agency, year, status) of a year before ``current_year`` (the year now in Taipei) with its
    count of live reports plus the tallies of purged ones, in one query; agencies by code with the
    reports that named none last, years newest first.

    ``current_year`` has no default, so that no caller publishes a year still running by forgetting it.
    """
    live = (select(ConfidentialReport.agency_id.label("agency_id"), ConfidentialReport.year.label("year"),
                   ConfidentialReport.status.label("status"), func.count().label("n"))
            .where(ConfidentialReport.year < current_year)
            .group_by(ConfidentialReport.agency_id, ConfidentialReport.year, ConfidentialReport.status))
    purged = (select(ReportTally.agency_id.label("agency_id"), ReportTally.year.label("year"),
                     ReportTally.status.label("status"), ReportTally.count.label("n"))
              .where(ReportTally.year < current_year))
    both = union_all(live, purged).subquery("counted")
    total = func.sum(both.c.n)
    rows = session.execute(
        select(Agency.code, Agency.name_zh, Agency.name_en, both.c.year, both.c.status, total)
        .select_from(both).outerjoin(Agency, Agency.id == both.c.agency_id)
        .group_by(both.c.agency_id, Agency.code, Agency.name_zh, Agency.name_en, both.c.year, both.c.status)
        .having(total > literal(0))
    )
    counts = [YearCount(code, name_zh, name_en, int(year), str(status), int(count))
              for code, name_zh, name_en, year, status, count in rows]
    order = {str(status): index for index, status in enumerate(STATUSES)}
    counts.sort(key=lambda c: (c.agency_code is None, c.agency_code or "", -c.year, order.get(c.status, 99)))
    return counts


def by_agency(counts: list[YearCount]) -> list[AgencyCounts]:
    """``counts`` as the page shows them: one table per agency, a row per year, a column per status."""
    agencies: dict[str | None, AgencyCounts] = {}
    for count in counts:
        agency = agencies.setdefault(count.agency_code, AgencyCounts(
            count.agency_code, count.agency_name_zh, count.agency_name_en))
        if not agency.years or agency.years[-1].year != count.year:
            agency.years.append(YearRow(count.year))
        row = agency.years[-1]
        row.by_status[count.status] = row.by_status.get(count.status, 0) + count.count
    return list(agencies.values())
