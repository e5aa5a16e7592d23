"""Amounts in New Taiwan dollars, stored as integers and written the way people read them."""

from __future__ import annotations

from babel.numbers import format_decimal

# 1 億 = 100 million, 1 萬 = 10 thousand.
YI = 100_000_000
WAN = 10_000


def format_ntd(value: int | None, locale: str) -> str:
    """A short, readable amount: 466.5 億元 in Chinese, NT$46.65 billion in English."""
    if value is None:
        return ""
    if locale.startswith("zh"):
        if value >= YI:
            return f"{format_decimal(value / YI, format='#,##0.##', locale='zh_Hant_TW')} 億元"
        if value >= WAN:
            return f"{format_decimal(value / WAN, format='#,##0.##', locale='zh_Hant_TW')} 萬元"
        return f"{format_decimal(value, locale='zh_Hant_TW')} 元"
    if value >= 1_000_000_000:
        return f"NT${format_decimal(value / 1_000_000_000, format='#,##0.##', locale='en')} billion"
    if value >= 1_000_000:
        return f"NT${format_decimal(value / 1_000_000, format='#,##0.##', locale='en')} million"
    return f"NT${format_decimal(value, locale='en')}"


def format_ntd_exact(value: int | None, locale: str) -> str:
    """Every digit, grouped: NT$ 46,650,000,000."""
    if value is None:
        return ""
    return f"NT$ {format_decimal(value, locale='en')}"
