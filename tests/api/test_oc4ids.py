"""OC4IDS: every demo case, alone and in the streamed package, validates against the official schema
(the copy in tests/api/oc4ids_schema, offline), strictly, with the open codelists checked too; and the
official validator, libcoveoc4ids, finds neither an error nor a warning in the package.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from civic.api.oc4ids import PREFIX
from tests.api.conftest import DEMO_CASE, get_json, walk

# OC4IDS 0.9.5, kept with the tests (see its README): the check runs on every clone, offline.
STANDARD = Path(__file__).resolve().parent / "oc4ids_schema"
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
        for reference in (process["summary"]["tender"]["procuringEntity"], *process["summary"].get("suppliers", []),
                          *process["summary"]["tender"].get("tenderers", []))]
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


# libcoveoc4ids fetches the schemas and codelists from the standard's site: answer from the copy.
SCHEMA_SITE = ("http://standard.open-contracting.org/infrastructure/schema/0__9__5/",
               "https://standard.open-contracting.org/infrastructure/schema/0__9__5/")
CODELISTS_SITE = "https://raw.githubusercontent.com/open-contracting/infrastructure/0.9/schema/project-level/codelists/"


def _from_the_copy(url: str, *args: Any, **kwargs: Any) -> requests.Response:
    if url.startswith(CODELISTS_SITE):
        path = STANDARD / "codelists" / url.removeprefix(CODELISTS_SITE)
    elif url.startswith(SCHEMA_SITE):
        path = STANDARD / url.rsplit("/", 1)[-1]
    else:
        raise requests.ConnectionError(f"the tests are offline: {url}")
    response = requests.Response()
    response.status_code, response.url, response.encoding = 200, url, "utf-8"
    response.raw = io.BytesIO(path.read_bytes())
    return response


def _cove_findings(package: dict, tmp_path: Path) -> dict[str, Any]:
    """What libcoveoc4ids reports about ``package``, by kind; an empty kind is left out."""
    from libcoveoc4ids.api import oc4ids_json_output

    report = oc4ids_json_output(str(tmp_path), json_data=package)
    kinds = ["validation_errors", "conformance_checks", "additional_closed_codelist_values",  # errors
             "additional_checks", "additional_open_codelist_values", "additional_fields",  # warnings
             "deprecated_fields", "structure_warnings"]
    return {kind: report[kind] for kind in kinds if report.get(kind)}


def assert_package_holds(client, record: dict, monkeypatch, tmp_path: Path) -> None:
    """The package holds ``record`` as the project's own address serves it, the schema accepts the
    package, and the official validator finds nothing to say."""
    package = json.loads(client.get("/api/v1/oc4ids.json").get_data(as_text=True))
    assert _problems(package, "package") == []
    assert next(p for p in package["projects"] if p["id"] == record["id"]) == record
    pytest.importorskip("libcoveoc4ids", reason="libcoveoc4ids (the test extra) is not installed")
    monkeypatch.setattr(requests, "get", _from_the_copy)
    assert _cove_findings(package, tmp_path) == {}


def test_the_official_validator_finds_no_error_and_no_warning_in_the_package(client, monkeypatch, tmp_path):
    pytest.importorskip("libcoveoc4ids", reason="libcoveoc4ids (the test extra) is not installed")
    monkeypatch.setattr(requests, "get", _from_the_copy)
    package = json.loads(client.get("/api/v1/oc4ids.json").get_data(as_text=True))
    assert len(package["projects"]) >= 15
    assert _cove_findings(package, tmp_path) == {}
    # The validator does look: a broken copy is reported.
    broken = json.loads(json.dumps(package))
    broken["projects"][0]["status"] = "ongoing"
    broken["projects"][0]["title"] = ""
    broken["projects"][0]["titel"] = "typo"
    findings = _cove_findings(broken, tmp_path)
    assert {"validation_errors", "additional_checks", "additional_fields"} <= findings.keys(), findings
