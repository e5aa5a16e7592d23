"""Notices through the outbox's LINE channel: copied from person-facing mail in the same flush, pushed to
the stub as one text in the recipient's language, retried with backoff, turned off when LINE cannot
reach the person; account and security mail never go to LINE."""

from __future__ import annotations

import contextlib
import re
import threading
import uuid
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.core.audit import AuditEntry
from civic.core.time import utcnow
from civic.extensions import db
from civic.integrations.line import fanout, texts
from civic.integrations.line.delivery import deliver_pending
from civic.integrations.line.models import LineLink
from civic.integrations.line.replies import reply
from civic.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue
from civic.notifications.worker import deliver_pending as deliver_mail
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url
from tests.integrations.line.conftest import line_rows, link_line, send_line
from tests.integrations.line.stub import LINE_USER, OTHER_LINE_USER, LineStub, line_settings
from tests.support import PASSWORD, free_port, post_form, signed_in

NOTICE_CONTEXT = {"tracking_number": "F-ABCD-2345", "case_title": "捷運萬大線", "case_title_en": "MRT Wanda Line",
                  "case_slug": "mrt-wanda", "agency": "臺北市政府捷運工程局", "due_at": "2026-12-30T09:00:00+00:00"}


def notice(app, account, *, because=MailReason.feedback_author, locale="zh_Hant_TW", context=None,
           event="feedback.received"):
    """A person-facing mail to ``account``, written as the services write one."""
    with app.app_context():
        enqueue(db.session, event, to=account.email, locale=locale, context=context or NOTICE_CONTEXT,
                because=because)
        db.session.commit()


def link_of(app, account) -> LineLink | None:
    with app.app_context():
        link = db.session.get(LineLink, account.id)
        if link is not None:
            db.session.expunge(link)
        return link


def make_due(app, row_id: int) -> None:
    with app.app_context():
        db.session.get(OutboxMessage, row_id).next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_a_comment_tells_its_author_on_line_as_well_as_by_mail(app, line: LineStub, citizen, staff, published_case,
                                                                 mailbox):
    link_line(app, citizen)
    link_line(app, staff, OTHER_LINE_USER)
    client = signed_in(app, citizen)
    response = post_form(client, f"/cases/{published_case}/comments", {"body": "請問施工期間的交通維持計畫？"},
                         form_page=f"/cases/{published_case}")
    tracking = response.headers["Location"].rsplit("/", 1)[1]
    # The author's receipt is a notice; the staff's mail about a new item is work, not a notice.
    [row] = line_rows(app)
    assert (row.event, row.to_address, row.status) == ("feedback.received", LINE_USER, OutboxStatus.pending)
    assert row.context["because"] == MailReason.feedback_author

    # The mail worker leaves the LINE row alone.
    with app.app_context():
        deliver_mail(db.session)
    assert mailbox.to(citizen.email) and line.calls == []
    assert line_rows(app)[0].status == OutboxStatus.pending

    report = send_line(app)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [push] = line.pushes()
    assert push.body["to"] == LINE_USER
    text = LineStub.text(push)
    assert text.startswith(f"已收到您的意見 {tracking}") or tracking in text.splitlines()[0]
    assert f"http://civic.test/feedback/{tracking}" in text
    assert "本信由 http://civic.test 寄出" in text
    assert uuid.UUID(push.headers["x-line-retry-key"])
    assert line_rows(app)[0].status == OutboxStatus.sent


def test_a_notice_is_in_the_language_of_the_mail(app, line: LineStub, citizen):
    link_line(app, citizen)
    notice(app, citizen, locale="en")
    send_line(app)
    text = LineStub.text(line.pushes()[0])
    assert text.startswith("Your feedback F-ABCD-2345 was received")
    assert "http://civic.test/feedback/F-ABCD-2345" in text


@pytest.mark.parametrize("reason", sorted(set(MailReason) - fanout.NOTICE_REASONS))
def test_mail_for_any_other_reason_never_goes_to_line(app, line: LineStub, citizen, reason):
    link_line(app, citizen)
    notice(app, citizen, because=reason)
    with app.app_context():
        enqueue(db.session, "accounts.password_changed", to=citizen.email, locale="zh_Hant_TW", context={})
        db.session.commit()
    assert line_rows(app) == []


