"""Following the money on a phone, in both languages: a case's tender timeline with its signal, and
from a bidder's name to its company page with its pledges, self-assessment, contracts and tenders."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, fits, screenshot

pytestmark = pytest.mark.browser

# The demo case whose only tender drew one bidder (civic/demo/data/procurement/).
CASE = "taipei-mrt-wanda-line"
BIDDER_UBN = "95957117"

WORDS = {
    "zh": {"tenders": "採購公告與決標", "award": "決標公告", "signals": "風險訊號",
           "single": "公開招標僅一家廠商投標", "meaning": "這代表什麼", "source": "資料來源：政府電子採購網",
           "pledges": "廉潔承諾", "contracts": "契約", "tendered": "投標或得標的標案",
           "assessment": "誠信自評", "partly": "部分符合", "unverified": "未經本平臺查證"},
    "en": {"tenders": "Tenders and awards", "award": "決標公告", "signals": "Risk signals",
           "single": "One bidder in an open tender", "meaning": "What this means", "source": "Source:",
           "pledges": "Integrity pledges", "contracts": "Contracts", "tendered": "Tenders bid for or won",
           "assessment": "Integrity self-assessment", "partly": "Partly", "unverified": "has not verified them"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_tender_timeline_leads_to_the_bidders_company_page(demo, phone: Page, lang):
    words = WORDS[lang]
    page = phone
    page.goto(f"/cases/{CASE}?lang={lang}")

    # The contents lead to the folded timeline, which opens with the oldest announcement first.
    page.get_by_role("navigation").get_by_role("link", name=words["tenders"]).first.click()
    tenders = page.locator("details#tenders")
    expect(tenders).to_have_attribute("open", "")
    items = tenders.locator("ol > li")
    expect(items.last).to_contain_text(words["award"])
    dates = items.evaluate_all("items => items.map(i => i.querySelector('time')?.getAttribute('datetime'))")
    known = [day for day in dates if day]
    assert known == sorted(known) and len(known) >= 3
    expect(tenders).to_contain_text(BIDDER_UBN)
    expect(tenders).to_contain_text(words["source"])
    assert fits(page)

    # The signal says what it is, what it means and what it does not, and where it comes from.
    signals = page.locator("details#signals")
    signals.locator("summary").first.click()
    expect(signals).to_contain_text(words["single"])
    expect(signals).to_contain_text(words["meaning"])
    expect(signals.get_by_role("link", name="OCDS Cardinal R018 (Single bid received)")).to_be_visible()
    assert fits(page)
    check_accessibility(page)
    screenshot(page, f"60-tender-timeline-phone-{lang}")

    # The bidder's name leads to its company page: pledges, its own integrity self-assessment (dated,
    # unverified, unscored), contracts and the tender it won.
    tenders.locator(f"a[href*='/companies/{BIDDER_UBN}']").first.click()
    page.wait_for_url(f"**/companies/{BIDDER_UBN}**")
    main = page.get_by_role("main")
    for heading in (words["pledges"], words["assessment"], words["contracts"], words["tendered"]):
        expect(main.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assessment = main.locator("#self-assessment + p + .govuk-inset-text + dl")
    expect(assessment).to_contain_text(words["partly"])
    expect(main).to_contain_text(words["unverified"])
    expect(main).to_contain_text("DEMO-TPE-WD-01")
    assert fits(page)
    check_accessibility(page)
    screenshot(page, f"61-company-phone-{lang}")


def test_companies_are_found_by_name_and_number(demo, phone: Page):
    page = phone
    page.goto("/companies?lang=zh")
    box = page.get_by_label("廠商名稱或統一編號")
    box.fill(BIDDER_UBN)
    box.press("Enter")
    results = page.get_by_role("main")
    expect(results.locator(f"a[href$='/companies/{BIDDER_UBN}']")).to_be_visible()
    box = page.get_by_label("廠商名稱或統一編號")
    box.fill("深鑽")
    box.press("Enter")
    expect(results.locator(f"a[href$='/companies/{BIDDER_UBN}']")).to_be_visible()
    assert fits(page)
    check_accessibility(page)
