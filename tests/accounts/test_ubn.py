"""統一編號 checksum: the rule in force since 2023 (divisible by 5) and the seventh-digit-7 case."""

import pytest

from civic.accounts.ubn import is_valid_ubn, normalize


@pytest.mark.parametrize("ubn", ["22099131", "96979933", "04541302", "10458575", "10458574"])
def test_numbers_valid_under_the_old_rule_stay_valid(ubn):
    assert is_valid_ubn(ubn, divisor=10)
    assert is_valid_ubn(ubn)


def test_a_number_valid_only_under_the_2023_rule_is_accepted():
    # Weighted digit sum 15: divisible by 5, not by 10.
    assert is_valid_ubn("90000006")
    assert not is_valid_ubn("90000006", divisor=10)


def test_seventh_digit_seven_accepts_either_reading_of_its_product():
    # 7 x 4 = 28 -> 10, counted as 10 or as 1: both neighbours pass.
    assert is_valid_ubn("10458575")
    assert is_valid_ubn("10458574")
    assert not is_valid_ubn("10458573")


@pytest.mark.parametrize("ubn", ["12345678", "00000001", "90000007", "2209913", "220991311",
                                 "2209913a", "", "        "])
def test_malformed_or_wrong_checksum_is_refused(ubn):
    assert not is_valid_ubn(ubn)


def test_full_width_digits_and_spaces_are_normalized():
    assert normalize(" ２２０９９１３１ ") == "22099131"
