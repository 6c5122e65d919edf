"""Run a policy over CSV files and write its outputs: the library side of ``cspolicy run``.

Outputs are all or nothing: CSV and JSON files are written to temporary files beside their
targets and renamed into place only when every row of every input was accepted; output to
stdout is spooled and printed only then. A rejected cell at row 900 000, a full disk or
Ctrl-C leave no file created or changed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from cspolicy.errors import UsageError
from cspolicy.plan import OutputPlan
from cspolicy.policy import Policy
from cspolicy.run import Prepared, RunSettings, execute, prepare
from cspolicy.tables import AtomicFiles, CsvSink, Table, csv_encoding, read_table, render_table, write_json
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
            raise UsageError(f"'{arg}': say which input this file is, as NAME=FILE", expected=f"one of: {', '.join(names)}")
        if name in out:
            raise UsageError(f"input '{name}' given twice")
        out[name] = path
    missing = [n for n in names if n not in out]
    if missing:
        raise UsageError(
            f"no file given for input {', '.join(repr(m) for m in missing)}",
            expected=f"FILE arguments for: {', '.join(names)} (as NAME=FILE)",
        )
    return out


def _visible(plan: OutputPlan) -> tuple[list[int], list[tuple[str, ColumnType]]]:
    idx = [i for i, c in enumerate(plan.columns) if not c.hidden]
    return idx, [(plan.columns[i].name, plan.columns[i].ctype) for i in idx]


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
    """Evaluate ``policy`` over CSV files and write its outputs, all or nothing.

    ``output`` is a directory (one ``<output>.csv`` per output), a ``.json`` file (one
    document), a ``.csv`` file (one output), an ``.xlsx`` workbook (one sheet per output)
    or ``None`` for ``stdout`` in ``fmt`` (``table`` by default). With ``explain``, the explanations of the rows with that key
    are printed to ``stdout`` (instead of the tables when there is no ``output``).
    ``progress(bytes_read, total_bytes)`` is called now and then while reading.
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

    def start() -> tuple[Prepared, dict[str, Table]]:
        """A fresh run: parameters resolved, outputs compiled, input headers read."""
        # With --explain every output is computed, so any output's rows can be explained.
        prep = prepare(policy, settings, explain=explain, outputs=None if explain else selected)
        tables = {}
        for table, path in inputs.items():
            report_to = None if progress is None else _progress_for(path, progress)
            tables[table] = read_table(path, policy.inputs[table], encoding=encoding, errors=prep.errors, progress=report_to)
        return prep, tables

    report = RunReport()
    if kind in ("dir", "csvfile", "csvout"):
        prep = _write_csv(start, selected, kind, target, bom, stdout if explain is None else None, report, fast=progress is None)
    elif kind == "xlsxfile":
        prep, tables = start()
        _write_workbook(prep, tables, selected, target, report)
    else:
        prep, tables = start()
        _write_held(prep, tables, selected, kind, target, stdout if explain is None else None, report)
    report.traces = prep.traces
    if explain is not None:
        stdout.write("\n\n".join(t.render() for t in prep.traces) + "\n")
    return report


def _progress_for(path: str | os.PathLike[str], progress: Callable[[int, int], None]) -> Callable[[int], None]:
    from cspolicy.tables.excel_read import workbook_file

    total = os.path.getsize(workbook_file(path))  # FILE.xlsx#Sheet: the workbook's size
    return lambda done: progress(done, total)


def _write_csv(
    start: Callable[[], tuple[Prepared, dict[str, Table]]],
    selected: list[str],
    kind: str,
    target: Path | None,
    bom: bool,
    stdout: TextIO | None,
    report: RunReport,
    *,
    fast: bool,
) -> Prepared:
    """CSV outputs stream row by row into temporary files, renamed (or printed) at the end.

    A clean file first goes through the fused loop (:mod:`cspolicy.fastpath`); if that does
    not apply or meets an irregular row, the streams are emptied and the careful engine runs.
    """

    def run(streams: Mapping[str, TextIO]) -> Prepared:
        from cspolicy.fastpath import run_clean

        for attempt in ("fast", "careful") if fast else ("careful",):
            prep, tables = start()
            sinks = {}
            for name, stream in streams.items():
                stream.seek(0)
                stream.truncate()
                idx, cols = _visible(prep.policy.outputs[name])
                sink = CsvSink(stream, cols)
                sink.write_header()
                prep.nodes[name].writers.append(sink.row_writer(idx))
                sinks[name] = (sink, idx)
            if attempt == "fast":
                if run_clean(prep, tables, sinks):
                    return prep
                continue
            _execute(prep, tables)
        return prep

    if kind == "csvout":
        import shutil
        import tempfile

        with tempfile.TemporaryFile("w+", encoding=csv_encoding(bom), newline="") as spool:
            prep = run({selected[0]: spool})
            if stdout is not None:
                spool.seek(0)
                shutil.copyfileobj(spool, stdout)
    else:
        assert target is not None
        paths = {selected[0]: target} if kind == "csvfile" else {n: target / f"{n}.csv" for n in selected}
        created = kind == "dir" and not target.exists()
        if kind == "dir":
            target.mkdir(parents=True, exist_ok=True)
        try:
            with AtomicFiles() as files:
                prep = run({name: files.open(path, encoding=csv_encoding(bom)) for name, path in paths.items()})
        except BaseException:
            if created and not any(target.iterdir()):
                target.rmdir()  # a failed run leaves no trace, not even an empty directory
            raise
        report.written.extend(paths.values())
    report.rows = {name: prep.nodes[name].count for name in selected}
    return prep


