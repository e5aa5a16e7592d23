"""``line send``: the outbox's LINE channel, claimed and retried as the mail is (civic.notifications.worker:
SKIP LOCKED claims, backoff, a failure recorded on the row).

Two kinds of row: a reply (event ``line.reply``), sent with the reply token of the message it answers;
and a notice, a copy of a mail (civic.integrations.line.fanout), pushed to the LINE user id it names as
one text message made from the mail's subject and body.txt in the recipient's language, cut to fit
LINE's limit with the notice's link kept. A notice goes only while that LINE account is still linked to
the account it was meant for (``user_id`` in its context), with notices on: a LINE account linked to
someone else since gets nothing of the first person's. Each push carries an X-Line-Retry-Key derived
from the row, so a retry after a lost answer is not delivered twice (LINE answers 409, taken as sent).

What LINE answers decides what follows: 2xx sent; 403 or 404 to a push, or a 400 whose error names the
recipient (the ``to`` property), means the person cannot be reached (they blocked the official account,
are no friend of it, or the id is no longer valid): the row fails and their LINE notices are turned off.
Any other 400 is about our own request (a message LINE will not take), not about the person: the row
fails and their notices stay on. Any other 4xx to a push or a reply (an expired reply token) fails the
row; 401, 429, 5xx, a timeout or no connection are tried again after backoff, up to LINE_MAX_ATTEMPTS.
"""

from __future__ import annotations

import json
import logging
import uuid
from http import HTTPStatus

from flask import current_app
from linebot.v3.messaging import MessagingApi, PushMessageRequest, ReplyMessageRequest, TextMessage
from linebot.v3.messaging.exceptions import ApiException
from sqlalchemy.orm import Session
from urllib3.exceptions import HTTPError

from civic.core.time import utcnow
from civic.integrations.line import client, fanout, queries, services, texts
from civic.integrations.line.replies import REPLY_EVENT
from civic.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from civic.notifications.worker import DeliveryReport, add_channel, claim, mark_sent, render_message, retry_or_fail

log = logging.getLogger(__name__)

# What a push answered with when the person cannot get it, however often it is tried (and a 400 about
# the recipient, see about_recipient).
UNREACHABLE = frozenset({HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND})
# Tried again: our token was refused (an operator fixes it), too many requests, LINE's own trouble.
TRANSIENT = frozenset({HTTPStatus.UNAUTHORIZED, HTTPStatus.REQUEST_TIMEOUT, HTTPStatus.TOO_MANY_REQUESTS})


class Unreachable(Exception):
    """LINE will never deliver this row; the person's LINE notices are turned off."""


class Refused(Exception):
    """LINE refused this row for good (a reply whose token expired, a message it will not take)."""


def register(app) -> None:
    """Have ``mail send`` run this worker after the mail."""
    add_channel(app, OutboxChannel.line, deliver_pending)


def notice_text(message: OutboxMessage) -> str:
    """A notice as one LINE text: the mail's subject, a blank line, its plain body; cut to fit."""
    rendered = render_message(message)
    return texts.fit(f"{rendered.subject}\n\n{rendered.body}", site=current_app.config["SITE_URL"])


def reply_text(message: OutboxMessage) -> str:
    site = current_app.config["SITE_URL"]
    # Babel needs a request to choose a language in, as the mail's rendering does.
    with current_app.test_request_context(base_url=site):
        return texts.reply(message.context["say"], locale=message.locale,
                           both_languages=bool(message.context.get("both_languages")), site=site,
                           url=f"{site}/account/line")


