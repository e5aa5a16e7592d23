"""Tenders and risk signals in the API: a case carries its tenders with their announcements (dates, types,
amounts, bidders and winners by 統一編號) and its signals with their source, as CONTRACT.md promises; in
lists and the bulk file too, in a fixed number of queries; never for an unpublished case. In OC4IDS each
tender is a contracting process with its announcements as linked releases, and validates.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from civic.accounts.models import User
from civic.api import queries as api_queries
from civic.cases import parts
from civic.cases.models import Case, ReviewState
from civic.cases.queries import get_case_with_parts
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.procurement.queries import timelines_of
from civic.procurement.signals import case_signals
from tests.api.conftest import get_json, walk
from tests.api.test_oc4ids import _codelist_problems, _problems, assert_package_holds

FIXTURE = Path(__file__).resolve().parents[1] / "procurement" / "fixtures" / "tender_open.json"
UNIT_ID, JOB_NUMBER = "3.76.47", "CQ850-2026"
WINNER = "90000006"


def _untendered_slug(client) -> str:
    return next(case["slug"] for case in walk(client, "/api/v1/cases?limit=500") if not case["tenders"])


def _tender_and_import(app, slug: str) -> None:
    with app.test_request_context():
        case = get_case_with_parts(db.session, slug)
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.civic.tw"))
        parts.add_tender(case, parts.TenderInput(UNIT_ID, JOB_NUMBER), actor=admin)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["procurement", "import", str(FIXTURE)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def tendered(app, client) -> str:
    """A published case (none of the demo's tenders) given the fixture's tender, imported."""
    slug = _untendered_slug(client)
    _tender_and_import(app, slug)
    return slug


def test_a_case_carries_its_tenders_timeline_and_signals(client, tendered):
    case = get_json(client, f"/api/v1/cases/{tendered}")
    [tender] = case["tenders"]
    assert (tender["unit_id"], tender["job_number"]) == (UNIT_ID, JOB_NUMBER)
    assert tender["unit_name"] == "臺北市政府捷運工程局"
    assert tender["official_url"].startswith("https://web.pcc.gov.tw/")
    assert [(a["date"], a["type"], a["kind"]) for a in tender["announcements"]] == [
        ("2026-03-02", "公開招標公告", "tender"),
        ("2026-03-16", "公開招標更正公告", "correction"),
        ("2026-04-20", "決標公告", "award"),
    ]
    award = tender["announcements"][-1]
    assert award == {**award, "title": "萬大線CQ850區段標土建工程", "budget": 1_200_000_000,
                     "reserve_price": 1_150_000_000, "award_amount": 1_148_000_000, "bidder_count": 1,
                     "bidders": [WINNER], "winners": [WINNER]}
    assert award["official_url"].startswith("https://web.pcc.gov.tw/tps/atm/")
    assert tender["announcements"][0]["budget"] == 1_200_000_000
    signals = {signal["code"]: signal for signal in case["signals"]}
    single = signals["single_bidder"]
    assert single["source"]["name"] == "OCDS Cardinal R018 (Single bid received)"
    assert single["source"]["url"].startswith("https://")
    assert single["data"]["bidder_count"] == 1 and single["data"]["tender"] == f"{UNIT_ID} {JOB_NUMBER}"
    assert single["title"]["en"] == "One bidder in an open tender"
    assert single["title"]["zh"] and single["title"]["zh"] != single["title"]["en"]
    assert single["explanation"]["en"] and single["explanation"]["zh"]
    assert "award_near_reserve_price" in signals
    # The same object in the list and in the bulk file.
    listed = next(c for c in walk(client, "/api/v1/cases?limit=500") if c["slug"] == tendered)
    assert (listed["tenders"], listed["signals"]) == (case["tenders"], case["signals"])
    lines = client.get("/api/v1/export/cases.jsonl").get_data(as_text=True).splitlines()
    exported = next(json.loads(line) for line in lines if json.loads(line)["slug"] == tendered)
    assert (exported["tenders"], exported["signals"]) == (case["tenders"], case["signals"])


def test_a_case_without_tenders_has_none(client):
    case = get_json(client, f"/api/v1/cases/{_untendered_slug(client)}")
    assert case["tenders"] == []
    assert isinstance(case["signals"], list)


def test_the_pages_signals_are_the_case_pages(app, client, tendered):
    """The API computes a page's signals at once; they are those civic.procurement gives one case."""
    now = utcnow()
    with app.test_request_context():
        cases = list(db.session.scalars(api_queries._with_parts(api_queries._published())))
        records = api_queries.case_records(db.session, cases, now=now)
        for record in records:
            expected = case_signals(db.session, record.case, timelines_of(db.session, record.case),
                                    today=to_taipei(now).date(), now=now)
            assert [(s.code, s.data) for s in record.signals] == [(s.code, s.data) for s in expected], record.slug
        assert any(s.code == "single_bidder" for r in records if r.slug == tendered for s in r.signals)


def test_an_unpublished_case_shows_nothing_of_its_tenders(app, client, tendered):
    # No service unpublishes a case yet: the review state is set back as one would.
    with app.app_context():
        db.session.execute(update(Case.__table__).where(Case.slug == tendered)
                           .values(review_state=ReviewState.returned, updated_at=utcnow()))
        db.session.commit()
    get_json(client, f"/api/v1/cases/{tendered}", 404)
    get_json(client, f"/api/v1/cases/{tendered}/oc4ids", 404)
    assert tendered not in {case["slug"] for case in walk(client, "/api/v1/cases?limit=500")}
    for path in ("/api/v1/export/cases.jsonl", "/api/v1/oc4ids.json"):
        body = client.get(path).get_data(as_text=True)
        assert "TIQ-1-71000001" not in body and JOB_NUMBER not in body, path


def test_the_cases_list_runs_the_same_queries_whatever_its_number_of_tenders(client, count_queries, tendered):
    """A page of the cases in one status and the page of every case, both holding tenders with announcements,
    run the same statements: tenders, announcements and companies are read once per page. (A page whose
    cases have no tender at all runs fewer: case_timelines skips what it has nothing to ask about.)"""
    status = get_json(client, f"/api/v1/cases/{tendered}")["status"]
    counts = {}
    for path in (f"/api/v1/cases?status={status}&limit=500", "/api/v1/cases?limit=500"):
        with count_queries() as statements:
            get_json(client, path)
        counts[path] = sum(1 for statement in statements if statement.lstrip().upper().startswith("SELECT"))
    assert len(set(counts.values())) == 1, counts


def test_each_tender_is_an_oc4ids_contracting_process_that_validates(client, monkeypatch, tmp_path, tendered):
    record = get_json(client, f"/api/v1/cases/{tendered}/oc4ids")
    assert _problems(record, "project") == []
    assert _codelist_problems(record) == []
    process = next(p for p in record["contractingProcesses"] if p["id"].startswith("tender-"))
    summary = process["summary"]
    assert summary["externalReference"] == JOB_NUMBER
    assert summary["status"] == "active"
    tender = summary["tender"]
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == ("open", "公開招標")
    assert tender["costEstimate"] == {"amount": 1_200_000_000, "currency": "TWD"}
    assert tender["numberOfTenderers"] == 1
    assert tender["tenderers"] == summary["suppliers"] == [{"id": f"TW-MOEA-{WINNER}", "name": "示範營造股份有限公司"}]
    assert summary["contractValue"] == {"amount": 1_148_000_000, "currency": "TWD"}
    assert [(r["id"], r["tag"]) for r in process["releases"]] == [
        ("TIQ-1-71000001", ["tender"]), ("TIQ-2-71000002", ["tenderAmendment"]), ("BDM-1-71000003", ["award"])]
    assert process["releases"][-1]["url"].startswith("https://web.pcc.gov.tw/tps/atm/")
    assert process["releases"][1]["url"].endswith(f"/cases/{tendered}#tender-{process['id'].split('-')[1]}")
    party = next(p for p in record["parties"] if p["id"] == f"TW-MOEA-{WINNER}")
    assert set(party["roles"]) >= {"tenderer", "supplier"}
    assert party["identifier"] == {"scheme": "TW-MOEA", "id": WINNER, "legalName": "示範營造股份有限公司"}
    assert "signals" not in json.dumps(record)
    # The package holds it too, and the official validator finds nothing to say.
    assert_package_holds(client, record, monkeypatch, tmp_path)
