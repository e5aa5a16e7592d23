"""The webhook sender (``webhooks send``, and ``mail send`` after the mail): hands public events out to
the hooks that asked for them, then delivers what is due, signed, and records how each try went. Never
runs inside a request.

Several senders may run at once, as mail workers do (civic.notifications.worker): an event is handed
out by the one sender whose conditional UPDATE of its ``fanned_out_at`` wins, a delivery is sent by
the one that claims it (both with FOR UPDATE SKIP LOCKED on PostgreSQL, so senders do not queue on
each other's rows), and a claim left by a sender that died is taken over after CLAIM_TIMEOUT.
Deliveries are claimed one at a time, right before their try, and each try ends by a deadline on the
wall clock (WEBHOOKS_DEADLINE): a slow receiver holds a sender for seconds, not for as long as it likes,
and never long enough for its claim to be taken over and the delivery sent twice.

A try succeeds on a 2xx answer; anything else (a redirect, which is not followed, too, an answer not
finished by the deadline, and an address that now resolves somewhere private) is tried again after the
mail worker's backoff, until WEBHOOKS_MAX_ATTEMPTS tries have failed. A test ping is tried once. Each
hook counts the deliveries that failed for good in a row; WEBHOOKS_DISABLE_AFTER of them turn it off
(civic.integrations.webhooks).
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import urllib3
from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util.ssl_match_hostname import CertificateError

from civic.accounts.models import User
from civic.core.time import utcnow
from civic.integrations import addresses, signing, webhooks
from civic.integrations.models import DeliveryStatus, Webhook, WebhookDelivery
from civic.notifications.models import Event
from civic.notifications.worker import add_channel, backoff

log = logging.getLogger(__name__)

# A claim older than this was left by a sender that died, and is taken over. Far longer than any try
# can take (WEBHOOKS_DEADLINE, at most MAX_DEADLINE seconds), so a live sender's claim never is.
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_DEADLINE = 60.0
# Seconds to wait for a try's thread to end once its connection is shut at the deadline.
ABORT_WAIT = 1.0
BATCH_SIZE = 50
# The most of a receiver's answer that is read; nothing of it is kept.
ANSWER_BYTES = 1024
ERROR_LENGTH = 200
# The name ``mail send`` reports the webhook sender's work under.
CHANNEL = "webhooks"


@dataclass
class SendReport:
    events: int = 0
    queued: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    disabled: int = 0

    def __bool__(self) -> bool:
        return any((self.events, self.queued, self.sent, self.retried, self.failed, self.disabled))

    def summary(self) -> str:
        return (f"events {self.events}, queued {self.queued}, sent {self.sent}, to retry {self.retried}, "
                f"failed {self.failed}, hooks turned off {self.disabled}")


@dataclass(frozen=True)
class Outcome:
    """How one try went: the answer's status and time, or what went wrong as ``<code>: <detail>``."""

    status: int | None = None
    milliseconds: int | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def send_due(session: Session, *, now: datetime | None = None) -> SendReport:
    """Hand out every waiting event, then deliver every delivery that is due, once; commit as it goes.

    ``now`` (tests) stands for the clock when deciding what is due and when to try again.
    """
    report = SendReport()
    fan_out(session, report, now=now)
    deliver_due(session, report, now=now)
    return report


# Fan-out: one delivery per waiting event and hook that wants it.


def fan_out(session: Session, report: SendReport, *, now: datetime | None = None) -> None:
    """Turn each event not yet handed out into deliveries for the active hooks of active accounts that
    ask for its name, were registered no later than it happened, and whose case and agency filters
    (if any) it is about; then mark it handed out, in the same transaction."""
    while True:
        moment = now or utcnow()
        waiting = session.scalars(
            select(Event.id).where(Event.fanned_out_at.is_(None)).order_by(Event.id).limit(BATCH_SIZE)
            .with_for_update(skip_locked=True)).all()
        claimed = [event_id for event_id in waiting if session.execute(
            # Only one sender's UPDATE can still see the event waiting.
            update(Event).where(Event.id == event_id, Event.fanned_out_at.is_(None)).values(fanned_out_at=moment)
            .execution_options(synchronize_session=False)).rowcount == 1]
        if not claimed:
            session.commit()
            return
        events = list(session.scalars(select(Event).where(Event.id.in_(claimed)).order_by(Event.id)))
        hooks = _candidates(session, events)
        for event in events:
            for hook in hooks:
                if _wants(hook, event):
                    session.add(WebhookDelivery(
                        webhook_id=hook.id, event_id=event.id, event=event.name, status=DeliveryStatus.pending,
                        attempts=0, next_attempt_at=moment, created_at=moment, error="",
                        body=signing.body(id=str(event.id), event=event.name, occurred_at=event.occurred_at,
                                          data=event.payload)))
                    report.queued += 1
        report.events += len(events)
        session.commit()


