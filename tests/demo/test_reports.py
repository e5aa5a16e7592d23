"""The demo report and the demo integrity officers: the receipt and passphrase the README cites open
the report, which the MRT department's integrity unit has taken up and written to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from civic.accounts.queries import get_user_by_email
from civic.agencies.models import Agency
from civic.core.roles import Role
from civic.demo import loader
from civic.extensions import db
from civic.reports import intake
from civic.reports.models import ConfidentialReport, ReportMessage
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
