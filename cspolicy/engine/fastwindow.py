"""The fused loop for a row-wise output with checks, warnings, sorting or occurrence windows.

:func:`cspolicy.engine.fastpath.run_clean` runs an output that only computes columns in one
generated function per row. This module widens that to an output which also

* has ``checks:``: each is one ``if`` in the row function; a failing row hands the run back
  to the careful engine, which reports it;
* has ``warnings:``: a row for which a rule holds is kept (few are: a run with more than
  :data:`MAX_WARNED` hands back) and, after the last row, noted through the careful engine's
  own :meth:`~cspolicy.engine.node.Node._warn`, in the order the careful engine notes them
  (the output's order: input order, or its ``sort_by``);
* has **occurrence windows**: a window ``rank`` whose ``by`` is a constant, with ties in input
  order (``ties: row``), per a partition: the row's occurrence number of its partition key
  in input order (``1`` for the first record of a call, ``2`` for one delivered again). The
  careful engine sorts every row by the partition to compute it; here
  :class:`~cspolicy.blocks.distinct.Occurrences` counts in one pass, in bounded memory,
  with every repeat verified exactly (else the careful engine runs);
* is **sorted** (``sort_by``) with windows, when nothing depends on the order of its rows
  but its warnings: it is not written (only grouped outputs read it, ``--only`` one of
  them), and the groups reading it only count, add, or take ``all``/``any`` (and min or max
  of values that are equal only when identical). A sum in another order is the same number
  when no partial sum is rounded: each value added must lie within ±10^20 and the run
  must round no partial sum, which makes every order of the additions exact (see
  :func:`_exact_in_any_order`).

Anything else (a ``where:``, other windows, an output read by row-wise outputs) keeps to the
careful engine.
"""

from __future__ import annotations

import decimal
import os
import re
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from cspolicy.blocks.distinct import Occurrences
from cspolicy.engine.node import Node
from cspolicy.engine.run import Prepared
from cspolicy.expressions import ConstPool
from cspolicy.expressions import nodes as n
from cspolicy.generated import define
from cspolicy.money import CONTEXT
from cspolicy.planner.plan import ColumnPlan, OutputPlan, WindowPlan
from cspolicy.tables import CsvSink, Table
from cspolicy.tables.rowcode import row_source
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["is_occurrence", "Extra", "prepare_extra", "SUM_BOUND", "MAX_WARNED"]

#: Rows with a warning kept until the end (more: the careful engine runs).
MAX_WARNED = 100_000
#: Each value a reordered sum adds lies strictly within ± this (see the module notes).
SUM_BOUND = Decimal(10) ** 20
#: Aggregates whose result does not depend on the order of the rows (sums: see above).
_ORDER_FREE = frozenset({"count", "count_true", "sum", "all", "any"})


class _Irregular(Exception):
    """Something the loop does not handle; the careful engine will."""


def is_occurrence(window: WindowPlan, env: Mapping[str, Value]) -> bool:
    """Whether ``window`` numbers the rows of each partition in input order: ``rank`` of a
    constant (not blank) with ties in input order, over a partition."""
    if window.fn != "rank" or window.ties != "row" or not window.partition or window.by is None or window.by.names:
        return False
    try:
        return window.by.evaluate(dict(env)) is not None
    except Exception:  # a constant that cannot be computed: the careful engine says so
        return False


