"""Two-step sign-in in a real browser on a phone: a new staff member accepts an invitation, is led
to set up an authenticator app, keeps the recovery codes and signs in again with a code."""

from __future__ import annotations

import re
import time
import uuid

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, check_accessibility, screenshot
from tests.support import PASSWORD, SMTPServer


@pytest.fixture
def required(demo: LiveServer):
    """The production rule, which the suite otherwise leaves off."""
    config = demo.app.config
    before = config["TWO_FACTOR_REQUIRED_ROLES"]
    config["TWO_FACTOR_REQUIRED_ROLES"] = ("staff", "moderator", "admin")
    yield demo
    config["TWO_FACTOR_REQUIRED_ROLES"] = before


def invite_staff(live_server: LiveServer, email: str) -> None:
    from civic.accounts import administration
    from civic.accounts.queries import get_user_by_email
    from civic.extensions import db

    with live_server.app.test_request_context():
        admin = get_user_by_email(db.session, "admin@demo.civic.tw")
        agency = get_user_by_email(db.session, "staff.mrt@demo.civic.tw").agency
        administration.invite(db.session, email=email, role="staff", agency=agency, actor=admin)
        db.session.commit()
    live_server.deliver_mail()


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()


@pytest.mark.browser
def test_a_new_staff_member_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    required: LiveServer, phone_page: Page, browser, smtp_server: SMTPServer
):
    page = phone_page
    email = f"clerk-{uuid.uuid4().hex[:8]}@demo.civic.tw"
    invite_staff(required, email)
    [message] = smtp_server.mailbox.to(email)
    page.goto(smtp_server.mailbox.link(message, "/invitations/"))
    page.locator('input[name="name"]').fill("林承辦")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password_confirm"]').fill(PASSWORD)
    submit(page)

    # Led straight to setting up the app; other pages lead back here.
    expect(page).to_have_url(re.compile(r"/account/two-factor"))
    expect(page.locator("main svg")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "90-two-factor-setup-phone-zh")
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/account/two-factor\?next=/staff/"))

    key = page.locator("code.civic-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(key)
    page.locator('input[name="code"]').fill("000000" if totp.now() != "000000" else "111111")
    submit(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.locator('input[name="code"]').fill(totp.now())
    submit(page)
    codes = page.locator("[data-recovery-code]")
    expect(codes).to_have_count(10)
    first_codes = codes.all_inner_texts()
    check_accessibility(page)
    screenshot(page, "91-recovery-codes-phone-zh")
    page.locator("main a.govuk-button").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))

    # A new browser (a new context: clearing cookies races the responses still in flight,
    # whose session cookie would sign the page straight back in): the password, then a code.
    second_browser = browser.new_context(
        locale="zh-TW", base_url=required.url, viewport={"width": 375, "height": 740},
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )
    page = second_browser.new_page()
    page.goto("/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/login/two-factor$"))
    check_accessibility(page)
    screenshot(page, "92-sign-in-code-phone-zh")
    # The code the set-up used works no more; the next one does.
    page.locator('input[name="code"]').fill(totp.at(time.time() + 30))
    submit(page)
    expect(page.get_by_text("您已登入。")).to_be_visible()
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/staff/$"))

    # Later, new recovery codes: the password and a code are asked again first, then done.
    required.app.config["RECENT_SIGN_IN_SECONDS"] = 0
    try:
        page.goto("/account/two-factor")
        expect(page.get_by_text("剩餘備用碼")).to_be_visible()
        check_accessibility(page)
        page.get_by_role("button", name="產生新的備用碼").click()
        expect(page.locator("h1")).to_have_text("請確認是您本人")
        check_accessibility(page)
        screenshot(page, "93-confirm-it-is-you-phone-zh")
        page.locator('input[name="confirm-password"]').fill(PASSWORD)
        # The app's codes of this minute are used up; a recovery code stands in.
        page.locator('input[name="confirm-code"]').fill(first_codes[0])
        page.get_by_role("button", name="確認並繼續").click()
        expect(page.locator("[data-recovery-code]")).to_have_count(10)
        assert not set(page.locator("[data-recovery-code]").all_inner_texts()) & set(first_codes)
    finally:
        required.app.config["RECENT_SIGN_IN_SECONDS"] = 15 * 60
        second_browser.close()
