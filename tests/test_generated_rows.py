"""The interpreter of formula trees is the reference; the row functions the engine generates
(:mod:`cspolicy.engine.rowfunctions`) must agree with it: same value or same error, for random
formulas of every kind over random rows, with each column rounded once and later columns
reusing an earlier column's exact value (what the generated code does and the interpreter
does not).

The formulas come from the typed generators of ``test_expressions_property.py``; the first
test here keeps those generators complete: every builtin function and every operator of the
formula language appears in them.
"""

from __future__ import annotations

import decimal
import inspect
import re

import test_expressions_property as gen
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cspolicy.engine.rowfunctions import compile_output
from cspolicy.expressions import EVALUATION_ERRORS, ExpressionError, Symbol, compile_expression
from cspolicy.expressions.functions import BUILTINS
from cspolicy.money import CONTEXT, round_to
from cspolicy.planner.plan import ColumnPlan, OutputPlan
from cspolicy.values import ColumnType, Kind, Value

#: Every operator a formula may use, as written (the lexer maps ``× ÷ ≤ ≥ ≠ −`` to Python's).
OPERATORS = ["+", "-", "*", "/", "×", "÷", "**", "&", "<", "<=", ">", ">=", "==", "!=", "≤", "≥", "≠", "\\u2212"]
WORDS = ["and", "or", "not", " if ", " else ", "blank", "given(", "lookup(", "%"]


def test_the_generators_use_every_function_and_operator():
    source = inspect.getsource(gen._typed_formulas) + inspect.getsource(gen._numbers)
    quoted = set(re.findall(r'"([^"]*)"', source)) | set(re.findall(r"'([^']*)'", source))
    words = " ".join(quoted) + source
    missing_functions = [name for name in BUILTINS if not re.search(rf"\b{name}\b", words)]
    assert missing_functions == []
    assert [op for op in OPERATORS if op not in quoted and f" {op} " not in words] == []
    assert [w for w in WORDS if w not in source] == []


_TYPES = {
    Kind.NUMBER: ColumnType.DECIMAL,
    Kind.TEXT: ColumnType.TEXT,
    Kind.BOOLEAN: ColumnType.BOOLEAN,
    Kind.DATE: ColumnType.DATE,
    Kind.DATETIME: ColumnType.DATETIME,
    Kind.PERIOD: ColumnType.PERIOD,
}
_SOURCE = [name for name in gen.TYPED_SYMBOLS if name.isidentifier()]  # the row's cells
_ROUNDINGS = st.sampled_from([None, (0, "half_up"), (2, "half_up"), (2, "half_even"), (0, "ceiling"), (1, "down")])
_ANY = st.sampled_from(sorted(gen.TYPED)).flatmap(lambda kind: gen.TYPED[kind])


def _compile(text: str, symbols: dict[str, Symbol]):  # type: ignore[no-untyped-def]
    try:
        return compile_expression(text, symbols, gen.TYPED_FUNCTIONS)
    except ExpressionError as exc:  # size limits, or a text no lookup can give
        allowed = (
            "too complex",
            "nested too deeply",
            "too long",
            "is not one of",
            "a fraction only below 1",
        )  # and the bare-percent rule (decisions.md)
        assert any(w in exc.message for w in allowed), (text, exc)
        assume(False)
        raise


def _column(name: str, expr, rounding: tuple[int, str] | None) -> ColumnPlan:  # type: ignore[no-untyped-def]
    ctype = expr.ctype or _TYPES[expr.kind]
    return ColumnPlan(name, ctype, name, None, expression=expr, rounding=rounding if expr.kind is Kind.NUMBER else None)


def _interpreted(columns: list[ColumnPlan], env: dict[str, Value]) -> tuple[str, ...] | tuple[str, str]:
    """Each column evaluated by the interpreter in order, rounded once, later columns seeing
    earlier ones rounded: the reference."""
    env = dict(env)
    out = []
    try:
        for c in columns:
            assert c.expression is not None
            value = c.expression.evaluate(env)
            if c.rounding is not None and value is not None:
                value = round_to(value, *c.rounding)  # type: ignore[arg-type]
            env[c.name] = value
            out.append(value)
    except EVALUATION_ERRORS as exc:
        return ("raised " + type(exc).__name__, str(exc))
    return tuple(f"{type(v).__name__}:{v}" for v in out)


def _generated(columns: list[ColumnPlan], env: dict[str, Value]) -> tuple[str, ...] | tuple[str, str]:
    """The same row through the engine's generated row function."""
    plan = OutputPlan(
        "out",
        "rows",
        True,
        tuple((name, _TYPES[gen.TYPED_SYMBOLS[name].kind]) for name in _SOURCE),
        tuple(columns),
    )
    fns = compile_output(plan, {}, {"given:previous": env["given:previous"]})
    assert fns.row is not None
    try:
        out = fns.row(tuple(env[name] for name in _SOURCE), ())
    except EVALUATION_ERRORS as exc:
        return ("raised " + type(exc).__name__, str(exc))
    return tuple(f"{type(v).__name__}:{v}" for v in out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_ANY, _ANY, _ROUNDINGS, _ROUNDINGS, gen.TYPED_ENVS)
def test_generated_rows_match_the_interpreter(first: str, third: str, r1, r3, env) -> None:  # type: ignore[no-untyped-def]
    """Three columns: a random formula ``c1``; ``c2`` repeating ``c1``'s formula (the generated
    code reuses its exact value) or else taking ``c1`` itself (rounded); ``c3`` a random formula."""
    symbols = dict(gen.TYPED_SYMBOLS)
    e1 = _compile(first, symbols)
    symbols["c1"] = Symbol("c1", e1.kind, nullable=True)
    e2 = _compile(f"(({first}) if f else c1)", symbols)
    symbols["c2"] = Symbol("c2", e2.kind, nullable=True)
    e3 = _compile(third, symbols)
    columns = [_column("c1", e1, r1), _column("c2", e2, r1), _column("c3", e3, r3)]
    with decimal.localcontext(CONTEXT):  # as a run evaluates
        interpreted = _interpreted(columns, env)
        generated = _generated(columns, env)
    assert generated == interpreted, (first, third, r1, r3)
