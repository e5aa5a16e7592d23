"""The accountability loop in a real browser: the agency acknowledges and answers, the author
says on a phone that the answer missed the question, and the agency answers again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in_as

pytestmark = pytest.mark.browser

CASE = "/cases/taipei-mrt-wanda-line"


def test_acknowledged_answered_followed_up_on_a_phone_and_answered_again(demo, phone_page: Page, browser):
    citizen = phone_page
    sign_in_as(citizen, "citizen@demo.civic.tw")
    citizen.goto(CASE + "#comments")
    citizen.get_by_label("您的留言或問題").fill("請問中和站出入口施工期間，無障礙通道如何安排？")
    citizen.get_by_role("button", name="送出", exact=True).click()
    expect(citizen.get_by_text(re.compile(r"已收到。您的案號是 F-"))).to_be_visible()
    number = citizen.locator("h1").inner_text().strip()
    # Both clocks are on the item's page from the start.
    expect(citizen.get_by_text("受理期限")).to_be_visible()
    expect(citizen.get_by_text("尚未受理")).to_be_visible()

    staff = browser.new_context(locale="zh-TW", base_url=demo.url).new_page()
    sign_in_as(staff, "staff.mrt@demo.civic.tw")
    staff.goto("/staff/")
    expect(staff.locator("tr", has_text=number).get_by_text("尚未受理")).to_be_visible()
    staff.get_by_role("link", name=number).click()
    staff.get_by_role("button", name="受理", exact=True).click()
    expect(staff.get_by_text("已受理，案件的公開頁面會顯示受理時間。")).to_be_visible()
    staff.get_by_label("機關的公開回覆").fill("施工期間設置臨時無障礙坡道。")
    staff.get_by_role("button", name="公開回覆").click()
    expect(staff.get_by_text("回覆已公開")).to_be_visible()

    citizen.goto(f"/feedback/{number}")
    expect(citizen.get_by_text("受理時間")).to_be_visible()
    expect(citizen.get_by_role("heading", name="這個回覆沒有回答我的問題")).to_be_visible()
    check_accessibility(citizen)
    # Sending it empty explains and changes nothing.
    citizen.get_by_role("button", name="送出追問").click()
    expect(citizen.locator(".govuk-error-summary")).to_be_visible()
    citizen.get_by_label("回覆還有哪些地方沒有回答？").fill("坡道的位置與開放時間沒有說明。")
    citizen.get_by_role("button", name="送出追問").click()
    expect(citizen.get_by_text(re.compile("已送出追問，這則意見重新開啟"))).to_be_visible()
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    check_accessibility(citizen)
    screenshot(citizen, "53-follow-up-phone-zh")

    staff.goto(f"/staff/feedback/{number}")
    expect(staff.get_by_text("坡道的位置與開放時間沒有說明。")).to_be_visible()
    staff.get_by_label("機關的公開回覆").fill("坡道設於二號出口旁，每日六時至二十四時開放。")
    staff.get_by_role("button", name="公開再次回覆").click()
    check_accessibility(staff)
    staff.context.close()

    citizen.goto(f"/feedback/{number}")
    expect(citizen.get_by_text("施工期間設置臨時無障礙坡道。")).to_be_visible()
    expect(citizen.get_by_text("坡道設於二號出口旁，每日六時至二十四時開放。")).to_be_visible()
    # Once is all: the form is gone.
    expect(citizen.get_by_role("heading", name="這個回覆沒有回答我的問題")).to_have_count(0)
    check_accessibility(citizen)
    screenshot(citizen, "54-answered-again-phone-zh")
