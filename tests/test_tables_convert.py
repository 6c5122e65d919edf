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
        ("12 34", "'12 34' is not a whole number: it holds a space"),
    ],
)
def test_integer_rejects(cell: str, message: str) -> None:
    error = rejected(cell)
    assert error.message == message
    assert error.expected in ("a whole number such as 120", "a whole number such as 120, without spaces inside")


@pytest.mark.parametrize(
    ("cell", "odd", "code"),
    [
        ("5000¹", "¹", "U+00B9 SUPERSCRIPT ONE"),  # NFKC would read 50001
        ("①", "①", "U+2460 CIRCLED DIGIT ONE"),  # NFKC would read 1
        ("1₂", "₂", "U+2082 SUBSCRIPT TWO"),
        ("½", "½", "U+00BD VULGAR FRACTION ONE HALF"),
        ("٣", "٣", "U+0663 ARABIC-INDIC DIGIT THREE"),  # Decimal() alone would read 3
        ("1,00²", "²", "U+00B2 SUPERSCRIPT TWO"),
    ],
)
def test_only_ascii_and_fullwidth_digits_are_digits(cell: str, odd: str, code: str) -> None:
    for ctype, noun in ((T.INTEGER, "a whole number"), (T.MONEY, "an amount of money"), (T.PERCENT, "a percentage")):
        error = rejected(cell, ctype)
        assert error.message == f"'{cell}' is not {noun}: '{odd}' ({code}) is not a digit"
        assert error.expected is not None and error.expected.endswith(", with the digits 0-9")
    assert convert("１２３", T.INTEGER) == 123  # full-width digits are digits
    assert rejected(cell + "%", T.PERCENT).message.startswith(f"'{cell}%' is not a percentage: '{odd}'")


@pytest.mark.parametrize(
    ("cell", "shown", "what"),
    [
        ("12\x00", "'12\\x00'", "the control character U+0000 NUL"),
        ("\x1c12", "'\\x1c12'", "the control character U+001C"),
        ("1\x1b[31m2", "'1\\x1b[31m2'", "the control character U+001B escape"),
        ("12\x85", "'12\\x85'", "the control character U+0085"),
        ("12\n", "'12\\n'", "a line break"),
        ("12\r", "'12\\r'", "a line break"),
    ],
)
def test_control_characters_are_refused_in_every_type(cell: str, shown: str, what: str) -> None:
    enum = {"values": {"12": ()}}
    for ctype in (T.INTEGER, T.DECIMAL, T.MONEY, T.PERCENT, T.DATE, T.BOOLEAN, T.ENUM, T.TEXT):
        error = rejected(cell, ctype, **(enum if ctype is T.ENUM else {}))
        assert error.message == f"{shown} holds {what}", ctype
    assert rejected("\x00", T.INTEGER, required=False).message == "'\\x00' holds the control character U+0000 NUL"


def test_a_tab_is_a_space() -> None:
    assert convert("\t12\t") == 12
    assert convert("\t", T.INTEGER, required=False) is None
    assert convert("a\tb", T.TEXT) == "a\tb"


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
        ("0", D(0)),
        ("0.0", D(0)),
        ("-0", D(0)),
        ("0.999", D("0.999")),
    ],
)
def test_percent_accepts(cell: str, value: Decimal) -> None:
    assert convert(cell, T.PERCENT, **PCT) == value


BARE = "is not a percentage: a number without % must be a fraction below 1"


def test_percent_bare_number_of_1_or_more_is_refused_asking_for_percent_or_fraction() -> None:
    # '5' read as a fraction is 500 %: the weekly order of 10000 parcels would be
    # ceil(10000 × (1 + 5 + 0.07) ÷ 4) = 15175 instead of ceil(10000 × 1.12 ÷ 4) = 2800
    error = rejected("5", T.PERCENT, **PCT)
    assert error.message == f"'5' {BARE}"
    assert error.expected == "5% or the fraction 0.05 for 5 percent"
    assert rejected("1", T.PERCENT, **PCT).expected == "1% or the fraction 0.01 for 1 percent; or 100% for all of it"
    assert rejected("1.5", T.PERCENT).expected == "1.5% or the fraction 0.015 for 1.5 percent"
    assert rejected("-2", T.PERCENT).expected == "-2% or the fraction -0.02 for -2 percent"
    assert rejected("1.0", T.PERCENT).message == f"'1.0' {BARE}"
    assert rejected("１５", T.PERCENT).message == f"'１５' {BARE}"  # full-width, slow path: the same rule
    assert convert("1500%", T.PERCENT) == D(15)  # with %, anything goes


def test_percent_bare_rule_does_not_depend_on_the_range() -> None:
    # a range reaching 500 % used to let a bare '3' through as 300 %
    assert rejected("3", T.PERCENT, minimum=D(0), maximum=D(5)).message == f"'3' {BARE}"
    assert rejected("150", T.PERCENT, minimum=D(0), maximum=D(2)).expected == "150% for 150 percent"
    assert convert("0.5", T.PERCENT, minimum=D(0), maximum=D(5)) == D("0.5")
    assert convert("-0.5", T.PERCENT) == D("-0.5")


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
    if abs(fraction) < 1:
        assert conv(format(fraction, "f")) == fraction
    else:
        with pytest.raises(CellError, match=BARE):
            conv(format(fraction, "f"))
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
        ("18264", dt.date(1950, 1, 1)),  # the first serial accepted
        ("73415", dt.date(2100, 12, 31)),  # the last
        ("２０２４０３１５", dt.date(2024, 3, 15)),
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
        ("45366.5", "'45366.5' is not a date"),
        ("2024-03-1⁵", "'2024-03-1⁵' is not a date: '⁵' (U+2075 SUPERSCRIPT FIVE) is not a digit"),
        ("yesterday", "'yesterday' is not a date"),
    ],
)
def test_date_rejects(cell: str, message: str) -> None:
    error = rejected(cell, T.DATE)
    assert error.message == message
    assert error.expected is not None and error.expected.startswith("a date such as 2024-03-15")


SERIALS = "(as an Excel day number it must be 18264 to 73415, that is 1950-01-01 to 2100-12-31)"


@pytest.mark.parametrize("cell", ["1", "0", "60", "18263", "73416", "2958465", "1234567", "１"])
def test_excel_serials_outside_1950_to_2100_are_refused(cell: str) -> None:
    # '1' used to be 1900-01-01; 18264 = days from 1899-12-30 to 1950-01-01 (50 years of
    # 365 days + 13 leap days from 1904 to 1948 + 1 for 1899-12-31), 73415 = to 2100-12-31
    assert (dt.date(1950, 1, 1) - dt.date(1899, 12, 30)).days == 50 * 365 + 13 + 1
    error = rejected(cell, T.DATE)
    assert error.message == f"'{cell}' is not a date {SERIALS}"
    assert error.expected == "a date written YYYY-MM-DD, such as 2024-03-15"


# --- boolean --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["yes", "YES", "Yes ", "true", "True", "y", "Y", "1", "是", "有", "√"])
def test_boolean_true(cell: str) -> None:
    assert convert(cell, T.BOOLEAN) is True


@pytest.mark.parametrize("cell", ["no", "NO", "false", "FALSE", "n", "0", "否", "无", "×", " no "])
def test_boolean_false(cell: str) -> None:
    assert convert(cell, T.BOOLEAN) is False


@pytest.mark.parametrize("cell", ["maybe", "2", "yess", "是的", "①", "¹"])
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
