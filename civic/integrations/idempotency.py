"""Idempotency keys of the write API: a POST sent again with the same Idempotency-Key gets the answer
it got the first time instead of making the change twice.

The rule: a key is a token's own; it names one request (method, path and raw body, as a SHA-256
fingerprint). Its answer is stored in the same transaction as the change it answers, so a key
exists exactly when its change does; a refused request stores nothing and may be sent again. Two
requests racing with one key meet at the unique (token, key) constraint: the second is refused.
Keys are kept API_IDEMPOTENCY_HOURS. Flushes, never commits; knows nothing of HTTP beyond the
three parts of a request it is told.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from civic.integrations.models import ApiIdempotencyKey, ApiToken

# 1 to 255 visible ASCII characters (RFC 9110's VCHAR): a UUID, a job's own id, anything printable.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str
    location: str | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    """SHA-256 hex of the request: its method, its path and its raw body, each after its length, so
    that no two different requests share one."""
    digest = hashlib.sha256()
    for part in (method.upper().encode("ascii"), path.encode("utf-8"), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def find(session: Session, token: ApiToken, key: str) -> ApiIdempotencyKey | None:
    """The stored answer under ``key`` of ``token``, if that request was made (and not purged)."""
    return session.scalar(select(ApiIdempotencyKey).where(ApiIdempotencyKey.token_id == token.id,
                                                          ApiIdempotencyKey.key == key))


def store(session: Session, token: ApiToken, key: str, request_fingerprint: str, answer: StoredAnswer) -> None:
    """Keep ``answer`` under ``key``, with the change it answers (the caller commits both).

    The flush is where a request racing with the same key meets this one: it raises IntegrityError
    once the other commits, and the caller turns that into a refusal.
    """
    session.add(ApiIdempotencyKey(token_id=token.id, key=key, fingerprint=request_fingerprint,
                                  response_status=answer.status, response_body=answer.body,
                                  response_location=answer.location))
    session.flush()


def purge(session: Session, *, now: datetime, hours: int) -> int:
    """Remove the keys made more than ``hours`` before ``now``; return how many."""
    result = session.execute(delete(ApiIdempotencyKey)
                             .where(ApiIdempotencyKey.created_at < now - timedelta(hours=hours)))
    return result.rowcount or 0
