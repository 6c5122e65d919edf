"""Where a run's rows go: CSV files, a JSON document, a workbook (for :func:`~cspolicy.engine.files.run_files`;
the terminal table is :mod:`cspolicy.engine.table_output`).

Memory stays flat whatever the size: CSV rows stream into the temporary files that will
replace the targets (:class:`~cspolicy.tables.AtomicFiles`), JSON items stream into one spool
file per output and make one document at the end, and the terminal table keeps only its
first ``limit`` rows per output and counts the rest.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from cspolicy.blocks.joins import early_inputs, input_order
from cspolicy.engine.collect import fill_cells
from cspolicy.engine.run import Prepared, execute, no_row_error
from cspolicy.engine.stdout import fits_stdout, write_bom_and_utf8
from cspolicy.errors import EnvironmentFailure
from cspolicy.i18n import Lang
from cspolicy.notes import JSON_KEY
from cspolicy.planner.plan import OutputPlan
from cspolicy.tables import AtomicFiles, CsvSink, Table, csv_encoding
from cspolicy.tables.writer import JsonSink, json_document
from cspolicy.values import ColumnType, Value

__all__ = [
    "Phases",
    "Progress",
    "write_csv_outputs",
    "write_json_outputs",
    "write_workbook_outputs",
    "rows_text",
    "projection",
    "execute_outputs",
]

#: ``progress(phase, done, total)``: phase is ``reading`` (bytes of all inputs), ``sorting``,
#: ``computing`` (rows made after the last input row was read; total None) or ``writing``.
Progress = Callable[[str, int, int | None], None]
Start = Callable[[], tuple[Prepared, dict[str, Table]]]


def rows_text(n: int) -> str:
    """``1 row``, ``2,000,000 rows``."""
    return f"{n:,} row" + ("" if n == 1 else "s")


def _visible(plan: OutputPlan) -> tuple[list[int], list[tuple[str, ColumnType]]]:
    idx = [i for i, c in enumerate(plan.columns) if not c.hidden]
    return idx, [(plan.columns[i].name, plan.columns[i].ctype) for i in idx]


def projection(plan: OutputPlan) -> tuple[Callable[[Sequence[Value]], tuple[Value, ...]], list[tuple[str, ColumnType]]]:
    """A function taking an output row to its visible cells, and the visible columns."""
    idx, cols = _visible(plan)
    if idx == list(range(len(plan.columns))):
        return tuple, cols
    return (lambda row: tuple([row[i] for i in idx])), cols


class Phases:
    """Turns what the run does into ``progress(phase, done, total)`` calls (nothing without one)."""

    def __init__(self, progress: Progress | None, inputs: Mapping[str, str | os.PathLike[str]]) -> None:
        self.progress = progress
        self.sizes = {os.fspath(p): _size(p) for p in inputs.values()} if progress else {}
        self.total = sum(self.sizes.values())
        self.offset = 0
        self.made = 0
        self.reading = True

    def restart(self, prep: Prepared, selected: Sequence[str]) -> None:
        self.offset = self.made = 0
        self.reading = True
        plans = [n.plan for n in prep.nodes.values()]
        self.sorting = any(p.ladder or p.rank or p.windows or (p.sort_by and not p.grouped) for p in plans)  # all rows held
        if self.progress is not None:
            for name in selected:
                prep.nodes[name].writers.append(self.count)

    def reader(self, path: str | os.PathLike[str]) -> Callable[[int], None] | None:
        progress = self.progress
        if progress is None:
            return None
        offset, total = self.offset, self.total
        self.offset += self.sizes.get(os.fspath(path), 0)
        return lambda done: progress("reading", offset + done, total)

    def rows(self, rows: Iterable[tuple[int, tuple[Value, ...]]], last: bool) -> Iterable[tuple[int, tuple[Value, ...]]]:
        """The rows of one input; after the last input's last row, the next phase begins."""
        if self.progress is None or not last:
            return rows
        return self._then_compute(rows)

    def _then_compute(self, rows: Iterable[tuple[int, tuple[Value, ...]]]) -> Iterator[tuple[int, tuple[Value, ...]]]:
        yield from rows
        self.reading = False
        self.made = 0
        self.phase("sorting" if self.sorting else "computing")

    def count(self, row: object) -> None:
        self.made += 1
        if not self.reading and not self.made & 4095 and self.progress is not None:
            self.progress("computing", self.made, None)

    def phase(self, name: str) -> None:
        if self.progress is not None:
            self.progress(name, 0, None)


def _size(path: str | os.PathLike[str]) -> int:
    from cspolicy.tables.excel_read import workbook_file

    try:
        return os.path.getsize(workbook_file(path))  # FILE.xlsx#Sheet: the workbook's size
    except OSError:
        return 0  # the reader says what is wrong with it


