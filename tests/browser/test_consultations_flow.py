"""The consultation desk in a real browser on a phone: a clerk asks the integrity authority a question,
the authority finds it among the open ones, and a visitor reads the published guidance; every page
axe clean and no wider than the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, fits, sign_in_as

pytestmark = pytest.mark.browser

QUESTION = "瀏覽器測試：廠商於決標前要求與評選委員會面說明，承辦人應如何回應？"
GUIDANCE = "履約中的承包商邀宴與贈禮，承辦人可否出席？"


def test_a_clerk_asks_on_a_phone_and_a_visitor_reads_the_guidance(demo, phone: Page):
    page = phone
    sign_in_as(page, "staff.mrt@demo.civic.tw")
    page.goto("/staff/consult")
    expect(page.get_by_role("heading", level=1)).to_have_text("廉政諮詢")
    check_accessibility(page)
    assert fits(page)
    page.get_by_label("您的問題").fill(QUESTION)
    page.get_by_label("採購階段（選填）").select_option("award")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("您的問題已送交廉政機關。")).to_be_visible()
    expect(page.locator("main")).to_contain_text(QUESTION)
    check_accessibility(page)
    assert fits(page)

    page.context.clear_cookies()
    sign_in_as(page, "admin@demo.civic.tw")
    page.goto("/admin/consultations")
    check_accessibility(page)
    assert fits(page)
    page.get_by_role("link", name=QUESTION).click()
    expect(page.locator("main")).to_contain_text(QUESTION)
    check_accessibility(page)
    assert fits(page)

    page.context.clear_cookies()
    page.goto("/")
    page.locator("footer").get_by_role("link", name="廉政指引").click()
    check_accessibility(page)
    page.get_by_role("link", name=GUIDANCE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDANCE)
    check_accessibility(page)
    assert fits(page)
    assert "萬大線" not in page.locator("main").inner_text()
