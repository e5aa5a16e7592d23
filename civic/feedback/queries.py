"""Reads of comments and feedback: the thread of a case, the public status page, the staff
inbox and items past their deadline. The figures are in civic.feedback.figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from civic.agencies.models import Agency
from civic.agencies.queries import get_agencies_by_codes
from civic.cases.models import Case
from civic.core.audit import AuditEntry
from civic.core.pagination import Page, paginate
from civic.feedback.models import (
    OPEN_STATUSES,
    Comment,
    Feedback,
    FeedbackEvent,
    FeedbackNote,
    FeedbackStatus,
    Report,
    Response,
    Subscription,
)

THREAD_PAGE_SIZE = 20
INBOX_PAGE_SIZE = 25
HIDDEN_PAGE_SIZE = 20


@dataclass(frozen=True)
class Restoration:
    """A moderator showed a hidden comment again, and said why in public."""

    restored_at: datetime
    reason: str


@dataclass
class Thread:
    page: Page[Comment]
    comments: int
    answered: int
    restorations: dict[int, Restoration] = field(default_factory=dict)


def get_thread(session: Session, case: Case, *, page: int) -> Thread:
    """One page of a case's top-level comments, newest first, with replies, items and answers.

    A fixed number of queries whatever the number of comments.
    """
    top_level = (Comment.case_id == case.id) & Comment.parent_id.is_(None)
    total, answered = session.execute(select(
        select(func.count(Comment.id)).where(top_level).scalar_subquery(),
        select(func.count(Feedback.id)).where(Feedback.case_id == case.id, Feedback.answered_at.is_not(None))
        .scalar_subquery(),
    )).one()
    if not total:  # most cases: no comment yet, nothing more to read
        return Thread(page=Page([], page, THREAD_PAGE_SIZE, 0), comments=0, answered=answered or 0,
                      restorations={})
    rows = session.scalars(
        select(Comment).where(top_level)
        .options(
            selectinload(Comment.author),
            selectinload(Comment.meeting),
            selectinload(Comment.risk),
            selectinload(Comment.replies).selectinload(Comment.author),
            selectinload(Comment.feedback).selectinload(Feedback.response).selectinload(Response.agency),
            selectinload(Comment.feedback).selectinload(Feedback.follow_up),
            selectinload(Comment.feedback).selectinload(Feedback.agency),
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(THREAD_PAGE_SIZE).offset((page - 1) * THREAD_PAGE_SIZE)
    ).all()
    shown = [comment.id for top in rows for comment in (top, *top.replies)]
    return Thread(page=Page(list(rows), page, THREAD_PAGE_SIZE, total), comments=total, answered=answered,
                  restorations=get_restorations(session, shown))


def count_comments(session: Session, case_id: int) -> int:
    """How many top-level comments a case has (the number its thread shows); one query."""
    return session.scalar(select(func.count(Comment.id)).where(
        Comment.case_id == case_id, Comment.parent_id.is_(None))) or 0


def _item_options(statement: Select) -> Select:
    return statement.options(
        selectinload(Feedback.comment).selectinload(Comment.author),
        selectinload(Feedback.case).selectinload(Case.agency),
        selectinload(Feedback.agency).selectinload(Agency.parent),
        selectinload(Feedback.response).selectinload(Response.agency),
        selectinload(Feedback.follow_up),
        selectinload(Feedback.assigned_to),
        selectinload(Feedback.events).selectinload(FeedbackEvent.actor),
    )


def get_feedback(session: Session, tracking_number: str) -> Feedback | None:
    """The item with its comment, case, agency, answer and history, or None."""
    return session.scalar(_item_options(select(Feedback).where(Feedback.tracking_number == tracking_number)))


def get_forwarding_agencies(session: Session, feedback: Feedback) -> dict[str, Agency]:
    """The agencies an item's forwardings and escalations name (stored by code), by code, for its history."""
    codes = {event.data.get(key) for event in feedback.events if event.kind == "forwarded" for key in ("old", "new")}
    codes |= {event.data.get("agency") or event.data.get("supervisor")
              for event in feedback.events if event.kind == "escalated"}
    return get_agencies_by_codes(session, {code for code in codes if code})


def list_notes(session: Session, feedback: Feedback) -> list[FeedbackNote]:
    return list(session.scalars(
        select(FeedbackNote).where(FeedbackNote.feedback_id == feedback.id)
        .options(selectinload(FeedbackNote.author)).order_by(FeedbackNote.created_at)))


@dataclass(frozen=True)
class InboxFilters:
    status: str | None = None
    case: str | None = None
    overdue: bool = False


def list_inbox(session: Session, agency_id: int, filters: InboxFilters, *, page: int, now: datetime
               ) -> Page[Feedback]:
    """The agency's items: open ones first, the most overdue first, then the newest."""
    statement = select(Feedback).where(Feedback.agency_id == agency_id)
    if filters.status:
        statement = statement.where(Feedback.status == filters.status)
    if filters.case:
        statement = statement.join(Case, Case.id == Feedback.case_id).where(Case.slug == filters.case)
    if filters.overdue:
        statement = statement.where(Feedback.is_overdue(now))
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    is_open = case((Feedback.status.in_(OPEN_STATUSES), 0), else_=1)
    rows = session.scalars(
        statement.options(selectinload(Feedback.case), selectinload(Feedback.assigned_to),
                          selectinload(Feedback.comment))
        .order_by(is_open, Feedback.due_at, Feedback.received_at.desc())
        .limit(INBOX_PAGE_SIZE).offset((page - 1) * INBOX_PAGE_SIZE)
    ).all()
    return Page(list(rows), page, INBOX_PAGE_SIZE, total)


# A person's own activity (the account's activity page).


