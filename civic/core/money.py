"""Amounts in New Taiwan dollars, stored as integers and written the way people read them.

Babel (CLDR) does the numbers: the compact units (萬, 億, 兆; million, billion, trillion), the
rounding to the next unit (99,999,999 is 1 億, not 10,000 萬), digit grouping and NT$.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_compact_decimal, format_currency, format_decimal, get_currency_symbol

ZH = "zh_Hant_TW"
EN = "en"
# Below these an amount is written in full: 9,999 元, NT$999,999.
WAN = 10_000
MILLION = 1_000_000


@lru_cache(maxsize=4096)  # the same amounts recur on every list page; Babel takes tens of microseconds
def format_ntd(value: int | None, locale: str) -> str:
    """A short, readable amount: 466.5 億元 in Chinese, NT$46.65 billion in English."""
    if value is None:
        return ""
    if locale.startswith("zh"):
        if value < WAN:
            return f"{format_decimal(value, locale=ZH)} 元"
        compact = format_compact_decimal(value, locale=ZH, fraction_digits=2)
        # CLDR's Chinese units are one character and its patterns leave 4-digit counts ungrouped
        # (9999.5萬); we group them and put 元 after the unit: 9,999.5 萬元.
        number, unit = Decimal(compact[:-1]), compact[-1]
        return f"{format_decimal(number, format='#,##0.##', locale=ZH)} {unit}元"
    symbol = get_currency_symbol("TWD", locale=EN)
    if value < MILLION:
        return f"{symbol}{format_decimal(value, locale=EN)}"
    return f"{symbol}{format_compact_decimal(value, format_type='long', locale=EN, fraction_digits=2)}"


def format_ntd_exact(value: int | None, locale: str) -> str:
    """Every digit, grouped: NT$ 46,650,000,000."""
    if value is None:
        return ""
    return format_currency(value, "TWD", format="¤ #,##0", locale=EN, currency_digits=False)
