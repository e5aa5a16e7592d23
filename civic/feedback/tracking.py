"""Public tracking numbers: short, unambiguous when read aloud or copied, not guessable.

Eight random characters from Crockford's base-32 alphabet (no I, L, O or U), shown as
two groups of four after an F: F-7K3M-9QXP. 32^8 is about 10^12 numbers, so the next one
cannot be guessed from the last.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PATTERN = re.compile(r"F-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def new_tracking_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"F-{body[:4]}-{body[4:]}"


def normalize(value: str) -> str:
    """Read what people type: lower case, spaces, O for 0, I or L for 1."""
    text = re.sub(r"[\s-]", "", value.upper())
    if len(text) == 9 and text.startswith("F"):
        text = text[1:]
    text = text.translate(str.maketrans("OIL", "011"))
    return f"F-{text[:4]}-{text[4:]}" if len(text) == 8 else value.strip().upper()


def is_tracking_number(value: str) -> bool:
    return PATTERN.fullmatch(value) is not None
