"""Compile-time checks: names, kinds, enums, function signatures, result kinds and values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cspolicy.expressions import Expression, ExpressionError, FunctionSpec, Symbol, compile_expression
from cspolicy.values import ColumnType, Kind, Value

D = Decimal
UNITS = frozenset({"station", "courier"})
SYMBOLS = {
    "parcels": Symbol("parcels", Kind.NUMBER, ctype=ColumnType.INTEGER),
    "growth": Symbol("growth", Kind.NUMBER, ctype=ColumnType.PERCENT),
    "unit": Symbol("unit", Kind.TEXT, ctype=ColumnType.ENUM, values=UNITS),
    "name": Symbol("name", Kind.TEXT),
    "late": Symbol("late", Kind.BOOLEAN),
    "day": Symbol("day", Kind.DATE),
    "note": Symbol("note", Kind.TEXT, nullable=True),
}


def grade_impl(score: Value) -> Value:
    return "A" if isinstance(score, Decimal) and score >= 90 else "B"


FUNCTIONS = {
    "grade": FunctionSpec("grade", (Kind.NUMBER,), Kind.TEXT, grade_impl, frozenset({"A", "B"})),
    "fee": FunctionSpec("fee", (Kind.TEXT, Kind.NUMBER), Kind.NUMBER, lambda u, n: n),
}


def compile_(text: str) -> Expression:
    return compile_expression(text, SYMBOLS, FUNCTIONS)


def error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_(text)
    return info.value


# --- names ---------------------------------------------------------------------------------


def test_unknown_name_suggests_the_closest() -> None:
    exc = error("parcles * 2")
    assert str(exc) == "unknown name 'parcles'; did you mean 'parcels'?"
    assert exc.column == 1


def test_unknown_name_without_a_close_match_lists_the_names() -> None:
    exc = error("1 + zzz")
    assert exc.message == "unknown name 'zzz'"
    assert exc.expected == "one of: day, growth, late, name, note, parcels, unit"
    assert exc.column == 5


def test_a_function_used_as_a_value() -> None:
    exc = error("ceil + 1")
    assert exc.message == "unknown name 'ceil'; 'ceil' is a function, call it with arguments"
    assert exc.expected == "ceil(x)"


def test_calling_a_value_or_an_unknown_function() -> None:
    exc = error("parcels(2)")
    assert exc.message.startswith("'parcels' is a value, not a function; only these functions can be called:")
    exc = error("rnd(parcels)")
    assert exc.message == (
        "'rnd' is not a function; only these functions can be called: abs, add_days, add_months, ceil,"
        " clamp, coalesce, date, days_between, erlang_agents, erlang_asa, erlang_sl, erlang_wait, fee, first_day,"
        " floor, grade, hour, hours, is_working_day,"
        " last_day, max, min, minutes, month, month_index, months_between, period, present, ratio, round,"
        " seconds, seconds_between, week, weekday, whole_months_between, working_days,"
        " working_days_between, year; did you mean 'round'?"
    )


def test_names_and_functions_are_reported() -> None:
    expr = compile_("grade(max(parcels, 10) * (1 + growth)) if late else 'B'")
    assert expr.names == {"parcels", "growth", "late"}
    assert expr.functions_used == {"grade", "max"}
    assert expr.kind is Kind.TEXT
    assert expr.result_values == frozenset({"A", "B"})
    assert compile_("true and not false").names == frozenset()


# --- kinds ---------------------------------------------------------------------------------

TYPE_ERRORS = [
    ("unit * 2", "'*' needs numbers on both sides, but 'unit' is text", 1),
    ("parcels + late", "'+' needs numbers on both sides, but 'late' is true/false", 11),
    ("-name", "'-' needs a number, but 'name' is text", 2),
    ("day ** 2", "'**' needs a number, but 'day' is a date", 1),
    ("parcels == 'x'", "'==' needs the same kind on both sides, but 'parcels' is a number and 'x' is text", 9),
    ("parcels < day", "'<' needs the same kind on both sides, but 'parcels' is a number and 'day' is a date", 9),
    ("name < 'b'", "'<' compares numbers, dates, times or months, but 'name' is text", 6),
    ("late >= false", "'>=' compares numbers, dates, times or months, but 'late' is true/false", 6),
    ("late and parcels", "'and' needs true/false on both sides, but 'parcels' is a number", 10),
    ("parcels or late", "'or' needs true/false on both sides, but 'parcels' is a number", 1),
    ("not name", "'not' needs true/false, but 'name' is text", 5),
    ("1 if parcels else 2", "the condition after 'if' must be true/false, but 'parcels' is a number", 6),
    (
        "parcels if late else 'none'",
        "both results of 'if … else' must be the same kind, but 'parcels' is a number and 'none' is text",
        22,
    ),
    ("0 < parcels < 'x'", "'<' needs the same kind on both sides, but 'parcels' is a number and 'x' is text", 13),
    ("(parcels > 1) == 1", "'==' needs the same kind", 15),
]


@pytest.mark.parametrize(("text", "message", "column"), TYPE_ERRORS, ids=[t[0] for t in TYPE_ERRORS])
def test_type_errors(text: str, message: str, column: int) -> None:
    exc = error(text)
    assert message in exc.message
    assert exc.column == column


def test_result_kinds() -> None:
    assert compile_("parcels * growth").kind is Kind.NUMBER
    assert compile_("name").kind is Kind.TEXT
    assert compile_("parcels > 3 and late").kind is Kind.BOOLEAN
    assert compile_("day").kind is Kind.DATE
    assert compile_("day if late else day").kind is Kind.DATE
    assert compile_("day < day").kind is Kind.BOOLEAN
    assert compile_("late == false").kind is Kind.BOOLEAN
    assert compile_("name != 'x'").kind is Kind.BOOLEAN


# --- enums ---------------------------------------------------------------------------------


def test_enum_compared_with_a_literal_outside_its_values() -> None:
    exc = error("unit == 'statoin'")
    assert exc.message == "'statoin' is not one of: courier, station; did you mean 'station'?"
    assert exc.column == 9
    exc = error("'warehouse' != unit")
    assert exc.message == "'warehouse' is not one of: courier, station"
    assert exc.column == 1
    exc = error("grade(parcels) == 'C'")  # a function's result values count too
    assert exc.message == "'C' is not one of: A, B"


def test_enum_literals_inside_the_set_and_plain_text_are_fine() -> None:
    assert compile_("unit == 'station' or unit == \"courier\"").kind is Kind.BOOLEAN
    assert compile_("name == 'anything'").kind is Kind.BOOLEAN  # not an enum


def test_result_values() -> None:
    assert compile_("unit").result_values == UNITS
    assert compile_("'reward' if late else 'none'").result_values == frozenset({"reward", "none"})
    assert compile_("unit if late else 'none'").result_values == UNITS | {"none"}
    assert compile_("name if late else 'none'").result_values is None  # free text
    assert compile_("coalesce(unit, 'station')").result_values == UNITS
    assert compile_("coalesce(note, 'x')").result_values is None
    assert compile_("grade(parcels)").result_values == frozenset({"A", "B"})
    assert compile_("month(day)").result_values is None
    assert compile_("parcels").result_values is None


# --- functions -----------------------------------------------------------------------------

CALL_ERRORS = [
    ("min(parcels)", "min() takes at least 2 arguments (got 1)", "min(a, b, ...)"),
    ("abs()", "abs() takes 1 argument (got 0)", "abs(x)"),
    ("ceil(1, 2)", "ceil() takes 1 argument (got 2)", "ceil(x)"),
    ("round(1, 2, 'up', 4)", "round() takes 1 to 3 arguments (got 4)", "round(x, 2, 'half_up')"),
    ("clamp(1, 2)", "clamp() takes 3 arguments (got 2)", "clamp(x, lo, hi)"),
    ("coalesce()", "coalesce() takes at least 1 argument (got 0)", "coalesce(a, b, ...)"),
    ("fee('station')", "fee() takes 2 arguments (got 1)", "fee(...)"),
]


@pytest.mark.parametrize(("text", "message", "expected"), CALL_ERRORS, ids=[c[0] for c in CALL_ERRORS])
def test_wrong_number_of_arguments(text: str, message: str, expected: str) -> None:
    exc = error(text)
    assert exc.message == message
    assert exc.expected == expected
    assert exc.column == 1


ARGUMENT_ERRORS = [
    ("max(parcels, name)", "argument 2 of max() must be a number, but 'name' is text", 14),
    ("ceil('1')", "argument 1 of ceil() must be a number, but '1' is text", 6),
    ("month(parcels)", "argument 1 of month() must be a date or a date and time, but 'parcels' is a number", 7),
    ("year(name)", "argument 1 of year() must be a date or a date and time, but 'name' is text", 6),
    ("clamp(parcels, 0, late)", "argument 3 of clamp() must be a number, but 'late' is true/false", 19),
    ("coalesce(note, 1)", "argument 2 of coalesce() must be text, but 1 is a number", 16),
    ("fee(parcels, 1)", "argument 1 of fee() must be text, but 'parcels' is a number", 5),
    ("round(parcels, 1.5)", "the places of round() must be a whole number from 0 to 10", 16),
    ("round(parcels, 11)", "the places of round() must be a whole number from 0 to 10", 16),
    ("round(parcels, 5%)", "the places of round() must be a whole number from 0 to 10", 16),
    ("round(parcels, 1 + 1)", "the places of round() must be a whole number from 0 to 10", 16),
    ("round(parcels, 2, name)", "the mode of round() must be one of: half_up, half_even,", 19),
    ("round(parcels, 2, 'ceil')", "the mode of round() must be one of:", 19),
]


@pytest.mark.parametrize(("text", "message", "column"), ARGUMENT_ERRORS, ids=[a[0] for a in ARGUMENT_ERRORS])
def test_wrong_argument_kinds(text: str, message: str, column: int) -> None:
    exc = error(text)
    assert message in exc.message
    assert exc.column == column


def test_builtin_result_kinds() -> None:
    kinds = {
        "min(parcels, 1)": Kind.NUMBER,
        "max(parcels, 1, 2)": Kind.NUMBER,
        "abs(parcels)": Kind.NUMBER,
        "ceil(parcels)": Kind.NUMBER,
        "floor(parcels)": Kind.NUMBER,
        "round(parcels)": Kind.NUMBER,
        "round(parcels, 2)": Kind.NUMBER,
        "round(parcels, 2, 'ceiling')": Kind.NUMBER,
        "clamp(parcels, 0, 10)": Kind.NUMBER,
        "present(note)": Kind.BOOLEAN,
        "present(day)": Kind.BOOLEAN,
        "coalesce(note, name, 'x')": Kind.TEXT,
        "coalesce(day, day)": Kind.DATE,
        "month(day)": Kind.TEXT,
        "year(day)": Kind.NUMBER,
        "fee(unit, parcels)": Kind.NUMBER,
    }
    for text, kind in kinds.items():
        assert compile_(text).kind is kind, text


def test_extra_functions_may_not_shadow_builtins_or_use_bad_names() -> None:
    spec = FunctionSpec("round", (Kind.NUMBER,), Kind.NUMBER, lambda x: x)
    with pytest.raises(ValueError, match="builtin or not a usable name"):
        compile_expression("1", {}, {"round": spec})
    with pytest.raises(ValueError):
        compile_expression("1", {}, {"_hidden": spec})


def test_symbol_display_defaults_to_name() -> None:
    assert Symbol("x", Kind.NUMBER).display == "x"
    assert Symbol("x", Kind.NUMBER, label="loss allowance").display == "loss allowance"


def test_dates_compare() -> None:
    expr = compile_("day >= day")
    assert expr.evaluate({"day": dt.date(2024, 3, 1)}) is True
