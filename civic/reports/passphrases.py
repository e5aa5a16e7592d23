"""A report's receipt and passphrase: what the reporter keeps to follow the report without an account.

The passphrase is five words drawn at random from the EFF's long wordlist (the 7,772 without a
dash, so about 64 bits), easy to write down and to type on a phone; only its argon2 hash is stored,
with the hasher that keeps account passwords. The receipt is a short id such as R-7K3M-9QXP: it names the report,
the passphrase proves the right to read it.
"""

from __future__ import annotations

import re
import secrets
from functools import cache

from xkcdpass import xkcd_password

from civic.accounts import passwords
from civic.core import short_ids

RECEIPT_PREFIX = "R"
WORDS = 5
SEPARATOR = "-"
# What the reporter may type between the words: spaces, dashes, dots, commas, underscores.
_BETWEEN_WORDS = re.compile(r"[\s\-_.,，、．]+")
# Longer than any five words of the list with their separators: not a passphrase of ours.
MAX_LENGTH = 100


@cache
def wordlist() -> tuple[str, ...]:
    """The EFF long wordlist, read once per process."""
    # Letters only: a word such as "yo-yo" would read as two, and the phrase as six words.
    return tuple(word for word in xkcd_password.generate_wordlist(wordfile=xkcd_password.locate_wordfile(),
                                                                  min_length=3, max_length=9) if word.isalpha())


def new_passphrase() -> str:
    """Five words, each drawn with the operating system's randomness, joined by dashes."""
    words = wordlist()
    return SEPARATOR.join(secrets.choice(words) for _ in range(WORDS))


def normalize_passphrase(typed: str) -> str:
    """The passphrase as it was made, from how people type it: any case, spaces or other marks
    between the words, spaces around it."""
    return SEPARATOR.join(word for word in _BETWEEN_WORDS.split((typed or "")[:MAX_LENGTH].strip().lower()) if word)


def hash_passphrase(passphrase: str) -> str:
    return passwords.hash_password(normalize_passphrase(passphrase))


def verify_passphrase(passphrase_hash: str | None, typed: str) -> bool:
    """Whether ``typed`` is the passphrase; without a hash (no such report) the check costs the same
    time and answers no."""
    return passwords.verify_password(passphrase_hash or "", normalize_passphrase(typed))


def new_receipt() -> str:
    return short_ids.new_short_id(RECEIPT_PREFIX)


def normalize_receipt(typed: str) -> str:
    """The receipt as it was made, from how people type it (lower case, spaces, O for 0...)."""
    return short_ids.normalize((typed or "")[:MAX_LENGTH], RECEIPT_PREFIX)
