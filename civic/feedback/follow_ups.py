"""The author's one follow-up: within FEEDBACK_FOLLOW_UP_DAYS days of the answer they may say it
does not answer the question, and the item reopens on a new answer clock until the agency
answers again. Flushes, never commits; each function checks its permission again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from civic.accounts.models import User
from civic.core import audit, clock
from civic.core.errors import Conflict, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.text import render_markdown
from civic.core.time import format_day, to_taipei, utcnow
from civic.feedback import emails, permissions, public_events
from civic.feedback.clocks import answer_due
from civic.feedback.models import Feedback, FeedbackStatus, FollowUp
from civic.feedback.steps import COMMENT_MAX_LENGTH, RESPONSE_MAX_LENGTH, clean_body, record_event

ANSWERED_STATUSES = (FeedbackStatus.answered, FeedbackStatus.closed)


def follow_up_until(feedback: Feedback) -> datetime | None:
    """The last moment the author may follow up on the answer: the end of the Taipei day
    FEEDBACK_FOLLOW_UP_DAYS calendar days after the answer. None when the item has no answer to
    follow up on, or was followed up on already.
    """
    if feedback.follow_up is not None or feedback.answered_at is None or feedback.status not in ANSWERED_STATUSES:
        return None
    days = current_app.config["FEEDBACK_FOLLOW_UP_DAYS"]
    return clock.end_of_day(to_taipei(feedback.answered_at).date() + timedelta(days=days))


def follow_up(session: Session, feedback: Feedback, body: str, *, actor: User) -> FollowUp:
    """Let the author say, once and within FEEDBACK_FOLLOW_UP_DAYS days of the answer, that it
    does not answer the question. The item reopens on a new answer clock (its acknowledgement
    stands); the first deadline and answer time are kept on the follow-up; the agency is told.
    """
    if not permissions.can_follow_up(actor, feedback):
        raise PermissionDenied(_("Only the author of this feedback can follow up on its answer."))
    if feedback.follow_up is not None:
        raise Conflict(_("You have already followed up on this answer; an item can be followed up once."),
                       field="body")
    until = follow_up_until(feedback)
    if until is None:
        raise Conflict(_("The agency has not answered this item yet, so there is nothing to follow up on."),
                       field="body")
    now = utcnow()
    if now > until:
        raise Conflict(_("The time to follow up on this answer ended on %(date)s.",
                         date=format_day(to_taipei(until).date(), str(get_locale() or "zh_Hant_TW"))),
                       field="body")
    text = clean_body(body, limit=COMMENT_MAX_LENGTH)
    record = FollowUp(feedback_id=feedback.id, author_id=actor.id, body_source=text,
                      body_html=render_markdown(text), created_at=now, first_due_at=feedback.due_at,
                      first_answered_at=feedback.answered_at)
    try:
        # One follow-up per item, held by the database: of two sent at once, the second waits for
        # the first and is refused here rather than failing at the commit.
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        raise Conflict(_("You have already followed up on this answer; an item can be followed up once."),
                       field="body") from None
    set_committed_value(feedback, "follow_up", record)
    first_due = feedback.due_at
    feedback.status = FeedbackStatus.received
    feedback.reopened_at = now
    feedback.answered_at = feedback.closed_at = None
    feedback.due_at = answer_due(session, feedback.agency, now)
    feedback.overdue_at = feedback.reminded_at = feedback.escalated_at = None
    record_event(session, feedback, "reopened", actor=actor, old=first_due.isoformat(), new=feedback.due_at.isoformat())
    session.flush()
    audit.record(session, "feedback.reopened", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, due_before=first_due.isoformat(),
                 due_after=feedback.due_at.isoformat())
    emails.reopened(session, feedback)
    return record


@guarded(Permission.answer_feedback)
def answer(session: Session, feedback: Feedback, *, actor: User, body: str, unit: str) -> FollowUp:
    """The agency's further answer to the author's follow-up, kept beside its first answer."""
    if feedback.status == FeedbackStatus.closed:
        raise Conflict(_("This item is closed."), field="body")
    text = clean_body(body, limit=RESPONSE_MAX_LENGTH)
    now = utcnow()
    record = feedback.follow_up
    record.answer_author_id = actor.id
    record.answer_unit = unit.strip()[:100]
    record.answer_source, record.answer_html = text, render_markdown(text)
    record.answered_at = now
    feedback.status = FeedbackStatus.answered
    feedback.answered_at = now
    record_event(session, feedback, "answered", actor=actor, on_time=feedback.answered_on_time, follow_up=True)
    session.flush()
    audit.record(session, "feedback.answered", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, follow_up=True)
    emails.answered(session, feedback)
    public_events.answer_published(session, feedback, follow_up=True)
    return record
