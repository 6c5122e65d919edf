"""Consistency across a run's inputs: unknown keys, repeated rows, dates outside the period.

A policy's ``consistency:`` section names checks that look at several input files (or one
file as a whole) before anything is computed:

* ``known``: every row of an input names a row of another (a person in the events, the
  attendance or the offences who is not in the staff list);
* ``unique``: no two rows of an input have the same values in some columns (a person twice
  in the staff list);
* ``in_period``: every date of a column lies within the run's ``--period`` (checked only when
  the run has one).

Each problem names ``file:row:column`` and the value. ``problems: error`` (the default)
rejects the run (exit 1) listing them all; ``problems: warning`` reports them as warnings
and the run goes on. Only the columns the checks read are converted (a second, light pass
over each file involved); a cell that cannot be read is left to the run, which says why.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cspolicy.errors import DataError, DataErrors, ErrorCollector
from cspolicy.tables.spec import ColumnSpec, TableSpec
from cspolicy.values import ColumnType, Value

if TYPE_CHECKING:
    from cspolicy.notes import Warnings
    from cspolicy.periods import Period
    from cspolicy.schema.models import Consistency
    from cspolicy.schema.source import Document

__all__ = ["ConsistencyPlan", "build_consistency", "check_consistency", "report", "file_source", "memory_source", "Source"]

#: For one input: its file name, each column's header in the file, and its typed rows.
Opened = tuple[str, Mapping[str, str], Iterable[tuple[int, tuple[Value, ...]]]]
#: Opens one input for the columns of ``spec`` (None when the run has no such input).
Source = Callable[[str, TableSpec], Opened | None]


@dataclass(frozen=True)
class ConsistencyPlan:
    """The checks of a policy's ``consistency:`` section, with their names checked."""

    severity: str
    known: tuple[tuple[str, tuple[str, ...], str], ...]
    unique: tuple[tuple[str, tuple[str, ...]], ...]
    in_period: tuple[tuple[str, str], ...]
    #: Each input involved, with only the columns the checks read.
    specs: dict[str, TableSpec]


def build_consistency(section: Consistency, doc: Document, inputs: Mapping[str, TableSpec]) -> ConsistencyPlan:
    """Check that every input and column named exists (``inputs``: every file input of the
    policy, a bundle's components' too); a wrong name is a policy error at its line."""
    wanted: dict[str, list[str]] = {}

    def need(path: tuple[str | int, ...], table: str, columns: Iterable[str]) -> None:
        if table not in inputs:
            raise doc.error(path, f"no input named '{table}'", f"one of: {', '.join(inputs)}")
        names = [c.name for c in inputs[table].columns]
        for column in columns:
            if column not in names:
                raise doc.error(path, f"input '{table}' has no column '{column}'", f"one of: {', '.join(names)}")
            if column not in wanted.setdefault(table, []):
                wanted[table].append(column)

    base = ("consistency",)
    for i, k in enumerate(section.known):
        need((*base, "known", i), k.input, k.columns)
        need((*base, "known", i), k.in_, k.columns)
    for i, u in enumerate(section.unique):
        need((*base, "unique", i), u.input, u.columns)
    for i, p in enumerate(section.in_period):
        need((*base, "in_period", i), p.input, [p.column])
        if inputs[p.input].column(p.column).type not in (ColumnType.DATE, ColumnType.DATETIME):
            raise doc.error(
                (*base, "in_period", i), f"column '{p.column}' of '{p.input}' is not a date", "a date or datetime column"
            )
    keyed = {(k.input, c) for k in section.known for c in k.columns} | {(k.in_, c) for k in section.known for c in k.columns}
    keyed |= {(u.input, c) for u in section.unique for c in u.columns}

    def spec_of(table: str, column: str) -> ColumnSpec:
        # a text column compared across rows is a key: read in one written form (e001 is E001)
        col = inputs[table].column(column)
        return replace(col, key=True) if (table, column) in keyed and col.type is ColumnType.TEXT else col

    specs = {
        table: TableSpec(table, tuple(spec_of(table, c) for c in cols), optional=inputs[table].optional)
        for table, cols in wanted.items()
    }
    return ConsistencyPlan(
        section.problems,
        tuple((k.input, tuple(k.columns), k.in_) for k in section.known),
        tuple((u.input, tuple(u.columns)) for u in section.unique),
        tuple((p.input, p.column) for p in section.in_period),
        specs,
    )


