"""The webhook sender against real receivers on loopback: each delivery signed exactly as the contract
says and checked by the receiver the way it tells integrators to; an answer's body naming the item and
the case; events handed out only to the hooks that asked for them; failed tries repeated with the
mail worker's backoff; and a hook whose deliveries keep failing turned off, its owner mailed."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from civic.accounts import administration
from civic.accounts.models import User
from civic.agencies.queries import get_agency_by_code
from civic.cases.queries import get_case_by_slug
from civic.core.audit import AuditEntry
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import services as feedback_services
from civic.feedback.queries import get_feedback
from civic.integrations import sender, webhooks
from civic.integrations.models import DeliveryStatus, DisabledReason, Webhook
from civic.integrations.webhooks import WebhookInput
from civic.notifications import events
from civic.notifications.models import Event, EventName
from civic.notifications.worker import backoff, deliver_pending
from tests.feedback.conftest import post
from tests.integrations.conftest import PUBLIC_ADDRESS, deliveries, hooks, register, secret_of, send
from tests.integrations.receivers import Dribbler, dribbling
from tests.support import signed_in


@pytest.fixture
def citizen_client(app, citizen):
    return signed_in(app, citizen)


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What the contract tells a receiver to do, written from the contract, not from our code."""
    timestamp = headers["X-Civic-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return (hmac.compare_digest(headers["X-Civic-Signature"], f"sha256={expected}")
            and abs(int(timestamp) - time.time()) < 300)


def answer(app, staff, tracking_number: str, body: str = "本局已於三月完成交通維持計畫審查。") -> None:
    with app.test_request_context():
        feedback = get_feedback(db.session, tracking_number)
        feedback_services.publish_response(db.session, feedback, actor=db.session.get(User, staff.id), body=body)
        db.session.commit()


def emit(app, name=EventName.case_changed, *, case_id=None, agency_id=None, payload=None) -> int:
    """A public event as the services write it."""
    with app.app_context():
        event = events.emit(db.session, name, payload or {"slug": "x"}, case_id=case_id, agency_id=agency_id)
        db.session.commit()
        return event.id


def make_hook(app, account, url, names=("case.changed",), case="", agency="") -> int:
    """A hook registered through the service (the page's own tests are in test_webhook_pages.py)."""
    with app.test_request_context():
        made = webhooks.create_webhook(db.session, WebhookInput(url=url, events=list(names), case=case,
                                                                         agency=agency),
                                       actor=db.session.get(User, account.id))
        db.session.commit()
        return made.webhook.id


def test_an_answer_is_delivered_signed_as_the_contract_says(app, citizen, staff, citizen_client, published_case,
                                                            loopback, receiver):
    secret = secret_of(register(citizen_client, receiver.url(), ["answer.published"]))
    tracking_number = post(app, citizen, published_case)[1]
    answer(app, staff, tracking_number)

    report = send(app)
    assert (report.sent, report.failed) == (1, 0)
    [arrived] = receiver.received
    assert arrived.path == "/hook"
    assert arrived.headers["X-Civic-Event"] == "answer.published"
    assert arrived.headers["Content-Type"].startswith("application/json")
    assert arrived.headers["Host"] == f"127.0.0.1:{receiver.port}"
    assert verify(secret, arrived.headers, arrived.body)
    assert not verify("whsec_someone-else", arrived.headers, arrived.body)
    # The signature covers the raw bytes: one byte more and it no longer holds.
    assert not verify(secret, arrived.headers, arrived.body + b" ")
    [delivery] = deliveries(app)
    assert arrived.headers["X-Civic-Delivery"] == str(delivery.id)
    assert arrived.body == delivery.body.encode("utf-8")

    body = json.loads(arrived.body)
    assert set(body) == {"id", "event", "occurred_at", "data"}
    assert body["event"] == "answer.published" and body["occurred_at"].endswith("+08:00")
    data = body["data"]
    assert data["tracking_number"] == tracking_number and data["slug"] == published_case
    assert data["case"]["slug"] == published_case and data["case"]["title"] == "臺北捷運萬大線"
    assert data["agency"] == "A00000001" and data["answered_on_time"] is True and data["follow_up"] is False
    assert data["url"] == f"http://civic.test/feedback/{tracking_number}"
    assert data["api_url"] == f"http://civic.test/api/v1/feedback/{tracking_number}"
    # Public data only: not who wrote the item or the answer, nor the answer's author's address.
    text = arrived.body.decode()
    assert citizen.email not in text and staff.email not in text and "citizen" not in text
    with app.app_context():
        event = db.session.get(Event, int(body["id"]))
        assert event.name == "answer.published" and event.fanned_out_at is not None
    assert delivery.status == DeliveryStatus.delivered and delivery.attempts == 1
    assert delivery.response_status == 200 and delivery.response_ms is not None and delivery.error == ""


