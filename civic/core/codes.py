"""Codes people read in addresses and open data, such as a sector's ``water-resources`` or a
commitment's ``best-practice-platforms``: lowercase words of letters and digits joined by hyphens."""

from __future__ import annotations

import re

READABLE_CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
READABLE_CODE_MAX = 40


def is_readable_code(code: str) -> bool:
    """Up to 40 characters, starting with a letter, no hyphen at either end or twice in a row."""
    return bool(READABLE_CODE.fullmatch(code)) and len(code) <= READABLE_CODE_MAX
