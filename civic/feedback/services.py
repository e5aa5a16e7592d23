"""Every change to comments and feedback items: posting, editing, routing, answering,
forwarding, deadlines. Flushes, never commits; each function checks its permission again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core import audit, clock, office_calendar
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.roles import Role
from civic.core.text import render_markdown
from civic.core.time import format_day, to_taipei, utcnow
from civic.feedback import emails, permissions
from civic.feedback.models import (
    OPEN_STATUSES,
    Comment,
    CommentRevision,
    Feedback,
    FeedbackEvent,
    FeedbackNote,
    FeedbackStatus,
    FollowUp,
    Response,
)
from civic.feedback.queries import list_items_past_deadline, list_open_items
from civic.feedback.tracking import new_tracking_number

COMMENT_MAX_LENGTH = 5000
RESPONSE_MAX_LENGTH = 10000
# The same text from the same person on the same case within this time is a double post.
DUPLICATE_WINDOW = timedelta(minutes=10)


@dataclass
class CommentInput:
    body: str
    parent_id: int | None = None
    meeting_id: int | None = None
    risk_id: int | None = None


def _clean_body(body: str, *, limit: int, field: str = "body") -> str:
    text = (body or "").strip()
    if not text:
        raise DomainError(_("Write something first."), field=field)
    if len(text) > limit:
        raise DomainError(_("Keep it under %(limit)d characters; yours has %(length)d.",
                            limit=limit, length=len(text)), field=field)
    return text


def _event(session: Session, feedback: Feedback, kind: str, *, actor: User | None, public: bool = True,
           **data) -> None:
    """Add a step to the item's history without loading the history."""
    if feedback.id is None:
        session.flush()
    session.add(FeedbackEvent(feedback_id=feedback.id, kind=kind, actor_id=actor.id if actor else None,
                              is_public=public, data=data))


def submit_comment(session: Session, case: Case, data: CommentInput, *, author: User) -> Comment:
    """Post a comment. A top-level comment becomes a feedback item routed to the case's agency,
    due after the agency's answer deadline; a reply joins its thread.
    """
    if not permissions.can_comment(author, case):
        raise PermissionDenied(_("Sign in with a confirmed account to comment."))
    body = _clean_body(data.body, limit=COMMENT_MAX_LENGTH)
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
    if parent is None:
        feedback = _open_feedback(session, comment, case, now)
        emails.receipt(session, feedback)
        emails.new_item(session, feedback)
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
    feedback = Feedback(tracking_number=_unique_tracking_number(session), comment=comment, case=case,
                        agency=agency, status=FeedbackStatus.received, received_at=now,
                        due_at=answer_due(session, agency, now), acknowledge_by=acknowledge_due(session, now))
    session.add(feedback)
    session.flush()
    _event(session, feedback, "received", actor=comment.author, agency=agency.code)
    audit.record(session, "feedback.received", actor_id=comment.author_id, target_type="feedback",
                 target_id=feedback.tracking_number, agency=agency.code)
    return feedback


def edit_comment(session: Session, comment: Comment, body: str, *, actor: User) -> None:
    """Correct one's own comment shortly after posting; the earlier wording is kept."""
    if not permissions.can_edit_comment(actor, comment, utcnow()):
        raise PermissionDenied(_("Comments can only be edited by their author, within 15 minutes."))
    text = _clean_body(body, limit=COMMENT_MAX_LENGTH)
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
        _event(session, feedback, "withdrawn", actor=actor)
    audit.record(session, "comment.deleted", actor_id=actor.id, target_type="comment", target_id=comment.id)


# Handling by the agency


def _require_handler(actor: User, feedback: Feedback) -> None:
    if not permissions.can_handle(actor, feedback):
        raise PermissionDenied(_("Only the responsible agency's staff can handle this item."))


