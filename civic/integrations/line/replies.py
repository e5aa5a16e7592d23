"""Replies to what people send the official account, written to the outbox's LINE channel in the
webhook's transaction and sent by ``line send`` with the event's reply token. Nothing is sent inside the
request; a reply costs nothing, unlike a push."""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.integrations.line.texts import REPLIES
from civic.notifications.models import OutboxChannel, OutboxMessage
from civic.notifications.services import enqueue

REPLY_EVENT = "line.reply"


def reply(session: Session, *, reply_token: str, to: str, say: str, locale: str = "zh_Hant_TW",
          both_languages: bool = False) -> OutboxMessage:
    """Queue the reply ``say`` (a key of texts.REPLIES) to LINE user ``to``, in ``locale`` or in both
    languages for someone whose account is not known."""
    if say not in REPLIES:
        raise ValueError(f"no reply {say!r}")
    return enqueue(session, REPLY_EVENT, to=to, locale=locale, channel=OutboxChannel.line,
                   context={"reply_token": reply_token, "say": say, "both_languages": both_languages})