@pytest.mark.parametrize("reason", sorted(fanout.NOTICE_REASONS))
def test_mail_for_each_notice_reason_goes_to_line(app, line: LineStub, citizen, reason):
    link_line(app, citizen)
    notice(app, citizen, because=reason)
    assert [row.context["because"] for row in line_rows(app)] == [reason]


def test_security_mail_of_a_password_change_stays_in_the_mailbox(app, line: LineStub, citizen, mailbox):
    link_line(app, citizen)
    client = signed_in(app, citizen)
    response = post_form(client, "/account/password", {
        "password-current_password": PASSWORD, "password-password": "another long passphrase 2026",
        "password-password_confirm": "another long passphrase 2026"}, form_page="/account")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == citizen.email)).all()
    assert line_rows(app) == []


def test_nothing_goes_to_line_when_notices_are_off_or_line_is_not_linked(app, line: LineStub, citizen, other_citizen):
    link_line(app, citizen)
    with app.app_context():
        db.session.get(LineLink, citizen.id).is_notifying = False
        db.session.commit()
    notice(app, citizen)
    notice(app, other_citizen)
    assert line_rows(app) == []


def test_nothing_goes_to_line_while_line_is_not_configured(app, citizen, line_stub):
    link_line(app, citizen)
    notice(app, citizen)
    assert line_rows(app) == []
    with app.app_context():
        assert send_line(app) is None


def test_one_query_finds_every_recipient_on_line_in_a_flush(app, line: LineStub, citizen, other_citizen, supplier,
                                                            count_queries):
    for account, line_user in ((citizen, LINE_USER), (other_citizen, OTHER_LINE_USER)):
        link_line(app, account, line_user)
    with app.app_context():
        with count_queries() as statements:
            for account in (citizen, other_citizen, supplier):
                enqueue(db.session, "feedback.received", to=account.email.upper(), locale="zh_Hant_TW",
                        context=NOTICE_CONTEXT, because=MailReason.feedback_author)
            db.session.flush()
        db.session.commit()
    assert len([s for s in statements if "line_links" in s]) == 1
    assert sorted(row.to_address for row in line_rows(app)) == [LINE_USER, OTHER_LINE_USER]


def test_a_flush_without_notices_asks_nothing_about_line(app, line: LineStub, citizen, count_queries):
    with app.app_context():
        with count_queries() as statements:
            enqueue(db.session, "accounts.password_changed", to=citizen.email, locale="zh_Hant_TW", context={},
                    because=MailReason.account)
            db.session.flush()
        db.session.rollback()
    assert [s for s in statements if "line_links" in s] == []


def test_a_failed_push_is_retried_after_backoff_with_the_same_retry_key(app, line: LineStub, citizen):
    link_line(app, citizen)
    notice(app, citizen)
    line.answer(500)
    report = send_line(app)
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    [row] = line_rows(app)
    assert row.status == OutboxStatus.pending and row.attempts == 1 and "500" in row.last_error
    assert timedelta(seconds=50) < row.next_attempt_at - utcnow() <= timedelta(minutes=1)
    assert send_line(app).sent == 0, "not due yet"

    make_due(app, row.id)
    assert send_line(app).sent == 1
    first, second = line.calls[0], line.pushes()[0]
    assert first.headers["x-line-retry-key"] == second.headers["x-line-retry-key"]
    assert line_rows(app)[0].status == OutboxStatus.sent and link_of(app, citizen).is_notifying


def test_a_push_line_already_accepted_counts_as_sent(app, line: LineStub, citizen):
    link_line(app, citizen)
    notice(app, citizen)
    line.answer(409)
    assert send_line(app).sent == 1
    assert line_rows(app)[0].status == OutboxStatus.sent


# LINE's own words when the recipient is the trouble: a detail about the "to" property, or a message naming it.
ABOUT_RECIPIENT = [
    {"message": "The request body has 1 error(s)", "details": [{"message": "invalid user id", "property": "to"}]},
    {"message": "The property, 'to', in the request body is invalid (line: -, column: -)"},
]


@pytest.mark.parametrize(("status", "body"), [(403, None), (404, None), (400, ABOUT_RECIPIENT[0]),
                                              (400, ABOUT_RECIPIENT[1])],
                         ids=["403", "404", "400-detail-to", "400-message-to"])
def test_a_push_line_cannot_deliver_fails_and_turns_line_notices_off(app, line: LineStub, citizen, status, body):
    link_line(app, citizen)
    notice(app, citizen)
    line.answer(status, body=body)
    report = send_line(app)
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    [row] = line_rows(app)
    assert row.status == OutboxStatus.failed and str(status) in row.last_error
    assert not link_of(app, citizen).is_notifying
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "line.unreachable",
                                                                 AuditEntry.target_id == str(citizen.id)))
    # The next notice stays in the mailbox.
    notice(app, citizen)
    assert len(line_rows(app)) == 1