def _acknowledge_first(session: Session, feedback: Feedback, *, actor: User) -> None:
    """Staff's first action on an open item acknowledges (受理) it, as the 受理 button does."""
    if feedback.acknowledged_at is not None or feedback.status not in OPEN_STATUSES:
        return
    now = feedback.acknowledged_at = utcnow()
    # Items received before the acknowledgement clock existed have no deadline to miss.
    on_time = feedback.acknowledge_by is None or now <= feedback.acknowledge_by
    _event(session, feedback, "acknowledged", actor=actor, on_time=on_time)
    audit.record(session, "feedback.acknowledged", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, on_time=on_time)


def acknowledge(session: Session, feedback: Feedback, *, actor: User) -> bool:
    """Acknowledge (受理) an open item for its agency, by FEEDBACK_ACKNOWLEDGE_WORKING_DAYS working
    days after the day it came; in public. Returns False when it was already acknowledged.
    """
    _require_handler(actor, feedback)
    if feedback.acknowledged_at is not None:
        return False
    if feedback.status not in OPEN_STATUSES:
        raise Conflict(_("Only items waiting for an answer can be acknowledged."))
    _acknowledge_first(session, feedback, actor=actor)
    return True


def assign(session: Session, feedback: Feedback, assignee_id: int | None, *, actor: User) -> None:
    """Give the item to a colleague of the same agency (or to nobody)."""
    _require_handler(actor, feedback)
    _acknowledge_first(session, feedback, actor=actor)
    assignee = None
    if assignee_id is not None:
        assignee = session.get(User, assignee_id)
        if (assignee is None or assignee.role != Role.staff or assignee.agency_id != feedback.agency_id
                or not assignee.is_active):
            raise DomainError(_("Choose a colleague of your agency."), field="assignee")
    feedback.assigned_to_id = assignee.id if assignee else None
    _event(session, feedback, "assigned", actor=actor, public=False, assignee=assignee.display_name if assignee else "")
    if feedback.status == FeedbackStatus.received and assignee is not None:
        _set_status(session, feedback, FeedbackStatus.in_progress, actor=actor)


def add_note(session: Session, feedback: Feedback, body: str, *, actor: User) -> FeedbackNote:
    """An internal note for colleagues; never shown to the public."""
    _require_handler(actor, feedback)
    _acknowledge_first(session, feedback, actor=actor)
    note = FeedbackNote(feedback_id=feedback.id, author_id=actor.id,
                        body=_clean_body(body, limit=COMMENT_MAX_LENGTH, field="note"))
    session.add(note)
    return note


ALLOWED_CHANGES = {
    FeedbackStatus.received: {FeedbackStatus.in_progress},
    FeedbackStatus.in_progress: {FeedbackStatus.received},
    FeedbackStatus.answered: {FeedbackStatus.closed},
    FeedbackStatus.closed: set(),
}


def change_status(session: Session, feedback: Feedback, status: str, *, actor: User) -> None:
    """Move an item along received → in progress; close it once answered."""
    _require_handler(actor, feedback)
    _acknowledge_first(session, feedback, actor=actor)
    if status not in ALLOWED_CHANGES.get(FeedbackStatus(feedback.status), set()):
        raise Conflict(_("This item cannot go from its current status to that one."), field="status")
    _set_status(session, feedback, FeedbackStatus(status), actor=actor)


def _set_status(session: Session, feedback: Feedback, status: FeedbackStatus, *, actor: User) -> None:
    previous = feedback.status
    feedback.status = status
    if status == FeedbackStatus.closed:
        feedback.closed_at = utcnow()
    _event(session, feedback, "status_changed", actor=actor, old=previous, new=str(status))
    audit.record(session, f"feedback.{status}", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number)
    emails.status_changed(session, feedback)


