"""Accounts in a real browser: register, confirm, sign in, switch language, reset a password."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, check_accessibility, screenshot
from tests.support import SMTPServer

PASSWORD = "correct horse battery staple"


def unique_email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}@example.tw"


def latest_mail_link(smtp_server: SMTPServer, address: str, prefix: str) -> str:
    messages = smtp_server.mailbox.to(address)
    assert messages, f"no mail reached {address}"
    return smtp_server.mailbox.link(messages[-1], prefix)


def navigation(page: Page):
    return page.get_by_role("navigation", name="網站選單")


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()


def sign_in(page: Page, email: str, password: str) -> None:
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    submit(page)


@pytest.mark.browser
def test_a_new_visitor_registers_confirms_the_address_signs_in_and_switches_to_english(
    page: Page, live_server: LiveServer, smtp_server: SMTPServer
):
    email = unique_email("visitor")

    # The home page speaks Traditional Chinese to a browser that asks for zh-TW.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    expect(page.locator("h1")).to_have_text("機關採購廉政平臺")
    check_accessibility(page)
    screenshot(page, "01-home-zh")

    # 註冊 in the site menu leads to the register form.
    navigation(page).get_by_role("link", name="註冊").click()
    expect(page).to_have_url(f"{live_server.url}/register")
    expect(page.locator("h1")).to_have_text("建立帳號")
    check_accessibility(page)
    screenshot(page, "02-register-zh")

    page.locator('input[name="name"]').fill("林小明")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password_confirm"]').fill(PASSWORD)
    submit(page)

    expect(page.locator("h1")).to_have_text("請查看您的電子郵件")
    expect(page.locator("main")).to_contain_text(email)
    check_accessibility(page)
    screenshot(page, "03-check-email-zh")

    # The confirmation mail goes out through the outbox worker.
    report = live_server.deliver_mail()
    assert report.sent >= 1 and report.failed == 0
    verify_path = latest_mail_link(smtp_server, email, "/verify/")
    page.goto(verify_path)

    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "您的電子郵件地址已確認，現在可以登入了。")
    check_accessibility(page)
    screenshot(page, "04-login-confirmed-zh")

    sign_in(page, email, PASSWORD)
    expect(navigation(page).get_by_role("link", name="我的帳號")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("您已登入。")

    navigation(page).get_by_role("link", name="我的帳號").click()
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.locator("main")).to_contain_text(email)
    check_accessibility(page)
    screenshot(page, "05-profile-zh")

    # The header's language link turns the same page into English.
    page.locator("header").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("My account")
    expect(page.get_by_role("navigation", name="Site menu")
           .get_by_role("link", name="My account")).to_be_visible()
    expect(page.locator("header").get_by_role("link", name="中文")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "06-profile-en")


@pytest.mark.browser
def test_a_user_who_forgot_the_password_chooses_a_new_one_from_the_mailed_link(
    page: Page, live_server: LiveServer, smtp_server: SMTPServer
):
    email = unique_email("forgetful")
    old_password, new_password = PASSWORD, "seven purple lanterns over tamsui"
    live_server.create_account(email, old_password, name="忘記密碼的人")

    page.goto("/reset-password")
    expect(page.locator("h1")).to_have_text("重設密碼")
    check_accessibility(page)
    page.locator('input[name="email"]').fill(email)
    submit(page)
    expect(page.locator("h1")).to_have_text("請查看您的電子郵件")

    report = live_server.deliver_mail()
    assert report.sent >= 1 and report.failed == 0
    reset_path = latest_mail_link(smtp_server, email, "/reset-password/")

    page.goto(reset_path)
    expect(page.locator("h1")).to_have_text("設定新密碼")
    check_accessibility(page)
    screenshot(page, "10-reset-password-zh")
    page.locator('input[name="password"]').fill(new_password)
    page.locator('input[name="password_confirm"]').fill(new_password)
    submit(page)
    expect(page).to_have_url(f"{live_server.url}/login")

    # The old password no longer works...
    sign_in(page, email, old_password)
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(navigation(page).get_by_role("link", name="我的帳號")).to_have_count(0)

    # ...the new one does.
    sign_in(page, email, new_password)
    expect(navigation(page).get_by_role("link", name="我的帳號")).to_be_visible()

    # The link works only once.
    response = page.goto(reset_path)
    assert response is not None and response.status == 400
    expect(page.locator("h1")).to_have_text("這個連結有問題")
    expect(page.locator("main")).to_contain_text("已經使用過")
    check_accessibility(page)
    screenshot(page, "11-reset-link-used-zh")


@pytest.mark.browser
def test_the_register_page_fits_a_phone_without_sideways_scrolling(
    phone_page: Page, live_server: LiveServer
):
    page = phone_page
    page.goto("/register")
    expect(page.locator("h1")).to_have_text("建立帳號")

    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], f"the page scrolls sideways: {widths}"

    # Every field and the button are on screen and take input.
    for name in ("name", "email", "password", "password_confirm"):
        field = page.locator(f'input[name="{name}"]')
        expect(field).to_be_visible()
        box = field.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= widths["inner"]
        field.fill("x")
        expect(field).to_have_value("x")
    button = page.locator("main form button[type=submit]")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= widths["inner"]

    check_accessibility(page)
    screenshot(page, "20-register-phone-zh")


@pytest.mark.browser
def test_submitting_the_register_form_empty_lists_every_problem_with_links_to_the_fields(
    page: Page, live_server: LiveServer
):
    page.goto("/register")
    submit(page)

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("有問題需要修正")
    expect(page).to_have_title(re.compile(r"^錯誤："))

    links = summary.locator("a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == ["#name", "#email", "#password", "#password_confirm"]
    for href in hrefs:
        field = page.locator(href)
        expect(field).to_have_count(1)
        described_by = field.get_attribute("aria-describedby") or ""
        assert f"{href[1:]}-error" in described_by.split(), (
            f"{href} is not described by its error message: {described_by!r}")

    # Each link takes the reader to its field.
    summary.get_by_role("link").nth(1).click()
    expect(page.locator("#email")).to_be_focused()

    check_accessibility(page)
    screenshot(page, "30-register-errors-zh")
