"""The fused loop: read, convert, compute and write a clean file in one tight loop.

Most runs are clean: every row well formed, every cell valid. For a policy whose input feeds
one row-wise output (no checks, sorting, ladders, ranking or windows; grouped outputs may read from
it), the careful engine's per-row dispatch costs more than the arithmetic. This loop calls
the three generated functions directly — row converter, output columns, CSV row writer —
and pushes to any grouped outputs. The first irregularity of any kind (a bad cell, a blank
or short row, undecodable bytes, a division by zero) stops it; the caller then discards
what was written and runs the careful engine, which reports every problem with its row.
So a clean file takes the fast path and a dirty one gets the same messages as always. A
record the CSV reader read over several lines (a quoted line break, or a quote mark left
open) is irregular too. A line break in a cell the loop converts already raises; one in a
column the policy does not read is found at the end, at no cost per row: the reader then
read more lines than header + rows, and the whole result is discarded like any other.

When the output goes only to its CSV file, the three pieces are generated as **one**
function from a row's cells to its CSV text (:func:`_run_fused`), fed straight to
``csv.writer.writerows``: no Python loop runs per row at all.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal

from cspolicy.engine.generated import define
from cspolicy.engine.node import Node
from cspolicy.engine.rowfunctions import row_code
from cspolicy.engine.run import Prepared
from cspolicy.money import quantize_exp
from cspolicy.planner.plan import ColumnPlan
from cspolicy.tables import CsvSink, Table
from cspolicy.tables.rowcode import row_source
from cspolicy.values import ColumnType, Kind

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
    if plan.grouped or plan.ladder or plan.rank or plan.sort_by or plan.checks or plan.warnings or plan.where:
        return False
    if node.on_row or node.fns.row is None:
        return False
    if plan.windows:  # a window needs every row of its partition first: the careful engine runs it
        return False
    if any(not child.plan.grouped or child.children for child in node.children):
        return False  # only groups (they keep one accumulator per group) may read from it
    node.file = table.name
    for child in node.children:
        child.file = table.name
    sink = sinks.get(plan.name) if sinks else None
    if sink is not None and not node.children and len(node.writers) == 1:
        return _run_fused(prep, node, table, *sink)
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
            for child in node.children:
                child.finish()
    except Exception:  # anything, _Irregular included: the careful engine will say what and where
        return False
    node.count = count
    return not prep.errors.count


def _zero(column: ColumnPlan, blank: bool) -> Decimal | tuple[Decimal] | None:
    """The zero of a rounded number column whose ``str()`` is plain (see ``CsvSink.cell_code``);
    wrapped in a tuple when the column may be blank."""
    if column.rounding is None or column.ctype.kind is not Kind.NUMBER or column.ctype is ColumnType.PERCENT:
        return None
    places = column.rounding[0]
    if places > 6:
        return None
    zero = quantize_exp(places) * 0
    return (zero,) if blank else zero


def _run_fused(prep: Prepared, node: Node, table: Table, sink: CsvSink, indexes: Sequence[int]) -> bool:
    """One generated function per row, from its cells to its CSV text, fed to
    ``csv.writer.writerows`` so no Python loop runs per row at all."""
    conv_source, conv_ns = row_source(table.row_plan())
    conv_lines = conv_source.splitlines()[1:-1]  # the statements, without def and return
    width = len(table.spec.columns)
    blank_sources = frozenset(c.name for c in table.spec.columns if not c.required and c.default is None)
    # the reader strips text cells: a value is None or text with something in it
    trimmed = frozenset(
        c.name
        for c in table.spec.columns
        if c.type is ColumnType.TEXT and (c.default is None or (isinstance(c.default, str) and c.default.strip()))
    )
    compute, compute_ns, blank = row_code(
        node.plan, prep.values, prep.run_values, [f"v{i}" for i in range(width)], "_q", blank_sources, trimmed
    )
    # A rounded, never-blank number column reaches csv.writer as the Decimal itself: after
    # quantize to at most 6 places str() is plain; `or zero` turns -0 into 0 (sign dropped).
    plain: list[Decimal | tuple[Decimal] | str | None] = [_zero(node.plan.columns[i], blank[i]) for i in indexes]
    integers = {c.name for c in table.spec.columns if c.type is ColumnType.INTEGER}
    for j, i in enumerate(indexes):
        column = node.plan.columns[i]
        if not blank[i] and column.ctype in (ColumnType.TEXT, ColumnType.ENUM) and column.expression is not None:
            plain[j] = ""  # a never-blank text column is written as it is
        elif (
            column.ctype is ColumnType.INTEGER
            and column.rounding is None
            and column.expression is not None
            and column.expression.text.strip() in integers
            and column.expression.text.strip() not in {c.name for c in node.plan.columns[:i]}
        ):
            # an input integer cell echoed unrounded (not an earlier column of that name): the
            # converter's whole numbers print plain, never -0
            plain[j] = "" if not blank[i] else "blank"
    cells, write_ns = sink.cell_code([f"c{i}" for i in indexes], plain)
    source = (
        "\n".join(
            [
                "def _step(cells, _n):  # _n: the row count, advanced by map() in C",
                f"    if _len(cells) != {len(table.headers)} or not (cells[0] or _any(cells)):",
                "        raise _Irregular",
                *conv_lines,
                *(f"    {line}" for line in compute),
                f"    return ({', '.join(cells)},)",
            ]
        )
        + "\n"
    )
    namespace = {**conv_ns, **compute_ns, **write_ns, "_len": len, "_any": any, "_Irregular": _Irregular}
    step = define(source, namespace, f"fused row {node.plan.name}")["_step"]
    counter = itertools.count()
    try:
        with prep.evaluating(), table.raw_cells() as reader:
            header = reader.line_num
            sink.write_all(map(step, reader, counter))  # stops at the reader's end: counter = rows
            rows = next(counter)
            if reader.line_num != header + rows:  # a record ran over several lines
                return False
    except Exception:  # anything, _Irregular included: the careful engine will say what and where
        return False
    node.count = rows
    return True
