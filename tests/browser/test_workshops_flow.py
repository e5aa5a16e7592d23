"""Workshops in a real browser: a visitor finds a workshop on a phone, signs up, gets the mail and
the calendar file, and cancels through the link; a seat that comes free goes to the first person
waiting; staff see their own agency's attendee list and no other agency's.
"""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy import select

from civic.extensions import db
from civic.workshops.models import Workshop
from tests.browser.conftest import LiveServer, check_accessibility, screenshot, sign_in_as

pytestmark = pytest.mark.browser

OPEN = "萬大線施工期間交通維持說明與意見交流工作坊"
FULL = "阿姆坪防淤隧道工程社區說明工作坊"
VISITOR = "browser.visitor@example.tw"


def zh(server: LiveServer, message: str, **values) -> str:
    with server.app.test_request_context(), force_locale("zh_Hant_TW"):
        return babel_gettext(message, **values)


def workshop_id(server: LiveServer, title: str) -> int:
    with server.app.app_context():
        found = db.session.scalar(select(Workshop.id).where(Workshop.title == title))
        db.session.remove()
        return found


def mail_link(mailbox, address: str, subject_part: str, prefix: str) -> str:
    messages = [m for m in mailbox.to(address) if subject_part in m["Subject"]]
    assert messages, f"no mail to {address} about {subject_part}"
    return mailbox.link(messages[-1], prefix)


def test_a_visitor_signs_up_on_a_phone_and_cancels_through_the_mailed_link(demo, phone_page: Page, mailbox):
    page = phone_page
    page.goto("/workshops")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh(demo, "Participation workshops"))
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "80-workshops-phone-zh")

    page.get_by_role("link", name=OPEN).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(OPEN)
    expect(page.locator("#privacy-notice")).to_be_visible()
    check_accessibility(page)
    page.locator('input[name="name"]').fill("瀏覽器測試者")
    page.locator('input[name="email"]').fill(VISITOR)
    page.locator('input[name="phone"]').fill("0912 345 678")
    page.locator('input[name="consent"]').check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "81-workshop-sign-up-phone-zh")
    page.get_by_role("button", name=zh(demo, "Sign up"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(zh(demo, "Your registration"))
    expect(page.get_by_role("heading", name=zh(demo, "Seat confirmed"))).to_be_visible()
    expect(page.get_by_text("b***@example.tw", exact=False)).to_be_visible()
    check_accessibility(page)
    screenshot(page, "82-workshop-confirmed-phone-zh")

    demo.deliver_mail()
    own_page = mail_link(mailbox, VISITOR, OPEN, "/workshops/registrations/")
    calendar = page.request.get(own_page + "/calendar.ics")
    assert calendar.headers["content-type"].startswith("text/calendar")
    [event] = Calendar.from_ical(calendar.body()).walk("VEVENT")
    assert str(event["SUMMARY"]) == OPEN

    page.goto(mail_link(mailbox, VISITOR, OPEN, own_page + "/cancel"))
    check_accessibility(page)
    page.get_by_role("button", name=zh(demo, "Yes, cancel my registration")).click()
    done = zh(demo, "Your registration has been cancelled. Thank you for telling us.")
    expect(page.get_by_text(done)).to_be_visible()
    check_accessibility(page)
    screenshot(page, "83-workshop-cancelled-phone-zh")


def test_a_seat_that_comes_free_goes_to_the_first_person_waiting(demo, page: Page, mailbox):
    full = workshop_id(demo, FULL)
    page.goto(f"/workshops/{full}")
    expect(page.locator("#seats")).to_contain_text(zh(demo, "%(left)d of %(capacity)d seats left", left=0,
                                                      capacity=3))
    demo.deliver_mail()
    # A seated demo attendee cancels through the link in their own confirmation mail.
    cancel = mail_link(mailbox, "attendee1@demo.civic.tw", FULL, "/workshops/registrations/")
    page.goto(cancel + "/cancel")
    page.get_by_role("button", name=zh(demo, "Yes, cancel my registration")).click()
    expect(page.get_by_text(zh(demo, "Cancelled"), exact=True).first).to_be_visible()
    demo.deliver_mail()
    promoted = [m for m in mailbox.to("attendee4@demo.civic.tw") if FULL in m["Subject"]]
    assert promoted[-1]["Subject"] == zh(demo, "A seat came free and it is yours: %(title)s", title=FULL)
    page.goto(f"/workshops/{full}")
    expect(page.locator("#seats")).to_contain_text(zh(demo, "%(left)d of %(capacity)d seats left", left=0,
                                                      capacity=3))
    check_accessibility(page)
    with demo.app.app_context():
        workshop = db.session.get(Workshop, full)
        assert (workshop.confirmed_count, workshop.waitlisted_count) == (3, 1)
        db.session.remove()


def test_staff_see_their_own_attendee_list_and_no_other_agencys(demo, browser):
    open_id = workshop_id(demo, OPEN)
    staff = browser.new_context(locale="zh-TW", base_url=demo.url).new_page()
    sign_in_as(staff, "staff.mrt@demo.civic.tw")
    staff.goto("/staff/workshops/")
    check_accessibility(staff)
    staff.get_by_role("link", name=OPEN).click()
    expect(staff.get_by_role("heading", name=zh(demo, "Attendees"))).to_be_visible()
    expect(staff.get_by_text("attendee1@demo.civic.tw")).to_be_visible()
    check_accessibility(staff)
    screenshot(staff, "84-workshop-attendees-zh")
    staff.context.close()

    other = browser.new_context(locale="zh-TW", base_url=demo.url).new_page()
    sign_in_as(other, "staff.water@demo.civic.tw")
    assert other.goto(f"/staff/workshops/{open_id}").status == 403
    assert other.goto(f"/staff/workshops/{open_id}/attendees.csv").status == 403
    other.context.close()
