"""The list of feedback items and the list of pledge texts: mirrored with cursors and updated_since,
public fields only, and enough to recompute every pledge's text_hash from the API alone."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.api import serializers
from civic.api.serializers import iso
from civic.cases import services as cases
from civic.cases.models import Case, ReviewState
from civic.cases.queries import get_case_with_parts
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import services as feedback
from civic.feedback.models import Comment, Feedback
from civic.feedback.queries import get_feedback
from civic.pledges import services as pledges
from tests.api.conftest import ASSIGNEE, DEMO_AGENCY, DEMO_CASE, NOTE, get_json, walk
from tests.cases.factories import case_input

# The demo contractor the demo supplier represents, with an active pledge to the general text.
UBN = "95957117"
TEXT_KEYS = ("version", "case", "title_zh", "title_en", "body_zh", "body_en")


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _public_items() -> int:
    return db.session.scalar(
        select(func.count(Feedback.id)).join(Comment, Comment.id == Feedback.comment_id)
        .join(Case, Case.id == Feedback.case_id)
        .where(Case.review_state == ReviewState.published, Comment.hidden_at.is_(None),
               Comment.deleted_at.is_(None)))


def test_a_bot_mirrors_every_feedback_item_with_cursors_then_only_the_changes(app, client, seeded):
    items = walk(client, "/api/v1/feedback?limit=2")
    numbers = [item["tracking_number"] for item in items]
    with app.app_context():
        assert len(numbers) == len(set(numbers)) == _public_items() >= 5
    assert seeded.tracking_number in numbers
    stamps = [item["updated_at"] for item in items]
    assert stamps == sorted(stamps) and all(stamp.endswith("+08:00") for stamp in stamps)
    # The same allowlist as the item's own address, and the same object.
    assert all(set(item) == set(serializers.FeedbackSchema().fields) for item in items)
    detail = get_json(client, f"/api/v1/feedback/{seeded.tracking_number}")
    assert items[numbers.index(seeded.tracking_number)] == detail

    since = iso(utcnow())
    with app.test_request_context():
        item = get_feedback(db.session, seeded.tracking_number)
        feedback.publish_response(db.session, item, actor=_user("staff.mrt@demo.civic.tw"), body="名冊每月更新。")
        db.session.commit()
    (changed,) = walk(client, f"/api/v1/feedback?updated_since={quote(since, safe='')}")
    assert changed["tracking_number"] == seeded.tracking_number and changed["status"] == "answered"
    assert changed["response"]["body_html"].strip() == "<p>名冊每月更新。</p>"


def test_feedback_items_never_show_notes_assignees_or_emails(client):
    text = json.dumps(walk(client, "/api/v1/feedback?limit=500"), ensure_ascii=False)
    assert NOTE not in text and ASSIGNEE not in text and "@" not in text
    assert "assigned_to" not in text and "notes" not in text


def test_feedback_items_are_filtered_by_case_and_agency(client):
    by_case = walk(client, f"/api/v1/feedback?case={DEMO_CASE}")
    assert by_case and {item["case"] for item in by_case} == {DEMO_CASE}
    by_agency = walk(client, f"/api/v1/feedback?agency={DEMO_AGENCY}")
    assert by_agency and {item["agency"] for item in by_agency} == {DEMO_AGENCY}
    everything = walk(client, "/api/v1/feedback?limit=500")
    assert len(by_agency) < len(everything)
    assert walk(client, f"/api/v1/feedback?case={DEMO_CASE}&agency=A65070000") == []


@pytest.mark.parametrize(("query", "status", "code"), [
    ("case=no-such-case", 404, "not_found"),
    ("case=Not%20A%20Slug", 400, "bad_parameter"),
    ("agency=Z99999999", 404, "not_found"),
    ("agency=not%20a%20code", 400, "bad_parameter"),
    ("status=answered", 400, "unknown_parameter"),
    ("limit=501", 400, "bad_parameter"),
    ("cursor=nope", 400, "bad_cursor"),
    ("updated_since=soon", 400, "bad_parameter"),
])
def test_bad_requests_for_feedback_items_are_refused_with_a_json_error(client, query, status, code):
    assert get_json(client, f"/api/v1/feedback?{query}&lang=en", status)["error"]["code"] == code


@pytest.mark.parametrize("query", ["limit=501", "cursor=nope", "updated_since=soon", "case=taipei"])
def test_bad_requests_for_pledge_texts_are_refused_with_a_json_error(client, query):
    assert get_json(client, f"/api/v1/pledge-texts?{query}&lang=en", 400)["error"]["message"]


def test_the_new_lists_run_a_fixed_number_of_queries(app, count_queries):
    client = app.test_client()
    counts = {}
    for path in ("/api/v1/feedback?limit=1", "/api/v1/feedback?limit=500", "/api/v1/pledge-texts?limit=1",
                 "/api/v1/pledge-texts?limit=500", "/api/v1/agencies?limit=1&updated_since=2000-01-01",
                 "/api/v1/agencies?limit=500&updated_since=2000-01-01"):
        with count_queries() as statements:
            get_json(client, path)
        counts[path] = sum(1 for statement in statements if statement.lstrip().upper().startswith("SELECT"))
    assert counts["/api/v1/feedback?limit=1"] == counts["/api/v1/feedback?limit=500"] <= 6
    assert counts["/api/v1/pledge-texts?limit=1"] == counts["/api/v1/pledge-texts?limit=500"] == 1
    assert (counts["/api/v1/agencies?limit=1&updated_since=2000-01-01"]
            == counts["/api/v1/agencies?limit=500&updated_since=2000-01-01"] <= 3)


def _text_hash(text: dict[str, Any]) -> str:
    """The hash as the document describes it, from the API's own fields."""
    content = {key: text[key] for key in TEXT_KEYS}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_anyone_can_recompute_a_pledges_text_hash_from_the_api_alone(app, client):
    with app.test_request_context():
        case = get_case_with_parts(db.session, DEMO_CASE)
        admin, supplier = _user("admin@demo.civic.tw"), _user("supplier@demo.civic.tw")
        pledges.publish_text(db.session, pledges.TextInput(
            title_zh="萬大線廉潔承諾書", title_en="Wanda line pledge", body_zh="一、不行賄。\n\n二、不圍標。",
            body_en="1. No bribes.\n\n2. No bid rigging."), case=case, actor=admin)
        signed = pledges.sign(db.session, pledges.SignInput(ubn=UBN, signer_name="陳○○", signer_title="負責人",
                                                            agree=True, case=case), actor=supplier)
        db.session.commit()
        receipt = signed.receipt

    texts = walk(client, "/api/v1/pledge-texts?limit=1")
    assert [text["published_at"] for text in texts] == sorted(text["published_at"] for text in texts)
    assert all(set(text) == set(serializers.PledgeTextSchema().fields) for text in texts)
    assert {(text["case"], text["version"]) for text in texts} >= {(None, 1), (DEMO_CASE, 1)}
    by_hash = {_text_hash(text): text for text in texts}
    assert all(text["text_hash"] == digest for digest, text in by_hash.items())

    everything = walk(client, "/api/v1/pledges?limit=500")
    assert len(everything) >= 4
    for pledge in everything:
        text = by_hash[pledge["text_hash"]]
        assert text["version"] == pledge["text_version"]
    mine = next(pledge for pledge in everything if pledge["receipt"] == receipt)
    assert by_hash[mine["text_hash"]]["case"] == DEMO_CASE
    assert by_hash[mine["text_hash"]]["body_zh"] == "一、不行賄。\n\n二、不圍標。"


def test_only_texts_of_published_cases_and_the_general_text_are_listed(app, client):
    with app.test_request_context():
        staff, admin = _user("staff.mrt@demo.civic.tw"), _user("admin@demo.civic.tw")
        draft = cases.submit_application(db.session, cases.ApplicationInput(
            case=case_input("draft-with-a-text"), reason="內部理由"), actor=staff)
        pledges.publish_text(db.session, pledges.TextInput(title_zh="草案承諾書", body_zh="草案條款。"),
                             case=draft, actor=admin)
        db.session.commit()
    texts = walk(client, "/api/v1/pledge-texts?limit=500")
    assert [text["case"] for text in texts] == [None]
    assert "草案承諾書" not in json.dumps(texts, ensure_ascii=False)
    assert "draft-with-a-text" not in json.dumps(texts)