def write_csv_outputs(
    start: Callable[[], tuple[Prepared, dict[str, Table]]],
    selected: list[str],
    kind: str,
    target: Path | None,
    targets: list[tuple[Path, list[str]]],
    bom: bool | None,
    stdout: TextIO | None,
    phases: Phases,
    on_wait: Callable[[str], None] | None,
    *,
    fast: bool,
    lang: Lang = "en",
) -> Prepared:
    """CSV outputs stream row by row into temporary files, renamed (or printed) at the end.

    A clean file first goes through the fused loop (:mod:`cspolicy.engine.fastpath`); if that does
    not apply or meets an irregular row, the streams are emptied and the careful engine runs.
    """

    bom_by_hand = False

    def run(streams: Mapping[str, TextIO]) -> Prepared:
        from cspolicy.engine.fastpath import run_clean

        for attempt in ("fast", "careful") if fast else ("careful",):
            prep, tables = start()
            sinks = {}
            for name, stream in streams.items():
                stream.seek(0)
                stream.truncate()
                if bom_by_hand:
                    stream.write("\ufeff")
                idx, cols = _visible(prep.policy.outputs[name])
                if lang == "en":
                    sink = CsvSink(stream, cols)
                else:
                    labels = prep.policy.labels
                    sink = CsvSink(stream, cols, headers=labels.headers(name, lang), cells=labels.cells(name, lang))
                sink.write_header()
                prep.nodes[name].writers.append(sink.row_writer(idx))
                sinks[name] = (sink, idx)
            if attempt == "fast":
                if run_clean(prep, tables, sinks):
                    prep.raise_if_strict()  # (a grouped output read by the loop may have warned)
                    return prep
                continue
            execute_outputs(prep, tables, phases)
        return prep

    if kind == "csvout":
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
            prep = run({selected[0]: spool})
            if stdout is not None:
                phases.phase("writing")
                spool.seek(0)
                if bom:
                    write_bom_and_utf8(spool, stdout)
                else:
                    fits_stdout([spool], stdout, "-o FILE.csv, or --bom for UTF-8")
                    spool.seek(0)
                    shutil.copyfileobj(spool, stdout)
        return prep
    assert target is not None
    created = _make_directory(target) if kind == "dir" else []
    try:
        with AtomicFiles(on_wait=on_wait) as files:
            # the BOM written by hand: a utf-8 stream encodes in C, utf-8-sig's encoder is
            # Python code called once per row (the same bytes)
            bom_by_hand = bom is not False and csv_encoding(True) == "utf-8-sig"
            encoding = "utf-8" if bom_by_hand else csv_encoding(bom is not False)
            prep = run({names[0]: files.open(path, encoding=encoding) for path, names in targets})
            phases.phase("writing")
    except BaseException:
        _remove_created(created)  # a failed run leaves no trace, not even an empty directory
        raise
    return prep


def _make_directory(target: Path) -> list[Path]:
    """Create ``-o DIR`` (and its missing parents); returns the directories created."""
    missing = []
    current = target
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    created: list[Path] = []
    for directory in reversed(missing):
        try:
            directory.mkdir()
        except OSError as exc:
            _remove_created(created)
            message = "is not a directory" if isinstance(exc, (NotADirectoryError, FileExistsError)) else None
            where = directory.parent if message else directory
            raise EnvironmentFailure(
                f"{message or 'cannot create the output directory: ' + (exc.strerror or str(exc)).lower()}; write elsewhere",
                path=str(where),
            ) from None
        created.append(directory)
    return created


def _remove_created(created: list[Path]) -> None:
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            return


def _projected(
    write: Callable[[tuple[Value, ...]], None], project: Callable[[Sequence[Value]], tuple[Value, ...]]
) -> Callable[[tuple[Value, ...]], None]:
    return lambda row: write(project(row))


def write_json_outputs(
    start: Callable[[], tuple[Prepared, dict[str, Table]]],
    selected: list[str],
    targets: list[tuple[Path, list[str]]],
    stdout: TextIO | None,
    phases: Phases,
    on_wait: Callable[[str], None] | None,
) -> Prepared:
    """Each output's JSON items stream to an unnamed spool file while the run computes
    (outputs are made together, the document holds them one after the other); the document
    is put together from the spools at the end. A JSON file's spools are beside it, on the
    disk it goes to (the system's temporary directory may be small or in memory)."""
    with contextlib.ExitStack() as stack:
        files = stack.enter_context(AtomicFiles(on_wait=on_wait)) if targets else None
        document = files.open(targets[0][0], encoding="utf-8") if files is not None else stdout
        spool_dir = files.directory if files is not None else None
        prep, tables = start()
        spools: dict[str, tuple[TextIO, JsonSink]] = {}
        for name in selected:
            spool = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=spool_dir))
            project, cols = projection(prep.policy.outputs[name])
            sink = JsonSink(spool, cols, name)
            prep.nodes[name].writers.append(_projected(sink.write, project))
            spools[name] = (spool, sink)
        execute_outputs(prep, tables, phases)
        if document is None:
            return prep
        phases.phase("writing")

        def items(spool: TextIO, sink: JsonSink) -> Callable[[TextIO], int]:
            def copy(out: TextIO) -> int:
                spool.seek(0)
                shutil.copyfileobj(spool, out)
                return sink.count

            return copy

        notes = prep.warnings.as_json() if prep.warnings else None
        if files is None:
            fits_stdout([spool for spool, _ in spools.values()], document, "-o FILE.json", "".join(selected))
        json_document(document, {name: items(*spools[name]) for name in selected}, {JSON_KEY: notes} if notes else None)
    return prep


