"""Running a bundle's components and handing their rows to the bundle's own run.

Each component runs as it would alone (:func:`cspolicy.engine.run.prepare` and
:func:`~cspolicy.engine.run.execute` over its own reading of the shared files, or
:func:`~cspolicy.engine.run.evaluate` over the shared rows), with its own parameters and the
``--set COMPONENT.NAME=VALUE`` values meant for it; so its figures in the bundle are exactly
its figures alone. Only the rows of the outputs the bundle uses are kept (one per person or
group, normally: small), as :class:`MemoryTable` tables the bundle reads like input files.

Its explanations, when a key is explained, follow the bundle's own as
:class:`ComponentTrace` (the component's explanation under a heading naming it); its
warnings join the bundle's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cspolicy.errors import UsageError
from cspolicy.explain.model import Explanation, Line
from cspolicy.explain.trace import Trace
from cspolicy.i18n import Lang
from cspolicy.notes import Warnings
from cspolicy.planner.bundles import Component, file_inputs, is_component_table, split_overrides
from cspolicy.planner.policy import Policy
from cspolicy.tables.spec import TableSpec
from cspolicy.values import Value

__all__ = [
    "MemoryTable",
    "ComponentTrace",
    "ComponentRows",
    "run_components",
    "evaluate_components",
    "own_traces",
    "bundle_period",
]

Row = tuple[Value, ...]


class MemoryTable:
    """Rows already computed (a component's output), read like an input table."""

    def __init__(self, spec: TableSpec, rows: list[Row]) -> None:
        self.spec = spec
        self.name = self.path = spec.name
        self.headers = tuple(c.name for c in spec.columns)
        self.header_map = {c.name: i for i, c in enumerate(spec.columns)}
        self.ignored_headers: tuple[str, ...] = ()
        self.size = 0
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self) -> Iterator[tuple[int, Row]]:
        """``(row number, values)``, numbered as a file's rows would be (from 2)."""
        return enumerate(self._rows, 2)

    @contextlib.contextmanager
    def raw_cells(self) -> Iterator[Iterator[list[str]]]:
        """The rows as text cells (for explanations that show a source row's cells)."""
        from cspolicy.expressions import format_plain

        types = [c.type for c in self.spec.columns]
        yield ([("" if v is None else format_plain(v, t)) for v, t in zip(row, types)] for row in self._rows)


@dataclass
class ComponentTrace(Trace):
    """A component's explained row, shown under a heading naming the component."""

    component: str = ""

    def explanation(self, lang: Lang = "en") -> Explanation:
        base = super().explanation(lang)
        title = self.policy.labels.title.text(lang)
        heading = f"组成部分 {self.component}（{title}）：" if lang == "zh" else f"from component {self.component} ({title}):"
        lines = (Line(heading, 0, "heading"), *(dataclasses.replace(line, depth=line.depth + 1) for line in base.lines))
        return Explanation(f"{self.component}.{base.output}", base.key, lang, lines)


def _wrap(component: str, trace: Trace) -> ComponentTrace:
    wrapped = ComponentTrace.__new__(ComponentTrace)
    wrapped.__dict__.update(trace.__dict__)
    wrapped.component = component
    return wrapped


def own_traces(traces: Iterable[Trace]) -> list[Trace]:
    """A bundle's traces without those of the outputs that only repeat a component's rows
    (the component's own explanation of them follows)."""
    return [t for t in traces if not is_component_table(t.output)]


@dataclass
class ComponentRows:
    """What the components of one run gave: each used output's rows (by the bundle's name
    for it), their explanations and warnings."""

    tables: dict[str, MemoryTable] = field(default_factory=dict)
    traces: list[Trace] = field(default_factory=list)
    warnings: Warnings = field(default_factory=Warnings)

    def add_warnings(self, component: str, notes: Warnings) -> None:
        for note in notes:
            output = None if note.output is None else f"{component}.{note.output}"
            for _ in range(note.count):
                self.warnings.add(
                    note.message, file=note.file, row=note.row, column=note.column, output=output, key=note.key, rule=note.rule
                )

    def merge_into(self, warnings: Warnings) -> None:
        """Add the components' warnings to the bundle's."""
        for note in self.warnings:
            for _ in range(note.count):
                warnings.add(
                    note.message,
                    file=note.file,
                    row=note.row,
                    column=note.column,
                    output=note.output,
                    key=note.key,
                    rule=note.rule,
                )


def _settings(comp: Component, settings: Any, overrides: Mapping[str, str]) -> Any:
    """The component's settings: the run's, with the ``--set`` values meant for it (checked
    here, so that a wrong one names the component: ``--set scoring.lozz``)."""
    from cspolicy.engine.run import parse_overrides

    try:
        parse_overrides(comp.policy, overrides)
    except UsageError as exc:
        message = exc.message.replace("--set ", f"--set {comp.name}.", 1)
        raise UsageError(message, expected=exc.expected) from None
    return dataclasses.replace(settings, overrides=dict(overrides))


