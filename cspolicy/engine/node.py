"""Evaluate a policy's outputs over streamed rows.

Rows are *pushed*: each input row goes through every output that reads it, and each output
row goes on to its sinks (a file, stdout, memory) and to the outputs that read from it.
Row-wise outputs keep no rows (constant memory); grouped outputs keep one accumulator per
group; only outputs that must see all rows first (sorting for ladders, ranking) buffer, and
sorting spills to temporary files beyond a fixed number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cspolicy.blocks import ExternalSorter, Grouper, ListOf, sort_key
from cspolicy.engine.row_errors import ROW_ERRORS, Lenient, formula_text, locate, locate_aggregate, locate_check, why
from cspolicy.engine.rowfunctions import RowFunctions
from cspolicy.errors import DataError, ErrorCollector
from cspolicy.notes import Warnings
from cspolicy.planner.plan import OutputPlan
from cspolicy.tables.writer import format_value
from cspolicy.text import format_plain
from cspolicy.values import ColumnType, Value

__all__ = ["Writer", "Node", "Origin", "ROW_ERRORS", "why", "make_sort_key"]

Row = tuple[Value, ...]


#: Where a row came from: its row number in the input file (0 for a group's row). The file
#: is the node's own :attr:`Node.file`; an int costs nothing per row.
Origin = int


#: Where an output's rows go: a CSV row writer, ``list.append``, … (called once per row).
Writer = Callable[[Row], None]


@dataclass
class Node:
    """One output during one run."""

    plan: OutputPlan
    fns: RowFunctions
    errors: ErrorCollector
    writers: list[Writer] = field(default_factory=list)
    #: The input file this node's rows come from (set when a run starts), for messages.
    file: str = ""
    count: int = 0
    children: list[Node] = field(default_factory=list)
    step: Callable[[Row, Origin], Row | None] | None = None
    #: Extends each source row by the output's joins (None: dropped or rejected), if any.
    join: Callable[[Row, Origin], Row | None] | None = None
    batch: Callable[[list[tuple[Row, Origin]], str, dict[str, str]], list[Row]] | None = None
    sort_key: Callable[[Row], Any] | None = None
    #: The output's window columns (see :mod:`cspolicy.engine.run_windows`), computed before its rows.
    window: Any = None
    on_row: Callable[[Node, Row, Row, Row, Origin], None] | None = None
    #: Explaining only: each source row of a grouped output, and each group's (key, output
    #: row, exact aggregate results) at its end.
    on_group_row: Callable[[Node, Row, Origin], None] | None = None
    explain_group: Callable[[Node, Row, Row, Row], None] | None = None
    message_values: dict[str, str] = field(default_factory=dict)
    #: This run's parameter values and run values (period, as_of), to replay a failed row.
    values: dict[str, Value] = field(default_factory=dict)
    #: The header each source column has in its file (for ``file:row:column`` messages).
    headers: dict[str, str] = field(default_factory=dict)
    #: Where this run's warnings go (the output's ``warnings:`` rules add to it).
    warnings: Warnings = field(default_factory=Warnings)
    #: The warnings of the row (or group) just computed, for its explanation.
    fired: list[str] = field(default_factory=list)
    _grouper: Grouper | None = None
    _key_idx: list[int] = field(default_factory=list)
    _buffer: list[tuple[Row, Origin]] | None = None
    _sorted: Any = None

    def __post_init__(self) -> None:
        p = self.plan
        if p.grouped:
            self._grouper = Grouper(
                [(ListOf(c.sep) if c.agg == "list" else c.agg, c.name) for c in p.columns if c.agg is not None],
                total=not p.group_by,
            )
            names = [n for n, _ in p.source_columns]
            self._key_idx = [names.index(k) for k in p.group_by or ()]
        elif self.batch is not None:
            self._buffer = []
        elif self.sort_key is not None:
            key = self.sort_key
            self._sorted = ExternalSorter(key=lambda t: key(t[0]))

    # -- row flow -------------------------------------------------------------------------
    def push(self, row: Row, origin: Origin) -> None:
        """Take one source row (replaced per node by the one path it needs, see :meth:`bind`)."""
        self.bind()
        self.push(row, origin)

    def bind(self) -> None:
        """Choose this node's per-row path once, instead of dispatching on every row."""
        if self._grouper is not None:
            self.push = self._group if self.on_group_row is None else self._group_explained  # type: ignore[method-assign]
        elif self.window is not None:
            self.window.file, self.window.headers = self.file, self.headers
            self.push = self.window.add  # type: ignore[method-assign]
        elif self._buffer is not None:
            buffer = self._buffer
            self.push = lambda row, origin: buffer.append((row, origin))  # type: ignore[method-assign]
        elif self._sorted is not None:
            sorter = self._sorted
            self.push = lambda row, origin: sorter.add((row, origin))  # type: ignore[method-assign]
        else:
            self.push = lambda row, origin: self._row(row, origin, ())  # type: ignore[method-assign]
        if self.fns.where is not None:
            keep, kept = self.fns.where, self.push

            def where(row: Row, origin: Origin) -> None:
                try:
                    wanted = keep(row)
                except ROW_ERRORS as exc:
                    self.errors.add(self._where_error(exc, row, origin))
                    return
                if wanted:
                    kept(row, origin)

            self.push = where  # type: ignore[method-assign]
        if self.join is not None:
            join, inner = self.join, self.push

            def joined(row: Row, origin: Origin) -> None:
                extended = join(row, origin)
                if extended is not None:
                    inner(extended, origin)

            self.push = joined  # type: ignore[method-assign]

    def _row(self, row: Row, origin: Origin, x: Row) -> None:
        fns = self.fns
        if fns.checks is not None:
            try:
                bad = fns.checks(row, x)
            except ROW_ERRORS as exc:
                self.errors.add(self._runtime_error(exc, origin, row, x, in_checks=True))
                return
            if bad:
                for i in bad:
                    self.errors.add(self._check_error(i, row, origin))
                return
        try:
            out = fns.row(row, x)  # type: ignore[misc]
        except ROW_ERRORS as exc:
            self.errors.add(self._runtime_error(exc, origin, row, x))
            return
        if fns.warn is not None and not self._warn(row, x, out, origin):
            return
        if self.on_row is not None:
            self.on_row(self, row, x, out, origin)
        self.emit(out, origin)

    def emit(self, out: Row, origin: Origin) -> None:
        if self.errors.count:  # the run will fail: stop producing output, keep collecting errors
            return
        self.count += 1
        for write in self.writers:
            write(out)
        for child in self.children:
            child.push(out, origin)

    def _group(self, row: Row, origin: Origin) -> None:
        assert self._grouper is not None and self.fns.agg is not None
        key = tuple(row[i] for i in self._key_idx)
        try:
            vals, bys = self.fns.agg(row)
        except ROW_ERRORS as exc:
            where, why = locate_aggregate(self.plan, self.values, row, exc)
            self.errors.add(DataError(f"{where}: cannot aggregate this row: {why}", file=self.file, row=origin or None))
            return
        self._grouper.add(key, vals, bys)

    def _group_explained(self, row: Row, origin: Origin) -> None:
        assert self.on_group_row is not None
        self.on_group_row(self, row, origin)
        self._group(row, origin)

    def finish(self) -> None:
        """Called once after the last pushed row: flush buffers and groups, then children."""
        if self._buffer is not None and self.batch is not None:
            rows = self._buffer
            self._buffer = None
            if not self.errors:
                batch = self.batch(rows, self.file, self.headers)
                if not self.errors:  # a row the batch could not place was reported instead
                    for (row, origin), values in zip(rows, batch, strict=True):
                        self._row(row, origin, values)
        elif self.window is not None:
            for row, origin, values in self.window.results():
                self._row(row, origin, values)
        elif self._sorted is not None:
            sorter, self._sorted = self._sorted, None
            with sorter:
                for row, origin in sorter.sorted():
                    x: Row | None = self.step(row, origin) if self.step is not None else ()
                    if x is not None:
                        self._row(row, origin, x)
        elif self._grouper is not None:
            assert self.fns.post is not None
            outs: list[Row] = []
            for key, results in self._grouper.groups():
                try:
                    out = self.fns.post(key, results)
                except ROW_ERRORS as exc:
                    label = " / ".join("" if k is None else str(k) for k in key) or "the total"
                    env = {**self.values, **dict(zip(self.plan.group_by or (), key))}
                    where, why = locate(self.plan, env, self.plan.columns, exc, results)
                    self.errors.add(DataError(f"output '{self.plan.name}', group {label}: {where}: {why}", file=self.file))
                    continue
                if self.fns.warn is not None and not self._warn_group(key, out):
                    continue
                if self.explain_group is not None:
                    self.explain_group(self, key, out, results)
                outs.append(out)
            if self.plan.sort_by:
                names = [c.name for c in self.plan.columns]
                idx = [names.index(n) for n in self.plan.sort_by]
                outs.sort(key=lambda r: sort_key(tuple(r[i] for i in idx)))
            for out in outs:
                self.emit(out, 0)
        for child in self.children:
            child.finish()

    # -- warnings -------------------------------------------------------------------------
    def _warn(self, row: Row, x: Row, out: Row, origin: Origin) -> bool:
        """Note the warnings that hold for a finished row; False when one cannot be decided
        (then the row is rejected, naming the rule, like a column that cannot be computed)."""
        assert self.fns.warn is not None
        try:
            hold = self.fns.warn(row, x, out)
        except ROW_ERRORS as exc:
            env = self._row_env(row, x, out)
            self.errors.add(DataError(self._undecided(env, exc), file=self.file, row=origin or None))
            return False
        self.fired = []
        if hold:
            env = self._row_env(row, x, out)
            key = self._key_label(out)
            for i in hold:
                rule = self.plan.warnings[i]
                column = self.headers.get(rule.column, rule.column) if rule.column else None
                text = self._message(i, env)
                self.fired.append(text)
                file, at = self.file or None, origin or None
                self.warnings.add(text, file=file, row=at, column=column, output=self.plan.name, key=key, rule=rule.rule)
        return True

    def _warn_group(self, key: Row, out: Row) -> bool:
        assert self.fns.warn is not None

        def env() -> dict[str, Value]:  # only for a warning that fires or cannot be decided
            named = dict(zip((c.name for c in self.plan.columns), out))
            return {**self.values, **dict(zip(self.plan.group_by or (), key)), **named}

        def label() -> str:
            return " / ".join("" if k is None else format_value(k, ColumnType.TEXT) for k in key) or "the total"

        try:
            hold = self.fns.warn(key, out)
        except ROW_ERRORS as exc:
            text = f"output '{self.plan.name}', group {label()}: {self._undecided(env(), exc)}"
            self.errors.add(DataError(text, file=self.file))
            return False
        self.fired = []
        if not hold:
            return True
        values, where = env(), label()
        for i in hold:
            text = self._message(i, values)
            self.fired.append(text)
            self.warnings.add(text, output=self.plan.name, key=where, rule=self.plan.warnings[i].rule)
        return True

    def _row_env(self, row: Row, x: Row, out: Row) -> dict[str, Value]:
        env = {**self.values, **dict(zip((n for n, _ in self.plan.source_columns), row))}
        env.update(zip(self.plan.step_names, x))
        env.update(zip((c.name for c in self.plan.columns), out))
        return env

    def _key_label(self, out: Row) -> str | None:
        if not self.plan.key:
            return None
        names = [c.name for c in self.plan.columns]
        return " / ".join(format_value(out[names.index(k)], ColumnType.TEXT) for k in self.plan.key)

    def _message(self, i: int, env: Mapping[str, Value]) -> str:
        """A warning's message with each ``{name}`` as the output would show its value."""
        rule = self.plan.warnings[i]
        shown = {name: format_plain(env.get(name), ctype) for name, ctype in rule.placeholders}
        return _fill(rule.message, shown)

    def _undecided(self, env: Mapping[str, Value], exc: BaseException) -> str:
        """Why no warning rule could be decided: the first that fails, and why."""
        scope = Lenient(env)
        for rule in self.plan.warnings:
            try:
                rule.expression.evaluate(scope)
            except ROW_ERRORS as failed:
                return f"{formula_text(f'warning {rule.message!r}', rule.expression, scope, condition=True)}: {why(failed)}"
        return f"output '{self.plan.name}': {why(exc)}"

    # -- errors ---------------------------------------------------------------------------
    def _where_error(self, exc: BaseException, row: Row, origin: Origin) -> DataError:
        assert self.plan.where is not None
        env = Lenient({**self.values, **dict(zip((n for n, _ in self.plan.source_columns), row))})
        where = formula_text(f"output '{self.plan.name}' where", self.plan.where, env, condition=True)
        return DataError(f"{where}: {why(exc)}", file=self.file, row=origin or None, column=self._column_of(exc, row))

    def _check_error(self, i: int, row: Row, origin: Origin) -> DataError:
        chk = self.plan.checks[i]
        names = [n for n, _ in self.plan.source_columns]
        value = None
        if chk.column and chk.column in names:
            i_col = names.index(chk.column)
            value = format_value(row[i_col], self.plan.source_columns[i_col][1])
        rule = f" [{chk.rule}]" if chk.rule else ""
        msg = _fill(chk.message, self.message_values) + rule
        if chk.column:
            msg = f"column '{chk.column}'" + (f": '{value}'" if value is not None else "") + f": {msg}"
        column = self.headers.get(chk.column, chk.column) if chk.column else None
        return DataError(msg, file=self.file, row=origin or None, column=column, value=value)

    def _runtime_error(self, exc: BaseException, origin: Origin, row: Row, x: Row, in_checks: bool = False) -> DataError:
        env = {**self.values, **dict(zip((n for n, _ in self.plan.source_columns), row)), **dict(zip(self.plan.step_names, x))}
        if in_checks:
            where, why = locate_check(self.plan, env, exc)
        else:
            where, why = locate(self.plan, env, self.plan.columns, exc)
        return DataError(f"{where}: {why}", file=self.file, row=origin or None, column=self._column_of(exc, row))

    def _column_of(self, exc: BaseException, row: Row) -> str | None:
        """The header of the one source column holding the value an error is about (a key a
        lookup table lacks carries it as ``value``), for ``file:row:column``."""
        for bad in getattr(exc, "candidates", None) or (getattr(exc, "value", None),):  # the first found wins
            if bad is None:
                continue
            found = [n for (n, _), v in zip(self.plan.source_columns, row) if v is not None and v == bad]
            if len(found) == 1:
                return self.headers.get(found[0], found[0])
        return None


def _fill(message: str, values: dict[str, str]) -> str:
    """Put parameter values into a check message: ``{reward_min}`` → ``100.00``."""
    import re

    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), message)


def make_sort_key(plan: OutputPlan, names: Sequence[str]) -> Callable[[Row], Any]:
    cols = [n for n, _ in plan.source_columns]
    idx = [cols.index(n) for n in names]
    return lambda row: sort_key(tuple(row[i] for i in idx))
