"""Cases in a real browser: the public browses the demo cases; staff apply; the authority decides."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in_as

pytestmark = pytest.mark.browser



def test_a_visitor_browses_and_filters_cases_on_a_phone(demo, phone_page: Page):
    page = phone_page
    page.goto("/")
    expect(page.get_by_role("heading", name="優良案例")).to_be_visible()
    page.goto("/cases")
    expect(page.get_by_role("status")).to_contain_text("15 件案件")
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "40-cases-phone-zh")

    page.get_by_text("篩選", exact=True).click()
    page.get_by_label("領域").select_option("rail")
    page.get_by_role("button", name="顯示案件").click()
    expect(page.get_by_role("status")).to_contain_text("3 件案件")
    page.get_by_role("link", name="臺北捷運萬大－中和－樹林線第一期工程").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("萬大")
    for section in ["基本資料", "平臺成員", "會議紀錄", "風險登錄", "里程碑", "契約", "文件", "異動紀錄"]:
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "41-case-phone-zh")


def test_the_case_pages_read_in_english(demo, page: Page):
    page.goto("/cases?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("status")).to_contain_text("15 cases")
    check_accessibility(page)
    page.get_by_role("link", name="Taipei MRT Wanda–Zhonghe–Shulin Line, Phase 1").click()
    expect(page.get_by_role("heading", name="Risk register")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "42-case-en")
    page.goto("/agencies")
    check_accessibility(page)


def test_staff_apply_below_the_threshold_and_the_authority_approves(demo, page: Page, browser):
    sign_in_as(page, "staff.mrt@demo.civic.tw")
    page.get_by_role("link", name="本機關案件").click()
    page.get_by_role("link", name="申請成立新的廉政平臺").click()
    check_accessibility(page)
    page.get_by_label("中文名稱").fill("捷運站體無障礙改善")
    page.get_by_label("英文名稱").fill("Metro station accessibility upgrade")
    page.get_by_label("網址", exact=True).fill("mrt-accessibility-upgrade")
    page.get_by_label("領域").select_option("rail")
    page.get_by_label("工程").check()
    page.get_by_label("狀態").select_option("preparation")
    page.get_by_label("縣市").select_option("taipei")
    page.get_by_label("預算（新臺幣元）").fill("150,000,000")
    page.get_by_label("這個案件為什麼需要廉政平臺？").fill("多站同時施工，廠商多，需外部監督。")
    page.locator('textarea[name="risks-0-risk"]').fill("分包層層轉包")
    page.get_by_role("button", name="送出申請").click()
    expect(page.get_by_text("低於工程的巨額採購門檻")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "43-application-below-threshold-zh")

    other = browser.new_context(locale="zh-TW", base_url=demo.url).new_page()
    sign_in_as(other, "staff.water@demo.civic.tw")
    response = other.goto("/manage/cases/mrt-accessibility-upgrade")
    assert response.status == 404
    response = other.goto("/manage/cases/taipei-mrt-wanda-line/edit")
    assert response.status == 403
    other.context.close()

    admin = browser.new_context(locale="zh-TW", base_url=demo.url).new_page()
    sign_in_as(admin, "admin@demo.civic.tw")
    admin.get_by_role("link", name="管理", exact=True).click()
    admin.get_by_role("link", name="平臺申請等待決定").click()
    admin.get_by_role("link", name="捷運站體無障礙改善").click()
    expect(admin.get_by_text("低於工程的巨額採購門檻")).to_be_visible()
    check_accessibility(admin)
    admin.get_by_label("核准並公開").check()
    admin.get_by_role("button", name="記錄決定").click()
    expect(admin.get_by_text("您的決定已記錄")).to_be_visible()
    admin.goto("/cases/mrt-accessibility-upgrade")
    admin.get_by_role("link", name="優良案例").last.click()
    admin.get_by_label("將這個案件列為優良案例").check()
    admin.get_by_label("理由（中文）").fill("申請理由具體，風險自評完整。")
    admin.get_by_role("button", name="儲存").click()
    expect(admin.get_by_text("申請理由具體，風險自評完整。").first).to_be_visible()
    screenshot(admin, "44-best-practice-zh")
    admin.context.close()


def test_staff_correct_a_meetings_decisions_and_the_record_shows_it_in_both_languages(demo, phone_page: Page):
    from sqlalchemy import select

    from civic.cases.models import Case, Meeting
    from civic.extensions import db

    with demo.app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).join(Case).where(Case.slug == "taipei-mrt-wanda-line")
                                       .order_by(Meeting.held_on).limit(1))
    page = phone_page
    sign_in_as(page, "staff.mrt@demo.civic.tw")
    page.goto(f"/manage/cases/taipei-mrt-wanda-line/meetings/{meeting_id}/edit")
    decisions = page.get_by_label("決議")
    earlier = decisions.input_value()
    decisions.fill(earlier.splitlines()[0] + "，並於會後一週內上網公開")
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_text("請說明修改已公開案件的理由").first).to_be_visible()
    assert page.get_by_label("決議").input_value().endswith("並於會後一週內上網公開")
    page.get_by_label("修改理由").fill("會議紀錄確認時更正決議文字")
    page.get_by_role("button", name="儲存").click()
    expect(page.get_by_text("已儲存")).to_be_visible()

    # A link to the meeting opens its folded section and the meeting itself.
    page.goto(f"/cases/taipei-mrt-wanda-line#meeting-{meeting_id}")
    meeting = page.locator(f"section[aria-labelledby='meeting-{meeting_id}']")
    expect(meeting.locator(".civic-correction")).to_contain_text("更正於 民國")
    expect(meeting.locator(".civic-correction")).to_contain_text("會議紀錄確認時更正決議文字")
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    meeting.get_by_role("link", name="查看更正前的內容").click()
    change = page.locator(".civic-change:target")
    expect(change).to_contain_text("變更前")
    expect(change.locator(".civic-change__after")).to_contain_text("並於會後一週內上網公開")
    expect(change.locator("ins").first).to_be_visible()
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "45-meeting-correction-history-phone-zh")

    page.goto(f"/cases/taipei-mrt-wanda-line?lang=en#meeting-{meeting_id}")
    meeting = page.locator(f"section[aria-labelledby='meeting-{meeting_id}']")
    expect(meeting.locator(".civic-correction")).to_contain_text("Corrected on")
    meeting.get_by_role("link", name="See the earlier wording").click()
    change = page.locator(".civic-change:target")
    expect(change).to_contain_text("Before")
    expect(change).to_contain_text("Decisions")
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "46-meeting-correction-history-phone-en")
