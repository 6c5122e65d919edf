"""Turn a validated policy model into executable plans, checking every name and type.

Everything that can be wrong in a policy is found here, at load time, with ``file:line``:
unknown names in formulas, type mismatches, a parameter value that is not a percent, a band
table with overlapping ranges. After this, only input data can fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cspolicy.errors import PolicyError
from cspolicy.expressions import (
    EVALUATION_ERRORS,
    Expression,
    ExpressionError,
    FunctionSpec,
    Symbol,
    compile_expression,
    why_not_evaluated,
)
from cspolicy.expressions.check import GIVEN_PREFIX
from cspolicy.expressions.lexer import one_line, prepare
from cspolicy.money import MAX_POLICY_NUMBER
from cspolicy.planner.parameters import DatedValue, ParameterDef, value_reader
from cspolicy.planner.plan import BandBound, BandPlan, BandsPlan, OutputPlan
from cspolicy.planner.run_names import RUN_SYMBOLS, given_values
from cspolicy.schema.models import BandsSpec, Column, LabelText, PolicyModel
from cspolicy.schema.yamlsource import Document
from cspolicy.tables.cells import as_value
from cspolicy.tables.convert import CellError, fold, make_converter
from cspolicy.tables.spec import ColumnSpec, TableSpec
from cspolicy.values import ColumnType, Kind, Value

if TYPE_CHECKING:
    from cspolicy.planner.lookups import LookupPlan

__all__ = [
    "Builder",
    "DEFAULT_ROUNDING",
    "RUN_SYMBOLS",
    "param_symbols",
    "given_values",
    "column_symbol",
    "convert_scalar",
    "constraint_failure",
    "MAX_POLICY_NUMBER",
    "IS_FALSE",
    "key_columns",
]

#: How each output type rounds unless the column says otherwise (RULEBOOK conventions:
#: money 0.01 half-up; quantities whole units, up). Types not listed are not rounded.
DEFAULT_ROUNDING: dict[ColumnType, tuple[int, str] | None] = {
    ColumnType.MONEY: (2, "half_up"),
    ColumnType.QUANTITY: (0, "ceiling"),
    ColumnType.INTEGER: (0, "half_up"),
    ColumnType.DECIMAL: (2, "half_up"),
}
# Percents (rates) are not rounded by default: a rate is an input to money, never paid itself.
#: Names every formula may use that describe the run itself.


def convert_scalar(
    doc: Document,
    path: tuple[str | int, ...],
    value: Any,
    ctype: ColumnType,
    what: str,
    convert: Callable[[str], Value] | None = None,
) -> Value:
    """Convert a YAML scalar exactly like a CSV cell of ``ctype`` (so 7% means the same),
    with ``convert`` if given (a column's or parameter's own reader, with its bounds).

    A YAML ``true``/``false`` is a value only of a boolean: for any other type it is an
    error (it is never 1, 100 % or the text "True"), so a wrong type cannot slip past the
    bounds that the reader checks.
    """
    if isinstance(value, bool):
        if ctype is ColumnType.BOOLEAN:
            return value
        word = str(value).lower()
        if ctype.kind is Kind.TEXT:
            raise doc.error(path, f"{what}: {word} is a yes/no value, not text", f"the word in quotes ('{word}') if you mean it")
        noun, example = _NOUN[ctype]
        raise doc.error(path, f"{what}: {word} is not {noun}", f"{noun} such as {example} (true/false only for yes/no values)")
    if not isinstance(value, str):
        raise doc.error(path, f"{what}: a {ctype.value} value is one scalar", "one value such as 7% or 20.92")
    try:
        result = (convert or make_converter(ColumnSpec(name=what, type=ctype)))(value)
    except CellError as exc:
        raise doc.error(path, f"{what}: {as_value(exc)}") from None
    if isinstance(result, Decimal) and abs(result) >= MAX_POLICY_NUMBER:
        raise doc.error(
            path,
            f"{what}: '{value.strip()}' is too large for a policy value",
            f"a number below {MAX_POLICY_NUMBER:,} (results must still round to the cent)",
        )
    return result


_NOUN = {
    ColumnType.INTEGER: ("a whole number", "120"),
    ColumnType.DECIMAL: ("a number", "99.5"),
    ColumnType.PERCENT: ("a percentage", "7%"),
    ColumnType.MONEY: ("an amount of money", "20.92"),
    ColumnType.QUANTITY: ("a quantity", "12"),
    ColumnType.DATE: ("a date", "2024-03-15"),
    ColumnType.DATETIME: ("a date and time", "2025-03-01 09:15"),
    ColumnType.DURATION: ("a duration", "125 or 2:05"),
    ColumnType.PERIOD: ("a month", "2024-05"),
}
_ORDERED = (
    ColumnType.INTEGER,
    ColumnType.DECIMAL,
    ColumnType.PERCENT,
    ColumnType.MONEY,
    ColumnType.QUANTITY,
    ColumnType.DURATION,
)


def _bounds(
    doc: Document, path: tuple[str | int, ...], lo_raw: Any, hi_raw: Any, ctype: ColumnType, what: str
) -> tuple[Decimal | None, Decimal | None]:
    """A column's or parameter's ``min``/``max``: numbers of its type, min ≤ max, and only
    for numeric types (a ``min`` on a date or text would otherwise be silently ignored)."""
    if ctype not in _ORDERED:
        for key, raw in (("min", lo_raw), ("max", hi_raw)):
            if raw is not None:
                raise doc.error(
                    (*path, key),
                    f"{what}: '{key}' applies only to numbers, not to type {ctype.value}",
                    f"no '{key}', or a numeric type ({', '.join(t.value for t in _ORDERED)})",
                )
        return None, None
    lo = None if lo_raw is None else convert_scalar(doc, (*path, "min"), lo_raw, ctype, f"{what}.min")
    hi = None if hi_raw is None else convert_scalar(doc, (*path, "max"), hi_raw, ctype, f"{what}.max")
    assert (lo is None or isinstance(lo, Decimal)) and (hi is None or isinstance(hi, Decimal))
    if lo is not None and hi is not None and lo > hi:
        raise doc.error((*path, "max"), f"{what}: min {lo_raw} is above max {hi_raw}", "min ≤ max")
    return lo, hi


#: What :func:`constraint_failure` says of a constraint that evaluates to false.
IS_FALSE = "is false"


def constraint_failure(expr: Expression, values: Mapping[str, Value]) -> str | None:
    """``None`` when the constraint ``expr`` holds for ``values``; else why not:
    :data:`IS_FALSE`, or why it cannot be evaluated (``"cannot be evaluated: division by
    zero"``), so that a constraint never fails with a traceback."""
    try:
        holds = expr.evaluate(values)
    except EVALUATION_ERRORS as exc:
        return f"cannot be evaluated: {why_not_evaluated(exc)}"
    return None if holds is True else IS_FALSE


class Builder:
    """Builds the plans of one policy; one instance per policy file."""

    def __init__(self, model: PolicyModel, doc: Document) -> None:
        self.model = model
        self.doc = doc
        self.tables: dict[str, LookupPlan] = {}

    # -- parameters ---------------------------------------------------------------------
    def parameters(self) -> dict[str, ParameterDef]:
        out: dict[str, ParameterDef] = {}
        for name, p in self.model.parameters.items():
            base = ("parameters", name)
            lo, hi = _bounds(self.doc, base, p.min, p.max, p.type, name)
            if (p.type is ColumnType.ENUM) != bool(p.choices):
                raise self.doc.error(
                    base,
                    f"parameter '{name}': 'choices' goes with type enum, and enum needs it",
                    "type: enum with choices: [a, b]",
                )
            conv = value_reader(name, p.type, p.choices or (), lo, hi)
            values = []
            seen: dict[tuple[str, str | None], str | None] = {}
            for i, v in enumerate(p.values):
                path = (*base, "values", i)
                region = None if v.region is None else fold(v.region)  # as --region compares it
                if region == "":
                    raise self.doc.error(
                        (*path, "region"),
                        f"parameter '{name}': a blank region",
                        "a region's name, or no 'region' key for the general value",
                    )
                if (v.from_, region) in seen:
                    first = seen[(v.from_, region)]
                    also = f" (also written '{first}')" if first != v.region else ""
                    raise self.doc.error(
                        (*path, "region") if v.region is not None else path,
                        f"parameter '{name}' has two values from {v.from_}"
                        + (f" for region {v.region}{also}" if v.region else ""),
                        "one value per date and region; region names are compared ignoring case, width and spaces",
                    )
                seen[(v.from_, region)] = v.region
                try:
                    since = dt.date.fromisoformat(v.from_)
                except ValueError:
                    raise self.doc.error((*path, "from"), f"'{v.from_}' is not a date", "YYYY-MM-DD") from None
                value = convert_scalar(self.doc, (*path, "value"), v.value, p.type, f"parameter '{name}'", conv)
                values.append(DatedValue(since, value, v.region, v.source))
            out[name] = ParameterDef(
                name, p.type, _en(p.label, name), p.description, p.source, p.rule, tuple(values), tuple(p.choices or ()), lo, hi
            )
            if p.per_row:  # read row by row with param_at() (cspolicy.row_parameters)
                out[name] = dataclasses.replace(out[name], per_row=True)
        return out

    def constraints(self, params: Mapping[str, ParameterDef]) -> list[tuple[Expression, str, int | None]]:
        """Compile the parameter constraints and check them with every dated value."""
        syms = param_symbols(params)
        out = []
        for i, c in enumerate(self.model.constraints):
            path = ("constraints", i, "require")
            expr = self.compile(path, c.require, syms, {})
            if expr.kind is not Kind.BOOLEAN:
                raise self.doc.error(path, "a constraint must be a condition (true/false)")
            out.append((expr, c.message, self.doc.line_of(("constraints", i))))
        dates = sorted({v.since for p in params.values() for v in p.values})
        for day in dates:
            values: dict[str, Value] = {"period": None, "as_of": day}
            for name, p in params.items():
                v = p.at(day)
                values[name] = None if v is None else v.value
            for expr, message, line in out:
                if not all(values.get(n) is not None for n in expr.names - {"period"}):
                    continue
                why = constraint_failure(expr, values)
                if why == IS_FALSE:
                    raise PolicyError(
                        f"constraints: {message} (with the values in force on {day})", file=self.doc.file, line=line
                    )
                if why is not None:
                    raise PolicyError(
                        f"constraints: '{expr.text}' {why} with the values in force on {day}",
                        file=self.doc.file,
                        line=line,
                        expected="a condition that holds for every dated value (guard a division: b > 0 and a / b < 2)",
                    )
        return out

    # -- inputs -------------------------------------------------------------------------
    def inputs(self) -> dict[str, TableSpec]:
        keys = key_columns(self.model)
        out = {}
        for name, t in self.model.inputs.items():
            columns = tuple(self._column(name, c, spec, (name, c) in keys) for c, spec in t.columns.items())
            out[name] = TableSpec(name, columns, key=tuple(t.key), optional=t.optional)
            for k in t.key:
                if k not in t.columns:
                    raise self.doc.error(("inputs", name, "key"), f"key: unknown column '{k}'", f"one of: {', '.join(t.columns)}")
            self._check_headers(out[name])
        dp = self.model.default_period
        if dp is not None:
            if dp.input not in out:
                raise self.doc.error(("default_period", "input"), f"unknown input '{dp.input}'", f"one of: {', '.join(out)}")
            col = {c.name: c for c in out[dp.input].columns}.get(dp.column)
            if col is None or col.type not in (ColumnType.DATE, ColumnType.DATETIME, ColumnType.PERIOD):
                raise self.doc.error(
                    ("default_period", "column"),
                    f"'{dp.column}' is not a date, datetime or period column of '{dp.input}'",
                    "a column of type date, datetime or period",
                )
        return out

    def _check_headers(self, spec: TableSpec) -> None:
        """A header (a name, alias or label) must name one column only; labels become headers
        automatically, so a clash is found here, at its line, not when a file is read."""
        seen: dict[str, str] = {}
        for col in spec.columns:
            for header in col.headers:
                other = seen.setdefault(fold(header), col.name)
                if other != col.name:
                    raise self.doc.error(
                        ("inputs", spec.name, "columns", col.name),
                        f"header '{header}' (a name, alias or label) names both column '{other}' and column '{col.name}'",
                        "each alias and label to name one column only",
                    )

    def _column(self, table: str, name: str, c: Column, used_as_key: bool = False) -> ColumnSpec:
        return self.column_spec(("inputs", table, "columns", name), name, c, used_as_key)

    def lookup_tables(self) -> dict[str, LookupPlan]:
        """The policy's static lookup tables (``tables:``), read and checked; needed before
        :meth:`inputs`, whose columns may take their values from them."""
        from cspolicy.planner.lookups import build_tables

        self.tables = build_tables(self.model, self.doc, self.column_spec)
        return self.tables

    def column_spec(self, path: tuple[str | int, ...], name: str, c: Column, used_as_key: bool = False) -> ColumnSpec:
        """The spec of a column declared at ``path`` (an input's, or a lookup table's)."""
        if c.multiline and (c.type is not ColumnType.TEXT or c.key or used_as_key):
            why = "a key (it groups, joins or counts rows)" if c.type is ColumnType.TEXT else f"a {c.type.value} column"
            raise self.doc.error((*path, "multiline"), f"column '{name}' is {why}, so it cannot be multiline", "text on one line")
        values: dict[str, tuple[str, ...]] = {}
        if c.values_from is not None:
            values = self._values_from(path, name, c)
        elif c.type is ColumnType.ENUM:
            if not c.values:
                raise self.doc.error(path, f"enum column '{name}' needs 'values'", "a list of allowed values")
            if isinstance(c.values, list):
                values = {v: () for v in c.values}
            else:  # a value's labels are accepted spellings of it, like its aliases
                values = {k: _spellings(k, (v.zh, v.en, *v.aliases)) for k, v in c.values.items()}
                owner: dict[str, str] = {}
                for k, spellings in values.items():
                    for text in (k, *spellings):
                        if owner.setdefault(fold(text), k) != k:
                            raise self.doc.error(
                                (*path, "values", k),
                                f"enum column '{name}': '{text}' would match both '{owner[fold(text)]}' and '{k}'",
                                "each label and spelling to name one value only",
                            )
        elif c.values:
            raise self.doc.error((*path, "values"), "'values' is only for enum columns")

        lo, hi = _bounds(self.doc, path, c.min, c.max, c.type, name)
        spec = ColumnSpec(
            name=name,
            type=c.type,
            aliases=_spellings(name, (*((c.label.zh, c.label.en) if c.label else ()), *c.aliases)),
            required=c.required,
            minimum=lo,
            maximum=hi,
            values=values,
            label=_en(c.label, name),
            key=c.type is ColumnType.TEXT and (c.key or used_as_key),
            multiline=c.multiline,
        )
        try:
            convert = make_converter(spec)  # here, so that an ambiguous enum is placed at its line
        except PolicyError as exc:
            raise self.doc.error((*path, "values"), exc.message, exc.expected) from None
        if c.default is not None:
            default = convert_scalar(self.doc, (*path, "default"), c.default, c.type, f"default of '{name}'", convert)
            spec = ColumnSpec(**{**spec.__dict__, "default": default, "required": False})
        return spec

    def _values_from(self, path: tuple[str | int, ...], name: str, c: Column) -> dict[str, tuple[str, ...]]:
        """An enum column's values from a lookup table's keys, with its labels as spellings."""
        from cspolicy.planner.lookups import enum_values

        table = self.tables.get(c.values_from or "")
        if c.type is not ColumnType.ENUM or c.values or table is None:
            known = ", ".join(self.tables) or "(no tables: declare them under tables:)"
            why = (
                f"column '{name}': values_from goes with type enum and no 'values'"
                if table is not None
                else f"values_from: no table named '{c.values_from}'"
            )
            raise self.doc.error((*path, "values_from"), why, f"type: enum, values_from: a table ({known})")
        if table.columns[table.key].type.kind is not Kind.TEXT:
            raise self.doc.error((*path, "values_from"), f"table '{table.name}' has a numeric key", "a table with text keys")
        return enum_values(table)

    # -- bands ---------------------------------------------------------------------------
    def bands(self, params: Mapping[str, ParameterDef]) -> dict[str, BandsPlan]:
        return {name: self._bands(name, b, params) for name, b in self.model.bands.items()}

    def _bands(self, name: str, b: BandsSpec, params: Mapping[str, ParameterDef]) -> BandsPlan:
        path: tuple[str | int, ...] = ("bands", name)
        used: list[str] = []
        plans = []
        # A table with a percent bound (7% or a percent parameter) compares percents: its
        # bare numbers follow the percent rule, so `above: 7` is refused, not read as 700 %.
        raws = [r.strip() if isinstance(r, str) else r for x in b.bands for r in (x.above, x.at_least, x.below, x.at_most)]
        percents = any(
            isinstance(r, str) and (r.endswith(("%", "％")) or (r in params and params[r].type is ColumnType.PERCENT))
            for r in raws
        )
        for i, band in enumerate(b.bands):
            bp = (*path, "bands", i)

            def bound(key: str, raw: Any, bp: tuple[str | int, ...] = bp) -> BandBound | None:
                if raw is None:
                    return None
                text = raw.strip() if isinstance(raw, str) else raw
                if isinstance(text, str) and text in params:
                    if params[text].type.kind is not Kind.NUMBER:
                        raise self.doc.error(
                            (*bp, key),
                            f"band bound '{text}' is a {params[text].type.value} parameter",
                            "a number, a percent or a numeric parameter",
                        )
                    used.append(text)
                    return BandBound(parameter=text)
                value = convert_scalar(
                    self.doc,
                    (*bp, key),
                    text,
                    ColumnType.PERCENT if percents else ColumnType.DECIMAL,
                    f"{name} band {key}",
                )
                assert isinstance(value, Decimal)
                return BandBound(number=value)

            outcome = convert_scalar(self.doc, (*bp, "outcome"), band.outcome, b.outcome_type, f"{name} outcome")
            plans.append(
                BandPlan(
                    outcome,
                    bound("above", band.above),
                    bound("at_least", band.at_least),
                    bound("below", band.below),
                    bound("at_most", band.at_most),
                    _en(band.label, ""),
                )
            )
        other = (
            None
            if b.otherwise is None
            else convert_scalar(self.doc, (*path, "otherwise"), b.otherwise, b.outcome_type, f"{name} otherwise")
        )
        return BandsPlan(
            name,
            b.outcome_type,
            tuple(plans),
            other,
            b.otherwise is not None,
            b.rule,
            self.doc.line_of(path),
            tuple(dict.fromkeys(used)),
        )

    # -- outputs ------------------------------------------------------------------------
    def outputs(
        self, inputs: Mapping[str, TableSpec], params: Mapping[str, ParameterDef], functions: Mapping[str, FunctionSpec]
    ) -> dict[str, OutputPlan]:
        from cspolicy.planner.build_outputs import OutputBuilder

        return OutputBuilder(self, inputs, params, functions).build_all()

    def compile(
        self, path: tuple[str | int, ...], text: str, symbols: Mapping[str, Symbol], functions: Mapping[str, FunctionSpec]
    ) -> Expression:
        """Compile one formula, placing any error at its YAML line and column.

        A formula folded by YAML (``>``) is compiled with its line breaks, so that a ``#``
        comment ends at its line; one written in quotes or plain over several lines has
        lost them, so a comment in it is refused rather than left to swallow the rest.
        """
        doc = self.doc
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


def _en(label: LabelText | None, default: str) -> str:
    """The English wording of a label, as explanations use it (else Chinese, else ``default``)."""
    return default if label is None else label.of(default).text("en")


def _spellings(name: str, texts: tuple[str | None, ...]) -> tuple[str, ...]:
    """Labels and aliases as extra spellings of ``name``: each once, none repeating ``name``."""
    seen = {fold(name)}
    out = []
    for text in texts:
        if text and fold(text) not in seen:
            seen.add(fold(text))
            out.append(text)
    return tuple(out)


def key_columns(model: PolicyModel) -> set[tuple[str, str]]:
    """The ``(input, column)`` pairs the policy uses to identify rows: named in an output's
    ``key``, ``group_by``, ladder ``entity`` or join ``on`` (or an input's own ``key``),
    followed back through output columns that echo a column unchanged (``station: station``)
    to the input column they come from."""
    found: set[tuple[str, str]] = set()

    def echoed(table: str, column: str) -> str | None:
        """The source column that output column ``table.column`` repeats unchanged, if any."""
        raw = model.outputs[table].columns.get(column)
        expr = raw if isinstance(raw, str) else (raw.expr if raw is not None and raw.agg is None else None)
        return expr.strip() if expr is not None and expr.strip().isidentifier() else None

    def mark(name: str, column: str | None, depth: int = 0) -> None:
        """Mark ``column`` of the table output ``name`` reads: an input (one of that name, as
        the builder decides), or another output, followed to its own source."""
        source = model.outputs[name].from_
        if column is None:
            return
        if source == name or source not in model.outputs:
            found.add((source, column))
        elif depth < len(model.outputs):  # a cycle is reported by the builder, later
            mark(source, echoed(source, column), depth + 1)

    for name, out in model.outputs.items():
        for column in out.key:
            mark(name, echoed(name, column))
        for column in [*(out.group_by or ()), *(out.ladder.entity if out.ladder else ())]:
            mark(name, column)
        for join in out.join:  # both sides of a join's key (docs/decisions.md "Joins")
            for column in join.on:
                mark(name, column)
                if join.with_ in model.outputs and join.with_ != name:
                    mark(join.with_, echoed(join.with_, column))
                else:
                    found.add((join.with_, column))
    for table, spec in model.inputs.items():
        found.update((table, column) for column in spec.key)
    return found


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
