"""What the write API changes, and how: through the staff forms' services, into the case's public
record with the reason, answered in the read API's own serialization, with the token named in the
audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civic.cases import queries as case_queries
from civic.core.audit import AuditEntry
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback.models import Feedback
from civic.notifications.models import OutboxMessage
from civic.workshops.models import Workshop
from tests.cases import factories
from tests.support import post_form, signed_in
from tests.write_api.conftest import Api, hold_workshop, make_token, open_item

# Each kind of part: a body to add one, a change to make to it, and a field of the answer showing it.
PARTS = {
    "members": ({"name": "林○○", "organisation": "法務部廉政署", "role": "integrity_unit"},
                {"organisation": "廉政署北部地區調查組"}, ("organisation", "廉政署北部地區調查組")),
    "meetings": ({"held_on": "2024-03-01", "title": "第1次會議", "attendees": ["王○○, 捷運局"],
                  "statements": [{"speaker": "王○○", "content": "報告進度"}], "decisions": ["每季公開會議紀錄"]},
                 {"decisions": ["每月公開會議紀錄"]}, ("decisions", ["每月公開會議紀錄"])),
    "risks": ({"stage": "tendering", "risk": "投標家數過少"}, {"status": "mitigating"}, ("status", "mitigating")),
    "milestones": ({"title_zh": "動工", "planned_on": "2025-01-01"}, {"title_en": "Ground broken"},
                   ("title_en", "Ground broken")),
    "documents": ({"title": "可行性研究", "url": "https://example.gov.tw/a.pdf"}, {"document_type": "feasibilityStudy"},
                  ("document_type", "feasibilityStudy")),
    "contracts": ({"title": "CQ850 標", "ubn": "90000006", "company_name": "示範營造", "award_value_ntd": 1000000},
                  {"award_value_ntd": 1200000}, ("award_value_ntd", 1200000)),
    "tenders": ({"unit_id": "3.76.47", "job_number": "CQ850-2026"}, {"job_number": "CQ850-2026A"},
                ("job_number", "CQ850-2026A")),
    "funding": ({"source": "中央補助", "amount_ntd": 5000000}, {"amount_ntd": 6000000}, ("amount_ntd", 6000000)),
}


def record(app, slug: str) -> list[dict]:
    return app.test_client().get(f"/api/v1/cases/{slug}/history?limit=500").get_json()["data"]


@pytest.mark.parametrize("kind", list(PARTS))
def test_each_kind_of_part_is_added_changed_and_removed_with_its_reasons_on_record(app, staff_api, published_case,
                                                                                   kind):
    new, change, (field, value) = PARTS[kind]
    base = f"/api/v1/cases/{published_case}/{kind}"
    made = staff_api.post(base, new)
    assert made.status_code == 201, made.get_json()
    part_id = made.get_json()["id"]
    assert made.headers["Location"] == f"http://localhost{base}/{part_id}"
    unexplained = staff_api.patch(f"{base}/{part_id}", change)
    assert unexplained.status_code == 422 and "reason" in unexplained.get_json()["error"]["fields"]
    changed = staff_api.patch(f"{base}/{part_id}", {**change, "reason": "依會議決議修正"})
    assert changed.status_code == 200 and changed.get_json()[field] == value
    assert staff_api.delete(f"{base}/{part_id}").status_code == 422
    removed = staff_api.delete(f"{base}/{part_id}", {"reason": "重複登錄"})
    assert removed.status_code == 204 and removed.data == b""
    assert staff_api.patch(f"{base}/{part_id}", {**change, "reason": "x"}).status_code == 404
    entries = [entry for entry in record(app, published_case)
               if entry["part"] == {"kind": "funding" if kind == "funding" else kind.removesuffix("s"), "id": part_id}]
    assert [(entry["action"], entry["reason"]) for entry in entries] == [
        ("created", ""), ("updated", "依會議決議修正"), ("deleted", "重複登錄")]
    assert entries[1]["after"][field] == value


def test_a_variation_names_one_of_the_case_s_contracts(app, staff_api, published_case):
    base = f"/api/v1/cases/{published_case}"
    contract = staff_api.post(f"{base}/contracts", {"title": "CQ850 標", "ubn": "90000006", "company_name": "示範營造",
                                                    "award_value_ntd": 1000000, "awarded_on": "2024-01-02"}).get_json()
    wrong = staff_api.post(f"{base}/variations", {"contract_id": contract["id"] + 1000, "kind": "scope",
                                                  "approved_on": "2024-02-01", "description": "增加站體",
                                                  "rationale": "配合都市計畫"})
    # The rule's refusal names the body's field, contract_id, not the form's.
    assert wrong.status_code == 422 and list(wrong.get_json()["error"]["fields"]) == ["contract_id"]
    made = staff_api.post(f"{base}/variations", {"contract_id": contract["id"], "kind": "value",
                                                 "approved_on": "2024-02-01", "new_value_ntd": 1100000,
                                                 "rationale": "地質改良"})
    assert made.status_code == 201 and made.get_json()["new_value_ntd"] == 1100000
    case = app.test_client().get(f"/api/v1/cases/{published_case}").get_json()
    assert case["variations"][0]["id"] == made.get_json()["id"]


def test_a_case_change_answers_as_the_read_api_shows_the_case_and_is_on_record(app, staff, staff_api,
                                                                              published_case):
    response = staff_api.patch(f"/api/v1/cases/{published_case}", {
        "title_en": "Taipei MRT Wanda Line, phase 1", "budget_ntd": 47000000000, "latitude": 25.033,
        "longitude": 121.5, "reason": "依112年度修正計畫更新"})
    assert response.status_code == 200
    assert response.get_json() == app.test_client().get(f"/api/v1/cases/{published_case}").get_json()
    [entry] = [entry for entry in record(app, published_case) if entry["reason"] == "依112年度修正計畫更新"]
    assert entry["after"]["budget_ntd"] == 47000000000 and entry["after"]["latitude"] == "25.033000"
    assert entry["actor"] == {"role": "staff", "agency": "A00000001"}
    with app.app_context():
        trail = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.updated")).all()
        prefix = staff_api.secret[:8]
        assert trail and all(row.details["api_token"] == prefix for row in trail)
        assert staff_api.secret not in str([row.details for row in db.session.scalars(select(AuditEntry))])


def test_a_change_through_the_form_is_not_marked_as_the_api_s(app, staff, published_case):
    factories.fill_parts(app, staff, published_case)
    with app.app_context():
        assert all("api_token" not in row.details for row in db.session.scalars(select(AuditEntry)))


def test_an_application_not_yet_published_changes_without_a_reason(app, staff_api, application):
    response = staff_api.patch(f"/api/v1/cases/{application}", {"summary_zh": "新水庫的整體規劃。"})
    assert response.status_code == 200 and response.get_json()["summary"] == "新水庫的整體規劃。"
    other = Api(app.test_client(), staff_api.secret).patch("/api/v1/cases/no-such-case", {"title_en": "x"})
    assert other.status_code == 404


def test_a_published_case_keeps_its_address_and_another_case_s_is_taken(app, staff, staff_api, published_case):
    kept = staff_api.patch(f"/api/v1/cases/{published_case}", {"slug": "another-address", "reason": "改網址"})
    assert kept.status_code == 422 and "slug" in kept.get_json()["error"]["fields"]
    factories.apply(app, staff, slug="second-case")
    clash = staff_api.patch("/api/v1/cases/second-case", {"slug": published_case})
    assert clash.status_code == 409


def test_an_answer_is_published_once_and_told_to_the_author(app, citizen, staff_api, published_case):
    number = open_item(app, citizen, published_case)
    response = staff_api.post(f"/api/v1/feedback/{number}/answer",
                              {"body": "本局已公開分包商名冊。", "unit": "工程管理科"})
    assert response.status_code == 200
    item = response.get_json()
    assert item["status"] == "answered" and item["response"]["unit"] == "工程管理科"
    assert "answered" in [event["kind"] for event in item["history"]]
    assert item == app.test_client().get(f"/api/v1/feedback/{number}").get_json()
    again = staff_api.post(f"/api/v1/feedback/{number}/answer", {"body": "再回覆一次"})
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.to_address == citizen.email)) >= 1
        assert db.session.scalar(select(Feedback.status).where(Feedback.tracking_number == number)) == "answered"


def test_another_agency_s_item_is_not_found_and_an_administrator_may_not_answer(app, citizen, other_agency_staff,
                                                                                 admin_api, published_case):
    number = open_item(app, citizen, published_case)
    other = Api(app.test_client(), make_token(app, other_agency_staff))
    assert other.post(f"/api/v1/feedback/{number}/answer", {"body": "代答"}).status_code == 404
    assert admin_api.post(f"/api/v1/feedback/{number}/answer", {"body": "代答"}).status_code == 403
    assert other.post("/api/v1/feedback/F-0000-0000/answer", {"body": "代答"}).status_code == 404


def test_workshops_are_held_changed_and_cancelled(app, staff_api, published_case):
    start = (utcnow() + timedelta(days=14)).replace(microsecond=0)
    made = staff_api.post("/api/v1/workshops", {
        "title": "萬大線說明會", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 30, "location": "區公所", "case": published_case, "questions": ["您住在哪一里？", " "]})
    assert made.status_code == 201, made.get_json()
    workshop = made.get_json()
    assert workshop["case"] == published_case and workshop["seats_left"] == 30
    assert made.headers["Location"] == f"http://localhost/api/v1/workshops/{workshop['id']}"
    assert workshop == app.test_client().get(f"/api/v1/workshops/{workshop['id']}").get_json()
    changed = staff_api.patch(f"/api/v1/workshops/{workshop['id']}", {"capacity": 50, "case": None})
    assert changed.status_code == 200 and (changed.get_json()["capacity"], changed.get_json()["case"]) == (50, None)
    past = staff_api.patch(f"/api/v1/workshops/{workshop['id']}", {"starts_at": "2020-01-01T10:00:00+08:00"})
    assert past.status_code == 422 and "starts_at" in past.get_json()["error"]["fields"]
    unexplained = staff_api.post(f"/api/v1/workshops/{workshop['id']}/cancel", {})
    assert unexplained.status_code == 422 and "reason" in unexplained.get_json()["error"]["fields"]
    cancelled = staff_api.post(f"/api/v1/workshops/{workshop['id']}/cancel", {"reason": "颱風停班"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert staff_api.post(f"/api/v1/workshops/{workshop['id']}/cancel", {"reason": "再取消"}).status_code == 409
    assert staff_api.patch(f"/api/v1/workshops/{workshop['id']}", {"capacity": 60}).status_code == 409
    with app.app_context():
        actions = [row.action for row in db.session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "workshop").order_by(AuditEntry.id))]
        assert actions == ["workshop.created", "workshop.updated", "workshop.cancelled"]


def test_another_agency_s_workshop_is_forbidden_and_a_missing_one_not_found(app, staff, other_agency_staff,
                                                                           admin_api):
    workshop_id = hold_workshop(app, staff)
    other = Api(app.test_client(), make_token(app, other_agency_staff))
    assert other.patch(f"/api/v1/workshops/{workshop_id}", {"capacity": 5}).status_code == 403
    assert other.post(f"/api/v1/workshops/{workshop_id}/cancel", {"reason": "x"}).status_code == 403
    assert other.patch("/api/v1/workshops/999999", {"capacity": 5}).status_code == 404
    assert other.patch("/api/v1/workshops/abc", {"capacity": 5}).status_code == 404
    assert admin_api.patch(f"/api/v1/workshops/{workshop_id}", {"capacity": 5}).status_code == 403
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).capacity == 30


def test_a_case_s_own_parts_only(app, staff, staff_api, published_case):
    factories.apply(app, staff, slug="second-case")
    made = staff_api.post("/api/v1/cases/second-case/milestones", {"title_zh": "動工"}).get_json()
    elsewhere = staff_api.patch(f"/api/v1/cases/{published_case}/milestones/{made['id']}",
                                {"title_en": "x", "reason": "x"})
    assert elsewhere.status_code == 404
    with app.app_context():
        assert case_queries.get_case_with_parts(db.session, "second-case").milestones[0].title_en == ""


def test_an_application_is_not_found_by_another_agency_as_on_its_pages(app, other_agency_staff, application):
    browser = signed_in(app, other_agency_staff)
    by_form = post_form(browser, f"/manage/cases/{application}/edit", {"title_zh": "竄改"}, form_page="/account")
    by_api = Api(app.test_client(), make_token(app, other_agency_staff)).patch(f"/api/v1/cases/{application}",
                                                                               {"title_zh": "竄改"})
    assert by_form.status_code == by_api.status_code == 404