def _candidates(session: Session, events: list[Event]) -> list[Webhook]:
    """The hooks that may want one of ``events``: one query for the whole batch."""
    case_ids = {event.case_id for event in events if event.case_id is not None}
    agency_ids = {event.agency_id for event in events if event.agency_id is not None}
    latest = max(event.occurred_at for event in events)
    return list(session.scalars(
        select(Webhook).join(User, User.id == Webhook.user_id)
        .where(Webhook.disabled_at.is_(None), User.is_active, Webhook.created_at <= latest,
               or_(Webhook.case_id.is_(None), Webhook.case_id.in_(case_ids)),
               or_(Webhook.agency_id.is_(None), Webhook.agency_id.in_(agency_ids)))
        .order_by(Webhook.id)))


def _wants(hook: Webhook, event: Event) -> bool:
    return (hook.created_at <= event.occurred_at and hook.wants(event.name)
            and (hook.case_id is None or hook.case_id == event.case_id)
            and (hook.agency_id is None or hook.agency_id == event.agency_id))


# Delivery.


def _claim(session: Session, now: datetime) -> tuple[int, datetime] | None:
    """Claim the next due delivery for this sender, commit, and return its id and the claim's time.

    One at a time, right before its try: a sender never holds claims it has not reached yet, so a long
    run cannot leave claims that grow old enough (CLAIM_TIMEOUT) for another sender to take over a
    delivery this one is about to send."""
    claimable = or_(
        (WebhookDelivery.status == DeliveryStatus.pending) & (WebhookDelivery.next_attempt_at <= now),
        (WebhookDelivery.status == DeliveryStatus.sending) & (WebhookDelivery.claimed_at < now - CLAIM_TIMEOUT),
    )
    while True:
        delivery_id = session.scalar(
            select(WebhookDelivery.id).where(claimable)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(1)
            .with_for_update(skip_locked=True))
        if delivery_id is None:
            session.commit()
            return None
        # Only one sender's UPDATE can still see the delivery as claimable; a sender that lost looks again.
        won = session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, claimable)
            .values(status=DeliveryStatus.sending, claimed_at=now)
            .execution_options(synchronize_session=False)).rowcount == 1
        session.commit()
        if won:
            return delivery_id, now


@dataclass(frozen=True)
class _Job:
    delivery_id: int
    claimed_at: datetime
    attempts: int
    hook_id: int
    hook_active: bool
    url: str
    secret: str
    event: str
    body: bytes


def deliver_due(session: Session, report: SendReport, *, now: datetime | None = None) -> None:
    """Send every delivery that is due, once, and record each outcome.

    Each try ends within WEBHOOKS_DEADLINE seconds, far below CLAIM_TIMEOUT; and an outcome is recorded
    only while the claim is still this sender's (its ``claimed_at`` unchanged), so a delivery another
    sender took over is neither recorded twice nor counted against its hook twice."""
    while True:
        claim = _claim(session, now or utcnow())
        if claim is None:
            return
        job = _job(session, *claim)
        # Nothing is held in the database while a receiver takes its time.
        session.commit()
        if job is None:  # the hook was deleted meanwhile, and its deliveries with it
            continue
        outcome = Outcome(error="disabled") if not job.hook_active else _try(job)
        _record(session, job, outcome, report, moment=now or utcnow())
        session.commit()