def _write_held(
    prep: Prepared,
    tables: Mapping[str, Table],
    selected: list[str],
    kind: str,
    target: Path | None,
    stdout: TextIO | None,
    report: RunReport,
) -> None:
    """JSON and terminal tables hold the rows until the run has succeeded."""
    held: dict[str, list[tuple[Value, ...]]] = {name: [] for name in selected}
    for name in selected:
        prep.nodes[name].writers.append(held[name].append)
    _execute(prep, tables)
    docs = {}
    for name in selected:
        idx, cols = _visible(prep.policy.outputs[name])
        docs[name] = (cols, [tuple(row[i] for i in idx) for row in held[name]])
    report.rows = {name: len(held[name]) for name in selected}
    if kind == "jsonfile":
        assert target is not None
        with AtomicFiles() as files:
            write_json(files.open(target, encoding="utf-8"), docs)
        report.written.append(target)
    elif stdout is None:
        return
    elif kind == "jsonout":
        write_json(stdout, docs)
    else:
        parts = []
        for name, (cols, rows) in docs.items():
            title = f"{name} ({len(rows)} row{'s' if len(rows) != 1 else ''})"
            parts.append(title + "\n" + render_table(cols, rows))
        stdout.write("\n\n".join(parts) + "\n")


def _write_workbook(
    prep: Prepared, tables: Mapping[str, Table], selected: list[str], target: Path | None, report: RunReport
) -> None:
    """An .xlsx: one sheet per output, rows streamed into it, renamed into place at the end."""
    from cspolicy.tables.excel_write import WorkbookWriter, binary, sheet_names

    assert target is not None
    with AtomicFiles() as files, WorkbookWriter(binary(files.open(target, encoding="utf-8"))) as book:
        for name, sheet_name in zip(selected, sheet_names(selected)):
            idx, cols = _visible(prep.policy.outputs[name])
            prep.nodes[name].writers.append(book.add_sheet(sheet_name, cols).row_writer(idx))
        _execute(prep, tables)
    report.rows = {name: prep.nodes[name].count for name in selected}
    report.written.append(target)


def _execute(prep: Prepared, tables: Mapping[str, Table]) -> None:
    """Run, and refuse an --explain key that matched nothing before any output is committed."""
    headers = {name: {col: t.headers[i] for col, i in t.header_map.items()} for name, t in tables.items()}
    execute(prep, {name: t.rows() for name, t in tables.items()}, {name: t.name for name, t in tables.items()}, headers)
    if prep.explain_key is not None and not prep.traces:
        keys = {n: list(p.key or p.group_by or ()) for n, p in prep.policy.outputs.items()}
        raise UsageError(
            f"--explain {prep.explain_key}: no row has that key",
            expected="a value of a key column: " + "; ".join(f"{n}: {', '.join(k)}" for n, k in keys.items() if k),
        )


def _output_kind(target: Path | None, fmt: str | None, selected: list[str]) -> str:
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'", expected=", ".join(FORMATS))
    if target is None:
        fmt = fmt or "table"
        if fmt == "csv":
            if len(selected) != 1:
                raise UsageError(
                    "CSV on stdout holds one output; this run has " + ", ".join(selected),
                    expected="--only OUTPUT, or -o DIR for one file per output",
                )
            return "csvout"
        return "jsonout" if fmt == "json" else "tableout"
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        if fmt is not None:
            raise UsageError(f"-o {target}: an .xlsx file cannot hold format {fmt}", expected="no --format; the .xlsx decides")
        return "xlsxfile"
    if suffix == ".json" or fmt == "json":
        if fmt not in (None, "json"):
            raise UsageError(f"-o {target}: a .json file cannot hold format {fmt}")
        return "jsonfile"
    if suffix == ".csv":
        if len(selected) != 1:
            raise UsageError(
                f"-o {target}: one CSV file holds one output; this run has " + ", ".join(selected),
                expected="--only OUTPUT, or -o DIR for one file per output",
            )
        return "csvfile"
    if fmt == "table":
        raise UsageError("--format table prints to the terminal", expected="no -o, or --format csv/json")
    if target.exists() and not target.is_dir():
        raise UsageError(f"-o {target}: exists and is not a directory", expected="a directory, a .csv or a .json path")
    return "dir"
