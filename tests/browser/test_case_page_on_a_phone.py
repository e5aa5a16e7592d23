"""The longest demo case on a 390 px phone, in both languages: short enough to scroll through, never
wider than the screen, and its contents, sections and meetings worked by keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, fits, screenshot

pytestmark = pytest.mark.browser

DEMO_CASES = Path(__file__).resolve().parents[2] / "civic" / "demo" / "data" / "cases"
# The page must fit in this many CSS pixels on a 390 px phone.
TALLEST = 5_000


def biggest_demo_case() -> str:
    """The demo case with the most to show: the one with the most data (the largest file)."""
    biggest = max(DEMO_CASES.glob("*.yaml"), key=lambda path: path.stat().st_size)
    return yaml.safe_load(biggest.read_text(encoding="utf-8"))["case"]["slug"]


@pytest.mark.parametrize(("lang", "names"), [
    ("zh", {"contents": "本頁內容", "risks": "風險登錄", "meetings": "會議紀錄", "comments": "民眾留言"}),
    ("en", {"contents": "On this page", "risks": "Risk register", "meetings": "Meetings",
            "comments": "Public comments"}),
])
def test_the_biggest_case_fits_a_phone_and_works_by_keyboard(demo, phone: Page, lang, names):
    page = phone
    slug = biggest_demo_case()
    page.goto(f"/cases/{slug}?lang={lang}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < TALLEST, f"{slug} is {height} px tall on a 390 px phone"
    assert fits(page)
    check_accessibility(page)
    screenshot(page, f"47-biggest-case-phone-{lang}")

    contents = page.get_by_role("navigation", name=names["contents"])
    expect(contents).to_be_visible()
    risks = page.locator("details#risks")
    expect(risks).not_to_have_attribute("open", "")

    # The contents link opens the folded section it leads to.
    contents.get_by_role("link", name=names["risks"], exact=True).focus()
    page.keyboard.press("Enter")
    expect(risks).to_have_attribute("open", "")
    expect(risks.locator("table").first).to_be_visible()
    assert fits(page)
    # Every table of the register is read as labelled lines, none wider than the screen.
    widths = risks.locator("table").evaluate_all("tables => tables.map(t => t.getBoundingClientRect().right)")
    assert all(right <= 390 for right in widths)

    # A section's heading opens and closes it with the keyboard.
    meetings = page.locator("details#meetings")
    meetings.locator("summary").first.focus()
    page.keyboard.press("Enter")
    expect(meetings).to_have_attribute("open", "")
    expect(meetings.locator("details.civic-disclosure").first).to_have_attribute("open", "")
    older = meetings.locator("details.civic-disclosure").nth(1)
    expect(older).not_to_have_attribute("open", "")
    older.locator("summary").focus()
    page.keyboard.press(" ")
    expect(older).to_have_attribute("open", "")
    meetings.locator("summary").first.focus()
    page.keyboard.press("Enter")
    expect(meetings).not_to_have_attribute("open", "")

    # The thread is one link from the top, with its number of comments.
    comments_link = contents.get_by_role("link", name=names["comments"])
    comments_link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details#comments")).to_have_attribute("open", "")
    expect(page.locator("details#comments .civic-comment").first).to_be_in_viewport()

    # With every section open, still nothing sideways.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert fits(page)
    check_accessibility(page)


def test_the_case_list_puts_results_first_on_a_phone(demo, phone: Page):
    page = phone
    # Other browser tests publish cases on the same demo site: count the rail cases as they are now.
    page.goto("/cases?lang=zh&sector=rail")
    rail_cases = page.get_by_role("status").inner_text()
    page.goto("/cases?lang=zh")
    first_result = page.locator(".civic-card").first
    assert first_result.bounding_box()["y"] < 844, "the first case shows without scrolling"
    page.get_by_text("篩選", exact=True).click()
    page.get_by_label("領域").select_option("rail")
    page.get_by_label("預算下限").fill("1000")
    expect(page.get_by_label("單位")).to_have_value("yi")
    page.get_by_role("button", name="顯示案件").click()
    expect(page.get_by_role("status")).to_contain_text("1 件案件")
    expect(page.get_by_role("link", name="預算下限：1,000 億元")).to_be_visible()
    assert fits(page)
    check_accessibility(page)
    screenshot(page, "48-cases-filtered-phone-zh")
    page.get_by_role("link", name="預算下限：1,000 億元").click()
    expect(page.get_by_role("status")).to_have_text(rail_cases)
