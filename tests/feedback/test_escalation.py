"""Escalation of unanswered feedback: it reaches a person (the supervising agency's staff, or the
integrity authority), the history says whom only when someone was told, the author hears of it
with the page's dates, and the authority's dashboard shows what is overdue by agency and age.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.agencies.queries import get_agency_by_code
from civic.agencies.services import create_agency
from civic.core.audit import AuditEntry
from civic.core.permissions import SYSTEM
from civic.core.roles import Role
from civic.core.time import TAIPEI, format_datetime, isoformat, to_taipei
from civic.extensions import db
from civic.feedback import deadlines, queries, services
from civic.feedback.models import Comment, FeedbackEvent
from civic.notifications.models import OutboxMessage
from civic.notifications.worker import deliver_pending
from tests.cases import factories as case_factories
from tests.conftest import make_account
from tests.feedback.conftest import post
from tests.support import Mailbox, login

RECEIVED = datetime(2025, 3, 4, 10, 0, tzinfo=TAIPEI)
# A week after the deadline (FEEDBACK_ESCALATION_GRACE_DAYS), and a little more.
PAST_GRACE = timedelta(days=7, hours=1)
LANGUAGES = ["zh_Hant_TW", "en"]


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


def html_of(message) -> str:
    return html.unescape(message.get_body(preferencelist=("html",)).get_content())


def receive(app, author, slug: str, at: datetime = RECEIVED) -> str:
    with time_machine.travel(at, tick=False):
        return post(app, author, slug, f"請問 {at.isoformat()} 的工程進度？")[1]


def due_of(app, number: str) -> datetime:
    with app.app_context():
        return queries.get_feedback(db.session, number).due_at


def check(app, at: datetime) -> deadlines.DeadlineReport:
    """Run the deadline check as cron would, at ``at``."""
    with time_machine.travel(at, tick=False), app.test_request_context():
        report = deadlines.check_deadlines(db.session)
        db.session.commit()
        return report


def name_agency(app, code: str, *, zh: str, en: str) -> None:
    with app.app_context():
        agency = get_agency_by_code(db.session, code)
        agency.name_zh, agency.name_en = zh, en
        db.session.commit()


def place_under(app, code: str, parent_code: str) -> None:
    with app.app_context():
        get_agency_by_code(db.session, code).parent = get_agency_by_code(db.session, parent_code)
        db.session.commit()


def events(app, number: str, kind: str) -> list[tuple[bool, dict]]:
    with app.app_context():
        feedback = queries.get_feedback(db.session, number)
        return [(event.is_public, event.data) for event in feedback.events if event.kind == kind]


def audit_count(app, action: str, number: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == action, AuditEntry.target_id == number))


def page(client, number: str, locale: str = "zh_Hant_TW") -> str:
    return html.unescape(client.get(f"/feedback/{number}?lang={locale}").get_data(as_text=True))


def due_shown_on_page(client, number: str, locale: str) -> str:
    """The answer deadline exactly as the item's public page writes it."""
    due_at = due_of(client.application, number)
    match = re.search(r'<time datetime="' + re.escape(isoformat(due_at)) + r'">([^<]+)</time>',
                      page(client, number, locale))
    assert match, "the page shows no answer deadline"
    return match.group(1)


def suspend(app, account, *, by) -> None:
    with app.test_request_context():
        accounts.suspend_user(db.session, db.session.get(User, account.id), actor=db.session.get(User, by.id),
                              reason="測試")
        db.session.commit()


