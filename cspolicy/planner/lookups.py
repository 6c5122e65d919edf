"""Static lookup tables declared in a policy (an item catalogue: code → name, points, range).

A table is data of the policy, not of a run: its rows are read once, at load, with the same
converters as CSV cells (so ``5`` in a points column is an integer and ``7%`` a percent),
its keys are unique in their written form (``b1`` and ``B1`` are one key; a duplicate is a
policy error at the row's line), and formulas read it with
``lookup('items', item, 'points')``, whose table and column are checked at load. A key
with no row rejects the row that asked (exit 1, ``file:row:column``), unless the call gives
a fourth argument, the value to use instead (``blank``, ``0``).

An enum input column may take its allowed values from a table's keys (``values_from:
items``); the table's label and alias columns are then accepted spellings of each key, so
an item may be written by its Chinese name.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cspolicy.expressions import ExpressionError, FunctionSpec
from cspolicy.expressions import nodes as n
from cspolicy.tables.chars import key_form
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Kind, Value

if TYPE_CHECKING:
    from cspolicy.schema.models import Column, LookupTable, PolicyModel
    from cspolicy.schema.yamlsource import Document

__all__ = ["LookupPlan", "MissingKey", "build_tables", "lookup_spec", "LOOKUP", "enum_values"]

#: The formula function that reads a table.
LOOKUP = "lookup"
_USAGE = "lookup('table', key, 'column') or lookup('table', key, 'column', value if missing)"


@dataclass(frozen=True)
class LookupPlan:
    """One table, read: its key column, its columns' specs and its rows by key."""

    name: str
    key: str
    columns: dict[str, ColumnSpec]
    rows: dict[Value, dict[str, Value]]
    #: Each key's other spellings (its labels and aliases), for ``values_from``.
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Each key's (Chinese, English) label, when the table names label columns.
    labels: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    line: int | None = None

    def normal(self, key: Value) -> Value:
        """A key as the table stores it (text in its written form: ``b1`` → ``B1``)."""
        return key_form(key) if isinstance(key, str) else key


