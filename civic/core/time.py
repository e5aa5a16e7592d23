"""Times: stored as aware UTC, shown in Asia/Taipei, with the ROC year where people expect it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

TAIPEI = ZoneInfo("Asia/Taipei")
# The Republic of China calendar counts years from 1912 (民國元年).
ROC_YEAR_OFFSET = 1911
# English dates are written with Babel's (CLDR's) month names, whatever the process locale.
EN = "en"


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_taipei(value: datetime) -> datetime:
    """Return ``value`` (aware) in Taipei time."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(TAIPEI)


def from_taipei_local(value: datetime) -> datetime:
    """Interpret a naive datetime typed in Taipei time and return it in UTC."""
    return value.replace(tzinfo=TAIPEI).astimezone(UTC)


def start_of_taipei_day(day: date) -> datetime:
    """The moment ``day`` begins in Taipei, in UTC."""
    return from_taipei_local(datetime.combine(day, datetime.min.time()))


def days_between(earlier: datetime, later: datetime) -> int:
    """Calendar days from ``earlier`` to ``later`` on Taipei dates: 0 on the same Taipei day."""
    return (to_taipei(later).date() - to_taipei(earlier).date()).days


def roc_year(year: int) -> str:
    """A western year as the 民國 year people read in Chinese: 2026 is 民國115年.

    CLDR (and so Babel) has no ROC calendar, so Chinese dates are ours; English ones are Babel's.
    """
    return f"民國{year - ROC_YEAR_OFFSET}年"


@lru_cache(maxsize=4096)  # pages repeat the same days; Babel takes some microseconds for each
def format_day(value: date, locale: str) -> str:
    """Format a calendar date (no time of day): 民國115年12月5日, 5 Dec 2026."""
    if locale.startswith("zh"):
        return f"{roc_year(value.year)}{value.month}月{value.day}日"
    return babel_dates.format_date(value, "d MMM y", locale=EN)


def format_month(year: int, month: int, locale: str) -> str:
    """Format a month of a year: 民國115年12月, Dec 2026."""
    if locale.startswith("zh"):
        return f"{roc_year(year)}{month}月"
    return babel_dates.format_date(date(year, month, 1), "MMM y", locale=EN)


def format_date(value: datetime, locale: str) -> str:
    """Format a date for people, in Taipei: 民國 year in Chinese, 5 Dec 2026 in English."""
    return format_day(to_taipei(value).date(), locale)


def format_datetime(value: datetime, locale: str) -> str:
    """Format a date and time for people, in Taipei time."""
    local = to_taipei(value)
    return f"{format_date(value, locale)} {local:%H:%M}"


def isoformat(value: datetime) -> str:
    """ISO 8601 with the Taipei offset, for ``<time datetime>`` and the API."""
    return to_taipei(value).isoformat(timespec="seconds")