@pytest.mark.parametrize("body", [
    None,
    {"message": "The request body has 1 error(s)",
     "details": [{"message": "Length must be between 0 and 5000", "property": "messages[0].text"}]},
    {"message": "The value for the 'X-Line-Retry-Key' header is invalid"},
], ids=["plain", "about-the-text", "about-a-header"])
def test_a_bad_request_of_ours_fails_the_row_and_leaves_line_notices_on(app, line: LineStub, citizen, body):
    """A 400 about our own request says nothing of the person: their notices stay on."""
    link_line(app, citizen)
    notice(app, citizen)
    line.answer(400, body=body)
    report = send_line(app)
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    [row] = line_rows(app)
    assert row.status == OutboxStatus.failed and "400" in row.last_error
    assert link_of(app, citizen).is_notifying
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "line.unreachable")) is None
    # The next notice goes to LINE as well.
    notice(app, citizen)
    assert len(line_rows(app)) == 2


def test_a_refused_access_token_is_retried_and_turns_nothing_off(app, line: LineStub, citizen, monkeypatch):
    link_line(app, citizen)
    notice(app, citizen)
    monkeypatch.setitem(app.config, "LINE_CHANNEL_ACCESS_TOKEN", "a-wrong-token")
    assert send_line(app).retried == 1
    assert line.refused and line.calls == []
    assert line_rows(app)[0].status == OutboxStatus.pending and link_of(app, citizen).is_notifying


def test_a_push_fails_for_good_after_the_last_attempt(app, line: LineStub, citizen):
    link_line(app, citizen)
    notice(app, citizen)
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == OutboxChannel.line)).one()
        row.attempts = app.config["LINE_MAX_ATTEMPTS"] - 1
        db.session.commit()
    line.answer(503)
    assert send_line(app).failed == 1
    assert line_rows(app)[0].status == OutboxStatus.failed and link_of(app, citizen).is_notifying


def test_no_answer_from_line_is_retried(app, line: LineStub, citizen, monkeypatch):
    link_line(app, citizen)
    notice(app, citizen)
    monkeypatch.setitem(app.config, "LINE_API_BASE_URL", f"http://127.0.0.1:{free_port()}")
    assert send_line(app).retried == 1
    assert line_rows(app)[0].status == OutboxStatus.pending


def test_a_notice_whose_template_is_missing_fails_at_once_and_the_others_go(app, line: LineStub, citizen):
    link_line(app, citizen)
    notice(app, citizen, event="feedback.no_such_event")
    notice(app, citizen)
    report = send_line(app)
    assert (report.sent, report.failed) == (1, 1)
    failed = [row for row in line_rows(app) if row.status == OutboxStatus.failed]
    assert failed[0].last_error.startswith("render:") and failed[0].attempts == 1
    assert link_of(app, citizen).is_notifying


def test_a_notice_for_someone_who_unlinked_meanwhile_is_not_pushed(app, line: LineStub, citizen):
    link_line(app, citizen)
    notice(app, citizen)
    post_form(signed_in(app, citizen), "/account/line/unlink", {}, form_page="/account/line")
    assert send_line(app).failed == 1
    assert line.pushes() == []
    assert "no longer linked" in line_rows(app)[0].last_error


def test_a_notice_waiting_when_its_line_account_moves_to_another_person_goes_to_nobody(app, line: LineStub, citizen,
                                                                                       other_citizen):
    link_line(app, citizen)
    notice(app, citizen)
    [waiting] = line_rows(app)
    assert waiting.context["user_id"] == citizen.id
    # The same LINE account sends the other person's code: the link moves to them.
    link_line(app, other_citizen)
    assert link_of(app, citizen) is None and link_of(app, other_citizen).is_notifying
    report = send_line(app)
    assert (report.sent, report.failed) == (0, 1)
    assert line.pushes() == []
    [row] = line_rows(app)
    assert row.status == OutboxStatus.failed and "meant for" in row.last_error
    # Nothing of the first person's was counted against the second: their notices stay on.
    assert link_of(app, other_citizen).is_notifying


