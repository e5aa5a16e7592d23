"""The stretch of time accountability figures are counted over: everything, one year, or one
quarter, in Taipei dates. An item belongs to the period in which it was received.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from civic.core.time import start_of_taipei_day, to_taipei

ALL = "all"
# Years a period may name; others are refused rather than read as a typo for a real one.
FIRST_YEAR, LAST_YEAR = 2000, 2100
_PATTERN = re.compile(r"(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?")


class BadPeriod(ValueError):
    """The text does not name a period: ``all``, a year such as 2026, or a quarter such as 2026-Q3."""


@dataclass(frozen=True)
class Period:
    """Everything (year None), a year (quarter None) or a quarter of a year."""

    year: int | None = None
    quarter: int | None = None

    @property
    def key(self) -> str:
        if self.year is None:
            return ALL
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def is_all(self) -> bool:
        return self.year is None

    @property
    def months(self) -> list[tuple[int, int]]:
        """(year, month) of each month in a year or quarter; empty for everything."""
        if self.year is None:
            return []
        first = 3 * (self.quarter - 1) + 1 if self.quarter else 1
        count = 3 if self.quarter else 12
        return [(self.year, month) for month in range(first, first + count)]

    @property
    def start(self) -> datetime | None:
        """The first moment of the period (midnight Taipei), as aware UTC."""
        if self.year is None:
            return None
        year, month = self.months[0]
        return start_of_taipei_day(date(year, month, 1))

    @property
    def end(self) -> datetime | None:
        """The first moment after the period (midnight Taipei), as aware UTC."""
        if self.year is None:
            return None
        year, month = self.months[-1]
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return start_of_taipei_day(following)

    def holds(self, moment: datetime) -> bool:
        return self.year is None or self.start <= moment < self.end


EVERYTHING = Period()


def parse(text: str | None) -> Period:
    """The period ``text`` names; nothing or ``all`` is everything. Raises BadPeriod otherwise."""
    text = (text or ALL).strip()
    if text == ALL:
        return EVERYTHING
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise BadPeriod(text)
    year = int(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadPeriod(text)
    return Period(year, int(match["quarter"]) if match["quarter"] else None)


def year(value: int) -> Period:
    """One whole year; BadPeriod outside FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise BadPeriod(str(value))
    return Period(value)


def periods_between(first: datetime | None, last: datetime | None) -> list[Period]:
    """Every year and quarter from the Taipei day of ``first`` to that of ``last``, newest first."""
    if first is None or last is None:
        return []
    start, end = to_taipei(first).date(), to_taipei(last).date()
    found: list[Period] = []
    for value in range(end.year, start.year - 1, -1):
        found.append(Period(value))
        for quarter in range(4, 0, -1):
            period = Period(value, quarter)
            first_month, last_month = period.months[0][1], period.months[-1][1]
            if (value, last_month) >= (start.year, start.month) and (value, first_month) <= (end.year, end.month):
                found.append(period)
    return found
