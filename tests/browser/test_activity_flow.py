"""A citizen's activity page in a real browser at the width of a phone (390 × 844): their comment
with its tracking number and progress, what they follow, their sign-up; unfollowing and cancelling
from the page.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from civic.accounts.models import User
from civic.accounts.queries import get_user_by_email
from civic.cases import queries as case_queries
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import moderation
from civic.feedback import services as feedback_services
from civic.workshops import queries as workshop_queries
from civic.workshops import services as workshop_services
from tests.browser.conftest import LiveServer, check_accessibility, fits, screenshot
from tests.support import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "activity.browser@example.tw"
CASE = "new-taipei-sanchong-social-housing"
WORKSHOP = "社會住宅公共空間規劃工作坊（活動頁測試）"


def make_activity(server: LiveServer) -> str:
    """The citizen's comment, follow and sign-up, made through the services; returns the tracking number.

    The workshop lies far ahead, so lists of upcoming workshops other tests read stay as they were.
    """
    server.create_account(EMAIL, name="活動頁測試者")
    with server.app.test_request_context():
        citizen = get_user_by_email(db.session, EMAIL)
        case = case_queries.get_case_with_parts(db.session, CASE)
        comment = feedback_services.submit_comment(
            db.session, case, feedback_services.CommentInput(body="請問**公共空間**的開放時間？"), author=citizen)
        moderation.follow(db.session, citizen, case=case)
        holder = db.session.scalar(select(User).where(User.role == Role.staff, User.agency_id.is_not(None))
                                   .order_by(User.id))
        start = utcnow().replace(second=0, microsecond=0) + timedelta(days=300)
        workshop = workshop_services.create_workshop(db.session, workshop_services.WorkshopInput(
            title=WORKSHOP, starts_at=start, ends_at=start + timedelta(hours=2), capacity=10,
            location="新北市三重區", online_url="", description="說明", accessibility=""), actor=holder)
        workshop_services.sign_up(
            db.session, workshop_queries.get_workshop(db.session, workshop.id),
            workshop_services.SignupInput(name="活動頁測試者", email=EMAIL, phone="0912 000 111", consent=True),
            user=citizen, locale="zh_Hant_TW")
        number = comment.feedback.tracking_number
        db.session.commit()
        db.session.remove()
    return number


def test_a_citizen_sees_and_uses_their_activity_page_on_a_phone(demo: LiveServer, phone: Page):
    page = phone
    number = make_activity(demo)
    page.goto("/login")
    page.locator('input[name="email"]').fill(EMAIL)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text("您已登入。")).to_be_visible()

    page.goto("/account")
    page.get_by_role("link", name="我的參與紀錄：留言、追蹤項目與工作坊報名").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的參與紀錄")
    comments = page.locator('[data-section="comments"]')
    expect(comments.get_by_role("link", name=number)).to_be_visible()
    expect(comments).to_contain_text("請問公共空間的開放時間？")
    expect(comments).to_contain_text("已收到")
    expect(comments).to_contain_text("尚未受理")
    expect(page.locator('[data-section="workshops"]')).to_contain_text(WORKSHOP)
    assert fits(page)
    check_accessibility(page)
    screenshot(page, "90-activity-phone-zh")

    cancel = page.get_by_role("button", name=f"取消報名 {WORKSHOP}")
    expect(cancel).to_have_count(1)
    cancel.click()
    expect(page.get_by_text("您的報名已取消，謝謝您告訴我們。")).to_be_visible()
    expect(page.locator('[data-section="workshops"]')).to_contain_text("已取消")
    expect(cancel).to_have_count(0)

    unfollow = page.locator('[data-section="following"]').get_by_role("button", name=re.compile("^取消追蹤"))
    expect(unfollow).to_have_count(1)
    unfollow.click()
    expect(page.get_by_text("您已取消追蹤。")).to_be_visible()
    expect(page.locator('[data-section="following"]')).to_have_count(0)
    assert fits(page)
    check_accessibility(page)

    page.goto("/account/activity?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My activity")
    expect(page.locator('[data-section="comments"]')).to_contain_text("Not acknowledged yet")
    assert fits(page)
    screenshot(page, "91-activity-phone-en")