def test_an_item_of_a_supervised_agency_goes_to_the_supervisors_staff_and_its_page_names_the_supervisor(
        app, client, citizen, staff, admin, published_case, mailbox):
    boss = make_account(app, "boss@ministry.gov.tw", Role.staff, agency_code="P00000001", locale="en")
    name_agency(app, "P00000001", zh="交通部", en="Ministry of Transportation")
    name_agency(app, "A00000001", zh="捷運工程局", en="Rapid Transit Department")
    place_under(app, "A00000001", "P00000001")
    number = receive(app, citizen, published_case)
    deliver(app)
    mailbox.clear()

    report = check(app, due_of(app, number) + PAST_GRACE)
    deliver(app)

    assert (report.overdue, report.escalated, report.to_authority, report.unreported) == (1, 1, 0, 0)
    assert events(app, number, "escalated") == [(True, {"to": "supervisor", "agency": "P00000001"})]
    [to_boss] = mailbox.to(boss.email)
    assert "Rapid Transit Department has not answered feedback" in Mailbox.text(to_boss)
    assert "because you are staff of the agency that supervises" in Mailbox.text(to_boss)
    assert not [m for m in mailbox.to(admin.email) if number in m["Subject"]]
    chinese = page(client, number)
    assert "已通報上級機關：交通部" in chinese and "P00000001" not in chinese
    assert "Reported to the supervising agency: Ministry of Transportation" in page(client, number, "en")
    [escalated] = [event for event in client.get(f"/api/v1/feedback/{number}").get_json()["history"]
                   if event["kind"] == "escalated"]
    assert (escalated["escalated_to"], escalated["to_agency"]) == ("supervisor", "P00000001")


def test_an_item_of_a_top_level_agency_goes_to_the_administrators_in_their_language(
        app, client, citizen, staff, admin, moderator, published_case, mailbox):
    english_admin = make_account(app, "chief@aac.gov.tw", Role.admin, locale="en")
    away = make_account(app, "away@aac.gov.tw", Role.admin)
    suspend(app, away, by=moderator)
    name_agency(app, "A00000001", zh="捷運工程局", en="Rapid Transit Department")
    number = receive(app, citizen, published_case)
    deliver(app)
    mailbox.clear()

    report = check(app, due_of(app, number) + PAST_GRACE)
    deliver(app)

    assert (report.escalated, report.to_authority) == (1, 1)
    assert events(app, number, "escalated") == [(True, {"to": "authority"})]
    [chinese_mail] = mailbox.to(admin.email)
    assert "捷運工程局" in Mailbox.text(chinese_mail) and "廉政主管機關" in Mailbox.text(chinese_mail)
    assert "逾期未回覆的意見無上級機關可通報時" in Mailbox.text(chinese_mail)
    [english_mail] = mailbox.to(english_admin.email)
    assert "Rapid Transit Department has not answered feedback" in Mailbox.text(english_mail)
    assert f"/feedback/{number}" in Mailbox.text(english_mail)
    assert f"/feedback/{number}" in html_of(english_mail)
    assert not mailbox.to(away.email)
    assert "已通報廉政主管機關" in page(client, number)
    assert "Reported to the integrity authority" in page(client, number, "en")
    [escalated] = [event for event in client.get(f"/api/v1/feedback/{number}").get_json()["history"]
                   if event["kind"] == "escalated"]
    assert (escalated["escalated_to"], escalated["to_agency"]) == ("authority", None)


def test_a_supervisor_with_nobody_to_tell_leaves_the_item_to_the_administrators(
        app, client, citizen, staff, admin, published_case, mailbox):
    with app.test_request_context():
        create_agency(db.session, code="P00000002", name_zh="無人機關", actor=SYSTEM)
        db.session.commit()
    place_under(app, "A00000001", "P00000002")
    number = receive(app, citizen, published_case)

    report = check(app, due_of(app, number) + PAST_GRACE)
    deliver(app)

    assert report.to_authority == 1
    assert events(app, number, "escalated") == [(True, {"to": "authority"})]
    assert [m for m in mailbox.to(admin.email) if number in m["Subject"] and "尚未回覆" in m["Subject"]]
    assert "無人機關" not in page(client, number)


