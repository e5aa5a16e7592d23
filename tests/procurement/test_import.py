"""`procurement import FILE`: a saved tender response gives the case its timeline, once; a bad record
is reported with its reason and the rest is kept; the record of the case holds every announcement."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.cases import history, parts, queries
from civic.cases.models import CaseTender, HistoryEntry
from civic.core.errors import DomainError
from civic.extensions import db
from civic.procurement.models import Announcement, AnnouncementCompany
from civic.procurement.queries import company_tenders, timelines_of
from civic.procurement.signals import tender_signals

FIXTURES = Path(__file__).parent / "fixtures"
OPEN = str(FIXTURES / "tender_open.json")
FAILED = str(FIXTURES / "tender_failed.json")


def add_tender(app, account, slug, unit_id, job_number):
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        parts.add_tender(case, parts.TenderInput(unit_id, job_number), actor=db.session.get(User, account.id))
        db.session.commit()


def award_contract(slug, account):
    """A contract awarded under the case's tender CQ850-2026 and linked to it; the actor and the tender.
    Call inside a request context."""
    actor = db.session.get(User, account.id)
    case = queries.get_case_with_parts(db.session, slug)
    tender = next(t for t in case.tenders if t.job_number == "CQ850-2026")
    parts.add_contract(case, parts.ContractInput(
        title="CQ850 標", ubn="90000006", company_name="示範營造股份有限公司", award_value_ntd=1_148_000_000,
        tender_id=tender.id), actor=actor)
    db.session.commit()
    return actor, tender


def run_import(app, path):
    return app.test_cli_runner().invoke(args=["procurement", "import", path])


@pytest.fixture
def tendered_case(app, staff, published_case):
    add_tender(app, staff, published_case, "3.76.47", "CQ850-2026")
    add_tender(app, staff, published_case, "A.17.2.1", "nwda1150012")
    return published_case


def test_import_gives_the_timeline_with_amounts_bidders_and_winners(app, tendered_case):
    result = run_import(app, OPEN)
    assert result.exit_code == 0, result.output
    assert "3 announcements added, 0 already stored, 0 skipped" in result.output
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, tendered_case)
        timeline = next(t for t in timelines_of(db.session, case) if t.tender.job_number == "CQ850-2026")
        assert [(a.kind, a.type_label, a.published_on.isoformat()) for a in timeline.announcements] == [
            ("tender", "公開招標公告", "2026-03-02"),
            ("correction", "公開招標更正公告", "2026-03-16"),
            ("award", "決標公告", "2026-04-20"),
        ]
        award = timeline.announcements[-1]
        assert (award.budget_ntd, award.reserve_price_ntd, award.award_amount_ntd, award.bidder_count) == (
            1_200_000_000, 1_150_000_000, 1_148_000_000, 1)
        assert [(c.ubn, c.name, c.bid, c.won) for c in award.companies] == [
            ("90000006", "示範營造股份有限公司", True, True)]
        assert award.official_url.startswith("https://web.pcc.gov.tw/tps/atm/")
        assert timeline.tender.unit_name == "臺北市政府捷運工程局"
        codes = {signal.code for signal in tender_signals([timeline])}
        assert codes == {"single_bidder", "award_near_reserve_price"}
        [won] = company_tenders(db.session, "90000006")
        assert (won.tender.job_number, won.bid, won.won) == ("CQ850-2026", True, True)


def test_import_again_changes_nothing(app, tendered_case):
    run_import(app, OPEN)
    with app.test_request_context():
        entries = db.session.scalar(select(func.count()).select_from(HistoryEntry))
    result = run_import(app, OPEN)
    assert result.exit_code == 0, result.output
    assert "0 announcements added, 3 already stored" in result.output
    with app.test_request_context():
        assert db.session.scalar(select(func.count()).select_from(Announcement)) == 3
        assert db.session.scalar(select(func.count()).select_from(AnnouncementCompany)) == 1
        assert db.session.scalar(select(func.count()).select_from(HistoryEntry)) == entries


def test_a_bad_record_is_reported_and_the_rest_kept(app, tendered_case):
    result = run_import(app, FAILED)
    assert result.exit_code == 0, result.output
    assert "3 announcements added, 0 already stored, 2 skipped" in result.output
    assert "record 3 (TIQ-1-72000004) skipped: date is not YYYYMMDD: '2026-03-10'" in result.output
    assert "record 4 (no filename) skipped: no filename" in result.output
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, tendered_case)
        timeline = next(t for t in timelines_of(db.session, case) if t.tender.job_number == "nwda1150012")
        assert [a.kind for a in timeline.announcements] == ["tender", "failed", "failed"]
        signals = tender_signals([timeline])
        assert [(s.code, s.data["failed"]) for s in signals] == [("repeated_failed_tenders", 2)]


def test_a_tender_no_case_names_is_skipped_and_said(app, published_case):
    result = run_import(app, OPEN)
    assert result.exit_code == 0
    assert "tender 3.76.47 CQ850-2026 is named by no case" in result.output
    assert "0 announcements added" in result.output


def test_a_file_that_is_not_a_tender_response_changes_nothing(app, tendered_case, tmp_path):
    for content in ("not json", '{"records": 3}', "[]"):
        path = tmp_path / "bad.json"
        path.write_text(content, encoding="utf-8")
        result = run_import(app, str(path))
        assert result.exit_code == 1
        assert "cannot be read" in result.output
    with app.test_request_context():
        assert db.session.scalar(select(func.count()).select_from(Announcement)) == 0


def test_each_announcement_is_in_the_case_record_and_the_chain_holds(app, staff, tendered_case):
    run_import(app, OPEN)
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, tendered_case)
        entries = db.session.scalars(select(HistoryEntry).where(
            HistoryEntry.case_id == case.id, HistoryEntry.part_kind == "announcement")
            .order_by(HistoryEntry.seq)).all()
        assert [(e.action, e.actor_role, e.after["filename"]) for e in entries] == [
            ("created", "system", "TIQ-1-71000001"), ("created", "system", "TIQ-2-71000002"),
            ("created", "system", "BDM-1-71000003")]
        assert entries[-1].after["winners"] == ["90000006"]
        assert entries[-1].after["tender"] == "3.76.47 CQ850-2026"
        assert history.verify_case(db.session, case) is None


def test_an_announcement_changed_in_the_database_breaks_the_record(app, tendered_case):
    run_import(app, OPEN)
    with app.test_request_context():
        db.session.execute(Announcement.__table__.update()
                           .where(Announcement.filename == "BDM-1-71000003").values(award_amount_ntd=1))
        case = queries.get_case_with_parts(db.session, tendered_case)
        broken = history.verify_case(db.session, case)
        assert broken is not None and "award_amount_ntd" in broken.problem


def test_removing_a_tender_records_its_announcements_as_removed(app, staff, tendered_case):
    run_import(app, OPEN)
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, tendered_case)
        tender = next(t for t in case.tenders if t.job_number == "CQ850-2026")
        parts.remove_part(case, "tenders", tender.id, actor=db.session.get(User, staff.id),
                          reason="案號填錯")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Announcement)) == 0
        removed = db.session.scalars(select(HistoryEntry.part_kind).where(
            HistoryEntry.case_id == case.id, HistoryEntry.action == "deleted")).all()
        assert sorted(removed) == ["announcement"] * 3 + ["tender"]
        assert history.verify_case(db.session, queries.get_case_with_parts(db.session, tendered_case)) is None


@pytest.mark.parametrize(("unit_id", "job_number", "field"), [
    ("", "CQ850", "unit_id"),
    ("3 76 47", "CQ850", "unit_id"),
    ("3.76.47", "", "job_number"),
    ("3.76.47", "CQ 850", "job_number"),
    ("3.76.47", "<b>", "job_number"),
    ("3.76.47", "x" * 101, "job_number"),
])
def test_a_tender_must_have_the_systems_shape(app, staff, published_case, unit_id, job_number, field):
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, published_case)
        with pytest.raises(DomainError) as refused:
            parts.add_tender(case, parts.TenderInput(unit_id, job_number), actor=db.session.get(User, staff.id))
        assert refused.value.field == field
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(CaseTender)) == 0


def test_a_tender_is_named_once_per_case(app, staff, tendered_case):
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, tendered_case)
        with pytest.raises(DomainError, match="本案已登錄這個標案") as refused:
            parts.add_tender(case, parts.TenderInput("3.76.47", "CQ850-2026"), actor=db.session.get(User, staff.id))
        assert refused.value.field == "job_number"


def test_staff_of_another_agency_cannot_name_a_tender(app, other_agency_staff, published_case):
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, published_case)
        with pytest.raises(DomainError):
            parts.add_tender(case, parts.TenderInput("3.76.47", "CQ850-2026"),
                             actor=db.session.get(User, other_agency_staff.id))


def test_removing_a_tender_unlinks_its_contract_in_the_record(app, staff, tendered_case):
    with app.test_request_context():
        actor, tender = award_contract(tendered_case, staff)
        case = queries.get_case_with_parts(db.session, tendered_case)
        parts.remove_part(case, "tenders", tender.id, actor=actor, reason="案號填錯")
        db.session.commit()
        case = queries.get_case_with_parts(db.session, tendered_case)
        assert [contract.tender_id for contract in case.contracts] == [None]
        unlinked = db.session.scalars(select(HistoryEntry).where(
            HistoryEntry.case_id == case.id, HistoryEntry.part_kind == "contract",
            HistoryEntry.action == "updated")).one()
        assert unlinked.before == {"tender": "3.76.47 CQ850-2026"} and unlinked.after == {"tender": None}
        assert history.verify_case(db.session, case) is None


def test_correcting_a_tender_drops_what_was_imported_under_the_old_number(app, staff, tendered_case):
    run_import(app, OPEN)
    with app.test_request_context():
        actor, tender = award_contract(tendered_case, staff)
        case = queries.get_case_with_parts(db.session, tendered_case)
        parts.update_tender(case, tender.id, parts.TenderInput("3.76.47", "CQ850-2026R"), actor=actor,
                            reason="案號更正")
        db.session.commit()
        case = queries.get_case_with_parts(db.session, tendered_case)
        changed = db.session.execute(select(HistoryEntry.part_kind, HistoryEntry.action).where(
            HistoryEntry.case_id == case.id, HistoryEntry.reason == "案號更正")).all()
        assert sorted(changed) == [("announcement", "deleted")] * 3 + [("contract", "updated"), ("tender", "updated")]
        assert timelines_of(db.session, case)[0].announcements == []
        assert [c.tender_id for c in case.contracts] == [tender.id]
        assert tender.job_number == "CQ850-2026R"
        assert history.verify_case(db.session, case) is None
        # Correcting it back and importing again brings its announcements back.
        parts.update_tender(case, tender.id, parts.TenderInput("3.76.47", "CQ850-2026"), actor=actor,
                            reason="改回原案號")
        db.session.commit()
    assert "3 announcements added" in run_import(app, OPEN).output
