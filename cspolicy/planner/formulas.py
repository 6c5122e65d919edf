"""A policy's formulas: the names they may use (parameters, the run's own names, columns),
their compilation with any error placed at its YAML line and column, and how an output
column rounds unless it says otherwise."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cspolicy.errors import PolicyError
from cspolicy.expressions import Expression, ExpressionError, FunctionSpec, Symbol, compile_expression
from cspolicy.expressions.check import GIVEN_PREFIX
from cspolicy.expressions.lexer import one_line, prepare
from cspolicy.planner.parameters import ParameterDef
from cspolicy.planner.run_names import RUN_SYMBOLS
from cspolicy.schema.yamlsource import Document
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Kind

__all__ = ["DEFAULT_ROUNDING", "compile_formula", "param_symbols", "column_symbol"]

#: How each output type rounds unless the column says otherwise (RULEBOOK conventions:
#: money 0.01 half-up; quantities whole units, up). Types not listed are not rounded.
DEFAULT_ROUNDING: dict[ColumnType, tuple[int, str] | None] = {
    ColumnType.MONEY: (2, "half_up"),
    ColumnType.QUANTITY: (0, "ceiling"),
    ColumnType.INTEGER: (0, "half_up"),
    ColumnType.DECIMAL: (2, "half_up"),
}
# Percents (rates) are not rounded by default: a rate is an input to money, never paid itself.


def compile_formula(
    doc: Document,
    path: tuple[str | int, ...],
    text: str,
    symbols: Mapping[str, Symbol],
    functions: Mapping[str, FunctionSpec],
) -> Expression:
    """Compile one formula, placing any error at its YAML line and column.

    A formula folded by YAML (``>``) is compiled with its line breaks, so that a ``#``
    comment ends at its line; one written in quotes or plain over several lines has
    lost them, so a comment in it is refused rather than left to swallow the rest.
    """
    key = path if path in doc.lines or path[-1] != "expr" else path[:-1]  # `name: formula` has no 'expr' key
    text = doc.unfolded.get(key, text)
    try:
        comments = prepare(text).comments if key in doc.folded and "#" in text else ()
        if comments:
            raise ExpressionError(
                "a # comment in a formula written over several lines without a block marker would run to its end",
                column=comments[0] + 1,
                expected="the formula as a block (expr: >- or expr: |, then its lines) so that a comment ends at its line",
            )
        expr = compile_expression(text, symbols, functions)
        expr.text = one_line(text)
        return expr
    except ExpressionError as exc:
        where = ".".join(str(p) for p in path)
        start = doc.scalars.get(key)
        line: int | None
        column: int | None
        pos = doc.position_of(path)
        if start is not None and exc.column is not None:  # a one-line formula: the exact column
            line, column = start[0], start[1] + exc.column - 1
            message = f"{where}: {exc.message}"
        elif key in doc.unfolded and exc.column is not None and pos is not None:  # a block: the line in it
            before = text[: exc.column - 1]
            line, column = pos[0] + 1 + before.count("\n"), None
            message = f"{where}: {exc.message} (at character {len(before) - before.rfind(chr(10))} of that line)"
        else:  # a folded or multi-line formula: its line, and the place within the formula
            line, column = (pos[0] if pos else None), None
            at = f" (at character {exc.column} of the formula)" if exc.column else ""
            message = f"{where}: {exc.message}{at}"
        raise PolicyError(message, file=doc.file, line=line, column=column, expected=exc.expected) from None


def param_symbols(params: Mapping[str, ParameterDef], optional_inputs: Iterable[str] = ()) -> dict[str, Symbol]:
    """The names every formula may use: parameters, the run's own (``period``, ``as_of``)
    and, for each optional input, whether it was given (``given('previous')``)."""
    syms = {name: Symbol(name, p.type.kind, p.label, p.type) for name, p in params.items() if not p.per_row}
    for name, (kind, ctype, nullable) in RUN_SYMBOLS.items():
        syms.setdefault(name, Symbol(name, kind, name, ctype, nullable=nullable))
    for name in optional_inputs:
        syms[GIVEN_PREFIX + name] = Symbol(GIVEN_PREFIX + name, Kind.BOOLEAN, f"given('{name}')", ColumnType.BOOLEAN)
    return syms


def column_symbol(spec: ColumnSpec) -> Symbol:
    values = frozenset(spec.values) if spec.values else None
    return Symbol(
        spec.name, spec.type.kind, spec.label or spec.name, spec.type, values, nullable=not spec.required and spec.default is None
    )
