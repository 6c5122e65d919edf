"""Turn a validated policy model into executable plans, checking every name and type.

Everything that can be wrong in a policy is found here, at load time, with ``file:line``:
unknown names in formulas, type mismatches, a parameter value that is not a percent, a band
table with overlapping ranges. After this, only input data can fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from cspolicy.errors import PolicyError
from cspolicy.expressions import (
    EVALUATION_ERRORS,
    Expression,
    FunctionSpec,
    Symbol,
    why_not_evaluated,
)
from cspolicy.planner.build_bands import build_bands
from cspolicy.planner.build_outputs import OutputBuilder
from cspolicy.planner.formulas import compile_formula, param_symbols
from cspolicy.planner.lookups import LookupPlan, build_tables, enum_values
from cspolicy.planner.parameters import DatedValue, ParameterDef, value_reader
from cspolicy.planner.plan import BandsPlan, OutputPlan
from cspolicy.planner.scalars import bounds_of, convert_scalar
from cspolicy.schema.models import Column, LabelText, PolicyModel
from cspolicy.schema.yamlsource import Document
from cspolicy.tables.convert import fold, make_converter
from cspolicy.tables.spec import ColumnSpec, TableSpec
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["Builder", "constraint_failure", "IS_FALSE", "key_columns"]

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
            lo, hi = bounds_of(self.doc, base, p.min, p.max, p.type, name)
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
            if p.per_row:  # read row by row with param_at() (cspolicy.planner.row_parameters)
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
            if t.presets:  # real exports' headers (cspolicy.tables.presets)
                from cspolicy.tables.presets import compile_presets

                out[name] = replace(out[name], presets=compile_presets(self.doc, name, out[name], t))
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

        lo, hi = bounds_of(self.doc, path, c.min, c.max, c.type, name)
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
        return build_bands(self.model, self.doc, params)

    # -- outputs ------------------------------------------------------------------------
    def outputs(
        self, inputs: Mapping[str, TableSpec], params: Mapping[str, ParameterDef], functions: Mapping[str, FunctionSpec]
    ) -> dict[str, OutputPlan]:
        return OutputBuilder(self, inputs, params, functions).build_all()

    def compile(
        self, path: tuple[str | int, ...], text: str, symbols: Mapping[str, Symbol], functions: Mapping[str, FunctionSpec]
    ) -> Expression:
        """Compile one formula, placing any error at its YAML line and column (:func:`compile_formula`)."""
        return compile_formula(self.doc, path, text, symbols, functions)


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
