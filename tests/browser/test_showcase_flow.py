"""The showcase in a real browser on a 390 px phone, in Chinese and in English: a citizen submits an app
(a mistake first, the form keeping what was typed), a moderator refuses it with a reason and then
approves the corrected one, and a visitor finds it; every page axe clean and no wider than the phone."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, check_accessibility, fits, screenshot, sign_in_as
from tests.support import Mailbox, SMTPServer

pytestmark = pytest.mark.browser

NAME = "瀏覽器測試：工程進度看板"
ENGLISH_NAME = "Browser test: procurement timeline"


def picture(colour: str = "teal") -> dict:
    output = io.BytesIO()
    Image.new("RGB", (1200, 800), colour).save(output, "PNG")
    return {"name": "screen.png", "mimeType": "image/png", "buffer": output.getvalue()}


def as_(demo: LiveServer, page: Page, email: str) -> None:
    """Sign in afresh as a demo account (fresh rate limits: this flow signs in many times a minute)."""
    page.context.clear_cookies()
    demo.reset_rate_limits()
    sign_in_as(page, email)


def checked(page: Page, name: str) -> None:
    check_accessibility(page)
    assert fits(page), f"{page.url} is wider than the phone"
    screenshot(page, name)


def fill_app(page: Page, *, name: str, link: str, summary: str) -> None:
    page.locator('input[name="name"]').fill(name)
    page.locator('input[name="summary"]').fill(summary)
    page.locator('input[name="link"]').fill(link)
    page.locator('select[name="licence"]').select_option("MIT")
    page.locator('input[name="endpoints"][value="/api/v1/cases"]').check()
    page.locator('input[name="screenshot"]').set_input_files(picture())


def test_an_app_is_submitted_refused_corrected_and_published_on_a_phone(demo: LiveServer, phone: Page,
                                                                         smtp_server: SMTPServer):
    page = phone
    sign_in_as(page, "citizen@demo.civic.tw")
    page.goto("/apps")
    expect(page.get_by_role("heading", level=1)).to_have_text("運用資料的應用程式")
    checked(page, "apps-list-phone-zh")
    page.get_by_role("link", name="提交您的應用程式").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("提交應用程式")
    checked(page, "apps-submit-phone-zh")

    fill_app(page, name=NAME, link="map.example.org", summary="每週更新的工程進度看板")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("請輸入以 https:// 或 http:// 開頭的網址")
    expect(page.locator('input[name="name"]')).to_have_value(NAME)
    expect(page.locator('input[name="endpoints"][value="/api/v1/cases"]')).to_be_checked()
    expect(page.get_by_text("請再選一次")).to_be_visible()
    checked(page, "apps-submit-error-phone-zh")

    page.locator('input[name="link"]').fill("https://map.example.org/")
    page.locator('input[name="screenshot"]').set_input_files(picture())
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("您的應用程式正等待版主審核")).to_be_visible()
    mine = page.locator("[data-my-apps] li", has_text=NAME)
    expect(mine.get_by_text("等待版主審核")).to_be_visible()
    checked(page, "apps-mine-phone-zh")

    as_(demo, page, "moderator@demo.civic.tw")
    page.goto("/admin/apps")
    checked(page, "admin-apps-phone-zh")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    checked(page, "admin-app-phone-zh")
    page.get_by_role("button", name="不接受這個應用程式").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("請說明理由")
    page.get_by_label("理由").fill("截圖看不出應用程式的內容，請換一張。")
    page.get_by_role("button", name="不接受這個應用程式").click()
    expect(page.get_by_text("已不接受這個應用程式")).to_be_visible()

    demo.deliver_mail()
    [mail] = [m for m in smtp_server.mailbox.to("citizen@demo.civic.tw") if NAME in m["Subject"]]
    assert "截圖看不出應用程式的內容" in Mailbox.text(mail)

    as_(demo, page, "citizen@demo.civic.tw")
    page.goto("/apps/mine")
    mine = page.locator("[data-my-apps] li", has_text=NAME)
    expect(mine.get_by_text("截圖看不出應用程式的內容")).to_be_visible()
    mine.get_by_role("link", name=re.compile("修改")).click()
    expect(page.locator('input[name="name"]')).to_have_value(NAME)
    checked(page, "apps-edit-phone-zh")
    page.locator('input[name="screenshot"]').set_input_files(picture("navy"))
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("您的修改正等待版主審核")).to_be_visible()

    as_(demo, page, "moderator@demo.civic.tw")
    page.goto("/admin/apps")
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("button", name="核准並公開").click()
    expect(page.get_by_text("應用程式已公開。")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/apps")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    link = page.get_by_role("link", name="https://map.example.org/")
    expect(link).to_have_attribute("rel", "nofollow ugc noopener")
    expect(page.get_by_role("img", name=f"{NAME} 的螢幕截圖")).to_be_visible()
    checked(page, "apps-detail-phone-zh")
    page.get_by_role("link", name="/api/v1/cases", exact=True).click()
    expect(page).to_have_url(re.compile(r"/api#get-api-v1-cases$"))
    page.goto("/apps/challenges")
    checked(page, "apps-challenges-phone-zh")


def test_the_showcase_in_english_on_a_phone(demo: LiveServer, phone: Page):
    page = phone
    sign_in_as(page, "citizen@demo.civic.tw")
    page.goto("/apps/submit?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit an app")
    fill_app(page, name=ENGLISH_NAME, link="ftp://example.org/", summary="Every tender of a case on one line")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a web address starting with https://")
    expect(page.get_by_text("If you chose a screenshot, choose it again")).to_be_visible()
    checked(page, "apps-submit-error-phone-en")
    page.locator('input[name="link"]').fill("https://timeline.example.org/")
    page.locator('input[name="screenshot"]').set_input_files(picture("olive"))
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("Your app waits for a moderator")).to_be_visible()
    checked(page, "apps-mine-phone-en")

    as_(demo, page, "moderator@demo.civic.tw")
    page.goto("/admin/apps?lang=en")
    checked(page, "admin-apps-phone-en")
    # Each page asks for English itself: the visit's language is kept in the session cookie, which the
    # page's own assets may answer with an older copy of.
    page.goto(page.get_by_role("link", name=ENGLISH_NAME).get_attribute("href") + "?lang=en")
    checked(page, "admin-app-phone-en")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("The app is published.")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/apps?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apps built on the data")
    checked(page, "apps-list-phone-en")
    page.goto(page.get_by_role("link", name=ENGLISH_NAME).get_attribute("href") + "?lang=en")
    checked(page, "apps-detail-phone-en")
    page.goto("/apps/challenges?lang=en")
    expect(page.get_by_role("heading", level=2, name="Open now")).to_be_visible()
    checked(page, "apps-challenges-phone-en")
    for path in ("/api/v1/cases", "/api/v1/cases", "/api/v1/agencies"):
        assert page.request.get(path).ok
    page.goto("/api?lang=en")
    expect(page.get_by_role("heading", name="How much the API is used")).to_be_visible()
    usage = page.locator('table[data-usage="endpoints"]')
    expect(usage.locator("tbody th", has_text="/api/v1/cases")).to_be_visible()
    page.locator("#usage").scroll_into_view_if_needed()
    checked(page, "api-usage-phone-en")
