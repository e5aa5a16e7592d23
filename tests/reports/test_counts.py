"""The public yearly counts: live reports and the tallies of purged ones, by agency, year and status, in
one query; shown on the commitment tracker as numbers and nothing else, and only for years that have
ended in Taipei, so that no count moves when a report is filed or acted on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from civic.agencies import services as agencies
from civic.core.permissions import SYSTEM
from civic.core.short_ids import new_short_id
from civic.core.time import TAIPEI
from civic.extensions import db
from civic.reports.counts import AgencyCounts, YearCount, by_agency, yearly_counts
from civic.reports.models import ConfidentialReport, ReportStatus, ReportTally

WHAT = "某課長收受廠商紅包二十萬元。"
WHO = "工務課股長"
# The reports of the fixture are of 2026 and before; pages are read in the middle of 2026 unless a
# test says otherwise, so that they do not change at a new year.
MID_2026 = datetime(2026, 6, 15, 10, 0, tzinfo=TAIPEI)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


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
                add_report(None, 2026, ReportStatus.received), add_report(None, 2025, ReportStatus.under_review)]
        db.session.add_all([ReportTally(agency_id=mrt, year=2025, status="closed", count=4),
                            ReportTally(agency_id=mrt, year=2019, status="closed", count=2),
                            ReportTally(agency_id=None, year=2026, status="closed", count=1),
                            # A tally at zero says nothing and shows nothing.
                            ReportTally(agency_id=water, year=2024, status="closed", count=0)])
        db.session.commit()
        return made


MRT = ("379130000", "臺北市政府捷運工程局", "Department of Rapid Transit Systems")
WATER = ("A65070000", "經濟部水利署", "")
NOBODY = (None, None, None)


def test_counts_add_the_tallies_to_the_live_reports_of_the_ended_years(app, ctx, receipts):
    assert yearly_counts(db.session, current_year=2026) == [
        YearCount(*MRT, 2025, "referred", 1), YearCount(*MRT, 2025, "closed", 5),
        YearCount(*MRT, 2019, "closed", 2),
        YearCount(*NOBODY, 2025, "under_review", 1),
    ]


def test_a_year_is_counted_once_it_has_ended_with_its_reports_and_tallies(app, ctx, receipts):
    assert yearly_counts(db.session, current_year=2027) == [
        YearCount(*MRT, 2026, "received", 2), YearCount(*MRT, 2026, "under_review", 1),
        YearCount(*MRT, 2025, "referred", 1), YearCount(*MRT, 2025, "closed", 5),
        YearCount(*MRT, 2019, "closed", 2),
        YearCount(*WATER, 2026, "closed", 1),
        YearCount(*NOBODY, 2026, "received", 1), YearCount(*NOBODY, 2026, "closed", 1),
        YearCount(*NOBODY, 2025, "under_review", 1),
    ]


def test_the_page_shape_is_a_row_per_year_with_a_column_per_status(app, ctx, receipts):
    tables = by_agency(yearly_counts(db.session, current_year=2027))
    assert [(t.code, t.name("en"), t.name("zh_Hant_TW"), t.total) for t in tables] == [
        ("379130000", "Department of Rapid Transit Systems", "臺北市政府捷運工程局", 11),
        ("A65070000", "經濟部水利署", "經濟部水利署", 1),
        (None, None, None, 3)]
    mrt: AgencyCounts = tables[0]
    assert [(row.year, [row.count(s) for s in ReportStatus], row.total) for row in mrt.years] == [
        (2026, [2, 1, 0, 0], 3), (2025, [0, 0, 1, 5], 6), (2019, [0, 0, 0, 2], 2)]


def test_the_counts_take_one_query_however_many_agencies_and_years(app, ctx, receipts, count_queries):
    with count_queries() as statements:
        yearly_counts(db.session, current_year=2027)
    assert len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]) == 1


def test_no_report_yet_counts_nothing(app, ctx):
    assert yearly_counts(db.session, current_year=2027) == []


def rows(html: str) -> set[tuple[str, str]]:
    """The (agency code, year) of each row of counts on a page."""
    return {tuple(part.split('"')[1] for part in row.split(" data-year=")) for row in
            (chunk.split(">")[0] for chunk in html.split("data-report-counts=")[1:])}


@pytest.mark.parametrize(("language", "heading", "nobody", "promise", "ended"), [
    ("zh-TW", "檢舉案件年度統計", "未指明機關", "只公開這些數字", "統計數字於年度結束後才公布"),
    ("en", "Confidential reports by year", "No agency named", "Only these numbers are published",
     "Counts are published once a year has ended"),
])
def test_the_commitment_tracker_shows_the_ended_years_and_nothing_of_any_report(
        app, receipts, language, heading, nobody, promise, ended):
    with at(MID_2026):
        page = app.test_client().get("/commitments", headers={"Accept-Language": language})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for words in (heading, nobody, promise, ended):
        assert words in html
    assert rows(html) == {("379130000", "2025"), ("379130000", "2019"), ("", "2025")}
    row = html.split('data-report-counts="379130000" data-year="2025"')[1].split("</tr>")[0]
    assert 'data-status="referred">1<' in row and 'data-status="closed">5<' in row
    for secret in (WHAT, WHO, "查無具體事證", *receipts):
        assert secret not in html


def test_a_report_filed_or_referred_this_year_moves_no_count_on_the_page(app, agency_ids):
    """What the people a report is about could watch for: a new report about their agency, or one
    referred to the prosecutors, changes nothing anyone can see until the year has ended."""
    with app.test_request_context():
        add_report(agency_ids["mrt"], 2025, ReportStatus.closed)
        db.session.commit()
    client = app.test_client()
    with at(MID_2026):
        before = client.get("/commitments").get_data(as_text=True)
        with app.test_request_context():
            add_report(agency_ids["mrt"], 2026, ReportStatus.received)
            add_report(agency_ids["mrt"], 2026, ReportStatus.referred)
            db.session.commit()
        after = client.get("/commitments").get_data(as_text=True)
    assert rows(after) == {("379130000", "2025")}
    assert after.split('id="confidential-reports"')[1] == before.split('id="confidential-reports"')[1]


def test_the_year_ends_at_midnight_in_taipei(app, agency_ids):
    with app.test_request_context():
        add_report(agency_ids["mrt"], 2026, ReportStatus.referred)
        db.session.commit()
    client = app.test_client()
    # 23:59 on 31 December in Taipei is 15:59 UTC: 2026 has not ended.
    with at(datetime(2026, 12, 31, 23, 59, tzinfo=TAIPEI)):
        assert rows(client.get("/commitments").get_data(as_text=True)) == set()
    # 00:01 on 1 January in Taipei is still 31 December in UTC: 2026 has ended.
    with at(datetime(2027, 1, 1, 0, 1, tzinfo=TAIPEI)):
        html = client.get("/commitments").get_data(as_text=True)
    assert rows(html) == {("379130000", "2026")}
    assert 'data-status="referred">1<' in html


@pytest.mark.parametrize(("language", "empty"), [("en", "No counts for an ended year yet."),
                                                 ("zh-TW", "尚無已結束年度的統計數字。")])
def test_the_commitment_tracker_says_when_no_ended_year_has_counts(app, agency_ids, language, empty):
    with app.test_request_context():
        add_report(agency_ids["mrt"], 2026, ReportStatus.received)
        db.session.commit()
    with at(MID_2026):
        html = app.test_client().get("/commitments", headers={"Accept-Language": language}).get_data(as_text=True)
    assert empty in html
    assert "data-report-counts=" not in html
