"""Reads for the open data API, the bulk files and the feeds: published cases only, keyset pages,
eager loading so each page runs a fixed number of statements, batches for streaming.

Never writes. Only what hangs off a published case is ever read here for the public; what left
public view is read only for a list with updated_since, and only to say it is gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, and_, cast, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload
from sqlalchemy.sql.functions import FunctionElement

from civic.accounts.models import Company
from civic.agencies.models import Agency, AgencyRemoval
from civic.api.pagination import SECOND_TABLE, KeysetPage, Window, keyset, merge
from civic.cases.models import Case, HistoryEntry, Sector
from civic.cases.queries import part_options
from civic.core.db import UTCDateTime
from civic.core.time import to_taipei
from civic.feedback import figures as feedback_figures
from civic.feedback.models import Comment, Feedback, Response
from civic.feedback.periods import EVERYTHING, Period
from civic.pledges.models import Pledge, PledgeText
from civic.procurement.queries import Timeline, case_timelines
from civic.procurement.signals import Signal, candidate_case_ids, cases_with_signal, signals_by_case
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


@dataclass(frozen=True)
class Gone:
    """An object that left public view (deleted, hidden, withdrawn or unpublished) and when.

    Lists give one only with updated_since, as a tombstone, so that a mirror drops its copy.
    """

    key: str | int
    updated_at: datetime


def _publication_changed(default: ColumnElement[datetime]) -> ColumnElement[datetime]:
    """When the case of a row was last published or, while it is not, last changed (being
    unpublished is a change); ``default`` for a row without a case.

    Both only move forward, and a case is published again after it was unpublished, so the
    rows that hang off a case come back to mirrors, or leave them, with it.
    """
    return func.coalesce(when((Case.is_published, Case.published_at),
                              else_=Case.updated_at), default)


# Cases


@dataclass(frozen=True)
class CaseFilter:
    agency_id: int | None = None
    sector_id: int | None = None
    status: str | None = None
    kind: str | None = None
    best: bool | None = None
    # A risk signal's code: only the cases showing it.
    signal: str | None = None


def _where_given(statement: Select, *filters: tuple[Any, int | None]) -> Select:
    """``statement`` limited, for each (column, value) whose value is given, to rows with that value."""
    for column, value in filters:
        if value is not None:
            statement = statement.where(column == value)
    return statement


def _published() -> Select:
    return select(Case).where(Case.is_published)


def _with_parts(statement: Select) -> Select:
    """Every public part of the cases, one statement per kind of part whatever their number."""
    return statement.options(*part_options())


def list_cases(session: Session, case_filter: CaseFilter, window: Window, *,
               now: datetime) -> tuple[list[Case | Gone], KeysetPage]:
    """Published cases with every part, in the order they last changed.

    With ``window.since``, also the cases that were published and no longer are, gone; whatever
    the filters, since a tombstone tells nothing but the slug, which was public. A case that was
    never published is never named.
    """
    published = Case.is_published
    shown = and_(published, *_case_conditions(case_filter))
    if case_filter.signal:
        shown = and_(shown, Case.id.in_(_showing_signal(session, case_filter.signal, shown, now)))
    if window.since is not None:
        shown = or_(shown, and_(~published, Case.published_at.is_not(None)))
    statement = _with_parts(select(Case, published.label("is_public")).where(shown))
    page = keyset(session, statement, Case.updated_at, Case.id, window)
    return [case if is_public else Gone(case.slug, changed) for case, is_public, changed, _id in page.rows], page


def _showing_signal(session: Session, code: str, shown: ColumnElement[bool], now: datetime) -> list[int]:
    """The ids of the cases ``shown`` selects that show risk signal ``code``: the candidates found in
    SQL, decided by civic.procurement.signals as the case pages decide, in a fixed number of queries."""
    today = to_taipei(now).date()
    candidates = list(session.scalars(select(Case.id).where(
        shown, Case.id.in_(candidate_case_ids(code, today=today, now=now)))))
    return sorted(cases_with_signal(session, code, candidates, today=today, now=now))


def _case_conditions(case_filter: CaseFilter) -> list[ColumnElement[bool]]:
    conditions = []
    if case_filter.agency_id is not None:
        conditions.append(Case.agency_id == case_filter.agency_id)
    if case_filter.sector_id is not None:
        conditions.append(Case.sector_id == case_filter.sector_id)
    if case_filter.status:
        conditions.append(Case.status == case_filter.status)
    if case_filter.kind:
        conditions.append(Case.procurement_kind == case_filter.kind)
    if case_filter.best is not None:
        conditions.append(Case.is_best_practice.is_(case_filter.best))
    return conditions


@dataclass(frozen=True)
class CaseRecord:
    """A published case as the API gives it: its own fields and parts, its tenders with their
    announcements, and its risk signals. Reads through to the case for everything else."""

    case: Case
    timelines: list[Timeline]
    signals: list[Signal]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.case, name)


def case_records(session: Session, rows: list[Any], *, now: datetime) -> list[Any]:
    """Each Case of ``rows`` as a CaseRecord (anything else, a Gone, as it is), in a fixed number
    of queries whatever the number of cases: one case_timelines call and two counts.

    The signals are civic.procurement.signals' own, computed for the whole page at once.
    """
    cases = [row for row in rows if isinstance(row, Case)]
    if not cases:
        return rows
    ids = [case.id for case in cases]
    timelines = case_timelines(session, ids)
    signals = signals_by_case(session, timelines, ids, today=to_taipei(now).date(), now=now)
    records = {case.id: CaseRecord(case, timelines.get(case.id, []), signals[case.id]) for case in cases}
    return [records[row.id] if isinstance(row, Case) else row for row in rows]


def case_record(session: Session, case: Case, *, now: datetime) -> CaseRecord:
    """One published case as a CaseRecord."""
    [record] = case_records(session, [case], now=now)
    return record


def get_published_case(session: Session, slug: str) -> Case | None:
    """The published case ``slug`` with every part, or None."""
    return session.scalar(_with_parts(_published().where(Case.slug == slug)))


def list_history(session: Session, case_id: int, window: Window) -> KeysetPage:
    """The case's public record, oldest first (seq order: an entry is never dated before the last)."""
    return keyset(session, select(HistoryEntry).where(HistoryEntry.case_id == case_id),
                  HistoryEntry.at, HistoryEntry.id, window)


