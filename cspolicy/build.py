"""Turn a validated policy model into executable plans, checking every name and type.

Everything that can be wrong in a policy is found here, at load time, with ``file:line``:
unknown names in formulas, type mismatches, a parameter value that is not a percent, a band
table with overlapping ranges. After this, only input data can fail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from cspolicy.errors import PolicyError
from cspolicy.expressions import Expression, ExpressionError, FunctionSpec, Symbol, compile_expression
from cspolicy.parameters import DatedValue, ParameterDef, value_reader
from cspolicy.plan import BandBound, BandPlan, BandsPlan, OutputPlan
from cspolicy.schema.models import BandsSpec, Column, PolicyModel
from cspolicy.schema.yamlsource import Document
from cspolicy.tables.convert import CellError, make_converter
from cspolicy.tables.spec import ColumnSpec, TableSpec
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["Builder", "DEFAULT_ROUNDING", "RUN_SYMBOLS", "param_symbols", "column_symbol", "convert_scalar", "key_columns"]

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
RUN_SYMBOLS: dict[str, tuple[Kind, ColumnType, bool]] = {
    "period": (Kind.TEXT, ColumnType.TEXT, True),
    "as_of": (Kind.DATE, ColumnType.DATE, False),
}


def convert_scalar(doc: Document, path: tuple[str | int, ...], value: Any, ctype: ColumnType, what: str) -> Value:
    """Convert a YAML scalar exactly like a CSV cell of ``ctype`` (so 7% means the same)."""
    if isinstance(value, bool):
        if ctype is ColumnType.BOOLEAN:
            return value
        raise doc.error(path, f"{what}: {str(value).lower()} is not a {ctype.value}")
    try:
        return make_converter(ColumnSpec(name=what, type=ctype))(str(value))
    except CellError as exc:
        raise doc.error(path, f"{what}: {exc}") from None


class Builder:
    """Builds the plans of one policy; one instance per policy file."""

    def __init__(self, model: PolicyModel, doc: Document) -> None:
        self.model = model
        self.doc = doc

    # -- parameters ---------------------------------------------------------------------
    def parameters(self) -> dict[str, ParameterDef]:
        out: dict[str, ParameterDef] = {}
        for name, p in self.model.parameters.items():
            base = ("parameters", name)
            lo = None if p.min is None else convert_scalar(self.doc, (*base, "min"), p.min, p.type, f"{name}.min")
            hi = None if p.max is None else convert_scalar(self.doc, (*base, "max"), p.max, p.type, f"{name}.max")
            if (p.type is ColumnType.ENUM) != bool(p.choices):
                raise self.doc.error(
                    base,
                    f"parameter '{name}': 'choices' goes with type enum, and enum needs it",
                    "type: enum with choices: [a, b]",
                )
            conv = value_reader(name, p.type, p.choices or (), lo, hi)
            values = []
            seen: set[tuple[str, str | None]] = set()
            for i, v in enumerate(p.values):
                path = (*base, "values", i)
                if (v.from_, v.region) in seen:
                    raise self.doc.error(
                        path,
                        f"parameter '{name}' has two values from {v.from_}" + (f" for region {v.region}" if v.region else ""),
                    )
                seen.add((v.from_, v.region))
                try:
                    since = dt.date.fromisoformat(v.from_)
                except ValueError:
                    raise self.doc.error((*path, "from"), f"'{v.from_}' is not a date", "YYYY-MM-DD") from None
                try:
                    value = v.value if isinstance(v.value, bool) else conv(str(v.value))
                except CellError as exc:
                    raise self.doc.error((*path, "value"), f"parameter '{name}': {exc}") from None
                values.append(DatedValue(since, value, v.region, v.source))
            out[name] = ParameterDef(
                name, p.type, p.label or name, p.description, p.source, p.rule, tuple(values), tuple(p.choices or ()), lo, hi
            )
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
                if all(values.get(n) is not None for n in expr.names - {"period"}) and expr.evaluate(values) is not True:
                    raise PolicyError(
                        f"constraints: {message} (with the values in force on {day})", file=self.doc.file, line=line
                    )
        return out

    # -- inputs -------------------------------------------------------------------------
    def inputs(self) -> dict[str, TableSpec]:
        keys = key_columns(self.model)
        return {
            name: TableSpec(name, tuple(self._column(name, c, spec, (name, c) in keys) for c, spec in t.columns.items()))
            for name, t in self.model.inputs.items()
        }

    def _column(self, table: str, name: str, c: Column, used_as_key: bool = False) -> ColumnSpec:
        path = ("inputs", table, "columns", name)
        if c.multiline and (c.type is not ColumnType.TEXT or c.key or used_as_key):
            why = "a key (it groups, joins or counts rows)" if c.type is ColumnType.TEXT else f"a {c.type.value} column"
            raise self.doc.error((*path, "multiline"), f"column '{name}' is {why}, so it cannot be multiline", "text on one line")
        values: dict[str, tuple[str, ...]] = {}
        if c.type is ColumnType.ENUM:
            if not c.values:
                raise self.doc.error(path, f"enum column '{name}' needs 'values'", "a list of allowed values")
            values = {v: () for v in c.values} if isinstance(c.values, list) else {k: tuple(v) for k, v in c.values.items()}
        elif c.values:
            raise self.doc.error((*path, "values"), "'values' is only for enum columns")

        def conv(key: str, raw: Any) -> Value:
            return None if raw is None else convert_scalar(self.doc, (*path, key), raw, c.type, f"{name}.{key}")

        lo, hi = conv("min", c.min), conv("max", c.max)
        spec = ColumnSpec(
            name=name,
            type=c.type,
            aliases=tuple(c.aliases),
            required=c.required,
            minimum=lo,  # type: ignore[arg-type]
            maximum=hi,  # type: ignore[arg-type]
            values=values,
            label=c.label or name,
            key=c.type is ColumnType.TEXT and (c.key or used_as_key),
            multiline=c.multiline,
        )
        if c.default is not None:
            try:
                default = make_converter(spec)(str(c.default))
            except CellError as exc:
                raise self.doc.error((*path, "default"), f"default of '{name}': {exc}") from None
            spec = ColumnSpec(**{**spec.__dict__, "default": default, "required": False})
        return spec

    # -- bands ---------------------------------------------------------------------------
    def bands(self, params: Mapping[str, ParameterDef]) -> dict[str, BandsPlan]:
        return {name: self._bands(name, b, params) for name, b in self.model.bands.items()}

    def _bands(self, name: str, b: BandsSpec, params: Mapping[str, ParameterDef]) -> BandsPlan:
        path: tuple[str | int, ...] = ("bands", name)
        used: list[str] = []
        plans = []
        for i, band in enumerate(b.bands):
            bp = (*path, "bands", i)

            def bound(key: str, raw: Any, bp: tuple[str | int, ...] = bp) -> BandBound | None:
                if raw is None:
                    return None
                text = str(raw).strip()
                if text in params:
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
                    ColumnType.PERCENT if text.endswith("%") else ColumnType.DECIMAL,
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
                    band.label or "",
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
        from cspolicy.build_outputs import OutputBuilder

        return OutputBuilder(self, inputs, params, functions).build_all()

    def compile(
        self, path: tuple[str | int, ...], text: str, symbols: Mapping[str, Symbol], functions: Mapping[str, FunctionSpec]
    ) -> Expression:
        """Compile one formula, placing any error at its YAML line and column."""
        try:
            return compile_expression(text, symbols, functions)
        except ExpressionError as exc:
            where = ".".join(str(p) for p in path)
            start = self.doc.scalars.get(path) or (self.doc.scalars.get(path[:-1]) if path[-1] == "expr" else None)
            line: int | None
            column: int | None
            if start is not None and exc.column is not None:  # a one-line formula: the exact column
                line, column = start[0], start[1] + exc.column - 1
                message = f"{where}: {exc.message}"
            else:  # a folded or multi-line formula: its line, and the place within the formula
                pos = self.doc.position_of(path)
                line, column = (pos[0] if pos else None), None
                at = f" (at character {exc.column} of the formula)" if exc.column else ""
                message = f"{where}: {exc.message}{at}"
            raise PolicyError(message, file=self.doc.file, line=line, column=column, expected=exc.expected) from None


def key_columns(model: PolicyModel) -> set[tuple[str, str]]:
    """The ``(input, column)`` pairs the policy uses to identify rows: named in an output's
    ``key``, ``group_by`` or ladder ``entity``, followed back through output columns that
    echo a column unchanged (``station: station``) to the input column they come from."""
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
    return found


def param_symbols(params: Mapping[str, ParameterDef]) -> dict[str, Symbol]:
    syms = {name: Symbol(name, p.type.kind, p.label, p.type) for name, p in params.items()}
    for name, (kind, ctype, nullable) in RUN_SYMBOLS.items():
        syms.setdefault(name, Symbol(name, kind, name, ctype, nullable=nullable))
    return syms


def column_symbol(spec: ColumnSpec) -> Symbol:
    values = frozenset(spec.values) if spec.values else None
    return Symbol(
        spec.name, spec.type.kind, spec.label or spec.name, spec.type, values, nullable=not spec.required and spec.default is None
    )
