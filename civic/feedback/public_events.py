"""What the public events about comments and feedback items say: a comment posted, an item's answer
published, its deadline passed. Only for items on a published case, whose status page anyone may read;
public data only (the tracking number, the case, the agency's code, the dates), never who wrote the
item or who answered it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.cases.public_events import case_summary, public_url
from civic.core.time import isoformat
from civic.feedback.models import Comment, Feedback
from civic.notifications import events
from civic.notifications.models import EventName


def _about(session: Session, feedback: Feedback) -> tuple[Case, dict[str, Any]] | None:
    case = session.get(Case, feedback.case_id)
    if case is None or not case.is_published:
        return None
    agency = session.get(Agency, feedback.agency_id)
    return case, {
        "tracking_number": feedback.tracking_number,
        "slug": case.slug,
        "case": case_summary(session, case),
        "agency": agency.code if agency else None,
        "status": feedback.status,
        "due_at": isoformat(feedback.due_at),
        "extended_to": isoformat(feedback.extended_to) if feedback.extended_to else None,
        "url": public_url("feedback.status", tracking_number=feedback.tracking_number),
        "api_url": public_url("api.feedback", tracking_number=feedback.tracking_number),
    }


def comment_posted(session: Session, case: Case, comment: Comment, feedback: Feedback | None) -> None:
    """A comment was posted, shown at once on the published case's page: what that page shows anyone
    (the case, the comment's place, the tracking number of its thread's item, the agency that answers
    that item), never who wrote it. ``feedback`` is the item a top-level comment opened; a reply is
    told with its thread's item."""
    item = feedback
    if item is None and comment.parent_id is not None:
        item = session.scalar(select(Feedback).where(Feedback.comment_id == comment.parent_id))
    tracking_number = item.tracking_number if item is not None else None
    agency_id = item.agency_id if item is not None else case.agency_id
    agency = session.get(Agency, agency_id) if agency_id is not None else None
    events.emit(session, EventName.comment_posted, {
        "comment_id": comment.id,
        "slug": case.slug,
        "case": case_summary(session, case),
        "agency": agency.code if agency else None,
        "reply_to": comment.parent_id,
        "tracking_number": tracking_number,
        "posted_at": isoformat(comment.created_at),
        "url": public_url("case_page.detail", slug=case.slug) + f"#comment-{comment.id}",
        "api_url": public_url("api.feedback", tracking_number=tracking_number) if tracking_number else None,
    }, case_id=case.id, agency_id=agency_id)


def answer_published(session: Session, feedback: Feedback, *, follow_up: bool = False) -> None:
    """The agency's answer to the item (or its further answer to the author's follow-up) is public now."""
    about = _about(session, feedback)
    if about is None:
        return
    case, data = about
    events.emit(session, EventName.answer_published, {
        **data,
        "answered_at": isoformat(feedback.answered_at) if feedback.answered_at else None,
        "answered_on_time": feedback.answered_on_time,
        "follow_up": follow_up,
    }, case_id=case.id, agency_id=feedback.agency_id)


def overdue(session: Session, feedback: Feedback) -> None:
    """The item passed its deadline unanswered (marked once, when the reminder goes out)."""
    about = _about(session, feedback)
    if about is None:
        return
    case, data = about
    events.emit(session, EventName.feedback_overdue, {
        **data,
        "overdue_at": isoformat(feedback.overdue_at) if feedback.overdue_at else None,
    }, case_id=case.id, agency_id=feedback.agency_id)
