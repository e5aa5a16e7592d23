"""Reads for the open data API, the bulk files and the feeds: published cases only, keyset pages,
eager loading so each page runs a fixed number of statements, batches for streaming.

Never writes. Only what hangs off a published case is ever read here for the public.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.functions import FunctionElement

from civic.accounts.models import Company
from civic.agencies.models import Agency
from civic.api.pagination import KeysetPage, Window, keyset
from civic.cases.models import Case, CaseRevision, ReviewState, Sector
from civic.cases.queries import part_options
from civic.core.db import UTCDateTime
from civic.feedback import queries as feedback_queries
from civic.feedback.models import Comment, Feedback, Response
from civic.pledges.models import Pledge
from civic.workshops.models import Workshop

# Rows per statement when a whole table is streamed: bounds memory whatever the table's size.
BATCH_SIZE = 200
FEED_SIZE = 50


class latest(FunctionElement[datetime]):
    """The latest of several timestamps: GREATEST on PostgreSQL, MAX(a, b, ...) on SQLite."""

    type = UTCDateTime()
    inherit_cache = True
    name = "latest"


@compiles(latest)
def _latest_default(element: latest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(latest, "sqlite")
def _latest_sqlite(element: latest, compiler: Any, **kw: Any) -> str:
    return f"MAX({compiler.process(element.clauses, **kw)})"


# Cases


@dataclass(frozen=True)
class CaseFilter:
    agency_id: int | None = None
    sector_id: int | None = None
    status: str | None = None
    kind: str | None = None
    best: bool | None = None


def _published() -> Select:
    return select(Case).where(Case.review_state == ReviewState.published)


def _with_parts(statement: Select) -> Select:
    """Every public part of the cases, one statement per kind of part whatever their number."""
    return statement.options(*part_options())


def list_cases(session: Session, case_filter: CaseFilter, window: Window) -> KeysetPage:
    """Published cases with every part, in the order they last changed."""
    statement = _published()
    if case_filter.agency_id is not None:
        statement = statement.where(Case.agency_id == case_filter.agency_id)
    if case_filter.sector_id is not None:
        statement = statement.where(Case.sector_id == case_filter.sector_id)
    if case_filter.status:
        statement = statement.where(Case.status == case_filter.status)
    if case_filter.kind:
        statement = statement.where(Case.procurement_kind == case_filter.kind)
    if case_filter.best is not None:
        statement = statement.where(Case.is_best_practice.is_(case_filter.best))
    return keyset(session, _with_parts(statement), Case.updated_at, Case.id, window)


def get_published_case(session: Session, slug: str) -> Case | None:
    """The published case ``slug`` with every part, or None."""
    return session.scalar(_with_parts(_published().where(Case.slug == slug)))


def get_sector_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Sector.id).where(Sector.code == code))


def get_published_case_id(session: Session, slug: str) -> int | None:
    return session.scalar(select(Case.id).where(Case.slug == slug, Case.review_state == ReviewState.published))


def iter_cases(session: Session) -> Iterator[Case]:
    """Every published case with its parts, in batches, letting go of each batch once read."""
    last_id = 0
    while True:
        batch = list(session.scalars(_with_parts(_published().where(Case.id > last_id))
                                     .order_by(Case.id).limit(BATCH_SIZE)))
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        session.expunge_all()


def last_case_change(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Case.updated_at)).where(Case.review_state == ReviewState.published))


# Agencies


def list_agencies(session: Session, window: Window) -> KeysetPage:
    """Every agency, active or not (a bot must learn when one closes), in the order they changed."""
    return keyset(session, select(Agency).options(selectinload(Agency.parent)), Agency.updated_at, Agency.id,
                  window)


def get_agency(session: Session, code: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.code == code).options(selectinload(Agency.parent)))


@dataclass(frozen=True)
class AgencyStats:
    agency: str
    updated_at: datetime
    cases: int
    average_completeness: int | None
    received: int
    answered: int
    answered_on_time: int
    on_time_share: int | None
    overdue_now: int
    median_days: float | None
    months: list[Any]


def agency_stats(session: Session, agency: Agency, now: datetime) -> AgencyStats:
    """The agency's accountability figures, as on /agencies/<code>, and when they last changed."""
    figures = feedback_queries.agency_figures_in_detail(session, agency.id, now)
    cases, average, cases_changed = session.execute(
        select(func.count(Case.id), func.avg(Case.completeness), func.max(Case.updated_at))
        .where(Case.agency_id == agency.id, Case.review_state == ReviewState.published)).one()
    items_changed = session.scalar(select(func.max(Feedback.updated_at)).where(Feedback.agency_id == agency.id))
    changed = max(moment for moment in (agency.updated_at, cases_changed, items_changed) if moment is not None)
    return AgencyStats(
        agency=agency.code, updated_at=changed, cases=cases,
        average_completeness=round(average) if average is not None else None,
        received=figures.received, answered=figures.answered, answered_on_time=figures.answered_on_time,
        on_time_share=figures.on_time_share, overdue_now=figures.overdue_now, median_days=figures.median_days,
        months=figures.months)


# Comments


@dataclass(frozen=True)
class CommentRow:
    """A comment with what the API shows beside it: its case's slug and when it last changed."""

    comment: Comment
    case_slug: str
    updated_at: datetime


def comment_changed_at() -> ColumnElement[datetime]:
    """When a comment, or the feedback item and answer it became, last changed.

    TODO(#8): a restored comment goes back to an earlier time here; an updated_at column on
    feedback_comments would make this exact (and indexable).
    """
    created = Comment.created_at
    return latest(created, func.coalesce(Comment.edited_at, created), func.coalesce(Comment.deleted_at, created),
                  func.coalesce(Comment.hidden_at, created), func.coalesce(Feedback.updated_at, created))


