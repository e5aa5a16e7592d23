"""The demo data files: every one is read and shows in the loaded site, and a malformed entry is
refused with a message naming its file and entry, before anything is written."""

from __future__ import annotations

import fnmatch
import json
import shutil
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from civic.accounts.models import Company, User
from civic.agencies.models import Agency
from civic.cases import history
from civic.cases.models import Case
from civic.cases.queries import get_case_with_parts
from civic.commitments import queries as commitment_queries
from civic.consultations.models import Consultation
from civic.core.time import TAIPEI
from civic.demo import loader
from civic.extensions import db
from civic.feedback.models import Comment
from civic.pledges.models import Pledge
from civic.procurement.models import Announcement
from civic.procurement.queries import company_tenders, timelines_of
from civic.procurement.signals import tender_signals
from civic.reports.models import ConfidentialReport, ReportTally
from civic.showcase.models import Challenge, ShowcaseApp
from civic.workshops.models import Workshop
from tests.conftest import OnTheDemoSite

ROOT = Path(__file__).resolve().parents[2]


def data_files(directory: Path = loader.DATA_DIR) -> set[str]:
    return {str(path.relative_to(directory)) for path in directory.rglob("*") if path.is_file()}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the data set to spoil."""
    return Path(shutil.copytree(loader.DATA_DIR, tmp_path / "data"))


def edit(directory: Path, name: str, change) -> None:
    path = directory / name
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


class TestTheLoadedDemoSite(OnTheDemoSite):
    """What one load of the demo data made (demo_site), read in a transaction rolled back."""

    def test_every_data_file_is_read_and_shows_in_the_loaded_site(self, app, ctx, demo_site):
        data = loader.read_data()
        assert set(data.files) == data_files()
        now = demo_site.loaded_at

        def count(column, *where) -> int:
            return db.session.scalar(select(func.count(column)).where(*where))

        shows = {
            "agencies.yaml": count(Agency.id, Agency.code.in_([a.code for a in data.agencies])) == len(data.agencies),
            "users.yaml": count(User.id, User.email.in_([u.email for u in data.users])) == len(data.users),
            "suppliers.yaml": count(Company.id, Company.ubn.in_([s.ubn for s in data.suppliers.values()]))
            == len(data.suppliers),
            "feedback.yaml": count(Comment.id) == len(data.feedback),
            "pledges.yaml": count(Pledge.id) == len(data.pledges),
            "workshops.yaml": count(Workshop.id, Workshop.title.in_([w.title for w in data.workshops]))
            == len(data.workshops),
            "commitments.yaml": {t.year: t.target for t in commitment_queries.get_commitment_by_code(
                db.session, data.commitment.code).targets} == data.commitment.targets,
            "consultations.yaml": count(Consultation.id, Consultation.question.in_(
                [c.question for c in data.consultations])) == len(data.consultations)
            and count(Consultation.id, Consultation.published_at.is_not(None)) == sum(
                c.published for c in data.consultations),
            "reports.yaml": count(ConfidentialReport.id, ConfidentialReport.receipt.in_(
                [r.receipt for r in data.reports])) == len(data.reports),
            "report_tallies.yaml": count(ReportTally.id) == sum(
                getattr(t, status) > 0 for t in data.report_tallies
                for status in ("received", "under_review", "referred", "closed")),
            "showcase.yaml": count(ShowcaseApp.id, ShowcaseApp.name.in_([a.name for a in data.showcase.apps]),
                                   ShowcaseApp.status == "published") == len(data.showcase.apps)
            and count(Challenge.id, Challenge.title_zh.in_([c.title_zh for c in data.showcase.challenges]))
            == len(data.showcase.challenges),
        }
        for name, parsed in data.announcements.items():
            filenames = [announcement.filename for announcement in parsed.announcements]
            shows[name] = bool(filenames) and count(
                Announcement.id, Announcement.filename.in_(filenames)) == len(filenames)
        for name, entry in zip(sorted(data_files() - set(shows)), data.cases, strict=True):
            case = get_case_with_parts(db.session, entry.case.slug)
            shows[name] = case is not None and case.is_demo and len(case.meetings) == len(entry.meetings)
        assert shows == dict.fromkeys(data_files(), True)
        # Dates relative to the day of loading stay relative.
        for entry in data.workshops:
            workshop = db.session.scalar(select(Workshop).where(Workshop.title == entry.title))
            starts = workshop.starts_at.astimezone(TAIPEI)
            assert starts.date() == now.astimezone(TAIPEI).date() + timedelta(days=entry.in_days)
            assert starts.time() == entry.starts

    @staticmethod
    def _timeline(slug: str):
        [timeline] = timelines_of(db.session, get_case_with_parts(db.session, slug))
        return timeline

    def test_demo_cases_name_tenders_with_the_announcements_the_system_made(self, app, ctx, demo_site):
        report = demo_site.report
        assert report.announcements == 10
        single = self._timeline("taipei-mrt-wanda-line")
        assert (single.tender.unit_id, single.tender.job_number, single.tender.unit_name) == (
            "3.76.47", "DEMO-TPE-WD-01", "臺北市政府捷運工程局")
        assert [a.type_label for a in single.announcements] == ["公開招標公告", "公開招標更正公告", "決標公告"]
        assert [signal.code for signal in tender_signals([single])] == ["single_bidder"]
        failed = self._timeline("shimen-reservoir-amuping-desilting-tunnel")
        assert [a.kind for a in failed.announcements] == ["tender", "failed", "tender", "failed", "tender", "award"]
        award = failed.announcements[-1]
        assert award.bidder_count == 3
        assert [(c.ubn, c.won) for c in award.companies] == [
            ("95957117", False), ("94402426", True), ("95140261", False)]
        assert [signal.code for signal in tender_signals([failed])] == ["repeated_failed_tenders"]
        nantou = self._timeline("mohw-nantou-hospital-critical-care-building")
        assert [a.kind for a in nantou.announcements] == ["tender"]
        waiting = self._timeline("new-taipei-sanchong-social-housing")
        assert (waiting.tender.job_number, waiting.announcements) == ("DEMO-NTH-SC-01", [])
        # A demo contractor with pledges and contracts lists the tenders it bid for and won, too.
        assert {(t.tender.job_number, t.bid, t.won) for t in company_tenders(db.session, "95957117")} == {
            ("DEMO-TPE-WD-01", True, True), ("DEMO-WRA-AM-01", True, False)}
        assert db.session.scalar(select(func.count(Pledge.id)).join(Company).where(Company.ubn == "95957117"))

    def test_every_demo_case_record_verifies_and_loading_again_adds_nothing(self, app, ctx):
        announcements = db.session.scalar(select(func.count(Announcement.id)))
        again = loader.load(db.session)
        db.session.flush()
        assert (again.cases, again.announcements) == (0, 0)
        assert db.session.scalar(select(func.count(Announcement.id))) == announcements
        slugs = db.session.scalars(select(Case.slug).where(Case.is_demo.is_(True)).order_by(Case.slug)).all()
        assert len(slugs) == len(loader.read_data().cases)
        for slug in slugs:
            assert history.verify_case(db.session, get_case_with_parts(db.session, slug)) is None, slug


def test_an_announcement_no_demo_case_names_or_cannot_be_read_is_refused(app, ctx, data_copy):
    path = data_copy / "procurement" / "01-taipei-mrt-wanda-line.json"
    response = json.loads(path.read_text(encoding="utf-8"))
    response["records"][1]["job_number"] = "DEMO-TPE-WD-99"
    path.write_text(json.dumps(response, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(loader.DemoDataError, match=r"^procurement/01-taipei-mrt-wanda-line\.json, record 2 "
                       r"\(TIQ-2-90150002\): no case in cases/ names the tender 3\.76\.47 DEMO-TPE-WD-99"):
        loader.load(db.session, directory=data_copy)
    del response["records"][2]["date"]
    path.write_text(json.dumps(response, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(loader.DemoDataError, match=r"^procurement/01-taipei-mrt-wanda-line\.json, record 3 "
                       r"\(BDM-1-90160003\): date is not YYYYMMDD"):
        loader.read_data(data_copy)
    assert db.session.scalar(select(func.count(Agency.id))) == 0


def test_a_file_the_loader_would_not_read_is_refused(data_copy):
    (data_copy / "cases" / "notes.txt").write_text("ideas for more cases", encoding="utf-8")
    with pytest.raises(loader.DemoDataError, match=r"^cases/notes\.txt: not a demo data file"):
        loader.read_data(data_copy)


def test_the_installed_package_carries_every_data_file():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = settings["package-data"]["civic.demo"]
    for name in data_files():
        assert any(fnmatch.fnmatch(f"data/{name}", pattern) for pattern in patterns), name


def _drop_first_member_role(case: dict) -> None:
    del case["members"][0]["role"]


def _spell_out_response_days(agencies: list) -> None:
    agencies[1]["response_days"] = "fourteen"


def _misspell_a_workshop_field(workshops: list) -> None:
    workshops[2]["in_day"] = workshops[2].pop("in_days")


def _pledge_on_a_missing_case(pledges: list) -> None:
    pledges[3]["case"] = "no-such-case"


def _coordinates_as_a_float(case: dict) -> None:
    case["case"]["latitude"] = 25.02


@pytest.mark.parametrize(("name", "change", "message"), [
    ("cases/01-taipei-mrt-wanda-line.yaml", _drop_first_member_role,
     "cases/01-taipei-mrt-wanda-line.yaml: field 'members'[0]: field 'role' is missing"),
    ("agencies.yaml", _spell_out_response_days,
     "agencies.yaml, entry 2 (A15070000): field 'response_days': expected a whole number, found text ('fourteen')"),
    ("workshops.yaml", _misspell_a_workshop_field,
     "workshops.yaml, entry 3 (阿姆坪防淤隧道工程社區說明工作坊): unknown field 'in_day'"),
    ("pledges.yaml", _pledge_on_a_missing_case,
     "pledges.yaml, entry 4 (黃○○): field 'case': no case no-such-case in cases/"),
    ("cases/01-taipei-mrt-wanda-line.yaml", _coordinates_as_a_float,
     "cases/01-taipei-mrt-wanda-line.yaml: field 'case': field 'latitude': expected a decimal number in quotes"),
])
def test_a_malformed_entry_is_refused_naming_its_file_and_entry_before_anything_is_written(
        app, ctx, data_copy, name, change, message):
    edit(data_copy, name, change)
    with pytest.raises(loader.DemoDataError) as refused:
        loader.load(db.session, directory=data_copy)
    assert str(refused.value).startswith(message)
    assert db.session.scalar(select(func.count(Agency.id))) == 0


def test_demo_load_reports_a_malformed_file_and_exits(app, tmp_path, monkeypatch):
    broken = Path(shutil.copytree(loader.DATA_DIR, tmp_path / "data"))
    (broken / "feedback.yaml").write_text("- case: taipei-mrt-wanda-line\n  answer: 沒有問題\n", encoding="utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", broken)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "feedback.yaml, entry 1: field 'question' is missing" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Agency.id))) == 0
