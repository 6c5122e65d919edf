"""Compile an output's validated formulas into one Python function per row.

Measurements (``shared/research/perf-notes.md``) show that one generated function for a
whole row runs at 1.07–1.19× a hand-written Decimal script, where a tree of closures or an
``eval`` per formula costs 2×. The source is generated only from formula trees the
expression layer has already whitelisted and type-checked; user text is never evaluated.
Literals, parameters and helpers reach the function through a constant pool.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cspolicy.engine.generated import define
from cspolicy.expressions import ConstPool
from cspolicy.money import ROUNDING_MODES, quantize_exp
from cspolicy.planner.plan import ColumnPlan, OutputPlan
from cspolicy.values import Value

__all__ = ["RowFunctions", "compile_output"]


class RowFunctions:
    """The compiled functions of one output for one run.

    * ``row(s, x)`` → the output tuple for a source tuple ``s`` and step values ``x``;
    * ``checks(s, x)`` → indexes of failing checks (empty when the row is fine);
    * ``where(s)`` → whether a source row is kept (its ``where:`` condition);
    * ``agg(s)`` → (values, by-values) fed to the accumulators, for grouped outputs;
    * ``post(k, a)`` → the output tuple of a group from its key and aggregate results;
    * ``warn(s, x, o)`` (``warn(k, o)`` for a group) → indexes of the warning rules that hold
      for a finished row ``o`` (empty when none).
    """

    def __init__(self) -> None:
        self.row: Callable[[tuple[Value, ...], tuple[Value, ...]], tuple[Value, ...]] | None = None
        self.checks: Callable[[tuple[Value, ...], tuple[Value, ...]], list[int]] | None = None
        self.where: Callable[[tuple[Value, ...]], bool] | None = None
        self.agg: Callable[[tuple[Value, ...]], tuple[tuple[Value, ...], tuple[Value, ...]]] | None = None
        self.post: Callable[[tuple[Value, ...], tuple[Value, ...]], tuple[Value, ...]] | None = None
        self.warn: Callable[..., list[int]] | None = None
        self.source: str = ""


def compile_output(plan: OutputPlan, params: Mapping[str, Value], run_values: Mapping[str, Value]) -> RowFunctions:
    """Generate and compile the functions of ``plan`` with this run's parameter values."""
    pool = ConstPool()
    consts = {name: pool.add(value) for name, value in {**run_values, **params}.items()}
    src_index = {name: i for i, (name, _) in enumerate(plan.source_columns)}
    step_index = {name: i for i, name in enumerate(plan.step_names)}
    lines: list[str] = []

    def base_names(name: str) -> str:
        if name in step_index:
            return f"x{step_index[name]}"
        if name in src_index:
            return f"s{src_index[name]}"
        return consts[name]

    def header(params_text: str, fname: str, used: set[str]) -> list[str]:
        out = [f"def {fname}({params_text}):"]
        for name in sorted(used):
            if name in step_index:
                out.append(f"    x{step_index[name]} = x[{step_index[name]}]")
            elif name in src_index:
                out.append(f"    s{src_index[name]} = s[{src_index[name]}]")
        return out

    fns = RowFunctions()
    if plan.where is not None:
        lines += header("s", "_where", set(plan.where.names)) + [f"    return {plan.where.python(base_names, pool)}"]
    if plan.checks:
        used = set().union(*(chk.expression.names for chk in plan.checks))
        body = header("s, x", "_chk", used) + ["    bad = []"]
        for i, chk in enumerate(plan.checks):
            body.append(f"    if not ({chk.expression.python(base_names, pool)}): bad.append({i})")
        body.append("    return bad")
        lines += body
    if not plan.grouped:
        col_names: dict[str, str] = {}

        def row_names(name: str) -> str:
            return col_names.get(name) or base_names(name)

        used = set().union(*(c.expression.names for c in plan.columns if c.expression))
        lines += header("s, x", "_row", used) + _column_lines(plan.columns, row_names, col_names, pool)
    else:
        aggs = [c for c in plan.columns if c.agg is not None]
        used = set().union(*(e.names for c in aggs for e in (c.of, c.by) if e is not None)) if aggs else set()
        body = header("s", "_agg", used)
        vals = [c.of.python(base_names, pool) if c.of is not None else "None" for c in aggs]
        bys = [c.by.python(base_names, pool) if c.by is not None else "None" for c in aggs]
        body.append(f"    return ({''.join(v + ', ' for v in vals)}), ({''.join(b + ', ' for b in bys)})")
        lines += body
        key_index = {name: i for i, name in enumerate(plan.group_by or ())}
        names: dict[str, str] = {}

        def post_names(name: str) -> str:
            if name in names:
                return names[name]
            if name in key_index:
                return f"k{key_index[name]}"
            return consts[name]

        lines += (
            ["def _post(k, a):"]
            + [f"    k{i} = k[{i}]" for i in range(len(key_index))]
            + _column_lines(plan.columns, post_names, names, pool)
        )
    if plan.warnings:
        lines += _warning_lines(plan, base_names, pool, src_index, step_index, consts)
    source = "\n".join(lines) + "\n"
    namespace = define(source, pool.namespace, f"output {plan.name}")
    fns.source = source
    fns.row = namespace.get("_row")
    fns.checks = namespace.get("_chk")
    fns.where = namespace.get("_where")
    fns.agg = namespace.get("_agg")
    fns.post = namespace.get("_post")
    fns.warn = namespace.get("_warn")
    return fns


