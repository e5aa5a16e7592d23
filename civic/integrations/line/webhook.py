"""What each event LINE sends to the webhook does, once its signature has been checked.

- A text message holding a live code links the sender's LINE account to the code's account, and the
  reply says so in that account's language. Any other text from someone not linked counts as a wrong
  code: the reply says so (in Chinese and English, since we do not know who wrote), and after
  LINE_CODE_RATE_LIMIT wrong ones from one LINE account, the reply asks them to wait; until then
  nothing they send is tried. The counters sit with the rate limiter's (Redis when configured), under
  a keyed hash of the LINE user id.
- Text from someone already linked that is no code gets a reminder of where to manage the notices.
- Following the official account gets a welcome that says how to link; unfollowing unlinks.
- Events from groups and rooms, and every other kind, are ignored.

Replies are rows in the outbox (replies.py), sent by ``line send``: the webhook itself only writes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from flask import current_app
from limits import parse
from linebot.v3.webhooks import FollowEvent, MessageEvent, TextMessageContent, UnfollowEvent, UserSource
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.extensions import limiter
from civic.integrations.line import codes, queries, services
from civic.integrations.line.replies import reply

SCOPE = "line-code"


def _key(line_user_id: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, f"{SCOPE}:{line_user_id}".encode(), hashlib.sha256).hexdigest()


def _limit():
    return parse(current_app.config["LINE_CODE_RATE_LIMIT"])


def may_try(line_user_id: str) -> bool:
    """Whether this LINE account may still try a code now."""
    return limiter.limiter.test(_limit(), SCOPE, _key(line_user_id))


def count_wrong_code(line_user_id: str) -> None:
    limiter.limiter.hit(_limit(), SCOPE, _key(line_user_id))


def handle(session: Session, events: Iterable[object]) -> None:
    """Act on each event of one webhook request; the caller commits."""
    for event in events:
        source = getattr(event, "source", None)
        if not isinstance(source, UserSource) or not source.user_id:
            continue
        line_user_id = source.user_id
        reply_token = getattr(event, "reply_token", None) or ""
        if isinstance(event, UnfollowEvent):
            services.forget_line_user(session, line_user_id)
        elif isinstance(event, FollowEvent) and reply_token:
            reply(session, reply_token=reply_token, to=line_user_id, say="welcome", both_languages=True)
        elif isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent) and reply_token:
            _text(session, line_user_id, event.message.text or "", reply_token)


def _text(session: Session, line_user_id: str, text: str, reply_token: str) -> None:
    linked = queries.get_link_by_line_user(session, line_user_id)
    if linked is not None and codes.normalize(text) is None:
        user = session.get(User, linked.user_id)
        reply(session, reply_token=reply_token, to=line_user_id, say="already_linked",
              locale=user.locale if user is not None else "zh_Hant_TW")
        return
    if not may_try(line_user_id):
        reply(session, reply_token=reply_token, to=line_user_id, say="too_many", both_languages=True)
        return
    user = services.link_with_code(session, line_user_id, text)
    if user is None:
        count_wrong_code(line_user_id)
        reply(session, reply_token=reply_token, to=line_user_id, say="unknown_code", both_languages=True)
        return
    reply(session, reply_token=reply_token, to=line_user_id, say="linked", locale=user.locale)