def _record(session: Session, job: _Job, outcome: Outcome, report: SendReport, *, moment: datetime) -> None:
    """Write how the try went, where the claim is still ``job``'s; then count it for the hook."""
    max_attempts = current_app.config["WEBHOOKS_MAX_ATTEMPTS"]
    error = outcome.error[:ERROR_LENGTH]
    values: dict = {"claimed_at": None, "response_status": outcome.status, "response_ms": outcome.milliseconds,
                    "error": error}
    attempts = job.attempts
    if not job.hook_active:
        values["status"] = DeliveryStatus.failed
    else:
        attempts += 1
        values["attempts"] = attempts
        if outcome.ok:
            values.update(status=DeliveryStatus.delivered, delivered_at=moment)
        elif job.event == signing.PING or attempts >= max_attempts:
            values["status"] = DeliveryStatus.failed
        else:
            values.update(status=DeliveryStatus.pending, next_attempt_at=moment + backoff(attempts))
    still_ours = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == job.delivery_id, WebhookDelivery.status == DeliveryStatus.sending,
               WebhookDelivery.claimed_at == job.claimed_at)
        .values(**values).execution_options(synchronize_session=False)).rowcount == 1
    if not still_ours:
        log.warning("webhook delivery %s was taken over by another sender during its try; "
                    "this try's outcome is not recorded", job.delivery_id)
        return
    status = values["status"]
    if status == DeliveryStatus.delivered:
        webhooks.delivered(session, job.hook_id, now=moment)
        report.sent += 1
    elif status == DeliveryStatus.pending:
        report.retried += 1
    else:
        report.failed += 1
        if job.hook_active:
            log.info("webhook delivery %s failed for good: %s", job.delivery_id, error)
            if job.event != signing.PING and webhooks.failed_for_good(
                    session, job.hook_id, last_error=error, now=moment):
                report.disabled += 1


def _job(session: Session, delivery_id: int, claimed_at: datetime) -> _Job | None:
    delivery = session.get(WebhookDelivery, delivery_id)
    hook = session.get(Webhook, delivery.webhook_id) if delivery is not None else None
    if delivery is None or hook is None:
        return None
    return _Job(delivery_id=delivery.id, claimed_at=claimed_at, attempts=delivery.attempts, hook_id=hook.id,
                hook_active=hook.is_active, url=hook.url, secret=hook.secret, event=delivery.event,
                body=delivery.body.encode("utf-8"))


def _try(job: _Job) -> Outcome:
    """One try: check the address again after resolving it, then POST to exactly the address checked;
    all of it within WEBHOOKS_DEADLINE seconds."""
    config = current_app.config
    heads = signing.headers(event=job.event, delivery_id=job.delivery_id, secret=job.secret, raw_body=job.body,
                            timestamp=int(time.time()),
                            user_agent=f"civic-webhooks (+{config['SITE_URL']})")
    exchange = _Exchange(job.url, job.body, heads, resolver=webhooks.resolver(),
                         allow_http=config["WEBHOOKS_ALLOW_HTTP"], allow_private=config["WEBHOOKS_ALLOW_PRIVATE"],
                         connect_timeout=config["WEBHOOKS_CONNECT_TIMEOUT"],
                         read_timeout=config["WEBHOOKS_READ_TIMEOUT"], ca_certs=config["WEBHOOKS_CA_CERTS"] or None)
    outcome = exchange.within(config["WEBHOOKS_DEADLINE"])
    if outcome.error.startswith("address"):
        log.info("webhook delivery %s: the address was refused (%s)", job.delivery_id, exchange.refused)
    return outcome