def test_running_the_sender_again_sends_nothing_twice(app, citizen, loopback, receiver, resolver):
    make_hook(app, citizen, receiver.url())
    emit(app)
    first = send(app)
    again = send(app)
    assert (first.events, first.queued, first.sent) == (1, 1, 1)
    assert not again
    assert len(receiver.received) == 1 and len(deliveries(app)) == 1


def test_events_go_only_to_the_hooks_that_asked_for_them(app, citizen, other_citizen, admin, other_agency_staff,
                                                         published_case, loopback, receiver, resolver):
    with app.app_context():
        case_id = get_case_by_slug(db.session, published_case).id
        agency_a = get_agency_by_code(db.session, "A00000001").id
    url = receiver.url()
    every = make_hook(app, citizen, url, ["case.changed", "pledge.signed"])
    this_case = make_hook(app, citizen, url, ["case.changed"], case=published_case)
    this_agency = make_hook(app, citizen, url, ["case.changed"], agency="A00000001")
    case_and_agency_b = make_hook(app, citizen, url, ["case.changed"], case=published_case, agency="B00000002")
    make_hook(app, citizen, url, ["answer.published"])
    turned_off = make_hook(app, citizen, url, ["case.changed"])
    make_hook(app, other_citizen, url, ["case.changed"])
    with app.test_request_context():
        webhooks.disable_webhook(db.session, db.session.get(Webhook, turned_off),
                                 actor=db.session.get(User, citizen.id))
        administration.suspend(db.session, db.session.get(User, other_citizen.id), reason="測試停權",
                               actor=db.session.get(User, admin.id))
        db.session.commit()

    about_case = emit(app, case_id=case_id, agency_id=agency_a)
    elsewhere = emit(app, case_id=case_id + 1000, agency_id=agency_a)
    pledge = emit(app, EventName.pledge_signed)
    report = send(app)
    got = {(delivery.webhook_id, delivery.event_id) for delivery in deliveries(app)}
    assert got == {(every, about_case), (every, elsewhere), (every, pledge), (this_case, about_case),
                   (this_agency, about_case), (this_agency, elsewhere)}
    assert case_and_agency_b not in {hook for hook, _event in got}
    # Four events: publishing the case told of itself too, before any of these hooks existed.
    assert (report.events, report.queued, report.sent) == (4, 6, 6) and len(receiver.received) == 6


def test_a_hook_hears_nothing_from_before_it_was_registered(app, citizen, loopback, receiver, resolver):
    emit(app)
    make_hook(app, citizen, receiver.url())
    assert send(app).events == 1
    assert deliveries(app) == [] and receiver.received == []


