"""Site-wide pages in a real browser: the service status and the accessibility statement, and an
agency's chart on a phone with text people can read."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, check_accessibility

DEMO_AGENCY = "379130000"
PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "status", "statement"), [
    ("zh", "服務狀態", "無障礙聲明"),
    ("en", "Service status", "Accessibility statement"),
])
def test_the_status_page_and_the_accessibility_statement_are_reached_from_the_footer(
        phone_page: Page, demo: LiveServer, lang, status, statement):
    phone_page.set_viewport_size(PHONE)
    phone_page.goto(f"/?lang={lang}")
    phone_page.locator("footer").get_by_role("link", name=status).click()
    expect(phone_page.locator("h1")).to_have_text(status)
    expect(phone_page.locator(".govuk-summary-list__row")).to_have_count(5)
    check_accessibility(phone_page)
    phone_page.locator("footer").get_by_role("link", name=statement).click()
    expect(phone_page.locator("h1")).to_have_text(statement)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_accessibility(phone_page)


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "month"), [("zh", r"民國\d+年1月"), ("en", r"Jan \d{4}")])
def test_on_a_phone_the_agency_chart_text_is_at_least_12_px(phone_page: Page, demo: LiveServer, lang, month):
    phone_page.set_viewport_size(PHONE)
    phone_page.goto(f"/agencies/{DEMO_AGENCY}?lang={lang}")
    chart = phone_page.locator("img.civic-chart")
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    phone_page.wait_for_function("document.querySelector('img.civic-chart').complete")
    source = chart.evaluate("img => img.currentSrc")
    assert "layout=narrow" in source
    shown = chart.bounding_box()["width"]
    assert shown <= PHONE["width"]
    svg = phone_page.request.get(source).text()
    drawn = float(re.search(r'<svg[^>]*\sviewBox="0 0 ([\d.]+) ', svg).group(1))
    smallest = min(float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", svg))
    assert smallest * shown / drawn >= 12, (smallest, shown, drawn)
    # The months read as the table beside the chart reads them.
    assert re.search(rf">{month}</text>", svg)
    expect(phone_page.locator(".civic-months-table th[scope=row]").first).to_have_text(re.compile(month))
