"""LINE notices in a real browser on a 390 px phone, in Chinese and in English: a person asks for a code,
LINE's signed webhook brings it back, the reply goes out in the account's language, and the page then
says linked; the switch and unlinking follow. Every page axe clean and no wider than the phone."""

from __future__ import annotations

import re
import urllib.request
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from civic.extensions import db
from civic.integrations.line.delivery import deliver_pending
from tests.browser.conftest import LiveServer, check_accessibility, fits, screenshot
from tests.integrations.line.stub import LineStub, line_settings, serving, text_event, webhook_request
from tests.support import PASSWORD

pytestmark = pytest.mark.browser

WORDS = {
    "zh_Hant_TW": {"title": "LINE 通知", "get": "取得代碼", "check": "我已傳送代碼：確認是否連結成功",
                   "linked": "已連結", "off": "關閉：通知只寄到電子郵件", "save": "儲存",
                   "off_done": "LINE 通知已關閉", "unlink": "解除 LINE 連結", "unlinked": "您的 LINE 帳號已解除連結",
                   "reply": "已連結。"},
    "en": {"title": "LINE notices", "get": "Get a code", "check": "I have sent the code: check whether it worked",
           "linked": "Linked", "off": "Off: notices come by mail only", "save": "Save",
           "off_done": "LINE notices are off", "unlink": "Unlink LINE", "unlinked": "Your LINE account is unlinked",
           "reply": "Linked."},
}


@pytest.fixture
def line_on(live_server: LiveServer) -> Iterator[LineStub]:
    """LINE configured on the live server for one test, talking to a stub of the Messaging API."""
    config = live_server.app.config
    with serving() as stub:
        settings = line_settings(stub)
        before = {key: config.get(key) for key in settings}
        config.update(settings)
        try:
            yield stub
        finally:
            config.update(before)


def make_person(live_server: LiveServer, locale: str) -> str:
    from civic.accounts import services

    email = f"line-{uuid.uuid4().hex[:8]}@example.tw"
    with live_server.app.test_request_context():
        services.create_user(db.session, email=email, password=PASSWORD, display_name="LINE 使用者",
                             verified=True, locale=locale)
        db.session.commit()
    return email


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    # The account's own language greets it.
    expect(page.get_by_text(re.compile(r"^(您已登入。|You are signed in\.)$"))).to_be_visible()


def looks_right(page: Page, name: str) -> None:
    check_accessibility(page)
    assert fits(page), f"{page.url} is wider than the phone"
    screenshot(page, name)


def send_from_line(live_server: LiveServer, text: str, line_user: str) -> int:
    body, headers = webhook_request(text_event(text, user=line_user, reply_token=f"reply-{line_user[-6:]}"))
    address = f"{live_server.url}/line/webhook"
    assert address.startswith("http://127.0.0.1:")
    request = urllib.request.Request(address, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live server on loopback
        return response.status


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_a_person_links_line_on_a_phone_and_turns_it_off_and_unlinks(phone: Page, live_server: LiveServer,
                                                                      line_on: LineStub, lang):
    words = WORDS[lang]
    short = "zh" if lang.startswith("zh") else "en"
    page = phone
    sign_in(page, make_person(live_server, lang))
    page.goto(f"/account/line?lang={lang}")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    expect(page.get_by_role("link", name=re.compile("official account|官方帳號"))).to_have_attribute(
        "href", "https://line.me/R/ti/p/@civic-test")
    looks_right(page, f"line-01-not-linked-{short}")

    page.get_by_role("button", name=words["get"]).click()
    code = page.locator("[data-line-code]").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    looks_right(page, f"line-02-code-{short}")

    line_user = "U" + uuid.uuid4().hex
    assert send_from_line(live_server, code, line_user) == 200
    with live_server.app.app_context():
        report = deliver_pending(db.session)
    assert report is not None and report.sent == 1
    [reply] = [call for call in line_on.replies() if call.body["replyToken"] == f"reply-{line_user[-6:]}"]
    assert LineStub.text(reply).startswith(words["reply"])

    page.get_by_role("link", name=words["check"]).click()
    expect(page.locator("[data-line-status]")).to_have_text(words["linked"])
    looks_right(page, f"line-03-linked-{short}")

    page.get_by_label(words["off"]).check()
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_text(words["off_done"])).to_be_visible()
    looks_right(page, f"line-04-off-{short}")

    page.get_by_role("button", name=words["unlink"]).click()
    expect(page.get_by_text(words["unlinked"])).to_be_visible()
    expect(page.locator('[data-line-status="not-linked"]')).to_be_visible()
    looks_right(page, f"line-05-unlinked-{short}")
