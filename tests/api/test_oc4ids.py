"""OC4IDS: every demo case, alone and in the streamed package, validates against the official schema
(the local copy in shared/standards/oc4ids, offline), strictly, with the open codelists checked too.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from civic.api.oc4ids import PREFIX
from tests.api.conftest import DEMO_CASE, get_json, walk

STANDARD = Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "oc4ids"
if not STANDARD.exists():
    # CI checks out the project with shared/ beside it; a bare clone elsewhere has no schema.
    pytest.skip("the OC4IDS schema (../shared/standards/oc4ids) is not beside this checkout",
                allow_module_level=True)
# Open codelists are not enforced by the schema: field name -> codelist file.
OPEN_CODELISTS = {"sector": "projectSector.csv", "roles": "partyRole.csv", "documentType": "documentType.csv",
                  "type": "milestoneType.csv"}


def _strict(schema: Any) -> Any:
    """No property outside the schema, as upstream's own example test checks: catches misspelt fields."""
    if isinstance(schema, dict):
        schema = {key: _strict(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [_strict(value) for value in schema]
    return schema


@cache
def _schemas() -> tuple[dict, dict]:
    project = json.loads((STANDARD / "project-schema.json").read_text(encoding="utf-8"))
    package = json.loads((STANDARD / "project-package-schema.json").read_text(encoding="utf-8"))
    return _strict(project), _strict(package)


@cache
def _validator(kind: str) -> Draft4Validator:
    project, package = _schemas()
    # The package schema refers to the project schema by its URL: serve it the local file instead.
    registry = Registry().with_resources([(schema["id"], Resource(schema, specification=DRAFT4))
                                          for schema in (project, package)])
    return Draft4Validator(project if kind == "project" else package, registry=registry,
                           format_checker=FormatChecker())


@cache
def _codes(filename: str) -> frozenset[str]:
    with (STANDARD / "codelists" / filename).open(encoding="utf-8") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


def _problems(document: Any, kind: str) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in _validator(kind).iter_errors(document)]


def _codelist_problems(record: dict[str, Any]) -> list[str]:
    problems = [f"sector {code}" for code in record.get("sector", []) if code not in _codes("projectSector.csv")]
    problems += [f"role {role}" for party in record.get("parties", []) for role in party["roles"]
                 if role not in _codes("partyRole.csv")]
    documents = record.get("documents", []) + [document for process in record.get("contractingProcesses", [])
                                               for document in process["summary"].get("documents", [])]
    problems += [f"document {d['documentType']}" for d in documents
                 if "documentType" in d and d["documentType"] not in _codes("documentType.csv")]
    problems += [f"milestone {m['type']}" for m in record.get("milestones", []) if m["type"] not in
                 _codes("milestoneType.csv")]
    party_ids = {party["id"] for party in record.get("parties", [])}
    references = [record["publicAuthority"]] + [
        reference for process in record.get("contractingProcesses", [])
        for reference in (process["summary"]["tender"]["procuringEntity"], *process["summary"]["suppliers"])]
    problems += [f"reference {ref['id']}" for ref in references if ref["id"] not in party_ids]
    return problems


def test_the_strict_schema_still_catches_mistakes():
    broken = {"id": "x", "status": "ongoing", "sector": [], "budget": {"amount": {"amount": 1, "currency": "NTD"}},
              "titel": "typo"}
    assert len(_problems(broken, "project")) == 4


def test_every_demo_case_is_a_valid_oc4ids_project(client):
    slugs = [case["slug"] for case in walk(client, "/api/v1/cases?limit=500")]
    assert len(slugs) >= 15
    for slug in slugs:
        record = get_json(client, f"/api/v1/cases/{slug}/oc4ids")
        assert record["id"] == PREFIX + slug
        assert _problems(record, "project") == [], slug
        assert _codelist_problems(record) == [], slug


def test_the_record_is_filled_from_the_structured_case(client):
    case = get_json(client, f"/api/v1/cases/{DEMO_CASE}")
    record = get_json(client, f"/api/v1/cases/{DEMO_CASE}/oc4ids")
    assert (record["title"], record["status"], record["type"]) == (case["title"], "implementation", "construction")
    assert record["sector"] == ["transport", "transport.rail"]
    assert record["budget"]["amount"] == {"amount": case["budget_ntd"], "currency": "TWD"}
    assert record["publicAuthority"]["id"] == f"agency-{case['agency']}"
    suppliers = [party for party in record["parties"] if "supplier" in party["roles"]]
    assert {party["identifier"]["id"] for party in suppliers} == {c["supplier"]["ubn"] for c in case["contracts"]}
    assert all(party["identifier"]["scheme"] == "TW-MOEA" for party in suppliers)
    assert record["locations"][0]["geometry"] == {"type": "Point",
                                                  "coordinates": [case["longitude"], case["latitude"]]}
    values = sorted(p["summary"]["contractValue"]["amount"] for p in record["contractingProcesses"])
    assert values == sorted(contract["award_value_ntd"] for contract in case["contracts"])
    minutes = [d for d in record["documents"] if d["documentType"] == "minutes"]
    assert len(minutes) == len(case["meetings"])
    assert case["meetings"][0]["decisions"][0] in "\n".join(d["description"] for d in minutes)
    risks = next(d for d in record["documents"] if d["documentType"] == "riskProvisions")
    assert case["risks"][0]["risk"] in risks["description"]
    assert len(record["milestones"]) == len(case["milestones"])


@pytest.mark.parametrize("lang", ["en", "zh_Hant_TW"])
def test_the_record_is_the_same_in_every_visitors_language(client, lang):
    record = get_json(client, f"/api/v1/cases/{DEMO_CASE}/oc4ids?lang={lang}")
    assert record == get_json(client, f"/api/v1/cases/{DEMO_CASE}/oc4ids")


def test_the_streamed_package_is_valid_and_holds_every_published_case(client):
    response = client.get("/api/v1/oc4ids.json")
    assert response.status_code == 200 and response.is_streamed
    package = json.loads(response.get_data(as_text=True))
    assert _problems(package, "package") == []
    ids = [project["id"] for project in package["projects"]]
    assert sorted(ids) == sorted(PREFIX + case["slug"] for case in walk(client, "/api/v1/cases?limit=500"))
    single = get_json(client, f"/api/v1/cases/{DEMO_CASE}/oc4ids")
    assert next(project for project in package["projects"] if project["id"] == single["id"]) == single
    assert package["version"] == "0.9"
