"""Lists: a bot mirrors everything with cursors, then only what changed; bad parameters are refused."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.cases import parts
from civic.cases import services as cases
from civic.cases.models import Case, ReviewState
from civic.cases.queries import get_case_with_parts
from civic.extensions import db
from civic.feedback import services as feedback
from civic.feedback.queries import get_feedback
from tests.api.conftest import DEMO_AGENCY, DEMO_CASE, get_json, walk
from tests.cases.factories import case_input


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _published_count() -> int:
    return db.session.scalar(select(func.count(Case.id)).where(Case.review_state == ReviewState.published))


def _new_published_case(app, slug: str) -> None:
    with app.test_request_context():
        staff = _user("staff.mrt@demo.civic.tw")
        case = cases.submit_application(db.session, cases.ApplicationInput(
            case=case_input(slug, title_zh=f"新案 {slug}"), reason="測試"), actor=staff)
        cases.approve_application(db.session, case, actor=_user("admin@demo.civic.tw"))
        db.session.commit()


def _since(value: str) -> str:
    return quote(value, safe="")


def test_a_bot_mirrors_every_case_with_cursors_then_only_the_changes(app, client):
    everything = walk(client, "/api/v1/cases?limit=4")
    slugs = [case["slug"] for case in everything]
    with app.app_context():
        assert len(slugs) == len(set(slugs)) == _published_count()
    stamps = [case["updated_at"] for case in everything]
    assert stamps == sorted(stamps)
    newest = stamps[-1]
    # updated_since is inclusive: the newest case comes again, nothing older does.
    latest = [slug for slug, stamp in zip(slugs, stamps, strict=True) if stamp == newest]
    assert [case["slug"] for case in walk(client, f"/api/v1/cases?updated_since={_since(newest)}")] == latest

    _new_published_case(app, "mirror-new-case")
    with app.test_request_context():
        old = get_case_with_parts(db.session, slugs[0])
        parts.add_meeting(old, parts.MeetingInput(held_on=date(2026, 1, 5), title="臨時會議",
                                                  decisions=["公開會議紀錄"]), actor=_user("admin@demo.civic.tw"))
        cases.update_case(db.session, old, case_input(old.slug, title_zh=old.title_zh + "（更新）",
                                                      sector_code=old.sector.code), actor=_user("admin@demo.civic.tw"),
                          reason="更正名稱")
        db.session.commit()
    changed = walk(client, f"/api/v1/cases?updated_since={_since(newest)}")
    assert [case["slug"] for case in changed] == [*latest, "mirror-new-case", slugs[0]]
    assert changed[-1]["title"].endswith("（更新）")
    assert "臨時會議" in [meeting["title"] for meeting in changed[-1]["meetings"]]


def test_a_walk_misses_nothing_and_repeats_nothing_when_cases_arrive_meanwhile(app, client):
    first = get_json(client, "/api/v1/cases?limit=3")
    _new_published_case(app, "arrived-during-walk")
    rest = walk(client, first["next"])
    slugs = [case["slug"] for case in first["data"] + rest]
    with app.app_context():
        assert len(slugs) == len(set(slugs)) == _published_count()
    assert slugs[-1] == "arrived-during-walk"


def test_a_new_meeting_alone_shows_up_in_updated_since(app, client):
    newest = walk(client, "/api/v1/cases?limit=500")[-1]
    with app.test_request_context():
        case = get_case_with_parts(db.session, DEMO_CASE)
        parts.add_meeting(case, parts.MeetingInput(held_on=date(2026, 2, 1), title="補充會議"),
                          actor=_user("admin@demo.civic.tw"))
        db.session.commit()
    changed = walk(client, f"/api/v1/cases?updated_since={_since(newest['updated_at'])}")
    assert DEMO_CASE in [case["slug"] for case in changed]


def test_a_bot_mirrors_comments_and_answers_then_only_the_changes(app, client, seeded):
    comments = walk(client, "/api/v1/comments?limit=2")
    ids = [comment["id"] for comment in comments]
    assert len(ids) == len(set(ids))
    by_id = {comment["id"]: comment for comment in comments}
    assert by_id[seeded.hidden_comment_id]["state"] == "hidden"
    assert by_id[seeded.deleted_comment_id]["state"] == "deleted"
    answered = [comment for comment in comments if comment["response"]]
    assert answered and all(comment["feedback"]["status"] == "answered" for comment in answered)
    newest = max(comment["updated_at"] for comment in comments)

    with app.test_request_context():
        item = get_feedback(db.session, seeded.tracking_number)
        feedback.publish_response(db.session, item, actor=_user("staff.mrt@demo.civic.tw"), body="已於網站公告。")
        case = get_case_with_parts(db.session, DEMO_CASE)
        new = feedback.submit_comment(db.session, case, feedback.CommentInput(body="請問何時完工？"),
                                      author=_user("citizen@demo.civic.tw"))
        new_id = new.id
        db.session.commit()
    changed = walk(client, f"/api/v1/comments?updated_since={_since(newest)}")
    by_id = {comment["id"]: comment for comment in changed}
    assert new_id in by_id
    answer = next(c for c in changed
                  if c.get("feedback") and c["feedback"]["tracking_number"] == seeded.tracking_number)
    assert answer["response"]["body_html"].strip() == "<p>已於網站公告。</p>"

    only_case = walk(client, f"/api/v1/comments?case={DEMO_CASE}")
    assert only_case and all(comment["case"] == DEMO_CASE for comment in only_case)


def test_agencies_are_listed_with_cursors(app, client):
    agencies = walk(client, "/api/v1/agencies?limit=5")
    codes = [agency["code"] for agency in agencies]
    assert len(codes) == len(set(codes)) and DEMO_AGENCY in codes
    railway = next(agency for agency in agencies if agency["code"] == "A61150000")
    assert railway["parent"] == "A61000000"


def test_filters_narrow_the_cases(client):
    by_agency = walk(client, f"/api/v1/cases?agency={DEMO_AGENCY}")
    assert by_agency and {case["agency"] for case in by_agency} == {DEMO_AGENCY}
    rail = walk(client, "/api/v1/cases?sector=rail&kind=works")
    assert rail and all(case["sector"]["code"] == "rail" and case["procurement_kind"] == "works" for case in rail)
    best = walk(client, "/api/v1/cases?best=true")
    assert best and all(case["is_best_practice"] for case in best)
    assert all(case["status"] == "completed" for case in walk(client, "/api/v1/cases?status=completed"))


@pytest.mark.parametrize(("query", "status", "code"), [
    ("limit=0", 400, "bad_parameter"),
    ("limit=501", 400, "bad_parameter"),
    ("limit=ten", 400, "bad_parameter"),
    ("cursor=not-a-cursor", 400, "bad_cursor"),
    ("updated_since=yesterday", 400, "bad_parameter"),
    ("updated_since=2024-13-01", 400, "bad_parameter"),
    ("status=finished", 400, "bad_parameter"),
    ("kind=weapons", 400, "bad_parameter"),
    ("best=perhaps", 400, "bad_parameter"),
    ("agency=not%20a%20code", 400, "bad_parameter"),
    ("agency=Z99999999", 404, "not_found"),
    ("sector=space", 404, "not_found"),
    ("colour=red", 400, "unknown_parameter"),
    ("limit=1&limit=2", 400, "bad_parameter"),
])
def test_bad_parameters_are_refused_with_a_json_error(client, query, status, code):
    body = get_json(client, f"/api/v1/cases?{query}&lang=en", status)
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_error_messages_name_the_problem_in_the_visitors_language(client):
    assert "1 to 500" in get_json(client, "/api/v1/cases?limit=0&lang=en", 400)["error"]["message"]
    assert "finished" in get_json(client, "/api/v1/cases?status=finished&lang=en", 400)["error"]["message"]
    zh = get_json(client, "/api/v1/no-such-list?lang=zh-TW", 404)["error"]
    assert zh["code"] == "not_found" and "首頁" in zh["message"]
    assert get_json(client, "/api/v1/comments?case=no-such-case", 404)["error"]["code"] == "not_found"
    assert get_json(client, "/api/v1/agencies?limit=600", 400)["error"]["code"] == "bad_parameter"


@pytest.mark.parametrize("since", [
    "2024-01-01", "2024-01-01T00:00:00Z", "2024-01-01T08:00:00+08:00", "2024-01-01T08:00:00",
    "2016-12-31T23:59:60Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
])
def test_every_iso_8601_form_of_updated_since_is_understood(client, since):
    get_json(client, f"/api/v1/comments?updated_since={_since(since)}")


def test_any_well_formed_cursor_is_a_position(client):
    assert get_json(client, "/api/v1/cases?cursor=" + "_" * 22) == {"data": [], "next": None}
    assert get_json(client, "/api/v1/cases?cursor=" + "A" * 22)["data"]


def test_lists_run_a_fixed_number_of_queries(app, count_queries):
    client = app.test_client()
    counts = {}
    for path in ("/api/v1/cases?limit=2", "/api/v1/cases?limit=500", "/api/v1/comments?limit=1",
                 "/api/v1/comments?limit=500", "/api/v1/agencies?limit=1", "/api/v1/agencies?limit=500"):
        with count_queries() as statements:
            get_json(client, path)
        counts[path] = sum(1 for statement in statements if statement.lstrip().upper().startswith("SELECT"))
    # 21: the page, its parts (one statement per kind, tenders, funding and variations included), then its
    # tenders' timelines (the tenders, their announcements, the companies named), the contracts' variations
    # and two counts for the risk signals. A page whose cases name no tender skips the announcements and the
    # companies: 2 fewer, never more.
    # (tests/api/test_tenders.py checks two pages with tenders run the same number.)
    assert counts["/api/v1/cases?limit=2"] in (counts["/api/v1/cases?limit=500"] - 2, counts["/api/v1/cases?limit=500"])
    assert counts["/api/v1/cases?limit=500"] <= 21
    assert counts["/api/v1/comments?limit=1"] == counts["/api/v1/comments?limit=500"] <= 6
    assert counts["/api/v1/agencies?limit=1"] == counts["/api/v1/agencies?limit=500"] <= 2
