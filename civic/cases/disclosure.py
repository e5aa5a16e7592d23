"""Disclosure by stage: the data points the CoST Infrastructure Data Standard asks of each stage of
a project (identification, preparation, procurement, implementation, completion).

Each data point names the OC4IDS field it is published in. A stage is due once the project has
reached it: by the case's status, or for a suspended or cancelled case by what it shows (tenders,
contracts). A case's share of each due stage's points is stored on the case (``Case.disclosure``,
null for a stage not due) so agency pages average it without loading parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from civic.cases.models import Case, CaseStatus, ContractVariation, RiskStage

# A report on the finished project: an audit or an evaluation (OC4IDS documentType codes).
AUDIT_DOCUMENT_TYPES = frozenset({"financialAuditReport", "technicalAuditReport", "projectEvaluation",
                                  "evaluationReports"})


@dataclass(frozen=True)
class DataPoint:
    key: str
    label: object
    is_filled: Callable[[Case], bool]
    # Where OC4IDS publishes it (civic.api.oc4ids).
    path: str


@dataclass(frozen=True)
class Stage:
    code: str
    label: object
    points: tuple[DataPoint, ...]
    # The case statuses in which the stage is due; a suspended or cancelled case reached it when
    # ``reached`` says so (it never reached completion).
    due_in: frozenset[str]
    reached: Callable[[Case], bool] = lambda case: False


def _contracts_all(check: Callable[..., bool]) -> Callable[[Case], bool]:
    """Every contract of the case has it (and there is at least one)."""
    return lambda c: bool(c.contracts) and all(check(contract) for contract in c.contracts)


def _sector_chosen(case: Case) -> bool:
    """A case just applied for has its sector before the flush gives it the sector's id."""
    return case.sector_id is not None or case.__dict__.get("sector") is not None


_EVERY_STATUS = frozenset(CaseStatus)
_FROM_TENDERING = frozenset({CaseStatus.tendering, CaseStatus.implementation,
                             CaseStatus.completed})
_FROM_IMPLEMENTATION = frozenset({CaseStatus.implementation, CaseStatus.completed})
# Stopped at some stage: how far it got shows in its data.
_STOPPED = frozenset({CaseStatus.suspended, CaseStatus.cancelled})

STAGES: tuple[Stage, ...] = (
    Stage("identification", _l("Identification"), (
        DataPoint("title", _l("Title in Chinese and English"), lambda c: bool(c.title_zh and c.title_en), "title"),
        DataPoint("sector", _l("Sector"), _sector_chosen, "sector"),
        DataPoint("location", _l("County or city and address"), lambda c: bool(c.county and c.address),
                  "locations"),
        DataPoint("purpose", _l("Purpose of the project"), lambda c: bool(c.summary_zh), "description"),
        DataPoint("authority", _l("Public authority"), lambda c: c.agency_id is not None, "publicAuthority"),
    ), _EVERY_STATUS, lambda c: True),
    Stage("preparation", _l("Preparation"), (
        DataPoint("scope", _l("Project scope"), lambda c: bool(c.summary_en or c.summary_zh), "description"),
        DataPoint("environmental_impact", _l("Environmental impact"), lambda c: bool(c.environmental_impact),
                  "documents (environmentalImpact)"),
        DataPoint("land_impact", _l("Land and resettlement impact"), lambda c: bool(c.land_impact),
                  "documents (landAndSettlementImpact)"),
        DataPoint("funding", _l("Funding sources"), lambda c: bool(c.funding), "budget.budgetBreakdowns"),
        DataPoint("budget", _l("Budget"), lambda c: c.budget_ntd is not None, "budget.amount"),
        DataPoint("budget_approval", _l("Date the budget was approved"),
                  lambda c: c.budget_approved_on is not None, "budget.approvalDate"),
    ), _EVERY_STATUS, lambda c: True),
    Stage("procurement", _l("Procurement"), (
        DataPoint("tender", _l("Tender on the e-procurement system"), lambda c: bool(c.tenders),
                  "contractingProcesses"),
        DataPoint("procurement_kind", _l("Procurement kind"), lambda c: bool(c.procurement_kind),
                  "contractingProcesses.summary.nature"),
        DataPoint("suppliers", _l("Contracts and their suppliers"), lambda c: bool(c.contracts),
                  "contractingProcesses.summary.suppliers"),
        DataPoint("contract_price", _l("Contract price"),
                  _contracts_all(lambda contract: contract.award_value_ntd is not None),
                  "contractingProcesses.summary.contractValue"),
        DataPoint("contract_scope", _l("Scope of every contract"),
                  _contracts_all(lambda contract: bool(contract.scope)),
                  "contractingProcesses.summary.description"),
        DataPoint("contract_period", _l("Period of every contract"),
                  _contracts_all(lambda contract: contract.starts_on is not None and contract.ends_on is not None),
                  "contractingProcesses.summary.contractPeriod"),
    ), _FROM_TENDERING, lambda c: bool(c.tenders or c.contracts)),
    Stage("implementation", _l("Implementation"), (
        DataPoint("milestones", _l("Milestones with planned dates"),
                  lambda c: any(m.planned_on for m in c.milestones), "milestones.dueDate"),
        DataPoint("progress", _l("Progress recorded against the milestones"),
                  lambda c: any(m.actual_on for m in c.milestones), "milestones.dateMet"),
        # With contracts in place, no variation is itself a disclosure: the contracts stand as signed.
        DataPoint("variations", _l("Contract variations with their reasons"),
                  lambda c: bool(c.contracts) and all(v.rationale.strip() for v in c.variations),
                  "contractingProcesses.summary.modifications"),
        DataPoint("implementation_risks", _l("Risk register for contract implementation"),
                  lambda c: any(r.stage == RiskStage.contract_implementation for r in c.risks),
                  "documents (riskProvisions)"),
    ), _FROM_IMPLEMENTATION, lambda c: bool(c.contracts)),
    Stage("completion", _l("Completion"), (
        DataPoint("completed_on", _l("Completion date"), lambda c: c.completed_on is not None,
                  "completion.endDate"),
        DataPoint("final_cost", _l("Final cost"), lambda c: c.final_cost_ntd is not None, "completion.finalValue"),
        DataPoint("final_scope", _l("Final scope"), lambda c: bool(c.final_scope), "completion.finalScope"),
        DataPoint("completion_changes", _l("Reasons for changes to cost, time and scope"),
                  lambda c: bool(c.completion_changes), "completion.finalValueDetails"),
        DataPoint("audit", _l("Audit or evaluation report"),
                  lambda c: any(d.document_type in AUDIT_DOCUMENT_TYPES for d in c.documents),
                  "documents (financialAuditReport, technicalAuditReport, projectEvaluation)"),
    ), frozenset({CaseStatus.completed})),
)
STAGE_CODES = tuple(stage.code for stage in STAGES)


