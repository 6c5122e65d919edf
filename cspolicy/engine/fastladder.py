"""The fused loop of a ladder output: read and key, sort, then step, compute and write.

A ladder (penalties-club's ``sanctions``) needs its rows sorted by entity, date and input
order before it can count occurrences. The careful engine pushes each converted row into an
:class:`~cspolicy.blocks.ExternalSorter` (a key computed per row, pickled whole rows, keys
computed again while merging), then replays every row through the node. For a clean file
this module does the same work in two generated functions:

1. ``_read(cells, n)``: convert one row's cells and return its **compact record**
   ``(key…, n, values)``: the entity and date values themselves (a typed column holds one
   kind of value, so they order exactly as :func:`~cspolicy.blocks.sort_key` orders them;
   an optional column adds a "present" flag before its value), the input sequence number,
   and the converted values. Records go to a :class:`~cspolicy.blocks.RecordSorter` in
   chunks (``map`` in C), which sorts them and, past its chunk size, spills them pickled;
   merging compares the records as they are, never computing a key again;
2. ``_rows(records)``: for each sorted record, the ladder step (the careful engine's own,
   which decides each sanction once per combination), the output's checks, its columns,
   the fold of each grouped output reading it (:mod:`cspolicy.engine.groupcode`) and the row's CSV
   text, yielded to ``csv.writer.writerows``.

Like :mod:`cspolicy.engine.fastpath`, any irregularity (a bad cell, a failing check, an unknown
offence) raises; the caller then discards what was written and the careful engine runs and
says what is wrong, where. Generated source comes only from validated formula trees and
column types and positions (:mod:`cspolicy.generated`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from cspolicy.blocks import RecordSorter
from cspolicy.engine.groupcode import group_lines
from cspolicy.engine.node import Node
from cspolicy.engine.rowfunctions import row_code
from cspolicy.engine.run import Prepared
from cspolicy.expressions import ConstPool
from cspolicy.generated import define
from cspolicy.tables import CsvSink, Table
from cspolicy.tables.convert import NUMERIC_TYPES
from cspolicy.tables.rowcode import row_source
from cspolicy.values import ColumnType

__all__ = ["run_ladder"]


#: Records held in memory before a sorted run is spilled (about 100 bytes each, held).
CHUNK = 100_000


class _Irregular(Exception):
    """A row the fused ladder loop does not handle; the careful engine will."""


def run_ladder(prep: Prepared, node: Node, table: Table, sink: CsvSink | None, indexes: Sequence[int]) -> bool:
    """Run the ladder output ``node`` (and the grouped outputs reading it) over ``table``;
    False when a row was irregular (then the outputs are incomplete and must be discarded).
    Without a ``sink`` the output's rows only feed its grouped outputs."""
    plan = node.plan
    assert plan.ladder is not None and node.step is not None
    spec = table.spec.columns
    width = len(spec)
    refs = {name: f"v{i}" for i, (name, _) in enumerate(plan.source_columns)}
    if len(refs) != width:
        return False
    conv_source, conv_ns = row_source(table.row_plan())
    key_parts: list[str] = []
    for name in (*plan.ladder.entity, plan.ladder.date):
        col = spec[int(refs[name][1:])]
        v = refs[name]
        value = f"{v}.toordinal()" if col.type is ColumnType.DATE else v  # a day number orders as its date
        if col.required or col.default is not None:
            key_parts.append(value)  # never blank: the value orders itself
        else:
            key_parts += [f"{v} is not None", f"{value} if {v} is not None else 0"]  # blanks first
    # the payload: dates as day numbers, numbers as their text (both exact, and each pickles
    # several times faster than the object: a spill writes every record once)
    packed = [_pack(f"v{i}", col.type) for i, col in enumerate(spec)]
    read_source = (
        "\n".join(
            [
                "def _read(cells, _n):",
                f"    if _len(cells) != {len(table.headers)} or not (cells[0] or _any(cells)):",
                "        raise _Irregular",
                *conv_source.splitlines()[1:-1],
                f"    return ({', '.join(key_parts)}, _n, ({''.join(f'{p}, ' for p in packed)}))",
            ]
        )
        + "\n"
    )
    read_ns = {**conv_ns, "_len": len, "_any": any, "_Irregular": _Irregular, "_str": str}
    read = define(read_source, read_ns, f"ladder read {plan.name}")["_read"]
    rows_fn, handovers = _rows_function(prep, node, table, sink, indexes, len(key_parts) + 1)
    counter = itertools.count()
    try:
        with prep.evaluating(), table.raw_cells() as reader, RecordSorter(chunk_size=CHUNK) as sorter:
            header = reader.line_num
            sorter.extend(map(read, reader, counter))
            rows = next(counter)
            if reader.line_num != header + rows:  # a record ran over several lines
                return False
            out = rows_fn(sorter.sorted())
            if sink is not None:
                sink.write_all(out)
            else:
                for _ in out:
                    pass
            for handover in handovers:
                handover()
            for child in node.children:
                child.finish()
    except Exception:  # anything, _Irregular included: the careful engine will say what and where
        return False
    node.count = rows
    return not prep.errors.count


