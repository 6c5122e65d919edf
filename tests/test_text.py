"""One spelling of every value, in cells, explanations and messages (cspolicy.text)."""

from __future__ import annotations

import datetime as dt
import doctest
from decimal import Decimal as D

import cspolicy.text
from cspolicy.text import format_plain, format_value, number_text, percent_text, plain_number
from cspolicy.values import ColumnType


def test_doctests() -> None:
    result = doctest.testmod(cspolicy.text)
    assert result.attempted > 0 and result.failed == 0


def test_cells_and_explanations_agree_except_for_blanks() -> None:
    for value, ctype in [
        (D("0.07"), ColumnType.PERCENT),
        (D("12.50"), ColumnType.MONEY),
        (True, ColumnType.BOOLEAN),
        (dt.date(2024, 3, 31), ColumnType.DATE),
        ("面单", ColumnType.TEXT),
    ]:
        assert format_value(value, ctype) == format_plain(value, ctype)
    assert format_value(None, ColumnType.TEXT) == "" and format_plain(None) == "blank"


def test_numbers() -> None:
    assert number_text(D("12.50")) == "12.50"  # cells keep the rounded scale (money shows cents)
    assert number_text(D("-0.00")) == "0.00"  # no negative zero after rounding a tiny negative
    assert number_text(D("1E+3")) == "1000"
    assert plain_number(D("0.0700")) == "0.07"  # messages drop trailing zeros
    assert percent_text(D("0.0700")) == "7%" and percent_text(D("0.155")) == "15.5%"
