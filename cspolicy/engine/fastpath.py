"""The fused loop: read, convert, compute and write a clean file in one tight loop.

Most runs are clean: every row well formed, every cell valid. For a policy whose input feeds
one row-wise output (no checks, sorting, ranking or windows; grouped outputs may read from
it), or one grouped output, the careful engine's per-row dispatch costs more than the
arithmetic. This loop calls the generated functions directly — row converter, output
columns, CSV row writer — and folds the row into any grouped outputs. A ladder output (and
the groups reading it) has its own fused loop, :mod:`cspolicy.engine.fastladder`. An output
with a ``where:`` filter takes the careful engine. The first irregularity of any kind (a bad cell, a blank
or short row, undecodable bytes, a division by zero) stops it; the caller then discards
what was written and runs the careful engine, which reports every problem with its row.
So a clean file takes the fast path and a dirty one gets the same messages as always. A
record the CSV reader read over several lines (a quoted line break, or a quote mark left
open) is irregular too. A line break in a cell the loop converts already raises; one in a
column the policy does not read is found at the end, at no cost per row: the reader then
read more lines than header + rows, and the whole result is discarded like any other.

When the output goes only to its CSV file, the three pieces are generated as **one**
function from a row's cells to its CSV text (:func:`_run_fused`), fed straight to
``csv.writer.writerows``: no Python loop runs per row at all. The grouped outputs reading
the row (or a grouped output of the input itself) fold it into their groups inside that
same function (:mod:`cspolicy.engine.groupcode`), and finish with the careful engine's own code.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cspolicy.engine.csvline import line_code
from cspolicy.engine.fastwindow import SUM_BOUND, Extra, prepare_extra
from cspolicy.engine.groupcode import group_lines
from cspolicy.engine.node import Node
from cspolicy.engine.plain_cells import plain_cells
from cspolicy.engine.rowfunctions import row_code
from cspolicy.engine.rows_read import note_table
from cspolicy.engine.run import Prepared
from cspolicy.generated import define
from cspolicy.tables import CsvSink, Table
from cspolicy.tables.rowcode import row_source
from cspolicy.values import ColumnType

__all__ = ["run_clean"]


class _Irregular(Exception):
    """A row the fused loop does not handle; the careful engine will."""


def run_clean(
    prep: Prepared, tables: Mapping[str, Table], sinks: Mapping[str, tuple[CsvSink, Sequence[int]]] | None = None
) -> bool:
    """Run ``prep`` over ``tables`` through the fused loop; False when it does not apply or
    met an irregular row (then its outputs are incomplete and must be discarded).

    ``sinks`` names the CSV sink (and the row indexes it writes) of each output: an output
    that only goes to its CSV file gets one generated function from cells to CSV text.
    """
    if prep.explain_key is None and len(tables) > 1 and not set(prep.roots) - set(tables):
        from cspolicy.engine.fastjoin import run_joined

        return run_joined(prep, tables, sinks)
    if (
        len(tables) != 1
        or prep.explain_key is not None
        or any(n.join for n in prep.nodes.values())
        or set(prep.roots) - set(tables)
    ):
        # a join needs a second table (its held side), and an optional input not given still
        # has outputs to finish: the careful engine runs them
        return False
    ((name, table),) = tables.items()
    roots = prep.roots.get(name, [])
    if len(roots) != 1:
        return False
    node = roots[0]
    plan = node.plan
    if plan.grouped and not (plan.ladder or plan.checks or plan.windows or plan.where or node.on_group_row or node.join):
        node.file = table.name  # a grouped output of the input: only its fold runs per row
        return _run_fused(prep, node, table, None, ())
    if plan.ladder is not None and plan.where is None:
        return _ladder(prep, node, table, sinks)
    if plan.grouped or plan.ladder or plan.rank or plan.where:
        return False
    if plan.sort_by or plan.checks or plan.warnings or plan.windows:  # some of these: fastwindow
        sink = sinks.get(plan.name) if sinks else None
        extra = prepare_extra(prep, node, table, sink)
        if extra is None:
            return False
        node.file = table.name
        for child in node.children:
            child.file = table.name
        csv_sink, indexes = sink if sink is not None and node.writers else (None, ())
        return _run_fused(prep, node, table, csv_sink, indexes, extra)
    if node.on_row or node.fns.row is None:
        return False
    if plan.windows:  # a window needs every row of its partition first: the careful engine runs it
        return False
    if any(not child.plan.grouped or child.children or child.plan.where for child in node.children):
        return False  # only groups (they keep one accumulator per group) may read from it
    node.file = table.name
    for child in node.children:
        child.file = table.name
    sink = sinks.get(plan.name) if sinks else None
    if sink is not None and len(node.writers) == 1:
        return _run_fused(prep, node, table, *sink)
    if not node.writers:  # read only by grouped outputs (``--only`` a group)
        return _run_fused(prep, node, table, None, ())
    convert = table._row_converter()
    compute = node.fns.row
    writers = list(node.writers)
    pushes = [child.push for child in node.children]
    width = len(table.headers)
    empty: tuple[()] = ()
    count = 0
    try:
        with prep.evaluating(), table.raw_cells() as reader:
            header = reader.line_num
            for count, cells in enumerate(reader, 1):
                if len(cells) != width or not (cells[0] or any(cells)):
                    raise _Irregular
                out = compute(convert(cells), empty)
                for write in writers:
                    write(out)
                for push in pushes:
                    push(out, count + 1)
            if reader.line_num != header + count:  # a record ran over several lines
                raise _Irregular
            note_table(table, count)
            for child in node.children:
                child.finish()
    except Exception:  # anything, _Irregular included: the careful engine will say what and where
        return False
    node.count = count
    return not prep.errors.count


def _ladder(prep: Prepared, node: Node, table: Table, sinks: Mapping[str, tuple[CsvSink, Sequence[int]]] | None) -> bool:
    """A ladder output (and the grouped outputs reading it) through :mod:`cspolicy.engine.fastladder`."""
    plan = node.plan
    if plan.rank or plan.windows or plan.warnings or node.on_row or node.step is None or node.fns.row is None:
        return False
    if any(not child.plan.grouped or child.children or child.on_group_row or child.plan.where for child in node.children):
        return False
    from cspolicy.engine.fastladder import run_ladder

    node.file = table.name
    for child in node.children:
        child.file = table.name
    sink = sinks.get(plan.name) if sinks else None
    if sink is not None and len(node.writers) == 1:
        return run_ladder(prep, node, table, *sink)
    if not node.writers:
        return run_ladder(prep, node, table, None, ())
    return False


def _run_fused(
    prep: Prepared, node: Node, table: Table, sink: CsvSink | None, indexes: Sequence[int], extra: Extra | None = None
) -> bool:
    """One generated function per row, from its cells to its CSV text, fed to
    ``csv.writer.writerows`` so no Python loop runs per row at all.

    The grouped outputs of the row (or ``node`` itself, when it is grouped) fold the row
    into their groups inline (:mod:`cspolicy.engine.groupcode`) and finish as always at the end.
    Without a ``sink`` the function returns nothing and only the folds keep what it does.
    ``extra``: the statements and the end of a row-wise output's windows, checks and
    warnings (:mod:`cspolicy.engine.fastwindow`)."""
    conv_source, conv_ns = row_source(table.row_plan())
    conv_lines = conv_source.splitlines()[1:-1]  # the statements, without def and return
    width = len(table.spec.columns)
    inputs = {name: f"v{i}" for i, (name, _) in enumerate(node.plan.source_columns)}
    body: list[str] = []
    namespace: dict[str, Any] = {**conv_ns}
    groups: list[Node] = [node] if node.plan.grouped else list(node.children)
    cells: list[str] = []
    csv_line: tuple[list[str], str, dict[str, Any]] | None = None
    outputs: dict[str, str] = {}
    if not node.plan.grouped:
        compute, compute_ns, blank = _row_lines(prep, node, table, width, extra.steps if extra else None)
        body += [*extra.before, *extra.prune(compute), *extra.after] if extra else compute
        namespace.update(compute_ns)
        namespace.update(extra.ns if extra else {})
        outputs = {c.name: f"c{i}" for i, c in enumerate(node.plan.columns)}
        if sink is not None:
            plain = plain_cells(node, table, indexes, blank)
            cells, write_ns = sink.cell_code([f"c{i}" for i in indexes], plain)
            namespace.update(write_ns)
            csv_line = line_code(sink, cells, plain)  # the row as its CSV line (csvline), where it can be
            if csv_line is not None:
                namespace.update(csv_line[2])
    handovers: list[Callable[[], None]] = []
    for n, group in enumerate(groups):
        assert group._grouper is not None
        refs = inputs if group is node else outputs
        bound = SUM_BOUND if extra and extra.reordered else None
        lines, group_ns, handover = group_lines(group.plan, group._grouper, refs.__getitem__, group.values, f"grp{n}_", bound)
        handovers.append(handover)
        body += lines
        namespace.update(group_ns)
    source = (
        "\n".join(
            [
                "def _step(cells, _n):  # _n: the row count, advanced by map() in C",
                f"    if _len(cells) != {len(table.headers)} or not (cells[0] or _any(cells)):",
                "        raise _Irregular",
                *conv_lines,
                *(f"    {line}" for line in body),
                *(f"    {statement}" for statement in (csv_line[0] if csv_line is not None else [])),
                f"    return {csv_line[1]}"
                if csv_line is not None
                else f"    return ({', '.join(cells)},)"
                if cells
                else "    return None",
            ]
        )
        + "\n"
    )
    namespace.update({"_len": len, "_any": any, "_Irregular": _Irregular})
    step = define(source, namespace, f"fused row {node.plan.name}")["_step"]
    counter = itertools.count()
    if extra is not None:
        extra.bind(step.__globals__)
        extra.start()
    try:
        with prep.evaluating(), table.raw_cells() as reader:
            header = reader.line_num
            steps = map(step, reader, counter)  # stops at the reader's end: counter = rows
            if csv_line is not None and sink is not None:
                sink.write_lines(steps)  # lines of CSV text (csvline)
            elif sink is not None:
                sink.write_all(steps)
            else:
                collections.deque(steps, maxlen=0)
            rows = next(counter)
            if reader.line_num != header + rows:  # a record ran over several lines
                return False
            for handover in handovers:
                handover()
            if extra is not None and not extra.finish(rows):
                return False
            note_table(table, rows)  # the run record's count of them (not a second reading)
            if node.plan.grouped:
                node.finish()  # its groups, then what reads from them
            else:
                for child in node.children:
                    child.finish()
    except Exception:  # anything, _Irregular included: the careful engine will say what and where
        return False
    if not node.plan.grouped:
        node.count = rows
    return not prep.errors.count


def _row_lines(
    prep: Prepared, node: Node, table: Table, width: int, steps: Mapping[str, str] | None = None
) -> tuple[list[str], dict[str, Any], list[bool]]:
    """The statements computing a row-wise output's columns ``c0``… from ``v0``…."""
    blank_sources = frozenset(c.name for c in table.spec.columns if not c.required and c.default is None)
    # the reader strips text cells: a value is None or text with something in it
    trimmed = frozenset(
        c.name
        for c in table.spec.columns
        if c.type is ColumnType.TEXT and (c.default is None or (isinstance(c.default, str) and c.default.strip()))
    )
    # a column the file does not have is its default on every row: a constant, so that
    # formulas reading it fold (``present(outcome)`` is false once, not per row)
    absent = {c.name: c.default for c in table.spec.columns if c.name not in table.header_map}
    refs = ["" if name in absent else f"v{i}" for i, (name, _) in enumerate(node.plan.source_columns)]
    params = {**prep.values, **absent}
    return row_code(node.plan, params, prep.run_values, refs, "_q", blank_sources, trimmed, steps)
