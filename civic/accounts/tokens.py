"""Signed, expiring, single-use tokens for the links in account mail.

Single use without a table: each token carries a fingerprint of the state it changes (the
verification status, the password hash), so once used the fingerprint no longer matches.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenInvalid(Exception):
    """The link is broken, expired or used; ``reason`` is 'expired' or 'invalid'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"civic.{purpose}")


def _fingerprint(*parts: Any) -> str:
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _state(purpose: str, user) -> str:
    if purpose == "invite":
        return _fingerprint(user.email, user.sent_at, user.accepted_at, user.revoked_at)
    if purpose == "verify":
        return _fingerprint(user.email, user.verified_at)
    if purpose == "reset":
        return _fingerprint(user.email, user.password_hash, user.suspended_at)
    raise ValueError(purpose)


def make_token(purpose: str, user) -> str:
    """A signed token for ``user`` (or, for "invite", an Invitation) and its current state."""
    return _serializer(purpose).dumps({"u": user.id, "s": _state(purpose, user)})


def read_token(purpose: str, token: str, max_age: int) -> tuple[int, str]:
    """Return (user id, state fingerprint) from a valid signature, else raise TokenInvalid."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenInvalid("expired") from error
    except BadSignature as error:
        raise TokenInvalid("invalid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise TokenInvalid("invalid")
    return payload["u"], str(payload.get("s", ""))


def matches_state(purpose: str, user, fingerprint: str) -> bool:
    """True while the token's fingerprint still describes the user: it has not been used."""
    return _state(purpose, user) == fingerprint
