"""Joins at run time: a held side in memory by key, the rows that stream past it, and the
order in which inputs must be read.

The held side (an input, or an earlier output such as per-employee totals of an events file)
is kept as one dict from key to row: memory is the held side only. Each streamed row looks
its key up once and gains the held row's chosen columns (left: blanks when nothing
matches; inner: the row is dropped; lookup: no match is an input error at the row's
``file:row:column``). A held side must have one row per key: an input declares its unique
``key`` (checked by :func:`unique_rows` as it is read), an output with two rows for a key is
an error when the second arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from cspolicy.errors import DataError, ErrorCollector
from cspolicy.planner.plan import JoinPlan, OutputPlan
from cspolicy.tables.writer import format_value
from cspolicy.values import ColumnType, Value

__all__ = ["Held", "unique_rows", "make_join", "input_order", "early_inputs", "root_input"]

Row = tuple[Value, ...]


def _shown(key: tuple[Value, ...], types: Sequence[ColumnType]) -> str:
    return " / ".join(format_value(v, t) for v, t in zip(key, types, strict=True))


class Held:
    """One table held in memory for joins, by the values of its ``on`` columns."""

    def __init__(self, name: str, columns: Sequence[tuple[str, ColumnType]], on: Sequence[str], errors: ErrorCollector) -> None:
        self.name = name
        names = [n for n, _ in columns]
        self.names = names
        self._idx = [names.index(k) for k in on]
        self._types = [columns[i][1] for i in self._idx]
        self.on = tuple(on)
        self.errors = errors
        self.rows: dict[tuple[Value, ...], Row] = {}
        self.complete = False

    def add(self, row: Row) -> None:
        """Take one row of the held side (a writer of an output, or an input's rows)."""
        key = tuple(row[i] for i in self._idx)
        if key in self.rows:
            self.errors.add(
                DataError(
                    f"output '{self.name}' has two rows for {', '.join(self.on)} '{_shown(key, self._types)}'",
                    expected="one row per key in a joined output (group it by the join's 'on' columns)",
                )
            )
            return
        self.rows[key] = row


def unique_rows(
    rows: Iterable[tuple[int, Row]],
    key_idx: Sequence[int],
    types: Sequence[ColumnType],
    file: str,
    headers: Sequence[str],
    errors: ErrorCollector,
) -> Iterator[tuple[int, Row]]:
    """Pass an input's rows on, refusing a row whose declared key repeats an earlier row's:
    ``staff.csv:7:工号: 'E001' appears again; first at row 3``. Memory: one entry per row
    (declare keys on master lists, not on event logs)."""
    seen: dict[tuple[Value, ...], int] = {}
    for rowno, row in rows:
        key = tuple(row[i] for i in key_idx)
        first = seen.setdefault(key, rowno)
        if first != rowno and None not in key:
            errors.add(
                DataError(
                    f"'{_shown(key, types)}' appears again; first at row {first}",
                    file=file,
                    row=rowno,
                    column=" / ".join(headers),
                    value=_shown(key, types),
                    expected="each key once (the input's declared key)",
                )
            )
            continue
        yield rowno, row


def make_join(
    plan: OutputPlan, held: Sequence[Held], errors: ErrorCollector, where: Callable[[], tuple[str, Mapping[str, str]]]
) -> Callable[[Row, int], Row | None]:
    """The function that extends one source row of ``plan`` by its joins (``held``, one per
    join), or returns None for a row dropped (inner) or rejected (lookup, reported to
    ``errors``). ``where()`` gives the file and the column headers, known once a run starts."""
    names = [n for n, _ in plan.source_columns]
    steps: list[tuple[JoinPlan, Held, list[int], list[int], tuple[None, ...]]] = []
    for j, h in zip(plan.joins, held, strict=True):
        on_idx = [names.index(k) for k in j.on]
        take = [h.names.index(theirs) for _, theirs, _ in j.columns]
        steps.append((j, h, on_idx, take, (None,) * len(take)))

    def join(row: Row, origin: int) -> Row | None:
        for j, h, on_idx, take, blanks in steps:
            key = tuple(row[i] for i in on_idx)
            match = None if None in key else h.rows.get(key)
            if match is not None:
                row = (*row, *(match[i] for i in take))
            elif j.how == "left":
                row = (*row, *blanks)
            elif j.how == "inner":
                return None
            else:
                errors.add(_miss(plan, j, key, origin, names, where))
                return None
        return row

    return join


def _miss(
    plan: OutputPlan,
    j: JoinPlan,
    key: tuple[Value, ...],
    origin: int,
    names: Sequence[str],
    where: Callable[[], tuple[str, Mapping[str, str]]],
) -> DataError:
    file, headers = where()
    types = [plan.source_columns[names.index(k)][1] for k in j.on]
    shown = _shown(key, types)
    return DataError(
        f"'{shown}' is not found in '{j.side}'" if None not in key else f"a blank key cannot be looked up in '{j.side}'",
        file=file,
        row=origin or None,
        column=" / ".join(headers.get(k, k) for k in j.on),
        value=shown,
        expected=f"a value of {', '.join(j.on)} that '{j.side}' has (output '{plan.name}' looks each row up)",
    )


def root_input(plans: Mapping[str, OutputPlan], name: str) -> str:
    """The input whose rows an output is computed from, following ``from`` back."""
    plan = plans[name]
    while not plan.source_is_input:
        plan = plans[plan.source]
    return plan.source


def _edges(plans: Mapping[str, OutputPlan]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Which inputs each input's outputs need first: (held inputs, inputs of held outputs)."""
    held: dict[str, set[str]] = {}
    outs: dict[str, set[str]] = {}
    for name, plan in plans.items():
        mine = root_input(plans, name)
        for j in plan.joins:
            if j.side_is_input:
                held.setdefault(mine, set()).add(j.side)
            else:
                outs.setdefault(mine, set()).add(root_input(plans, j.side))
    return held, outs


def early_inputs(plans: Mapping[str, OutputPlan], inputs: Sequence[str]) -> list[str]:
    """The held inputs that must be read ahead of the others: an input joined directly (a
    staff list that events look up) whose own outputs need, directly or not, the input that
    joins it (the staff's scores join the events' totals). Such an input is read first into
    its held sides, its rows kept in memory, and replayed to its own outputs in its turn.

    >>> from cspolicy.planner.plan import JoinPlan, OutputPlan
    >>> ev = OutputPlan("ev", "events", True, (), (), joins=(JoinPlan("staff", True, ("id",), "lookup", (), None),))
    >>> tot = OutputPlan("tot", "ev", False, (), ())
    >>> sc = OutputPlan("sc", "staff", True, (), (), joins=(JoinPlan("tot", False, ("id",), "left", (), None),))
    >>> early_inputs({"ev": ev, "tot": tot, "sc": sc}, ["events", "staff"])
    ['staff']
    """
    held, outs = _edges(plans)

    def reaches(start: str, goal: str) -> bool:
        seen: set[str] = set()
        todo = [start]
        while todo:
            t = todo.pop()
            if t == goal:
                return True
            if t not in seen:
                seen.add(t)
                todo.extend(held.get(t, set()) | outs.get(t, set()))
        return False

    early = {x for mine, sides in held.items() for x in sides if x != mine and reaches(x, mine)}
    return [t for t in inputs if t in early]


def input_order(plans: Mapping[str, OutputPlan], inputs: Sequence[str]) -> list[str]:
    """``inputs`` in an order that reads every join's held side before the rows that use it
    (otherwise as given); an input read ahead (:func:`early_inputs`) needs nothing first as a
    held side. The policy loader has refused cycles of held outputs."""
    held, outs = _edges(plans)
    early = set(early_inputs(plans, inputs))
    needs = {t: (held.get(t, set()) - early) | outs.get(t, set()) for t in {*held, *outs}}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(table: str) -> None:
        if table in order or table in visiting:  # a cycle was refused at load
            return
        visiting.add(table)
        for other in sorted(needs.get(table, ())):
            visit(other)
        order.append(table)

    for table in inputs:
        visit(table)
    return [t for t in order if t in inputs]