def _shown(values: tuple[Value, ...]) -> str:
    return " / ".join("" if v is None else str(v) for v in values)


def check_consistency(plan: ConsistencyPlan, source: Source, period: Period | None, *, limit: int = 50) -> ErrorCollector:
    """Every problem found (at most ``limit`` kept, all counted).

    Files (:func:`file_source`) are first looked at quickly (:func:`_no_problem_in_files`):
    when that finds nothing, there is nothing; otherwise they are read again row by row,
    which names every problem with its row."""
    found = ErrorCollector(limit)
    if isinstance(source, _FileSource) and _no_problem_in_files(plan, source, period):
        return found
    opened: dict[str, Opened | None] = {}

    def open_(table: str) -> Opened | None:
        if table not in opened:
            opened[table] = source(table, plan.specs[table])
        return opened[table]

    # the known keys of each referenced input first (staff: small)
    keys: dict[tuple[str, tuple[str, ...]], tuple[str, set[tuple[Value, ...]]]] = {}
    for _, columns, ref in plan.known:
        if (ref, columns) in keys:
            continue
        got = open_(ref)
        if got is None:
            continue
        file, _, rows = got
        idx = [[c.name for c in plan.specs[ref].columns].index(c) for c in columns]
        seen = {tuple(row[i] for i in idx) for _, row in rows}
        keys[(ref, columns)] = (file, seen)
    for table, spec in plan.specs.items():
        rules_known = [(columns, ref) for t, columns, ref in plan.known if t == table and (ref, columns) in keys]
        rules_unique = [columns for t, columns in plan.unique if t == table]
        rules_period = [c for t, c in plan.in_period if t == table] if period is not None else []
        if not (rules_known or rules_unique or rules_period):
            continue
        opened.pop(table, None)  # read again: a referenced input may be checked too
        got = open_(table)
        if got is None:
            continue
        file, headers, rows = got
        names = [c.name for c in spec.columns]
        known = [([names.index(c) for c in columns], columns, ref, *keys[(ref, columns)]) for columns, ref in rules_known]
        unique: list[tuple[list[int], tuple[str, ...], dict[tuple[Value, ...], int]]] = [
            ([names.index(c) for c in columns], columns, {}) for columns in rules_unique
        ]
        dated = [(names.index(c), c) for c in rules_period]
        for number, row in rows:
            for idx, columns, ref, ref_file, seen in known:
                key = tuple(row[i] for i in idx)
                if None not in key and key not in seen:
                    found.add(
                        DataError(
                            f"'{_shown(key)}' is not in {ref} ({ref_file})",
                            file=file,
                            row=number,
                            column=headers.get(columns[0], columns[0]),
                        )
                    )
            for idx, columns, first in unique:
                key = tuple(row[i] for i in idx)
                if None in key:
                    continue
                earlier = first.setdefault(key, number)
                if earlier != number:
                    found.add(
                        DataError(
                            f"'{_shown(key)}' repeats row {earlier}",
                            file=file,
                            row=number,
                            column=headers.get(columns[0], columns[0]),
                        )
                    )
            for i, column in dated:
                value = row[i]
                day = value.date() if isinstance(value, dt.datetime) else value
                assert period is not None
                if isinstance(day, dt.date) and not period.start <= day <= period.end:
                    found.add(
                        DataError(
                            f"{day.isoformat()} is outside the period {period}",
                            file=file,
                            row=number,
                            column=headers.get(column, column),
                        )
                    )
    return found


