"""The fused loop of a ladder output: read and key, sort, then step, compute and write.

A ladder (penalties-club's ``sanctions``) needs its rows sorted by entity, date and input
order before it can count occurrences. The careful engine pushes each converted row into an
:class:`~cspolicy.blocks.ExternalSorter` (a key computed per row, pickled whole rows, keys
computed again while merging), then replays every row through the node. For a clean file
this module does the same work in two generated functions:

1. ``_read(cells)``: convert one row's cells. Held in memory (:func:`_in_memory`, while the
   estimated bytes stay within :data:`BUDGET`): each value goes to its column's list, texts
   interned (a name or code seen before is the same object), numbers as their text; then one
   integer key per row, ``(entity rank × days + day) × rows + row``, sorted in C, gives the
   row numbers in order. Past the budget (:func:`_spilled`): a **compact record**
   ``(key…, n, values)`` per row, the entity and date values themselves (a typed column
   holds one kind of value, so they order exactly as :func:`~cspolicy.blocks.sort_key`
   orders them; an optional column adds a "present" flag before its value), sorted by a
   :class:`~cspolicy.blocks.RecordSorter` in runs spilled pickled, merged without computing
   a key again. Both give the careful engine's order;
2. ``_rows(…)``: for each row in order, the ladder step (the careful engine's own, written
   out inline by :mod:`cspolicy.engine.ladderstep`), the output's checks, its columns,
   the fold of each grouped output reading it (:mod:`cspolicy.engine.groupcode`) and the row's
   CSV text, yielded to ``csv.writer.writerows``.

Like :mod:`cspolicy.engine.fastpath`, any irregularity (a bad cell, a failing check, an unknown
offence) raises; the caller then discards what was written and the careful engine runs and
says what is wrong, where. Generated source comes only from validated formula trees and
column types and positions (:mod:`cspolicy.generated`).
"""

from __future__ import annotations

import array
import datetime as dt
import itertools
import operator
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from cspolicy.blocks import RecordSorter
from cspolicy.engine.groupcode import group_lines
from cspolicy.engine.ladderstep import step_lines
from cspolicy.engine.node import Node
from cspolicy.engine.rowfunctions import row_code
from cspolicy.engine.rows_read import note_table
from cspolicy.engine.run import Prepared
from cspolicy.expressions import ConstPool
from cspolicy.generated import define
from cspolicy.tables import CsvSink, Table
from cspolicy.tables.convert import NUMERIC_TYPES
from cspolicy.tables.rowcode import MEMO_CELL_CHARS, column_blocks, row_source
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType

__all__ = ["run_ladder"]


#: Records held in memory before a sorted run is spilled (about 100 bytes each, held).
CHUNK = 100_000
#: Bytes the rows held in memory may take (estimated: list slots, sort keys and the distinct
#: values kept); a larger input is sorted through spilled runs of :data:`CHUNK` records.
BUDGET = 112 * 2**20
#: Estimated bytes of one row's sort key (an int of 32 bytes and its list slot).
_ROW_BYTES = 44
#: Rows converted between two looks at the memory taken.
_BATCH = 1 << 16
#: Distinct values an interning memo holds before it is emptied (the columns keep theirs).
_MEMO = 1 << 16
#: The careful engine's ladder step (:func:`~cspolicy.engine.steps.make_ladder_step`), which the
#: loop writes out inline (:mod:`cspolicy.engine.ladderstep`): the occurrence and 9 values.
_CAREFUL_STEP = "make_ladder_step.<locals>.step"
_STEP_VALUES = 10
#: More than any day number (``date.max.toordinal()`` is 3 652 059).
_DAYS = 1 << 22
#: Column types whose values the in-memory sort holds (texts, numbers as text, dates, booleans).
_HELD_TYPES = frozenset(
    {ColumnType.TEXT, ColumnType.ENUM, ColumnType.DATE, ColumnType.BOOLEAN, ColumnType.PERCENT, *NUMERIC_TYPES}
)


class _Irregular(Exception):
    """A row the fused ladder loop does not handle; the careful engine will."""


