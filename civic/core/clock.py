"""One clock for every deadline: Taiwan's government office calendar and working-day arithmetic.

A day is a working day as the official office calendar (行政機關辦公日曆表) says, once a year's
calendar has been imported (office_calendar_days); before that, as the `holidays` package's
Taiwan calendar says, make-up working days (補行上班) included. Every due date, extension and
figure asks this module; nothing else counts days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from civic.core.db import Base
from civic.core.time import TAIPEI, to_taipei, utcnow

# The last second of a due day, in Taipei.
END_OF_DAY = time(23, 59, 59)
# How far past the received day to read the imported calendar: N working days never span more
# than this many calendar days (a week of New Year holidays and every weekend included).
_SPAN_PER_DAY = 3
_SPAN_EXTRA = 30


class OfficeDay(Base):
    """One day of the imported official office calendar: a working day or a holiday."""

    __tablename__ = "office_calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_holiday: Mapped[bool]
    # The holiday's name, or 補行上班 for a make-up working day, as the calendar writes it.
    note: Mapped[str] = mapped_column(String(100), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


@lru_cache(maxsize=64)
def _package_holidays(year: int) -> holidays.HolidayBase:
    return holidays.TW(years=year)


def package_says_working(day: date) -> bool:
    """Whether the `holidays` package's Taiwan calendar has ``day`` as a working day."""
    return _package_holidays(day.year).is_working_day(day)


class Calendar:
    """Working days over a stretch of time, read from the database once."""

    def __init__(self, overrides: dict[date, bool]):
        # day -> is it a working day, for the days the imported calendar names.
        self.overrides = overrides

    @classmethod
    def load(cls, session: Session, start: date, end: date) -> Calendar:
        rows = session.execute(select(OfficeDay.day, OfficeDay.is_holiday)
                               .where(OfficeDay.day >= start, OfficeDay.day <= end))
        return cls({day: not is_holiday for day, is_holiday in rows})

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return package_says_working(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        current, left = day, count
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current

    def due_at(self, received_at: datetime, days: int, *, working: bool = True) -> datetime:
        """When an answer is due: received on Taipei day D, due at the end of the ``days``-th
        working day after D (or calendar day, where a rule counts calendar days). The calendar must
        reach far enough (``calendar_for``).
        """
        received_day = to_taipei(received_at).date()
        if not working:
            return end_of_day(received_day + timedelta(days=days))
        return end_of_day(self.add_working_days(received_day, days))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
        return sum(1 for offset in range(1, (end - start).days + 1)
                   if self.is_working_day(start + timedelta(days=offset)))


def calendar_for(session: Session, start: date, days: int, *, until: date | None = None) -> Calendar:
    """The calendar from ``start`` far enough to count ``days`` working days (from ``until`` on,
    when several start days share one calendar)."""
    last = (until or start) + timedelta(days=days * _SPAN_PER_DAY + _SPAN_EXTRA)
    return Calendar.load(session, start, last)


def end_of_day(day: date) -> datetime:
    """23:59:59 Taipei on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, END_OF_DAY, tzinfo=TAIPEI).astimezone(UTC)


def days_in(session: Session, start: datetime, end: datetime) -> int:
    """Working days from the Taipei day of ``start`` to the Taipei day of ``end``."""
    first, last = to_taipei(start).date(), to_taipei(end).date()
    return Calendar.load(session, first, last).working_days_between(first, last)


def changed_days(session: Session, days: Iterable[tuple[date, bool]]) -> list[date]:
    """Of ``days`` (day, is working), those whose status differs from what the clock says now."""
    days = list(days)
    if not days:
        return []
    calendar = Calendar.load(session, min(d for d, _w in days), max(d for d, _w in days))
    return [day for day, working in days if calendar.is_working_day(day) != working]