def publish_response(session: Session, feedback: Feedback, *, actor: User, body: str, unit: str = ""
                     ) -> Response | FollowUp:
    """Publish the agency's official answer (or its further answer to the author's follow-up);
    the author and followers are told.
    """
    _require_handler(actor, feedback)
    _acknowledge_first(session, feedback, actor=actor)
    if feedback.response is not None:
        if feedback.follow_up is not None and feedback.follow_up.answered_at is None:
            return _answer_follow_up(session, feedback, actor=actor, body=body, unit=unit)
        raise Conflict(_("This item has already been answered."), field="body")
    if feedback.status == FeedbackStatus.closed:
        raise Conflict(_("This item is closed."), field="body")
    text = _clean_body(body, limit=RESPONSE_MAX_LENGTH)
    response = Response(feedback=feedback, agency_id=feedback.agency_id, author_id=actor.id,
                        unit=unit.strip()[:100], body_source=text, body_html=render_markdown(text))
    session.add(response)
    now = utcnow()
    feedback.status = FeedbackStatus.answered
    feedback.answered_at = now
    _event(session, feedback, "answered", actor=actor, on_time=now <= feedback.due_at)
    session.flush()
    audit.record(session, "feedback.answered", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number)
    emails.answered(session, feedback)
    return response


def forward(session: Session, feedback: Feedback, agency: Agency | None, *, actor: User, reason: str) -> None:
    """Send an item that belongs elsewhere to the right agency, saying why in public.

    The new agency's own deadline starts now.
    """
    _require_handler(actor, feedback)
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
    feedback.due_at = answer_due(session, agency, now)
    feedback.overdue_at = feedback.reminded_at = feedback.escalated_at = None
    # The new agency acknowledges the item on its own clock.
    feedback.acknowledged_at, feedback.acknowledge_by = None, acknowledge_due(session, now)
    _event(session, feedback, "forwarded", actor=actor, old=previous.code, new=agency.code, reason=reason.strip())
    audit.record(session, "feedback.forwarded", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, old=previous.code, new=agency.code)
    session.flush()
    emails.forwarded(session, feedback, previous=previous, reason=reason.strip())



# The author's follow-up


ANSWERED_STATUSES = (FeedbackStatus.answered, FeedbackStatus.closed)


def answer_clock_start(feedback: Feedback) -> datetime:
    """When the item's current answer clock started: when it came (or was forwarded), or when
    its author's follow-up reopened it, whichever is later."""
    if feedback.reopened_at is not None and feedback.reopened_at > feedback.received_at:
        return feedback.reopened_at
    return feedback.received_at


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
    text = _clean_body(body, limit=COMMENT_MAX_LENGTH)
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
    _event(session, feedback, "reopened", actor=actor, old=first_due.isoformat(), new=feedback.due_at.isoformat())
    session.flush()
    audit.record(session, "feedback.reopened", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, due_before=first_due.isoformat(),
                 due_after=feedback.due_at.isoformat())
    emails.reopened(session, feedback)
    return record


def _answer_follow_up(session: Session, feedback: Feedback, *, actor: User, body: str, unit: str) -> FollowUp:
    """The agency's further answer to the author's follow-up, kept beside its first answer."""
    if feedback.status == FeedbackStatus.closed:
        raise Conflict(_("This item is closed."), field="body")
    text = _clean_body(body, limit=RESPONSE_MAX_LENGTH)
    now = utcnow()
    record = feedback.follow_up
    record.answer_author_id = actor.id
    record.answer_unit = unit.strip()[:100]
    record.answer_source, record.answer_html = text, render_markdown(text)
    record.answered_at = now
    feedback.status = FeedbackStatus.answered
    feedback.answered_at = now
    _event(session, feedback, "answered", actor=actor, on_time=now <= feedback.due_at, follow_up=True)
    session.flush()
    audit.record(session, "feedback.answered", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, follow_up=True)
    emails.answered(session, feedback)
    return record

# Deadlines


def answer_due(session: Session, agency: Agency, received_at: datetime) -> datetime:
    """The agency's answer deadline for an item received at ``received_at``: the end of the
    response_days-th working day after the Taipei day it came (calendar days where the agency's
    rule says so), on the office calendar in force.
    """
    return clock.due_at(session, received_at, agency.response_days, working=agency.answers_in_working_days)


