"""Disclosure by stage on a 390 px phone, in both languages: the section opens from the contents, and its
tables (the stages, funding sources, each contract's variations) stack into labelled lines that fit."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, fits, screenshot

pytestmark = pytest.mark.browser

CASE = "taipei-mrt-wanda-line"  # funding sources and two variations of one contract


@pytest.mark.parametrize(("lang", "title", "reason"), [
    ("zh", "依階段揭露", "理由"),
    ("en", "Disclosure by stage", "Reason"),
])
def test_the_disclosure_section_fits_a_phone(demo, phone: Page, lang, title, reason):
    page = phone
    page.goto(f"/cases/{CASE}?lang={lang}")
    section = page.locator("details#disclosure")
    expect(section).not_to_have_attribute("open", "")
    page.locator("nav.civic-contents").get_by_role("link", name=title, exact=True).click()
    expect(section).to_have_attribute("open", "")
    expect(section.get_by_role("heading", name=title)).to_be_visible()
    expect(section.locator("table").first).to_be_visible()
    assert section.locator("table").count() >= 3  # the stages, the funding sources, the variations
    widths = section.locator("table").evaluate_all("tables => tables.map(t => t.getBoundingClientRect().right)")
    assert all(right <= 390 for right in widths), widths
    # A stacked variation names its reason.
    label = section.locator(f'td[data-label="{reason}"]').first
    expect(label).to_be_visible()
    assert fits(page)
    check_accessibility(page)
    screenshot(page, f"disclosure-phone-{lang}")
