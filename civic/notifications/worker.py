"""Delivery of outbox messages: claim, render in the recipient's language, send, record.

Several workers may run at once. A message is claimed by a conditional UPDATE that only one
worker can win (with FOR UPDATE SKIP LOCKED on PostgreSQL so workers do not queue on each
other's rows); a claim left by a worker that died is taken over after CLAIM_TIMEOUT. Each channel's
worker claims only its own rows: this one mail, ``line send`` the LINE messages.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from civic.core.time import utcnow
from civic.extensions import mail
from civic.notifications import reasons
from civic.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH_SIZE = 50
OTHER_CHANNELS = "civic.outbox_channels"


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retried or self.failed)

    def summary(self) -> str:
        return f"sent {self.sent}, to retry {self.retried}, failed {self.failed}"


class ChannelReport(Protocol):
    """What one run of a job that ``mail send`` runs tells it: true when anything happened, and a line
    saying what."""

    def __bool__(self) -> bool: ...

    def summary(self) -> str: ...


# One run of such a job: it commits its own work, and returns None while it is not configured.
Job = Callable[[Session], ChannelReport | None]


def add_channel(app: Flask, name: str, send: Job) -> None:
    """Have ``mail send`` (and its --watch loop) also run ``send`` after the mail, reported under ``name``:
    another channel's sender (LINE's), or another job that must run again and again and is safe to
    (the webhook sender, the digests). This package cannot import them; they add themselves."""
    app.extensions.setdefault(OTHER_CHANNELS, {})[str(name)] = send


def other_channels() -> dict[str, Job]:
    """The jobs, by name, that ``mail send`` runs after the mail."""
    return dict(current_app.extensions.get(OTHER_CHANNELS, {}))


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4, ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def claim(session: Session, now: datetime, *, channel: OutboxChannel = OutboxChannel.mail) -> list[int]:
    """Claim up to BATCH_SIZE due messages of ``channel`` for this worker, commit, return their ids."""
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.channel == channel,
            or_(
                (OutboxMessage.status == OutboxStatus.pending)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.sending)
                & (OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)
    )
    claimed = []
    for message_id in session.scalars(due).all():
        # Only one worker's UPDATE can still see the row as claimable.
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                or_(
                    OutboxMessage.status == OutboxStatus.pending,
                    (OutboxMessage.status == OutboxStatus.sending)
                    & (OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
                ),
            )
            .values(status=OutboxStatus.sending, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    session.commit()
    return claimed


def render_message(message: OutboxMessage) -> Message:
    """Render ``message`` from templates/<domain>/email/<event>/ in its recipient's language."""
    domain, _, event = message.event.partition(".")
    folder = f"{domain}/email/{event}"
    site_url = current_app.config["SITE_URL"]
    context = dict(message.context, site_url=site_url)
    # Links in mail point at the public address, whoever renders the message.
    with current_app.test_request_context(base_url=site_url), force_locale(message.locale):
        context["footer"] = reasons.footer(context.get("because"), site_url)
        subject = render_template(f"{folder}/subject.txt", **context).strip()
        body = render_template(f"{folder}/body.txt", **context)
        html = render_template(f"{folder}/body.html", **context)
    return Message(
        subject=" ".join(subject.split()),
        recipients=[message.to_address],
        body=body,
        html=html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )


def _send(msg: Message) -> None:
    if current_app.config.get("MAIL_CONSOLE"):
        print(
            f"\n----- mail to {', '.join(msg.recipients)} -----\n"
            f"Subject: {msg.subject}\n\n{msg.body}\n----- end of mail -----\n",
            flush=True,
        )
        return
    # Flask-Mail sets no timeout; without one a silent server would hang the worker forever.
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(current_app.config["MAIL_TIMEOUT"])
    try:
        with mail.connect() as connection:
            connection.send(msg)
    finally:
        socket.setdefaulttimeout(previous)


def mark_sent(message: OutboxMessage, report: DeliveryReport) -> None:
    """Record that ``message`` went out."""
    message.status = OutboxStatus.sent
    message.sent_at = utcnow()
    message.last_error = ""
    report.sent += 1


def retry_or_fail(message: OutboxMessage, error: str, *, max_attempts: int, report: DeliveryReport) -> None:
    """Record a failed try of ``message``: tried again after ``backoff``, or failed for good once it has
    had ``max_attempts`` tries. Every channel of the outbox settles its tries here."""
    message.last_error = error[:2000]
    if message.attempts >= max_attempts:
        message.status = OutboxStatus.failed
        report.failed += 1
        log.warning("outbox %s message %s failed for good", message.channel, message.id)
    else:
        message.status = OutboxStatus.pending
        message.next_attempt_at = utcnow() + backoff(message.attempts)
        report.retried += 1
        log.info("outbox %s message %s will be retried", message.channel, message.id)


def deliver_pending(session: Session) -> DeliveryReport:
    """Send every message that is due, once; return what happened."""
    report = DeliveryReport()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    while True:
        now = utcnow()
        claimed = claim(session, now, channel=OutboxChannel.mail)
        if not claimed:
            return report
        for message_id in claimed:
            message = session.get(OutboxMessage, message_id)
            if message is None:
                continue
            message.attempts += 1
            try:
                rendered = render_message(message)
            except Exception as error:
                # A template bug does not heal by retrying: fail now, visibly, and go on.
                log.exception("outbox message %s could not be rendered", message.id)
                message.status = OutboxStatus.failed
                message.last_error = f"render: {type(error).__name__}: {error}"[:2000]
                message.claimed_at = None
                report.failed += 1
                session.commit()
                continue
            try:
                _send(rendered)
            except (smtplib.SMTPException, OSError) as error:
                retry_or_fail(message, f"{type(error).__name__}: {error}", max_attempts=max_attempts,
                              report=report)
            else:
                mark_sent(message, report)
            message.claimed_at = None
            session.commit()