def _visible_rows(comp: Component, output: str, rows: Iterable[Sequence[Value]]) -> list[Row]:
    idx = [i for i, c in enumerate(comp.policy.outputs[output].columns) if not c.hidden]
    return [tuple(row[i] for i in idx) for row in rows]


def run_components(
    policy: Policy,
    paths: Mapping[str, str | os.PathLike[str]],
    settings: Any,
    *,
    encoding: str | None = None,
    explain: str | None = None,
    explain_all: bool = False,
    read: dict[str, int] | None = None,
) -> ComponentRows:
    """Run every component of ``policy`` over the files ``paths`` (by input name).

    ``explain_all``: explain every row of the outputs used (a workbook's explanations);
    ``read`` receives the rows read from each file."""
    from cspolicy.engine.collect import fill_cells
    from cspolicy.engine.run import execute, prepare
    from cspolicy.tables import read_table

    _, parts = split_overrides(policy, settings.overrides)
    out = ComponentRows()
    for comp in policy.components.values():
        needs = file_inputs(comp.policy)
        mine = {n: p for n, p in paths.items() if n in needs}
        csettings = _settings(comp, settings, parts[comp.name])
        nested = None
        if comp.policy.components:
            nested = run_components(
                comp.policy, mine, csettings, encoding=encoding, explain=explain, explain_all=explain_all, read=read
            )
        given = {*mine, *(nested.tables if nested else ())}
        everything = comp.outputs if explain_all and explain is None else ()
        # as a run alone: clean files first through the fused loop, else (or at the first
        # irregular row) everything again through the careful engine
        fast = explain is None and not everything and nested is None  # (a workbook explains every row: careful)
        for attempt in ("fast", "careful") if fast else ("careful",):
            prep = prepare(comp.policy, csettings, explain=explain, outputs=comp.outputs, given=given, explain_all=everything)
            kept: dict[str, list[Sequence[Value]]] = {}
            for name in comp.outputs:
                kept[name] = []
                prep.nodes[name].writers.append(kept[name].append)
            tables: dict[str, Any] = dict(nested.tables) if nested else {}
            for table, path in mine.items():
                if table in comp.policy.inputs:
                    tables[table] = read_table(path, comp.policy.inputs[table], encoding=encoding, errors=prep.errors)
            if attempt == "fast":
                from cspolicy.engine.fastpath import run_clean

                if run_clean(prep, tables):
                    prep.raise_if_strict()
                    break
                continue
            headers = {n: {c: t.headers[i] for c, i in t.header_map.items()} for n, t in tables.items()}
            if nested is not None:
                nested.merge_into(prep.warnings)
            rows = {n: _counted(n, t, read) if n in mine else t.rows() for n, t in tables.items()}
            execute(prep, rows, {n: t.name for n, t in tables.items()}, headers)
        if prep.traces:
            fill_cells(prep.traces, tables)
        for name in comp.outputs:
            table = comp.table(name)
            out.tables[table] = MemoryTable(policy.inputs[table], _visible_rows(comp, name, kept[name]))
        out.traces += [_wrap(comp.name, t) for t in [*own_traces(prep.traces), *(nested.traces if nested else ())]]
        out.add_warnings(comp.name, prep.warnings)
    return out


def _counted(name: str, table: Any, read: dict[str, int] | None) -> Iterator[tuple[int, Row]]:
    """The rows of an input file, counted: in ``read`` (a workbook's summary) and for the
    run record (:mod:`cspolicy.engine.rows_read`) once the reader got to the end."""
    from cspolicy.engine.rows_read import note
    from cspolicy.tables import Table

    count = 0
    for item in table.rows():
        count += 1
        yield item
    if read is not None:
        read[name] = max(read.get(name, 0), count)
    if type(table) is Table and not table.errors:  # a CSV file without a bad row: the record's count
        note(table.path, count)


