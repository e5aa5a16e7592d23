"""The webhook LINE calls: signatures checked against the raw body, a code that links, replies that go
by the outbox in the right language, wrong codes counted, unfollowing unlinks."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from civic.core.audit import AuditEntry
from civic.extensions import db
from civic.integrations.line import codes
from civic.integrations.line.models import LineLink, LineLinkCode
from civic.notifications.models import OutboxMessage, OutboxStatus
from tests.conftest import make_account
from tests.integrations.line.conftest import line_rows, link_line, post_webhook, send_line
from tests.integrations.line.stub import (
    CHANNEL_SECRET,
    FOLLOW_REPLY_TOKEN,
    LINE_USER,
    OTHER_LINE_USER,
    REPLY_TOKEN,
    LineStub,
    follow_event,
    signature,
    text_event,
    unfollow_event,
)
from tests.support import post_form, signed_in

CODE_ON_PAGE = re.compile(r"data-line-code>([A-Z2-9]{8})<")


def code_from_page(client) -> str:
    response = post_form(client, "/account/line/code", {}, form_page="/account/line")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    match = CODE_ON_PAGE.search(response.get_data(as_text=True))
    assert match, "no code on the page"
    return match.group(1)


def links(app) -> list[tuple[int, str, bool]]:
    with app.app_context():
        return [(link.user_id, link.line_user_id, link.is_notifying)
                for link in db.session.scalars(select(LineLink).order_by(LineLink.user_id))]


def actions(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target_type == "user", AuditEntry.target_id == str(user_id),
            AuditEntry.action.like("line.%")).order_by(AuditEntry.id)))


def test_a_person_links_line_with_the_code_and_the_page_then_says_linked(app, line: LineStub, citizen):
    client = signed_in(app, citizen)
    page = client.get("/account/line").get_data(as_text=True)
    assert 'data-line-status="not-linked"' in page and "https://line.me/R/ti/p/@civic-test" in page
    code = code_from_page(client)
    with app.app_context():
        stored = db.session.scalars(select(LineLinkCode)).one()
        assert stored.user_id == citizen.id
        assert stored.code_hash == codes.digest(code, app.config["SECRET_KEY"]) and code not in stored.code_hash

    # Typed on a phone: lower case, a hyphen in the middle, spaces around.
    answer = post_webhook(app.test_client(), text_event(f"  {code[:4].lower()}-{code[4:]} "))
    assert answer.status_code == 200
    assert line.calls == [], "nothing is sent inside the webhook's request"
    assert links(app) == [(citizen.id, LINE_USER, True)]

    report = send_line(app)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [reply] = line.replies()
    assert reply.body["replyToken"] == REPLY_TOKEN
    assert reply.headers["authorization"] == "Bearer test-channel-access-token"
    assert LineStub.text(reply).startswith("已連結")
    assert "http://civic.test/account/line" in LineStub.text(reply)
    [row] = line_rows(app)
    assert row.status == OutboxStatus.sent and row.context["reply_token"] == ""

    page = client.get("/account/line").get_data(as_text=True)
    assert 'data-line-status="linked"' in page and "data-line-code" not in page
    assert actions(app, citizen.id) == ["line.linked"]
    # The code works once.
    with app.app_context():
        assert db.session.scalars(select(LineLinkCode)).all() == []


def test_the_reply_to_a_code_is_in_the_language_of_the_account(app, line: LineStub):
    account = make_account(app, "english@example.tw", "citizen", locale="en")
    code = code_from_page(signed_in(app, account))
    post_webhook(app.test_client(), text_event(code))
    send_line(app)
    [reply] = line.replies()
    assert LineStub.text(reply).startswith("Linked. This LINE account now also gets the notices http://civic.test")


def test_a_wrong_signature_or_none_is_refused_and_changes_nothing(app, line: LineStub, citizen):
    code = code_from_page(signed_in(app, citizen))
    client = app.test_client()
    assert post_webhook(client, text_event(code), secret="another-secret").status_code == 400
    assert post_webhook(client, text_event(code), sign=False).status_code == 400
    # A body changed after signing: the signature is over the raw bytes.
    body = json.dumps({"events": [text_event(code)]}).encode()
    tampered = body.replace(LINE_USER.encode(), OTHER_LINE_USER.encode())
    response = client.post("/line/webhook", data=tampered,
                           headers={"X-Line-Signature": signature(body), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert links(app) == [] and line_rows(app) == []


def test_a_signed_body_that_is_not_json_is_refused(app, line: LineStub):
    body = b"not json"
    response = app.test_client().post("/line/webhook", data=body, headers={"X-Line-Signature": signature(body)})
    assert response.status_code == 400


def test_the_verify_button_of_the_console_gets_200(app, line: LineStub):
    body = b'{"destination":"U00000000000000000000000000000000","events":[]}'
    response = app.test_client().post("/line/webhook", data=body, headers={"X-Line-Signature": signature(body)})
    assert response.status_code == 200


def test_an_unknown_code_gets_a_reply_in_both_languages_and_links_nothing(app, line: LineStub, citizen):
    code_from_page(signed_in(app, citizen))
    assert post_webhook(app.test_client(), text_event("ABCD2345")).status_code == 200
    send_line(app)
    [reply] = line.replies()
    text = LineStub.text(reply)
    assert "代碼無效或已過期" in text and "That code is not known or has expired." in text
    assert text.index("代碼") < text.index("That code")
    assert links(app) == []


def test_an_expired_code_does_not_link(app, line: LineStub, citizen):
    code = code_from_page(signed_in(app, citizen))
    with app.app_context():
        stored = db.session.scalars(select(LineLinkCode)).one()
        stored.created_at -= codes.LIFETIME * 2
        stored.expires_at -= codes.LIFETIME * 2
        db.session.commit()
    post_webhook(app.test_client(), text_event(code))
    assert links(app) == []
    send_line(app)
    assert "That code is not known or has expired." in LineStub.text(line.replies()[0])


def test_a_new_code_replaces_the_earlier_one(app, line: LineStub, citizen):
    client = signed_in(app, citizen)
    first = code_from_page(client)
    second = code_from_page(client)
    post_webhook(app.test_client(), text_event(first))
    assert links(app) == []
    post_webhook(app.test_client(), text_event(second, reply_token="reply-token-2"))
    assert links(app) == [(citizen.id, LINE_USER, True)]


def test_wrong_codes_are_limited_per_line_account(app, line: LineStub, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "LINE_CODE_RATE_LIMIT", "3 per 10 minutes")
    code = code_from_page(signed_in(app, citizen))
    client = app.test_client()
    for attempt in range(3):
        post_webhook(client, text_event(f"WRONG{attempt}AA", reply_token=f"wrong-{attempt}"))
    # The right code now waits: it is not even tried, and stays usable.
    post_webhook(client, text_event(code, reply_token="late"))
    assert links(app) == []
    # Another LINE account is not held back by the first one's mistakes.
    post_webhook(client, text_event(code, user=OTHER_LINE_USER, reply_token="other"))
    assert links(app) == [(citizen.id, OTHER_LINE_USER, True)]
    send_line(app)
    texts = {call.body["replyToken"]: LineStub.text(call) for call in line.replies()}
    assert "Too many codes that did not work." in texts["late"]
    assert texts["other"].startswith("已連結")


def test_unfollowing_the_official_account_unlinks(app, line: LineStub, citizen):
    link_line(app, citizen)
    assert post_webhook(app.test_client(), unfollow_event()).status_code == 200
    assert links(app) == []
    assert actions(app, citizen.id) == ["line.linked", "line.unfollowed"]


def test_following_the_official_account_gets_a_welcome_that_says_how_to_link(app, line: LineStub):
    post_webhook(app.test_client(), follow_event())
    send_line(app)
    [reply] = line.replies()
    assert reply.body["replyToken"] == FOLLOW_REPLY_TOKEN
    assert "http://civic.test/account/line" in LineStub.text(reply)


def test_text_from_a_linked_line_account_gets_a_reminder_in_its_accounts_language(app, line: LineStub, citizen):
    link_line(app, citizen)
    post_webhook(app.test_client(), text_event("你好"))
    send_line(app)
    [reply] = line.replies()
    assert "http://civic.test/account/line" in LineStub.text(reply) and "That code" not in LineStub.text(reply)


def test_a_line_account_sending_another_accounts_code_moves_its_link(app, line: LineStub, citizen, other_citizen):
    link_line(app, citizen)
    code = code_from_page(signed_in(app, other_citizen))
    post_webhook(app.test_client(), text_event(code))
    assert links(app) == [(other_citizen.id, LINE_USER, True)]
    assert actions(app, citizen.id) == ["line.linked", "line.moved"]
    assert actions(app, other_citizen.id) == ["line.linked"]


def test_events_from_groups_are_ignored(app, line: LineStub, citizen):
    code = code_from_page(signed_in(app, citizen))
    event = text_event(code)
    event["source"] = {"type": "group", "groupId": "C" + "c" * 32, "userId": LINE_USER}
    assert post_webhook(app.test_client(), event).status_code == 200
    assert links(app) == [] and line_rows(app) == []


def test_without_line_configured_the_webhook_is_not_there(app):
    response = post_webhook(app.test_client(), text_event("ABCD2345"), secret=CHANNEL_SECRET)
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize("text", ["abcd2345", "ＡＢＣＤ２３４５", "ABCD 2345", "abcd-2345", " ABCD2345\n"])
def test_a_code_is_read_however_it_was_typed(text):
    assert codes.normalize(text) == "ABCD2345"


@pytest.mark.parametrize("text", ["", "ABCD234", "ABCD23456", "ABCD0345", "ABCDI345", "你好你好你好你好", "A" * 100])
def test_what_cannot_be_a_code_is_not_one(text):
    assert codes.normalize(text) is None
