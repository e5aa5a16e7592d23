"""統一編號 (unified business number): eight digits and the Ministry of Finance checksum.

Each digit is multiplied by 1,2,1,2,1,2,4,1; the digits of every product are added up.
Since 2023 the total must be divisible by 5 (before: by 10), to widen the number space.
When the seventh digit is 7 its product 28 may count as 10 or as 1, so either total passes.
"""

from __future__ import annotations

import re

WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
_EIGHT_DIGITS = re.compile(r"[0-9]{8}")


def _digit_sum(number: int) -> int:
    return sum(int(d) for d in str(number))


def normalize(value: str) -> str:
    """Strip spaces and full-width digits so what people type compares equal."""
    return value.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789")).replace(
        " ", ""
    )


def is_valid_ubn(value: str, *, divisor: int = 5) -> bool:
    """Return True when ``value`` is a well-formed 統一編號 under the current rule."""
    if not _EIGHT_DIGITS.fullmatch(value):
        return False
    total = sum(_digit_sum(int(d) * w) for d, w in zip(value, WEIGHTS, strict=True))
    if total % divisor == 0:
        return True
    # Seventh digit 7: 7 x 4 = 28 -> 2 + 8 = 10, which may be counted once more as 1.
    return value[6] == "7" and (total + 1) % divisor == 0
