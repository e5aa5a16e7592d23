"""Reads of cases for pages, staff screens and the API: eager loading, filters, pagination."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from civic.agencies.models import Agency
from civic.cases import disclosure
from civic.cases.models import (
    Case,
    CaseContract,
    HistoryEntry,
    Meeting,
    ReviewState,
    Sector,
)
from civic.core.fulltext import matching_object_ids
from civic.core.pagination import Page

SORTS = {
    "recent": (Case.published_at.desc(), Case.id.desc()),
    "budget": (Case.budget_ntd.desc().nulls_last(), Case.id.desc()),
    "completeness": (Case.completeness.desc(), Case.id.desc()),
    "title": (Case.title_zh, Case.id),
}


# Lists count their matches up to this many; beyond it they say "more than" and stop paging.
COUNT_CAP = 1001


@dataclass(frozen=True)
class CaseFilters:
    agency: str | None = None
    sector: str | None = None
    status: str | None = None
    kind: str | None = None
    year: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    best: bool = False
    q: str | None = None
    sort: str = "recent"
    # Only the cases whose ids this statement selects (those that may show a risk signal).
    among: Select | None = None


def _published() -> Select:
    return select(Case).where(Case.is_published)


def _apply_filters(session: Session, statement: Select, filters: CaseFilters) -> Select:
    # Filter by id through a scalar subquery rather than a join, so the planner can walk an
    # index on cases in the requested order instead of sorting every match (bench/RESULTS.md).
    if filters.agency:
        statement = statement.where(
            Case.agency_id == select(Agency.id).where(Agency.code == filters.agency).scalar_subquery())
    if filters.sector:
        statement = statement.where(
            Case.sector_id == select(Sector.id).where(Sector.code == filters.sector).scalar_subquery())
    if filters.status:
        statement = statement.where(Case.status == filters.status)
    if filters.kind:
        statement = statement.where(Case.procurement_kind == filters.kind)
    if filters.year:
        statement = statement.where(Case.year == filters.year)
    if filters.min_value is not None:
        statement = statement.where(Case.budget_ntd >= filters.min_value)
    if filters.max_value is not None:
        statement = statement.where(Case.budget_ntd <= filters.max_value)
    if filters.best:
        statement = statement.where(Case.is_best_practice.is_(True))
    if filters.q:
        # The same full-text engine as /search; a query with nothing searchable finds nothing.
        matches = matching_object_ids(session, filters.q, "case")
        statement = statement.where(Case.id.in_(matches) if matches is not None else false())
    if filters.among is not None:
        statement = statement.where(Case.id.in_(filters.among))
    return statement


def _order(filters: CaseFilters) -> tuple:
    return (Case.is_best_practice.desc(), *SORTS.get(filters.sort, SORTS["recent"]))


def list_published_cases(session: Session, filters: CaseFilters, *, page: int,
                         per_page: int) -> Page[Case]:
    """Published cases matching ``filters``: best practice first, then the chosen order.

    Two queries whatever the page size: one count, one page with agency and sector joined in.
    """
    statement = _apply_filters(session, _published(), filters)
    # Count at most COUNT_CAP rows: an exact count of 100k cases costs more than the page itself.
    total = session.scalar(select(func.count()).select_from(
        statement.with_only_columns(Case.id).limit(COUNT_CAP).subquery())) or 0
    rows = session.scalars(
        statement.options(selectinload(Case.agency), selectinload(Case.sector))
        .order_by(*_order(filters))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=list(rows), number=page, per_page=per_page, total=total)


def list_published_case_ids(session: Session, filters: CaseFilters) -> list[int]:
    """The ids of every published case matching ``filters``, in the list's order, for a filter
    decided outside SQL (a risk signal) over the cases ``filters.among`` narrows them to."""
    statement = _apply_filters(session, _published(), filters)
    return list(session.scalars(statement.with_only_columns(Case.id).order_by(*_order(filters))))


def page_of_cases(session: Session, ids: list[int], *, page: int, per_page: int) -> Page[Case]:
    """Page ``page`` of the published cases ``ids``, in their order, with agency and sector: one
    query and their two loads whatever the page size."""
    shown = ids[(page - 1) * per_page:page * per_page]
    found = {case.id: case for case in session.scalars(
        _published().where(Case.id.in_(shown)).options(selectinload(Case.agency), selectinload(Case.sector)))}
    return Page(items=[found[case_id] for case_id in shown if case_id in found], number=page,
                per_page=per_page, total=len(ids))


def list_best_practice_cases(session: Session, limit: int = 3) -> list[Case]:
    return list(session.scalars(
        _published().where(Case.is_best_practice.is_(True))
        .options(selectinload(Case.agency), selectinload(Case.sector))
        .order_by(Case.published_at.desc()).limit(limit)
    ))


def part_options() -> tuple:
    """Loader options that bring a case's every part in a fixed number of queries."""
    return (
        selectinload(Case.agency),
        selectinload(Case.sector),
        selectinload(Case.members),
        selectinload(Case.meetings).selectinload(Meeting.statements),
        selectinload(Case.meetings).selectinload(Meeting.decisions),
        selectinload(Case.risks),
        selectinload(Case.milestones),
        selectinload(Case.documents),
        selectinload(Case.contracts).selectinload(CaseContract.company),
        selectinload(Case.tenders),
        selectinload(Case.funding),
        selectinload(Case.variations),
    )


