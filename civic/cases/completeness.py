"""Completeness: the common mandatory disclosure fields every platform publishes.

The forum asked for one list of mandatory fields for all platforms, so they can be counted
and compared. A case's score is the share of these it has filled in, stored on the case so
lists and agency averages need no extra queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from civic.cases.models import Case, CaseStatus


@dataclass(frozen=True)
class Field:
    key: str
    label: object
    is_filled: Callable[[Case], bool]


def _contracts_due(case: Case) -> bool:
    """Contract details are only expected once the project is past tendering."""
    if case.status in (CaseStatus.implementation, CaseStatus.completed, CaseStatus.suspended):
        return bool(case.contracts) and case.contract_value_ntd is not None
    return True


MANDATORY_FIELDS: list[Field] = [
    Field("title", _l("Title in Chinese and English"), lambda c: bool(c.title_zh and c.title_en)),
    Field("sector", _l("Sector and procurement kind"), lambda c: bool(c.sector_id and c.procurement_kind)),
    Field("location", _l("County or city and address"), lambda c: bool(c.county and c.address)),
    Field("budget", _l("Budget"), lambda c: c.budget_ntd is not None),
    Field("summary", _l("Summary in Chinese and English"), lambda c: bool(c.summary_zh and c.summary_en)),
    Field("established", _l("Date the platform was set up"), lambda c: c.platform_established_on is not None),
    Field("members", _l("Platform members (at least three roles)"),
          lambda c: len({m.role for m in c.members}) >= 3),
    Field("meetings", _l("At least one meeting with decisions"),
          lambda c: any(m.decisions for m in c.meetings)),
    Field("risks", _l("Risk register covering at least two procurement stages"),
          lambda c: len({r.stage for r in c.risks}) >= 2),
    Field("milestones", _l("Milestones with planned dates"),
          lambda c: any(m.planned_on for m in c.milestones)),
    Field("documents", _l("At least one document"), lambda c: bool(c.documents)),
    Field("contracts", _l("Contracts and contract value, once awarded"), _contracts_due),
]


@dataclass(frozen=True)
class Completeness:
    score: int
    missing: list[Field]


def assess(case: Case) -> Completeness:
    """Score ``case`` (its parts must be loaded) and list what is missing."""
    missing = [f for f in MANDATORY_FIELDS if not f.is_filled(case)]
    filled = len(MANDATORY_FIELDS) - len(missing)
    return Completeness(score=round(100 * filled / len(MANDATORY_FIELDS)), missing=missing)
