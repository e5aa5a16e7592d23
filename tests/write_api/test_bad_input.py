"""Bad input to the write API is refused with a 4xx in JSON, and changes nothing: not the case, not its
record, not the trail, and no idempotency key is kept."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from civic.api import writing
from civic.cases import queries as case_queries
from civic.cases.models import HistoryEntry
from civic.core.audit import AuditEntry
from civic.extensions import db
from civic.integrations.models import ApiIdempotencyKey


def snapshot(app, slug: str) -> tuple:
    with app.app_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        counts = tuple(db.session.scalar(select(func.count()).select_from(model))
                       for model in (HistoryEntry, AuditEntry, ApiIdempotencyKey))
        return (case.updated_at, case.title_en, case.budget_ntd, len(case.milestones), len(case.meetings), *counts)


JSON = {"Content-Type": "application/json"}
# (what is sent to POST .../milestones, the status, the error code, the fields named)
BAD_POSTS = [
    (b"{not json", JSON, 400, "bad_json", None),
    (b'{"title_zh": "\\u0000"}', JSON, 400, "bad_json", None),
    ("{\"title_zh\": \"動工\0\"}".encode(), JSON, 400, "bad_json", None),
    ('{"title_zh": "動工"}'.encode("utf-16"), JSON, 400, "bad_json", None),
    ('{"title_zh": "動工"}'.encode("utf-16-le"), JSON, 400, "bad_json", None),
    (b'{"title_zh": "\xff\xfe"}', JSON, 400, "bad_json", None),
    (b'{"title_zh": "\\ud800x"}', JSON, 400, "bad_json", None),
    (b'{"title_zh": "\\udfff"}', JSON, 400, "bad_json", None),
    (b'{"\\ud800": "x"}', JSON, 400, "bad_json", None),
    (b'{"title_zh": "x", "title_en": ["\\ud800"]}', JSON, 400, "bad_json", None),
    (b'{"title_zh": "x", "title_zh": "y"}', JSON, 400, "bad_json", None),
    (b'{"title_zh": "x", "planned_on": NaN}', JSON, 400, "bad_json", None),
    (b"[" * 100000 + b"]" * 100000, JSON, 400, "bad_json", None),
    (b'["title_zh"]', JSON, 422, "invalid", {"_body"}),
    (b'"just text"', JSON, 422, "invalid", {"_body"}),
    (b'{"title_zh": "x"}', {"Content-Type": "text/plain"}, 415, "unsupported_media_type", None),
    (b"title_zh=x", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", None),
    (json.dumps({"title_zh": ["動工"], "planned_on": 20270101}).encode(), JSON, 422, "invalid",
     {"title_zh", "planned_on"}),
    (json.dumps({"title_zh": "動工", "milestone_type": "party"}).encode(), JSON, 422, "invalid", {"milestone_type"}),
    (json.dumps({"title_zh": "動工", "actual_on": "2999-01-01"}).encode(), JSON, 422, "invalid", {"actual_on"}),
    (json.dumps({"title_zh": "動工", "planned_on": "2027-02-30"}).encode(), JSON, 422, "invalid", {"planned_on"}),
    (json.dumps({"title_zh": "動" * 201}).encode(), JSON, 422, "invalid", {"title_zh"}),
    (json.dumps({"title_zh": "動工\x07"}).encode(), JSON, 422, "invalid", {"title_zh"}),
    (json.dumps({"title_zh": "   "}).encode(), JSON, 422, "invalid", {"title_zh"}),
    (json.dumps({"title_en": "Ground broken"}).encode(), JSON, 422, "invalid", {"title_zh"}),
    (json.dumps({"title_zh": "動工", "id": 7}).encode(), JSON, 422, "invalid", {"id"}),
    (json.dumps({"title_zh": None}).encode(), JSON, 422, "invalid", {"title_zh"}),
    (b"", JSON, 422, "invalid", {"title_zh"}),
]


@pytest.mark.parametrize(("raw", "headers", "status", "code", "fields"), BAD_POSTS,
                         ids=[f"bad-post-{number}" for number in range(len(BAD_POSTS))])
def test_a_bad_body_is_refused_and_changes_nothing(app, staff_api, published_case, raw, headers, status, code, fields):
    before = snapshot(app, published_case)
    response = staff_api.post(f"/api/v1/cases/{published_case}/milestones", raw=raw, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["message"] and (code is None or error["code"] == code)
    if fields is not None:
        assert set(error["fields"]) == fields
    assert snapshot(app, published_case) == before


BAD_PATCHES = [
    {"budget_ntd": -1}, {"budget_ntd": 10**14}, {"budget_ntd": 1.5}, {"budget_ntd": True}, {"budget_ntd": "100"},
    {"latitude": 91, "reason": "x"}, {"latitude": 25.0, "reason": "座標"}, {"status": "finished", "reason": "x"},
    {"sector": "no-such-sector", "reason": "x"}, {"platform_established_on": "2999-01-01", "reason": "x"},
    {"title_zh": "", "reason": "x"}, {"county": "atlantis", "reason": "x"}, {"reason": "x" * 1001},
    {"completed_on": "2020-01-01", "reason": "狀態未完工"}, {"slug": "Not A Slug", "reason": "x"},
]


@pytest.mark.parametrize("change", BAD_PATCHES, ids=[f"bad-patch-{number}" for number in range(len(BAD_PATCHES))])
def test_a_change_the_rules_refuse_is_422_and_changes_nothing(app, staff_api, published_case, change):
    before = snapshot(app, published_case)
    response = staff_api.patch(f"/api/v1/cases/{published_case}", change)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"]
    assert snapshot(app, published_case) == before


@pytest.mark.parametrize("key", [None, "", "has space", "ü-non-ascii", "x" * 256, "tab\tinside"])
def test_a_post_without_a_good_idempotency_key_is_400_and_changes_nothing(app, staff_api, published_case, key):
    before = snapshot(app, published_case)
    headers = {} if key is None else {"Idempotency-Key": key}
    response = staff_api.client.post(f"/api/v1/cases/{published_case}/milestones", json={"title_zh": "動工"},
                                     headers={"Authorization": f"Bearer {staff_api.secret}", **headers})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_idempotency_key"
    assert snapshot(app, published_case) == before


def test_addresses_that_name_nothing_are_404(app, staff_api, published_case):
    for path in (f"/api/v1/cases/{published_case}/milestones/0", f"/api/v1/cases/{published_case}/milestones/x",
                 f"/api/v1/cases/{published_case}/milestones/99999999999", "/api/v1/cases/NO_SLUG"):
        assert staff_api.patch(path, {"reason": "x"}).status_code == 404, path
    assert staff_api.post(f"/api/v1/cases/{published_case}/gadgets", {}).status_code == 404
    assert staff_api.call("PUT", f"/api/v1/cases/{published_case}", {}).status_code == 405


def test_a_surrogate_pair_escaped_in_json_is_one_character_and_taken(app, staff_api, published_case):
    response = staff_api.post(f"/api/v1/cases/{published_case}/milestones", raw=b'{"title_zh": "\\ud83d\\ude00"}')
    assert response.status_code == 201, response.get_json()
    assert "\U0001f600" in response.get_data(as_text=True)


def test_a_statement_that_is_not_an_object_is_refused_in_the_request_s_language(app, staff_api, published_case):
    staff_api.lang = "zh-TW"
    response = staff_api.post(f"/api/v1/cases/{published_case}/meetings", {
        "held_on": "2024-03-01", "title": "第1次會議", "statements": [None, "王○○：報告進度"]})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert fields == {"statements.0": ["這個欄位不能是 null。"], "statements.1": ["請傳送 JSON 物件。"]}


def test_a_field_named_twice_deep_in_the_body_is_refused(app, staff_api, published_case):
    before = snapshot(app, published_case)
    response = staff_api.post(f"/api/v1/cases/{published_case}/meetings", raw=(
        b'{"held_on": "2024-03-01", "title": "x", "statements": [{"speaker": "a", "content": "b", "speaker": "c"}]}'))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_json"
    assert "twice" in response.get_json()["error"]["message"]
    assert snapshot(app, published_case) == before


def test_a_refusal_naming_text_that_is_not_unicode_is_still_sent(app):
    with app.test_request_context("/api/v1/me"):
        response = writing.refuse(writing.Refused(422, "invalid", "x", {"\ud800": ["y"]}))
    assert response.status_code == 422
    assert json.loads(response.get_data()) == {"error": {"code": "invalid", "message": "x",
                                                         "fields": {"\ud800": ["y"]}}}
