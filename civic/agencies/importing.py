"""Import agencies from CSV: code, Chinese name, English name, parent code (and optionally a
contact address and an answer deadline). Every row is checked first; nothing is written
unless the whole file is valid, so the national list can be loaded in one go.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from civic.agencies.models import DEFAULT_RESPONSE_DAYS
from civic.agencies.queries import get_agency_by_code
from civic.agencies.services import CODE_PATTERN, AgencyInput, agency_errors, save_agency
from civic.core import audit
from civic.core.errors import DomainError
from civic.core.permissions import Actor, Permission, guarded

REQUIRED_COLUMNS = ("code", "name_zh")
COLUMNS = ("code", "name_zh", "name_en", "parent_code", "contact_email", "response_days")
MAX_ROWS = 20000


@dataclass
class ImportRow:
    line: int
    data: AgencyInput
    is_new: bool = True
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[ImportRow]
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows)


def _days(text: str) -> int:
    """The answer deadline in a cell: the default when empty, and 0 (which the rule refuses) when
    not a whole number."""
    if not text:
        return DEFAULT_RESPONSE_DAYS
    return int(text) if text.isascii() and text.isdigit() else 0


def parse(session: Session, text: str) -> ImportPlan:
    """Read and check a CSV file without writing anything."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        return ImportPlan([], [_("The first line must name the columns; missing: %(columns)s.",
                                 columns=", ".join(missing))])
    plan = ImportPlan(rows=[])
    codes_in_file: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if len(plan.rows) >= MAX_ROWS:
            plan.errors.append(_("At most %(count)d rows at a time.", count=MAX_ROWS))
            break
        values = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        if not any(values.values()):
            continue
        row = ImportRow(line=number, data=AgencyInput(
            code=values.get("code", ""), name_zh=values.get("name_zh", ""), name_en=values.get("name_en", ""),
            parent_code=values.get("parent_code", ""), contact_email=values.get("contact_email", ""),
            response_days=_days(values.get("response_days", ""))))
        row.errors = [error.message for error in agency_errors(row.data)]
        if CODE_PATTERN.fullmatch(row.data.code) and row.data.code in codes_in_file:
            row.errors.append(_("Code %(code)s is also on line %(line)d.", code=row.data.code,
                                line=codes_in_file[row.data.code]))
        elif CODE_PATTERN.fullmatch(row.data.code):
            codes_in_file[row.data.code] = number
        row.is_new = get_agency_by_code(session, row.data.code) is None if row.data.code else True
        plan.rows.append(row)
    for row in plan.rows:
        parent = row.data.parent_code
        if parent and parent not in codes_in_file and get_agency_by_code(session, parent) is None:
            row.errors.append(_("There is no agency with code %(code)s.", code=parent))
        if parent and parent == row.data.code:
            row.errors.append(_("An agency cannot be placed under itself."))
    if not plan.rows and not plan.errors:
        plan.errors.append(_("The file has no agencies in it."))
    return plan


@guarded(Permission.manage_agencies)
def apply(session: Session, plan: ImportPlan, *, actor: Actor) -> int:
    """Write a valid plan: parents before children. Returns how many rows were written."""
    if not plan.is_valid:
        raise DomainError(_("The file has errors; nothing was imported."))
    pending = list(plan.rows)
    written = 0
    while pending:
        ready = [row for row in pending
                 if not row.data.parent_code or get_agency_by_code(session, row.data.parent_code) is not None]
        if not ready:
            raise DomainError(_("Some agencies are each other's parents; nothing was imported."))
        for row in ready:
            save_agency(session, row.data, agency=get_agency_by_code(session, row.data.code), actor=actor)
            session.flush()
            pending.remove(row)
            written += 1
    audit.record(session, "agency.imported", actor_id=actor.id, target_type="agency", target_id="*",
                 rows=written)
    return written
