"""What an integrity officer does to a report: record each read, move its status, assign it, write an
internal note, write to the reporter. Each checks again that the officer may read the report
(permissions.can_read) and is audited without a word of what anyone wrote. Flushes, never commits.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.core import audit
from civic.core.errors import DomainError, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.text import text_error
from civic.core.time import utcnow
from civic.reports import permissions, queries
from civic.reports.models import ConfidentialReport, ReportAttachment, ReportMessage, ReportNote, ReportStatus

TEXT_MAX_LENGTH = 10_000
TARGET_TYPE = "report"  # as queries.TARGET_TYPE, by which the report page reads its history

# The statuses a report may move to from each: it is reviewed before it is referred to the
# prosecutors; any open report may be closed, with a reason; a closed one is reopened for review.
TRANSITIONS: dict[str, tuple[ReportStatus, ...]] = {
    ReportStatus.received: (ReportStatus.under_review, ReportStatus.closed),
    ReportStatus.under_review: (ReportStatus.referred, ReportStatus.closed),
    ReportStatus.referred: (ReportStatus.under_review, ReportStatus.closed),
    ReportStatus.closed: (ReportStatus.under_review,),
}


def _require_reader(session: Session, report: ConfidentialReport, actor) -> None:
    """Refuse anyone the report is not routed to, whatever the screen let through."""
    if not permissions.can_read(actor, report, authority_id=queries.authority_agency_id(session)):
        raise PermissionDenied(_("Only the integrity officers the report is routed to may do this."))


@guarded(Permission.read_reports)
def record_read(session: Session, report: ConfidentialReport, *, actor,
                attachment: ReportAttachment | None = None) -> None:
    """Write in the audit trail that the officer read the report, or downloaded one of its attachments:
    every read is on record, and nothing of what was read."""
    _require_reader(session, report, actor)
    if attachment is None:
        audit.record(session, "report.read", actor_id=actor.id, target_type=TARGET_TYPE, target_id=report.id)
    else:
        audit.record(session, "report.attachment_read", actor_id=actor.id, target_type=TARGET_TYPE,
                     target_id=report.id, attachment=attachment.id)


def status_errors(report: ConfidentialReport, status: str, reason: str) -> list[DomainError]:
    """A report moves only as TRANSITIONS allows; closing it needs a reason of bounded length."""
    if status not in TRANSITIONS.get(report.status, ()):
        return [DomainError(_("Choose one of the statuses the report may move to."), field="status")]
    if status == ReportStatus.closed:
        error = text_error(reason or "", field="reason", required=_("Say why the report is closed."),
                       longest=TEXT_MAX_LENGTH)
        if error:
            return [error]
    return []


@guarded(Permission.read_reports)
def change_status(session: Session, report: ConfidentialReport, status: str, *, actor, reason: str = "") -> None:
    """Move the report to ``status``. Closing it records the reason (encrypted) and the date;
    reopening it clears the date and keeps the last reason until it is closed again."""
    _require_reader(session, report, actor)
    for error in status_errors(report, status, reason):
        raise error
    old = report.status
    report.status = status
    if status == ReportStatus.closed:
        report.closed_reason = reason.strip()
        report.closed_at = utcnow()
    else:
        report.closed_at = None
    session.flush()
    audit.record(session, "report.status_changed", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=report.id, old=old, new=status)


@guarded(Permission.read_reports)
def assign(session: Session, report: ConfidentialReport, assignee: User | None, *, actor) -> bool:
    """Give the report to an officer who may read it, or to nobody. Returns whether it changed."""
    _require_reader(session, report, actor)
    if assignee is not None and not permissions.can_read(
            assignee, report, authority_id=queries.authority_agency_id(session)):
        raise DomainError(_("Choose an officer of a unit that reads this report."), field="assignee")
    new_id = assignee.id if assignee is not None else None
    if report.assigned_to_id == new_id:
        return False
    report.assigned_to_id = new_id
    session.flush()
    audit.record(session, "report.assigned", actor_id=actor.id, target_type=TARGET_TYPE, target_id=report.id,
                 user=new_id)
    return True


@guarded(Permission.read_reports)
def add_note(session: Session, report: ConfidentialReport, body: str, *, actor) -> ReportNote:
    """Write an internal note: the report's officers read it, the reporter never does."""
    _require_reader(session, report, actor)
    error = text_error(body or "", field="note", required=_("Write the note first."),
                       longest=TEXT_MAX_LENGTH)
    if error:
        raise error
    note = ReportNote(report_id=report.id, author_id=actor.id, body=body.strip(), written_at=utcnow())
    session.add(note)
    report.updated_at = utcnow()
    session.flush()
    audit.record(session, "report.noted", actor_id=actor.id, target_type=TARGET_TYPE, target_id=report.id)
    return note


@guarded(Permission.read_reports)
def send_message(session: Session, report: ConfidentialReport, body: str, *, actor) -> ReportMessage:
    """Write to the reporter, who reads it on the status page with the receipt and passphrase; the
    reporter has no address, so nobody is mailed."""
    _require_reader(session, report, actor)
    error = text_error(body or "", field="message", required=_("Write the message first."),
                       longest=TEXT_MAX_LENGTH)
    if error:
        raise error
    message = ReportMessage(report_id=report.id, author_id=actor.id, from_reporter=False, body=body.strip(),
                            sent_at=utcnow())
    session.add(message)
    report.updated_at = utcnow()
    session.flush()
    audit.record(session, "report.message_sent", actor_id=actor.id, target_type=TARGET_TYPE, target_id=report.id)
    return message
