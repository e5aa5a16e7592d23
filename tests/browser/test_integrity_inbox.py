"""The integrity inbox in a real browser on a 390 px phone, in Chinese and in English: an officer of the
integrity authority signs in, finds a report in the inbox, reads it, writes an internal note, moves it
under review and writes to the reporter; every page axe clean and no wider than the phone."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from civic.accounts import services as accounts
from civic.agencies import services as agencies
from civic.agencies.queries import get_agency_by_code
from civic.core.permissions import SYSTEM
from civic.core.roles import Role
from civic.core.short_ids import new_short_id
from civic.extensions import db
from civic.reports.models import ConfidentialReport
from tests.browser.conftest import check_accessibility, fits, screenshot
from tests.support import PASSWORD

pytestmark = pytest.mark.browser

WHAT = "瀏覽器測試：驗收人員與廠商私下約定，放寬驗收標準。"
NOTE = "已調閱驗收紀錄，待比對。"
MESSAGE = "請問您是否知道約定的時間與地點？"

WORDS = {
    "zh_Hant_TW": {"inbox": "檢舉信箱", "signed_in": "您已登入。", "note": "內部備註", "noted": "已新增備註。",
                   "status": "新狀態", "under_review": "調查中", "changed": "檢舉案狀態已變更。",
                   "message": "給檢舉人的訊息", "sent": "訊息已送出。", "email": "電子郵件", "password": "密碼",
                   "number": "第 %d 號", "title": "第 %d 號檢舉"},
    "en": {"inbox": "Integrity inbox", "signed_in": "You are signed in.", "note": "Internal note",
           "noted": "Note added.", "status": "New status", "under_review": "Under review",
           "changed": "The report's status is changed.", "message": "Message to the reporter",
           "sent": "Message sent.", "email": "Email", "password": "Password", "number": "No. %d",
           "title": "Report no. %d"},
}


def officer_with_a_report(live_server) -> tuple[str, int]:
    """An officer of the integrity authority (who reads every report) and a report waiting for them."""
    email = f"officer-{uuid.uuid4().hex[:8]}@aac.gov.tw"
    with live_server.app.test_request_context():
        code = live_server.app.config["AUTHORITY_AGENCY_CODE"]
        authority = get_agency_by_code(db.session, code) or agencies.create_agency(
            db.session, code=code, name_zh="法務部廉政署", name_en="Agency Against Corruption", actor=SYSTEM)
        accounts.create_user(db.session, email=email, password=PASSWORD, display_name="廉政官",
                             role=Role.integrity_officer, agency=authority, verified=True)
        report = ConfidentialReport(receipt=new_short_id("R"), passphrase_hash="not-a-real-hash", year=2026,
                                    what=WHAT, who="驗收人員")
        db.session.add(report)
        db.session.commit()
        return email, report.id


def sign_in(page: Page, email: str, locale: str) -> None:
    page.goto(f"/login?lang={'en' if locale == 'en' else 'zh_Hant_TW'}")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text(WORDS[locale]["signed_in"])).to_be_visible()


def checked(page: Page) -> None:
    check_accessibility(page)
    assert fits(page)


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_an_officer_handles_a_report_on_a_phone(live_server, phone: Page, locale: str):
    page = phone
    words = WORDS[locale]
    email, number = officer_with_a_report(live_server)
    sign_in(page, email, locale)

    page.goto("/integrity/")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["inbox"])
    expect(page.locator("main")).not_to_contain_text(WHAT)
    checked(page)
    screenshot(page, f"integrity-inbox-phone-{locale}")

    # Officers know a report by its number, never by the reporter's receipt.
    page.get_by_role("link", name=words["number"] % number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"] % number)
    expect(page.locator("main")).to_contain_text(WHAT)
    checked(page)

    page.get_by_label(words["note"], exact=True).fill(NOTE)
    page.locator("#section-notes ~ form button[type=submit]").first.click()
    expect(page.get_by_text(words["noted"])).to_be_visible()
    expect(page.locator("[data-note]")).to_contain_text(NOTE)

    page.get_by_label(words["status"]).select_option("under_review")
    page.locator("#section-status ~ form button[type=submit]").first.click()
    expect(page.get_by_text(words["changed"])).to_be_visible()
    expect(page.locator("[data-status]")).to_contain_text(words["under_review"])

    page.get_by_label(words["message"]).fill(MESSAGE)
    page.locator("#section-messages ~ form button[type=submit]").first.click()
    expect(page.get_by_text(words["sent"])).to_be_visible()
    expect(page.locator("[data-message]")).to_contain_text(MESSAGE)
    expect(page.locator('[data-history="report.read"]').first).to_be_visible()
    checked(page)
    screenshot(page, f"integrity-report-phone-{locale}")

    # A refusal is shown beside its field, in the page's language, and is accessible too.
    page.locator("#section-notes ~ form button[type=submit]").first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    checked(page)