def test_a_failing_receiver_is_tried_again_with_the_mail_backoff(app, citizen, loopback, receiver, resolver,
                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_MAX_ATTEMPTS", 3)
    receiver.status = 503
    make_hook(app, citizen, receiver.url())
    emit(app)
    start = utcnow()
    assert send(app, now=start).retried == 1
    [delivery] = deliveries(app)
    assert delivery.status == DeliveryStatus.pending and delivery.attempts == 1
    assert delivery.next_attempt_at == start + backoff(1) == start + timedelta(minutes=1)
    assert delivery.response_status == 503 and delivery.error == "http: 503"
    # Not due yet: nothing is sent.
    assert not send(app, now=start + timedelta(seconds=59))
    assert send(app, now=start + timedelta(minutes=1)).retried == 1
    [delivery] = deliveries(app)
    assert delivery.attempts == 2 and delivery.next_attempt_at == start + timedelta(minutes=1) + backoff(2)
    receiver.status = 200
    assert send(app, now=start + timedelta(minutes=3)).sent == 1
    [delivery] = deliveries(app)
    assert delivery.status == DeliveryStatus.delivered and delivery.attempts == 3 and delivery.error == ""
    assert len(receiver.received) == 3
    # The same bytes every time; only the timestamp and its signature may differ.
    assert len({item.body for item in receiver.received}) == 1


def test_a_hook_that_keeps_failing_is_turned_off_and_its_owner_mailed(app, citizen, loopback, receiver, resolver,
                                                                      monkeypatch, mailbox):
    monkeypatch.setitem(app.config, "WEBHOOKS_MAX_ATTEMPTS", 2)
    monkeypatch.setitem(app.config, "WEBHOOKS_DISABLE_AFTER", 2)
    receiver.status = 500
    hook_id = make_hook(app, citizen, receiver.url())
    emit(app)
    emit(app)
    start = utcnow()
    send(app, now=start)
    assert hooks(app)[0].is_active
    report = send(app, now=start + timedelta(minutes=1))
    assert (report.failed, report.disabled) == (2, 1)
    [hook] = hooks(app)
    assert not hook.is_active and hook.disabled_reason == DisabledReason.failures and hook.failure_count == 2
    assert all(delivery.status == DeliveryStatus.failed for delivery in deliveries(app))
    assert len(receiver.received) == 4
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "webhook.disabled")).all()
        assert entry.actor_id is None and entry.target_id == str(hook_id) and entry.details == {"failures": 2}
        assert deliver_pending(db.session).sent == 1
    [mail] = mailbox.to(citizen.email)
    assert mail["Subject"] == "您的 Webhook 因多次傳送失敗已被關閉"
    text = mailbox.text(mail)
    assert receiver.url() in text and "連續 2 次傳送" in text and "接收端回應錯誤狀態碼 (500)" in text
    assert "http: 500" not in text
    assert mailbox.link(mail, "/account/webhooks/") == f"/account/webhooks/{hook_id}"
    page = signed_in(app, citizen).get(f"/account/webhooks/{hook_id}").get_data(as_text=True)
    assert "因多次傳送失敗而自動關閉" in page and 'data-webhook-status="off"' in page
    assert page.count('data-delivery-status="failed"') == 2
    assert '接收端回應錯誤狀態碼 (<span translate="no">500</span>)' in page
    # Off: a new event is not handed to it, and nothing more is sent.
    emit(app)
    send(app, now=start + timedelta(hours=1))
    assert len(deliveries(app)) == 2 and len(receiver.received) == 4


