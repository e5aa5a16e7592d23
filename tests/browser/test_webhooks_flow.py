"""Webhooks in a real browser on a phone, in Chinese and in English: a citizen finds the page from the
account, is told what is missing, registers a hook whose secret is shown once, and opens the hook's
page; every page axe clean and no wider than the phone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, check_accessibility, fits, sign_in_as

pytestmark = pytest.mark.browser

# An address of the public internet for the names below: the live server resolves nothing for real.
PUBLIC_ADDRESS = "93.184.215.14"


@pytest.fixture
def resolving(demo: LiveServer) -> Iterator[LiveServer]:
    """The live server resolving hooks.example.org to a public address, for this test only."""
    config = demo.app.config
    previous = config.get("WEBHOOKS_RESOLVER")
    config["WEBHOOKS_RESOLVER"] = lambda host, port: [PUBLIC_ADDRESS] if host == "hooks.example.org" else []
    try:
        yield demo
    finally:
        config["WEBHOOKS_RESOLVER"] = previous


def _checked(page: Page) -> None:
    check_accessibility(page)
    assert fits(page)


def test_a_citizen_registers_a_webhook_on_a_phone_in_chinese(resolving, phone: Page):
    page = phone
    sign_in_as(page, "citizen@demo.civic.tw")
    page.goto("/account")
    page.get_by_role("link", name="Webhook：將公開事件通知您自己的系統").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhook")
    _checked(page)

    page.get_by_role("button", name="登記 Webhook").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("請輸入要傳送的網址，以 https:// 開頭。")
    expect(summary).to_contain_text("請至少選擇一種事件。")
    _checked(page)

    page.get_by_label("傳送網址").fill("http://hooks.example.org/civic")
    page.get_by_label(re.compile(r"機關公開回覆民眾意見")).check()
    page.get_by_role("button", name="登記 Webhook").click()
    expect(summary).to_contain_text("網址必須以 https:// 開頭。")
    expect(page.get_by_label(re.compile(r"機關公開回覆民眾意見"))).to_be_checked()

    page.get_by_label("傳送網址").fill("https://hooks.example.org/civic-zh")
    page.get_by_label(re.compile(r"工作坊開放報名")).check()
    page.get_by_role("button", name="登記 Webhook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您的 Webhook 已登記")
    secret = page.locator("[data-webhook-secret]").inner_text()
    assert re.fullmatch(r"whsec_[A-Za-z0-9_-]{43}", secret)
    assert "whsec_" not in page.url
    _checked(page)

    page.get_by_role("link", name="傳送測試並查看傳送紀錄").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhook")
    expect(page.locator("[data-webhook-secret]")).to_have_count(0)
    expect(page.get_by_text("https://hooks.example.org/civic-zh")).to_be_visible()
    page.get_by_role("button", name="傳送測試").click()
    expect(page.get_by_text("測試傳送已排入佇列，送出後會顯示在下方的傳送紀錄中。")).to_be_visible()
    expect(page.locator("[data-delivery-status]")).to_have_text(["等待寄送"])
    _checked(page)


def test_a_citizen_registers_a_webhook_on_a_phone_in_english(resolving, phone: Page):
    page = phone
    sign_in_as(page, "citizen@demo.civic.tw")
    page.goto("/account/webhooks?lang=en")
    # The visit keeps the language from here on; let the page's own requests settle first.
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    page.get_by_label("Address to send to").fill("https://10.0.0.1/civic")
    page.get_by_role("button", name="Register the webhook").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("This address cannot receive webhooks: it must be a public https address.")
    expect(summary).to_contain_text("Choose at least one event to be told of.")
    _checked(page)

    page.get_by_label("Address to send to").fill("https://hooks.example.org/civic-en")
    page.get_by_label(re.compile(r"A published case or one of its parts changed")).check()
    page.get_by_label("Only about this case (optional)").fill("taipei-mrt-wanda-line")
    page.get_by_role("button", name="Register the webhook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your webhook is registered")
    assert re.fullmatch(r"whsec_[A-Za-z0-9_-]{43}", page.locator("[data-webhook-secret]").inner_text())
    row = page.locator("tr", has_text="https://hooks.example.org/civic-en")
    expect(row.locator("[data-webhook-status]")).to_have_text("On")
    _checked(page)

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhook")
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_text("The webhook is turned off: nothing more is sent to it.")).to_be_visible()
    expect(page.locator("[data-webhook-status]")).to_have_text("Off")
    _checked(page)
    page.get_by_role("button", name="Delete the webhook").click()
    expect(page.get_by_text("The webhook is deleted.")).to_be_visible()
    expect(page.locator("tr", has_text="https://hooks.example.org/civic-en")).to_have_count(0)