def list_comments_by_author(session: Session, user_id: int, *, page: int, per_page: int) -> Page[Comment]:
    """A person's own comments, newest first, each with its case and (a top-level one) its item.

    Deleted comments are left out; hidden ones stay, so their author sees that a moderator hid
    them. Three queries whatever the number of comments.
    """
    mine = (Comment.author_id == user_id) & Comment.deleted_at.is_(None)
    total = session.scalar(select(func.count(Comment.id)).where(mine)) or 0
    if not total:
        return Page([], page, per_page, 0)
    rows = session.scalars(
        select(Comment).where(mine)
        .options(selectinload(Comment.case), selectinload(Comment.feedback))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(list(rows), page, per_page, total)


@dataclass(frozen=True)
class Followed:
    """One thing a person follows: a case or an agency, with the subscription to end."""

    subscription: Subscription
    case: Case | None
    agency: Agency | None


def list_followed(session: Session, user_id: int, *, page: int, per_page: int) -> Page[Followed]:
    """The cases and agencies a person follows, most recently followed first; two queries."""
    mine = Subscription.user_id == user_id
    total = session.scalar(select(func.count(Subscription.id)).where(mine)) or 0
    if not total:
        return Page([], page, per_page, 0)
    rows = session.execute(
        select(Subscription, Case, Agency).where(mine)
        .outerjoin(Case, Case.id == Subscription.case_id)
        .outerjoin(Agency, Agency.id == Subscription.agency_id)
        .order_by(Subscription.created_at.desc(), Subscription.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page([Followed(subscription, case_row, agency) for subscription, case_row, agency in rows],
                page, per_page, total)


def get_own_subscription(session: Session, user_id: int, subscription_id: int) -> Subscription | None:
    """The subscription if it is ``user_id``'s own; None for anyone else's or a missing one."""
    return session.scalar(select(Subscription).where(Subscription.id == subscription_id,
                                                     Subscription.user_id == user_id))


def list_items_past_deadline(session: Session, now: datetime) -> list[Feedback]:
    """Open items whose deadline has passed and that still need a reminder or an escalation."""
    return list(session.scalars(
        _item_options(select(Feedback).where(
            Feedback.is_overdue(now),
            (Feedback.overdue_at.is_(None)) | (Feedback.escalated_at.is_(None))))
        .order_by(Feedback.due_at)
    ))


def list_open_items(session: Session) -> list[Feedback]:
    """Every item still waiting for an answer, with its agency, oldest first."""
    return list(session.scalars(
        select(Feedback).where(Feedback.status.in_(OPEN_STATUSES))
        .options(selectinload(Feedback.agency)).order_by(Feedback.received_at, Feedback.id)
    ))


def list_open_reports(session: Session) -> list[Report]:
    return list(session.scalars(
        select(Report).where(Report.resolved_at.is_(None))
        .options(selectinload(Report.comment).selectinload(Comment.author),
                 selectinload(Report.comment).selectinload(Comment.case),
                 selectinload(Report.reporter))
        .order_by(Report.created_at)))


def count_open_reports(session: Session) -> int:
    return session.scalar(select(func.count(Report.id)).where(Report.resolved_at.is_(None))) or 0


def list_hidden_comments(session: Session, *, page: int) -> Page[Comment]:
    """Comments hidden by a moderator, the most recently hidden first, with who hid them."""
    hidden = Comment.hidden_at.is_not(None)
    return paginate(session, select(Comment).where(hidden)
                    .options(selectinload(Comment.author), selectinload(Comment.case),
                             selectinload(Comment.hidden_by))
                    .order_by(Comment.hidden_at.desc(), Comment.id.desc()),
                    page=page, per_page=HIDDEN_PAGE_SIZE)


def count_hidden_comments(session: Session) -> int:
    return session.scalar(select(func.count(Comment.id)).where(Comment.hidden_at.is_not(None))) or 0


def get_comment_for_moderators(session: Session, comment_id: int) -> Comment | None:
    """A comment with its case, its author and the moderator who hid it (if hidden), or None."""
    return session.scalar(
        select(Comment).where(Comment.id == comment_id)
        .options(selectinload(Comment.author), selectinload(Comment.case), selectinload(Comment.hidden_by)))


def get_restorations(session: Session, comment_ids: list[int]) -> dict[int, Restoration]:
    """The latest public reason a moderator gave for showing each of these comments again.

    Read from the audit trail, where restoring records it; one query whatever the number of comments.
    """
    if not comment_ids:
        return {}
    rows = session.execute(
        select(AuditEntry.target_id, AuditEntry.created_at, AuditEntry.details)
        .where(AuditEntry.action == "comment.restored", AuditEntry.target_type == "comment",
               AuditEntry.target_id.in_([str(comment_id) for comment_id in comment_ids]))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
    return {int(target_id): Restoration(created_at, (details or {}).get("reason", ""))
            for target_id, created_at, details in rows}


def get_subscription(session: Session, user_id: int, *, case_id: int | None = None,
                     agency_id: int | None = None) -> Subscription | None:
    return session.scalar(select(Subscription).where(
        Subscription.user_id == user_id, Subscription.case_id == case_id, Subscription.agency_id == agency_id))


def get_subscription_by_token(session: Session, token: str) -> Subscription | None:
    return session.scalar(select(Subscription).where(Subscription.unsubscribe_token == token)
                          .options(selectinload(Subscription.user)))


def latest_responses(session: Session, limit: int = 5) -> list[Response]:
    return list(session.scalars(
        select(Response).options(
            selectinload(Response.agency),
            selectinload(Response.feedback).selectinload(Feedback.case))
        .order_by(Response.created_at.desc()).limit(limit)))


def is_status(value: str) -> bool:
    return value in FeedbackStatus.__members__