def run_ladder(prep: Prepared, node: Node, table: Table, sink: CsvSink | None, indexes: Sequence[int]) -> bool:
    """Run the ladder output ``node`` (and the grouped outputs reading it) over ``table``;
    False when a row was irregular (then the outputs are incomplete and must be discarded).
    Without a ``sink`` the output's rows only feed its grouped outputs."""
    plan = node.plan
    assert plan.ladder is not None and node.step is not None
    spec = table.spec.columns
    refs = {name: i for i, (name, _) in enumerate(plan.source_columns)}
    if len(refs) != len(spec):
        return False
    entity = [refs[name] for name in plan.ladder.entity]
    date = refs[plan.ladder.date]
    try:
        with prep.evaluating():
            if spec[date].type is ColumnType.DATE and all(c.type in _HELD_TYPES for c in spec):
                rows = _in_memory(prep, node, table, sink, indexes, entity, date)
                if rows is None:  # past the budget: sort through spilled runs instead
                    rows = _spilled(prep, node, table, sink, indexes, entity, date)
            else:
                rows = _spilled(prep, node, table, sink, indexes, entity, date)
            if rows is None:
                return False
    except Exception:  # anything, _Irregular included: the careful engine will say what and where
        return False
    node.count = rows
    return not prep.errors.count


def _check_source(table: Table) -> tuple[list[str], dict[str, Any]]:
    """The first lines of a read function: a row of the wrong width or blank is irregular,
    then the cells are converted to ``v0``, ``v1`` … (:func:`~cspolicy.tables.rowcode.row_source`)."""
    conv_source, conv_ns = row_source(table.row_plan())
    lines = [
        f"    if _len(cells) != {len(table.headers)} or not (cells[0] or _any(cells)):",
        "        raise _Irregular",
        *conv_source.splitlines()[1:-1],
    ]
    return lines, {**conv_ns, "_len": len, "_any": any, "_Irregular": _Irregular, "_str": str}


def _finish(node: Node, sink: CsvSink | None, out: Iterable[Any], handovers: list[Callable[[], None]]) -> None:
    """Write (or only fold) every row, then hand the grouped outputs their groups."""
    if sink is not None:
        sink.write_all(out)
    else:
        for _ in out:
            pass
    for handover in handovers:
        handover()
    for child in node.children:
        child.finish()