def test_one_delivery_that_arrives_starts_the_count_again(app, citizen, loopback, receiver, resolver, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_MAX_ATTEMPTS", 1)
    monkeypatch.setitem(app.config, "WEBHOOKS_DISABLE_AFTER", 2)
    make_hook(app, citizen, receiver.url())
    receiver.statuses = [500, 200, 500]
    for _ in range(3):
        emit(app)
        send(app)
    [hook] = hooks(app)
    assert hook.is_active and hook.failure_count == 1 and hook.last_delivered_at is not None
    assert [delivery.status for delivery in deliveries(app)] == ["failed", "delivered", "failed"]


def test_a_redirect_is_not_followed(app, citizen, loopback, receiver, resolver):
    receiver.status = 302
    receiver.headers = {"Location": "http://127.0.0.1:9/elsewhere"}
    make_hook(app, citizen, receiver.url())
    emit(app)
    send(app)
    [delivery] = deliveries(app)
    assert delivery.status == DeliveryStatus.pending and delivery.error == "redirect: 302"
    assert [item.path for item in receiver.received] == ["/hook"]


def test_a_receiver_that_is_not_there_is_tried_again(app, citizen, loopback, resolver):
    from tests.support import free_port

    make_hook(app, citizen, f"http://127.0.0.1:{free_port()}/hook")
    emit(app)
    assert send(app).retried == 1
    [delivery] = deliveries(app)
    assert delivery.error.startswith("connection: ") and delivery.response_status is None


def test_a_receiver_answering_a_byte_at_a_time_is_cut_off_at_the_deadline(app, citizen, loopback, resolver,
                                                                           monkeypatch):
    # Each byte comes well within the read timeout, so only a deadline on the whole try ends it.
    monkeypatch.setitem(app.config, "WEBHOOKS_DEADLINE", 2.0)
    monkeypatch.setitem(app.config, "WEBHOOKS_READ_TIMEOUT", 5.0)
    with dribbling(Dribbler(interval=0.5, for_seconds=12)) as slow:
        make_hook(app, citizen, slow.url())
        emit(app)
        started = time.monotonic()
        report = send(app)
        took = time.monotonic() - started
        # The sender shut the connection: the receiver's next byte found nobody there.
        assert slow.cut_off.wait(timeout=5)
    assert took < 2.0 + sender.ABORT_WAIT + 1.5, took
    assert report.retried == 1 and slow.requests == 1
    [delivery] = deliveries(app)
    assert delivery.status == DeliveryStatus.pending and delivery.attempts == 1
    assert delivery.error == "timeout: 2 s" and delivery.claimed_at is None and delivery.response_status is None


def test_a_try_cannot_be_allowed_longer_than_a_claim_lasts(app, tmp_path):
    from civic import ConfigurationError, create_app

    for seconds in (0, sender.CLAIM_TIMEOUT.total_seconds()):
        with pytest.raises(ConfigurationError, match="WEBHOOKS_DEADLINE"):
            create_app({"CIVIC_ENV": "testing", "WEBHOOKS_DEADLINE": seconds,
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'deadline.sqlite3'}"})
    assert app.config["WEBHOOKS_DEADLINE"] * 10 <= sender.CLAIM_TIMEOUT.total_seconds()


def test_a_delivery_waiting_for_a_hook_turned_off_is_not_sent(app, citizen, loopback, receiver, resolver):
    hook_id = make_hook(app, citizen, receiver.url())
    emit(app)
    with app.app_context():
        sender.fan_out(db.session, sender.SendReport())
    with app.test_request_context():
        webhooks.disable_webhook(db.session, db.session.get(Webhook, hook_id),
                                 actor=db.session.get(User, citizen.id))
        db.session.commit()
    send(app)
    [delivery] = deliveries(app)
    assert delivery.status == DeliveryStatus.failed and delivery.error == "disabled"
    assert receiver.received == [] and hooks(app)[0].failure_count == 0


def test_the_mail_worker_runs_the_sender_too(app, citizen, loopback, receiver, resolver):
    make_hook(app, citizen, receiver.url())
    emit(app)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "webhooks: events 1, queued 1, sent 1" in result.output
    assert len(receiver.received) == 1


def test_the_command_sends_what_is_due(app, citizen, loopback, receiver, resolver):
    make_hook(app, citizen, receiver.url())
    emit(app)
    result = app.test_cli_runner().invoke(args=["webhooks", "send"])
    assert result.exit_code == 0, result.output
    assert "events 1, queued 1, sent 1" in result.output
    assert len(receiver.received) == 1


def test_a_public_address_is_what_the_guard_lets_through(app, resolver):
    resolver.set("hooks.example.org", [PUBLIC_ADDRESS])
    with app.app_context():
        target = webhooks.check_address("https://hooks.example.org/x?y=1")
    assert (target.address, target.host, target.port, target.path) == (PUBLIC_ADDRESS, "hooks.example.org", 443,
                                                                      "/x?y=1")
