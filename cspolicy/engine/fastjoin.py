"""The fused loop for a run of several inputs: the largest input's rows in one generated loop.

A policy that joins (an events log looked up in a staff list, then grouped per employee and
month) reads several inputs, so :func:`cspolicy.engine.fastpath.run_clean`'s one-file loops do
not apply. Here the careful engine (:func:`cspolicy.engine.run.execute`) runs the run as
always — every other input, its held sides, read-ahead and outputs, in the plan's order — but
the rows of one input, the *streamed* one (the largest file of those that qualify), go
through one generated generator instead of the per-row dispatch of :class:`~.node.Node`:

* the cells converted inline (:mod:`cspolicy.tables.rowcode`);
* each join of the output with an input held in memory as a dict get on the held side's
  rows (a ``lookup`` that finds nothing, like any irregularity, hands the run back);
* its ``where:`` filter (a row not kept is skipped) and its ``checks:`` (a failing check hands
  the run back: the careful engine reports it, with the row);
* its columns (:func:`~cspolicy.engine.rowfunctions.row_code`), the folds of the grouped
  outputs reading it (:mod:`cspolicy.engine.groupcode`) and, when the output is written to
  a CSV file, its CSV cells, fed to ``csv.writer.writerows``.

What comes after (the grouped outputs' groups, the outputs reading them, windows, sorting)
is the careful engine's own code. The formulas are generated from the same checked trees as
the careful engine's functions, so the files are byte-identical (``bench/suite.py`` checks
it; ``tests/test_fastjoin.py`` compares both on joins, filters, checks and groups).
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cspolicy.engine.fastwarn import warning_lines
from cspolicy.engine.groupcode import group_lines
from cspolicy.engine.node import Node
from cspolicy.engine.plain_cells import plain_cells
from cspolicy.engine.rowfunctions import row_code
from cspolicy.engine.rows_read import note_table
from cspolicy.engine.run import Prepared, execute
from cspolicy.expressions import ConstPool
from cspolicy.generated import define
from cspolicy.tables import CsvSink, Table
from cspolicy.tables.rowcode import row_source
from cspolicy.values import ColumnType

__all__ = ["run_joined"]


class _Irregular(Exception):
    """A row the loop does not handle; the careful engine will."""


def run_joined(prep: Prepared, tables: Mapping[str, Table], sinks: Mapping[str, tuple[CsvSink, Sequence[int]]] | None) -> bool:
    """Run ``prep`` over ``tables`` with the largest qualifying input streamed through one
    generated loop; False when none qualifies or the run met anything irregular (then its
    outputs are incomplete and must be discarded, and the careful engine runs)."""
    candidates = [name for name in tables if _streamable(prep, name)]
    if not candidates:
        return False
    name = max(candidates, key=lambda t: os.path.getsize(tables[t].path))
    table = tables[name]
    node = prep.roots[name][0]
    sink = sinks.get(node.plan.name) if sinks else None
    if node.writers and (sink is None or len(node.writers) != 1):
        return False
    others = {t: tab.rows() for t, tab in tables.items() if t != name}
    headers = {t: {col: tab.headers[i] for col, i in tab.header_map.items()} for t, tab in tables.items()}
    try:
        stream = _stream(prep, node, table, sink if node.writers else None)
        execute(prep, {**others, name: iter(())}, {t: tab.name for t, tab in tables.items()}, headers, {name: stream})
    except Exception:  # anything, _Irregular included: the careful engine will say what and where
        return False
    return not prep.errors.count


def _streamable(prep: Prepared, name: str) -> bool:
    """Whether input ``name``'s rows can go through the loop: one row-wise output reads it,
    joined only with other inputs, and only grouped outputs (without filters) read that."""
    roots = prep.roots.get(name, [])
    if len(roots) != 1 or name in prep.held_inputs or prep.policy.inputs[name].key:
        return False
    node = roots[0]
    plan = node.plan
    if plan.grouped or plan.ladder or plan.rank or plan.sort_by or plan.windows or plan.step_names:
        return False
    if node.on_row or node.fns.row is None or node.step is not None or node.window is not None:
        return False
    if any(not j.side_is_input or j.side == name or j.how not in ("left", "inner", "lookup") for j in plan.joins):
        return False
    return all(c.plan.grouped and not c.plan.where and c.on_group_row is None for c in node.children)


def _held_rows(prep: Prepared, side: str, on: tuple[str, ...]) -> dict[Any, Any]:
    for h in prep.held_inputs.get(side, ()):
        if h.on == on:
            return h.rows
    raise _Irregular  # (wire_joins gives every join of an input its held side)


def _stream(prep: Prepared, node: Node, table: Table, sink: tuple[CsvSink, Sequence[int]] | None) -> Callable[[], None]:
    """The function that reads ``table`` through the generated loop (see the module notes)."""
    plan = node.plan
    conv_source, conv_ns = row_source(table.row_plan())
    conv_lines = conv_source.splitlines()[1:-1]  # the statements, without def and return
    width = len(table.spec.columns)
    refs = [f"v{i}" for i in range(width)]
    namespace: dict[str, Any] = {**conv_ns}
    body: list[str] = []
    blank = {c.name for c in table.spec.columns if not c.required and c.default is None}
    for n, j in enumerate(plan.joins):
        held = _held_rows(prep, j.side, j.on)
        names = [nm for nm, _ in plan.source_columns]
        keys = [refs[names.index(k)] for k in j.on]
        side_names = [c.name for c in prep.policy.inputs[j.side].columns]
        namespace[f"_jh{n}"] = held.get
        test = " or ".join(f"{k} is None" for k in keys)
        body += [f"m{n} = None if {test} else _jh{n}(({''.join(k + ', ' for k in keys)}))", f"if m{n} is None:"]
        if j.how == "lookup":
            body.append("    raise _Irregular")
        elif j.how == "inner":
            body.append("    continue")
        else:
            namespace[f"_jb{n}"] = (None,) * len(side_names)
            body.append(f"    m{n} = _jb{n}")
        for ours, theirs, _ in j.columns:
            refs.append(f"j{n}_{len(refs)}")
            body.append(f"{refs[-1]} = m{n}[{side_names.index(theirs)}]")
            blank.add(ours)
    source = {name: refs[i] for i, (name, _) in enumerate(plan.source_columns)}
    pool = ConstPool("_w")
    consts = {name: pool.add(value) for name, value in {**prep.run_values, **prep.values}.items()}

    def name_of(name: str) -> str:
        return source.get(name) or consts[name]

    if plan.where is not None:
        body += [f"if not ({plan.where.python(name_of, pool)}):", "    continue"]
    for chk in plan.checks:
        body += [f"if not ({chk.expression.python(name_of, pool)}):", "    raise _Irregular"]
    namespace.update(pool.namespace)
    # the reader strips text cells: a value is None or text with something in it
    trimmed = frozenset(
        c.name
        for c in table.spec.columns
        if c.type is ColumnType.TEXT and (c.default is None or (isinstance(c.default, str) and c.default.strip()))
    )
    compute, compute_ns, blanks = row_code(
        plan, prep.values, prep.run_values, [source[nm] for nm, _ in plan.source_columns], "_q", frozenset(blank), trimmed
    )
    body += compute
    namespace.update(compute_ns)
    outputs = {c.name: f"c{i}" for i, c in enumerate(plan.columns)}
    warn_lines, warn_ns = warning_lines(node, source, consts, pool, "rows + 1", _Irregular)  # (s-mat: warnings)
    body += warn_lines
    namespace.update({**pool.namespace, **warn_ns})
    handovers = []
    for n, group in enumerate(node.children):
        assert group._grouper is not None
        lines, group_ns, handover = group_lines(group.plan, group._grouper, outputs.__getitem__, group.values, f"grp{n}_")
        handovers.append(handover)
        body += lines
        namespace.update(group_ns)
    body.append("kept += 1")
    if sink is not None:
        csv_sink, indexes = sink
        cells, write_ns = csv_sink.cell_code([f"c{i}" for i in indexes], plain_cells(node, table, indexes, blanks))
        namespace.update(write_ns)
        body.append(f"yield ({', '.join(cells)},)")
    code = "\n".join(
        [
            "def _rows(reader, _done):",
            "    rows = kept = 0",
            "    for cells in reader:",
            "        rows += 1",
            f"        if _len(cells) != {len(table.headers)} or not (cells[0] or _any(cells)):",
            "            raise _Irregular",
            *(f"    {line}" for line in conv_lines),
            *(f"        {line}" for line in body),
            "    _done.extend((rows, kept))",
            *([] if sink is not None else ["    yield None"]),
        ]
    )
    namespace.update({"_len": len, "_any": any, "_Irregular": _Irregular})
    rows_of = define(code + "\n", namespace, f"fused joined row {plan.name}")["_rows"]

    def stream() -> None:
        done: list[int] = []
        with table.raw_cells() as reader:
            header = reader.line_num
            if sink is not None:
                sink[0].write_all(rows_of(reader, done))
            else:
                collections.deque(rows_of(reader, done), maxlen=0)
            rows, kept = done
            if reader.line_num != header + rows:  # a record ran over several lines
                raise _Irregular
            note_table(table, rows)  # (s-mat: the run record's count, not a second reading)
        for handover in handovers:
            handover()
        node.count = kept

    return stream