def test_with_nobody_to_tell_the_item_is_not_said_to_be_escalated_and_is_escalated_once_someone_exists(
        app, client, citizen, staff, admin, moderator, published_case, mailbox):
    suspend(app, admin, by=moderator)
    number = receive(app, citizen, published_case)
    past_grace = due_of(app, number) + PAST_GRACE

    first = check(app, past_grace)
    second = check(app, past_grace + timedelta(days=1))

    assert (first.escalated, first.unreported, second.escalated, second.unreported) == (0, 1, 0, 1)
    assert events(app, number, "escalated") == []
    assert events(app, number, "escalation_blocked") == [(False, {})]
    assert audit_count(app, "feedback.escalation_blocked", number) == 1
    assert audit_count(app, "feedback.escalated", number) == 0
    with app.app_context():
        assert queries.get_feedback(db.session, number).escalated_at is None
    assert "通報" not in page(client, number)
    login(client, staff)
    staff_page = html.unescape(client.get(f"/staff/feedback/{number}").get_data(as_text=True))
    assert "無法通報：沒有可通知的上級機關或管理者" in staff_page

    newcomer = make_account(app, "newcomer@aac.gov.tw", Role.admin)
    third = check(app, past_grace + timedelta(days=2))
    deliver(app)

    assert (third.escalated, third.to_authority, third.unreported) == (1, 1, 0)
    assert events(app, number, "escalated") == [(True, {"to": "authority"})]
    assert events(app, number, "escalation_blocked") == [(False, {})]
    assert [m for m in mailbox.to(newcomer.email) if number in m["Subject"]]
    assert not [m for m in mailbox.to(admin.email) if number in m["Subject"]]


def test_running_the_check_twice_changes_nothing(app, citizen, staff, admin, published_case):
    number = receive(app, citizen, published_case)
    past_grace = due_of(app, number) + PAST_GRACE
    check(app, past_grace)

    def state():
        with app.app_context():
            return (db.session.scalar(select(func.count(FeedbackEvent.id))),
                    db.session.scalar(select(func.count(OutboxMessage.id))),
                    db.session.scalar(select(func.count(AuditEntry.id))),
                    queries.get_feedback(db.session, number).escalated_at)

    before = state()
    again = check(app, past_grace + timedelta(days=3))
    assert (again.overdue, again.escalated, again.unreported) == (0, 0, 0)
    assert state() == before


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("taipei_time", [(0, 5), (7, 59), (15, 30)])
def test_the_author_is_told_when_the_item_is_overdue_and_when_it_is_escalated_with_the_pages_date(
        app, client, staff, admin, published_case, mailbox, locale, taipei_time):
    author = make_account(app, f"author-{locale.lower()}@example.tw", Role.citizen, locale=locale)
    name_agency(app, "A00000001", zh="捷運工程局", en="Rapid Transit Department")
    hour, minute = taipei_time
    # Between midnight and eight in Taipei it is still the day before in UTC.
    number = receive(app, author, published_case, datetime(2025, 3, 4, hour, minute, tzinfo=TAIPEI))
    deliver(app)
    mailbox.clear()
    due_at = due_of(app, number)
    shown = due_shown_on_page(client, number, locale)
    assert shown == format_datetime(due_at, locale)
    assert (f"民國{to_taipei(due_at).year - 1911}年" in shown) == (locale == "zh_Hant_TW")
    agency, other_name = (("捷運工程局", "Rapid Transit Department") if locale == "zh_Hant_TW"
                          else ("Rapid Transit Department", "捷運工程局"))
    footer = ("因為您以在該網站的帳號提出了這則意見" if locale == "zh_Hant_TW"
              else "because you submitted this feedback with your account there")

    check(app, due_at + timedelta(hours=1))
    deliver(app)
    [overdue] = mailbox.to(author.email)
    mailbox.clear()
    check(app, due_at + PAST_GRACE)
    deliver(app)
    [escalated] = mailbox.to(author.email)

    for mail in (overdue, escalated):
        for text in (Mailbox.text(mail), html_of(mail)):
            assert shown in text
            assert agency in text and other_name not in text
            assert f"http://civic.test/feedback/{number}" in text
            assert footer in text
            assert due_at.isoformat()[:10] not in text
    assert ("integrity authority" if locale == "en" else "廉政主管機關") in Mailbox.text(escalated)


def test_the_author_of_a_deleted_comment_is_not_mailed(app, citizen, other_citizen, staff, admin,
                                                       published_case, mailbox):
    withdrawn = receive(app, citizen, published_case)
    with app.test_request_context():
        comment = queries.get_feedback(db.session, withdrawn).comment
        services.delete_comment(db.session, comment, actor=db.session.get(User, citizen.id))
        db.session.commit()
    # Deleting on the site withdraws an open item; one left open with a deleted comment (as older
    # data may hold) still runs its deadline, but never mails the author.
    still_open = receive(app, other_citizen, published_case)
    with app.app_context():
        db.session.get(Comment, queries.get_feedback(db.session, still_open).comment_id).deleted_at = RECEIVED
        db.session.commit()
    deliver(app)
    mailbox.clear()

    report = check(app, due_of(app, still_open) + PAST_GRACE)
    deliver(app)

    assert (report.overdue, report.escalated) == (1, 1)
    assert events(app, withdrawn, "overdue") == []
    assert not mailbox.to(citizen.email) and not mailbox.to(other_citizen.email)
    assert mailbox.to(staff.email) and mailbox.to(admin.email)