class MissingKey(LookupError):
    """A key with no row in a table; ``value`` is the key as the row gave it (so the engine
    can name the column it came from)."""

    def __init__(self, table: LookupPlan, value: Value) -> None:
        self.value = value
        keys = [str(k) for k in table.rows]
        shown = ", ".join(keys[:20]) + (", …" if len(keys) > 20 else "")
        close = difflib.get_close_matches(str(table.normal(value)), keys, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        super().__init__(f"'{value}' is not a key of table '{table.name}'{hint} (its keys: {shown})")

    def __str__(self) -> str:
        return str(self.args[0])


#: Builds an input column's spec from its model (the policy builder's, with its checks).
ColumnBuilder = Callable[[tuple[str | int, ...], str, "Column"], ColumnSpec]


def build_tables(model: PolicyModel, doc: Document, column: ColumnBuilder) -> dict[str, LookupPlan]:
    """Read every ``tables:`` entry; raises PolicyError at the line of what is wrong."""
    return {name: _table(name, spec, doc, column) for name, spec in model.tables.items()}


def _table(name: str, spec: LookupTable, doc: Document, column_spec: ColumnBuilder) -> LookupPlan:
    from cspolicy.planner.scalars import convert_scalar  # here: a cached policy's tables need no converter
    from cspolicy.tables.convert import make_converter

    base: tuple[str | int, ...] = ("tables", name)
    columns: dict[str, ColumnSpec] = {}
    for cname, col in spec.columns.items():
        if col.values_from is not None or col.aliases or col.multiline:
            raise doc.error(
                (*base, "columns", cname),
                f"table column '{cname}': only type, label, required, default, min, max and values apply to a table's columns",
            )
        columns[cname] = column_spec((*base, "columns", cname), cname, col)
    if spec.key not in columns:
        columns = {spec.key: ColumnSpec(spec.key, ColumnType.TEXT, key=True), **columns}
    key_spec = columns[spec.key]
    if key_spec.type not in (ColumnType.TEXT, ColumnType.INTEGER, ColumnType.ENUM):
        raise doc.error((*base, "key"), f"the key '{spec.key}' is a {key_spec.type.value} column", "a text or integer key")
    columns[spec.key] = ColumnSpec(
        **{**key_spec.__dict__, "required": True, "default": None, "key": key_spec.type is ColumnType.TEXT}
    )
    for what, names in (
        ("labels", [x for x in (spec.labels.zh, spec.labels.en) if x] if spec.labels else []),
        ("aliases", spec.aliases),
    ):
        for cname in names:
            if cname not in columns or columns[cname].type is not ColumnType.TEXT:
                raise doc.error(
                    (*base, what),
                    f"{what}: '{cname}' is not a text column of table '{name}'",
                    f"one of: {', '.join(c for c, s in columns.items() if s.type is ColumnType.TEXT)}",
                )
    converters = {c: make_converter(s) for c, s in columns.items()}
    rows: dict[Value, dict[str, Value]] = {}
    first_line: dict[Value, int | None] = {}
    for i, raw in enumerate(spec.rows):
        path = (*base, "rows", i)
        unknown = [k for k in raw if k not in columns]
        if unknown:
            close = difflib.get_close_matches(unknown[0], list(columns), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise doc.error(
                (*path, unknown[0]), f"table '{name}' has no column '{unknown[0]}'{hint}", f"the columns {', '.join(columns)}"
            )
        row: dict[str, Value] = {}
        for cname, cspec in columns.items():
            what = f"table '{name}', column '{cname}'"
            cell = raw.get(cname)
            row[cname] = convert_scalar(doc, (*path, cname), "" if cell is None else cell, cspec.type, what, converters[cname])
        key = row[spec.key]
        if key in rows:
            raise doc.error(
                path, f"table '{name}': key '{key}' is given twice (first at line {first_line[key]})", "each key once"
            )
        rows[key] = row
        first_line[key] = doc.line_of(path)
    spellings: dict[str, tuple[str, ...]] = {}
    labels: dict[str, tuple[str | None, str | None]] = {}
    alias_columns = [*([x for x in (spec.labels.zh, spec.labels.en) if x] if spec.labels else []), *spec.aliases]
    for key, row in rows.items():
        texts = [row[c] for c in alias_columns]
        spellings[str(key)] = tuple(dict.fromkeys(t for t in texts if isinstance(t, str) and t))
        if spec.labels is not None:
            zh = row[spec.labels.zh] if spec.labels.zh else None
            en = row[spec.labels.en] if spec.labels.en else None
            labels[str(key)] = (zh if isinstance(zh, str) else None, en if isinstance(en, str) else None)
    return LookupPlan(name, spec.key, columns, rows, spellings, labels, doc.line_of(base))


def enum_values(table: LookupPlan) -> dict[str, tuple[str, ...]]:
    """The allowed values of an enum column with ``values_from`` this table: each key with
    its other spellings (labels and aliases)."""
    return {str(k): table.spellings.get(str(k), ()) for k in table.rows}


class _Lookup:
    """``lookup()`` over a policy's tables: a class rather than a closure, so that a compiled
    policy can be pickled (the command line's policy cache)."""

    #: Its value depends on its arguments only (the tables are the policy's): a call with
    #: constant arguments is computed once when code is generated (``expressions.codegen``).
    pure = True

    def __init__(self, tables: Mapping[str, LookupPlan]) -> None:
        self.tables = dict(tables)

    def typer(self, call: n.Call, kinds: Sequence[Kind | None]) -> tuple[Kind, frozenset[str] | None, ColumnType | None]:
        args = call.args
        if not 3 <= len(args) <= 4:
            raise ExpressionError(f"lookup() takes 3 or 4 arguments (got {len(args)})", column=call.col, expected=_USAGE)
        table = _literal(args[0], "a table", list(self.tables))
        plan = self.tables[table]
        column = _literal(args[2], f"a column of table '{table}'", list(plan.columns))
        key_kind = plan.columns[plan.key].type.kind
        if kinds[1] is not key_kind:
            got = "always blank" if kinds[1] is None else f"{kinds[1].value}"
            raise ExpressionError(
                f"the key of table '{table}' is {key_kind.value}, but argument 2 of lookup() is {got}", column=args[1].col
            )
        spec = plan.columns[column]
        if len(args) == 4 and kinds[3] is not None and kinds[3] is not spec.type.kind:
            raise ExpressionError(
                f"the value if missing must be {spec.type.kind.value} like column '{column}', or blank, "
                f"but it is {kinds[3].value}",
                column=args[3].col,
            )
        values = None
        if spec.type is ColumnType.ENUM:  # its declared values (a comparison with one no row has yet is fine)
            values = frozenset(spec.values)
        elif spec.type.kind is Kind.TEXT:  # the texts the table holds
            values = frozenset(str(r[column]) for r in plan.rows.values() if r[column] is not None)
            if len(args) == 4 and isinstance(args[3], n.Text):
                values |= {args[3].value}
            elif len(args) == 4 and not isinstance(args[3], n.Blank):
                values = None  # a computed text: open
        return spec.type.kind, values, spec.type

    def __call__(self, table: Value, key: Value, column: Value, *missing: Value) -> Value:
        plan = self.tables[str(table)]
        if key is None:
            if missing:
                return missing[0]
            raise TypeError(f"lookup() in table '{table}' of a blank key")
        row = plan.rows.get(key)  # a key already in its written form (an enum's value) is found at once
        if row is None:
            row = plan.rows.get(plan.normal(key))
        if row is None:
            if missing:
                return missing[0]
            raise MissingKey(plan, key)
        return row[str(column)]


def lookup_spec(tables: Mapping[str, LookupPlan]) -> FunctionSpec:
    """The formula function ``lookup('table', key, 'column'[, value if missing])``."""
    fn = _Lookup(tables)
    return FunctionSpec(LOOKUP, (), Kind.TEXT, fn, typer=fn.typer, may_blank=True)


def _literal(node: n.Node, what: str, known: list[str]) -> str:
    if not isinstance(node, n.Text):
        raise ExpressionError(f"name {what} in quotes, as written in the policy", column=node.col, expected=_USAGE)
    if node.value not in known:
        close = difflib.get_close_matches(node.value, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ExpressionError(f"'{node.value}' is not {what}{hint}", column=node.col, expected=f"one of: {', '.join(known)}")
    return node.value