def get_sector_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Sector.id).where(Sector.code == code))


def get_published_case_id(session: Session, slug: str) -> int | None:
    return session.scalar(select(Case.id).where(Case.slug == slug, Case.is_published))


def _case_batches(session: Session) -> Iterator[list[Case]]:
    """Every published case with its parts, in batches, letting go of each batch once read."""
    last_id = 0
    while True:
        batch = list(session.scalars(_with_parts(_published().where(Case.id > last_id))
                                     .order_by(Case.id).limit(BATCH_SIZE)))
        if not batch:
            return
        yield batch
        last_id = batch[-1].id
        session.expunge_all()


def iter_cases(session: Session) -> Iterator[Case]:
    """Every published case with its parts, in batches, letting go of each batch once read."""
    for batch in _case_batches(session):
        yield from batch


def iter_case_records(session: Session, *, now: datetime) -> Iterator[CaseRecord]:
    """Every published case as a CaseRecord, in batches, letting go of each batch once read."""
    for batch in _case_batches(session):
        yield from case_records(session, batch, now=now)


def last_case_change(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Case.updated_at)).where(Case.is_published))


# Agencies


def list_agencies(session: Session, window: Window) -> tuple[list[Agency | Gone], KeysetPage]:
    """Every agency, active or not (a bot must learn when one closes), in the order they changed.

    A closed agency stays listed with is_active false. With ``window.since``, also the codes that
    stopped naming an agency (it was deleted, or given another code), gone.
    """
    page = keyset(session, select(Agency).options(selectinload(Agency.parent)), Agency.updated_at, Agency.id,
                  window)
    if window.since is not None:
        removed = keyset(session, select(AgencyRemoval.code), AgencyRemoval.removed_at,
                         cast(AgencyRemoval.id, BigInteger) + SECOND_TABLE, window)
        page = merge([page, removed], window.limit)
    return [row[0] if isinstance(row[0], Agency) else Gone(row[0], row[1]) for row in page.rows], page


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
    period: str
    acknowledged_on_time: int
    acknowledged_on_time_share: int | None
    median_working_days: float | None
    extended: int
    reopened: int
    too_few_to_compare: bool