def _comments() -> Select:
    return (
        select(Comment, Case.slug)
        .join(Case, Case.id == Comment.case_id)
        .outerjoin(Feedback, Feedback.comment_id == Comment.id)
        .where(Case.review_state == ReviewState.published)
        .options(
            selectinload(Comment.author),
            selectinload(Comment.feedback).selectinload(Feedback.agency),
            selectinload(Comment.feedback).selectinload(Feedback.response).selectinload(Response.agency),
        )
    )


def list_comments(session: Session, case_id: int | None, window: Window) -> tuple[list[CommentRow], KeysetPage]:
    """Comments on published cases (tombstones included), in the order they last changed."""
    statement = _comments()
    if case_id is not None:
        statement = statement.where(Comment.case_id == case_id)
    page = keyset(session, statement, comment_changed_at(), Comment.id, window)
    return [CommentRow(comment, slug, changed) for comment, slug, changed, _id in page.rows], page


def iter_comments(session: Session) -> Iterator[CommentRow]:
    """Every comment on a published case, in batches, letting go of each batch once read."""
    changed = comment_changed_at()
    last_id = 0
    while True:
        rows = session.execute(_comments().add_columns(changed).where(Comment.id > last_id)
                               .order_by(Comment.id).limit(BATCH_SIZE)).all()
        if not rows:
            return
        yield from (CommentRow(comment, slug, at) for comment, slug, at in rows)
        last_id = rows[-1][0].id
        session.expunge_all()


def get_feedback(session: Session, tracking_number: str) -> Feedback | None:
    """The item, if it is about a published case."""
    item = feedback_queries.get_feedback(session, tracking_number)
    return item if item is not None and item.case.is_published else None


# Workshops: the workshop rows only, never their registrations (personal data)


def _workshops() -> Select:
    return select(Workshop).options(selectinload(Workshop.agency), selectinload(Workshop.case))


def list_workshops(session: Session, agency_id: int | None, case_id: int | None, window: Window) -> KeysetPage:
    """Every workshop, cancelled ones too, in the order they last changed."""
    statement = _workshops()
    if agency_id is not None:
        statement = statement.where(Workshop.agency_id == agency_id)
    if case_id is not None:
        statement = statement.where(Workshop.case_id == case_id)
    return keyset(session, statement, Workshop.updated_at, Workshop.id, window)


def get_workshop(session: Session, workshop_id: int) -> Workshop | None:
    return session.scalar(_workshops().where(Workshop.id == workshop_id))


def _batches(session: Session, statement: Select, id_column: Any) -> Iterator[Any]:
    """Every row of ``statement`` by id, in batches, letting go of each batch once read."""
    last_id = 0
    while True:
        batch = list(session.scalars(statement.where(id_column > last_id).order_by(id_column).limit(BATCH_SIZE)))
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        session.expunge_all()


def iter_workshops(session: Session) -> Iterator[Workshop]:
    return _batches(session, _workshops(), Workshop.id)


# Pledges


def _pledges() -> Select:
    return select(Pledge).options(selectinload(Pledge.company), selectinload(Pledge.text),
                                  selectinload(Pledge.case))


def list_pledges(session: Session, company_id: int | None, case_id: int | None, window: Window) -> KeysetPage:
    """Every pledge, withdrawn ones too, in the order they last changed."""
    statement = _pledges()
    if company_id is not None:
        statement = statement.where(Pledge.company_id == company_id)
    if case_id is not None:
        statement = statement.where(Pledge.case_id == case_id)
    return keyset(session, statement, Pledge.updated_at, Pledge.id, window)


def get_company_id(session: Session, ubn: str) -> int | None:
    return session.scalar(select(Company.id).where(Company.ubn == ubn))


def iter_pledges(session: Session) -> Iterator[Pledge]:
    return _batches(session, _pledges(), Pledge.id)


# Feeds


def latest_cases(session: Session, *, agency_id: int | None = None, limit: int = FEED_SIZE) -> list[Case]:
    statement = _published().options(selectinload(Case.agency))
    if agency_id is not None:
        statement = statement.where(Case.agency_id == agency_id)
    return list(session.scalars(statement.order_by(Case.updated_at.desc(), Case.id.desc()).limit(limit)))


def latest_revisions(session: Session, case: Case, limit: int = FEED_SIZE) -> list[CaseRevision]:
    return list(session.scalars(select(CaseRevision).where(CaseRevision.case_id == case.id)
                                .order_by(CaseRevision.created_at.desc(), CaseRevision.id.desc()).limit(limit)))


def latest_answers(session: Session, *, case_id: int | None = None, agency_id: int | None = None,
                   limit: int = FEED_SIZE) -> list[Response]:
    """The newest official answers on published cases, of one case or by one agency."""
    statement = (
        select(Response).join(Feedback, Feedback.id == Response.feedback_id)
        .join(Case, Case.id == Feedback.case_id)
        .where(Case.review_state == ReviewState.published)
        .options(selectinload(Response.agency), selectinload(Response.feedback).selectinload(Feedback.case))
    )
    if case_id is not None:
        statement = statement.where(Feedback.case_id == case_id)
    if agency_id is not None:
        statement = statement.where(Response.agency_id == agency_id)
    return list(session.scalars(statement.order_by(Response.created_at.desc(), Response.id.desc()).limit(limit)))
