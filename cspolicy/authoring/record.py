"""The run record: what a ``cspolicy run … -o`` used and produced, and its replay.

Every run with ``-o`` writes a small JSON record beside its outputs, committed together
with them (the same all-or-nothing commit: :data:`cspolicy.tables.atomic.BEFORE_COMMIT`):

* ``-o DIR`` → ``DIR/cspolicy-run.json``; ``-o FILE`` (``.csv``, ``.json``, ``.xlsx``) →
  ``FILE.run.json`` (``result.xlsx.run.json``).

It holds the cspolicy version, the policy (the name or path given, its name, version and
SHA-256), each input file (path, SHA-256, data rows), the period, the as-of date the run
used (so a run dated "today" replays on the same day), the region, the ``--set``
overrides, every parameter value used with the date it took effect (or that it was set),
the options that shape the files (``-o``, ``--format``, ``--only``, ``--encoding``,
``--bom``, ``--lang``), each output file with its SHA-256, and the time (UTC). Paths are
written relative to the record's folder, so a folder moved as a whole still replays.

:func:`replay` recomputes the outputs into a temporary folder and compares them with the
record; it also says which input file or policy changed since, and which output file on
disk no longer matches.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspolicy.engine.run import RunSettings
from cspolicy.errors import UsageError
from cspolicy.i18n import Lang
from cspolicy.planner.policy import Policy

__all__ = ["RECORD_NAME", "record_path", "recording", "replay", "ReplayReport", "sha256_of"]

#: The record's file name inside ``-o DIR``; beside ``-o FILE`` it is ``FILE.run.json``.
RECORD_NAME = "cspolicy-run.json"
FORMAT = 1


def record_path(output: str | os.PathLike[str], is_directory: bool) -> Path:
    """Where the record of a run writing ``output`` goes."""
    out = Path(output)
    return out / RECORD_NAME if is_directory else out.with_name(out.name + ".run.json")


def sha256_of(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _relative(path: str | os.PathLike[str], base: Path) -> str:
    try:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base))).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(os.path.abspath(path)).as_posix()


def _data_rows(policy: Policy, name: str, path: str, encoding: str | None, read: dict[str, int] | None = None) -> int:
    """The data rows of input ``name`` at ``path``: as the run counted them while reading
    (``read``, :mod:`cspolicy.engine.rows_read`), else counted here."""
    from cspolicy.engine.rows_read import counted as counted_while_run
    from cspolicy.planner.bundles import file_inputs
    from cspolicy.tables import read_table

    if read is not None and (known := counted_while_run(read, path)) is not None:
        return known

    specs = file_inputs(policy) if policy.components else policy.inputs  # a bundle's parts read files too
    table = read_table(path, specs[name], encoding=encoding)
    counted = _plain_count(table)
    return counted if counted is not None else sum(1 for _ in table.rows())


def _plain_count(table: object) -> int | None:
    """The data rows of a file whose every record is one line of the header's width: the
    records that are not blank, counted without converting a cell (the record is written
    only after a run without errors, so each of them was a good row). None for any other
    file (a workbook, a short or long record, a record over several lines, odd quoting),
    which is then read as the run read it."""
    import csv

    from cspolicy.tables.reader import Table

    if type(table) is not Table:  # a workbook's sheet (WorkbookTable) is read as the run read it
        return None
    width = len(table.headers)
    try:
        with table.raw_cells() as reader:
            header = reader.line_num
            records = rows = 0
            for cells in reader:
                records += 1
                if len(cells) != width:
                    return None
                if cells[0] or any(cells):
                    rows += 1
            if reader.line_num != header + records:
                return None
    except (csv.Error, UnicodeError, OSError):
        return None
    return rows


def parameters_used(policy: Policy, settings: RunSettings) -> dict[str, dict[str, Any]]:
    """Every parameter's value for this run: value (as the policy writes it), the date it
    took effect, its region, and whether ``--set`` gave it."""
    from cspolicy.engine.run import parse_overrides
    from cspolicy.engine.usage import resolve_region
    from cspolicy.planner.parameters import resolve_parameters
    from cspolicy.text import format_plain

    region, definitions = resolve_region(policy, settings.region)
    params = resolve_parameters(
        definitions, settings.effective_date, region=region, overrides=parse_overrides(policy, settings.overrides)
    )
    return {
        n: {
            "value": format_plain(p.value, p.definition.type),
            "from": p.since.isoformat() if p.since else None,
            "region": p.region,
            "set": p.overridden,
        }
        for n, p in params.items()
    }


@contextlib.contextmanager
def recording(
    policy: Policy,
    policy_ref: str,
    inputs: Mapping[str, str],
    settings: RunSettings,
    output: str,
    options: Mapping[str, Any],
    written: list[Path],
) -> Iterator[None]:
    """While the block runs, the commit of the outputs also writes the run record (its
    path is appended to ``written``)."""
    from cspolicy.engine.rows_read import counting
    from cspolicy.planner.policy import resolve_policy_path
    from cspolicy.tables.atomic import BEFORE_COMMIT, AtomicFiles
    from cspolicy.tables.excel_read import workbook_file

    policy_path, _ = resolve_policy_path(policy_ref)
    shipped = not any(sep in policy_ref for sep in ("/", os.sep)) and not policy_ref.endswith((".yaml", ".yml"))
    settings = RunSettings(settings.period, settings.effective_date, settings.region, dict(settings.overrides), settings.strict)

    suffix = Path(output).suffix.lower()
    spelt_as_directory = output.endswith(("/", os.sep))
    is_dir = spelt_as_directory or (suffix not in (".csv", ".json", ".xlsx") and options.get("format") != "json")

    read: dict[str, int] = {}  # rows the run counted while reading (cspolicy.engine.rows_read)

    def write(files: AtomicFiles) -> None:
        outs = files.written()
        target = record_path(output, is_dir)
        base = target.parent
        record: dict[str, Any] = {
            "cspolicy_run_record": FORMAT,
            "cspolicy_version": _version(),
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "policy": {
                "ref": policy_ref if shipped else _relative(policy_path, base),
                "shipped": shipped,
                "name": policy.name,
                "version": policy.version,
                "sha256": sha256_of(policy_path),
            },
            "inputs": {
                name: {
                    "file": _relative(path, base),
                    "sha256": sha256_of(workbook_file(path)),
                    "rows": _data_rows(policy, name, path, options.get("encoding"), read),
                }
                for name, path in inputs.items()
            },
            "period": str(settings.period) if settings.period else None,
            "as_of": settings.effective_date.isoformat(),
            "region": settings.region,
            "overrides": dict(settings.overrides),
            "parameters": parameters_used(policy, settings),
            "options": {"output_kind": "directory" if is_dir else "file", **options},
            "outputs": [{"file": _relative(t, base), "sha256": sha256_of(tmp)} for t, tmp in outs],
        }
        files.open(target, encoding="utf-8").write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        written.append(target)

    token = BEFORE_COMMIT.set(write)
    try:
        with counting(read):
            yield
    finally:
        BEFORE_COMMIT.reset(token)


def _version() -> str:
    from cspolicy import __version__

    return __version__


@dataclass
class ReplayReport:
    """What a replay found: ``differences`` empty means every output was recomputed
    identical and nothing it rests on changed."""

    record: Path
    differences: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def lines(self, lang: Lang = "en") -> list[str]:
        """What was confirmed (``same``), what differs (``DIFFERS``), then the verdict, in ``lang``."""
        from cspolicy.messages import translate

        out = [f"same  {c}" for c in self.confirmed] + [f"DIFFERS  {d}" for d in self.differences]
        verdict = "replay: every output is identical" if self.ok else f"replay: {len(self.differences)} difference(s)"
        return [translate(line, lang) for line in [*out, verdict]]


def _load(record: Path) -> dict[str, Any]:
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--replay {record}: cannot read the record: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(
            f"--replay {record}: not a run record ({exc})",
            expected=f"a {RECORD_NAME} or FILE.run.json written by cspolicy run -o",
        ) from None
    if not isinstance(data, dict) or data.get("cspolicy_run_record") != FORMAT:
        raise UsageError(
            f"--replay {record}: not a run record of this cspolicy", expected=f"a JSON file with cspolicy_run_record: {FORMAT}"
        )
    return data


def replay(record_file: str | os.PathLike[str]) -> ReplayReport:
    """Recompute the run ``record_file`` describes and compare (see the module notes)."""
    from cspolicy.cli.library import load_policy
    from cspolicy.engine.files import run_files
    from cspolicy.periods import Period
    from cspolicy.tables.excel_read import workbook_file

    record = Path(record_file)
    data = _load(record)
    base = record.parent
    report = ReplayReport(record)
    pol = data["policy"]
    ref = pol["ref"] if pol.get("shipped") else os.fspath(base / pol["ref"])
    from cspolicy.planner.policy import resolve_policy_path

    policy_path, _ = resolve_policy_path(ref)
    if sha256_of(policy_path) != pol["sha256"]:
        report.differences.append(f"policy {pol['ref']}: the file changed since the run (SHA-256 {pol['sha256'][:12]}… then)")
    else:
        report.confirmed.append(f"policy {pol['ref']} (SHA-256 {pol['sha256'][:12]}…)")
    inputs: dict[str, str] = {}
    for name, item in data["inputs"].items():
        path = base / item["file"]
        inputs[name] = os.fspath(path)
        on_disk = Path(workbook_file(path))
        if not on_disk.exists():
            report.differences.append(f"input {name} ({item['file']}): the file is gone")
        elif sha256_of(on_disk) != item["sha256"]:
            report.differences.append(f"input {name} ({item['file']}): the file changed since the run")
        else:
            report.confirmed.append(f"input {name} ({item['file']}, {item['rows']} rows)")
    if any(d.startswith("input") and d.endswith("gone") for d in report.differences):
        return report
    options = data["options"]
    settings = RunSettings(
        period=Period.parse(data["period"]) if data["period"] else None,
        as_of=dt.date.fromisoformat(data["as_of"]),
        region=data["region"],
        overrides=data["overrides"],
        strict=bool(options.get("strict")),
    )
    policy = load_policy(ref)
    outputs: Sequence[dict[str, str]] = data["outputs"]
    with tempfile.TemporaryDirectory(prefix="cspolicy-replay-") as tmp:
        if options["output_kind"] == "directory":
            target = Path(tmp) / "out"
            fresh = {o["file"]: target / Path(o["file"]).name for o in outputs}
        else:
            target = Path(tmp) / Path(outputs[0]["file"]).name
            fresh = {outputs[0]["file"]: target}
        run_files(
            policy,
            inputs,
            settings=settings,
            output=os.fspath(target) + (os.sep if options["output_kind"] == "directory" else ""),
            fmt=options.get("format"),
            only=options.get("only") or (),
            encoding=options.get("encoding"),
            bom=options.get("bom"),
            lang=options.get("lang") or "en",
        )
        for o in outputs:
            again = fresh.get(o["file"])
            if again is None or not again.exists() or sha256_of(again) != o["sha256"]:
                report.differences.append(f"output {o['file']}: recomputed, it differs from the recorded one")
            else:
                report.confirmed.append(f"output {o['file']}: recomputed identical")
            on_disk = base / o["file"]
            if on_disk.exists() and sha256_of(on_disk) != o["sha256"]:
                report.differences.append(f"output {o['file']}: the file on disk was changed after the run")
    return report
