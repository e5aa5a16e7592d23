"""The write API from a clerk's side, over real HTTP: the /api page explains it on a phone in both
languages; a token made on the tokens page changes a case through the API, and the case's public page
shows the change with its reason."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, fits, sign_in_as

pytestmark = pytest.mark.browser

CASE = "taipei-mrt-wanda-line"


@pytest.mark.parametrize(("language", "heading"), [("zh_Hant_TW", "以權杖寫入資料"), ("en", "Writing with a token")])
def test_the_api_page_explains_writing_on_a_phone(demo, phone: Page, language, heading):
    page = phone
    page.goto(f"/api?lang={language}")
    page.locator('a[href="#writing"]').focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.locator("#writing ~ dl code.civic-hash", has_text="/api/v1/me").first).to_be_visible()
    check_accessibility(page)
    assert fits(page)


def _send(url: str, method: str, body: dict, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode(), headers={  # noqa: S310
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Language": "zh-TW",
        "Idempotency-Key": str(uuid.uuid4())})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the test's own server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_clerk_s_token_changes_a_case_and_the_page_shows_why(demo, phone: Page):
    page = phone
    sign_in_as(page, "staff.mrt@demo.civic.tw")
    page.goto("/account/tokens")
    page.get_by_label("權杖名稱").fill("捷運局案件系統（瀏覽器測試）")
    page.get_by_label(re.compile(r"cases:write")).check()
    page.get_by_label("30 天").check()
    page.locator("main form button[type=submit]").last.click()
    token = page.locator("[data-api-token]").inner_text()

    refused, error = _send(f"{demo.url}/api/v1/cases/{CASE}", "PATCH", {"title_en": "Wanda Line"}, token)
    assert refused == 422 and error["error"]["fields"]["reason"][0].startswith("請說明修改已公開案件的理由")
    reason = f"API 更新英文名稱 {uuid.uuid4().hex[:6]}"
    status, case = _send(f"{demo.url}/api/v1/cases/{CASE}", "PATCH",
                         {"title_en": "Taipei MRT Wanda Line (API)", "reason": reason}, token)
    assert status == 200 and case["title_en"] == "Taipei MRT Wanda Line (API)"
    page.goto(f"/cases/{CASE}/history")
    expect(page.get_by_text(reason).first).to_be_visible()
    assert fits(page)
