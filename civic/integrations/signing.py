"""What a webhook delivery looks like on the wire, as ../shared/CONTRACT.md ("Integrations") promises:
a JSON body, and the headers X-Civic-Event, X-Civic-Timestamp (Unix seconds) and
X-Civic-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the hook's secret>.

The body is made once, stored, and sent byte for byte on every try; only the timestamp and so the
signature change between tries. A receiver recomputes the HMAC over the bytes it received and the
timestamp header, compares in constant time, and refuses a timestamp far from its own clock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any

from civic.core.time import isoformat

SECRET_PREFIX = "whsec_"  # noqa: S105 - the visible start of every webhook secret, not a secret
PING = "ping"
EVENT_HEADER = "X-Civic-Event"
TIMESTAMP_HEADER = "X-Civic-Timestamp"
SIGNATURE_HEADER = "X-Civic-Signature"
DELIVERY_HEADER = "X-Civic-Delivery"


def new_secret() -> str:
    """A fresh signing secret: 256 random bits."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def body(*, id: str, event: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    """The delivery's JSON text: ``{"id", "event", "occurred_at", "data"}``, compact, UTF-8 as is."""
    return json.dumps({"id": id, "event": event, "occurred_at": isoformat(occurred_at), "data": data},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def signature(secret: str, timestamp: int, raw_body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256, keyed with ``secret``, of ``"<timestamp>.<raw body>"``."""
    message = f"{timestamp}.".encode("ascii") + raw_body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def headers(*, event: str, delivery_id: int, secret: str, raw_body: bytes, timestamp: int,
            user_agent: str) -> dict[str, str]:
    """Every header of one try of a delivery."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": user_agent,
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, raw_body),
        DELIVERY_HEADER: str(delivery_id),
    }
