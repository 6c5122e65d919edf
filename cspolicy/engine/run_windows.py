"""Run an output's ``window:`` columns over its source rows, in bounded memory.

Rows are pushed one by one (:meth:`WindowRun.add`): the window formulas (``by``, ``of``) are
evaluated then, so a failing row is reported at ``file:row`` at once. At the end
(:meth:`WindowRun.results`) the rows are sorted by each distinct partition in turn with the
:class:`~cspolicy.blocks.sorting.ExternalSorter` (which spills to temporary files past its
chunk size), one partition is held at a time and its windows computed, and finally the rows
are put back in the output's order: by ``sort_by`` when the output has one, else in input
order. Memory is bounded by the sorter's chunk and the largest partition (a window without
a partition holds the whole table, as the ``rank:`` step does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from cspolicy.blocks.sorting import ExternalSorter, sort_key
from cspolicy.blocks.windows import DuplicatePeriod, last_flags, previous_values, ranks, total
from cspolicy.engine.generated import define
from cspolicy.engine.node import ROW_ERRORS, why
from cspolicy.errors import DataError, ErrorCollector
from cspolicy.explain.trace import WindowFacts
from cspolicy.expressions import ConstPool
from cspolicy.periods import Period
from cspolicy.planner.plan import OutputPlan, WindowPlan
from cspolicy.values import Value

__all__ = ["WindowRun"]

Row = tuple[Value, ...]
#: (sequence number, origin, source row, each window's evaluated by/of, each window's value)
_Record = tuple[int, int, Row, tuple[Value, ...], list[Value]]
_MONTH = re.compile(r"^\d{4}-\d{1,2}$")


class WindowRun:
    """The window columns of one output during one run."""

    def __init__(
        self,
        plan: OutputPlan,
        env: Mapping[str, Value],
        errors: ErrorCollector,
        *,
        file: str = "",
        headers: Mapping[str, str] | None = None,
        chunk_size: int = 100_000,
    ) -> None:
        self.plan, self.env, self.errors = plan, dict(env), errors
        self.file = file
        self.headers = dict(headers or {})
        self.chunk_size = chunk_size
        #: Explaining only: keep each row's :class:`~cspolicy.explain.trace.WindowFacts`; while a row
        #: is handed on by :meth:`results`, ``current`` holds its facts by column name.
        self.explaining = False
        self.current: dict[str, WindowFacts] = {}
        self._facts: dict[int, dict[str, WindowFacts]] = {}
        self.names = [n for n, _ in plan.source_columns]
        index = {n: i for i, n in enumerate(self.names)}
        self.windows = plan.windows
        self._part_idx = [[index[c] for c in w.partition] for w in self.windows]
        self._period_idx = [None if w.period is None else index[w.period] for w in self.windows]
        self._passes = _passes(self.windows)
        self._first = ExternalSorter(self._key_of(next(iter(self._passes))), chunk_size=chunk_size)
        self._seq = 0
        self.failed = False
        self._reads = _compile_reads(plan, self.env)
        self._by = [j for j, w in enumerate(self.windows) if w.by is not None]
        #: each partition column once, with the first window partitioned by it
        self._blank_checks: list[tuple[int, WindowPlan]] = []
        for j, w in enumerate(self.windows):
            for i in self._part_idx[j]:
                if all(i != k for k, _ in self._blank_checks):
                    self._blank_checks.append((i, w))
        self._period_checks: list[tuple[int, WindowPlan]] = []
        for j, w in enumerate(self.windows):
            p = self._period_idx[j]
            if p is not None and all(p != k for k, _ in self._period_checks):
                self._period_checks.append((p, w))

    # -- rows in --------------------------------------------------------------------------
    def add(self, row: Row, origin: int) -> None:
        """Take one source row: evaluate its window formulas, or report why they fail."""
        for i, w in self._blank_checks:
            if row[i] is None:
                column = self.names[i]
                what = "entity" if w.fn == "previous" else "partition"
                self._error(
                    f"window '{w.name}': {what} column '{column}' is blank", origin, column, f"a value in every {what} column"
                )
        for p, w in self._period_checks:
            if not _period_ok(row[p]):
                column = self.names[p]
                self._error(
                    f"window '{w.name}': period '{'' if row[p] is None else row[p]}' is not a period",
                    origin,
                    column,
                    "a number, or a month written YYYY-MM",
                )
        try:
            fast: tuple[Value, ...] | None = self._reads(row)
        except ROW_ERRORS:
            fast = None
        if fast is not None and all(fast[j] is not None for j in self._by):
            evaluated = list(fast)
        else:
            evaluated = self._evaluate(row, origin)
        if not self.failed:
            self._first.add((self._seq, origin, row, tuple(evaluated), [None] * len(self.windows)))
        self._seq += 1

    def _evaluate(self, row: Row, origin: int) -> list[Value]:
        """Each window's by/of with the formula interpreter, reporting each one that fails."""
        scope: dict[str, Value] | None = None
        evaluated: list[Value] = []
        for w in self.windows:
            expr = w.by if w.by is not None else w.of
            if expr is None:
                evaluated.append(None)
                continue
            if scope is None:
                scope = dict(self.env)
                scope.update(zip(self.names, row))
            part = "by" if w.by is not None else "of"
            problem: str | None = None
            try:
                value = expr.evaluate(scope)
            except ROW_ERRORS as exc:
                problem, value = why(exc), None
            else:
                if value is None and w.by is not None:
                    problem = "the value is blank"
            if problem is not None:
                read = sorted(expr.names & set(self.names))
                self._error(
                    f"window '{w.name}' {part} '{expr.text}': {problem}",
                    origin,
                    read[0] if len(read) == 1 else None,
                    "a number for every row to rank" if part == "by" else "a value for every row",
                )
            evaluated.append(value)
        return evaluated

    def _error(self, message: str, origin: int, column: str | None, expected: str) -> None:
        self.failed = True
        header = self.headers.get(column, column) if column else None
        self.errors.add(DataError(message, file=self.file, row=origin or None, column=header, expected=expected))

    # -- rows out -------------------------------------------------------------------------
    def results(self) -> Iterator[tuple[Row, int, Row]]:
        """Every row with its window values, in the output's order (nothing if a row failed)."""
        if self.failed:
            self._first.close()
            return
        passes = list(self._passes.items())
        sorter: ExternalSorter[_Record] = self._first
        for n, (_, members) in enumerate(passes):
            following = passes[n + 1][0] if n + 1 < len(passes) else None
            key = self._key_of(following) if following is not None else self._final_key()
            nxt: ExternalSorter[_Record] = ExternalSorter(key, chunk_size=self.chunk_size)
            with sorter:
                # rows come sorted by the pass's longest partition, so every member's partition
                # (a prefix of it) is contiguous inside the shortest one, held one at a time
                shortest = min(members, key=lambda j: len(self.windows[j].partition))
                failed: set[tuple[tuple[str, ...], tuple[Value, ...]]] = set()
                for _, records in groupby(sorter.sorted(), key=_partition_of(self._part_idx[shortest])):
                    rows = list(records)
                    for j in members:
                        w = self.windows[j]
                        for part_key, sub in groupby(rows, key=_partition_of(self._part_idx[j])):
                            if (w.partition, part_key) in failed:
                                continue  # reported once for the partition, not once per window
                            if not self._compute(j, part_key, list(sub)):
                                failed.add((w.partition, part_key))
                    for rec in rows:
                        nxt.add(rec)
            sorter = nxt
        if self.errors.count:
            sorter.close()
            return
        with sorter:
            for seq, origin, row, _, x in sorter.sorted():
                if self.explaining:
                    self.current = self._facts.pop(seq, {})
                yield row, origin, tuple(x)

    def _key_of(self, partition: tuple[str, ...]) -> Callable[[_Record], Any]:
        """Partition values, then input order. Partition values are never blank (refused in
        :meth:`add`) and one column holds one kind, so they compare as they are."""
        idx = [self.names.index(c) for c in partition]
        if not idx:
            return lambda r: r[0]
        if len(idx) == 1:
            (i,) = idx
            return lambda r: (r[2][i], r[0])
        if len(idx) == 2:
            i, j = idx
            return lambda r: (r[2][i], r[2][j], r[0])
        return lambda r: (*[r[2][i] for i in idx], r[0])

    def _final_key(self) -> Callable[[_Record], Any]:
        """Input order, or the output's ``sort_by`` (source columns and window columns) then input order."""
        if not self.plan.sort_by:
            return lambda r: r[0]
        wnames = [w.name for w in self.windows]
        picks = [(True, wnames.index(n)) if n in wnames else (False, self.names.index(n)) for n in self.plan.sort_by]
        return lambda r: (*sort_key(tuple(r[4][i] if win else r[2][i] for win, i in picks)), r[0])

    def _compute(self, j: int, part_key: tuple[Value, ...], rows: list[_Record]) -> bool:
        """Set window ``j``'s value on each row of one partition (False: an error was reported)."""
        w = self.windows[j]
        values = [r[3][j] for r in rows]
        out: Sequence[Value]
        if w.fn == "rank":
            out = [Decimal(r) for r in ranks(values, descending=w.descending, ties=w.ties)]  # type: ignore[arg-type]
        elif w.fn == "last":
            out = last_flags(values, descending=w.descending)  # type: ignore[arg-type]
        elif w.fn == "count":
            out = [Decimal(len(rows))] * len(rows)
        elif w.fn == "total":
            out = [total(values)] * len(rows)  # type: ignore[arg-type]
        else:
            p = self._period_idx[j]
            assert p is not None
            periods = [_period(r[2][p]) for r in rows]
            try:
                out = previous_values(periods, [q - 1 for q in periods], values)  # type: ignore[assignment]
            except DuplicatePeriod as dup:
                first, second = rows[dup.first], rows[dup.second]
                who = " / ".join("" if v is None else str(v) for v in part_key)
                self.errors.add(
                    DataError(
                        f"window '{w.name}': {who} has two rows in period {periods[dup.second]} (the other is row {first[1]})",
                        file=self.file,
                        row=second[1] or None,
                        expected="one row per entity and period",
                    )
                )
                return False
        for r, v in zip(rows, out):
            r[4][j] = v
        if self.explaining:
            facts = WindowFacts(w.fn, w.partition, part_key, len(rows))
            for r in rows:
                self._facts.setdefault(r[0], {})[w.name] = facts
        return True


