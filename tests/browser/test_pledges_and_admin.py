"""Pledges and administration in a real browser: a supplier signs and withdraws; the
authority imports agencies, invites a staff member and reads the audit trail.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in_as

pytestmark = pytest.mark.browser


def test_a_supplier_signs_for_a_case_checks_the_receipt_and_withdraws(demo, phone_page: Page):
    page = phone_page
    sign_in_as(page, "supplier@demo.civic.tw")
    page.goto("/pledges/sign?case=tainan-railway-underground")
    check_accessibility(page)
    page.get_by_label("公司", exact=True).select_option("90000006")
    page.get_by_label("簽署人姓名").fill("王大明")
    page.get_by_label("簽署人職稱").fill("負責人")
    page.get_by_label("我代表公司同意上述內容").check()
    page.get_by_role("button", name="簽署", exact=True).click()
    expect(page.get_by_text(re.compile("已簽署。您的收據編號是 P-"))).to_be_visible()
    expect(page.get_by_text("相符", exact=True)).to_be_visible()
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "60-pledge-receipt-phone-zh")
    page.get_by_role("link", name="撤回這份承諾書").click()
    page.get_by_label("撤回的公開理由").fill("示範撤回")
    page.get_by_role("button", name="撤回").click()
    expect(page.get_by_text("示範撤回")).to_be_visible()
    page.goto("/pledges")
    check_accessibility(page)


def test_the_authority_imports_agencies_invites_staff_and_reads_the_trail(demo, page: Page, tmp_path):
    sign_in_as(page, "admin@demo.civic.tw")
    page.goto("/admin/")
    check_accessibility(page)
    csv = tmp_path / "agencies.csv"
    csv.write_text("code,name_zh,name_en,parent_code\n" + "\n".join(
        f"T{i:08d},測試機關{i},Test agency {i}," for i in range(10)) + "\n", encoding="utf-8")
    page.goto("/admin/agencies/import")
    page.get_by_label("CSV 檔案").set_input_files(str(csv))
    page.get_by_role("button", name="檢查檔案").click()
    expect(page.get_by_text("10 筆資料已檢查完畢")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="匯入這些機關").click()
    expect(page.get_by_text("已匯入 10 個機關")).to_be_visible()
    page.goto("/admin/users/invite")
    page.get_by_label("電子郵件地址").fill("new.clerk@demo.civic.tw")
    page.get_by_label("機關承辦人員").check()
    page.get_by_label("機關（承辦人員用）").select_option("T00000003")
    page.get_by_role("button", name="寄出邀請").click()
    expect(page.get_by_text("邀請已寄給 new.clerk@demo.civic.tw")).to_be_visible()
    check_accessibility(page)
    page.goto("/admin/audit")
    expect(page.locator("tbody").get_by_text("寄出邀請").first).to_be_visible()
    expect(page.locator("tbody").get_by_text("new.clerk@demo.civic.tw").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "70-audit-zh")
    page.goto("/admin/outbox")
    check_accessibility(page)


@pytest.mark.parametrize("width", [390, 1366])
def test_the_audit_trail_reads_in_both_languages_on_a_phone_and_a_wide_screen(demo, page: Page, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_as(page, "admin@demo.civic.tw")
    for lang, words in (("zh_Hant_TW", "操作者"), ("en", "Who")):
        page.goto(f"/admin/audit?lang={lang}")
        expect(page.locator("thead").get_by_text(words, exact=True)).to_be_attached()
        assert page.locator("tbody tr").count() > 0
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        check_accessibility(page)
        screenshot(page, f"71-audit-{lang}-{width}")
