"""Report mail: that a report waits, or that its reporter wrote. Never a word of the report itself,
nor its receipt: only a link behind the officers' sign-in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.accounts.queries import list_mail_recipients
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue
from civic.reports import permissions
from civic.reports.models import ConfidentialReport


def received(session: Session, report: ConfidentialReport, *, authority_id: int | None) -> None:
    """Every officer the report is routed to hears that a new report waits."""
    for email, locale in list_mail_recipients(session, permissions.readers_of(report, authority_id=authority_id)):
        enqueue(session, "reports.received", to=email, locale=locale, context={"report_id": report.id},
                because=MailReason.report_officer)


def reporter_wrote(session: Session, report: ConfidentialReport, *, authority_id: int | None) -> None:
    """The officer the report is assigned to hears that the reporter wrote; with no one assigned, or one
    who may no longer read it, every officer it is routed to."""
    readers = permissions.readers_of(report, authority_id=authority_id)
    recipients = []
    if report.assigned_to_id is not None:
        recipients = list_mail_recipients(session, readers & (User.id == report.assigned_to_id))
    # Nobody assigned, or the one assigned can no longer read it (suspended, moved, demoted): all its readers.
    for email, locale in recipients or list_mail_recipients(session, readers):
        enqueue(session, "reports.reporter_wrote", to=email, locale=locale, context={"report_id": report.id},
                because=MailReason.report_officer)
