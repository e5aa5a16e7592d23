"""What happens around an item's deadlines: the one extension, a new office calendar moving open
deadlines, and the cron run that marks items overdue and escalates them to someone who is told.
Flushes, never commits; each function checks its permission again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.core import audit, clock, office_calendar
from civic.core.errors import Conflict, DomainError
from civic.core.permissions import Actor, Permission, guarded
from civic.core.time import format_day, to_taipei, utcnow
from civic.feedback import emails, public_events
from civic.feedback.clocks import acknowledge_due_on, answer_clock_start, answer_due_on, calendar_for_clocks
from civic.feedback.models import OPEN_STATUSES, Feedback, FeedbackEvent
from civic.feedback.queries import list_items_past_deadline, list_open_items
from civic.feedback.steps import acknowledge_first, record_event, require_handler


@guarded(Permission.manage_calendar)
def import_office_calendar(session: Session, calendar_file: office_calendar.CalendarFile, *,
                           actor: Actor) -> tuple[int, int]:
    """Put a checked office calendar in force, all of it, and move every open deadline it changes.

    Returns the days that changed and the deadlines that moved.
    """
    changed = office_calendar.apply(session, calendar_file)
    moved = recompute_deadlines(session, reason="office_calendar") if changed else 0
    audit.record(session, "calendar.imported", actor_id=actor.id, target_type="calendar",
                 target_id=f"{calendar_file.rows[0].day.year}-{calendar_file.rows[-1].day.year}",
                 days=len(calendar_file.rows), days_changed=len(changed), deadlines_moved=moved)
    return len(changed), moved


@dataclass(frozen=True)
class ExtensionWindow:
    """The days an item's deadline may be moved to: after ``after`` and no later than ``latest``."""

    after: date
    latest: date


def extension_window(session: Session, feedback: Feedback) -> ExtensionWindow:
    """From the day after the deadline to FEEDBACK_EXTENSION_MAX_WORKING_DAYS working days past it."""
    due_day = to_taipei(feedback.due_at).date()
    cap = current_app.config["FEEDBACK_EXTENSION_MAX_WORKING_DAYS"]
    return ExtensionWindow(due_day, clock.calendar_for(session, due_day, cap).add_working_days(due_day, cap))


def extension_errors(window: ExtensionWindow, new_day: date | None, reason: str) -> list[DomainError]:
    """An extension says publicly why, and names a day inside the window. The extend form and
    ``extend_deadline`` both ask here."""
    errors = []
    if not (reason or "").strip():
        errors.append(DomainError(_("Say publicly why the agency needs more time."), field="reason"))
    if new_day is None:
        errors.append(DomainError(_("Enter the new deadline."), field="new_due"))
    elif not window.after < new_day <= window.latest:
        errors.append(DomainError(_("Choose a day after the current deadline and no later than %(latest)s.",
                                    latest=format_day(window.latest, str(get_locale() or "zh_Hant_TW"))),
                                  field="new_due"))
    return errors


@guarded(Permission.answer_feedback)
def extend_deadline(session: Session, feedback: Feedback, new_day: date | None, *, actor: User,
                    reason: str) -> None:
    """Give an open item more time, once, with a public reason: to the end of ``new_day``, later than
    the deadline and at most FEEDBACK_EXTENSION_MAX_WORKING_DAYS working days past it.
    """
    require_handler(actor, feedback)
    acknowledge_first(session, feedback, actor=actor)
    if feedback.status not in OPEN_STATUSES:
        raise Conflict(_("Only items waiting for an answer can be given more time."), field="new_due")
    if feedback.extended_to is not None:
        raise Conflict(_("This item's deadline has already been extended once."), field="new_due")
    for error in extension_errors(extension_window(session, feedback), new_day, reason):
        raise error
    old = feedback.due_at
    _move_answer_deadline(feedback, clock.end_of_day(new_day))
    feedback.extended_to = feedback.due_at
    feedback.extension_reason = reason.strip()
    record_event(session, feedback, "extended", actor=actor, old=old.isoformat(), new=feedback.due_at.isoformat(),
           reason=reason.strip())
    audit.record(session, "feedback.extended", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, due_before=old.isoformat(),
                 due_after=feedback.due_at.isoformat())


def _move_answer_deadline(feedback: Feedback, due: datetime) -> None:
    """Set the item's answer deadline; one moved into the future takes back its overdue marks, so
    that the reminder and the escalation come again if it is missed again."""
    feedback.due_at = due
    if feedback.overdue_at is not None and due > utcnow():
        feedback.overdue_at = feedback.reminded_at = feedback.escalated_at = None


def recompute_deadlines(session: Session, *, reason: str) -> int:
    """After the office calendar changed, move each open item's deadlines (the answer, and the
    acknowledgement while it waits) to what the calendar now says, and say so on the item.
    Returns how many items had a deadline moved.
    """
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
    calendar = calendar_for_clocks(session, [item.agency for item in items], min(days), max(days))
    moved = 0
    for feedback in items:
        # The event names what moved: the answer deadline (old, new), the acknowledgement deadline
        # (acknowledge_old, acknowledge_new), or both.
        change: dict[str, str] = {}
        due = answer_due_on(calendar, feedback.agency, answer_clock_start(feedback))
        if feedback.extended_to is None and due != feedback.due_at:
            change.update(old=feedback.due_at.isoformat(), new=due.isoformat())
            _move_answer_deadline(feedback, due)
        acknowledge_by = acknowledge_due_on(calendar, feedback.received_at)
        if waits_for_acknowledgement(feedback) and acknowledge_by != feedback.acknowledge_by:
            change.update(acknowledge_old=feedback.acknowledge_by.isoformat(),
                          acknowledge_new=acknowledge_by.isoformat())
            feedback.acknowledge_by = acknowledge_by
        if change:
            record_event(session, feedback, "deadline_moved", actor=None, **change, reason=reason)
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
            record_event(session, feedback, "overdue", actor=None, due_at=feedback.due_at.isoformat())
            emails.reminder(session, feedback)
            audit.record(session, "feedback.overdue", actor_id=None, target_type="feedback",
                         target_id=feedback.tracking_number)
            public_events.overdue(session, feedback)
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
            record_event(session, feedback, "escalation_blocked", actor=None, public=False)
            audit.record(session, "feedback.escalation_blocked", actor_id=None, target_type="feedback",
                         target_id=feedback.tracking_number, agency=feedback.agency.code)
        return
    feedback.escalated_at = now
    record_event(session, feedback, "escalated", actor=None, **told)
    audit.record(session, "feedback.escalated", actor_id=None, target_type="feedback",
                 target_id=feedback.tracking_number, audience=told["to"],
                 **({"agency": told["agency"]} if "agency" in told else {}))
    report.escalated += 1
    report.to_authority += told["to"] == "authority"