def _with_parts(statement: Select) -> Select:
    return statement.options(*part_options())


def get_case_by_slug(session: Session, slug: str) -> Case | None:
    """The case ``slug`` without its parts, or None."""
    return session.scalar(select(Case).where(Case.slug == slug))


def get_case_for_page(session: Session, slug: str, *, with_targets: bool) -> Case | None:
    """The case ``slug`` with its agency, in one query, for a page whose record is kept as a
    fragment; with its meetings and risks too when ``with_targets`` (what a comment may be about)."""
    statement = select(Case).where(Case.slug == slug).options(joinedload(Case.agency))
    if with_targets:
        statement = statement.options(selectinload(Case.meetings), selectinload(Case.risks))
    return session.scalar(statement)


def load_parts(session: Session, case: Case) -> None:
    """Load every part of ``case``, already in the session, that is not loaded yet."""
    session.execute(_with_parts(select(Case).where(Case.id == case.id))).scalars().all()


def get_case_with_parts(session: Session, slug: str) -> Case | None:
    """Return the case ``slug`` (published or not) with every part loaded, or None."""
    return session.scalar(_with_parts(select(Case).where(Case.slug == slug)))


def get_case_for_change(session: Session, slug: str) -> Case | None:
    """Return the case ``slug`` with every part, read afresh with its row locked until the
    transaction ends (SELECT ... FOR NO KEY UPDATE), or None.

    Load a case here before changing it: a second change of the case waits for the first to
    commit, then reads what it left, so the record's ``before`` of each change is the ``after`` of
    the one it follows. (SQLite takes one writer at a time and needs no lock.) What the session
    holds unflushed is flushed first, so reading afresh loses nothing."""
    session.flush()
    statement = (_with_parts(select(Case).where(Case.slug == slug)).with_for_update(key_share=True)
                 .execution_options(populate_existing=True))
    return session.scalar(statement)


def list_latest_history(session: Session, case: Case, limit: int) -> list[HistoryEntry]:
    """The newest ``limit`` entries of the case's record, newest first."""
    return list(session.scalars(
        select(HistoryEntry).where(HistoryEntry.case_id == case.id)
        .order_by(HistoryEntry.seq.desc()).limit(limit)
    ))


def count_history(session: Session, case: Case) -> int:
    return session.scalar(select(func.count(HistoryEntry.id)).where(HistoryEntry.case_id == case.id)) or 0


def get_history_head(session: Session, case_id: int) -> str | None:
    """The hash of the case's newest entry: the value that proves the whole record."""
    return session.scalar(select(HistoryEntry.hash).where(HistoryEntry.case_id == case_id)
                          .order_by(HistoryEntry.seq.desc()).limit(1))


def list_history_page(session: Session, case: Case, *, page: int, per_page: int) -> Page[HistoryEntry]:
    """One page of the case's record, newest first: one count, one page."""
    total = count_history(session, case)
    rows = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id)
                           .order_by(HistoryEntry.seq.desc()).limit(per_page).offset((page - 1) * per_page))
    return Page(items=list(rows), number=page, per_page=per_page, total=total)


def agency_names(session: Session, codes: set[str], locale: str) -> dict[str, str]:
    """The names of the agencies ``codes``, in one query."""
    if not codes:
        return {}
    return {agency.code: agency.name(locale)
            for agency in session.scalars(select(Agency).where(Agency.code.in_(sorted(codes))))}


def list_part_entries(session: Session, case: Case, parts: set[tuple[str, int]], *,
                      up_to: int) -> list[HistoryEntry]:
    """Every entry about ``parts`` (kind, id) up to entry ``up_to``, oldest first, in one query."""
    if not parts:
        return []
    kinds = {kind for kind, _id in parts}
    ids = {part_id for _kind, part_id in parts}
    rows = session.scalars(
        select(HistoryEntry).where(HistoryEntry.case_id == case.id, HistoryEntry.part_kind.in_(sorted(kinds)),
                                   HistoryEntry.part_id.in_(sorted(ids)), HistoryEntry.seq <= up_to)
        .order_by(HistoryEntry.seq))
    return [entry for entry in rows if (entry.part_kind, entry.part_id) in parts]


