"""Retention: a report closed more than REPORT_RETENTION_DAYS ago is deleted with its messages, notes and
attachments; only a count stays (``ReportTally``), so the public yearly counts do not change.

Reports still open are never deleted, however old: the retention period runs from the closing.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from civic.core import audit
from civic.core.time import utcnow
from civic.reports.models import (
    ConfidentialReport,
    ReportAttachment,
    ReportMessage,
    ReportNote,
    ReportStatus,
    ReportTally,
)

log = logging.getLogger(__name__)


def retention_days() -> int:
    return current_app.config["REPORT_RETENTION_DAYS"]


@dataclass
class PurgeReport:
    reports: int = 0
    messages: int = 0
    notes: int = 0
    attachments: int = 0


def _count(session: Session, model: type, ids: list[int]) -> int:
    return session.scalar(select(func.count(model.id)).where(model.report_id.in_(ids))) or 0


def purge_closed_reports(session: Session, *, now: datetime | None = None, days: int | None = None,
                         dry_run: bool = False) -> PurgeReport:
    """Delete every report closed more than ``days`` (REPORT_RETENTION_DAYS) before ``now``, its
    messages, notes and attachments going with it (ON DELETE CASCADE), after adding one to the tally
    of its agency, year and closed status. Audit the number deleted, and nothing else of them.

    With ``dry_run`` count what would go and change nothing. Flushes, never commits: the caller
    commits the tallies, the deletions and the audit entry together.
    """
    now = now or utcnow()
    days = retention_days() if days is None else days
    cutoff = now - timedelta(days=days)
    # Lock the rows so a report reopened meanwhile cannot be deleted under the officer's feet.
    rows = session.execute(
        select(ConfidentialReport.id, ConfidentialReport.agency_id, ConfidentialReport.year)
        .where(ConfidentialReport.status == ReportStatus.closed, ConfidentialReport.closed_at < cutoff)
        .order_by(ConfidentialReport.id).with_for_update()
    ).all()
    ids = [row.id for row in rows]
    if not ids:
        return PurgeReport()
    report = PurgeReport(reports=len(ids), messages=_count(session, ReportMessage, ids),
                         notes=_count(session, ReportNote, ids), attachments=_count(session, ReportAttachment, ids))
    if dry_run:
        return report
    for (agency_id, year), count in Counter((row.agency_id, row.year) for row in rows).items():
        _add_to_tally(session, agency_id, year, ReportStatus.closed, count)
    # The database deletes the messages, notes and attachments with their report; one statement
    # rather than loading attachments' contents only to delete them.
    session.execute(delete(ConfidentialReport).where(ConfidentialReport.id.in_(ids)))
    audit.record(session, "reports.purged", actor_id=None, target_type="report", target_id="*",
                 reports=report.reports)
    session.flush()
    log.info("reports purged: %d (closed before %s)", report.reports, cutoff.isoformat())
    return report


def _add_to_tally(session: Session, agency_id: int | None, year: int, status: str, count: int) -> None:
    """Add ``count`` to the tally of (agency, year, status), making it when there is none.

    Read and write rather than an INSERT ... ON CONFLICT: reports that named no agency have a NULL
    agency, which a unique constraint never matches. The row is locked, so two purges add up.
    """
    agency = ReportTally.agency_id.is_(None) if agency_id is None else ReportTally.agency_id == agency_id
    tally = session.scalar(select(ReportTally).where(agency, ReportTally.year == year, ReportTally.status == status)
                           .with_for_update())
    if tally is None:
        session.add(ReportTally(agency_id=agency_id, year=year, status=str(status), count=count))
    else:
        tally.count = tally.count + count
    session.flush()
