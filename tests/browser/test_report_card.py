"""Agency report cards in a real browser: read in both languages, printed to PDF without the site's
menus, and the agencies table at phone width without sideways scrolling."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from civic.core.time import TAIPEI
from tests.browser.conftest import LiveServer, check_accessibility, screenshot

DEMO_AGENCY = "379130000"
PHONE = {"width": 390, "height": 844}


def this_year() -> int:
    # The demo items are received as the data loads, so they fall in this Taipei year.
    return datetime.now(TAIPEI).year


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "heading", "answered"), [
    ("zh", "成績單：臺北市政府捷運工程局", "本年度已回覆的意見"),
    ("en", "Report card", "The year's answered items"),
])
def test_a_report_card_reads_well_and_prints_without_the_site_around_it(page: Page, demo: LiveServer, lang,
                                                                      heading, answered):
    page.goto(f"/agencies/{DEMO_AGENCY}/report-card/{this_year()}?lang={lang}")
    expect(page.locator("h1")).to_contain_text(heading)
    expect(page.get_by_role("heading", name=answered)).to_be_visible()
    expect(page.locator(".civic-report-items tbody tr")).not_to_have_count(0)
    check_accessibility(page)
    screenshot(page, f"report-card-{lang}")

    navigation = page.locator(".govuk-service-navigation")
    expect(navigation).to_be_visible()
    page.emulate_media(media="print")
    expect(navigation).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.locator(".civic-no-print")).to_be_hidden()
    expect(page.locator(".civic-print-only")).to_be_visible()
    expect(page.get_by_role("heading", name=answered)).to_be_visible()
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1024


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_agencies_table_fits_a_phone(phone_page: Page, demo: LiveServer, lang):
    phone_page.set_viewport_size(PHONE)
    phone_page.goto(f"/agencies?lang={lang}&sort=received&dir=desc")
    expect(phone_page.locator("th[aria-sort=descending]")).to_have_count(1)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Each agency's name reads across the card, not one character per line.
    name = phone_page.locator(".civic-agency-figures__name").first
    assert name.bounding_box()["width"] > PHONE["width"] / 2
    check_accessibility(phone_page)
    screenshot(phone_page, f"agencies-phone-{lang}")
