"""Single objects, conditional GET, CORS and the rate limit."""

from __future__ import annotations

from sqlalchemy import select

from civic.accounts.models import User
from civic.api import serializers
from civic.cases import services as cases
from civic.extensions import db
from tests.api.conftest import DEMO_AGENCY, DEMO_CASE, get_json, walk
from tests.cases.factories import case_input


def _fields(schema) -> set[str]:
    return set(schema().fields)


def _apply(app, slug: str) -> None:
    """An application that the authority has not decided: not public."""
    with app.test_request_context():
        staff = db.session.scalar(select(User).where(User.email == "staff.mrt@demo.civic.tw"))
        cases.submit_application(db.session, cases.ApplicationInput(case=case_input(slug), reason="內部理由"),
                                 actor=staff)
        db.session.commit()


def test_a_case_carries_exactly_its_public_fields(client):
    case = get_json(client, f"/api/v1/cases/{DEMO_CASE}")
    assert set(case) == _fields(serializers.CaseSchema)
    assert {"slug", "title", "title_en", "agency", "status", "updated_at"} <= set(case)
    assert case["agency"] == DEMO_AGENCY and case["title"].startswith("臺北捷運")
    assert case["members"] and case["meetings"][0]["decisions"] and case["risks"] and case["milestones"]
    supplier = case["contracts"][0]["supplier"]
    assert set(supplier) == {"ubn", "name"} and len(supplier["ubn"]) == 8
    assert case["updated_at"].endswith("+08:00")
    assert case["url"].endswith(f"/cases/{DEMO_CASE}")
    assert get_json(client, case["oc4ids_url"])["id"].endswith(DEMO_CASE)


def test_unpublished_cases_are_nowhere(app, client):
    _apply(app, "secret-application")
    for path in ("/api/v1/cases/secret-application", "/api/v1/cases/secret-application/oc4ids",
                 "/api/v1/comments?case=secret-application"):
        assert get_json(client, path, 404)["error"]["code"] == "not_found"
    assert client.get("/feeds/cases/secret-application.atom").status_code == 404
    assert "secret-application" not in {case["slug"] for case in walk(client, "/api/v1/cases?limit=500")}
    assert "secret-application" not in client.get("/api/v1/export/cases.csv").get_data(as_text=True)
    assert "secret-application" not in client.get("/api/v1/oc4ids.json").get_data(as_text=True)


def test_unknown_and_malformed_identifiers_answer_404(client):
    for path in ("/api/v1/cases/no-such-case", "/api/v1/cases/Bad_Slug!", "/api/v1/agencies/ZZZ/stats",
                 "/api/v1/agencies/bad%20code/stats", "/api/v1/feedback/F-0000-0000", "/api/v1/feedback/nonsense"):
        assert get_json(client, path, 404)["error"]["code"] == "not_found"


def test_an_agency_shows_its_accountability_figures(client):
    agencies = walk(client, "/api/v1/agencies?limit=500")
    assert all(set(agency) == _fields(serializers.AgencySchema) for agency in agencies)
    stats = get_json(client, f"/api/v1/agencies/{DEMO_AGENCY}/stats")
    assert set(stats) == _fields(serializers.AgencyStatsSchema)
    assert stats["agency"] == DEMO_AGENCY and stats["cases"] >= 1
    assert stats["received"] >= stats["answered"] >= stats["answered_on_time"]
    assert len(stats["months"]) == 12 and sum(m["received"] for m in stats["months"]) <= stats["received"]


def test_a_feedback_item_shows_its_status_and_public_history_only(client, seeded):
    item = get_json(client, f"/api/v1/feedback/{seeded.tracking_number}")
    assert set(item) == _fields(serializers.FeedbackSchema)
    assert item["status"] == "in_progress" and item["case"] == DEMO_CASE and item["response"] is None
    # Staff's first action acknowledges the item (受理) before it changes its status.
    assert [event["kind"] for event in item["history"]] == ["received", "acknowledged", "status_changed"]
    assert item["acknowledged_at"] is not None and item["acknowledge_by"] is not None
    assert item["history"][2]["status"] == "in_progress"
    assert item["comment"]["state"] == "visible" and item["comment"]["author"]
    lower = seeded.tracking_number.lower().replace("-", " ")
    assert get_json(client, f"/api/v1/feedback/{lower}")["tracking_number"] == seeded.tracking_number


def test_hidden_and_deleted_comments_are_tombstones(client, seeded):
    comments = {comment["id"]: comment for comment in walk(client, f"/api/v1/comments?case={DEMO_CASE}")}
    hidden, deleted = comments[seeded.hidden_comment_id], comments[seeded.deleted_comment_id]
    assert (hidden["state"], hidden["body_html"], hidden["author"], hidden["hidden_reason"]) == (
        "hidden", None, None, "personal_data")
    assert (deleted["state"], deleted["body_html"], deleted["author"]) == ("deleted", None, None)
    assert deleted["feedback"]["status"] == "closed"


def test_unchanged_answers_come_back_as_304(app, client):
    for path in (f"/api/v1/cases/{DEMO_CASE}", "/api/v1/cases?limit=3", "/api/v1/comments", "/api/v1/agencies",
                 f"/api/v1/agencies/{DEMO_AGENCY}/stats", "/api/v1/openapi.json", "/feeds/cases.atom"):
        first = client.get(path)
        etag = first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b"", path
        assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    before = client.get(f"/api/v1/cases/{DEMO_CASE}").headers["ETag"]
    with app.test_request_context():
        from civic.cases.queries import get_case_with_parts

        case = get_case_with_parts(db.session, DEMO_CASE)
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.civic.tw"))
        cases.update_case(db.session, case, case_input(DEMO_CASE, title_zh="改名", sector_code="rail"), actor=admin,
                          reason="更正名稱")
        db.session.commit()
    changed = client.get(f"/api/v1/cases/{DEMO_CASE}", headers={"If-None-Match": before})
    assert changed.status_code == 200 and changed.headers["ETag"] != before


def test_any_site_may_read_the_api_and_the_feeds(client):
    for path, status in (("/api/v1/cases?limit=1", 200), ("/feeds/cases.atom", 200), ("/api/v1/cases/nope", 404),
                         ("/api/v1/cases?limit=0", 400), ("/api/v1/no-such-address", 404)):
        response = client.get(path, headers={"Origin": "https://bot.example.org"})
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/cases", headers={"Origin": "https://bot.example.org",
                                                         "Access-Control-Request-Method": "GET",
                                                         "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in client.get("/cases").headers


def test_each_client_is_limited_and_told_when_to_come_back(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.get("/api/v1/agencies?limit=1").status_code == 200
    refused = client.get("/api/v1/agencies?limit=1")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    other = app.test_client()
    assert other.get("/api/v1/agencies?limit=1", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