def write_workbook_outputs(
    start: Callable[[], tuple[Prepared, dict[str, Table]]],
    selected: list[str],
    targets: list[tuple[Path, list[str]]],
    phases: Phases,
    on_wait: Callable[[str], None] | None,
    lang: Lang = "en",
    *,
    inputs: Mapping[str, str | os.PathLike[str]] | None = None,
    read: dict[str, int] | None = None,
) -> Prepared:
    """An .xlsx: a summary sheet, one sheet per output, rows streamed into it (xlsxwriter's
    constant-memory mode), an explanations sheet (:mod:`cspolicy.engine.workbook_report`), the
    workbook renamed into place at the end like every other output. ``inputs``: the files
    read, named in the summary; ``read`` the rows read from them (filled by the run)."""
    from cspolicy.engine.workbook_report import EXPLANATIONS, SUMMARY, RunReportSheets
    from cspolicy.tables.excel_write import WorkbookWriter, binary, sheet_names

    ((target, _),) = targets
    word = "zh" if lang == "zh" else "en"
    names = sheet_names([SUMMARY[word], *selected, EXPLANATIONS[word]])
    read = {} if read is None else read
    with AtomicFiles(on_wait=on_wait) as files:
        with WorkbookWriter(binary(files.open(target, encoding="utf-8"))) as book:
            report = RunReportSheets(book, lang, names[0])
            prep, tables = start()
            for name, sheet_name in zip(selected, names[1:]):
                idx, cols = _visible(prep.policy.outputs[name])
                labels = prep.policy.labels if lang != "en" else None
                sheet = book.add_sheet(
                    sheet_name,
                    cols,
                    headers=labels.headers(name, lang) if labels else None,
                    cells=labels.cells(name, lang) if labels else None,
                )
                prep.nodes[name].writers.append(report.counting(name, prep.policy.outputs[name], sheet.row_writer(idx)))
            counted = {name: _CountedTable(table, name, read) for name, table in tables.items()}
            execute_outputs(prep, counted, phases)  # type: ignore[arg-type]  # a Table, counting its rows
            phases.phase("writing")
            traces = [t for t in prep.traces if "." not in t.output] + prep.component_traces  # a bundle's own, then its parts'
            skipped = getattr(prep.matcher, "skipped", 0)
            report.explanations(names[-1], traces, skipped, getattr(prep.matcher, "limit", 0))
            report.fill_summary(
                policy=prep.policy,
                settings=prep.settings,
                inputs={n: os.fspath(p) for n, p in (inputs or {}).items()},
                read=read,
                outputs=selected,
                warnings=prep.warnings.total,
            )
    return prep


class _CountedTable:
    """A table whose rows are counted as the run reads them (for a workbook's summary)."""

    def __init__(self, table: Table, name: str, read: dict[str, int]) -> None:
        self._table, self._name, self._read = table, name, read

    def __getattr__(self, attr: str) -> object:
        return getattr(self._table, attr)

    def rows(self) -> Iterator[tuple[int, tuple[Value, ...]]]:
        count = 0
        for item in self._table.rows():
            count += 1
            yield item
        self._read[self._name] = count


def execute_outputs(prep: Prepared, tables: Mapping[str, Table], phases: Phases) -> None:
    """Run, and refuse an --explain key that matched nothing before any output is committed."""
    headers = {name: {col: t.headers[i] for col, i in t.header_map.items()} for name, t in tables.items()}
    plans = {n: node.plan for n, node in prep.nodes.items()}
    order = input_order(plans, list(tables))  # as execute() reads
    early = early_inputs(plans, order)  # read ahead (execute())
    read = [*early, *(t for t in order if t not in early)]
    last = read[-1] if read else None
    sources = {name: phases.rows(t.rows(), name == last) for name, t in tables.items()}
    execute(prep, sources, {name: t.name for name, t in tables.items()}, headers)
    if prep.matcher is not None:
        if not prep.traces and prep.explain_key is not None:
            raise no_row_error(f"--explain {prep.explain_key}", prep.matcher, prep.policy)
        fill_cells(prep.traces, tables)
