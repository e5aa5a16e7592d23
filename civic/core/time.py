"""Times: stored as aware UTC, shown in Asia/Taipei, with the ROC year where people expect it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")
# The Republic of China calendar counts years from 1912 (民國元年).
ROC_YEAR_OFFSET = 1911


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


def format_day(value: date, locale: str) -> str:
    """Format a calendar date (no time of day): 民國 year in Chinese."""
    if locale.startswith("zh"):
        return f"民國{value.year - ROC_YEAR_OFFSET}年{value.month}月{value.day}日"
    return value.strftime("%-d %b %Y")


def format_month(year: int, month: int, locale: str) -> str:
    """Format a month of a year: 民國 year in Chinese."""
    if locale.startswith("zh"):
        return f"民國{year - ROC_YEAR_OFFSET}年{month}月"
    return date(year, month, 1).strftime("%b %Y")


def format_date(value: datetime, locale: str) -> str:
    """Format a date for people: 民國 year in Chinese, ISO-like in English."""
    return format_day(to_taipei(value).date(), locale)


def format_datetime(value: datetime, locale: str) -> str:
    """Format a date and time for people, in Taipei time."""
    local = to_taipei(value)
    return f"{format_date(value, locale)} {local:%H:%M}"


def isoformat(value: datetime) -> str:
    """ISO 8601 with the Taipei offset, for ``<time datetime>`` and the API."""
    return to_taipei(value).isoformat(timespec="seconds")
