"""The one-time code that links a LINE account to an account here.

Eight characters from an alphabet without look-alikes (no 0/O, no 1/I), so it can be read off one
screen and typed on a phone; about 10^12 codes, few of them live at once, and each LINE account may
send only a few wrong ones (LINE_CODE_RATE_LIMIT), so guessing one is hopeless. It lives ten minutes.
Only a keyed hash (HMAC-SHA256 under SECRET_KEY) is stored, so the table alone gives no code away.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import timedelta

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8
LIFETIME = timedelta(minutes=10)
_SHAPE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
# What people put between the halves or around a code when they copy or type it.
_SEPARATORS = re.compile(r"[\s\-_.·・]")
# Longer than any way of writing a code: anything longer is not looked at.
LONGEST_MESSAGE = 40


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str | None:
    """The code ``text`` holds, however it was typed (lower case, full width, spaces, a hyphen);
    None when it cannot be a code at all."""
    if not text or len(text) > LONGEST_MESSAGE:
        return None
    code = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    return code if _SHAPE.fullmatch(code) else None


def digest(code: str, key: str | bytes) -> str:
    """The stored form of ``code``: HMAC-SHA256 hex under ``key`` (the site's SECRET_KEY)."""
    secret = key if isinstance(key, bytes) else str(key).encode("utf-8")
    return hmac.new(secret, f"line-code:{code}".encode(), hashlib.sha256).hexdigest()
