"""Run a policy over CSV files and write its outputs: the library side of ``cspolicy run``.

Outputs are all or nothing: CSV and JSON files are written to temporary files beside their
targets and renamed into place only when every row of every input was accepted (several
files together, journalled: :mod:`cspolicy.tables.journal`); output to stdout is spooled
and printed only then. A rejected cell at row 900 000, a full disk, Ctrl-C or a kill leave
no file created or changed, and an output path that is one of the inputs is refused first.

Memory stays flat whatever the size: CSV and JSON rows stream to (spool) files, and the
terminal table keeps only its first ``limit`` rows per output and counts the rest.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

from cspolicy.engine.collect import EXPLAIN_LIMIT
from cspolicy.engine.outputs import (
    Phases,
    Progress,
    rows_text,
    write_csv_outputs,
    write_json_outputs,
    write_workbook_outputs,
)
from cspolicy.engine.run import Prepared, RunSettings, prepare
from cspolicy.engine.run_period import apply_default_period
from cspolicy.engine.table_output import write_table
from cspolicy.errors import EnvironmentFailure, UsageError
from cspolicy.explain import explain_text
from cspolicy.explain.trace import Trace
from cspolicy.i18n import Lang
from cspolicy.notes import Warnings
from cspolicy.planner.policy import Policy
from cspolicy.tables import Table, read_table
from cspolicy.tables.chars import escaped
from cspolicy.tables.excel_read import workbook_file
from cspolicy.tables.render import TerminalStream

__all__ = ["run_files", "RunReport", "bind_inputs", "FORMATS", "TABLE_LIMIT", "Progress"]

FORMATS = ("table", "csv", "json")
#: Rows of each output shown in a terminal table unless ``limit`` says otherwise.
TABLE_LIMIT = 50


@dataclass
class RunReport:
    """What a file run did: rows written per output, files written, explanations."""

    rows: dict[str, int] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    #: The outputs each written file holds (one, or all of them in a JSON document).
    contents: dict[Path, list[str]] = field(default_factory=dict)
    #: The run's warnings (:class:`~cspolicy.notes.Warnings`); the CLI shows them on stderr.
    warnings: Warnings = field(default_factory=Warnings)

    def summary(self) -> list[str]:
        """One line per file written, with its rows: ``wrote out/orders.csv (7 rows)``."""
        lines = []
        for path in self.written:
            names = self.contents.get(path, [])
            if len(names) == 1:
                counted = rows_text(self.rows.get(names[0], 0))
            else:
                counted = ", ".join(f"{name} {rows_text(self.rows.get(name, 0))}" for name in names)
            lines.append(f"wrote {escaped(str(path))} ({counted})")  # a path may hold control characters
        return lines


def bind_inputs(policy: Policy, files: Sequence[str]) -> dict[str, str]:
    """``NAME=FILE`` or bare ``FILE`` arguments → input name → path."""
    out: dict[str, str] = {}
    specs = policy.inputs
    if policy.components:  # a bundle: its own inputs and its components', by name
        from cspolicy.planner.bundles import file_inputs

        specs = file_inputs(policy)
    names = list(specs)
    for arg in files:
        name, sep, path = arg.partition("=")
        if sep and name in specs:
            pass
        elif len(names) == 1:
            name, path = names[0], arg
        else:
            raise UsageError(f"'{arg}': say which input this file is, as NAME=FILE", expected=f"one of: {', '.join(names)}")
        if name in out:
            raise UsageError(f"input '{name}' given twice")
        out[name] = path
    missing = [n for n in names if n not in out and not specs[n].optional]
    if missing:
        optional = [n for n in names if specs[n].optional]
        also = f"; optional: {', '.join(optional)}" if optional else ""
        raise UsageError(
            f"no file given for input {', '.join(repr(m) for m in missing)}",
            expected=f"FILE arguments for: {', '.join(n for n in names if n not in optional)} (as NAME=FILE){also}",
        )
    return out


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
    bom: bool | None = None,
    stdout: TextIO | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
    on_wait: Callable[[str], None] | None = None,
    lang: Lang = "en",
    explain_limit: int = EXPLAIN_LIMIT,
) -> RunReport:
    """Evaluate ``policy`` over CSV files and write its outputs, all or nothing.

    ``output`` is a directory (one ``<output>.csv`` per output, created if missing), a
    ``.json`` file (one document), a ``.csv`` file (one output), an ``.xlsx`` workbook
    (one sheet per output) or ``None`` for ``stdout``
    in ``fmt`` (``table`` by default). A terminal table shows the first ``limit`` rows of
    each output (default :data:`TABLE_LIMIT`; 0 shows all) and says how many more there are.
    With ``explain``, the explanations of the rows with that key are printed to ``stdout``
    (instead of the tables when there is no ``output``): the first ``explain_limit`` rows
    of each output (0: all), then a line saying how many more. When ``stdout`` is a terminal,
    control characters are shown escaped. ``progress(phase, done, total)`` is called now
    and then (see :data:`Progress`); ``on_wait(message)`` when another run is writing into
    the same directory and this one waits for it. ``bom``: CSV files get a BOM (for Excel)
    unless False; CSV on ``stdout`` only if True. ``lang``: ``"zh"`` writes CSV and table
    headers and status values as their Chinese labels (:mod:`cspolicy.planner.labels`); ``"en"``
    keeps the identifiers and codes. JSON is the same in every language.

    Raises :class:`~cspolicy.errors.DataError` (nothing written),
    :class:`~cspolicy.errors.UsageError` (an output path that is one of the inputs, too)
    or :class:`~cspolicy.errors.EnvironmentFailure` (the output place cannot be written).
    """
    settings = settings or RunSettings()
    stdout = stdout or sys.stdout
    # --only x --only x is x once; internal outputs (steps toward others) only when named
    selected = list(dict.fromkeys(only)) or [n for n, p in policy.outputs.items() if not p.internal]
    for name in selected:
        if name not in policy.outputs:
            raise UsageError(f"--only {name}: no output named '{name}'", expected=f"one of: {', '.join(policy.outputs)}")
    target = None if output is None else Path(output)
    if output is not None and not os.fspath(output).strip():  # `-o "$OUT"` with OUT unset
        raise UsageError("-o: the output path is empty", expected="a directory, or a .csv, .json or .xlsx file")
    spelt_as_directory = output is not None and os.fspath(output).endswith(("/", os.sep))  # `-o out.csv/`
    kind = _output_kind(target, fmt, selected, spelt_as_directory)
    if limit is not None and limit < 0:
        raise UsageError(f"--limit {limit}: a number of rows cannot be negative", expected="0 (every row) or more")
    if limit is not None and kind != "tableout":
        raise UsageError(
            "--limit applies to the table shown on the terminal; -o and --format csv/json write every row",
            expected="--limit without -o and --format, or no --limit",
        )
    targets = _targets(kind, target, selected)
    _refuse_inputs_as_outputs(target, targets, inputs, policy.file)
    if _isatty(stdout):
        stdout = cast(TextIO, TerminalStream(stdout))
    phases = Phases(progress, inputs)
    settings, period_note, _ = apply_default_period(policy, settings, inputs, encoding)
    if policy.components and settings.period is None:  # a bundle's parts evaluate one month
        from cspolicy.engine.run_bundles import bundle_period
        from cspolicy.planner.consistency import file_source

        settings, period_note = bundle_period(policy, settings, file_source(inputs, encoding=encoding))
    checked: list[Any] = []  # the consistency problems, found once however often start() runs
    read: dict[str, int] = {}  # rows read from each input file (a workbook's summary)
    # a workbook explains every row of its outputs (its explanations sheet)
    explain_all = [n for n in selected if "." not in n] if kind == "xlsxfile" and explain is None else []

    def start() -> tuple[Prepared, dict[str, Table]]:
        """A fresh run: parameters resolved, outputs compiled, input headers read."""
        # With --explain every output is computed, so any output's rows can be explained.
        given: set[str] = set(inputs)
        tables: dict[str, Table] = {}
        if policy.consistency is not None and not checked:  # before anything is computed
            from cspolicy.planner.consistency import check_consistency, file_source, report

            checked.append(check_consistency(policy.consistency, file_source(inputs, encoding=encoding), settings.period))
            report(policy.consistency, checked[0], None)  # problems: error stops here
        if policy.components:  # a bundle: its components run first, over the same files
            from cspolicy.engine.run_bundles import run_components

            parts = run_components(
                policy, inputs, settings, encoding=encoding, explain=explain, explain_all=bool(explain_all), read=read
            )
            tables.update(parts.tables)  # type: ignore[arg-type]  # read like input tables
            given |= set(parts.tables)
        prep = prepare(
            policy,
            settings,
            explain=explain,
            outputs=None if explain else selected,
            given=given,
            explain_all=explain_all,
            explain_limit=explain_limit,
        )
        phases.restart(prep, selected)
        if period_note is not None:
            prep.warnings.add(period_note)
        if checked and policy.consistency is not None:
            report(policy.consistency, checked[0], prep.warnings)
        if policy.components:
            parts.merge_into(prep.warnings)
            prep.component_traces = parts.traces
        for table, path in inputs.items():
            if table not in policy.inputs:
                continue  # read by a component only
            report_to = phases.reader(path)
            tables[table] = read_table(path, policy.inputs[table], encoding=encoding, errors=prep.errors, progress=report_to)
        return prep, tables

    report = RunReport()
    shown = stdout if explain is None else None
    if kind in ("dir", "csvfile", "csvout"):
        fast = progress is None and not policy.components  # a bundle's tables are in memory
        prep = write_csv_outputs(start, selected, kind, target, targets, bom, shown, phases, on_wait, fast=fast, lang=lang)
    elif kind == "xlsxfile":
        prep = write_workbook_outputs(start, selected, targets, phases, on_wait, lang, inputs=inputs, read=read)
    elif kind in ("jsonfile", "jsonout"):
        prep = write_json_outputs(start, selected, targets, shown, phases, on_wait)
    else:
        prep = write_table(start, selected, shown, phases, TABLE_LIMIT if limit is None else limit, lang)
    report.rows = {name: prep.nodes[name].count for name in selected}
    for path, names in targets:
        report.written.append(path)
        report.contents[path] = names
    report.traces = prep.traces
    if policy.components:  # the bundle's figures, then the components' explanations of theirs
        from cspolicy.engine.run_bundles import own_traces

        report.traces = [*own_traces(prep.traces), *prep.component_traces]
    report.warnings = prep.warnings
    if explain is not None:
        more = prep.matcher.unexplained if prep.matcher is not None else {}
        stdout.write(explain_text(report.traces, lang, more, explain_limit) + "\n")
    if isinstance(stdout, TerminalStream):
        stdout.flush()
    return report


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _targets(kind: str, target: Path | None, selected: list[str]) -> list[tuple[Path, list[str]]]:
    """The files a run writes, each with the outputs it holds."""
    if target is None or kind in ("csvout", "jsonout", "tableout"):
        return []
    if kind == "dir":
        return [(target / f"{name}.csv", [name]) for name in selected]
    return [(target, list(selected))]


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _refuse_inputs_as_outputs(
    target: Path | None,
    targets: list[tuple[Path, list[str]]],
    inputs: Mapping[str, str | os.PathLike[str]],
    policy_file: str | None = None,
) -> None:
    """``-o`` naming an input or the policy file (directly, through a link, or as
    DIR/<output>.csv) would replace it: refused before anything is read or written."""
    for path, _ in targets:
        if policy_file is not None and os.path.isfile(policy_file) and _same_file(path, policy_file):
            via = "" if path == target else f" ({path} is a file of that directory)"
            raise UsageError(
                f"-o {target}: would replace the policy file {policy_file}{via}",
                expected="an output path that is neither the policy nor one of the input files",
            )
        for name, source in inputs.items():
            if _same_file(path, workbook_file(source)):  # FILE.xlsx#Sheet is FILE.xlsx
                via = "" if path == target else f" ({path} is a file of that directory)"
                raise UsageError(
                    f"-o {target}: would replace the input file {os.fspath(source)} of '{name}'{via}",
                    expected="an output path that is none of the input files",
                )


def _output_kind(target: Path | None, fmt: str | None, selected: list[str], directory: bool = False) -> str:
    """What ``-o`` names: ``dir``, ``csvfile``, ``jsonfile``, ``xlsxfile``, or stdout's
    ``csvout``/``jsonout``/``tableout``. A path ending in a slash is a directory whatever
    its suffix (``-o out.csv/``)."""
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'", expected=", ".join(FORMATS))
    if target is not None and directory and fmt not in (None, "csv"):
        raise UsageError(
            f"-o {target}/: a directory holds one CSV file per output, not format {fmt}",
            expected=f"-o FILE.{'json' if fmt == 'json' else 'csv'} for one file, or no --format",
        )
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
    suffix = "" if directory else target.suffix.lower()
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
        what = "is a file" if target.is_file() else "is a device or other special file"
        raise EnvironmentFailure(
            f"{what}, where the output directory should go (-o without .csv, .json or .xlsx names a directory); "
            "write elsewhere, name a .csv, .json or .xlsx file, or leave out -o to print to the terminal",
            path=str(target),
        )
    return "dir"
