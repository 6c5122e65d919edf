"""Run a policy over CSV files and write its outputs: the library side of ``cspolicy run``.

Outputs are all or nothing: CSV and JSON files are written to temporary files beside their
targets and renamed into place only when every row of every input was accepted; output to
stdout is spooled and printed only then. A rejected cell at row 900 000, a full disk or
Ctrl-C leave no file created or changed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from cspolicy.errors import UsageError
from cspolicy.plan import OutputPlan
from cspolicy.policy import Policy
from cspolicy.run import Prepared, RunSettings, execute, prepare
from cspolicy.tables import AtomicFiles, CsvSink, csv_encoding, read_table, render_table, write_json
from cspolicy.trace import Trace
from cspolicy.values import ColumnType, Value

__all__ = ["run_files", "RunReport", "bind_inputs", "FORMATS"]

FORMATS = ("table", "csv", "json")


@dataclass
class RunReport:
    """What a file run did: rows written per output, files written, explanations."""

    rows: dict[str, int] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)


def bind_inputs(policy: Policy, files: Sequence[str]) -> dict[str, str]:
    """``NAME=FILE`` or bare ``FILE`` arguments → input name → path."""
    out: dict[str, str] = {}
    names = list(policy.inputs)
    for arg in files:
        name, sep, path = arg.partition("=")
        if sep and name in policy.inputs:
            pass
        elif len(names) == 1:
            name, path = names[0], arg
        else:
            raise UsageError(f"'{arg}': say which input this file is, as NAME=FILE",
                             expected=f"one of: {', '.join(names)}")
        if name in out:
            raise UsageError(f"input '{name}' given twice")
        out[name] = path
    missing = [n for n in names if n not in out]
    if missing:
        raise UsageError(f"no file given for input {', '.join(repr(m) for m in missing)}",
                         expected=f"FILE arguments for: {', '.join(names)} (as NAME=FILE)")
    return out


class _CountingSink:
    def __init__(self, sink: Any) -> None:
        self.sink, self.count = sink, 0

    def write(self, row: tuple[Value, ...]) -> None:
        self.count += 1
        self.sink.write(row)


class _ListSink:
    def __init__(self) -> None:
        self.rows: list[tuple[Value, ...]] = []

    def write(self, row: tuple[Value, ...]) -> None:
        self.rows.append(row)


def _visible(plan: OutputPlan) -> tuple[list[int], list[tuple[str, ColumnType]]]:
    idx = [i for i, c in enumerate(plan.columns) if not c.hidden]
    return idx, [(plan.columns[i].name, plan.columns[i].ctype) for i in idx]


class _Project:
    """Drops hidden columns before a sink sees a row."""

    def __init__(self, idx: list[int], sink: Any, width: int) -> None:
        self.idx, self.sink = idx, sink
        self.all = idx == list(range(width))

    def write(self, row: tuple[Value, ...]) -> None:
        self.sink.write(row if self.all else tuple(row[i] for i in self.idx))


def run_files(
    policy: Policy,
    inputs: Mapping[str, str | os.PathLike[str]],
    *,
    settings: RunSettings | None = None,
    output: str | os.PathLike[str] | None = None,
    fmt: str | None = None,
    only: Sequence[str] = (),
    explain: str | None = None,
    encoding: str | None = None,
    bom: bool = True,
    stdout: TextIO | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Evaluate ``policy`` over CSV files and write its outputs.

    ``output`` is a directory (one ``<output>.csv`` per output), a ``.json`` file (one
    document), a ``.csv`` file (one output) or ``None`` for ``stdout`` in ``fmt``
    (``table`` by default). With ``explain``, the matching rows' explanations are printed
    to ``stdout`` (instead of the tables when there is no ``output``).
    Raises :class:`~cspolicy.errors.DataError` (nothing written) or
    :class:`~cspolicy.errors.UsageError`.
    """
    settings = settings or RunSettings()
    stdout = stdout or sys.stdout
    selected = list(only) or list(policy.outputs)
    for name in selected:
        if name not in policy.outputs:
            raise UsageError(f"--only {name}: no output named '{name}'", expected=f"one of: {', '.join(policy.outputs)}")
    target = None if output is None else Path(output)
    kind = _output_kind(target, fmt, selected)
    prep = prepare(policy, settings, explain=explain)
    report = RunReport()
    names: dict[str, str] = {}
    from cspolicy.errors import ErrorCollector

    tables = {}
    for table, path in inputs.items():
        spec = policy.inputs[table]
        t = read_table(path, spec, encoding=encoding, errors=prep.errors,
                       progress=(lambda n, total=os.path.getsize(path): progress(n, total)) if progress else None)
        tables[table] = t
        names[table] = t.name
    del ErrorCollector
    if kind == "dir":
        assert target is not None
        target.mkdir(parents=True, exist_ok=True)
        with AtomicFiles() as files:
            for name in selected:
                plan = policy.outputs[name]
                idx, cols = _visible(plan)
                path = target / f"{name}.csv"
                sink = CsvSink(files.open(path, encoding=csv_encoding(bom)), cols)
                sink.write_header()
                counting = _CountingSink(sink)
                prep.nodes[name].sinks.append(_Project(idx, counting, len(plan.columns)))
                report.rows[name] = 0
                report.written.append(path)
                setattr(counting, "_name", name)
                prep.nodes[name]._counter = counting  # type: ignore[attr-defined]
            _execute(prep, tables, names)
        for name in selected:
            report.rows[name] = prep.nodes[name]._counter.count  # type: ignore[attr-defined]
    elif kind in ("csvfile", "csvout"):
        plan = policy.outputs[selected[0]]
        idx, cols = _visible(plan)
        if kind == "csvfile":
            assert target is not None
            with AtomicFiles() as files:
                sink = CsvSink(files.open(target, encoding=csv_encoding(bom)), cols)
                sink.write_header()
                counting = _CountingSink(sink)
                prep.nodes[plan.name].sinks.append(_Project(idx, counting, len(plan.columns)))
                _execute(prep, tables, names)
            report.written.append(target)
        else:
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
                sink = CsvSink(spool, cols)
                sink.write_header()
                counting = _CountingSink(sink)
                prep.nodes[plan.name].sinks.append(_Project(idx, counting, len(plan.columns)))
                _execute(prep, tables, names)
                if explain is None:
                    spool.seek(0)
                    shutil.copyfileobj(spool, stdout)
        report.rows[plan.name] = counting.count
    else:  # json file, json stdout, table stdout: rows are held until the run succeeded
        lists: dict[str, _ListSink] = {}
        for name in selected:
            plan = policy.outputs[name]
            idx, _cols = _visible(plan)
            lists[name] = _ListSink()
            prep.nodes[name].sinks.append(_Project(idx, lists[name], len(plan.columns)))
        _execute(prep, tables, names)
        docs = {name: (_visible(policy.outputs[name])[1], lists[name].rows) for name in selected}
        report.rows = {name: len(lists[name].rows) for name in selected}
        if kind == "jsonfile":
            assert target is not None
            with AtomicFiles() as files:
                write_json(files.open(target, encoding="utf-8"), docs)
            report.written.append(target)
        elif explain is None:
            if kind == "jsonout":
                write_json(stdout, docs)
            else:
                parts = []
                for name, (cols, rows) in docs.items():
                    title = f"{name} ({len(rows)} row{'s' if len(rows) != 1 else ''})"
                    parts.append(title + "\n" + render_table(cols, rows))
                stdout.write("\n\n".join(parts) + "\n")
    report.traces = prep.traces
    if explain is not None:
        if not prep.traces:
            keys = {n: list(p.key or p.group_by or ()) for n, p in policy.outputs.items()}
            raise UsageError(f"--explain {explain}: no row has that key",
                             expected="a value of a key column: " + "; ".join(
                                 f"{n}: {', '.join(k)}" for n, k in keys.items() if k))
        stdout.write("\n\n".join(t.render() for t in prep.traces) + "\n")
    return report


