"""Several webhook senders at once, on real committed data (no rolled-back test transaction): every
event is handed out once and every delivery arrives exactly once, on SQLite and on PostgreSQL; and a
sender whose claim was taken over during a slow try records nothing of it and sends nothing twice."""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from civic.accounts import services as accounts
from civic.extensions import db
from civic.integrations import sender, webhooks
from civic.integrations.models import DeliveryStatus, Webhook, WebhookDelivery
from civic.notifications import events
from civic.notifications.models import Event, EventName
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url
from tests.integrations.receivers import serving
from tests.support import PASSWORD

EVENTS = 30
SENDERS = 4


def _database(database_kind: str, tmp_path, name: str):
    if database_kind == "sqlite":
        return contextlib.nullcontext(f"sqlite:///{tmp_path / name}.sqlite3")
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not running")
    return fresh_postgres_database(admin)


def test_several_senders_hand_out_and_deliver_everything_exactly_once(database_kind, tmp_path, smtp_server):
    with _database(database_kind, tmp_path, "senders") as url, serving() as receiver:
        app = make_app(url, smtp_server.port, WEBHOOKS_ALLOW_PRIVATE=True, WEBHOOKS_ALLOW_HTTP=True)
        with app.app_context():
            upgrade()
        with app.test_request_context():
            owner = accounts.create_user(db.session, email="hooks@example.tw", password=PASSWORD,
                                         display_name="整合", verified=True)
            for path in ("/one", "/two"):
                webhooks.create_webhook(db.session, webhooks.WebhookInput(url=receiver.url(path=path),
                                                                          events=["case.changed"]), actor=owner)
            db.session.commit()
            for number in range(EVENTS):
                events.emit(db.session, EventName.case_changed, {"slug": f"case-{number}"})
            db.session.commit()
        errors: list[BaseException] = []

        def work() -> None:
            try:
                with app.app_context():
                    sender.send_due(db.session)
                    db.session.remove()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, [repr(error) for error in errors]
        arrived = Counter((item.path, json.loads(item.body)["id"]) for item in receiver.received)
        assert len(arrived) == 2 * EVENTS and set(arrived.values()) == {1}
        with app.app_context():
            assert db.session.scalars(select(Event).where(Event.fanned_out_at.is_(None))).all() == []
            statuses = db.session.scalars(select(WebhookDelivery.status)).all()
            assert len(statuses) == 2 * EVENTS and set(statuses) == {DeliveryStatus.delivered}
            db.session.remove()
            db.engine.dispose()


def test_a_claim_taken_over_during_a_slow_try_is_not_recorded_and_what_follows_is_sent_once(
        database_kind, tmp_path, smtp_server, monkeypatch):
    # Every claim may be taken over at once, as if each try outlasted CLAIM_TIMEOUT.
    monkeypatch.setattr(sender, "CLAIM_TIMEOUT", timedelta(0))
    with _database(database_kind, tmp_path, "takeover") as url, serving() as receiver:
        app = make_app(url, smtp_server.port, WEBHOOKS_ALLOW_PRIVATE=True, WEBHOOKS_ALLOW_HTTP=True)
        with app.app_context():
            upgrade()
        with app.test_request_context():
            owner = accounts.create_user(db.session, email="hooks@example.tw", password=PASSWORD,
                                         display_name="整合", verified=True)
            hook = webhooks.create_webhook(db.session, webhooks.WebhookInput(url=receiver.url(),
                                                                             events=["case.changed"]), actor=owner)
            db.session.commit()
            hook_id = hook.webhook.id
            for number in range(2):
                events.emit(db.session, EventName.case_changed, {"slug": f"case-{number}"})
            db.session.commit()
            sender.fan_out(db.session, sender.SendReport())
            first, second = db.session.scalars(select(WebhookDelivery.id).order_by(WebhookDelivery.id)).all()
            db.session.remove()
        other: list[sender.SendReport] = []
        errors: list[BaseException] = []
        started = threading.Event()

        def another_sender(_arrived) -> None:
            # While the first sender waits for its first answer, a second one runs to the end.
            if started.is_set():
                return
            started.set()
            try:
                with app.app_context():
                    other.append(sender.send_due(db.session))
                    db.session.remove()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        receiver.meanwhile = another_sender
        with app.app_context():
            ours = sender.send_due(db.session)
            db.session.remove()
        assert not errors, [repr(error) for error in errors]
        arrived = Counter(int(item.headers["X-Civic-Delivery"]) for item in receiver.received)
        # The delivery in flight was taken over and so went twice; the next one had not been claimed yet
        # by the slow sender, so only the other sent it.
        assert arrived == {first: 2, second: 1}
        [theirs] = other
        assert (theirs.sent, ours.sent, ours.failed, ours.retried) == (2, 0, 0, 0)
        with app.app_context():
            rows = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
            # The slow sender's outcome was not written over the other's: one try each, as recorded.
            assert [(row.status, row.attempts, row.claimed_at) for row in rows] == [
                (DeliveryStatus.delivered, 1, None), (DeliveryStatus.delivered, 1, None)]
            assert db.session.get(Webhook, hook_id).failure_count == 0
            db.session.remove()
            db.engine.dispose()
