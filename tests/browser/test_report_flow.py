"""A confidential report in a real browser on a 390 px phone, in Chinese and in English: the form
refuses an empty report, takes one with a picture, shows the receipt code and passphrase once, and
with them the status page shows the report and takes a message; every page axe clean and no wider
than the phone."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, fits

pytestmark = pytest.mark.browser


def _picture() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 90, 160)).save(output, "JPEG")
    return output.getvalue()


def _checked(page: Page) -> None:
    check_accessibility(page)
    assert fits(page)


def _file_and_follow(page: Page, words: dict[str, str]) -> None:
    page.goto(words["start"])
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    _checked(page)

    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(words["body_required"])
    _checked(page)

    page.get_by_label(words["body_label"]).fill(words["body"])
    page.get_by_label(words["when_label"]).fill(words["when"])
    page.get_by_label(words["files_label"]).set_input_files(
        [{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": _picture()}])
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["sent"])
    receipt = page.locator("[data-receipt]").inner_text().strip()
    passphrase = page.locator("[data-passphrase]").inner_text().strip()
    assert receipt.startswith("R-") and len(passphrase.split("-")) == 5
    _checked(page)

    page.get_by_role("link", name=words["status_link"]).click()
    page.get_by_label(words["receipt_label"]).fill(receipt.lower())
    page.get_by_label(words["passphrase_label"], exact=True).fill(passphrase.replace("-", " "))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-status]")).to_contain_text(words["received"])
    expect(page.locator("main")).to_contain_text(receipt)
    _checked(page)

    page.get_by_label(words["message_label"]).fill(words["message"])
    page.locator("main form[action$='/report/status/message'] button[type=submit]").click()
    expect(page.get_by_text(words["message_sent"])).to_be_visible()
    expect(page.locator("main")).to_contain_text(words["message"])
    _checked(page)
    assert passphrase not in page.url and receipt not in page.url


def test_a_report_filed_and_followed_in_chinese_on_a_phone(live_server, phone: Page):
    _file_and_follow(phone, {
        "start": "/report", "title": "秘密檢舉不法", "body_required": "請描述發生的事。",
        "body_label": "發生了什麼事", "body": "瀏覽器測試：監工收受廠商招待，驗收時放水。",
        "when_label": "發生時間（選填）", "when": "去年秋天",
        "files_label": "文件或圖片（選填）", "sent": "您的檢舉已送出", "status_link": "查看檢舉處理進度",
        "receipt_label": "收執碼", "passphrase_label": "通行密語", "received": "已收到",
        "message_label": "您的訊息", "message": "補充：驗收紀錄在去年十一月。",
        "message_sent": "您的訊息已送交政風人員。",
    })


def test_a_report_filed_and_followed_in_english_on_a_phone(live_server, phone: Page):
    _file_and_follow(phone, {
        "start": "/report?lang=en", "title": "Report wrongdoing in confidence",
        "body_required": "Describe what happened.",
        "body_label": "What happened", "body": "Browser test: the site supervisor took gifts from the contractor.",
        "when_label": "When it happened (optional)", "when": "Last autumn",
        "files_label": "Documents or pictures (optional)", "sent": "Your report has been sent",
        "status_link": "Check your report's status", "receipt_label": "Receipt code",
        "passphrase_label": "Passphrase", "received": "Received",
        "message_label": "Your message", "message": "The inspection record is dated last November.",
        "message_sent": "Your message has been sent to the integrity officers.",
    })
