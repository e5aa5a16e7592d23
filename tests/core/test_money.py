"""Amounts in New Taiwan dollars: short in the page's language, or every digit."""

import pytest

from civic.core.money import format_ntd, format_ntd_exact


@pytest.mark.parametrize(("value", "chinese", "english"), [
    (None, "", ""),
    (0, "0 元", "NT$0"),
    (9_999, "9,999 元", "NT$9,999"),
    (12_345, "1.23 萬元", "NT$12,345"),
    (1_234_567, "123.46 萬元", "NT$1.23 million"),
    (99_995_000, "9,999.5 萬元", "NT$100 million"),
    # Rounding reaches the next unit: 1 億 and 1 billion, not 10,000 萬 or 1,000 million.
    (99_999_999, "1 億元", "NT$100 million"),
    (999_999_999, "10 億元", "NT$1 billion"),
    (46_650_000_000, "466.5 億元", "NT$46.65 billion"),
    (100_000_000_000, "1,000 億元", "NT$100 billion"),
    (1_234_567_890_123, "1.23 兆元", "NT$1.23 trillion"),
])
def test_short_amounts_use_the_units_people_read(value, chinese, english):
    assert format_ntd(value, "zh_Hant_TW") == chinese
    assert format_ntd(value, "en") == english


def test_exact_amounts_show_every_digit_grouped_in_both_languages():
    assert format_ntd_exact(46_650_000_000, "zh_Hant_TW") == "NT$ 46,650,000,000"
    assert format_ntd_exact(46_650_000_000, "en") == "NT$ 46,650,000,000"
    assert format_ntd_exact(None, "en") == ""
