"""Every change to comments and feedback items: posting, editing, routing, acknowledging,
answering and forwarding. Deadlines are in deadlines.py, the author's follow-up in follow_ups.py.
Flushes, never commits; each function checks its permission again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, allowed, guarded
from civic.core.text import render_markdown
from civic.core.time import utcnow
from civic.feedback import emails, follow_ups, permissions, public_events
from civic.feedback.clocks import both_due
from civic.feedback.models import (
    OPEN_STATUSES,
    Comment,
    CommentRevision,
    Feedback,
    FeedbackNote,
    FeedbackStatus,
    FollowUp,
    Response,
)
from civic.feedback.steps import (
    COMMENT_MAX_LENGTH,
    RESPONSE_MAX_LENGTH,
    acknowledge_first,
    clean_body,
    record_event,
    require_handler,
)
from civic.feedback.tracking import new_tracking_number

# The same text from the same person on the same case within this time is a double post.
DUPLICATE_WINDOW = timedelta(minutes=10)


@dataclass
class CommentInput:
    body: str
    parent_id: int | None = None
    meeting_id: int | None = None
    risk_id: int | None = None


def submit_comment(session: Session, case: Case, data: CommentInput, *, author: User) -> Comment:
    """Post a comment. A top-level comment becomes a feedback item routed to the case's agency,
    due after the agency's answer deadline; a reply joins its thread.
    """
    if not permissions.can_comment(author, case):
        raise PermissionDenied(_("Sign in with a confirmed account to comment."))
    body = clean_body(data.body, limit=COMMENT_MAX_LENGTH)
    now = utcnow()
    duplicate = session.scalar(select(Comment.id).where(
        Comment.author_id == author.id, Comment.case_id == case.id, Comment.body_source == body,
        Comment.created_at > now - DUPLICATE_WINDOW).limit(1))
    if duplicate is not None:
        raise Conflict(_("You have just posted the same text here."), field="body")
    parent = None
    if data.parent_id is not None:
        parent = session.get(Comment, data.parent_id)
        if parent is None or parent.case_id != case.id or parent.parent_id is not None:
            raise DomainError(_("You can only reply to a comment on this case."), field="body")
        if parent.is_deleted or parent.is_hidden:
            raise DomainError(_("This comment can no longer be answered."), field="body")
    _check_target(case, data)
    comment = Comment(case_id=case.id, parent_id=parent.id if parent else None, author=author,
                      meeting_id=None if parent else data.meeting_id, risk_id=None if parent else data.risk_id,
                      body_source=body, body_html=render_markdown(body), created_at=now)
    session.add(comment)
    session.flush()
    audit.record(session, "comment.posted", actor_id=author.id, target_type="comment", target_id=comment.id)
    feedback = None
    if parent is None:
        feedback = _open_feedback(session, comment, case, now)
        emails.receipt(session, feedback)
        emails.new_item(session, feedback)
    public_events.comment_posted(session, case, comment, feedback)
    return comment


def _check_target(case: Case, data: CommentInput) -> None:
    if data.meeting_id is not None and data.meeting_id not in {m.id for m in case.meetings}:
        raise DomainError(_("Choose a meeting of this case."), field="about")
    if data.risk_id is not None and data.risk_id not in {r.id for r in case.risks}:
        raise DomainError(_("Choose a risk of this case."), field="about")


def _unique_tracking_number(session: Session) -> str:
    while True:
        number = new_tracking_number()
        if session.scalar(select(Feedback.id).where(Feedback.tracking_number == number)) is None:
            return number


def _open_feedback(session: Session, comment: Comment, case: Case, now: datetime) -> Feedback:
    agency = case.agency
    acknowledge_by, due_at = both_due(session, agency, now)
    feedback = Feedback(tracking_number=_unique_tracking_number(session), comment=comment, case=case,
                        agency=agency, status=FeedbackStatus.received, received_at=now,
                        acknowledge_by=acknowledge_by, due_at=due_at)
    session.add(feedback)
    session.flush()
    record_event(session, feedback, "received", actor=comment.author, agency=agency.code)
    audit.record(session, "feedback.received", actor_id=comment.author_id, target_type="feedback",
                 target_id=feedback.tracking_number, agency=agency.code)
    return feedback


def edit_comment(session: Session, comment: Comment, body: str, *, actor: User) -> None:
    """Correct one's own comment shortly after posting; the earlier wording is kept."""
    if not permissions.can_edit_comment(actor, comment, utcnow()):
        raise PermissionDenied(_("Comments can only be edited by their author, within 15 minutes."))
    text = clean_body(body, limit=COMMENT_MAX_LENGTH)
    if text == comment.body_source:
        return
    session.add(CommentRevision(comment_id=comment.id, body_source=comment.body_source))
    comment.body_source = text
    comment.body_html = render_markdown(text)
    comment.edited_at = utcnow()
    audit.record(session, "comment.edited", actor_id=actor.id, target_type="comment", target_id=comment.id)


