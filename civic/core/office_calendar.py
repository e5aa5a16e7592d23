"""Reading the DGPA's office calendar CSV (中華民國政府行政機關辦公日曆表) into plain rows, and
writing a checked file into office_calendar_days all at once.

The file's columns are 西元日期 (YYYYMMDD), 星期 (一..日), 是否放假 (0 a working day, 2 a
holiday) and 備註. It comes in UTF-8 with a byte-order mark or in Big5 (cp950): detect, never
assume. A file with any row that does not read is refused whole, each bad row named.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from civic.core.clock import OfficeDay, changed_days
from civic.core.time import utcnow

COLUMNS = ("西元日期", "星期", "是否放假", "備註")
WEEKDAYS = "一二三四五六日"
HOLIDAY_FLAGS = {"0": False, "2": True}


@dataclass(frozen=True)
class CalendarRow:
    day: date
    is_holiday: bool
    note: str


@dataclass
class CalendarFile:
    """What a file says, what it would change, and every row it cannot read."""

    rows: list[CalendarRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    changes: list[CalendarRow] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.problems


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Big5 as cp950."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp950")


def read(session: Session, data: bytes) -> CalendarFile:
    """Parse the file and compare it with the calendar in force; writes nothing."""
    result = CalendarFile()
    try:
        text = decode(data)
    except UnicodeDecodeError:
        result.problems.append((0, _("The file is neither UTF-8 nor Big5 (cp950) text.")))
        return result
    reader = csv.reader(io.StringIO(text.replace("\x00", "")))
    header = [name.strip() for name in next(reader, [])]
    if tuple(header[:len(COLUMNS)]) != COLUMNS:
        result.problems.append((1, _("The first line must name the columns %(columns)s.", columns="、".join(COLUMNS))))
        return result
    seen: set[date] = set()
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        row = _row(values, number, result)
        if row is None:
            continue
        if row.day in seen:
            result.problems.append((number, _("%(day)s appears twice.", day=row.day.isoformat())))
            continue
        seen.add(row.day)
        result.rows.append(row)
    if not result.rows and not result.problems:
        result.problems.append((2, _("The file lists no days.")))
    if result.is_valid:
        moved = set(changed_days(session, [(row.day, not row.is_holiday) for row in result.rows]))
        result.changes = [row for row in result.rows if row.day in moved]
    return result


def _row(values: list[str], number: int, result: CalendarFile) -> CalendarRow | None:
    values = [value.strip() for value in values] + [""] * len(COLUMNS)
    text, weekday, flag, note = values[:4]
    try:
        digits = len(text) == 8 and text.isascii() and text.isdigit()
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8])) if digits else None
    except ValueError:
        day = None
    if day is None:
        result.problems.append((number, _("西元日期 “%(text)s” is not a date written as YYYYMMDD.", text=text[:20])))
        return None
    if flag not in HOLIDAY_FLAGS:
        result.problems.append((number, _("是否放假 must be 0 (a working day) or 2 (a holiday), not “%(flag)s”.",
                                          flag=flag[:10])))
        return None
    if weekday and weekday != WEEKDAYS[day.weekday()]:
        result.problems.append((number, _("%(day)s is a 星期%(actual)s, not 星期%(given)s.", day=text,
                                          actual=WEEKDAYS[day.weekday()], given=weekday[:2])))
        return None
    return CalendarRow(day, HOLIDAY_FLAGS[flag], note[:100])


def apply(session: Session, calendar_file: CalendarFile) -> list[date]:
    """Write every day of a valid file (the later file wins); return the days whose status changed."""
    if not calendar_file.is_valid:
        raise ValueError("only a file without problems is applied")
    now = utcnow()
    for row in calendar_file.rows:
        session.merge(OfficeDay(day=row.day, is_holiday=row.is_holiday, note=row.note, imported_at=now))
    session.flush()
    return [row.day for row in calendar_file.changes]