def acknowledge_due(session: Session, received_at: datetime) -> datetime:
    """When an item received at ``received_at`` must be acknowledged (受理): the end of the
    FEEDBACK_ACKNOWLEDGE_WORKING_DAYS-th working day after the Taipei day it came, for every agency.
    """
    return clock.due_at(session, received_at, current_app.config["FEEDBACK_ACKNOWLEDGE_WORKING_DAYS"])


def import_office_calendar(session: Session, calendar_file: office_calendar.CalendarFile, *,
                           actor_id: int | None) -> tuple[int, int]:
    """Put a checked office calendar in force, all of it, and move every open deadline it changes.

    Returns the days that changed and the deadlines that moved.
    """
    changed = office_calendar.apply(session, calendar_file)
    moved = recompute_deadlines(session, reason="office_calendar") if changed else 0
    audit.record(session, "calendar.imported", actor_id=actor_id, target_type="calendar",
                 target_id=f"{calendar_file.rows[0].day.year}-{calendar_file.rows[-1].day.year}",
                 days=len(calendar_file.rows), days_changed=len(changed), deadlines_moved=moved)
    return len(changed), moved


def extend_deadline(session: Session, feedback: Feedback, new_day: date | None, *, actor: User,
                    reason: str) -> None:
    """Give an open item more time, once, with a public reason: to the end of ``new_day``, later than
    the deadline and at most FEEDBACK_EXTENSION_MAX_WORKING_DAYS working days past it.
    """
    _require_handler(actor, feedback)
    _acknowledge_first(session, feedback, actor=actor)
    if feedback.status not in OPEN_STATUSES:
        raise Conflict(_("Only items waiting for an answer can be given more time."), field="new_due")
    if feedback.extended_to is not None:
        raise Conflict(_("This item's deadline has already been extended once."), field="new_due")
    if not reason.strip():
        raise DomainError(_("Say publicly why the agency needs more time."), field="reason")
    if new_day is None:
        raise DomainError(_("Enter the new deadline."), field="new_due")
    due_day = to_taipei(feedback.due_at).date()
    cap = current_app.config["FEEDBACK_EXTENSION_MAX_WORKING_DAYS"]
    latest = clock.calendar_for(session, due_day, cap).add_working_days(due_day, cap)
    if not due_day < new_day <= latest:
        raise DomainError(_("Choose a day after the current deadline and no later than %(latest)s.",
                            latest=format_day(latest, str(get_locale() or "zh_Hant_TW"))), field="new_due")
    old = feedback.due_at
    feedback.due_at = feedback.extended_to = clock.end_of_day(new_day)
    feedback.extension_reason = reason.strip()
    if feedback.overdue_at is not None and feedback.due_at > utcnow():
        feedback.overdue_at = feedback.reminded_at = feedback.escalated_at = None
    _event(session, feedback, "extended", actor=actor, old=old.isoformat(), new=feedback.due_at.isoformat(),
           reason=reason.strip())
    audit.record(session, "feedback.extended", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, due_before=old.isoformat(),
                 due_after=feedback.due_at.isoformat())