def agency_stats(session: Session, agency: Agency, now: datetime, period: Period = EVERYTHING) -> AgencyStats:
    """The agency's accountability figures, as on /agencies/<code>, and when they last changed."""
    figures = feedback_figures.agency_figures_in_detail(session, agency.id, now, period=period)
    cases, average, cases_changed = session.execute(
        select(func.count(Case.id), func.avg(Case.completeness), func.max(Case.updated_at))
        .where(Case.agency_id == agency.id, Case.is_published)).one()
    items_changed = session.scalar(select(func.max(Feedback.updated_at)).where(Feedback.agency_id == agency.id))
    changed = max(moment for moment in (agency.updated_at, cases_changed, items_changed) if moment is not None)
    return AgencyStats(
        agency=agency.code, updated_at=changed, cases=cases,
        average_completeness=round(average) if average is not None else None,
        received=figures.received, answered=figures.answered, answered_on_time=figures.answered_on_time,
        on_time_share=figures.on_time_share, overdue_now=figures.overdue_now, median_days=figures.median_days,
        months=figures.months, period=period.key, acknowledged_on_time=figures.acknowledged_on_time,
        acknowledged_on_time_share=figures.acknowledged_on_time_share,
        median_working_days=figures.median_working_days, extended=figures.extended, reopened=figures.reopened,
        too_few_to_compare=figures.too_few_to_compare)


# Comments


@dataclass(frozen=True)
class CommentRow:
    """A comment with what the API shows beside it: its case's slug and when it last changed."""

    comment: Comment
    case_slug: str
    updated_at: datetime


def comment_changed_at() -> ColumnElement[datetime]:
    """When a comment, the feedback item and answer it became, or its case's publication last
    changed. Each of them only moves forward, so this does too."""
    own = Comment.updated_at
    return latest(own, func.coalesce(Feedback.updated_at, own), _publication_changed(own))


def _comments(*, gone_too: bool = False) -> Select:
    """Comments on published cases; with ``gone_too``, also those on cases published once."""
    published = Case.is_published
    return (
        select(Comment, Case.slug)
        .join(Case, Case.id == Comment.case_id)
        .outerjoin(Feedback, Feedback.comment_id == Comment.id)
        .where(or_(published, Case.published_at.is_not(None)) if gone_too else published)
        .options(
            selectinload(Comment.author),
            selectinload(Comment.feedback).selectinload(Feedback.agency),
            selectinload(Comment.feedback).selectinload(Feedback.response).selectinload(Response.agency),
        )
    )


def list_comments(session: Session, case_id: int | None, window: Window
                  ) -> tuple[list[CommentRow | Gone], KeysetPage]:
    """Comments on published cases, in the order they last changed.

    A full list keeps deleted and hidden comments without their words, so that threads keep
    their shape. With ``window.since`` they are gone instead, and so are the comments of cases
    no longer published.
    """
    public = and_(Case.is_published, Comment.hidden_at.is_(None),
                  Comment.deleted_at.is_(None))
    since = window.since is not None
    statement = _where_given(_comments(gone_too=since).add_columns(public.label("is_public")),
                             (Comment.case_id, case_id))
    page = keyset(session, statement, comment_changed_at(), Comment.id, window)
    return [CommentRow(comment, slug, changed) if is_public or not since else Gone(comment.id, changed)
            for comment, slug, is_public, changed, _id in page.rows], page


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


# Feedback items


@dataclass(frozen=True)
class FeedbackRow:
    """A feedback item with when it, its comment or its case's publication last changed."""

    item: Feedback
    updated_at: datetime


def feedback_changed_at() -> ColumnElement[datetime]:
    own = Feedback.updated_at
    return latest(own, Comment.updated_at, _publication_changed(own))


def _feedback_items() -> Select:
    """Items with what the public sees of them; never their notes nor who handles them."""
    return (
        select(Feedback)
        .join(Comment, Comment.id == Feedback.comment_id)
        .join(Case, Case.id == Feedback.case_id)
        .options(
            contains_eager(Feedback.comment).selectinload(Comment.author),
            contains_eager(Feedback.case),
            selectinload(Feedback.agency),
            selectinload(Feedback.response).selectinload(Response.agency),
            # One follow-up at most per item: joined, so the list costs no extra query.
            joinedload(Feedback.follow_up),
            selectinload(Feedback.events),
        )
    )


def get_feedback(session: Session, tracking_number: str) -> FeedbackRow | None:
    """The item, if it is about a published case (a hidden or deleted comment shows as such)."""
    row = session.execute(_feedback_items().add_columns(feedback_changed_at())
                          .where(Feedback.tracking_number == tracking_number,
                                 Case.is_published)).first()
    return FeedbackRow(*row) if row is not None else None


