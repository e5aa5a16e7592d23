"""Public tracking numbers: short, unambiguous when read aloud or copied, not guessable.

An F, then eight random characters in two groups of four: F-7K3M-9QXP (see
civic.core.short_ids).
"""

from __future__ import annotations

from civic.core import short_ids

PREFIX = "F"
PATTERN = short_ids.pattern(PREFIX)


def new_tracking_number() -> str:
    return short_ids.new_short_id(PREFIX)


def normalize(value: str) -> str:
    """Read what people type: lower case, spaces, O for 0, I or L for 1."""
    return short_ids.normalize(value, PREFIX)


def is_tracking_number(value: str) -> bool:
    return PATTERN.fullmatch(value) is not None