class Extra:
    """The statements a fused row function gets for an output's windows, checks and
    warnings, and what runs after the last row (see the module notes)."""

    def __init__(self, prep: Prepared, node: Node, table: Table, reordered: bool) -> None:
        self.prep, self.node, self.table, self.reordered = prep, node, table, reordered
        node.headers = {col: table.headers[i] for col, i in table.header_map.items()}  # as execute() gives it
        self.blank_sources = frozenset(c.name for c in table.spec.columns if not c.required and c.default is None)
        plan = node.plan
        self.steps = {w.name: f"x{j}" for j, w in enumerate(plan.windows)}
        self.before: list[str] = []
        self.after: list[str] = []
        self.ns: dict[str, Any] = {"_Irregular": _Irregular}
        self.counters: list[tuple[Occurrences, list[int]]] = []
        self.warned: list[tuple[int, tuple[Value, ...], tuple[Value, ...]]] = []
        names = [n for n, _ in plan.source_columns]
        src = {n: f"v{i}" for i, n in enumerate(names)}
        pool = ConstPool("_fw")
        consts = {n: pool.add(v) for n, v in node.values.items()}
        expected = _expected_rows(table)
        for j, w in enumerate(plan.windows):
            refs = [src[c] for c in w.partition]
            key = refs[0] if len(refs) == 1 else f"({''.join(r + ', ' for r in refs)})"
            occ = Occurrences(expected)
            spec = [c.name for c in table.spec.columns]
            self.counters.append((occ, [spec.index(c) for c in w.partition]))
            lines, ns = occ.code(f"_oc{j}", f"wk{j}", f"x{j}", "_n")
            self.before += [f"wk{j} = {key}", f"if {' or '.join(r + ' is None' for r in refs)}:", "    raise _Irregular"]
            self.before += lines
            self.ns.update(ns)

        def base(name: str) -> str:
            return self.steps.get(name) or src.get(name) or consts[name]

        for chk in plan.checks:
            self.before += [f"if not ({chk.expression.python(base, pool)}):", "    raise _Irregular"]
        if plan.warnings:
            cols = {c.name: f"c{i}" for i, c in enumerate(plan.columns)}

            def seen(name: str) -> str:
                return cols.get(name) or base(name)

            test = " or ".join(f"({w.expression.python(seen, pool)})" for w in plan.warnings)
            row = "".join(f"{src[n]}, " for n in names)
            steps = "".join(f"x{j}, " for j in range(len(plan.windows)))
            self.after += [f"if {test}:", f"    _fw_warned(_n, ({row}), ({steps}))"]
            self.ns["_fw_warned"] = self._warned
        self.ns.update(pool.namespace)
        self.ns.pop("__builtins__", None)
        self._rounded = False

    def _warned(self, n: int, row: tuple[Value, ...], x: tuple[Value, ...]) -> None:
        if len(self.warned) >= MAX_WARNED:
            raise _Irregular
        self.warned.append((n, row, x))

    def bind(self, globals_: dict[str, Any]) -> None:
        """The compiled row function's globals (the distinct-key tables rebind theirs)."""
        for occ, _ in self.counters:
            occ.bind(globals_)

    def start(self) -> None:
        """Just before the first row."""
        self._rounded = bool(CONTEXT.flags[decimal.Rounded])
        CONTEXT.flags[decimal.Rounded] = False

    def finish(self, rows: int) -> bool:
        """After the last row and the groups' handover, before the groups finish: verify the
        repeats counted, check the sums of a reordered output, note the warnings. False: the
        result must be discarded (the careful engine runs)."""
        rounded = CONTEXT.flags[decimal.Rounded]
        CONTEXT.flags[decimal.Rounded] = rounded or self._rounded
        for occ, idx in self.counters:
            if not occ.verify(lambda idx=idx: self._keys(idx)):  # type: ignore[misc]
                return False
        if self.reordered and not _exact_in_any_order(self.node, rows, rounded):
            return False
        node = self.node
        records = [(n, n + 2, row, None, x) for n, row, x in self.warned]
        order: Callable[[Any], Any] = node.window._final_key() if node.window is not None else (lambda r: r[0])
        self.warned = []
        assert node.fns.row is not None
        for _, origin, row, _, x in sorted(records, key=order):
            # the whole row as the careful engine makes it (the loop may not compute every column)
            node._warn(row, x, node.fns.row(row, x), origin)  # noqa: SLF001 - the careful engine's own noting
        return True

    def prune(self, lines: list[str]) -> list[str]:
        """A row function's column statements without the columns nothing reads (the output
        is not written, its groups and warnings do not use them) and that cannot fail."""
        node = self.node
        if node.writers:
            return lines
        unused = _unused(node.plan, [g.plan for g in node.children], self.blank_sources)
        if not unused:
            return lines
        numbers = "|".join(map(str, unused))
        ours = re.compile(rf"^(?:[ct](?:{numbers}) = |if c(?:{numbers}) is not None: )")
        kept = [line for line in lines if not ours.match(line)]
        names = re.compile(rf"\b[ct](?:{numbers})\b")
        if any(names.search(line) for line in kept):
            return lines  # another column reuses a part of one (python_reusing): keep them all
        return kept

    def _keys(self, idx: list[int]) -> Iterator[Hashable]:
        """Every row's partition key again, converted as the loop converted it."""
        plan = self.table.row_plan()
        source, ns = row_source([plan[i] for i in idx])
        convert = define(source, ns, "partition key")["_convert"]
        with self.table.raw_cells() as reader:
            if len(idx) == 1:
                for cells in reader:
                    yield convert(cells)[0]
            else:
                for cells in reader:
                    yield convert(cells)


