"""Every CSV the site offers is written by one function: a byte-order mark once, the header, and
cells that spreadsheet programs do not run as formulas."""

from __future__ import annotations

import csv
import io

from civic.core.spreadsheets import csv_text


def test_a_file_starts_with_one_byte_order_mark_and_guards_every_formula_cell():
    rows = [["name", "amount"], ["=HYPERLINK(\"http://x\")", 1], ["+886912345678", None], ["@SUM(A1)", "-1"],
            ["臺北市政府捷運工程局", 1_000_000], ["負數", -5]]
    text = "".join(csv_text(rows))
    assert text.startswith("\ufeff") and text.count("\ufeff") == 1
    read = list(csv.reader(io.StringIO(text[1:])))
    assert read == [["name", "amount"], ["'=HYPERLINK(\"http://x\")", "1"], ["'+886912345678", ""],
                    ["'@SUM(A1)", "'-1"], ["臺北市政府捷運工程局", "1000000"], ["負數", "-5"]]


def test_a_long_file_comes_in_pieces_that_join_into_the_same_file():
    rows = [["n"], *([str(number)] for number in range(1, 1201))]
    pieces = list(csv_text(iter(rows), flush_every=500))
    assert len(pieces) == 3
    assert "".join(pieces) == "".join(csv_text(rows, flush_every=10_000))