def list_meeting_corrections(session: Session, case: Case) -> dict[int, list[HistoryEntry]]:
    """Changes to the statements or decisions of each meeting as it is now, oldest first, by id.

    A meeting's corrections start over where its id was given to a new meeting.
    """
    entries = session.scalars(
        select(HistoryEntry).where(HistoryEntry.case_id == case.id, HistoryEntry.part_kind == "meeting",
                                   HistoryEntry.part_id.is_not(None))
        .order_by(HistoryEntry.seq)
    )
    corrections: dict[int, list[HistoryEntry]] = {}
    for entry in entries:
        if entry.before is None and entry.after is not None:
            corrections.pop(entry.part_id, None)
        elif entry.action == "updated" and {"statements", "decisions"} & set(entry.before or {}):
            corrections.setdefault(entry.part_id, []).append(entry)
    return corrections


def list_published_case_choices(session: Session) -> list[Case]:
    """Every published case by title, for a form's choice of case."""
    return list(session.scalars(_published().order_by(Case.title_zh)))


def list_sectors(session: Session) -> list[Sector]:
    return list(session.scalars(select(Sector).order_by(Sector.position, Sector.id)))


def get_sector_by_code(session: Session, code: str) -> Sector | None:
    return session.scalar(select(Sector).where(Sector.code == code))


def list_years(session: Session) -> list[int]:
    """The years to filter by: from the earliest to the latest published case (two index reads)."""
    published = (Case.is_published) & Case.year.is_not(None)
    first = session.scalar(select(func.min(Case.year)).where(published))
    last = session.scalar(select(func.max(Case.year)).where(published))
    return list(range(last, first - 1, -1)) if first and last else []


def list_agency_cases(session: Session, agency_id: int) -> list[Case]:
    """Every case of one agency, in any review state, for its staff."""
    return list(session.scalars(
        select(Case).where(Case.agency_id == agency_id)
        .options(selectinload(Case.sector), selectinload(Case.agency))
        .order_by(Case.updated_at.desc())
    ))


def list_applications(session: Session) -> list[Case]:
    """Applications waiting for the authority's decision, oldest first."""
    return list(session.scalars(
        select(Case).where(Case.review_state == ReviewState.submitted)
        .options(selectinload(Case.agency), selectinload(Case.sector))
        .order_by(Case.submitted_at)
    ))


@dataclass(frozen=True)
class AgencyCaseFigures:
    agency: Agency
    cases: int
    average_completeness: int


def agency_case_figures(session: Session) -> list[AgencyCaseFigures]:
    """Every active agency with its number of published cases and their average completeness."""
    counts = (
        select(Case.agency_id, func.count(Case.id).label("cases"),
               func.avg(Case.completeness).label("average"))
        .where(Case.is_published)
        .group_by(Case.agency_id)
        .subquery()
    )
    rows = session.execute(
        select(Agency, counts.c.cases, counts.c.average)
        .outerjoin(counts, counts.c.agency_id == Agency.id)
        .where(Agency.is_active.is_(True))
        .order_by(counts.c.cases.desc().nulls_last(), Agency.code)
    ).all()
    return [AgencyCaseFigures(agency, cases or 0, round(average or 0)) for agency, cases, average in rows]


def agency_disclosure(session: Session, agency_id: int) -> dict[str, int | None]:
    """Each stage's average disclosure over the agency's published cases for which the stage is due
    (None when it is due for none), in one query over the stored scores."""
    # A stage not due is stored as null, which the average leaves out.
    columns = [func.avg(Case.disclosure[stage.code].as_integer()).label(stage.code) for stage in disclosure.STAGES]
    row = session.execute(select(*columns).where(Case.is_published, Case.agency_id == agency_id)).one()
    return {stage.code: round(value) if value is not None else None
            for stage, value in zip(disclosure.STAGES, row, strict=True)}


def list_published_cases_of_agency(session: Session, agency_id: int) -> list[Case]:
    return list(session.scalars(
        _published().where(Case.agency_id == agency_id)
        .options(selectinload(Case.sector), selectinload(Case.agency))
        .order_by(Case.is_best_practice.desc(), Case.published_at.desc())
    ))


def count_published_cases(session: Session) -> int:
    return session.scalar(select(func.count(Case.id)).where(
        Case.is_published)) or 0