def _execute(prep: Prepared, tables: Mapping[str, Any], names: Mapping[str, str]) -> None:
    execute(prep, {name: t.rows() for name, t in tables.items()}, names)


def _output_kind(target: Path | None, fmt: str | None, selected: list[str]) -> str:
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'", expected=", ".join(FORMATS))
    if target is None:
        fmt = fmt or "table"
        if fmt == "csv":
            if len(selected) != 1:
                raise UsageError("CSV on stdout holds one output; this run has " + ", ".join(selected),
                                 expected="--only OUTPUT, or -o DIR for one file per output")
            return "csvout"
        return "jsonout" if fmt == "json" else "tableout"
    suffix = target.suffix.lower()
    if suffix == ".json" or fmt == "json":
        if fmt not in (None, "json"):
            raise UsageError(f"-o {target}: a .json file cannot hold format {fmt}")
        return "jsonfile"
    if suffix == ".csv":
        if len(selected) != 1:
            raise UsageError(f"-o {target}: one CSV file holds one output; this run has " + ", ".join(selected),
                             expected="--only OUTPUT, or -o DIR for one file per output")
        return "csvfile"
    if fmt == "table":
        raise UsageError("--format table prints to the terminal", expected="no -o, or --format csv/json")
    if target.exists() and not target.is_dir():
        raise UsageError(f"-o {target}: exists and is not a directory", expected="a directory, a .csv or a .json path")
    return "dir"


IO  # re-exported for typing users