def delete_comment(session: Session, comment: Comment, *, actor: User) -> None:
    """Delete one's own comment: the words go, a tombstone keeps the thread readable.

    A feedback item still waiting for its answer is withdrawn.
    """
    if not permissions.can_delete_comment(actor, comment):
        raise PermissionDenied(_("Only the author can delete a comment."))
    comment.deleted_at = utcnow()
    comment.body_source = ""
    comment.body_html = ""
    feedback = session.scalar(select(Feedback).where(Feedback.comment_id == comment.id))
    if feedback is not None and feedback.status in OPEN_STATUSES:
        feedback.status = FeedbackStatus.closed
        feedback.closed_at = utcnow()
        record_event(session, feedback, "withdrawn", actor=actor)
    audit.record(session, "comment.deleted", actor_id=actor.id, target_type="comment", target_id=comment.id)


# Handling by the agency


@guarded(Permission.answer_feedback)
def acknowledge(session: Session, feedback: Feedback, *, actor: User) -> bool:
    """Acknowledge (受理) an open item for its agency, by FEEDBACK_ACKNOWLEDGE_WORKING_DAYS working
    days after the day it came; in public. Returns False when it was already acknowledged.
    """
    require_handler(actor, feedback)
    if feedback.acknowledged_at is not None:
        return False
    if feedback.status not in OPEN_STATUSES:
        raise Conflict(_("Only items waiting for an answer can be acknowledged."))
    acknowledge_first(session, feedback, actor=actor)
    return True


@guarded(Permission.answer_feedback)
def assign(session: Session, feedback: Feedback, assignee_id: int | None, *, actor: User) -> None:
    """Give the item to a colleague of the same agency (or to nobody)."""
    require_handler(actor, feedback)
    acknowledge_first(session, feedback, actor=actor)
    assignee = None
    if assignee_id is not None:
        assignee = session.get(User, assignee_id)
        if (assignee is None or not allowed(assignee, Permission.answer_feedback)
                or assignee.agency_id != feedback.agency_id):
            raise DomainError(_("Choose a colleague of your agency."), field="assignee")
    feedback.assigned_to_id = assignee.id if assignee else None
    record_event(session, feedback, "assigned", actor=actor, public=False,
                 assignee=assignee.display_name if assignee else "")
    if feedback.status == FeedbackStatus.received and assignee is not None:
        _set_status(session, feedback, FeedbackStatus.in_progress, actor=actor)


@guarded(Permission.answer_feedback)
def add_note(session: Session, feedback: Feedback, body: str, *, actor: User) -> FeedbackNote:
    """An internal note for colleagues; never shown to the public."""
    require_handler(actor, feedback)
    acknowledge_first(session, feedback, actor=actor)
    note = FeedbackNote(feedback_id=feedback.id, author_id=actor.id,
                        body=clean_body(body, limit=COMMENT_MAX_LENGTH, field="note"))
    session.add(note)
    return note


