"""Tokens for the write API in a real browser on a phone: a clerk finds the page from the account,
is told what is missing, makes a token shown once, and revokes it; every page axe clean and no wider
than the phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, fits, sign_in_as

pytestmark = pytest.mark.browser

NAME = "瀏覽器測試：捷運局案件系統"


def test_a_clerk_makes_a_token_on_a_phone_and_revokes_it(demo, phone: Page):
    page = phone
    sign_in_as(page, "staff.mrt@demo.civic.tw")
    page.goto("/account")
    page.get_by_role("link", name="寫入 API 的權杖").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("寫入 API 的權杖")
    check_accessibility(page)
    assert fits(page)

    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("請輸入權杖的名稱。")
    expect(page.locator(".govuk-error-summary")).to_contain_text("請至少選擇一項權杖可做的事。")
    check_accessibility(page)
    assert fits(page)

    page.get_by_label("權杖名稱").fill(NAME)
    page.get_by_label(re.compile(r"回應民眾意見")).check()
    page.get_by_label("30 天").check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您的新權杖")
    secret = page.locator("[data-api-token]").inner_text()
    assert re.fullmatch(r"civ_[A-Za-z0-9_-]{43}", secret)
    assert "civ_" not in page.url
    check_accessibility(page)
    assert fits(page)

    page.goto("/account/tokens")
    expect(page.locator("[data-api-token]")).to_have_count(0)
    row = page.locator("tr", has_text=NAME)
    expect(row).to_contain_text(secret[:8])
    expect(row).to_contain_text("從未使用")
    row.get_by_role("button", name=re.compile("撤銷")).click()
    expect(page.get_by_text(f"權杖「{NAME}」已撤銷，不再有效。")).to_be_visible()
    expect(page.locator("tr", has_text=NAME).locator("[data-token-status]")).to_have_text("已撤銷")
    check_accessibility(page)
    assert fits(page)