def test_the_deadlines_command_says_what_it_reported_to_the_authority(app, citizen, staff, admin, published_case):
    receive(app, citizen, published_case)
    result = app.test_cli_runner().invoke(args=["deadlines", "check"])
    assert result.exit_code == 0
    assert "overdue: 1" in result.output
    assert "reported to supervising agencies: 0" in result.output
    assert "reported to the integrity authority: 1" in result.output


# The dashboard. March 2025 has no public holiday, so its working days are Monday to Friday.
TODAY = datetime(2025, 3, 31, 9, 0, tzinfo=TAIPEI)


def weekdays_after(day: date, until: date) -> int:
    return sum(1 for offset in range(1, (until - day).days + 1) if (day + timedelta(days=offset)).weekday() < 5)


def test_the_dashboard_lists_overdue_items_by_agency_and_working_days_late(
        app, client, citizen, staff, admin, other_agency_staff, published_case, count_queries):
    other_case = case_factories.apply(app, other_agency_staff, slug="other-case")
    case_factories.publish(app, admin, other_case)
    name_agency(app, "A00000001", zh="捷運工程局", en="Rapid Transit Department")
    name_agency(app, "B00000002", zh="水利署", en="Water Resources Agency")
    # Due 10, 21 and 28 March: 15, 6 and 1 working days late on 31 March.
    long_late = receive(app, citizen, published_case, datetime(2025, 2, 17, 10, tzinfo=TAIPEI))
    mid_late = receive(app, citizen, published_case, datetime(2025, 3, 3, 10, tzinfo=TAIPEI))
    just_late = receive(app, citizen, other_case, datetime(2025, 3, 10, 10, tzinfo=TAIPEI))
    receive(app, citizen, published_case, datetime(2025, 3, 28, 10, tzinfo=TAIPEI))  # not due yet
    lateness = {number: weekdays_after(to_taipei(due_of(app, number)).date(), TODAY.date())
                for number in (long_late, mid_late, just_late)}
    assert lateness == {long_late: 15, mid_late: 6, just_late: 1}
    check(app, TODAY)

    with time_machine.travel(TODAY, tick=False):
        login(client, admin)
        with count_queries() as few:
            response = client.get("/admin/")
        english = html.unescape(client.get("/admin/?lang=en").get_data(as_text=True))
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))
    by_agency = text[text.index('id="overdue-by-agency"'):text.index('id="oldest-overdue"')]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', by_agency.split("<tbody", 1)[1])
    cells = [re.findall(r'data-label="[^"]*">(?:<a [^>]*>)?([^<]*)', row) for row in rows]
    assert cells == [["捷運工程局", "0", "1", "1", "2"], ["水利署", "1", "0", "0", "1"]]
    oldest = text[text.index('id="oldest-overdue"'):]
    assert oldest.index(long_late) < oldest.index(mid_late) < oldest.index(just_late)
    assert f'href="/feedback/{long_late}"' in oldest
    assert "逾期工作天數" in oldest and "15" in oldest
    assert "已於 民國114年3月" in oldest  # 15 days late: past the grace period, reported
    assert "Water Resources Agency" in english and "More than 10 working days late" in english

    for day in (3, 4, 5, 6):
        receive(app, citizen, other_case, datetime(2025, 2, day, 10, tzinfo=TAIPEI))
    with time_machine.travel(TODAY, tick=False), count_queries() as many:
        assert client.get("/admin/").status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["staff", "moderator", "citizen"])
def test_the_dashboard_is_refused_to_everyone_but_administrators(app, request, role, published_case):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    assert client.get("/admin/").status_code == 403


def test_the_dashboard_sends_anonymous_visitors_to_sign_in(app, published_case):
    response = app.test_client().get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