def recompute_deadlines(session: Session, *, reason: str) -> int:
    """After the office calendar changed, move each open item's deadlines (the answer, and the
    acknowledgement while it waits) to what the calendar now says, and say so on the item.
    Returns how many items had a deadline moved.
    """
    acknowledge_days = current_app.config["FEEDBACK_ACKNOWLEDGE_WORKING_DAYS"]

    def waits_for_acknowledgement(item: Feedback) -> bool:
        return item.acknowledged_at is None and item.acknowledge_by is not None

    # An extension names its own day; the calendar does not move it. Nor the acknowledgement
    # deadline of an item already acknowledged.
    items = [item for item in list_open_items(session)
             if item.extended_to is None or waits_for_acknowledgement(item)]
    if not items:
        return 0
    # One read of the calendar for every item, however many are open.
    days = [to_taipei(moment).date() for item in items for moment in (item.received_at, answer_clock_start(item))]
    calendar = clock.calendar_for(session, min(days),
                                  max(acknowledge_days, *(item.agency.response_days for item in items)),
                                  until=max(days))
    moved = 0
    for feedback in items:
        # The event names what moved: the answer deadline (old, new), the acknowledgement deadline
        # (acknowledge_old, acknowledge_new), or both.
        change: dict[str, str] = {}
        agency = feedback.agency
        due = calendar.due_at(answer_clock_start(feedback), agency.response_days,
                              working=agency.answers_in_working_days)
        if feedback.extended_to is None and due != feedback.due_at:
            change.update(old=feedback.due_at.isoformat(), new=due.isoformat())
            feedback.due_at = due
            if feedback.overdue_at is not None and due > utcnow():
                feedback.overdue_at = feedback.reminded_at = feedback.escalated_at = None
        acknowledge_by = calendar.due_at(feedback.received_at, acknowledge_days)
        if waits_for_acknowledgement(feedback) and acknowledge_by != feedback.acknowledge_by:
            change.update(acknowledge_old=feedback.acknowledge_by.isoformat(),
                          acknowledge_new=acknowledge_by.isoformat())
            feedback.acknowledge_by = acknowledge_by
        if change:
            _event(session, feedback, "deadline_moved", actor=None, **change, reason=reason)
            moved += 1
    return moved


@dataclass
class DeadlineReport:
    overdue: int = 0
    # Items reported after the grace period: to a supervising agency, or to the integrity authority.
    escalated: int = 0
    to_authority: int = 0
    # Items past the grace period that nobody could be told of this time.
    unreported: int = 0


def check_deadlines(session: Session, *, now: datetime | None = None) -> DeadlineReport:
    """Mark items past their deadline, remind their agency and tell their author, once; after the
    grace period, report each to someone above the agency, once: its supervising agency, or the
    integrity authority where there is none or nobody there to tell. The history says "escalated"
    only when a message went out; when nobody can be told, record that internally once and try
    again on the next run. Meant to run from cron; running it twice changes nothing.
    """
    now = now or utcnow()
    grace = timedelta(days=current_app.config["FEEDBACK_ESCALATION_GRACE_DAYS"])
    report = DeadlineReport()
    for feedback in list_items_past_deadline(session, now):
        if feedback.overdue_at is None:
            feedback.overdue_at = now
            feedback.reminded_at = now
            _event(session, feedback, "overdue", actor=None, due_at=feedback.due_at.isoformat())
            emails.reminder(session, feedback)
            audit.record(session, "feedback.overdue", actor_id=None, target_type="feedback",
                         target_id=feedback.tracking_number)
            report.overdue += 1
        if feedback.escalated_at is None and now >= feedback.due_at + grace:
            _escalate(session, feedback, now, report)
    return report


def _escalate(session: Session, feedback: Feedback, now: datetime, report: DeadlineReport) -> None:
    told = emails.escalation(session, feedback)
    if told is None:
        report.unreported += 1
        already = session.scalar(select(FeedbackEvent.id).where(
            FeedbackEvent.feedback_id == feedback.id, FeedbackEvent.kind == "escalation_blocked").limit(1))
        if already is None:
            _event(session, feedback, "escalation_blocked", actor=None, public=False)
            audit.record(session, "feedback.escalation_blocked", actor_id=None, target_type="feedback",
                         target_id=feedback.tracking_number, agency=feedback.agency.code)
        return
    feedback.escalated_at = now
    _event(session, feedback, "escalated", actor=None, **told)
    audit.record(session, "feedback.escalated", actor_id=None, target_type="feedback",
                 target_id=feedback.tracking_number, audience=told["to"],
                 **({"agency": told["agency"]} if "agency" in told else {}))
    report.escalated += 1
    report.to_authority += told["to"] == "authority"
