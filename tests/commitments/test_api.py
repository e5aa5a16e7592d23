"""GET /api/v1/commitments: each commitment with its measure, its targets by year with the value the
data shows and whether it was met, the current year, and its milestones."""

from __future__ import annotations

from datetime import date, datetime

import time_machine

from civic.core.time import TAIPEI
from tests.commitments.conftest import PLAN, add_milestone, create_commitment, feature, published, set_targets


def test_the_api_gives_targets_progress_and_milestones(app, client, staff, admin):
    set_targets(app, admin, y2025=3, y2026=4)
    add_milestone(app, admin, "公布遴選原則", date(2025, 6, 30), done_on=date(2025, 6, 16), title_en="Criteria")
    with time_machine.travel(datetime(2025, 5, 1, tzinfo=TAIPEI), tick=False):
        for slug in ("case-a", "case-b", "case-c"):
            published(app, staff, admin, slug)
            feature(app, admin, slug)
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=TAIPEI), tick=False):
        response = client.get("/api/v1/commitments")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*" and response.headers["ETag"]
    [plan] = response.get_json()["data"]
    assert plan == {
        "code": PLAN,
        "title": "機關採購廉政平臺優良案例",
        "title_en": "Best-practice integrity platforms for public procurement",
        "description": plan["description"],
        "description_en": plan["description_en"],
        "measure": "best_practice_cases",
        "unit": "count",
        "targets": [{"year": 2025, "target": 3, "actual": 3, "met": True},
                    {"year": 2026, "target": 4, "actual": 0, "met": False}],
        "current": {"year": 2026, "target": 4, "actual": 0, "met": False},
        "milestones": [{"title": "公布遴選原則", "title_en": "Criteria", "due_on": "2025-06-30",
                        "done_on": "2025-06-16", "is_done": True}],
    }
    assert "開放政府國家行動方案" in plan["description"]


def test_a_year_without_a_target_and_a_share_without_data_are_null(app, client, admin):
    create_commitment(app, admin, "answer-on-time", "answered_on_time_share")
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=TAIPEI), tick=False):
        data = client.get("/api/v1/commitments").get_json()["data"]
    by_code = {item["code"]: item for item in data}
    assert list(by_code) == [PLAN, "answer-on-time"]
    assert by_code["answer-on-time"]["unit"] == "percent"
    assert by_code["answer-on-time"]["targets"] == []
    assert by_code["answer-on-time"]["current"] == {"year": 2026, "target": None, "actual": None, "met": None}
    assert by_code[PLAN]["current"] == {"year": 2026, "target": None, "actual": 0, "met": None}


def test_the_api_refuses_unknown_parameters(client):
    response = client.get("/api/v1/commitments?year=2026")
    assert response.status_code == 400 and response.get_json()["error"]


def test_the_document_describes_the_answer(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/commitments"]["get"]
    assert operation["tags"] == ["commitments"]
    schemas = document["components"]["schemas"]
    assert set(schemas["Commitment"]["properties"]) == {
        "code", "title", "title_en", "description", "description_en", "measure", "unit", "targets", "current",
        "milestones"}
    assert schemas["CommitmentYear"]["properties"]["met"]["type"] == ["boolean", "null"]