def _warning_lines(
    plan: OutputPlan,
    base_names: Callable[[str], str],
    pool: ConstPool,
    src_index: Mapping[str, int],
    step_index: Mapping[str, int],
    consts: Mapping[str, str],
) -> list[str]:
    """``_warn(s, x, o)`` (a group's: ``_warn(k, o)``): the indexes of the warning rules
    whose condition holds for the finished row ``o``; a rule sees the output's columns
    first, then (per row) the step's names and the source's columns, or (per group) its key."""
    column_index = {c.name: j for j, c in enumerate(plan.columns)}
    key_index = {name: i for i, name in enumerate(plan.group_by or ())}
    used = set().union(*(w.expression.names for w in plan.warnings))

    def names(name: str) -> str:
        if name in column_index:
            return f"c{column_index[name]}"
        if plan.grouped:
            return f"k{key_index[name]}" if name in key_index else consts[name]
        return base_names(name)

    head = ["def _warn(k, o):" if plan.grouped else "def _warn(s, x, o):"]
    for name in sorted(used):
        if name in column_index:
            head.append(f"    c{column_index[name]} = o[{column_index[name]}]")
        elif plan.grouped and name in key_index:
            head.append(f"    k{key_index[name]} = k[{key_index[name]}]")
        elif not plan.grouped and name in step_index:
            head.append(f"    x{step_index[name]} = x[{step_index[name]}]")
        elif not plan.grouped and name in src_index:
            head.append(f"    s{src_index[name]} = s[{src_index[name]}]")
    body = head + ["    hold = []"]
    for i, w in enumerate(plan.warnings):
        body.append(f"    if {w.expression.python(names, pool)}: hold.append({i})")
    return [*body, "    return hold"]