def _in_memory(
    prep: Prepared, node: Node, table: Table, sink: CsvSink | None, indexes: Sequence[int], entity: list[int], date: int
) -> int | None:
    """Sort by holding the rows column by column in memory: each row's values in one list
    per column (text interned, numbers as their text), then one list of integer sort keys
    ``(entity rank × days + day) × rows + row number``, sorted in C, and the row numbers in
    that order as an array of machine integers (the loop then reads them in order; the
    sorted key objects lie scattered in memory, which made reading them cost as much as
    the rest of fetching a row). None when the rows would take more than :data:`BUDGET`
    bytes (nothing is written then)."""
    spec = table.spec.columns
    width = len(spec)
    plan = table.row_plan()
    blocks, ns = column_blocks(plan)
    ns.update({"_len": len, "_any": any, "_Irregular": _Irregular, "_str": str, "_miss": object()})
    body = [f"if _len(cells) != {len(table.headers)} or not (cells[0] or _any(cells)):", "    raise _Irregular"]
    memos: list[dict[Any, Any]] = []
    for i, col in enumerate(spec):
        memos.append({})
        ns[f"_s{i}"] = memos[-1].setdefault
        if col.type in NUMERIC_TYPES or col.type is ColumnType.PERCENT:
            held = f"(None if v{i} is None else _s{i}((t := _str(v{i})), t))"  # str() reads back identical
        else:
            held = f"_s{i}(v{i}, v{i})"  # one object for equal texts (or dates)
        if plan[i][0] is None:  # not in the file: its default
            body += [*blocks[i], f"h{i} = {held}"]
            continue
        # a cell text seen before gives the value it gave then (held: interned, packed)
        memos.append({})
        ns[f"_rm{i}"], ns[f"_r{i}"] = memos[-1], memos[-1].get
        body += [
            f"c = cells[{plan[i][0]}]",
            f"h{i} = _r{i}(c, _miss)",
            f"if h{i} is _miss:",
            *(f"    {line}" for line in blocks[i]),
            f"    h{i} = {held}",
            f"    if _len(c) <= {MEMO_CELL_CHARS} and _len(_rm{i}) < {_MEMO}:",
            f"        _rm{i}[c] = h{i}",
        ]
    body.append(f"return ({''.join(f'h{i}, ' for i in range(width))})")
    source = "def _read(cells):\n" + "".join(f"    {line}\n" for line in body)
    read = define(source, ns, f"ladder read {node.plan.name}")["_read"]
    counted = [0] * len(memos)
    per_row = _ROW_BYTES + 9 * width  # a list slot per column (lists over-allocate)
    columns: list[list[Any]] = [[] for _ in range(width)]
    items = [operator.itemgetter(i) for i in range(width)]
    values = rows = 0
    with table.raw_cells() as reader:
        header = reader.line_num
        it = map(read, reader)
        while batch := list(itertools.islice(it, _BATCH)):
            rows += len(batch)
            for column, item in zip(columns, items):  # (zip(*batch) is several times slower)
                column += map(item, batch)
            del batch
            for i, memo in enumerate(memos):  # the new objects each memo keeps (and the columns hold)
                values += sum(map(sys.getsizeof, itertools.islice(memo, counted[i], None)))
                counted[i] = len(memo)
                if counted[i] >= _MEMO:
                    memo.clear()
                    counted[i] = 0
            if rows * per_row + values > BUDGET:
                return None
        if reader.line_num != header + rows:  # a record ran over several lines
            raise _Irregular
    note_table(table, rows)  # the run record's count (not a second reading)
    for memo in memos:  # the columns keep the values; the cell texts go
        memo.clear()
    # the rows in order, as machine integers: read in C, once, from keys scattered in memory
    order = array.array("q", map(operator.mod, _sort_keys(spec, columns, entity, date, rows), itertools.repeat(rows or 1)))
    rows_fn, handovers = _rows_function(prep, node, table, sink, indexes, held=True)
    _finish(node, sink, rows_fn(order, *columns), handovers)
    return rows


def _sort_keys(spec: Sequence[ColumnSpec], columns: list[list[Any]], entity: list[int], date: int, rows: int) -> list[int]:
    """The rows' sort keys, sorted: ``(rank of the entity × days + day number) × rows + row``.

    Entities are ranked by sorting their distinct values (an optional column: blanks
    first), so equal entities get one rank and the order is the order of the values
    themselves; a blank date is day 0 (before every real day, numbered from 1). Each
    distinct entity and day gets its part of the key once; the keys are sums built in C."""
    optional = [not spec[i].required and spec[i].default is None for i in entity]

    def entities() -> Iterable[Any]:
        if len(entity) == 1 and not optional[0]:
            return columns[entity[0]]
        return (
            tuple(
                itertools.chain.from_iterable(
                    (v is not None, 0 if v is None else v) if o else (v,) for v, o in zip(values, optional)
                )
            )
            for values in zip(*(columns[i] for i in entity))
        )

    n = rows or 1
    step = _DAYS * n
    distinct = sorted(set(entities()))
    by_entity = dict(zip(distinct, range(0, len(distinct) * step, step)))
    days = columns[date]
    by_day = {d: (0 if d is None else d.toordinal()) * n for d in set(days)}
    keys = list(
        map(
            operator.add,
            map(operator.add, map(by_entity.__getitem__, entities()), map(by_day.__getitem__, days)),
            itertools.count(),
        )
    )
    keys.sort()
    return keys


