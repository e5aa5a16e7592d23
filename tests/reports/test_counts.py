"""The public yearly counts: live reports and the tallies of purged ones, by agency, year and status, in
one query; shown on the commitment tracker as numbers and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from civic.agencies import services as agencies
from civic.core.permissions import SYSTEM
from civic.core.short_ids import new_short_id
from civic.extensions import db
from civic.reports.counts import AgencyCounts, YearCount, by_agency, yearly_counts
from civic.reports.models import ConfidentialReport, ReportStatus, ReportTally

WHAT = "某課長收受廠商紅包二十萬元。"
WHO = "工務課股長"


def add_report(agency_id: int | None, year: int, status: ReportStatus) -> str:
    closed = datetime(year, 12, 1, tzinfo=UTC) if status == ReportStatus.closed else None
    receipt = new_short_id("R")
    db.session.add(ConfidentialReport(
        receipt=receipt, passphrase_hash="not-a-real-hash", year=year, agency_id=agency_id, status=status,
        closed_at=closed, closed_reason="查無具體事證。" if closed else None, what=WHAT, who=WHO))
    return receipt


@pytest.fixture
def agency_ids(app) -> dict[str, int]:
    with app.test_request_context():
        made = {
            "mrt": agencies.create_agency(db.session, code="379130000", name_zh="臺北市政府捷運工程局",
                                          name_en="Department of Rapid Transit Systems", actor=SYSTEM).id,
            "water": agencies.create_agency(db.session, code="A65070000", name_zh="經濟部水利署", actor=SYSTEM).id,
        }
        db.session.commit()
        return made


@pytest.fixture
def receipts(app, agency_ids) -> list[str]:
    """Reports of two agencies and of none over two years, and tallies of purged ones."""
    with app.test_request_context():
        mrt, water = agency_ids["mrt"], agency_ids["water"]
        made = [add_report(mrt, 2026, ReportStatus.received), add_report(mrt, 2026, ReportStatus.received),
                add_report(mrt, 2026, ReportStatus.under_review), add_report(mrt, 2025, ReportStatus.referred),
                add_report(mrt, 2025, ReportStatus.closed), add_report(water, 2026, ReportStatus.closed),
                add_report(None, 2026, ReportStatus.received)]
        db.session.add_all([ReportTally(agency_id=mrt, year=2025, status="closed", count=4),
                            ReportTally(agency_id=mrt, year=2019, status="closed", count=2),
                            ReportTally(agency_id=None, year=2026, status="closed", count=1),
                            # A tally at zero says nothing and shows nothing.
                            ReportTally(agency_id=water, year=2024, status="closed", count=0)])
        db.session.commit()
        return made


def test_counts_add_the_tallies_to_the_live_reports_by_agency_year_and_status(app, ctx, receipts):
    mrt = ("379130000", "臺北市政府捷運工程局", "Department of Rapid Transit Systems")
    water = ("A65070000", "經濟部水利署", "")
    nobody = (None, None, None)
    assert yearly_counts(db.session) == [
        YearCount(*mrt, 2026, "received", 2), YearCount(*mrt, 2026, "under_review", 1),
        YearCount(*mrt, 2025, "referred", 1), YearCount(*mrt, 2025, "closed", 5),
        YearCount(*mrt, 2019, "closed", 2),
        YearCount(*water, 2026, "closed", 1),
        YearCount(*nobody, 2026, "received", 1), YearCount(*nobody, 2026, "closed", 1),
    ]


def test_the_page_shape_is_a_row_per_year_with_a_column_per_status(app, ctx, receipts):
    tables = by_agency(yearly_counts(db.session))
    assert [(t.code, t.name("en"), t.name("zh_Hant_TW"), t.total) for t in tables] == [
        ("379130000", "Department of Rapid Transit Systems", "臺北市政府捷運工程局", 11),
        ("A65070000", "經濟部水利署", "經濟部水利署", 1),
        (None, None, None, 2)]
    mrt: AgencyCounts = tables[0]
    assert [(row.year, [row.count(s) for s in ReportStatus], row.total) for row in mrt.years] == [
        (2026, [2, 1, 0, 0], 3), (2025, [0, 0, 1, 5], 6), (2019, [0, 0, 0, 2], 2)]


def test_the_counts_take_one_query_however_many_agencies_and_years(app, ctx, receipts, count_queries):
    with count_queries() as statements:
        yearly_counts(db.session)
    assert len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]) == 1


def test_no_report_yet_counts_nothing(app, ctx):
    assert yearly_counts(db.session) == []


@pytest.mark.parametrize(("language", "heading", "nobody", "promise"), [
    ("zh-TW", "檢舉案件年度統計", "未指明機關", "只公開這些數字"),
    ("en", "Confidential reports by year", "No agency named", "Only these numbers are published"),
])
def test_the_commitment_tracker_shows_the_counts_and_nothing_of_any_report(
        app, receipts, language, heading, nobody, promise):
    page = app.test_client().get("/commitments", headers={"Accept-Language": language})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for words in (heading, nobody, promise):
        assert words in html
    assert 'data-report-counts="379130000" data-year="2025"' in html
    row = html.split('data-report-counts="379130000" data-year="2025"')[1].split("</tr>")[0]
    assert 'data-status="referred">1<' in row and 'data-status="closed">5<' in row
    for secret in (WHAT, WHO, "查無具體事證", *receipts):
        assert secret not in html


def test_the_commitment_tracker_says_when_there_is_no_report(app):
    html = app.test_client().get("/commitments", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No confidential report has been received yet." in html
