"""The demo report and the demo integrity officers: the receipt and passphrase the README cites open
the report, which the MRT department's integrity unit has taken up and written to."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
import yaml
from sqlalchemy import func, select

from civic.accounts.queries import get_user_by_email
from civic.agencies.models import Agency
from civic.core.roles import Role
from civic.core.time import TAIPEI
from civic.demo import loader
from civic.extensions import db
from civic.reports import intake
from civic.reports.models import ConfidentialReport, ReportMessage, ReportTally
from tests.conftest import OnTheDemoSite

RECEIPT = "R-DEM0-0001"
PASSPHRASE = "harbor-lantern-copper-velvet-ladder"


class TestTheDemoReport(OnTheDemoSite):
    def test_the_cited_receipt_and_passphrase_open_the_report_however_they_are_typed(self, app, ctx, demo_site):
        assert demo_site.report.reports == 1
        for receipt, passphrase in ((RECEIPT, PASSPHRASE), ("r-demo-0001", "Harbor Lantern Copper Velvet Ladder")):
            report = intake.open_report(db.session, receipt, passphrase)
            assert report is not None and report.receipt == RECEIPT
        assert intake.open_report(db.session, RECEIPT, "harbor-lantern-copper-velvet-lad") is None

    def test_the_mrt_integrity_unit_took_it_up_and_wrote_to_the_reporter(self, app, ctx):
        report = db.session.scalar(select(ConfidentialReport).where(ConfidentialReport.receipt == RECEIPT))
        officer = get_user_by_email(db.session, "integrity.mrt@demo.civic.tw")
        assert (report.status, report.assigned_to_id, report.routed_to_agency) == ("under_review", officer.id, True)
        assert "萬大線" in report.what
        [message] = db.session.scalars(select(ReportMessage).where(ReportMessage.report_id == report.id)).all()
        assert (message.author_id, message.from_reporter) == (officer.id, False)

    def test_the_officers_belong_to_the_authority_and_to_the_mrt_department(self, app, ctx):
        for email, code in (("integrity@demo.civic.tw", "A15070000"), ("integrity.mrt@demo.civic.tw", "379130000")):
            user = get_user_by_email(db.session, email)
            assert user.role == Role.integrity_officer and user.is_verified
            assert db.session.get(Agency, user.agency_id).code == code

    def test_loading_again_files_no_second_report(self, app, ctx):
        assert loader.load(db.session).reports == 0
        assert len(db.session.scalars(select(ConfidentialReport.id)).all()) == 1


class TestTheDemoTallies(OnTheDemoSite):
    """The yearly counts publish only ended years and the demo report is of this year: tallies of
    earlier years give /commitments something to show."""

    def test_the_tallies_are_loaded_once_and_shown_for_the_ended_years(self, app, ctx, demo_site):
        assert demo_site.report.report_tallies == 7
        assert loader.load(db.session).report_tallies == 0
        assert db.session.scalar(select(func.count(ReportTally.id))) == 7
        with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=TAIPEI), tick=False):
            html = app.test_client().get("/commitments", headers={"Accept-Language": "en"}).get_data(as_text=True)
        row = html.split('data-report-counts="379130000" data-year="2025"')[1].split("</tr>")[0]
        assert 'data-status="referred">2<' in row and 'data-status="closed">4<' in row
        assert 'data-report-counts="A65070000" data-year="2024"' in html
        # The demo report, of the year still running, is in no count.
        assert 'data-report-counts="379130000" data-year="2026"' not in html
        assert html.count("data-report-counts=") == 4


def test_the_tallies_are_loaded_on_a_site_with_random_passwords(app, ctx):
    """Numbers of no report anyone can open: loaded even where the demonstration report is not."""
    loaded = loader.load(db.session, random_passwords=True)
    assert loaded.report_tallies == 7
    # The demonstration report's passphrase is published: never filed where passwords are random.
    assert loaded.reports == 0 and db.session.scalar(select(func.count(ConfidentialReport.id))) == 0
    assert {(t.year, t.status, t.count) for t in db.session.scalars(
        select(ReportTally).join(Agency, Agency.id == ReportTally.agency_id).where(Agency.code == "379130000"))} == {
        (2024, "referred", 1), (2024, "closed", 3), (2025, "referred", 2), (2025, "closed", 4)}


@pytest.mark.parametrize(("change", "message"), [
    ({"agency": "A99999999"}, "field 'agency': no agency A99999999 in agencies.yaml"),
    ({"closed": -1}, "field 'closed': a count is not negative"),
    ({"year": 2025}, "the agency and year are listed twice"),
])
def test_a_demo_tally_that_cannot_be_is_refused_naming_its_entry(tmp_path: Path, change, message):
    directory = Path(shutil.copytree(loader.DATA_DIR, tmp_path / "data"))
    path = directory / "report_tallies.yaml"
    tallies = yaml.safe_load(path.read_text(encoding="utf-8"))
    tallies[0].update(change)
    path.write_text(yaml.safe_dump(tallies, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(loader.DemoDataError, match=r"^report_tallies\.yaml, entry \d \(") as refused:
        loader.read_data(directory)
    assert message in str(refused.value)


@pytest.mark.parametrize(("change", "message"), [
    ({"receipt": "R-DEMO-0001"}, "field 'receipt': not a receipt"),
    ({"passphrase": "Harbor Lantern"}, "field 'passphrase': lower-case words joined by dashes"),
    ({"officer": "staff.mrt@demo.civic.tw"}, "field 'officer': no integrity officer staff.mrt@demo.civic.tw"),
    ({"status": "closed"}, "field 'status': a demo report is not closed"),
])
def test_a_demo_report_the_site_would_not_make_is_refused_naming_its_entry(tmp_path: Path, change, message):
    directory = Path(shutil.copytree(loader.DATA_DIR, tmp_path / "data"))
    path = directory / "reports.yaml"
    reports = yaml.safe_load(path.read_text(encoding="utf-8"))
    reports[0].update(change)
    path.write_text(yaml.safe_dump(reports, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(loader.DemoDataError, match=r"^reports\.yaml, entry 1 \(R-DE") as refused:
        loader.read_data(directory)
    assert message in str(refused.value)
