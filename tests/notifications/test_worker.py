"""The outbox worker against a real SMTP server on loopback: delivery, retries, several workers."""

from __future__ import annotations

import contextlib
import socket
import threading
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from civic.core.time import utcnow
from civic.extensions import db
from civic.notifications.models import OutboxMessage, OutboxStatus
from civic.notifications.services import enqueue
from civic.notifications.worker import backoff, deliver_pending
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url
from tests.support import free_port


def queue(app, count=1, event="accounts.password_changed", locale="zh_Hant_TW"):
    with app.app_context():
        for i in range(count):
            enqueue(db.session, event, to=f"person{i}@example.tw", locale=locale,
                    context={"name": f"收件人{i}"})
        db.session.commit()


@contextlib.contextmanager
def mail_server_at(app, port, timeout=None):
    """Point the app's mail settings at ``port`` for a while (a dead or silent server)."""
    state = app.extensions["mail"]
    original_port, original_timeout = state.port, app.config["MAIL_TIMEOUT"]
    state.port = port
    if timeout is not None:
        app.config["MAIL_TIMEOUT"] = timeout
    try:
        yield
    finally:
        state.port = original_port
        app.config["MAIL_TIMEOUT"] = original_timeout


def messages(app):
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_pending_mail_is_delivered_once_in_the_recipients_language(app, mailbox):
    queue(app, locale="zh_Hant_TW")
    queue(app, event="accounts.password_changed", locale="en")
    with app.app_context():
        report = deliver_pending(db.session)
        again = deliver_pending(db.session)
    assert (report.sent, again.sent) == (2, 0)
    subjects = sorted(m["Subject"] for m in mailbox.messages)
    assert subjects == sorted(["您的密碼已變更", "Your password was changed"])
    html = mailbox.messages[0].get_body(preferencelist=("html",)).get_content()
    assert "<p>" in html
    assert all(row.status == OutboxStatus.sent and row.sent_at for row in messages(app))


def test_mail_waits_and_is_retried_when_the_server_is_down(app, mailbox):
    queue(app)
    with mail_server_at(app, free_port()), app.app_context():
        report = deliver_pending(db.session)
    assert (report.sent, report.retried) == (0, 1)
    [row] = messages(app)
    assert row.status == OutboxStatus.pending and row.attempts == 1
    assert "Connection refused" in row.last_error or "Errno" in row.last_error
    assert row.next_attempt_at > utcnow()
    assert mailbox.messages == []

    # Not due yet: nothing happens; once due, it goes out.
    with app.app_context():
        assert deliver_pending(db.session).sent == 0
        stored = db.session.get(OutboxMessage, row.id)
        stored.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert deliver_pending(db.session).sent == 1
    assert len(mailbox.messages) == 1


def test_a_message_is_marked_failed_after_the_last_attempt(app, mailbox):
    queue(app)
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        row.attempts = app.config["MAIL_MAX_ATTEMPTS"] - 1
        db.session.commit()
    with mail_server_at(app, free_port()), app.app_context():
        report = deliver_pending(db.session)
    assert report.failed == 1
    assert messages(app)[0].status == OutboxStatus.failed


def test_a_message_whose_template_is_missing_fails_without_stopping_the_others(app, mailbox):
    queue(app, event="accounts.no_such_event")
    queue(app)
    with app.app_context():
        report = deliver_pending(db.session)
    assert (report.sent, report.failed) == (1, 1)
    failed = [m for m in messages(app) if m.status == OutboxStatus.failed]
    assert failed[0].last_error.startswith("render:")


def test_a_silent_server_times_out_instead_of_hanging(app):
    # A socket that accepts connections but never speaks SMTP.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    queue(app)
    try:
        with mail_server_at(app, listener.getsockname()[1], timeout=0.5), app.app_context():
            report = deliver_pending(db.session)
    finally:
        listener.close()
    assert report.retried == 1
    assert "timed out" in messages(app)[0].last_error.lower()


def test_backoff_grows_and_is_capped():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == timedelta(hours=6)


def test_several_workers_never_send_a_message_twice(database_kind, tmp_path, smtp_server):
    """Four workers on real, committed data: every message is sent exactly once."""
    if database_kind == "sqlite":
        url_context = contextlib.nullcontext(f"sqlite:///{tmp_path / 'workers.sqlite3'}")
    else:
        admin = postgres_admin_url()
        if admin is None:
            pytest.skip("PostgreSQL is not running")
        url_context = fresh_postgres_database(admin)
    with url_context as url:
        worker_app = make_app(url, smtp_server.port)
        with worker_app.app_context():
            upgrade()
        queue(worker_app, count=40)
        smtp_server.mailbox.clear()
        errors: list[BaseException] = []

        def work() -> None:
            try:
                with worker_app.app_context():
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
        sent = [m["To"] for m in smtp_server.mailbox.messages]
        assert len(sent) == 40 and len(set(sent)) == 40
        assert all(m.status == OutboxStatus.sent for m in messages(worker_app))
        with worker_app.app_context():
            db.engine.dispose()