@dataclass(frozen=True)
class StageScore:
    stage: Stage
    filled: int
    total: int
    percent: int
    missing: list[DataPoint]
    due: bool


def is_due(stage: Stage, case: Case) -> bool:
    """Whether ``case`` is expected to have disclosed ``stage`` (its parts loaded)."""
    if case.status in _STOPPED:
        return stage.reached(case)
    return case.status in stage.due_in


def assess(case: Case) -> list[StageScore]:
    """Score each stage of ``case`` (its parts must be loaded) and list what each is missing."""
    scores = []
    for stage in STAGES:
        missing = [point for point in stage.points if not point.is_filled(case)]
        total = len(stage.points)
        filled = total - len(missing)
        scores.append(StageScore(stage=stage, filled=filled, total=total, percent=round(100 * filled / total),
                                 missing=missing, due=is_due(stage, case)))
    return scores


def percentages(case: Case) -> dict[str, int | None]:
    """Each due stage's share of its data points filled in (None for a stage not due), as stored
    on the case."""
    return {score.stage.code: score.percent if score.due else None for score in assess(case)}


@dataclass(frozen=True)
class Step:
    """A contract variation with the contract's price and end date before and after it."""

    variation: ContractVariation
    old_value_ntd: int | None
    new_value_ntd: int | None
    old_ends_on: date | None
    new_ends_on: date | None


def variation_steps(case: Case) -> dict[int, list[Step]]:
    """Each contract's variations (the case's parts loaded) in the order they were approved, by
    contract id, read as a chain from the contract as signed: a value variation sets the price, a
    duration variation the end date, and every other step carries them on."""
    contracts = {contract.id: contract for contract in case.contracts}
    ordered = sorted(case.variations, key=lambda v: (v.approved_on, v.id))
    current: dict[int, tuple[int | None, date | None]] = {
        contract_id: (contract.award_value_ntd, contract.ends_on) for contract_id, contract in contracts.items()}
    steps: dict[int, list[Step]] = {}
    for variation in ordered:
        value, ends_on = current.get(variation.contract_id, (None, None))
        new_value = variation.new_value_ntd if variation.new_value_ntd is not None else value
        new_ends_on = variation.new_ends_on if variation.new_ends_on is not None else ends_on
        steps.setdefault(variation.contract_id, []).append(
            Step(variation, value, new_value, ends_on, new_ends_on))
        current[variation.contract_id] = (new_value, new_ends_on)
    return steps
