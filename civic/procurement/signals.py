"""Risk signals: facts in a case's data that integrity reviewers look at twice, never accusations.

Each signal is computed from what the case shows (its tenders' announcements, its milestones, its
public input), carries the data it came from, and names the definition it follows where a
published one maps (the Open Contracting Partnership's red flags as OCDS Cardinal computes them).
A signal says "look here"; it does not say anything went wrong, and the case page says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.cases.history import tender_key
from civic.cases.models import Case, Milestone
from civic.feedback.models import Feedback
from civic.procurement.models import Announcement, AnnouncementKind
from civic.procurement.queries import Timeline

# An award this close to the reserve price (底價), or at the budget, is worth a second look.
NEAR_RESERVE_RATIO = 0.99
FAILED_TENDERS_SIGNAL = 2
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


def _count_by_case(session: Session, case_id: Any, *conditions: Any) -> dict[int, int]:
    """The number of rows meeting ``conditions``, per case (only cases that have some)."""
    return dict(session.execute(select(case_id, func.count()).where(*conditions).group_by(case_id)).all())


def signals_by_case(session: Session, timelines: dict[int, list[Timeline]], case_ids: list[int], *,
                    today: date, now: datetime) -> dict[int, list[Signal]]:
    """Every signal of each case, whatever their number in two queries: the tenders' from their
    timelines, overdue milestones and unanswered public input counted per case."""
    milestones = _count_by_case(session, Milestone.case_id, Milestone.case_id.in_(case_ids),
                                Milestone.planned_on < today, Milestone.actual_on.is_(None))
    items = _count_by_case(session, Feedback.case_id, Feedback.case_id.in_(case_ids), Feedback.is_overdue(now))
    signals: dict[int, list[Signal]] = {}
    for case_id in case_ids:
        signals[case_id] = tender_signals(timelines.get(case_id, []))
        if milestones.get(case_id):
            signals[case_id].append(Signal("milestones_overdue", {"milestones": milestones[case_id]}))
        if items.get(case_id):
            signals[case_id].append(Signal("public_input_overdue", {"items": items[case_id]}))
    return signals


def case_signals(session: Session, case: Case, timelines: list[Timeline], *, today: date,
                 now: datetime) -> list[Signal]:
    """Every signal of one case."""
    return signals_by_case(session, {case.id: timelines}, [case.id], today=today, now=now)[case.id]
