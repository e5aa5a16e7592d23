"""Whom a security event (a sign-in, a failed one, a password reset asked for) is about: the
account, or, for an address without one, a prefix of the address's SHA-256 — never the address,
since the trail is read by many. The prefix lets an administrator follow tries at one address.
"""

from __future__ import annotations

import hashlib
from typing import Any

from civic.accounts.models import User
from civic.accounts.queries import normalize_email

# The audit trail's target type for an address that has no account.
UNKNOWN_ADDRESS = "email_hash"
# Hex digits of the SHA-256 kept: enough that two addresses tried do not share one.
KEY_LENGTH = 16


def address_key(email: str) -> str:
    """The first KEY_LENGTH hex digits of the SHA-256 of the normalized address."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:KEY_LENGTH]


def target(user: User | None, email: str) -> dict[str, Any]:
    """``target_type`` and ``target_id`` for audit.record: ``user``, else the hashed ``email``."""
    if user is not None:
        return {"target_type": "user", "target_id": user.id}
    return {"target_type": UNKNOWN_ADDRESS, "target_id": address_key(email)}
