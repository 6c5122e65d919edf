"""Why a row failed, in words, and which formula failed.

The generated code computes a whole row in one function, so an exception does not say
which column raised it. A failed row is rare: it is replayed column by column with the
formula interpreter (the reference semantics the generated code agrees with), with the
run's parameter values and each earlier column's rounded value, exactly as computed.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence

from cspolicy.errors import DataError
from cspolicy.expressions import RUNTIME_ERRORS, Expression
from cspolicy.money import CONTEXT, round_to
from cspolicy.planner.plan import ColumnPlan, OutputPlan
from cspolicy.values import Value

__all__ = ["ROW_ERRORS", "why", "locate", "locate_check", "locate_aggregate", "Lenient", "formula_text"]

#: What evaluating a row can raise because of the row's data (band lookups raise ValueError).
ROW_ERRORS: tuple[type[BaseException], ...] = (*RUNTIME_ERRORS, ValueError, LookupError)

Row = tuple[Value, ...]


class Lenient(dict[str, Value]):
    """Names a formula reads, a missing one blank (to replay a failed row as far as it goes)."""

    def __missing__(self, key: str) -> Value:
        return None


def formula_text(label: str, expr: Expression, env: Mapping[str, Value], *, condition: bool = False) -> str:
    """``column 'x' = a / b (blank: b)``: a failed formula as a message names it."""
    blank = sorted(n for n in expr.names if n in env and env[n] is None)
    text = " ".join(expr.text.split())
    return (f"{label} ({text})" if condition else f"{label} = {text}") + (f" (blank: {', '.join(blank)})" if blank else "")


def locate(
    plan: OutputPlan,
    env: Mapping[str, Value],
    columns: Sequence[ColumnPlan],
    exc: BaseException,
    aggregates: Sequence[Value] = (),
) -> tuple[str, str]:
    """(the failing column and formula, why) for a row or group whose columns failed."""
    scope = Lenient(env)
    slot = 0
    for c in columns:
        label = f"column '{c.name}'"
        if c.agg is not None:
            value = aggregates[slot] if slot < len(aggregates) else None
            slot += 1
        else:
            assert c.expression is not None
            try:
                value = c.expression.evaluate(scope)
            except ROW_ERRORS as failed:
                return formula_text(label, c.expression, scope), why(failed)
        if c.rounding is not None and c.ctype.kind.value == "number" and value is not None:
            try:
                value = round_to(value, *c.rounding)  # type: ignore[arg-type]
            except ROW_ERRORS as failed:
                return label, why(failed, rounding=c.rounding[0])
        scope[c.name] = value
    return f"output '{plan.name}'", why(exc)


def locate_check(plan: OutputPlan, env: Mapping[str, Value], exc: BaseException) -> tuple[str, str]:
    scope = Lenient(env)
    for chk in plan.checks:
        try:
            chk.expression.evaluate(scope)
        except ROW_ERRORS as failed:
            return formula_text(f"check '{chk.message}'", chk.expression, scope, condition=True), why(failed)
    return f"output '{plan.name}'", why(exc)


def locate_aggregate(plan: OutputPlan, env: Mapping[str, Value], row: Row, exc: BaseException) -> tuple[str, str]:
    scope = Lenient(env)
    scope.update(zip((n for n, _ in plan.source_columns), row))
    for c in plan.columns:
        for part, expr in (("of", c.of), ("by", c.by)):
            if expr is None:
                continue
            try:
                expr.evaluate(scope)
            except ROW_ERRORS as failed:
                return formula_text(f"column '{c.name}' ({c.agg} {part})", expr, scope), why(failed)
    return f"output '{plan.name}'", why(exc)


def why(exc: BaseException, *, rounding: int | None = None) -> str:
    """What went wrong on a row, in words: every decimal signal, a blank in arithmetic, a band
    or ladder lookup. ``rounding`` is set when rounding to that many places failed.

    >>> why(decimal.Overflow([decimal.Overflow]))
    'a number too large (above 10^999999)'
    """
    if isinstance(exc, DataError):
        return exc.message
    if isinstance(exc, TypeError):
        return "a blank value was used in arithmetic or a comparison (give a value, or guard it with present()/coalesce())"
    if isinstance(exc, decimal.DecimalException):
        conditions = exc.args[0] if exc.args and isinstance(exc.args[0], list) else [type(exc)]
        for condition, words in _DECIMAL_WORDS:
            if any(isinstance(c, type) and issubclass(c, condition) for c in conditions) or isinstance(exc, condition):
                if condition is decimal.InvalidOperation and rounding is not None:
                    return f"a number too large to round to {rounding} decimal places ({CONTEXT.prec} digits at most)"
                return words
        return "an arithmetic error"  # pragma: no cover - every trapped signal is listed
    return str(exc) or type(exc).__name__


#: Each decimal signal the policy context traps (and its conditions), most specific first.
_DECIMAL_WORDS: tuple[tuple[type[decimal.DecimalException], str], ...] = (
    (decimal.DivisionUndefined, "division by zero (0 ÷ 0)"),
    (decimal.DivisionByZero, "division by zero"),
    (decimal.DivisionImpossible, f"a number too large (a whole-number quotient of more than {CONTEXT.prec} digits)"),
    (decimal.Overflow, f"a number too large (above 10^{CONTEXT.Emax})"),
    (decimal.ConversionSyntax, "not a number"),
    (decimal.InvalidOperation, f"a number too large to round ({CONTEXT.prec} digits at most), or an undefined result"),
)
