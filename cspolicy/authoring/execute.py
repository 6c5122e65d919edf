"""Run a policy once, in memory, over rows given inline or read from files, and watch it.

The authoring tools (``test``, ``diff``) need more than :func:`cspolicy.evaluate` gives:
CSV files and inline rows in one run, every column (hidden ones too) with its type, the
warnings, and what the run exercised: which band of each band table some row fell in, and
which rung of each ladder some offence reached. Those are recorded by wrapping the run's
band tables and ladder steps (the engine itself is unchanged).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cspolicy.engine.run import RunSettings, prepare
from cspolicy.engine.usage import check_tables, keyed_records
from cspolicy.notes import Warnings
from cspolicy.planner.policy import Policy
from cspolicy.tables.records import read_records
from cspolicy.tables.spec import TableSpec
from cspolicy.values import ColumnType, Value

__all__ = ["Watched", "run_watched", "Exercised", "bind_diff_arguments"]

Row = tuple[Value, ...]


@dataclass
class Exercised:
    """What a run (or several) exercised: (band table, band index; -1 = ``otherwise``) and
    (schedule, offence code, rung index; -1 = past the last rung with ``after_last: none``)."""

    bands: set[tuple[str, int]] = field(default_factory=set)
    rungs: set[tuple[str, str, int]] = field(default_factory=set)

    def update(self, other: Exercised) -> None:
        self.bands |= other.bands
        self.rungs |= other.rungs


@dataclass
class Watched:
    """Every output's rows (all columns, hidden ones too), the column names and types, the
    warnings and what the run exercised."""

    policy: Policy
    rows: dict[str, list[Row]]
    columns: dict[str, list[tuple[str, ColumnType, bool]]]  # name, type, hidden
    warnings: Warnings
    exercised: Exercised

    def records(self, output: str, *, hidden: bool = False) -> list[dict[str, Value]]:
        """The rows of ``output`` as dicts (visible columns only unless ``hidden``)."""
        cols = [(i, n) for i, (n, _, h) in enumerate(self.columns[output]) if hidden or not h]
        return [{n: r[i] for i, n in cols} for r in self.rows[output]]


class _BandsRecorder:
    """A band table that notes which band each value fell in (all else delegated)."""

    def __init__(self, inner: Any, name: str, hits: set[tuple[str, int]]) -> None:
        self._inner, self._name, self._hits = inner, name, hits

    def lookup(self, x: Decimal) -> tuple[int, Value]:
        index, outcome = self._inner.lookup(x)
        self._hits.add((self._name, index))
        return index, outcome

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _watch_ladder(
    step: Callable[[Row, Any], Row | None], policy: Policy, schedule: str, hits: set[tuple[str, str, int]]
) -> Callable[[Row, Any], Row | None]:
    found = policy.schedules[schedule]

    def watched(row: Row, origin: Any) -> Row | None:
        out = step(row, origin)
        if out is not None:
            occurrence = int(out[0])  # type: ignore[arg-type]
            code = str(out[6])  # (occurrence, sanction, fine, rule, ends, gravity, offence_code, …)
            ladder = found.find(code).ladder
            rungs, after = len(ladder.rungs), ladder.after_last
            index = occurrence - 1 if occurrence <= rungs else (rungs - 1 if after == "repeat" else -1)
            hits.add((schedule, code, index))
        return out

    return watched


def run_watched(
    policy: Policy,
    inputs: Mapping[str, Iterable[Mapping[str, Any]] | str | os.PathLike[str]],
    settings: RunSettings | None = None,
    *,
    encoding: str | None = None,
    names: Mapping[str, str] | None = None,
) -> Watched:
    """Evaluate ``policy`` over ``inputs`` (each input's rows, or the path of its CSV or
    ``.xlsx`` file; ``names`` says how messages name each file) and record what it exercised.

    Raises what a run raises: :class:`~cspolicy.errors.DataErrors` for rejected rows,
    :class:`~cspolicy.errors.UsageError` for unknown inputs or bad settings.
    """
    from cspolicy.engine.run import execute
    from cspolicy.tables import read_table

    if policy.components:  # a bundle runs as evaluate() runs it: each part alone, then its own outputs
        return _run_bundle(policy, inputs, settings)
    check_tables(policy, {n: [] if isinstance(v, (str, os.PathLike)) else v for n, v in inputs.items()})
    settings = settings or RunSettings()
    from cspolicy.engine.run_period import apply_default_period

    settings, note, inputs = apply_default_period(policy, settings, inputs, encoding)
    prep = prepare(policy, settings, given=set(inputs))
    if note is not None:
        prep.warnings.add(note)
    exercised = Exercised()
    prep.bands = {n: _BandsRecorder(b, n, exercised.bands) for n, b in prep.bands.items()}
    for node in prep.nodes.values():
        if node.step is not None and node.plan.ladder is not None:
            node.step = _watch_ladder(node.step, policy, node.plan.ladder.schedule, exercised.rungs)
    sinks: dict[str, list[Row]] = {}
    for name, node in prep.nodes.items():
        sinks[name] = []
        node.writers.append(sinks[name].append)
    sources: dict[str, Iterable[tuple[int, Row]]] = {}
    shown: dict[str, str] = {}
    headers: dict[str, dict[str, str]] = {}
    for name, given in inputs.items():
        spec: TableSpec = policy.inputs[name]
        if isinstance(given, (str, os.PathLike)):
            display = (names or {}).get(name, os.fspath(given))
            table = read_table(os.fspath(given), spec, encoding=encoding, errors=prep.errors, display_name=display)
            sources[name] = table.rows()
            shown[name] = table.name
            headers[name] = {col: table.headers[i] for col, i in table.header_map.items()}
        else:
            sources[name] = read_records(keyed_records(given, spec), spec, name=name, errors=prep.errors)
            shown[name] = (names or {}).get(name, f"{name}.csv")  # inline rows read like a file of that name
    execute(prep, sources, shown, headers)
    columns = {name: [(c.name, c.ctype, c.hidden) for c in policy.outputs[name].columns] for name in prep.nodes}
    return Watched(policy, sinks, columns, prep.warnings, exercised)


def bind_diff_arguments(old: str, args: Sequence[str], has_sets: bool) -> tuple[Policy, Policy, dict[str, str]]:
    """``cspolicy diff OLD [NEW] [NAME=]FILE...``: the two policies and the input files.

    The argument after OLD is NEW when it names a policy (a shipped name, or a path ending in
    ``.yaml``/``.yml``); otherwise it is the first file and NEW is OLD itself, which then
    needs ``--set`` (else the two sides could not differ)."""
    from cspolicy.cli.library import load_policy
    from cspolicy.engine.files import bind_inputs
    from cspolicy.errors import UsageError
    from cspolicy.planner.policy import shipped_policies

    first = args[0]
    if first.lower().endswith((".yaml", ".yml")) or first in shipped_policies():
        before, after, files = load_policy(old), load_policy(first), list(args[1:])
    else:
        if not has_sets:
            raise UsageError(
                "cspolicy diff needs a second policy (NEW) or --set values for the new side",
                expected="cspolicy diff OLD NEW FILE..., or cspolicy diff POLICY --set NAME=VALUE FILE...",
            )
        before = load_policy(old)
        after, files = before, list(args)
    if not files:
        raise UsageError("cspolicy diff needs input files", expected=f"[NAME=]FILE arguments for: {', '.join(before.inputs)}")
    return before, after, bind_inputs(after, files)


def _run_bundle(
    policy: Policy,
    inputs: Mapping[str, Iterable[Mapping[str, Any]] | str | os.PathLike[str]],
    settings: RunSettings | None,
) -> Watched:
    """A bundle's case: the components' bands and rungs are not watched (each component's
    own cases cover them); a CSV path is read as rows of text, keyed by its headers."""
    import csv

    from cspolicy.engine.in_memory import evaluate

    tables: dict[str, Iterable[Mapping[str, Any]]] = {}
    for name, given in inputs.items():
        if isinstance(given, (str, os.PathLike)):
            with open(given, encoding="utf-8-sig", newline="") as f:
                tables[name] = list(csv.DictReader(f))
        else:
            tables[name] = given
    results = evaluate(policy, tables, settings=settings)
    rows: dict[str, list[Row]] = {}
    columns: dict[str, list[tuple[str, ColumnType, bool]]] = {}
    for name, records in results.tables.items():
        visible = [c for c in policy.outputs[name].columns if not c.hidden]
        columns[name] = [(c.name, c.ctype, False) for c in visible]
        rows[name] = [tuple(r[c.name] for c in visible) for r in records]
    return Watched(policy, rows, columns, results.warnings, Exercised())
