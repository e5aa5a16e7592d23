"""Tracking numbers and pledge receipts are made and read by one module."""

from __future__ import annotations

from civic.core import short_ids
from civic.feedback.tracking import is_tracking_number, new_tracking_number
from civic.pledges.receipts import new_receipt


def test_new_identifiers_have_their_letter_and_two_groups_of_unambiguous_characters():
    numbers = {new_tracking_number() for _ in range(200)}
    assert len(numbers) == 200 and all(is_tracking_number(number) for number in numbers)
    assert not set("ILOU") & set("".join(numbers))
    receipt = new_receipt()
    assert short_ids.pattern("P").fullmatch(receipt)


def test_what_people_type_is_read_as_the_identifier():
    assert short_ids.normalize("f 7k3m 9qxp", "F") == "F-7K3M-9QXP"
    assert short_ids.normalize("p-ok3m-9qxl", "P") == "P-0K3M-9QX1"
    assert short_ids.normalize("F7K3M9QXP", "F") == "F-7K3M-9QXP"
    assert short_ids.normalize(" not a number ", "F") == "NOT A NUMBER"
