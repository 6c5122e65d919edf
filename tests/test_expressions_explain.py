"""explain() and format_plain(): how a figure shows the values it came from; docs and API."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
from decimal import Decimal

import pytest

import cspolicy.expressions
from cspolicy.expressions import Symbol, compile_expression, format_plain
from cspolicy.values import ColumnType, Kind, Value

D = Decimal
SYMBOLS = {
    "parcels": Symbol("parcels", Kind.NUMBER, ctype=ColumnType.INTEGER),
    "growth": Symbol("growth", Kind.NUMBER, ctype=ColumnType.PERCENT),
    "loss": Symbol("loss", Kind.NUMBER, label="loss allowance", ctype=ColumnType.PERCENT),
    "x": Symbol("x", Kind.NUMBER, nullable=True),
    "y": Symbol("y", Kind.NUMBER, nullable=True),
    "name": Symbol("name", Kind.TEXT, nullable=True),
    "flag": Symbol("flag", Kind.BOOLEAN, nullable=True),
    "day": Symbol("day", Kind.DATE, nullable=True),
}


def test_explain_the_materials_formula() -> None:
    expr = compile_expression("parcels * (1 + growth + loss) / 4", SYMBOLS)
    env: dict[str, Value] = {"parcels": D(10000), "growth": D("0.15"), "loss": D("0.07")}
    assert expr.explain(env) == "parcels 10000 × (1 + growth 15% + loss allowance 7%) ÷ 4"
    # with the literal written in: 7% stays 7%; labels default to names
    expr = compile_expression("ceil(parcels × (1 + growth + 7%) ÷ 4)", SYMBOLS)
    assert expr.explain(env) == "ceil(parcels 10000 × (1 + growth 15% + 7%) ÷ 4)"


# --- explain and format_plain ----------------------------------------------------------------


def test_explain_shows_operators_literals_and_values() -> None:
    env: dict[str, Value] = {"x": D("1.50"), "y": None, "flag": True, "name": "华东", "day": dt.date(2024, 3, 5)}
    cases = {
        "x * 2 ≤ 3 and flag": "x 1.50 × 2 ≤ 3 and flag yes",
        "x >= 1 and x != 2 or x == 3": "x 1.50 ≥ 1 and x 1.50 ≠ 2 or x 1.50 = 3",
        "coalesce(y, 0) + x": "coalesce(y blank, 0) + x 1.50",
        "round(x, 1, 'half_even')": "round(x 1.50, 1, 'half_even')",
        'name if flag else "n/a"': 'name 华东 if flag yes else "n/a"',
        "month(day)": "month(day 2024-03-05)",
        "x - (1 - x)": "x 1.50 - (1 - x 1.50)",
        "(x - 1) - x": "x 1.50 - 1 - x 1.50",
        "-(x + 1) ** 2": "-(x 1.50 + 1) ^ 2",
        "not (flag and flag)": "not (flag yes and flag yes)",
        "(x if flag else 1) + 1": "(x 1.50 if flag yes else 1) + 1",
    }
    for text, shown in cases.items():
        assert compile_expression(text, SYMBOLS).explain(env) == shown, text
    assert compile_expression("12.50 + 7% + x", SYMBOLS).explain(env) == "12.50 + 7% + x 1.50"


def test_format_plain() -> None:
    assert format_plain(D("1.50")) == "1.50"
    assert format_plain(D("1E+3")) == "1000"
    assert format_plain(D("-0.001")) == "-0.001"
    assert format_plain(D("0.15"), ColumnType.PERCENT) == "15%"
    assert format_plain(D("0.075"), ColumnType.PERCENT) == "7.5%"
    assert format_plain(D("0.1500"), ColumnType.PERCENT) == "15%"  # one spelling everywhere: no trailing zeros
    assert format_plain(D("12.5"), ColumnType.MONEY) == "12.5"
    assert format_plain(True) == "yes" and format_plain(False) == "no"
    assert format_plain(dt.date(2024, 3, 5)) == "2024-03-05"
    assert format_plain(None) == "blank"
    assert format_plain("华东") == "华东"


# --- docs ----------------------------------------------------------------------------------

MODULES = ["", ".expression", ".functions", ".lexer", ".syntax"]  # explain.py: its formatting moved to cspolicy.text


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"cspolicy.expressions{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0, f"{name} has no docstring example"
    assert result.failed == 0


def test_public_api() -> None:
    assert sorted(cspolicy.expressions.__all__) == sorted(
        [
            "compile_expression",
            "Expression",
            "ConstPool",
            "Symbol",
            "FunctionSpec",
            "ExpressionError",
            "RUNTIME_ERRORS",
            "EVALUATION_ERRORS",
            "format_plain",
            "why_not_evaluated",
        ]
    )
    assert all(hasattr(cspolicy.expressions, n) for n in cspolicy.expressions.__all__)