def _passes(windows: Sequence[WindowPlan]) -> dict[tuple[str, ...], list[int]]:
    """The sorting passes: each pass's sort columns and the windows it computes. A window
    whose partition is a prefix of another's (``[month]`` of ``[month, team]``) rides on
    that one's pass: rows sorted by month and team are grouped by month too.

    >>> from cspolicy.planner.plan import WindowPlan as W
    >>> from cspolicy.values import ColumnType as T
    >>> _passes([W("a", "count", T.INTEGER, partition=("m",)), W("b", "count", T.INTEGER, partition=("m", "t")),
    ...          W("c", "count", T.INTEGER, partition=("e",)), W("d", "count", T.INTEGER)])
    {('m', 't'): [0, 1, 3], ('e',): [2]}
    """
    order = sorted(range(len(windows)), key=lambda j: -len(windows[j].partition))
    passes: dict[tuple[str, ...], list[int]] = {}
    for j in order:
        p = windows[j].partition
        home = next((q for q in passes if q[: len(p)] == p), p)
        passes.setdefault(home, []).append(j)
    return {q: sorted(members) for q, members in passes.items()}


def _partition_of(idx: list[int]) -> Callable[[_Record], tuple[Value, ...]]:
    """A record's partition values, as a tuple."""
    if not idx:
        return lambda r: ()
    if len(idx) == 1:
        (i,) = idx
        return lambda r: (r[2][i],)
    get = itemgetter(*idx)
    return lambda r: get(r[2])