def test_a_long_notice_is_cut_to_lines_limit_and_keeps_its_link(app, line: LineStub, citizen):
    link_line(app, citizen)
    notice(app, citizen, context={**NOTICE_CONTEXT, "case_title": "很長的案件名稱😀" * 700})
    send_line(app)
    text = LineStub.text(line.pushes()[0])
    assert texts.units(text) <= texts.TEXT_LIMIT
    assert text.endswith("…\nhttp://civic.test/feedback/F-ABCD-2345")


def test_the_link_kept_is_the_page_on_the_site():
    body = "見 https://example.tw/plan 與 http://civic.test/feedback/F-1 以及 http://civic.test"
    assert texts.main_link(body, "http://civic.test") == "http://civic.test/feedback/F-1"
    assert texts.fit("短", site="http://civic.test") == "短"
    cut = texts.fit("字" * 20 + "\nhttp://civic.test/x", site="http://civic.test", limit=30)
    assert cut == "字" * 9 + "…\nhttp://civic.test/x"
    assert texts.units(cut) == 30
    # An emoji is two units for LINE, and is never split in half.
    assert texts.fit("😀" * 20, site="http://civic.test", limit=10) == "😀" * 4 + "…"


def test_mail_send_also_sends_line_and_line_send_alone_too(app, line: LineStub, citizen, other_citizen, mailbox):
    link_line(app, citizen)
    link_line(app, other_citizen, OTHER_LINE_USER)
    notice(app, citizen)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1, to retry 0, failed 0" in result.output and "line: sent 1, to retry 0, failed 0" in result.output
    assert len(line.pushes()) == 1 and mailbox.to(citizen.email)

    notice(app, other_citizen)
    result = app.test_cli_runner().invoke(args=["line", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 1, to retry 0, failed 0"
    assert [call.body["to"] for call in line.pushes()] == [LINE_USER, OTHER_LINE_USER]


def test_line_send_says_when_line_is_not_configured(app):
    result = app.test_cli_runner().invoke(args=["line", "send"])
    assert result.exit_code != 0 and "LINE is not configured" in result.output
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "line:" not in result.output


def test_deleting_an_account_forgets_its_line_link(app, line: LineStub, citizen):
    link_line(app, citizen)
    with app.test_request_context():
        accounts.delete_account(db.session, db.session.get(User, citizen.id), password=PASSWORD)
        db.session.commit()
    assert link_of(app, citizen) is None


def test_line_rows_never_reach_the_mail_worker(app, line: LineStub, citizen, mailbox):
    link_line(app, citizen)
    notice(app, citizen)
    with app.app_context():
        report = deliver_mail(db.session)
    assert report.sent == 1 and all(LINE_USER not in (m["To"] or "") for m in mailbox.messages)
    assert re.fullmatch(r"U[a]{32}", line_rows(app)[0].to_address)


def test_several_line_senders_never_send_a_message_twice(database_kind, tmp_path, smtp_server, line_stub):
    """Four LINE senders at once on real, committed data: each LINE row goes exactly once, and the mail
    rows beside them are left to the mail worker."""
    if database_kind == "sqlite":
        url_context = contextlib.nullcontext(f"sqlite:///{tmp_path / 'line-senders.sqlite3'}")
    else:
        admin = postgres_admin_url()
        if admin is None:
            pytest.skip("PostgreSQL is not running")
        url_context = fresh_postgres_database(admin)
    with url_context as url:
        sender_app = make_app(url, smtp_server.port, **line_settings(line_stub))
        with sender_app.app_context():
            upgrade()
            for number in range(30):
                reply(db.session, reply_token=f"token-{number}", to=LINE_USER, say="welcome", both_languages=True)
                enqueue(db.session, "accounts.password_changed", to=f"person{number}@example.tw",
                        locale="zh_Hant_TW", context={})
            db.session.commit()
        line_stub.reset()
        errors: list[BaseException] = []

        def work() -> None:
            try:
                with sender_app.app_context():
                    deliver_pending(db.session)
                    db.session.remove()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, [repr(e) for e in errors]
        tokens = [call.body["replyToken"] for call in line_stub.replies()]
        assert sorted(tokens) == sorted(f"token-{number}" for number in range(30))
        with sender_app.app_context():
            statuses = dict(db.session.execute(select(OutboxMessage.channel, func.count()).where(
                OutboxMessage.status == OutboxStatus.pending).group_by(OutboxMessage.channel)).all())
            db.session.remove()
            db.engine.dispose()
        assert statuses == {"mail": 30}