def _rows_function(
    prep: Prepared, node: Node, table: Table, sink: CsvSink | None, indexes: Sequence[int], payload: int
) -> tuple[Any, list[Callable[[], None]]]:
    """``_rows(records)``: a generator of each sorted record's CSV cells (see the module
    notes), and what hands each grouped output its groups after the last row."""
    plan = node.plan
    width = len(table.spec.columns)
    src = {name: f"v{i}" for i, (name, _) in enumerate(plan.source_columns)}
    steps = {name: f"x{i}" for i, name in enumerate(plan.step_names)}
    blank_sources = frozenset(c.name for c in table.spec.columns if not c.required and c.default is None)
    trimmed = frozenset(
        c.name
        for c in table.spec.columns
        if c.type is ColumnType.TEXT and (c.default is None or (isinstance(c.default, str) and c.default.strip()))
    )
    compute, namespace, blank = row_code(
        plan, prep.values, prep.run_values, [f"v{i}" for i in range(width)], "_q", blank_sources, trimmed, steps
    )
    body: list[str] = []
    if plan.checks:
        pool = ConstPool("_ck")
        consts = {name: pool.add(value) for name, value in {**prep.run_values, **prep.values}.items()}

        def check_name(name: str) -> str:
            return steps.get(name) or src.get(name) or consts[name]

        for chk in plan.checks:
            body += [f"if not ({chk.expression.python(check_name, pool)}):", "    raise _Irregular"]
        namespace.update(pool.namespace)
    body += compute
    outputs = {c.name: f"c{i}" for i, c in enumerate(plan.columns)}
    handovers: list[Callable[[], None]] = []
    for n, group in enumerate(node.children):
        assert group._grouper is not None
        lines, group_ns, handover = group_lines(group.plan, group._grouper, outputs.__getitem__, group.values, f"grp{n}_")
        handovers.append(handover)
        body += lines
        namespace.update(group_ns)
    if sink is not None:
        from cspolicy.engine.plain_cells import plain_cells

        cells, write_ns = sink.cell_code([f"c{i}" for i in indexes], plain_cells(node, table, indexes, blank))
        namespace.update(write_ns)
        body.append(f"yield ({', '.join(cells)},)")
    else:
        body.append("yield None")
    unpack_x = f"        {''.join(f'x{i}, ' for i in range(len(steps)))}= x" if steps else ""
    source = (
        "\n".join(
            [
                "def _rows(records):",
                "    for record in records:",
                f"        {''.join(f'v{i}, ' for i in range(width))}= record[{payload}]",
                *(f"        {line}" for i, col in enumerate(table.spec.columns) for line in _unpack(f"v{i}", col.type)),
                f"        x = _step(({''.join(f'v{i}, ' for i in range(width))}), 0)",
                "        if x is None:  # the step reported an error: the careful engine says it",
                "            raise _Irregular",
                *([unpack_x] if unpack_x else []),
                *(f"        {line}" for line in body),
            ]
        )
        + "\n"
    )
    days: dict[int, dt.date] = {}

    def day(number: int) -> dt.date:
        """The date of a day number, kept (up to 10 000 days: a file's days are few)."""
        found = dt.date.fromordinal(number)
        if len(days) < 10_000:
            days[number] = found
        return found

    namespace.update({"_step": node.step, "_Irregular": _Irregular, "_days": days, "_day": day, "_Dec": Decimal})
    namespace.pop("__builtins__", None)
    return define(source, namespace, f"ladder rows {plan.name}")["_rows"], handovers


def _pack(v: str, ctype: ColumnType) -> str:
    """How a converted value goes into a record (:func:`_unpack` undoes it exactly)."""
    if ctype is ColumnType.DATE:
        return f"(None if {v} is None else {v}.toordinal())"
    if ctype in NUMERIC_TYPES or ctype is ColumnType.PERCENT:
        return f"(None if {v} is None else _str({v}))"  # str() of a Decimal reads back identical
    return v


def _unpack(v: str, ctype: ColumnType) -> list[str]:
    if ctype is ColumnType.DATE:
        return [f"if {v} is not None: {v} = _days.get({v}) or _day({v})"]
    if ctype in NUMERIC_TYPES or ctype is ColumnType.PERCENT:
        return [f"if {v} is not None: {v} = _Dec({v})"]
    return []