def _spilled(
    prep: Prepared, node: Node, table: Table, sink: CsvSink | None, indexes: Sequence[int], entity: list[int], date: int
) -> int | None:
    """Sort compact records through a :class:`~cspolicy.blocks.RecordSorter` (spilled runs)."""
    spec = table.spec.columns
    key_parts: list[str] = []
    for i in (*entity, date):
        col, v = spec[i], f"v{i}"
        value = f"{v}.toordinal()" if col.type is ColumnType.DATE else v  # a day number orders as its date
        if col.required or col.default is not None:
            key_parts.append(value)  # never blank: the value orders itself
        else:
            key_parts += [f"{v} is not None", f"{value} if {v} is not None else 0"]  # blanks first
    # the payload: dates as day numbers, numbers as their text (both exact, and each pickles
    # several times faster than the object: a spill writes every record once)
    packed = [_pack(f"v{i}", col.type) for i, col in enumerate(spec)]
    lines, ns = _check_source(table)
    source = (
        "def _read(cells, _n):\n"
        + "\n".join([*lines, f"    return ({', '.join(key_parts)}, _n, ({''.join(f'{p}, ' for p in packed)}))"])
        + "\n"
    )
    read = define(source, ns, f"ladder read {node.plan.name}")["_read"]
    rows_fn, handovers = _rows_function(prep, node, table, sink, indexes, payload=len(key_parts) + 1)
    counter = itertools.count()
    with table.raw_cells() as reader, RecordSorter(chunk_size=CHUNK) as sorter:
        header = reader.line_num
        sorter.extend(map(read, reader, counter))
        rows = next(counter)
        if reader.line_num != header + rows:  # a record ran over several lines
            return None
        note_table(table, rows)  # the run record's count (not a second reading)
        _finish(node, sink, rows_fn(sorter.sorted()), handovers)
    return rows


def _rows_function(
    prep: Prepared,
    node: Node,
    table: Table,
    sink: CsvSink | None,
    indexes: Sequence[int],
    *,
    payload: int = 0,
    held: bool = False,
) -> tuple[Any, list[Callable[[], None]]]:
    """A generator of each sorted row's CSV cells (see the module notes), and what hands
    each grouped output its groups after the last row: ``_rows(records)`` over spilled
    records whose values are item ``payload``, or (``held``) ``_rows(order, column…)``
    over the row numbers in order of :func:`_in_memory`."""
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
    assert plan.ladder is not None and node.step is not None
    names = [name for name, _ in plan.source_columns]
    before: list[str] = []
    if getattr(node.step, "__qualname__", "") == _CAREFUL_STEP and len(steps) == _STEP_VALUES:
        # the careful engine's own step (not one watched by the test runner): inline it
        before, step, step_ns = step_lines(prep.policy.schedules[plan.ladder.schedule], plan.ladder, names, len(steps))
        namespace.update(step_ns)
    else:
        step = [
            f"x = _step(({''.join(f'v{i}, ' for i in range(width))}), 0)",
            "if x is None:  # the step reported an error: the careful engine says it",
            "    raise _Irregular",
            *([f"{''.join(f'x{i}, ' for i in range(len(steps)))}= x"] if steps else []),
        ]
    spilled = [
        "def _rows(records):",
        *(f"    {line}" for line in before),
        "    for record in records:",
        f"        {''.join(f'v{i}, ' for i in range(width))}= record[{payload}]",
    ]
    head = [
        f"def _rows(_order, {', '.join(f'_c{i}' for i in range(width))}):",
        *(f"    {line}" for line in before),
        "    for i in _order:",
        *(f"        v{i} = _c{i}[i]" for i in range(width)),
    ]
    source = (
        "\n".join(
            [
                *(head if held else spilled),
                *(f"        {line}" for i, col in enumerate(table.spec.columns) for line in _unpack(f"v{i}", col.type, held)),
                *(f"        {line}" for line in step),
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


def _unpack(v: str, ctype: ColumnType, held: bool = False) -> list[str]:
    if ctype is ColumnType.DATE and not held:  # held in memory: the date itself
        return [f"if {v} is not None: {v} = _days.get({v}) or _day({v})"]
    if ctype in NUMERIC_TYPES or ctype is ColumnType.PERCENT:
        return [f"if {v} is not None: {v} = _Dec({v})"]
    return []