def prepare_extra(prep: Prepared, node: Node, table: Table, sink: tuple[CsvSink, Sequence[int]] | None) -> Extra | None:
    """The :class:`Extra` of a row-wise ``node`` with checks, warnings, windows or sorting,
    or None when the fused loop cannot take it (see the module notes)."""
    plan = node.plan
    if plan.where is not None or plan.rank is not None or plan.ladder is not None or node.on_row is not None:
        return None
    if node.step is not None or node.fns.row is None or node._buffer is not None:  # noqa: SLF001
        return None
    if not all(is_occurrence(w, node.values) for w in plan.windows):
        return None
    if plan.sort_by and not plan.windows:
        return None  # sorted by the external sorter: its order of equal keys is its own
    reordered = bool(plan.sort_by)
    if node.writers and (reordered or sink is None or len(node.writers) != 1):
        return None
    for child in node.children:
        if not child.plan.grouped or child.children or child.plan.where is not None or child.on_group_row is not None:
            return None
        if reordered and not all(_order_free(c.agg, c.of) for c in child.plan.columns if c.agg is not None):
            return None
    return Extra(prep, node, table, reordered)


def _order_free(agg: str | None, of: Any) -> bool:
    if agg in _ORDER_FREE:
        return True
    # the least or greatest of values equal only when identical (not numbers: 1.0 and 1.00)
    return agg in ("min", "max") and of is not None and of.kind is not Kind.NUMBER


def _exact_in_any_order(node: Node, rows: int, rounded: bool) -> bool:
    """Whether every sum of the groups reading ``node`` is the same added in any order.

    Every value added lay within ±:data:`SUM_BOUND` (10^20; the fold checks it), and no
    partial sum was rounded, so each final sum's exponent is the least of its values'. Any
    partial sum in any order is then a multiple of 10^e below ``rows`` · 10^20, so it has at
    most 20 + digits(rows) − e digits: within the 50 of the arithmetic, it is exact too."""
    if rounded:
        return False
    lowest = len(str(rows)) + 20 - CONTEXT.prec
    for child in node.children:
        assert child._grouper is not None  # noqa: SLF001
        sums = [i for i, c in enumerate(a for a in child.plan.columns if a.agg is not None) if c.agg == "sum"]
        for states in child._grouper.state_table().values():  # noqa: SLF001
            for i in sums:
                exponent = states[i].as_tuple().exponent
                if not isinstance(exponent, int) or exponent < lowest:
                    return False
    return True


#: Functions that cannot fail on a moment (or a date) that is there: their call may be left out.
_TOTAL_ON_MOMENTS = {
    "date": (ColumnType.DATE, ColumnType.DATETIME),
    "period": (ColumnType.DATE, ColumnType.DATETIME),
    "hour": (ColumnType.DATETIME,),
}


def _unused(plan: OutputPlan, readers: Sequence[OutputPlan], blank: frozenset[str]) -> list[int]:
    """The indexes of ``plan``'s columns that neither the grouped ``readers`` nor the
    output's warnings read, directly or through other columns, and whose formula cannot
    fail on any row (a name, a literal, ``date``/``period``/``hour`` of a moment that is
    never blank), so leaving them out changes nothing."""
    need: set[str] = set()
    for reader in readers:
        need |= set(reader.group_by or ())
        for c in reader.columns:
            for e in (c.of, c.by, c.expression):
                need |= e.names if e is not None else set()
    for w in plan.warnings:
        need |= w.expression.names
    for c in reversed(plan.columns):  # a column reads earlier ones, or the source
        if c.name in need and c.expression is not None:
            need |= c.expression.names
    types = dict(plan.source_columns)
    steps = set(plan.step_names)
    unused: list[int] = []
    earlier: set[str] = set()
    for i, c in enumerate(plan.columns):
        if c.name not in need and c.expression is not None and _cannot_fail(c, types, blank, earlier | steps):
            unused.append(i)
        earlier.add(c.name)
    return unused


def _cannot_fail(c: ColumnPlan, types: Mapping[str, ColumnType], blank: frozenset[str], shadowing: set[str]) -> bool:
    assert c.expression is not None
    tree = c.expression.tree
    if isinstance(tree, (n.Number, n.Text, n.Boolean, n.Blank)):
        return True
    if isinstance(tree, n.Name):
        return c.rounding is None or c.kind is not Kind.NUMBER  # rounding a huge number fails
    if not (isinstance(tree, n.Call) and len(tree.args) == 1 and isinstance(tree.args[0], n.Name)):
        return False
    arg = tree.args[0].name
    if arg in shadowing or arg in blank or types.get(arg) not in _TOTAL_ON_MOMENTS.get(tree.func, ()):
        return False
    return c.rounding is None or (tree.func == "hour" and c.rounding[0] >= 0)  # 0–23 rounds safely


def _expected_rows(table: Table) -> int:
    """About how many rows ``table`` has: its size over the mean record of its first 64 KiB."""
    try:
        with open(table.path, "rb") as f:
            head = f.read(1 << 16)
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return 0
    lines = head.count(b"\n")
    if not lines or len(head) >= size:
        return lines + 1
    return int(size / (len(head) / lines) * 1.05) + 1