def evaluate_components(
    policy: Policy,
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    settings: Any,
    explain: str | None,
    evaluate: Callable[..., Any],
) -> tuple[ComponentRows, dict[str, Iterable[Mapping[str, Any]]]]:
    """Evaluate every component of ``policy`` over rows in memory; also return the tables
    the bundle itself reads (every table given is read by some part, or is refused).
    ``evaluate`` is :func:`~cspolicy.engine.in_memory.evaluate`, passed in: a component is
    evaluated as any policy is."""
    from cspolicy.engine.usage import did_you_mean
    from cspolicy.tables.convert import fold

    known = file_inputs(policy)
    if isinstance(tables, Mapping):
        for name in tables:
            if name not in known:
                hint = did_you_mean(str(name), {fold(n): n for n in known})
                raise UsageError(
                    f"evaluate(): policy '{policy.name}' has no input '{name}'{hint}",
                    expected=f"inputs: {', '.join(known)}",
                )
        # every part reads the rows: an iterator given once is read once, here
        tables = {
            n: (list(r) if isinstance(r, Iterable) and not isinstance(r, (Mapping, str, bytes)) else r) for n, r in tables.items()
        }
    else:
        return ComponentRows(), tables  # evaluate's own check says what is wrong
    _check_columns(policy, tables)
    _, parts = split_overrides(policy, settings.overrides)
    out = ComponentRows()
    for comp in policy.components.values():
        needs = file_inputs(comp.policy)
        result = evaluate(
            comp.policy,
            {n: _columns_read(r, _all_specs(comp.policy)[n]) for n, r in tables.items() if n in needs},
            settings=_settings(comp, settings, parts[comp.name]),
            explain=explain,
        )
        for name in comp.outputs:
            table = comp.table(name)
            cols = [c.name for c in comp.policy.outputs[name].visible]
            out.tables[table] = MemoryTable(policy.inputs[table], [tuple(r[c] for c in cols) for r in result.tables[name]])
        for t in result.traces:
            if isinstance(t, ComponentTrace):  # a component's component: already named
                out.traces.append(t)
            elif not is_component_table(t.output):
                out.traces.append(_wrap(comp.name, t))
        out.add_warnings(comp.name, result.warnings)
    own = {n: _columns_read(r, [policy.inputs[n]]) for n, r in tables.items() if n in policy.inputs}
    return out, own


def _all_specs(policy: Policy) -> dict[str, list[TableSpec]]:
    """Every declaration of each input a run of ``policy`` reads (its own, its components')."""
    out: dict[str, list[TableSpec]] = {}
    for name, spec in policy.inputs.items():
        if not is_component_table(name):
            out.setdefault(name, []).append(spec)
    for comp in policy.components.values():
        for name, specs in _all_specs(comp.policy).items():
            out.setdefault(name, []).extend(specs)
    return out


def _headers(specs: Sequence[TableSpec]) -> set[str]:
    from cspolicy.tables.convert import fold

    return {fold(h) for spec in specs for c in spec.columns for h in c.headers}


def _columns_read(rows: Any, specs: Sequence[TableSpec]) -> Any:
    """The rows with only the columns one part of the bundle reads: a shared table's rows
    hold every part's columns, as a shared file does (the others are checked once, by
    :func:`_check_columns`)."""
    from cspolicy.tables.convert import fold

    if not isinstance(rows, list):
        return rows
    known = _headers(specs)
    return [
        {k: v for k, v in row.items() if not isinstance(k, str) or fold(k) in known} if isinstance(row, Mapping) else row
        for row in rows
    ]


def _check_columns(policy: Policy, tables: Mapping[str, Any]) -> None:
    """A column that no part of the bundle reads is a typo, as it is for a single policy."""
    from cspolicy.engine.usage import did_you_mean
    from cspolicy.tables.convert import fold

    specs = _all_specs(policy)
    for name, rows in tables.items():
        if not isinstance(rows, list) or name not in specs:
            continue
        known = _headers(specs[name])
        for index, row in enumerate(rows):
            if not isinstance(row, Mapping):
                continue
            for key in row:
                if isinstance(key, str) and fold(key) not in known:
                    written = {fold(h): h for spec in specs[name] for c in spec.columns for h in c.headers}
                    raise UsageError(
                        f"evaluate(): tables['{name}'][{index}]: no part of '{policy.name}' reads a column {key!r}"
                        + did_you_mean(key, written),
                        expected="a column name or header of one of the policies that read this table",
                    )


def _period_column(policy: Policy) -> tuple[str, str] | None:
    """The first ``default_period`` (input, column) among the components, depth first."""
    for comp in policy.components.values():
        found = getattr(comp.policy, "default_period", None) or _period_column(comp.policy)
        if found:
            return (found[0], found[1])
    return None


def bundle_period(policy: Policy, settings: Any, source: Any) -> tuple[Any, str | None]:
    """A bundle run without ``--period`` whose component takes its month from a column
    (``default_period``) evaluates every part in that one month: the month of the latest
    date in that column, said in a warning (the note the component gives alone). ``source``
    opens an input for some columns (:mod:`cspolicy.planner.consistency`)."""
    import datetime as dt

    from cspolicy.periods import Period
    from cspolicy.tables.spec import TableSpec

    found = _period_column(policy) if settings.period is None else None
    if found is None:
        return settings, None
    table, column = found
    specs = file_inputs(policy)
    if table not in specs:
        return settings, None
    opened = source(table, TableSpec(table, (specs[table].column(column),)))
    if opened is None:
        return settings, None
    latest: Period | None = None
    for _, (value,) in opened[2]:
        if isinstance(value, dt.datetime):
            value = value.date()
        month = Period.of(value) if isinstance(value, dt.date) else value if isinstance(value, Period) else None
        if month is not None and (latest is None or month > latest):
            latest = month
    if latest is None:
        return settings, f"no --period given and no date in {table}.{column}: the period is blank, give --period YYYY-MM"
    note = f"no --period given: evaluating {latest}, the month of the latest {column} in {table} (give --period to choose)"
    return dataclasses.replace(settings, period=latest), note