def list_feedback(session: Session, case_id: int | None, agency_id: int | None, window: Window
                  ) -> tuple[list[FeedbackRow | Gone], KeysetPage]:
    """Items on published cases whose comment is public, in the order they last changed.

    With ``window.since``, also the items whose comment was hidden or deleted (deleting an
    unanswered comment withdraws its item) or whose case is no longer published, gone. The case
    filter narrows those too (an item's case never changes); the agency filter, which forwarding
    changes, only what is listed.
    """
    public = and_(Case.is_published, Comment.hidden_at.is_(None),
                  Comment.deleted_at.is_(None))
    listed = public if agency_id is None else and_(public, Feedback.agency_id == agency_id)
    shown = or_(listed, and_(~public, Case.published_at.is_not(None))) if window.since is not None else listed
    statement = _where_given(_feedback_items().add_columns(public.label("is_public")).where(shown),
                             (Feedback.case_id, case_id))
    page = keyset(session, statement, feedback_changed_at(), Feedback.id, window)
    return [FeedbackRow(item, changed) if is_public else Gone(item.tracking_number, changed)
            for item, is_public, changed, _id in page.rows], page


# Workshops: the workshop rows only, never their registrations (personal data)


def _workshops() -> Select:
    return select(Workshop).options(selectinload(Workshop.agency), selectinload(Workshop.case))


def list_workshops(session: Session, agency_id: int | None, case_id: int | None, window: Window) -> KeysetPage:
    """Every workshop, cancelled ones too, in the order they last changed.

    A cancelled workshop stays listed with its status, and none is ever deleted: nothing is gone.
    """
    statement = _where_given(_workshops(), (Workshop.agency_id, agency_id), (Workshop.case_id, case_id))
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
    """Every pledge, withdrawn ones too, in the order they last changed.

    A withdrawn pledge stays listed with its status, reason and date (the record stays, by
    design), and none is ever deleted: nothing is gone.
    """
    statement = _where_given(_pledges(), (Pledge.company_id, company_id), (Pledge.case_id, case_id))
    return keyset(session, statement, Pledge.updated_at, Pledge.id, window)


def get_company_id(session: Session, ubn: str) -> int | None:
    return session.scalar(select(Company.id).where(Company.ubn == ubn))


def iter_pledges(session: Session) -> Iterator[Pledge]:
    return _batches(session, _pledges(), Pledge.id)


@dataclass(frozen=True)
class PledgeTextRow:
    """A version of a pledge text with its case's slug and when it last changed."""

    text: PledgeText
    case_slug: str | None
    updated_at: datetime


def list_pledge_texts(session: Session, window: Window) -> tuple[list[PledgeTextRow | Gone], KeysetPage]:
    """Every version of the general text and of the published cases' own texts, in the order
    they were published (a text never changes once published).

    With ``window.since``, also the texts of cases no longer published, gone.
    """
    public = or_(PledgeText.case_id.is_(None), Case.is_published)
    shown = or_(public, Case.published_at.is_not(None)) if window.since is not None else public
    statement = (select(PledgeText, Case.slug, public.label("is_public"))
                 .outerjoin(Case, Case.id == PledgeText.case_id).where(shown))
    changed = latest(PledgeText.published_at, _publication_changed(PledgeText.published_at))
    page = keyset(session, statement, changed, PledgeText.id, window)
    return [PledgeTextRow(text, slug, at) if is_public else Gone(text.id, at)
            for text, slug, is_public, at, _id in page.rows], page


# Feeds


def latest_cases(session: Session, *, agency_id: int | None = None, limit: int = FEED_SIZE) -> list[Case]:
    statement = _where_given(_published().options(selectinload(Case.agency)), (Case.agency_id, agency_id))
    return list(session.scalars(statement.order_by(Case.updated_at.desc(), Case.id.desc()).limit(limit)))


def latest_answers(session: Session, *, case_id: int | None = None, agency_id: int | None = None,
                   limit: int = FEED_SIZE) -> list[Response]:
    """The newest official answers on published cases, of one case or by one agency."""
    statement = (
        select(Response).join(Feedback, Feedback.id == Response.feedback_id)
        .join(Case, Case.id == Feedback.case_id)
        .where(Case.is_published)
        .options(selectinload(Response.agency), selectinload(Response.feedback).selectinload(Feedback.case))
    )
    statement = _where_given(statement, (Feedback.case_id, case_id), (Response.agency_id, agency_id))
    return list(session.scalars(statement.order_by(Response.created_at.desc(), Response.id.desc()).limit(limit)))
