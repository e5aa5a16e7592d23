"""Short public identifiers: a letter for what they name, then two groups of four random characters
from Crockford's base-32 alphabet (no I, L, O or U), e.g. F-7K3M-9QXP. Unambiguous when read aloud
or copied, and 32^8 (about 10^12) of them, so the next one cannot be guessed from the last.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BODY = "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"


def new_short_id(prefix: str) -> str:
    """A new identifier such as ``F-7K3M-9QXP`` for ``prefix`` "F"."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def pattern(prefix: str) -> re.Pattern[str]:
    """The shape of the identifiers of ``prefix``."""
    return re.compile(re.escape(prefix) + "-" + _BODY)


def normalize(value: str, prefix: str) -> str:
    """Read what people type: lower case, spaces, no dashes, O for 0, I or L for 1."""
    text = re.sub(r"[\s-]", "", value.upper())
    if len(text) == 9 and text.startswith(prefix):
        text = text[1:]
    text = text.translate(str.maketrans("OIL", "011"))
    return f"{prefix}-{text[:4]}-{text[4:]}" if len(text) == 8 else value.strip().upper()
