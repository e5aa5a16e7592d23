"""Feedback in a real browser: a citizen asks, the agency answers, the public sees it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in_as

pytestmark = pytest.mark.browser

CASE = "/cases/taipei-mrt-wanda-line"


def test_a_citizen_asks_the_agency_answers_and_the_public_sees_it(demo, page: Page, browser):
    sign_in_as(page, "citizen@demo.civic.tw")
    page.goto(CASE + "#comments")
    page.get_by_label("您的留言或問題").fill(
        "請問施工期間的**交通維持**計畫？\n\n- 公車改道\n- 夜間施工\n\n參考 https://example.tw/plan")
    page.get_by_role("button", name="送出", exact=True).click()
    expect(page.get_by_text(re.compile(r"已收到。您的案號是 F-"))).to_be_visible()
    number = page.locator("h1").inner_text().strip()
    assert re.fullmatch(r"F-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    expect(page.locator("main strong", has_text="交通維持")).to_be_visible()
    expect(page.locator("main li", has_text="公車改道")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "50-feedback-received-zh")
    demo.deliver_mail()

    staff = browser.new_context(locale="zh-TW", base_url=demo.url).new_page()
    sign_in_as(staff, "staff.mrt@demo.civic.tw")
    staff.goto("/staff/")
    check_accessibility(staff)
    staff.get_by_role("link", name=number).click()
    staff.get_by_label("機關的公開回覆").fill("交通維持計畫將於**下月**公布，公車改道資訊同步公告。")
    staff.get_by_label("回覆單位（選填）").fill("土建工程處")
    staff.get_by_role("button", name="公開回覆").click()
    expect(staff.get_by_text("回覆已公開")).to_be_visible()
    check_accessibility(staff)
    screenshot(staff, "51-staff-answered-zh")
    staff.context.close()

    other = browser.new_context(locale="zh-TW", base_url=demo.url).new_page()
    sign_in_as(other, "staff.water@demo.civic.tw")
    assert other.goto(f"/staff/feedback/{number}").status == 404
    other.context.close()

    page.goto(f"/feedback/{number}")
    expect(page.get_by_text("已回覆").first).to_be_visible()
    expect(page.get_by_text("土建工程處")).to_be_visible()
    page.goto(CASE + "#comments")
    comment_id = page.locator(f"a:has-text('{number}')").first.evaluate(
        "link => link.closest('article').id")
    expect(page.locator(f"#{comment_id}").get_by_role("heading", name=re.compile("正式回覆"))).to_be_visible()
    check_accessibility(page)
    page.goto("/agencies/379130000")
    check_accessibility(page)
    screenshot(page, "52-agency-figures-zh")
