"""/account/line: hidden until LINE is configured, one's own link only, the switch, unlinking, and the
code shown once; every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from civic.core.audit import AuditEntry
from civic.extensions import db
from civic.integrations.line.models import LineLink, LineLinkCode
from tests.integrations.line.conftest import link_line
from tests.integrations.line.stub import LineStub
from tests.support import csrf_token, post_form, signed_in

PAGES = ["/account/line"]
POSTS = ["/account/line/code", "/account/line/notices", "/account/line/unlink"]


def link_state(app, account) -> bool | None:
    """None when not linked; else whether LINE notices are on."""
    with app.app_context():
        link = db.session.get(LineLink, account.id)
        return None if link is None else link.is_notifying


def line_actions(app, account) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target_id == str(account.id), AuditEntry.action.like("line.%")).order_by(AuditEntry.id)))


@pytest.mark.parametrize("path", PAGES + POSTS)
def test_without_line_configured_there_is_no_such_page(app, citizen, path):
    client = signed_in(app, citizen)
    token = csrf_token(client, "/account")
    response = client.get(path) if path in PAGES else client.post(path, data={"csrf_token": token})
    assert response.status_code == 404
    assert "/account/line" not in client.get("/account").get_data(as_text=True)


def test_the_account_page_points_to_line_notices_once_configured(app, line: LineStub, citizen):
    page = signed_in(app, citizen).get("/account").get_data(as_text=True)
    assert 'href="/account/line"' in page and "LINE 通知" in page


def test_anonymous_visitors_are_sent_to_sign_in(app, line: LineStub):
    client = app.test_client()
    response = client.get("/account/line")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    for path in POSTS:
        response = post_form(client, path, {}, form_page="/login")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalars(select(LineLinkCode)).all() == []


def test_a_code_needs_the_forms_token(app, line: LineStub, citizen):
    client = signed_in(app, citizen)
    assert client.post("/account/line/code").status_code == 400
    with app.app_context():
        assert db.session.scalars(select(LineLinkCode)).all() == []


def test_another_person_neither_sees_nor_changes_someone_elses_link(app, line: LineStub, citizen, other_citizen):
    link_line(app, citizen)
    other = signed_in(app, other_citizen)
    page = other.get("/account/line").get_data(as_text=True)
    assert 'data-line-status="not-linked"' in page
    assert post_form(other, "/account/line/unlink", {}, form_page="/account/line").status_code == 404
    assert post_form(other, "/account/line/notices", {"notices": "off"}, form_page="/account/line").status_code == 404
    assert link_state(app, citizen) is True
    assert line_actions(app, other_citizen) == []


@pytest.mark.parametrize(("lang", "off_words", "error"), [
    ("zh_Hant_TW", "LINE 通知已關閉", "請選擇是否將通知傳到 LINE。"),
    ("en", "LINE notices are off", "Choose whether notices come to LINE."),
])
def test_the_switch_turns_notices_off_and_on_in_both_languages(app, line: LineStub, citizen, lang, off_words, error):
    link_line(app, citizen)
    client = signed_in(app, citizen)
    client.get(f"/account/line?lang={lang}")
    response = post_form(client, "/account/line/notices", {"notices": "maybe"}, form_page="/account/line")
    assert response.status_code == 422 and error in response.get_data(as_text=True)
    assert link_state(app, citizen) is True

    response = post_form(client, "/account/line/notices", {"notices": "off"}, form_page="/account/line",
                         follow_redirects=True)
    assert off_words in response.get_data(as_text=True)
    assert link_state(app, citizen) is False
    post_form(client, "/account/line/notices", {"notices": "on"}, form_page="/account/line")
    assert link_state(app, citizen) is True
    assert line_actions(app, citizen) == ["line.linked", "line.notices_off", "line.notices_on"]


def test_unlinking_removes_the_link_and_is_audited(app, line: LineStub, citizen):
    link_line(app, citizen)
    client = signed_in(app, citizen)
    response = post_form(client, "/account/line/unlink", {}, form_page="/account/line", follow_redirects=True)
    assert "您的 LINE 帳號已解除連結" in response.get_data(as_text=True)
    assert link_state(app, citizen) is None
    assert line_actions(app, citizen) == ["line.linked", "line.unlinked"]
    assert 'data-line-status="not-linked"' in client.get("/account/line").get_data(as_text=True)


def test_no_code_is_given_while_linked(app, line: LineStub, citizen):
    link_line(app, citizen)
    response = post_form(signed_in(app, citizen), "/account/line/code", {}, form_page="/account/line")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "您的帳號已連結 LINE" in page and "data-line-code" not in page


def test_the_code_is_shown_in_the_answer_to_its_post_only(app, line: LineStub, citizen):
    client = signed_in(app, citizen)
    response = post_form(client, "/account/line/code", {}, form_page="/account/line")
    assert "data-line-code" in response.get_data(as_text=True)
    again = client.get("/account/line")
    assert "data-line-code" not in again.get_data(as_text=True)
    assert again.headers["Cache-Control"] == "no-store"


def test_asking_for_codes_is_limited(app, line: LineStub, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "LINE_NEW_CODE_RATE_LIMIT", "2 per hour")
    client = signed_in(app, citizen)
    statuses = [post_form(client, "/account/line/code", {}, form_page="/account/line").status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_the_page_reads_in_each_language(app, line: LineStub, citizen, lang):
    client = signed_in(app, citizen)
    page = client.get(f"/account/line?lang={lang}").get_data(as_text=True)
    words = {"zh_Hant_TW": ["LINE 通知", "在 LINE 把我們的官方帳號加為好友", "取得代碼"],
             "en": ["LINE notices", "Add our official account as a friend in LINE", "Get a code"]}[lang]
    for word in words:
        assert word in page
