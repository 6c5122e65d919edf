"""Compile the ``window:`` columns of one output into :class:`~cspolicy.planner.plan.WindowPlan`.

A window column's value is computed over a partition of the output's source rows before
the row's formulas run, so its ``by``/``of`` formulas read source columns and parameters
(not other columns of the same output: rank a computed score in an output that reads the
output computing it). Later columns and checks use the window's value by the column name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cspolicy.expressions import Expression, Symbol
from cspolicy.planner.plan import WindowPlan
from cspolicy.schema.models import Output, OutputColumn
from cspolicy.values import ColumnType, Kind

if TYPE_CHECKING:
    from cspolicy.planner.build_outputs import OutputBuilder

__all__ = ["compile_windows", "window_symbols"]

_FIXED_TYPES = {"rank": ColumnType.INTEGER, "count": ColumnType.INTEGER, "last": ColumnType.BOOLEAN}
_DEFAULTS = {
    Kind.NUMBER: ColumnType.DECIMAL,
    Kind.TEXT: ColumnType.TEXT,
    Kind.BOOLEAN: ColumnType.BOOLEAN,
    Kind.DATE: ColumnType.DATE,
}


def compile_windows(ob: OutputBuilder, name: str, out: Output, src_syms: Mapping[str, Symbol]) -> tuple[WindowPlan, ...]:
    """The window columns of output ``name``, checked (raises PolicyError at the YAML line)."""
    doc = ob.doc
    plans: list[WindowPlan] = []
    for cname, raw in out.columns.items():
        if not isinstance(raw, OutputColumn) or raw.window is None:
            continue
        w = raw.window
        path: tuple[str | int, ...] = ("outputs", name, "columns", cname, "window")
        if out.group_by is not None or out.ladder is not None or out.rank is not None:
            step = "group_by" if out.group_by is not None else "ladder" if out.ladder is not None else "rank"
            raise doc.error(
                path,
                f"window column '{cname}' cannot be combined with '{step}' in one output",
                "the window in an output that reads this one (from: " + name + ")",
            )
        if cname in src_syms:
            raise doc.error(
                path, f"window column '{cname}' has the name of a source column", "a name of its own for the window's value"
            )
        syms = {**ob.param_syms, **src_syms}
        for field, cols in (("partition", w.partition), ("entity", w.entity), ("period", [w.period] if w.period else [])):
            for col in cols:
                if col not in src_syms:
                    raise doc.error(
                        (*path, field), f"{field}: unknown column '{col}'", f"a column of '{out.from_}': {', '.join(src_syms)}"
                    )
        if w.period is not None and src_syms[w.period].kind not in (Kind.NUMBER, Kind.TEXT):
            raise doc.error(
                (*path, "period"),
                f"period column '{w.period}' is {src_syms[w.period].kind.value}",
                "a number (the previous period is one less) or a YYYY-MM month text",
            )
        by = of = None
        if w.by is not None:
            by = ob.b.compile((*path, "by"), w.by, syms, ob.functions)
            if by.kind is not Kind.NUMBER:
                raise doc.error((*path, "by"), f"window by '{w.by}' gives {by.kind.value}", "a number to rank by")
        if w.of is not None:
            of = ob.b.compile((*path, "of"), w.of, syms, ob.functions)
            if w.fn == "total" and of.kind is not Kind.NUMBER:
                raise doc.error((*path, "of"), f"window total of '{w.of}' gives {of.kind.value}", "a number to add up")
        ctype = _FIXED_TYPES.get(w.fn) or raw.type or _inferred(of, syms) or _DEFAULTS[of.kind if of else Kind.NUMBER]
        declared = raw.type or ctype
        if declared.kind is not ctype.kind:
            raise doc.error(
                ("outputs", name, "columns", cname, "type"),
                f"'{cname}' is declared {declared.value} but window '{w.fn}' gives {ctype.kind.value}",
                f"a type of kind {ctype.kind.value}, or no type",
            )
        plans.append(
            WindowPlan(
                cname,
                w.fn,
                declared,
                by,
                of,
                w.order == "descending",
                w.ties,
                tuple(w.entity if w.fn == "previous" else w.partition),
                w.period,
                doc.line_of(path),
            )
        )
    return tuple(plans)


def _inferred(expr: Expression | None, syms: Mapping[str, Symbol]) -> ColumnType | None:
    """A bare reference keeps its column's type (last month's money stays money)."""
    if expr is None or expr.bare_name is None:
        return None
    sym = syms.get(expr.bare_name)
    return None if sym is None else sym.ctype


def window_symbols(windows: tuple[WindowPlan, ...]) -> dict[str, Symbol]:
    """The names the window columns give each row (previous may be blank)."""
    out = {}
    for w in windows:
        values = w.of.result_values if w.of is not None and w.ctype.kind is Kind.TEXT else None
        out[w.name] = Symbol(w.name, w.ctype.kind, w.name, w.ctype, values, nullable=w.fn == "previous")
    return out
