"""Disclosure by stage in the open data: the case JSON carries each stage's score and the data the stages
ask for; the OC4IDS record publishes the budget's approval and sources, the impacts, each contract's
period, scope and variations (values and periods along the chain from the contract as signed) and the
completion record, and it validates, with the schema, the codelists and the official validator."""

from __future__ import annotations

from sqlalchemy import select

from civic.cases import disclosure
from civic.cases.models import Case
from civic.extensions import db
from tests.api.conftest import DEMO_CASE, get_json
from tests.api.test_oc4ids import _codelist_problems, _problems, assert_package_holds

COMPLETED = "taipei-performing-arts-center"  # a demo case with every field of every stage filled in
STAGES = ["identification", "preparation", "procurement", "implementation", "completion"]


def test_the_case_json_carries_the_stages_and_their_data(client):
    case = get_json(client, f"/api/v1/cases/{COMPLETED}")
    assert list(case["disclosure"]) == STAGES
    assert all(stage["due"] for stage in case["disclosure"].values())
    assert case["disclosure"]["completion"] == {"filled": 5, "total": 5, "percent": 100, "due": True, "missing": []}
    assert case["budget_approved_on"] == "2009-12-25" and case["completed_on"] == "2022-08-07"
    assert case["final_cost_ntd"] == 6_520_000_000 and case["final_scope"] and case["completion_changes"]
    assert case["environmental_impact"] and case["land_impact"]
    assert [source["source"] for source in case["funding"]] == ["臺北市政府自籌", "文化部補助"]
    [contract] = case["contracts"]
    assert (contract["starts_on"], contract["ends_on"]) == ("2012-11-01", "2017-12-31") and contract["scope"]
    assert [(v["kind"], v["contract_id"]) for v in case["variations"]] == [("value", contract["id"]),
                                                                          ("duration", contract["id"])]
    mrt = get_json(client, f"/api/v1/cases/{DEMO_CASE}")
    assert mrt["disclosure"]["completion"]["due"] is False and mrt["disclosure"]["completion"]["missing"] == []
    listed = get_json(client, "/api/v1/cases?limit=500")["data"]
    assert next(c for c in listed if c["slug"] == COMPLETED)["disclosure"] == case["disclosure"]


def test_the_demo_leaves_every_case_scored(app, client):
    """Loaded through the services, every demo case has its scores stored, as the API computes them."""
    with app.app_context():
        stored = {slug: scores for slug, scores in db.session.execute(select(Case.slug, Case.disclosure))}
    assert stored and all(list(scores) == STAGES for scores in stored.values())
    case = get_json(client, f"/api/v1/cases/{COMPLETED}")
    assert stored[COMPLETED] == {code: stage["percent"] for code, stage in case["disclosure"].items()}


def test_the_oc4ids_record_publishes_every_stage_and_validates(client, monkeypatch, tmp_path):
    record = get_json(client, f"/api/v1/cases/{COMPLETED}/oc4ids")
    assert _problems(record, "project") == []
    assert _codelist_problems(record) == []
    budget = record["budget"]
    assert budget["approvalDate"] == "2009-12-25T00:00:00+08:00"
    [breakdown] = budget["budgetBreakdowns"]
    lines = breakdown["budgetBreakdown"]
    assert [(line["description"], line["amount"]["amount"]) for line in lines] == [
        ("臺北市政府自籌", 5_600_000_000), ("文化部補助", 1_100_000_000)]
    parties = {party["id"]: party for party in record["parties"]}
    for line in lines:
        assert parties[line["sourceParty"]["id"]]["roles"] == ["funder"]
    documents = {d["documentType"]: d for d in record["documents"] if "documentType" in d}
    assert documents["environmentalImpact"]["description"].startswith("基地緊鄰士林夜市")
    assert documents["landAndSettlementImpact"]["description"].startswith("基地為市有地")
    completion = record["completion"]
    assert completion["endDate"] == "2022-08-07T00:00:00+08:00"
    assert completion["finalValue"] == {"amount": 6_520_000_000, "currency": "TWD"}
    assert completion["finalScope"] and completion["finalValueDetails"] == completion["endDateDetails"]
    [process] = record["contractingProcesses"]
    summary = process["summary"]
    assert summary["contractPeriod"] == {"startDate": "2012-11-01T00:00:00+08:00",
                                         "endDate": "2017-12-31T00:00:00+08:00"}
    assert summary["description"].startswith("三座劇場")
    value, duration = summary["modifications"]
    assert value["type"] == "value" and value["rationale"]
    assert (value["oldContractValue"]["amount"], value["newContractValue"]["amount"]) == (4_300_000_000,
                                                                                        4_950_000_000)
    assert duration["type"] == "duration" and "oldContractValue" not in duration
    assert duration["oldContractPeriod"]["endDate"] == "2017-12-31T00:00:00+08:00"
    assert duration["newContractPeriod"] == {"startDate": "2012-11-01T00:00:00+08:00",
                                             "endDate": "2021-06-30T00:00:00+08:00"}
    # The package holds the same record, and the official validator finds nothing to say.
    assert_package_holds(client, record, monkeypatch, tmp_path)


def test_a_tendered_contracts_variations_go_with_its_tender(client):
    """The MRT's civil contract was awarded under a tender the case names: its period, scope and
    variations are the tender's process's; its price rises about 12 per cent, its end moves later."""
    record = get_json(client, f"/api/v1/cases/{DEMO_CASE}/oc4ids")
    assert _problems(record, "project") == []
    tendered = next(p for p in record["contractingProcesses"] if p["id"].startswith("tender-"))["summary"]
    value, duration = tendered["modifications"]
    assert (value["oldContractValue"]["amount"], value["newContractValue"]["amount"]) == (18_600_000_000,
                                                                                        20_832_000_000)
    assert duration["newContractPeriod"]["endDate"] == "2027-03-07T00:00:00+08:00"
    assert tendered["contractPeriod"]["startDate"] == "2016-04-15T00:00:00+08:00"
    other = next(p for p in record["contractingProcesses"] if p["id"].startswith("contract-"))["summary"]
    assert "modifications" not in other and other["contractPeriod"]["endDate"] == "2028-12-31T00:00:00+08:00"
    assert {line["description"] for line in record["budget"]["budgetBreakdowns"][0]["budgetBreakdown"]} == {
        "中央補助", "臺北市政府自籌", "新北市政府分擔"}


def test_a_due_stage_names_what_it_is_missing(client):
    """Every stage lists its missing data points by key: as many as it lacks while due, none while not."""
    listed = get_json(client, "/api/v1/cases?limit=500")["data"]
    keys = {stage.code: {point.key for point in stage.points} for stage in disclosure.STAGES}
    lacking = 0
    for case in listed:
        for code, stage in case["disclosure"].items():
            expected = stage["total"] - stage["filled"] if stage["due"] else 0
            assert len(stage["missing"]) == expected and set(stage["missing"]) <= keys[code]
            lacking += expected
    assert lacking  # the demo has cases with gaps, so the check above saw some