def report(plan: ConsistencyPlan, problems: ErrorCollector, warnings: Warnings | None) -> None:
    """Raise the problems (``problems: error``) or note them as ``warnings`` (when given:
    a run checks first and notes them once its warnings exist)."""
    if not problems:
        return
    if plan.severity == "error":
        raise DataErrors(problems.errors, truncated=problems.count - len(problems.errors))
    if warnings is None:
        return
    for p in problems.errors:
        warnings.add(p.message, file=p.file, row=p.row, column=p.column)
    if problems.count > len(problems.errors):
        warnings.add(f"… and {problems.count - len(problems.errors)} more consistency problems")


class _FileSource:
    """Opens inputs from files (``paths`` by input name) for the checks."""

    def __init__(self, paths: Mapping[str, Any], encoding: str | None) -> None:
        self.paths, self.encoding = paths, encoding

    def table(self, table: str, spec: TableSpec) -> Any:
        """The input's :class:`~cspolicy.tables.Table` for the columns of ``spec``, or None."""
        from cspolicy.tables import read_table

        path = self.paths.get(table)
        if path is None:
            return None
        return read_table(path, spec, encoding=self.encoding, errors=ErrorCollector(0))  # bad cells: the run says

    def __call__(self, table: str, spec: TableSpec) -> Opened | None:
        t = self.table(table, spec)
        if t is None:
            return None
        return t.name, {c: t.headers[i] for c, i in t.header_map.items()}, t.rows()


def file_source(paths: Mapping[str, Any], *, encoding: str | None = None) -> Source:
    """Open inputs from files (``paths`` by input name) for the checks."""
    return _FileSource(paths, encoding)


def _no_problem_in_files(plan: ConsistencyPlan, source: _FileSource, period: Period | None) -> bool:
    """True when the checks certainly find nothing in these files; False when they may find
    something or a file is not plain CSV (then :func:`check_consistency` reads them row by row).

    No row is converted: each check's columns are read as the distinct raw cells of every
    record (one pass of the CSV reader per group of columns, collected in C), and each
    distinct cell is converted once, as the run's reader converts it. These records are a
    superset of the rows the careful checks look at (which also skip blank records, rows
    with a bad cell and records over several lines), so when none of their values is a
    problem, none of the rows' is. Any cell that cannot be converted, a record too short,
    a key not known or repeated, a date outside the period: False."""
    from cspolicy.tables import Table

    groups: dict[str, dict[tuple[str, ...], bool]] = {}  # table -> column group -> counted (unique)
    for table, columns, ref in plan.known:
        groups.setdefault(table, {}).setdefault(columns, False)
        groups.setdefault(ref, {}).setdefault(columns, False)
    for table, columns in plan.unique:
        groups.setdefault(table, {})[columns] = True
    if period is not None:
        for table, column in plan.in_period:
            groups.setdefault(table, {}).setdefault((column,), False)
    # table -> column group -> {converted key: count (1 where not counted)}
    values: dict[str, dict[tuple[str, ...], dict[tuple[Value, ...], int]]] = {}
    for table, wanted in groups.items():
        t = source.table(table, plan.specs[table])
        if t is None:
            continue  # an input not given: the careful checks skip it too
        if type(t) is not Table:  # a workbook's sheet: read row by row
            return False
        found = _converted(t, wanted)
        if found is None:
            return False
        values[table] = found
    for table, columns, ref in plan.known:
        if table in values and ref in values:
            seen = values[ref][columns]
            if any(None not in key and key not in seen for key in values[table][columns]):
                return False
    for table, columns in plan.unique:
        if table in values and any(None not in key and n > 1 for key, n in values[table][columns].items()):
            return False
    if period is not None:
        for table, column in plan.in_period:
            for (value,) in values.get(table, {}).get((column,), ()):
                day = value.date() if isinstance(value, dt.datetime) else value
                if isinstance(day, dt.date) and not period.start <= day <= period.end:
                    return False
    return True