def row_code(
    plan: OutputPlan,
    params: Mapping[str, Value],
    run_values: Mapping[str, Value],
    source_refs: Sequence[str],
    prefix: str,
    blank_sources: frozenset[str],
    trimmed: frozenset[str] = frozenset(),
) -> tuple[list[str], dict[str, Any], list[bool]]:
    """The statements (unindented) that set ``c0``, ``c1``… of a row-wise output from
    source values named by ``source_refs[i]``, their namespace (names start with
    ``prefix``), and which columns may be blank: the computing part of a fused row function.

    ``blank_sources`` names the source columns that may be blank (optional, no default);
    a column computed only from values that cannot be blank cannot be blank either, unless
    its formula makes a blank itself (``blank``, ``ratio`` by 0: ``makes_blank``), so its
    rounding needs no guard.
    ``trimmed`` names text source columns that are never only spaces (see
    :meth:`~cspolicy.expressions.Expression.python_reusing`).
    """
    pool = ConstPool(prefix)
    consts = {name: pool.add(value) for name, value in {**run_values, **params}.items()}
    src = {name: source_refs[i] for i, (name, _) in enumerate(plan.source_columns)}
    defined: dict[str, str] = {}
    maybe_blank = set(blank_sources) | {name for name, value in run_values.items() if value is None}
    blank: list[bool] = []
    for c in plan.columns:
        assert c.expression is not None
        blank.append(bool(c.expression.names & maybe_blank) or c.expression.makes_blank)
        (maybe_blank.add if blank[-1] else maybe_blank.discard)(c.name)

    def names(name: str) -> str:
        return defined.get(name) or src.get(name) or consts[name]

    lines = _column_lines(plan.columns, names, defined, pool, blank, trimmed)[:-1]  # without the return
    return [line[4:] for line in lines], dict(pool.namespace), blank


def _column_lines(
    columns: tuple[ColumnPlan, ...],
    name_of: Callable[[str], str],
    defined: dict[str, str],
    pool: ConstPool,
    blank: Sequence[bool] | None = None,
    trimmed: frozenset[str] = frozenset(),
) -> list[str]:
    """Assign each column in order (a formula, or the next aggregate result ``a[j]``), round
    it once, record its local name for later columns, and return the row tuple."""
    body: list[str] = []
    slot = 0
    exact: dict[str, str] = {}  # code of a column's whole formula -> the variable with its exact value
    for i, c in enumerate(columns):
        if c.agg is not None:
            body.append(f"    c{i} = a[{slot}]")
            slot += 1
        else:
            assert c.expression is not None
            whole = c.expression.python(name_of, pool)
            code = c.expression.python_reusing(name_of, pool, exact, _not_in(trimmed, defined))
            guard = blank is None or blank[i]
            if c.rounding is not None and whole not in exact and not whole.isidentifier():
                # keep the exact value: later formulas containing this one reuse it
                body.append(f"    t{i} = {code}")
                exact[whole] = f"t{i}"
                code = f"t{i}"
                if not guard and c.ctype.kind.value == "number":  # never blank: round in one step
                    body.append(f"    c{i} = {_rounded(code, c, pool)}")
                    defined[c.name] = f"c{i}"
                    continue
            body.append(f"    c{i} = {code}")
        body += _rounding_lines(f"c{i}", c, pool, guard=blank is None or blank[i])
        defined[c.name] = f"c{i}"
    body.append(f"    return ({''.join(f'c{i}, ' for i in range(len(columns)))})")
    return body


def _not_in(names: frozenset[str], defined: Mapping[str, str]) -> frozenset[str]:
    """``names`` less those in ``defined``, in time of ``names`` (not of ``defined``)."""
    return frozenset(name for name in names if name not in defined) if names else names


def _rounded(var: str, c: ColumnPlan, pool: ConstPool) -> str:
    """``var`` rounded as column ``c`` says (``c.rounding`` must be set)."""
    assert c.rounding is not None
    places, mode = c.rounding
    return f"{var}.quantize({pool.add(quantize_exp(places))}, {pool.add(ROUNDING_MODES[mode])})"


def _rounding_lines(var: str, c: ColumnPlan, pool: ConstPool, *, guard: bool = True) -> list[str]:
    if c.rounding is None or c.ctype.kind.value != "number":
        return []
    line = f"{var} = {_rounded(var, c, pool)}"
    return [f"    if {var} is not None: {line}" if guard else f"    {line}"]
