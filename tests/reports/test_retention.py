"""Retention: `reports purge` deletes the reports closed more than REPORT_RETENTION_DAYS ago with their
messages, notes and attachments, keeping a count of each in the tallies, so the public yearly counts
are the same before and after; open reports stay however old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from civic.agencies import services as agencies
from civic.core.audit import AuditEntry
from civic.core.permissions import SYSTEM
from civic.core.short_ids import new_short_id
from civic.extensions import db
from civic.reports.counts import yearly_counts
from civic.reports.models import (
    ConfidentialReport,
    ReportAttachment,
    ReportMessage,
    ReportNote,
    ReportStatus,
    ReportTally,
)
from civic.reports.retention import purge_closed_reports

NOW = datetime(2032, 6, 1, 4, 0, tzinfo=UTC)
DAYS = 5 * 365
LONG_AGO = NOW - timedelta(days=DAYS + 1)
LATELY = NOW - timedelta(days=DAYS - 1)


def add_report(agency_id: int | None, *, year: int = 2026, closed_at: datetime | None = None,
               status: ReportStatus = ReportStatus.closed, extras: bool = False) -> int:
    received = datetime(year, 3, 1, tzinfo=UTC)
    report = ConfidentialReport(
        receipt=new_short_id("R"), passphrase_hash="not-a-real-hash", year=year, agency_id=agency_id,
        status=status, received_at=received, updated_at=closed_at or received, closed_at=closed_at,
        closed_reason="查無具體事證。" if closed_at else None, what="某課長收受廠商招待。")
    db.session.add(report)
    db.session.flush()
    if extras:
        db.session.add_all([
            ReportMessage(report_id=report.id, from_reporter=True, body="補充說明。"),
            ReportMessage(report_id=report.id, from_reporter=False, body="謝謝。"),
            ReportNote(report_id=report.id, body="內部註記。"),
            ReportAttachment(report_id=report.id, filename="a.pdf", media_type="application/pdf", size=3,
                             content=b"pdf"),
        ])
        db.session.flush()
    return report.id


@pytest.fixture
def agency_id(ctx) -> int:
    return agencies.create_agency(db.session, code="A00000001", name_zh="測試機關", actor=SYSTEM).id


@pytest.fixture
def reports(ctx, agency_id) -> dict[str, int]:
    made = {
        "old_closed": add_report(agency_id, closed_at=LONG_AGO, extras=True),
        "old_closed_no_agency": add_report(None, year=2025, closed_at=LONG_AGO),
        "recent_closed": add_report(agency_id, closed_at=LATELY, extras=True),
        "open_old": add_report(agency_id, year=2020, status=ReportStatus.under_review),
        "referred_old": add_report(agency_id, year=2020, status=ReportStatus.referred),
    }
    db.session.commit()
    return made


def remaining(ids: dict[str, int]) -> set[str]:
    kept = set(db.session.scalars(select(ConfidentialReport.id).where(ConfidentialReport.id.in_(ids.values()))))
    return {name for name, report_id in ids.items() if report_id in kept}


def tallies() -> set[tuple]:
    return {tuple(row) for row in db.session.execute(select(ReportTally.agency_id, ReportTally.year,
                                                            ReportTally.status, ReportTally.count))}


def children_of(report_id: int) -> list[int]:
    return [db.session.scalar(select(func.count(model.id)).where(model.report_id == report_id))
            for model in (ReportMessage, ReportNote, ReportAttachment)]


def test_closed_reports_past_retention_go_with_everything_they_hold(ctx, agency_id, reports):
    before = yearly_counts(db.session, current_year=NOW.year)
    done = purge_closed_reports(db.session, now=NOW, days=DAYS)
    db.session.commit()
    assert (done.reports, done.messages, done.notes, done.attachments) == (2, 2, 1, 1)
    assert remaining(reports) == {"recent_closed", "open_old", "referred_old"}
    assert children_of(reports["old_closed"]) == [0, 0, 0]
    assert children_of(reports["recent_closed"]) == [2, 1, 1]
    assert tallies() == {(agency_id, 2026, "closed", 1), (None, 2025, "closed", 1)}
    assert yearly_counts(db.session, current_year=NOW.year) == before


def test_tallies_add_up_over_several_purges_with_and_without_an_agency(ctx, agency_id, reports):
    purge_closed_reports(db.session, now=NOW, days=DAYS)
    db.session.commit()
    add_report(agency_id, closed_at=LONG_AGO)
    add_report(None, year=2025, closed_at=LONG_AGO)
    add_report(None, year=2025, closed_at=LONG_AGO)
    db.session.commit()
    before = yearly_counts(db.session, current_year=NOW.year)
    assert purge_closed_reports(db.session, now=NOW, days=DAYS).reports == 3
    db.session.commit()
    # The reports that named no agency share one tally, though a unique constraint never matches NULL.
    assert tallies() == {(agency_id, 2026, "closed", 2), (None, 2025, "closed", 3)}
    assert yearly_counts(db.session, current_year=NOW.year) == before


def test_a_dry_run_counts_and_changes_nothing(ctx, reports):
    done = purge_closed_reports(db.session, now=NOW, days=DAYS, dry_run=True)
    assert done.reports == 2
    assert len(remaining(reports)) == 5
    assert tallies() == set()


def test_the_purge_is_audited_with_its_count_and_nothing_of_the_reports(ctx, reports):
    purge_closed_reports(db.session, now=NOW, days=DAYS)
    db.session.commit()
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reports.purged")).all()
    assert (entry.actor_id, entry.target_type, entry.details) == (None, "report", {"reports": 2})


def test_nothing_past_retention_writes_nothing(ctx, agency_id):
    add_report(agency_id, closed_at=LATELY)
    db.session.commit()
    assert purge_closed_reports(db.session, now=NOW, days=DAYS).reports == 0
    assert tallies() == set()
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "reports.purged")) == 0


def test_the_command_counts_deletes_and_leaves_the_public_counts_as_they_were(app, ctx, agency_id, reports):
    runner = app.test_cli_runner()
    before = yearly_counts(db.session, current_year=NOW.year)
    with time_machine.travel(NOW, tick=False):
        dry = runner.invoke(args=["reports", "purge", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert ("reports would be deleted: 2, with 2 messages, 1 notes and 1 attachments "
                f"(closed more than {DAYS} days ago)") in dry.output
        assert len(remaining(reports)) == 5
        result = runner.invoke(args=["reports", "purge"])
    assert result.exit_code == 0, result.output
    assert "reports deleted: 2, with 2 messages" in result.output
    db.session.expire_all()
    assert remaining(reports) == {"recent_closed", "open_old", "referred_old"}
    assert yearly_counts(db.session, current_year=NOW.year) == before


def test_the_command_reads_the_retention_period_from_the_configuration(app, ctx, agency_id):
    add_report(agency_id, closed_at=NOW - timedelta(days=40))
    db.session.commit()
    original = app.config["REPORT_RETENTION_DAYS"]
    app.config["REPORT_RETENTION_DAYS"] = 30
    try:
        with time_machine.travel(NOW, tick=False):
            result = app.test_cli_runner().invoke(args=["reports", "purge"])
    finally:
        app.config["REPORT_RETENTION_DAYS"] = original
    assert "reports deleted: 1, with 0 messages, 0 notes and 0 attachments (closed more than 30 days ago)" \
        in result.output
