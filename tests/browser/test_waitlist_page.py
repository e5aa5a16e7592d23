"""A place on a full workshop's waitlist in a real browser: the registration page says the person
is waiting and where, in a neutral box (no green "done", no calendar file yet), and passes the
accessibility scan.
"""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.test_workshops_flow import FULL, workshop_id

pytestmark = pytest.mark.browser


def zh(server: LiveServer, message: str, **values) -> str:
    with server.app.test_request_context(), force_locale("zh_Hant_TW"):
        return babel_gettext(message, **values)


def test_a_visitor_on_the_waitlist_sees_a_waiting_state(demo, page: Page):
    page.goto(f"/workshops/{workshop_id(demo, FULL)}")
    page.locator('input[name="name"]').fill("候補測試者")
    page.locator('input[name="email"]').fill("browser.waiting@example.tw")
    page.locator('input[name="phone"]').fill("0912 345 679")
    page.locator('input[name="consent"]').check()
    page.get_by_role("button", name=zh(demo, "Join the waitlist"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(zh(demo, "Your registration"))
    expect(page.get_by_role("heading", name=zh(demo, "On the waitlist"))).to_be_visible()
    expect(page.locator(".govuk-panel--confirmation")).to_have_count(0)
    expect(page.locator(".govuk-notification-banner--success")).to_have_count(0)
    expect(page.locator('a[href$="calendar.ics"]')).to_have_count(0)
    expect(page.get_by_text(zh(demo, "You do not have a seat yet. When someone cancels, the first person waiting "
                                     "gets the seat; we will email you if it is yours."))).to_be_visible()
    check_accessibility(page)
    # Leave the shared demo workshop as it was: its waitlist is counted by the workshop flow.
    page.goto(page.url.split("#", 1)[0] + "/cancel")
    page.get_by_role("button", name=zh(demo, "Yes, cancel my registration")).click()
    expect(page.get_by_text(zh(demo, "Cancelled"), exact=True).first).to_be_visible()
