"""Keeping the search index current: what text each case, comment and answer contributes,
and the session hooks that reindex whatever a transaction changed, in that transaction.

Every service already flushes its changes; after each flush the hooks note which cases,
comments and answers were touched, and just before the commit they rewrite those rows of
the index. So the index can never miss a change that was committed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, selectinload

from civic.cases import queries as case_queries
from civic.cases.models import CASE_PARTS, MEETING_PARTS, Case, Meeting
from civic.cases.regions import county_name
from civic.core.db import hook_sessions
from civic.core.fulltext import SearchDocument
from civic.core.fulltext_tokens import document_tokens
from civic.core.text import plain_text
from civic.feedback.models import Comment, Response

PENDING = "civic.search.pending"


def _join(*texts: str | None) -> str:
    return "\n".join(t for t in texts if t)


def case_text(case: Case) -> tuple[str, str]:
    """The title and the body of a case's index entry (its parts loaded)."""
    title = _join(case.title_zh, case.title_en)
    body = _join(
        case.summary_zh, case.summary_en, case.address, county_name(case.county, "zh"),
        county_name(case.county, "en"), case.agency.name_zh, case.agency.name_en,
        *[f"{m.name} {m.organisation}" for m in case.members],
        *[_join(m.title, m.place, m.agenda, m.follow_ups, *m.attendees,
                *[f"{s.speaker} {s.content}" for s in m.statements], *[d.content for d in m.decisions])
          for m in case.meetings],
        *[_join(r.risk, r.mitigation, r.owner) for r in case.risks],
        *[_join(m.title_zh, m.title_en) for m in case.milestones],
        *[_join(c.title, c.tender_number, c.company.name, c.company.ubn) for c in case.contracts],
        *[_join(t.unit_id, t.job_number, t.unit_name) for t in case.tenders],
        *[d.title for d in case.documents],
    )
    return title, body


def _row(kind: str, object_id: int, case: Case, title: str, body: str, happened_at) -> dict:
    return {
        "kind": kind, "object_id": object_id, "case_id": case.id, "agency_id": case.agency_id,
        "sector_id": case.sector_id, "procurement_kind": case.procurement_kind, "title": title, "body": body,
        "title_tokens": " ".join(document_tokens(title)),
        "tokens": " ".join(document_tokens(_join(title, body))), "happened_at": happened_at,
    }


def _replace(session: Session, kind: str, object_id: int, row: dict | None) -> None:
    session.execute(delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.object_id == object_id))
    if row is not None:
        session.execute(insert(SearchDocument).values(**row))


def index_case(session: Session, case_id: int) -> None:
    case = session.scalar(select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
                          .options(*case_queries.part_options()))
    if case is None or not case.is_published:
        _replace(session, "case", case_id, None)
        return
    title, body = case_text(case)
    _replace(session, "case", case.id, _row("case", case.id, case, title, body,
                                            case.published_at or case.updated_at))


def index_comment(session: Session, comment_id: int) -> None:
    comment = session.scalar(select(Comment).where(Comment.id == comment_id)
                             .options(selectinload(Comment.case)))
    visible = (comment is not None and not comment.is_deleted and not comment.is_hidden
               and comment.case.is_published)
    _replace(session, "comment", comment_id, _row(
        "comment", comment.id, comment.case, comment.case.title_zh, plain_text(comment.body_source), comment.created_at)
        if visible else None)


def index_response(session: Session, response_id: int) -> None:
    response = session.scalar(select(Response).where(Response.id == response_id)
                              .options(selectinload(Response.feedback)))
    if response is None:
        _replace(session, "response", response_id, None)
        return
    case = session.get(Case, response.feedback.case_id)
    _replace(session, "response", response.id, _row(
        "response", response.id, case, case.title_zh, _join(response.unit, plain_text(response.body_source)),
        response.created_at))


def _note(session: Session, flush_context) -> None:
    pending = session.info.setdefault(PENDING, {"case": set(), "comment": set(), "response": set()})
    for instance in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(instance, Case):
            pending["case"].add(instance.id)
        elif isinstance(instance, CASE_PARTS):
            pending["case"].add(instance.case_id)
        elif isinstance(instance, MEETING_PARTS):
            pending.setdefault("meeting", set()).add(instance.meeting_id)
        elif isinstance(instance, Comment):
            pending["comment"].add(instance.id)
        elif isinstance(instance, Response):
            pending["response"].add(instance.id)


def _apply(session: Session) -> None:
    # before_commit runs before the commit's own flush: flush now so every change is noted.
    session.flush()
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    meetings = pending.pop("meeting", set()) - {None}
    if meetings:
        pending["case"] |= set(session.scalars(select(Meeting.case_id).where(Meeting.id.in_(meetings))))
    for case_id in pending["case"] - {None}:
        index_case(session, case_id)
        # A case that changed state changes whether its comments and answers are public.
        for comment_id in session.scalars(select(Comment.id).where(Comment.case_id == case_id)):
            pending["comment"].add(comment_id)
    for comment_id in pending["comment"] - {None}:
        index_comment(session, comment_id)
    for response_id in pending["response"] - {None}:
        index_response(session, response_id)
    session.info.pop(PENDING, None)


def _forget(session: Session, previous_transaction=None) -> None:
    session.info.pop(PENDING, None)


def install() -> None:
    """Hook the index into every session (once)."""
    hook_sessions(after_flush=_note, before_commit=_apply, after_soft_rollback=_forget)


def reindex_all(session: Session, batch: int = 200) -> Iterator[int]:
    """Rebuild the whole index, yielding how many records were done so far."""
    session.execute(delete(SearchDocument))
    done = 0
    for _kind, ids, index in (
        ("case", select(Case.id).order_by(Case.id), index_case),
        ("comment", select(Comment.id).order_by(Comment.id), index_comment),
        ("response", select(Response.id).order_by(Response.id), index_response),
    ):
        for object_id in list(session.scalars(ids)):
            index(session, object_id)
            done += 1
            if done % batch == 0:
                session.expunge_all()
                yield done
    yield done