def _converted(table: Any, groups: Mapping[tuple[str, ...], bool]) -> dict[tuple[str, ...], dict[tuple[Value, ...], int]] | None:
    """For each group of columns of ``table``: its distinct converted values, each with how
    often its raw cells occur when ``groups[columns]`` (else 1; equal values of different
    cells add up); None when the file cannot be read so or a cell cannot be converted."""
    plan = {col.name: (index, conv) for index, conv, col in table.row_plan()}
    places = {columns: [plan[c][0] for c in columns] for columns in groups}
    indexes = {columns: [i for i in p if i is not None] for columns, p in places.items()}
    raw = _raw_cells(table, [(indexes[c], counted) for c, counted in groups.items()])
    if raw is None:
        return None
    out: dict[tuple[str, ...], dict[tuple[Value, ...], int]] = {}
    memo: dict[str, dict[str, Value]] = {}
    try:
        for columns, found in zip(groups, raw):
            single = len(indexes[columns]) == 1
            result: dict[tuple[Value, ...], int] = {}
            for cells, n in found.items():
                it = iter((cells,) if single else cells)
                key: list[Value] = []
                for c, index in zip(columns, places[columns]):
                    cell = "" if index is None else next(it)
                    known = memo.setdefault(c, {})
                    if cell not in known:
                        known[cell] = plan[c][1](cell)
                    key.append(known[cell])
                k = tuple(key)
                result[k] = result.get(k, 0) + n
            out[columns] = result
    except Exception:  # a cell that cannot be read (CellError, or anything odd): the careful checks say
        return None
    return out


def _raw_cells(table: Any, wanted: list[tuple[list[int], bool]]) -> list[Mapping[Any, int]] | None:
    """For each (file indexes, counted) of ``wanted``: the distinct cells at those indexes
    of every record (a str for one index, a tuple for several), each with its count when
    counted (else 1). The groups not counted share one pass of the CSV reader (split with
    ``itertools.tee`` and drained together: all in C); each counted one has its own pass.
    None when a record is too short, the quoting is odd or a byte cannot be decoded."""
    import csv
    import itertools
    import operator

    def getter(idx: list[int]) -> Callable[[list[str]], Any]:
        return operator.itemgetter(*idx) if idx else (lambda _cells: ())

    found: list[Mapping[Any, int]] = [{} for _ in wanted]
    shared = [(n, idx) for n, (idx, counted) in enumerate(wanted) if not counted]
    try:
        if shared:
            with table.raw_cells() as reader:
                records = filter(None, reader)  # (an empty line is no record: [])
                branches = itertools.tee(records, len(shared)) if len(shared) > 1 else (records,)
                seen = [set[Any]() for _ in shared]
                collections.deque(
                    zip(*(map(s.add, map(getter(idx), b)) for s, (_, idx), b in zip(seen, shared, branches))), maxlen=0
                )
            for s, (n, _) in zip(seen, shared):
                found[n] = dict.fromkeys(s, 1)
        for n, (idx, counted) in enumerate(wanted):
            if counted:
                with table.raw_cells() as reader:
                    found[n] = Counter(map(getter(idx), filter(None, reader)))
    except (IndexError, csv.Error, UnicodeError, OSError):  # a short record, odd quoting, bad bytes
        return None
    return found


def memory_source(tables: Mapping[str, Any]) -> Source:
    """Open inputs given to :func:`~cspolicy.engine.run.evaluate` as rows (dicts) for the checks."""
    from cspolicy.tables.convert import fold
    from cspolicy.tables.records import read_records

    def open_(table: str, spec: TableSpec) -> Opened | None:
        rows = tables.get(table)
        if not isinstance(rows, list):
            return None
        names = {fold(h): c.name for c in spec.columns for h in c.headers}
        records = ({names[fold(k)]: v for k, v in r.items() if isinstance(k, str) and fold(k) in names} for r in rows)
        return table, {}, read_records(records, spec, name=table, errors=ErrorCollector(0))

    return open_