def _period_ok(value: Value) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, str) and bool(_MONTH.match(value.strip())) and 1 <= int(value.strip()[5:]) <= 12


def _period(value: Value) -> Decimal | Period:
    """A period that steps back by one: a number, or a ``YYYY-MM`` month."""
    if isinstance(value, Decimal):
        return value
    assert isinstance(value, str)
    return Period.parse(value.strip())


def _compile_reads(plan: OutputPlan, env: Mapping[str, Value]) -> Callable[[Row], tuple[Value, ...]]:
    """One generated function giving every window's ``by``/``of`` of a source row (the
    interpreter replays a row it fails on, to say which window failed and why)."""
    pool = ConstPool()
    src = {name: f"s{i}" for i, (name, _) in enumerate(plan.source_columns)}
    consts = {name: pool.add(value) for name, value in env.items()}

    def name_of(name: str) -> str:
        return src.get(name) or consts[name]

    parts, used = [], set()
    for w in plan.windows:
        expr = w.by if w.by is not None else w.of
        parts.append("None" if expr is None else expr.python(name_of, pool))
        used |= set() if expr is None else {n for n in expr.names if n in src}
    lines = ["def _win(s):"] + [f"    {src[n]} = s[{src[n][1:]}]" for n in sorted(used)]
    source = "\n".join([*lines, f"    return ({''.join(p + ', ' for p in parts)})"]) + "\n"
    fn: Callable[[Row], tuple[Value, ...]] = define(source, pool.namespace, f"windows {plan.name}")["_win"]
    return fn
