"""Compile an output's ``join:`` list, and refuse joins whose tables cannot be read in order.

A join brings columns of another table — an input, or an earlier output — into each source
row, matched on equal ``on`` columns. The joined table (the *held side*) is held in memory,
one row per key; the output's own rows stream past it. So the held side must be complete
before the first source row arrives: its input must be read, to the end, before the
output's own input. :func:`check_order` refuses at load the joins that would need a cycle.

Joined columns enter the output's rows under plain names (``columns: {light: light}``, or
all the held side's columns but the ``on`` ones), so formulas use them like source columns
and the expression language needs no dotted names (docs/decisions.md "Joins").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cspolicy.blocks.joins import root_input
from cspolicy.expressions import Symbol
from cspolicy.expressions.symbols import describe_kind
from cspolicy.planner.plan import JoinPlan, OutputPlan
from cspolicy.schema.models import Output
from cspolicy.values import ColumnType

if TYPE_CHECKING:
    from cspolicy.planner.build_outputs import OutputBuilder

__all__ = ["join_side", "waiting_for", "build_joins", "check_order"]


def join_side(ob: OutputBuilder, name: str, side: str) -> str:
    """``output`` when ``side`` names another output (which wins over an input of that name,
    as for ``from``), ``input`` when it names an input, else ``unknown``."""
    if side in ob.b.model.outputs and side != name:
        return "output"
    return "input" if side in ob.inputs else "unknown"


def waiting_for(ob: OutputBuilder, name: str, out: Output) -> str | None:
    """The first joined output not compiled yet (the output must wait for it), if any."""
    for j in out.join:
        if join_side(ob, name, j.with_) == "output" and j.with_ not in ob.done:
            return j.with_
    return None


def build_joins(
    ob: OutputBuilder, name: str, out: Output, src_syms: dict[str, Symbol], src_cols: tuple[tuple[str, ColumnType], ...]
) -> tuple[tuple[JoinPlan, ...], tuple[tuple[str, ColumnType], ...]]:
    """Compile ``out.join``: each join's plan, and the source columns extended by the joined
    ones (``src_syms`` gains their symbols). Unknown tables or columns, keys of different
    kinds, a name that would hide a source column, and a join to an input on anything but
    its declared unique ``key`` are policy errors at their line."""
    doc = ob.doc
    plans: list[JoinPlan] = []
    cols = list(src_cols)
    for i, j in enumerate(out.join):
        path: tuple[str | int, ...] = ("outputs", name, "join", i)
        side = j.with_
        where = join_side(ob, name, side)
        if where == "unknown":
            known = sorted({*ob.inputs, *(o for o in ob.b.model.outputs if o != name)})
            raise doc.error((*path, "with"), f"join: unknown table '{side}'", f"an input or another output: {', '.join(known)}")
        side_syms: Mapping[str, Symbol]
        if where == "output":
            side_syms = ob.out_syms[side]
            side_cols = [(c.name, c.ctype) for c in ob.done[side].columns]
        else:
            side_syms = ob.input_syms[side]
            side_cols = [(c.name, c.type) for c in ob.inputs[side].columns]
        for k in j.on:
            if k not in src_syms:
                raise doc.error((*path, "on"), f"on: '{k}' is not a column of '{out.from_}'", f"one of: {', '.join(src_syms)}")
            if k not in side_syms:
                raise doc.error((*path, "on"), f"on: '{k}' is not a column of '{side}'", f"one of: {', '.join(side_syms)}")
            mine, theirs = src_syms[k].kind, side_syms[k].kind
            if mine is not theirs:
                raise doc.error(
                    (*path, "on"),
                    f"on: '{k}' is {describe_kind(mine)} in '{out.from_}' but {describe_kind(theirs)} in '{side}'",
                    "key columns of the same kind on both sides",
                )
        if where == "input":
            declared = ob.b.model.inputs[side].key
            if sorted(declared) != sorted(j.on):
                raise doc.error(
                    (*path, "on"),
                    f"join with input '{side}' on [{', '.join(j.on)}]: that must be its unique key",
                    f"key: [{', '.join(j.on)}] under inputs.{side} (each key then appears once in the file)",
                )
        if j.columns is None:
            wanted = [(c, c) for c, _ in side_cols if c not in j.on]
        elif isinstance(j.columns, list):
            wanted = [(c, c) for c in j.columns]
        else:
            wanted = list(j.columns.items())
        types = dict(side_cols)
        taken: list[tuple[str, str, ColumnType]] = []
        for new, theirs_name in wanted:
            if theirs_name not in types:
                raise doc.error((*path, "columns"), f"'{theirs_name}' is not a column of '{side}'", f"one of: {', '.join(types)}")
            if new in src_syms:
                raise doc.error(
                    (*path, "columns"),
                    f"joined column '{new}' of '{side}' would hide column '{new}' of '{out.from_}'",
                    f"another name for it under the join's columns, such as {side}_{theirs_name}: {theirs_name}",
                )
            sym = side_syms[theirs_name]
            src_syms[new] = Symbol(new, sym.kind, sym.label, sym.ctype, sym.values, nullable=sym.nullable or j.how == "left")
            taken.append((new, theirs_name, types[theirs_name]))
            cols.append((new, types[theirs_name]))
        plans.append(JoinPlan(side, where == "input", tuple(j.on), j.how, tuple(taken), doc.line_of(path)))
    return tuple(plans), tuple(cols)


def check_order(ob: OutputBuilder, plans: Mapping[str, OutputPlan]) -> None:
    """Refuse joins that need a table complete before it can be: one computed from the same
    input as the output that joins it, or inputs that would each need the other first."""
    needs: dict[str, set[str]] = {}
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for name, plan in plans.items():
        mine = root_input(plans, name)
        for i, j in enumerate(plan.joins):
            theirs = j.side if j.side_is_input else root_input(plans, j.side)
            if theirs == mine:
                raise ob.doc.error(
                    ("outputs", name, "join", i, "with"),
                    f"join with '{j.side}': it comes from input '{mine}' like this output's rows, "
                    "so it is not complete before them",
                    "a table computed from another input (a join needs its held side read first)",
                )
            if j.side_is_input:  # an input can be read ahead into its held side: never a cycle
                continue
            needs.setdefault(mine, set()).add(theirs)
            first.setdefault((mine, theirs), (name, i))
    # a cycle among inputs: depth-first search, reporting the join that closes it
    state: dict[str, int] = {}

    def visit(table: str, trail: list[str]) -> None:
        state[table] = 1
        for other in sorted(needs.get(table, ())):
            if state.get(other) == 1:
                name, i = first[(table, other)]
                cycle = " → ".join([*trail[trail.index(other) :], table, other]) if other in trail else f"{table} → {other}"
                raise ob.doc.error(
                    ("outputs", name, "join", i, "with"),
                    f"joins need the inputs read in a cycle ({cycle}): each would have to be complete first",
                    "joins whose held sides can be read before the rows that use them",
                )
            if other not in state:
                visit(other, [*trail, table])
        state[table] = 2

    for table in sorted(needs):
        if table not in state:
            visit(table, [])