def retry_key(message: OutboxMessage) -> str:
    """The same UUID on every try of one row, so LINE delivers a push at most once."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{current_app.config['SITE_URL']}/outbox/{message.id}/"
                                              f"{message.created_at.isoformat()}"))


def about_recipient(body: bytes | str | None) -> bool:
    """Whether LINE's error body blames the recipient: a detail about the ``to`` property, or a message
    naming it ("The property, 'to', in the request body is invalid")."""
    try:
        error = json.loads(body or b"")
    except (TypeError, ValueError):
        return False
    if not isinstance(error, dict):
        return False
    details = error.get("details")
    if isinstance(details, list) and any(isinstance(detail, dict) and detail.get("property") == "to"
                                         for detail in details):
        return True
    return "'to'" in str(error.get("message") or "")


def _text(message: OutboxMessage) -> str:
    try:
        return reply_text(message) if message.event == REPLY_EVENT else notice_text(message)
    except Exception as error:
        # A template bug does not heal by retrying: fail now, visibly, and go on.
        log.exception("LINE message %s could not be made", message.id)
        raise Refused(f"render: {type(error).__name__}: {error}") from error


def _send(session: Session, api: MessagingApi, message: OutboxMessage) -> None:
    timeout = current_app.config["LINE_TIMEOUT"]
    if message.event == REPLY_EVENT:
        text = _text(message)
        try:
            api.reply_message(ReplyMessageRequest(reply_token=message.context["reply_token"],
                                                  messages=[TextMessage(text=text)]), _request_timeout=timeout)
        except ApiException as error:
            if 400 <= (error.status or 0) < 500 and error.status not in TRANSIENT:
                raise Refused(f"LINE answered {error.status} to the reply") from error
            raise
        return
    if not queries.is_notified(session, message.to_address, (message.context or {}).get(fanout.USER_KEY)):
        raise Refused("no longer linked to the account it was meant for, or LINE notices are off")
    text = _text(message)
    try:
        api.push_message(PushMessageRequest(to=message.to_address, messages=[TextMessage(text=text)]),
                         x_line_retry_key=retry_key(message), _request_timeout=timeout)
    except ApiException as error:
        if error.status == HTTPStatus.CONFLICT:
            return  # The retry key was accepted before: this message went out on an earlier try.
        if error.status in UNREACHABLE or (error.status == HTTPStatus.BAD_REQUEST and about_recipient(error.body)):
            raise Unreachable(f"LINE answered {error.status} to the push") from error
        if 400 <= (error.status or 0) < 500 and error.status not in TRANSIENT:
            raise Refused(f"LINE answered {error.status} to the push") from error
        raise


def _fail(message: OutboxMessage, reason: str, report: DeliveryReport) -> None:
    message.status = OutboxStatus.failed
    message.last_error = reason[:2000]
    report.failed += 1


def _deliver(session: Session, api: MessagingApi, message: OutboxMessage, report: DeliveryReport) -> None:
    message.attempts += 1
    try:
        _send(session, api, message)
    except Unreachable as error:
        _fail(message, str(error), report)
        services.stop_unreachable(session, message.to_address)
        log.info("LINE message %s failed for good: its recipient cannot be reached; their LINE notices are off",
                 message.id)
    except Refused as error:
        _fail(message, str(error), report)
        log.info("LINE message %s failed for good: %s", message.id, error)
    except (ApiException, HTTPError, OSError) as error:
        status = getattr(error, "status", None)
        retry_or_fail(message, f"LINE answered {status}" if status else f"{type(error).__name__}: {error}",
                      max_attempts=current_app.config["LINE_MAX_ATTEMPTS"], report=report)
    else:
        mark_sent(message, report)
    if message.event == REPLY_EVENT and message.status != OutboxStatus.pending:
        # A used or dead reply token is of no further use: it is not kept.
        message.context = {**message.context, "reply_token": ""}
    message.claimed_at = None


def deliver_pending(session: Session) -> DeliveryReport | None:
    """Send every LINE message that is due, once; None while LINE is not configured (rows wait)."""
    config = current_app.config
    if not client.is_configured(config):
        return None
    report = DeliveryReport()
    with client.messaging_api(config) as api:
        while True:
            claimed = claim(session, utcnow(), channel=OutboxChannel.line)
            if not claimed:
                return report
            for message_id in claimed:
                message = session.get(OutboxMessage, message_id)
                if message is not None:
                    _deliver(session, api, message, report)
                    session.commit()
