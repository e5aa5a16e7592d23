"""Choosing how one hears of a followed case, in a real browser at the width of a phone (390 × 844):
the choice is labelled, reached and sent with the keyboard, and kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from civic.accounts.queries import get_user_by_email
from civic.cases import queries as case_queries
from civic.extensions import db
from civic.feedback import moderation
from tests.browser.conftest import LiveServer, check_accessibility, fits, screenshot
from tests.support import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "digest.browser@example.tw"
CASE = "new-taipei-sanchong-social-housing"


def test_a_follower_chooses_a_weekly_digest_on_a_phone_with_the_keyboard(demo: LiveServer, phone: Page):
    demo.create_account(EMAIL, name="摘要測試者")
    with demo.app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, CASE)
        moderation.follow(db.session, get_user_by_email(db.session, EMAIL), case=case)
        title = case.title_zh
        db.session.commit()
        db.session.remove()
    page = phone
    page.goto("/login")
    page.locator('input[name="email"]').fill(EMAIL)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text("您已登入。")).to_be_visible()

    page.goto("/account/activity/following")
    choice = page.get_by_label(f"電子郵件通知 {title}")
    expect(choice).to_have_value("immediate")
    assert fits(page)
    check_accessibility(page)

    choice.select_option("weekly")
    choice.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=f"儲存 「{title}」的通知頻率")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("您每週一早上 7 點會收到這裡的動態摘要。")).to_be_visible()
    expect(page).to_have_url(f"{demo.url}/account/activity/following#following")
    expect(page.get_by_label(f"電子郵件通知 {title}")).to_have_value("weekly")
    assert fits(page)
    check_accessibility(page)
    screenshot(page, "92-digest-choice-phone-zh")

    page.goto("/account/activity/following?lang=en")
    expect(page.get_by_label("Emails", exact=False).first).to_have_value("weekly")
    assert fits(page)