class _Exchange:
    """One try, run in a thread of its own so that it ends by a deadline on the wall clock.

    urllib3's read timeout bounds each read, not the whole answer: a receiver sending a byte a second
    would hold the sender for as long as it liked. So the try runs in a worker thread; when the deadline
    passes first, the connection is shut (which wakes the thread from its read), the try counts as a
    timeout and the sender goes on. A thread still resolving or connecting then finds the try called
    off and sends nothing."""

    def __init__(self, url: str, raw_body: bytes, headers: dict[str, str], *, resolver: addresses.Resolver,
                 allow_http: bool, allow_private: bool, connect_timeout: float, read_timeout: float,
                 ca_certs: str | None) -> None:
        self.url, self.raw_body, self.headers = url, raw_body, headers
        self.resolver, self.allow_http, self.allow_private = resolver, allow_http, allow_private
        self.connect_timeout, self.read_timeout, self.ca_certs = connect_timeout, read_timeout, ca_certs
        self.outcome: Outcome | None = None
        # Why an address was refused, for the server's log only.
        self.refused = ""
        self._lock = threading.Lock()
        self._called_off = False
        self._connection: HTTPConnection | None = None

    def within(self, deadline: float) -> Outcome:
        worker = threading.Thread(target=self._run, name="webhook-try", daemon=True)
        worker.start()
        worker.join(deadline)
        if worker.is_alive():
            self._call_off()
            worker.join(ABORT_WAIT)
            return Outcome(error=f"timeout: {deadline:g} s")
        return self.outcome or Outcome(error="connection: no outcome")

    def _call_off(self) -> None:
        with self._lock:
            self._called_off = True
            connection = self._connection
        sock = connection.sock if connection is not None else None
        if sock is not None:
            # shutdown() wakes a thread blocked reading the socket; close() alone may not.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _run(self) -> None:
        try:
            self.outcome = self._exchange()
        except Exception as error:  # a thread has no caller to raise to: every failure is the try's
            log.warning("webhook try ended unexpectedly: %s", type(error).__name__)
            self.outcome = Outcome(error=f"connection: {type(error).__name__}")

    def _exchange(self) -> Outcome:
        """Resolve and check the address again, then POST to exactly the address checked (pinned): TLS
        names and checks the certificate of the host (SNI and hostname check), and so does the Host
        header. No redirect is followed, nothing is retried here."""
        try:
            target = addresses.check(self.url, resolver=self.resolver, allow_http=self.allow_http,
                                     allow_private=self.allow_private)
        except addresses.AddressRefused as refused:
            self.refused = f"{refused.reason}: {refused.detail}"
            return Outcome(error="address")
        if target.scheme == "https":
            connection: HTTPConnection = HTTPSConnection(
                target.address, target.port, timeout=self.connect_timeout, cert_reqs="CERT_REQUIRED",
                ca_certs=self.ca_certs, server_hostname=target.host, assert_hostname=target.host)
        else:
            connection = HTTPConnection(target.address, target.port, timeout=self.connect_timeout)
        started = time.monotonic()
        try:
            connection.connect()
            with self._lock:
                if self._called_off:
                    connection.close()
                    return Outcome(error="timeout")
                self._connection = connection
            connection.timeout = self.read_timeout
            connection.request("POST", target.path, body=self.raw_body,
                               headers={**self.headers, "Host": target.host_header}, preload_content=False)
            response = connection.getresponse()
            try:
                response.read(ANSWER_BYTES)
            finally:
                response.close()
        except urllib3.exceptions.NewConnectionError as error:  # (a ConnectTimeoutError in urllib3's tree)
            return Outcome(error=f"connection: {_short(error)}")
        except (urllib3.exceptions.TimeoutError, TimeoutError):
            return Outcome(error="timeout: " + f"{self.connect_timeout:g}+{self.read_timeout:g} s")
        except (ssl.SSLError, CertificateError, urllib3.exceptions.SSLError) as error:
            return Outcome(error=f"tls: {_short(error)}")
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as error:
            # Whatever a receiver sends back (a broken status line, endless headers) is its failure, not ours.
            return Outcome(error=f"connection: {_short(error)}")
        finally:
            connection.close()
        milliseconds = int((time.monotonic() - started) * 1000)
        if 300 <= response.status < 400:
            return Outcome(status=response.status, milliseconds=milliseconds, error=f"redirect: {response.status}")
        if not 200 <= response.status < 300:
            return Outcome(status=response.status, milliseconds=milliseconds, error=f"http: {response.status}")
        return Outcome(status=response.status, milliseconds=milliseconds)


def _short(error: Exception) -> str:
    """The last, most specific part of an error's message, without the pool's own words."""
    text = str(getattr(error, "reason", None) or error)
    return text.rsplit(": ", 1)[-1][:120]


def register(app) -> None:
    """Have ``mail send`` (and its --watch loop) run the webhook sender after the mail."""
    add_channel(app, CHANNEL, send_due)