ALLOWED_CHANGES = {
    FeedbackStatus.received: {FeedbackStatus.in_progress},
    FeedbackStatus.in_progress: {FeedbackStatus.received},
    FeedbackStatus.answered: {FeedbackStatus.closed},
    FeedbackStatus.closed: set(),
}


@guarded(Permission.answer_feedback)
def change_status(session: Session, feedback: Feedback, status: str, *, actor: User) -> None:
    """Move an item along received → in progress; close it once answered."""
    require_handler(actor, feedback)
    acknowledge_first(session, feedback, actor=actor)
    if status not in ALLOWED_CHANGES.get(FeedbackStatus(feedback.status), set()):
        raise Conflict(_("This item cannot go from its current status to that one."), field="status")
    _set_status(session, feedback, FeedbackStatus(status), actor=actor)


def _set_status(session: Session, feedback: Feedback, status: FeedbackStatus, *, actor: User) -> None:
    previous = feedback.status
    feedback.status = status
    if status == FeedbackStatus.closed:
        feedback.closed_at = utcnow()
    record_event(session, feedback, "status_changed", actor=actor, old=previous, new=str(status))
    audit.record(session, f"feedback.{status}", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number)
    emails.status_changed(session, feedback)


@guarded(Permission.answer_feedback)
def publish_response(session: Session, feedback: Feedback, *, actor: User, body: str, unit: str = ""
                     ) -> Response | FollowUp:
    """Publish the agency's official answer (or its further answer to the author's follow-up);
    the author and followers are told.
    """
    require_handler(actor, feedback)
    acknowledge_first(session, feedback, actor=actor)
    if feedback.response is not None:
        if feedback.follow_up is not None and feedback.follow_up.answered_at is None:
            return follow_ups.answer(session, feedback, actor=actor, body=body, unit=unit)
        raise Conflict(_("This item has already been answered."), field="body")
    if feedback.status == FeedbackStatus.closed:
        raise Conflict(_("This item is closed."), field="body")
    text = clean_body(body, limit=RESPONSE_MAX_LENGTH)
    response = Response(feedback=feedback, agency_id=feedback.agency_id, author_id=actor.id,
                        unit=unit.strip()[:100], body_source=text, body_html=render_markdown(text))
    session.add(response)
    now = utcnow()
    feedback.status = FeedbackStatus.answered
    feedback.answered_at = now
    record_event(session, feedback, "answered", actor=actor, on_time=feedback.answered_on_time)
    session.flush()
    audit.record(session, "feedback.answered", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number)
    emails.answered(session, feedback)
    public_events.answer_published(session, feedback)
    return response


@guarded(Permission.answer_feedback)
def forward(session: Session, feedback: Feedback, agency: Agency | None, *, actor: User, reason: str) -> None:
    """Send an item that belongs elsewhere to the right agency, saying why in public.

    The new agency's own deadline starts now.
    """
    require_handler(actor, feedback)
    if feedback.status not in OPEN_STATUSES:
        raise Conflict(_("Only items waiting for an answer can be forwarded."), field="agency")
    if agency is None or not agency.is_active:
        raise DomainError(_("Choose the agency the item belongs to."), field="agency")
    if agency.id == feedback.agency_id:
        raise DomainError(_("The item is already with this agency."), field="agency")
    if not reason.strip():
        raise DomainError(_("Say publicly why the item belongs to that agency."), field="reason")
    previous = feedback.agency
    now = utcnow()
    feedback.agency = agency
    feedback.status = FeedbackStatus.received
    feedback.assigned_to_id = None
    feedback.received_at = now
    # The new agency acknowledges and answers the item on its own clocks.
    feedback.acknowledge_by, feedback.due_at = both_due(session, agency, now)
    feedback.acknowledged_at = None
    feedback.overdue_at = feedback.reminded_at = feedback.escalated_at = None
    record_event(session, feedback, "forwarded", actor=actor, old=previous.code, new=agency.code, reason=reason.strip())
    audit.record(session, "feedback.forwarded", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, old=previous.code, new=agency.code)
    session.flush()
    emails.forwarded(session, feedback, previous=previous, reason=reason.strip())



