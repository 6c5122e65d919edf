"""Cell converters: accepted forms, rejected forms with their exact messages, ranges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspolicy.errors import DataError, PolicyError
from cspolicy.tables import CellError, format_value, make_converter
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Value

D = Decimal
T = ColumnType


def convert(cell: str, ctype: ColumnType = T.INTEGER, /, **kwargs: object) -> Value:
    return make_converter(ColumnSpec("c", ctype, **kwargs))(cell)  # type: ignore[arg-type]


def rejected(cell: str, ctype: ColumnType = T.INTEGER, /, **kwargs: object) -> CellError:
    with pytest.raises(CellError) as info:
        convert(cell, ctype, **kwargs)
    return info.value


# --- integer --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("120", D(120)),
        ("1,234", D(1234)),
        ("1,234,567", D(1234567)),
        ("12.0", D(12)),
        ("12.00", D(12)),
        (" 7 ", D(7)),
        ("１２３", D(123)),
        ("１，２３４", D(1234)),
        ("-5", D(-5)),
        ("+5", D(5)),
        ("0", D(0)),
        ("007", D(7)),
    ],
)
def test_integer_accepts(cell: str, value: Decimal) -> None:
    result = convert(cell)
    assert isinstance(result, Decimal)
    assert result == value
    assert str(result) == str(value)  # 12.0 becomes 12, not 12.0


def test_integer_negative_zero_loses_its_sign() -> None:
    result = convert("-0")
    assert isinstance(result, Decimal) and not result.is_signed()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "'abc' is not a whole number"),
        ("12.5", "'12.5' is not a whole number"),
        ("nan", "'nan' is not a whole number"),
        ("inf", "'inf' is not a whole number"),
        ("-Infinity", "'-Infinity' is not a whole number"),
        ("1,23", "'1,23' is not a whole number"),
        ("12,34,567", "'12,34,567' is not a whole number"),
        ("1_000", "'1_000' is not a whole number"),
        ("12 34", "'12 34' is not a whole number"),
        ("½", "'½' is not a whole number"),
    ],
)
def test_integer_rejects(cell: str, message: str) -> None:
    error = rejected(cell)
    assert error.message == message
    assert error.expected == "a whole number such as 120"


@pytest.mark.parametrize("cell", ["1e5", "1.2E+05", "3E2"])
def test_exponent_notation_is_rejected_with_the_excel_fix(cell: str) -> None:
    error = rejected(cell)
    assert error.message.startswith(f"'{cell}' is in exponent notation")
    assert "format the column as Number" in error.message


def test_cell_error_is_a_data_error() -> None:
    assert isinstance(rejected("abc"), DataError)


def test_long_cells_are_cut_short_in_messages() -> None:
    error = rejected("x" * 100)
    assert error.message == "'" + "x" * 37 + "…' is not a whole number"


# --- blanks ---------------------------------------------------------------------------


@pytest.mark.parametrize("ctype", list(ColumnType))
def test_required_blank_is_an_error(ctype: ColumnType) -> None:
    col = ColumnSpec("c", ctype, values={"A": ()} if ctype is T.ENUM else {})
    for cell in ("", "   ", "\u3000"):
        with pytest.raises(CellError) as info:
            make_converter(col)(cell)
        assert info.value.message == "the cell is blank"
        assert info.value.expected


def test_blank_expected_names_the_type() -> None:
    assert rejected("", T.INTEGER).expected == "a whole number such as 120"
    assert rejected("", T.DATE).expected == "a date such as 2024-03-15"
    assert rejected("", T.ENUM, values={"A": (), "B": ()}).expected == "one of: A, B"


@pytest.mark.parametrize("ctype", [T.INTEGER, T.PERCENT, T.DATE, T.BOOLEAN, T.TEXT, T.MONEY])
def test_optional_blank_is_none_or_the_default(ctype: ColumnType) -> None:
    assert convert(" ", ctype, required=False) is None
    assert convert("", ctype, default="x") == "x"
    assert convert("", ctype, required=False, default=D(3)) == D(3)


# --- ranges ---------------------------------------------------------------------------


def test_range_is_inclusive() -> None:
    bounds = {"minimum": D(0), "maximum": D(100)}
    assert convert("0", **bounds) == 0
    assert convert("100", **bounds) == 100
    low = rejected("-3", **bounds)
    assert low.message == "'-3' is below the minimum 0"
    assert low.expected == "a whole number from 0 to 100"
    assert rejected("101", **bounds).message == "'101' is above the maximum 100"
    assert rejected("1,000", **bounds).message == "'1,000' is above the maximum 100"


def test_one_sided_ranges() -> None:
    assert rejected("-1", T.DECIMAL, minimum=D(0)).expected == "a number of at least 0"
    assert rejected("5.5", T.DECIMAL, maximum=D("5.25")).expected == "a number of at most 5.25"
    assert rejected("-1", T.MONEY, minimum=D(0)).message == "'-1' is below the minimum 0"


# --- decimal, money, quantity ---------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "ctype", "text"),
    [
        ("99.5", T.DECIMAL, "99.5"),
        ("1,234.50", T.DECIMAL, "1234.50"),
        ("-0.25", T.DECIMAL, "-0.25"),
        (".5", T.QUANTITY, "0.5"),
        ("2.5", T.QUANTITY, "2.5"),
        ("12.50", T.MONEY, "12.50"),
        ("¥12.50", T.MONEY, "12.50"),
        ("￥1,234.50", T.MONEY, "1234.50"),
        ("12.50元", T.MONEY, "12.50"),
        ("12 元", T.MONEY, "12"),
        ("-¥3.00", T.MONEY, "-3.00"),
        ("¥-3.00", T.MONEY, "-3.00"),
        ("－１２．５", T.MONEY, "-12.5"),
        ("\u22123", T.DECIMAL, "-3"),
    ],
)
def test_decimal_money_quantity_accept(cell: str, ctype: ColumnType, text: str) -> None:
    result = convert(cell, ctype)
    assert isinstance(result, Decimal)
    assert str(result) == text  # exact value and scale


@pytest.mark.parametrize(
    ("cell", "ctype", "message"),
    [
        ("abc", T.DECIMAL, "'abc' is not a number"),
        ("NaN", T.DECIMAL, "'NaN' is not a number"),
        ("Infinity", T.QUANTITY, "'Infinity' is not a number"),
        ("12.5.3", T.DECIMAL, "'12.5.3' is not a number"),
        ("12%", T.DECIMAL, "'12%' is not a number"),
        ("$12", T.MONEY, "'$12' is not an amount of money"),
        ("¥", T.MONEY, "'¥' is not an amount of money"),
        ("¥12元", T.MONEY, "'¥12元' is not an amount of money"),
        ("12元", T.DECIMAL, "'12元' is not a number"),
    ],
)
def test_decimal_money_quantity_reject(cell: str, ctype: ColumnType, message: str) -> None:
    assert rejected(cell, ctype).message == message


def test_money_expected_text() -> None:
    assert rejected("x", T.MONEY).expected == "an amount such as 1234.50"
    assert "exponent notation" in rejected("1.5e3", T.MONEY).message


# --- percent --------------------------------------------------------------------------

PCT = {"minimum": D(0), "maximum": D(1)}


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("15%", D("0.15")),
        ("15 %", D("0.15")),
        ("１５％", D("0.15")),
        ("7.5%", D("0.075")),
        ("0.15", D("0.15")),
        ("0%", D(0)),
        ("100%", D(1)),
        ("1", D(1)),
        ("0", D(0)),
    ],
)
def test_percent_accepts(cell: str, value: Decimal) -> None:
    assert convert(cell, T.PERCENT, **PCT) == value


def test_percent_bare_number_hint_uses_the_declared_range() -> None:
    error = rejected("15", T.PERCENT, **PCT)
    assert error.message == "'15' is outside 0%–100%; write 15% if you mean 15 percent"
    assert error.expected == "a percentage such as 15% or 0.15"


def test_percent_bare_number_without_a_range_must_be_within_100_percent() -> None:
    assert convert("0.5", T.PERCENT) == D("0.5")
    assert convert("-1", T.PERCENT) == D(-1)
    assert rejected("15", T.PERCENT).message == "'15' is outside -100%–100%; write 15% if you mean 15 percent"
    assert rejected("-2", T.PERCENT).message == "'-2' is outside -100%–100%; write -2% if you mean -2 percent"
    assert convert("1500%", T.PERCENT) == D(15)  # with %, anything goes


def test_percent_bare_number_allowed_by_a_wider_range() -> None:
    assert convert("3", T.PERCENT, minimum=D(0), maximum=D(5)) == D(3)  # 300 %
    hint = rejected("150", T.PERCENT, minimum=D(0), maximum=D(2)).message
    assert hint == "'150' is outside 0%–200%; write 150% if you mean 150 percent"


def test_percent_range_errors_show_percents() -> None:
    low = rejected("-3%", T.PERCENT, **PCT)
    assert low.message == "'-3%' is below the minimum 0%"
    assert low.expected == "a percentage from 0% to 100%"
    assert rejected("120%", T.PERCENT, **PCT).message == "'120%' is above the maximum 100%"
    # a bare number whose hundredth is out of range too gets the plain range error
    assert rejected("-3", T.PERCENT, **PCT).message == "'-3' is below the minimum 0%"
    assert rejected("12.5%", T.PERCENT, maximum=D("0.1")).message == "'12.5%' is above the maximum 10%"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "'abc' is not a percentage"),
        ("%", "'%' is not a percentage"),
        ("15%%", "'15%%' is not a percentage"),
        ("nan%", "'nan%' is not a percentage"),
    ],
)
def test_percent_rejects(cell: str, message: str) -> None:
    assert rejected(cell, T.PERCENT).message == message


def test_percent_exponent_quotes_the_whole_cell() -> None:
    assert rejected("1e1%", T.PERCENT).message.startswith("'1e1%' is in exponent notation")


places = st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False, allow_infinity=False)


@given(places)
def test_percent_sign_and_fraction_agree(d: Decimal) -> None:
    conv = make_converter(ColumnSpec("g", T.PERCENT, minimum=D(-10), maximum=D(10)))
    fraction = d / 100
    assert conv(format(d, "f") + "%") == fraction
    assert conv(format(fraction, "f")) == fraction
    assert conv(format_value(fraction, T.PERCENT)) == fraction  # what we write, we read back


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_thousands_separators(n: int) -> None:
    assert convert(f"{n:,}") == n
    assert convert(f"{n:,}.50", T.DECIMAL) == D(n) + (D("0.50") if n >= 0 else D("-0.50"))


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9))
def test_decimal_round_trip(d: Decimal) -> None:
    result = convert(format_value(d, T.DECIMAL), T.DECIMAL)
    assert result == d


# --- date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("2024-03-15", dt.date(2024, 3, 15)),
        ("2024/3/15", dt.date(2024, 3, 15)),
        ("2024/03/15", dt.date(2024, 3, 15)),
        ("2024.03.15", dt.date(2024, 3, 15)),
        ("2024年3月15日", dt.date(2024, 3, 15)),
        ("2024 年 3 月 15 日", dt.date(2024, 3, 15)),
        ("２０２４－０３－１５", dt.date(2024, 3, 15)),
        ("2024/3/15 0:00", dt.date(2024, 3, 15)),
        (" 2024-03-15 ", dt.date(2024, 3, 15)),
        ("20240315", dt.date(2024, 3, 15)),
        ("45366", dt.date(2024, 3, 15)),  # Excel serial
        ("1", dt.date(1900, 1, 1)),
        ("59", dt.date(1900, 2, 28)),
        ("61", dt.date(1900, 3, 1)),
        ("2958465", dt.date(9999, 12, 31)),
    ],
)
def test_date_accepts(cell: str, value: dt.date) -> None:
    assert convert(cell, T.DATE) == value


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2024-13-01", "'2024-13-01' is not a date"),
        ("2024-02-30", "'2024-02-30' is not a date"),
        ("2024-3/15", "'2024-3/15' is not a date"),
        ("15/3/2024", "'15/3/2024' is not a date"),
        ("2024-W11-5", "'2024-W11-5' is not a date"),
        ("2024/3/15 9:30", "'2024/3/15 9:30' is not a date"),
        ("20241301", "'20241301' is not a date"),
        ("60", "'60' is not a date (Excel's day 60 is 1900-02-29, a day that never existed)"),
        ("0", "'0' is not a date (as an Excel day number it must be 1 to 2958465)"),
        ("2958466", "'2958466' is not a date (as an Excel day number it must be 1 to 2958465)"),
        ("45366.5", "'45366.5' is not a date"),
        ("yesterday", "'yesterday' is not a date"),
    ],
)
def test_date_rejects(cell: str, message: str) -> None:
    error = rejected(cell, T.DATE)
    assert error.message == message
    assert error.expected == "a date such as 2024-03-15"


# --- boolean --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["yes", "YES", "Yes ", "true", "True", "y", "Y", "1", "是", "有", "√"])
def test_boolean_true(cell: str) -> None:
    assert convert(cell, T.BOOLEAN) is True


@pytest.mark.parametrize("cell", ["no", "NO", "false", "FALSE", "n", "0", "否", "无", "×", " no "])
def test_boolean_false(cell: str) -> None:
    assert convert(cell, T.BOOLEAN) is False


@pytest.mark.parametrize("cell", ["maybe", "2", "yess", "是的"])
def test_boolean_rejects(cell: str) -> None:
    error = rejected(cell, T.BOOLEAN)
    assert error.message == f"'{cell}' is not yes or no"
    assert error.expected is not None and "是/否" in error.expected


# --- enum -----------------------------------------------------------------------------

LEVELS = {"values": {"light": ("轻度", "L"), "medium": ("中度", "M"), "severe": ("重度",)}}


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("light", "light"),
        ("LIGHT", "light"),
        (" Light ", "light"),
        ("轻度", "light"),
        ("l", "light"),
        ("ｍｅｄｉｕｍ", "medium"),
        ("中度", "medium"),
        ("重度", "severe"),
    ],
)
def test_enum_accepts(cell: str, value: str) -> None:
    assert convert(cell, T.ENUM, **LEVELS) == value


def test_enum_rejects_with_allowed_values_and_a_suggestion() -> None:
    error = rejected("mediun", T.ENUM, **LEVELS)
    assert error.message == "'mediun' is not an allowed value (did you mean 'medium'?)"
    assert error.expected == "one of: light, medium, severe"
    assert rejected("xyz", T.ENUM, **LEVELS).message == "'xyz' is not an allowed value"


def test_enum_spellings_that_collide_are_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="'A' would match both 'a' and 'b'"):
        make_converter(ColumnSpec("c", T.ENUM, values={"a": (), "b": ("A",)}))
    with pytest.raises(PolicyError, match="lists no allowed values"):
        make_converter(ColumnSpec("c", T.ENUM))


# --- text -----------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "value"), [(" 001 ", "001"), ("张三", "张三"), ("1e5", "1e5"), ("a  b", "a  b")])
def test_text(cell: str, value: str) -> None:
    assert convert(cell, T.TEXT) == value
