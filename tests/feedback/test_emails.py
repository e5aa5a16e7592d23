"""Feedback mail as delivered over SMTP: the same Taipei dates as the pages, the recipient's
language and agency names, and a footer that says why each recipient gets it.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
import time_machine

from civic.accounts.models import User
from civic.agencies.queries import get_agency_by_code
from civic.cases import queries as case_queries
from civic.core.roles import Role
from civic.core.time import TAIPEI, format_datetime, isoformat, to_taipei
from civic.extensions import db
from civic.feedback import moderation, queries, services
from civic.notifications.worker import deliver_pending
from tests.conftest import make_account
from tests.feedback.conftest import post
from tests.support import Mailbox

LANGUAGES = ["zh_Hant_TW", "en"]


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


def html_of(message) -> str:
    return html.unescape(message.get_body(preferencelist=("html",)).get_content())


def name_agencies(app, code: str, *, zh: str, en: str) -> None:
    with app.test_request_context():
        agency = get_agency_by_code(db.session, code)
        agency.name_zh, agency.name_en = zh, en
        db.session.commit()


def answer(app, staff_account, number: str) -> None:
    with app.test_request_context():
        services.publish_response(db.session, queries.get_feedback(db.session, number),
                                  actor=db.session.get(User, staff_account.id), body="已於三月完成。")
        db.session.commit()


def due_shown_on_page(client, number: str, locale: str) -> str:
    """The answer deadline exactly as the item's public page writes it."""
    with client.application.app_context():
        due_at = queries.get_feedback(db.session, number).due_at
    page = client.get(f"/feedback/{number}?lang={locale}").get_data(as_text=True)
    match = re.search(r'<time datetime="' + re.escape(isoformat(due_at)) + r'">([^<]+)</time>', page)
    assert match, "the page shows no answer deadline"
    return html.unescape(match.group(1))


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("taipei_time", [(0, 5), (7, 59)])
def test_an_item_received_before_eight_in_the_morning_taipei_time_has_the_same_due_date_in_its_mail_as_on_its_page(
        app, client, staff, admin, published_case, mailbox, locale, taipei_time):
    author = make_account(app, f"early-{locale.lower()}@example.tw", Role.citizen, locale=locale)
    hour, minute = taipei_time
    # Between midnight and eight in Taipei it is still the day before in UTC.
    received = datetime(2025, 3, 4, hour, minute, tzinfo=TAIPEI)
    with time_machine.travel(received, tick=False):
        number = post(app, author, published_case)[1]
    deliver(app)

    shown = due_shown_on_page(client, number, locale)
    with app.app_context():
        due_at = queries.get_feedback(db.session, number).due_at
    assert shown == format_datetime(due_at, locale)
    assert (f"民國{to_taipei(due_at).year - 1911}年" in shown) == (locale == "zh_Hant_TW")

    [mail] = mailbox.to(author.email)
    assert shown in Mailbox.text(mail)
    assert shown in html_of(mail)
    assert due_at.isoformat()[:10] not in Mailbox.text(mail)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_agencys_staff_get_the_same_due_date_as_the_page_in_their_own_language(
        app, client, admin, published_case, mailbox, locale, citizen):
    clerk = make_account(app, f"clerk-{locale.lower()}@agency-a.gov.tw", Role.staff, agency_code="A00000001",
                         locale=locale)
    with time_machine.travel(datetime(2025, 3, 4, 3, 30, tzinfo=TAIPEI), tick=False):
        number = post(app, citizen, published_case)[1]
    deliver(app)
    shown = due_shown_on_page(client, number, locale)
    [mail] = mailbox.to(clerk.email)
    assert shown in Mailbox.text(mail) and shown in html_of(mail)


def test_mail_names_the_agency_in_the_recipients_language(app, staff, admin, published_case, mailbox):
    name_agencies(app, "A00000001", zh="臺北市政府捷運工程局", en="Department of Rapid Transit Systems")
    reader = make_account(app, "reader@example.tw", Role.citizen, locale="en")
    number = post(app, reader, published_case)[1]
    answer(app, staff, number)
    deliver(app)
    answered = [m for m in mailbox.to(reader.email) if "answered" in m["Subject"]]
    assert answered and "Department of Rapid Transit Systems" in answered[0]["Subject"]
    assert "臺北市政府捷運工程局" not in Mailbox.text(answered[0])


def test_each_recipient_is_told_why_they_get_the_mail(app, citizen, staff, admin, published_case, mailbox):
    follower = make_account(app, "follower@example.tw", Role.citizen, locale="en")
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, published_case)
        moderation.follow(db.session, db.session.get(User, follower.id), case=case)
        db.session.commit()
    number = post(app, citizen, published_case)[1]
    answer(app, staff, number)
    deliver(app)

    def footers(address):
        return {Mailbox.text(m).rsplit("--", 1)[1].strip() for m in mailbox.to(address) if number in m["Subject"]}

    assert footers(citizen.email) == {"本信由 http://civic.test 寄出，因為您以在該網站的帳號提出了這則意見。"}
    assert footers(staff.email) == {"本信由 http://civic.test 寄出，因為您是負責處理這則意見的機關的同仁。"}
    [follower_mail] = mailbox.to(follower.email)
    assert "because you follow this case" in Mailbox.text(follower_mail)
    assert "because you follow this case" in html_of(follower_mail)
    assert all("action on your account" not in Mailbox.text(m) for m in mailbox.messages)


def test_a_forwarded_item_names_both_agencies_on_its_page_and_in_its_mail(
        app, client, citizen, staff, other_agency_staff, published_case, mailbox):
    name_agencies(app, "A00000001", zh="捷運工程局", en="Rapid Transit Department")
    name_agencies(app, "B00000002", zh="水利署", en="Water Resources Agency")
    english_author = make_account(app, "reader@example.tw", Role.citizen, locale="en")
    number = post(app, english_author, published_case)[1]
    deliver(app)
    mailbox.clear()
    with app.test_request_context():
        services.forward(db.session, queries.get_feedback(db.session, number),
                         get_agency_by_code(db.session, "B00000002"),
                         actor=db.session.get(User, staff.id), reason="屬水利署權責")
        db.session.commit()
    deliver(app)

    page = html.unescape(client.get(f"/feedback/{number}").get_data(as_text=True))
    assert "捷運工程局 → 水利署 · 屬水利署權責" in page
    assert "A00000001 →" not in page
    english = html.unescape(client.get(f"/feedback/{number}?lang=en").get_data(as_text=True))
    assert "Rapid Transit Department → Water Resources Agency" in english

    [to_new_agency] = mailbox.to(other_agency_staff.email)
    text = Mailbox.text(to_new_agency)
    assert "捷運工程局" in text and "水利署" in text and "屬水利署權責" in text
    assert "A00000001" not in text and "B00000002" not in text
    [to_author] = mailbox.to(english_author.email)
    text = Mailbox.text(to_author)
    assert "Rapid Transit Department forwarded your feedback" in text
    assert "Water Resources Agency" in text and "屬水利署權責" in text
