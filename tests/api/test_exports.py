"""Bulk files: CSV that Excel reads (UTF-8 with a BOM), stable documented columns, JSON Lines."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from civic.accounts.models import User
from civic.api.exports import CASE_COLUMNS, COMMENT_COLUMNS, plain_text
from civic.cases import services as cases
from civic.extensions import db
from tests.api.conftest import DEMO_CASE, get_json, walk
from tests.cases.factories import case_input

# The published columns: a change here is a change of the public contract.
CASES_HEADER = ("slug,title,title_en,agency,agency_name,sector,oc4ids_sector,procurement_kind,status,county,address,"
                "latitude,longitude,budget_ntd,contract_value_ntd,platform_established_on,year,is_best_practice,"
                "completeness,is_demo,members,meetings,risks,milestones,documents,contracts,suppliers,published_at,"
                "updated_at,url")
COMMENTS_HEADER = ("id,case,parent_id,meeting_id,risk_id,state,author,text,hidden_reason,created_at,edited_at,"
                   "updated_at,tracking_number,feedback_status,agency,received_at,acknowledge_by,acknowledged_at,due_at,"
                   "answered_at,answer_unit,"
                   "answer_text")


def _csv(client, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_the_columns_are_the_documented_ones(client):
    assert ",".join(column.name for column in CASE_COLUMNS) == CASES_HEADER
    assert ",".join(column.name for column in COMMENT_COLUMNS) == COMMENTS_HEADER
    page = client.get("/api").get_data(as_text=True)
    assert all(f"<code>{name}</code>" in page for name in CASES_HEADER.split(","))


def test_the_cases_file_holds_every_published_case_in_chinese(client):
    rows = _csv(client, "/api/v1/export/cases.csv")
    assert list(rows[0]) == CASES_HEADER.split(",")
    api = {case["slug"]: case for case in walk(client, "/api/v1/cases?limit=500")}
    assert {row["slug"] for row in rows} == set(api)
    wanda = next(row for row in rows if row["slug"] == DEMO_CASE)
    assert wanda["title"] == api[DEMO_CASE]["title"] and wanda["budget_ntd"] == str(api[DEMO_CASE]["budget_ntd"])
    assert wanda["is_best_practice"] == "true" and wanda["updated_at"] == api[DEMO_CASE]["updated_at"]
    assert all(ubn in wanda["suppliers"] for ubn in (c["supplier"]["ubn"] for c in api[DEMO_CASE]["contracts"]))


def test_the_comments_file_shows_answers_and_tombstones(client, seeded):
    rows = {int(row["id"]): row for row in _csv(client, "/api/v1/export/comments.csv")}
    hidden = rows[seeded.hidden_comment_id]
    assert (hidden["state"], hidden["text"], hidden["author"], hidden["hidden_reason"]) == (
        "hidden", "", "", "personal_data")
    assert rows[seeded.deleted_comment_id]["text"] == ""
    answered = [row for row in rows.values() if row["answer_text"]]
    assert answered and all(row["feedback_status"] == "answered" for row in answered)


def test_text_a_spreadsheet_would_run_as_a_formula_is_defused(app, client):
    with app.test_request_context():
        staff = db.session.scalar(select(User).where(User.email == "staff.mrt@demo.civic.tw"))
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.civic.tw"))
        case = cases.submit_application(db.session, cases.ApplicationInput(
            case=case_input("formula-case", title_zh='=HYPERLINK("http://evil.example","點我")'), reason="測試"),
            actor=staff)
        cases.approve_application(db.session, case, actor=admin)
        db.session.commit()
    row = next(row for row in _csv(client, "/api/v1/export/cases.csv") if row["slug"] == "formula-case")
    assert row["title"].startswith("'=HYPERLINK")
    assert get_json(client, "/api/v1/cases/formula-case")["title"].startswith("=HYPERLINK")


def test_json_lines_carry_the_api_objects(client):
    response = client.get("/api/v1/export/cases.jsonl")
    assert response.status_code == 200 and response.mimetype == "application/jsonl" and response.is_streamed
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert {case["slug"] for case in lines} == {case["slug"] for case in walk(client, "/api/v1/cases?limit=500")}
    assert next(case for case in lines if case["slug"] == DEMO_CASE) == get_json(client, f"/api/v1/cases/{DEMO_CASE}")
    comments = [json.loads(line) for line in client.get("/api/v1/export/comments.jsonl").get_data(as_text=True)
                .splitlines()]
    assert sorted(c["id"] for c in comments) == sorted(c["id"] for c in walk(client, "/api/v1/comments?limit=500"))


def test_plain_text_keeps_one_paragraph_or_item_per_line():
    html = "<p>第一段 &amp; <strong>重點</strong></p>\n<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>"
    assert plain_text(html) == "第一段 & 重點\n甲\n乙"
