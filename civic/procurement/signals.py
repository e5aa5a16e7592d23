"""Risk signals: facts in a case's data that integrity reviewers look at twice, never accusations.

Each signal is computed from what the case shows (its tenders' announcements, its contracts'
variations, its milestones, its public input), carries the data it came from, and names the
definition it follows where a published one maps (the Open Contracting Partnership's red flags as
OCDS Cardinal computes them).
A signal says "look here"; it does not say anything went wrong, and the case page says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.orm import Session

from civic.cases.history import tender_key
from civic.cases.models import Case, CaseContract, CaseTender, ContractVariation, Milestone, VariationKind
from civic.feedback.models import Feedback
from civic.procurement.models import Announcement, AnnouncementKind
from civic.procurement.queries import Timeline, case_timelines

# An award this close to the reserve price (底價), or at the budget, is worth a second look.
NEAR_RESERVE_RATIO = 0.99
FAILED_TENDERS_SIGNAL = 2
# A contract whose price grew by more than this share of the price signed, or whose period grew
# by more than this share of the period signed, through its variations (strictly more).
PRICE_GROWTH_SIGNAL = 0.10
TIME_EXTENSION_SIGNAL = 0.20
LANGUAGES = ("zh_Hant_TW", "en")


@dataclass(frozen=True)
class Definition:
    code: str
    title: Any
    explanation: Any
    source_name: str
    source_url: str = ""


CARDINAL = "https://cardinal.readthedocs.io/en/latest/cli/indicators/"
OCP_RED_FLAGS = ""  # the guide is a PDF without a stable address; named, not linked
AMENDMENTS = ("Open Contracting Partnership, Red flags for integrity (2016): contract amendments; "
              "CoST Infrastructure Data Standard: implementation stage (price and duration variations)")

DEFINITIONS = {definition.code: definition for definition in (
    Definition(
        "single_bidder", _l("One bidder in an open tender"),
        _l("Only one company bid in a tender open to all. Competition may have been thin because "
           "the market is small, or because the requirements kept others out."),
        "OCDS Cardinal R018 (Single bid received)", CARDINAL),
    Definition(
        "award_near_reserve_price", _l("Award within one per cent of the reserve price"),
        _l("The winning price is within one per cent of the reserve price the agency set in secret. "
           "It happens by chance; it is also what a leaked reserve price looks like."),
        "Open Contracting Partnership, Red flags for integrity (2016): award price close to the estimate",
        OCP_RED_FLAGS),
    Definition(
        "award_at_budget", _l("Award at the budget"),
        _l("The winning price is the whole budget or more, so bidding brought no saving."),
        "Open Contracting Partnership, Red flags for integrity (2016): award price close to the estimate",
        OCP_RED_FLAGS),
    Definition(
        "repeated_failed_tenders", _l("Tender failed more than once"),
        _l("The e-procurement system announced more than once that this tender could not be awarded. "
           "Requirements that nobody can meet, or a budget too low, are the usual reasons; "
           "repeated failures can also open the way to a negotiated award."),
        "Open Contracting Partnership, Red flags for integrity (2016): repeated cancelled or failed tenders",
        OCP_RED_FLAGS),
    Definition(
        "milestones_overdue", _l("Milestones past their planned date"),
        _l("Milestones whose planned date has passed have no actual date yet. The work may be late, "
           "or the agency may not have recorded that it was done."),
        "CoST Infrastructure Data Standard: implementation progress"),
    Definition(
        "public_input_overdue", _l("Public input unanswered after its deadline"),
        _l("Comments routed to the agency are still open after their answer deadline."),
        "civic: the answer deadlines of public feedback"),
    Definition(
        "price_growth", _l("Contract price raised by more than ten per cent"),
        _l("Variations approved after signing raised a contract's price by more than ten per cent of the "
           "price signed. Design changes, ground conditions nobody could see and price adjustment clauses "
           "are ordinary reasons; a low bid made up for by later variations looks the same. The reason "
           "given for each variation is in the case's record."),
        AMENDMENTS, OCP_RED_FLAGS),
    Definition(
        "time_extension", _l("Contract period extended by more than twenty per cent"),
        _l("Variations approved after signing moved a contract's end date so that its period is more than "
           "twenty per cent longer than the period signed. Bad weather, late permits or added work are "
           "ordinary reasons; an extension can also spare a contractor the penalties for finishing late. "
           "The reason given for each variation is in the case's record."),
        AMENDMENTS, OCP_RED_FLAGS),
)}


@dataclass
class Signal:
    code: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def definition(self) -> Definition:
        return DEFINITIONS[self.code]

    @property
    def title(self) -> str:
        return str(self.definition.title)

    @property
    def explanation(self) -> str:
        return str(self.definition.explanation)

    def in_languages(self) -> dict[str, Any]:
        """The signal as the API gives it: its words in both languages, its data and its source."""
        explanation, title = {}, {}
        for language in LANGUAGES:
            with force_locale(language):
                key = "zh" if language.startswith("zh") else "en"
                title[key], explanation[key] = str(self.definition.title), str(self.definition.explanation)
        return {"code": self.code, "title": title, "explanation": explanation, "data": self.data,
                "source": {"name": self.definition.source_name, "url": self.definition.source_url}}


def _is_open_tender(announcement: Announcement) -> bool:
    return "公開招標" in announcement.procedure or announcement.procedure.startswith("公開")


def _award_signals(timeline: Timeline, award: Announcement, budget: int | None) -> Iterable[Signal]:
    about = {"tender": tender_key(timeline.tender), "announcement": award.filename,
             "published_on": award.published_on.isoformat()}
    bidders = award.bidder_count if award.bidder_count is not None else len(award.bidders) or None
    if bidders == 1 and _is_open_tender(award):
        yield Signal("single_bidder", {**about, "bidder_count": 1, "procedure": award.procedure})
    amount, reserve = award.award_amount_ntd, award.reserve_price_ntd
    if amount and reserve and reserve * NEAR_RESERVE_RATIO <= amount <= reserve:
        yield Signal("award_near_reserve_price", {**about, "award_amount_ntd": amount,
                                                  "reserve_price_ntd": reserve})
    budget = award.budget_ntd or budget
    if amount and budget and amount >= budget:
        yield Signal("award_at_budget", {**about, "award_amount_ntd": amount, "budget_ntd": budget})


def tender_signals(timelines: list[Timeline]) -> list[Signal]:
    signals: list[Signal] = []
    for timeline in timelines:
        budget = next((a.budget_ntd for a in reversed(timeline.announcements) if a.budget_ntd), None)
        for announcement in timeline.announcements:
            if announcement.kind == AnnouncementKind.award:
                signals.extend(_award_signals(timeline, announcement, budget))
        failed = [a for a in timeline.announcements if a.kind == AnnouncementKind.failed]
        if len(failed) >= FAILED_TENDERS_SIGNAL:
            signals.append(Signal("repeated_failed_tenders", {
                "tender": tender_key(timeline.tender), "failed": len(failed),
                "announcements": [a.filename for a in failed]}))
    return signals


def _growth(before: int, after: int) -> Fraction:
    """How much larger ``after`` is than ``before``, as a share of ``before`` (exact, so that ten
    per cent is ten per cent and not a float a hair above it)."""
    return Fraction(after - before, before)


def _per_cent(growth: Fraction) -> float:
    return round(float(growth * 100), 1)


def _price_growth(variations: list[Row]) -> Signal | None:
    """The contract's price after its latest value variation against the price signed (each row
    a value variation of one contract with the contract as signed, the latest last)."""
    latest = variations[-1]
    signed, price = latest.award_value_ntd, latest.new_value_ntd
    if signed <= 0 or price is None:
        return None
    growth = _growth(signed, price)
    if growth <= Fraction(str(PRICE_GROWTH_SIGNAL)):
        return None
    return Signal("price_growth", {
        "contract_id": latest.contract_id, "contract": latest.title, "award_value_ntd": signed,
        "new_value_ntd": price, "growth_percent": _per_cent(growth), "approved_on": latest.approved_on.isoformat(),
        "variations": [variation.id for variation in variations]})


def _time_extension(variations: list[Row]) -> Signal | None:
    """The contract's period to the end date of its latest duration variation against the period
    signed; nothing to compare without both dates signed, in order."""
    latest = variations[-1]
    starts, ends, new_ends = latest.starts_on, latest.ends_on, latest.new_ends_on
    if starts is None or ends is None or new_ends is None or ends <= starts:
        return None
    growth = _growth((ends - starts).days, (new_ends - starts).days)
    if growth <= Fraction(str(TIME_EXTENSION_SIGNAL)):
        return None
    return Signal("time_extension", {
        "contract_id": latest.contract_id, "contract": latest.title, "starts_on": starts.isoformat(),
        "ends_on": ends.isoformat(), "new_ends_on": new_ends.isoformat(), "growth_percent": _per_cent(growth),
        "approved_on": latest.approved_on.isoformat(), "variations": [variation.id for variation in variations]})


# Each kind of variation a signal reads, with the rule that reads the contract's variations of it.
_VARIATION_SIGNALS: dict[str, Callable[[list[Row]], Signal | None]] = {
    VariationKind.value: _price_growth, VariationKind.duration: _time_extension,
}


def _variation_signals(session: Session, case_ids: list[int]) -> dict[int, list[Signal]]:
    """The contracts' price growth and time extensions, per case, in one query: each contract's
    value and duration variations with the contract as signed, the latest (by approval date, then
    as entered) last."""
    rows = session.execute(
        select(ContractVariation.id, ContractVariation.contract_id, ContractVariation.kind,
               ContractVariation.approved_on, ContractVariation.new_value_ntd, ContractVariation.new_ends_on)
        .add_columns(CaseContract.case_id, CaseContract.title, CaseContract.award_value_ntd,
                     CaseContract.starts_on, CaseContract.ends_on)
        .join(CaseContract, CaseContract.id == ContractVariation.contract_id)
        .where(ContractVariation.case_id.in_(case_ids), ContractVariation.kind.in_(list(_VARIATION_SIGNALS)))
        .order_by(ContractVariation.approved_on, ContractVariation.id)).all()
    # Contract by contract as entered, the price before the period.
    position = {kind: number for number, kind in enumerate(_VARIATION_SIGNALS)}
    chains: dict[tuple[int, int, int], list[Row]] = defaultdict(list)
    for row in rows:
        chains[(row.case_id, row.contract_id, position[row.kind])].append(row)
    signals: dict[int, list[Signal]] = defaultdict(list)
    for (case_id, _contract_id, _position), variations in sorted(chains.items()):
        signal = _VARIATION_SIGNALS[variations[0].kind](variations)
        if signal is not None:
            signals[case_id].append(signal)
    return signals


def _count_by_case(session: Session, case_id: Any, *conditions: Any) -> dict[int, int]:
    """The number of rows meeting ``conditions``, per case (only cases that have some)."""
    return dict(session.execute(select(case_id, func.count()).where(*conditions).group_by(case_id)).all())


def _overdue_milestone(today: date) -> tuple[ColumnElement[bool], ...]:
    """A milestone past its planned date without an actual date."""
    return Milestone.planned_on < today, Milestone.actual_on.is_(None)


def signals_by_case(session: Session, timelines: dict[int, list[Timeline]], case_ids: list[int], *,
                    today: date, now: datetime) -> dict[int, list[Signal]]:
    """Every signal of each case, whatever their number in three queries: the tenders' from their
    timelines, the contracts' from their variations, overdue milestones and unanswered public
    input counted per case."""
    variations = _variation_signals(session, case_ids)
    milestones = _count_by_case(session, Milestone.case_id, Milestone.case_id.in_(case_ids),
                                *_overdue_milestone(today))
    items = _count_by_case(session, Feedback.case_id, Feedback.case_id.in_(case_ids), Feedback.is_overdue(now))
    signals: dict[int, list[Signal]] = {}
    for case_id in case_ids:
        signals[case_id] = tender_signals(timelines.get(case_id, []))
        signals[case_id].extend(variations.get(case_id, []))
        if milestones.get(case_id):
            signals[case_id].append(Signal("milestones_overdue", {"milestones": milestones[case_id]}))
        if items.get(case_id):
            signals[case_id].append(Signal("public_input_overdue", {"items": items[case_id]}))
    return signals


def _with_announcement(kind: str) -> Select:
    return (select(CaseTender.case_id).join(Announcement, Announcement.tender_id == CaseTender.id)
            .where(Announcement.kind == kind))


def _with_variation(kind: str) -> Select:
    return select(ContractVariation.case_id).where(ContractVariation.kind == kind)


# For each signal, the cases that may show it, found in SQL: a wider set than those that do, which
# signals_by_case then decides (each signal's rule stays in one place, above).
_CANDIDATES: dict[str, Callable[[date, datetime], Select]] = {
    "single_bidder": lambda _today, _now: _with_announcement(AnnouncementKind.award),
    "award_near_reserve_price": lambda _today, _now: _with_announcement(AnnouncementKind.award),
    "award_at_budget": lambda _today, _now: _with_announcement(AnnouncementKind.award),
    "repeated_failed_tenders": lambda _today, _now: _with_announcement(AnnouncementKind.failed),
    "milestones_overdue": lambda today, _now: select(Milestone.case_id).where(*_overdue_milestone(today)),
    "public_input_overdue": lambda _today, now: select(Feedback.case_id).where(Feedback.is_overdue(now)),
    "price_growth": lambda _today, _now: _with_variation(VariationKind.value),
    "time_extension": lambda _today, _now: _with_variation(VariationKind.duration),
}


def candidate_case_ids(code: str, *, today: date, now: datetime) -> Select:
    """The ids of the cases that may show signal ``code`` (a known code): those with the rows
    its rule reads."""
    return _CANDIDATES[code](today, now)


def cases_with_signal(session: Session, code: str, case_ids: list[int], *, today: date,
                      now: datetime) -> set[int]:
    """Which of ``case_ids`` show signal ``code``, decided as their pages decide it, in the fixed
    number of queries of case_timelines and signals_by_case."""
    if not case_ids:
        return set()
    signals = signals_by_case(session, case_timelines(session, case_ids), case_ids, today=today, now=now)
    return {case_id for case_id, found in signals.items() if any(signal.code == code for signal in found)}


def case_signals(session: Session, case: Case, timelines: list[Timeline], *, today: date,
                 now: datetime) -> list[Signal]:
    """Every signal of one case."""
    return signals_by_case(session, {case.id: timelines}, [case.id], today=today, now=now)[case.id]
