"""Running a policy: resolve parameters, wire outputs, stream rows through them.

Two public entry points share this engine: :func:`~cspolicy.engine.files.run_files` reads
files and writes outputs, all or nothing (what the CLI's ``cspolicy run`` calls);
:func:`~cspolicy.engine.in_memory.evaluate` takes rows already in memory and returns
:class:`~cspolicy.engine.in_memory.Results` (for developers and tests). Both :func:`prepare`
a run, then :func:`execute` it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cspolicy.blocks.joins import Held, early_inputs, input_order
from cspolicy.engine.collect import EXPLAIN_LIMIT, EveryRow, KeyMatcher, attach, searchable_text
from cspolicy.engine.node import ROW_ERRORS, Node, make_sort_key, why
from cspolicy.engine.rowfunctions import compile_output
from cspolicy.engine.run_joins import checked_keys, held_targets, wire_joins
from cspolicy.engine.steps import make_ladder_step, make_rank_batch, run_band_tables
from cspolicy.engine.usage import did_you_mean, resolve_region
from cspolicy.errors import ErrorCollector, PolicyError, UsageError
from cspolicy.explain.trace import Trace
from cspolicy.expressions import format_plain
from cspolicy.money import CONTEXT
from cspolicy.notes import Warnings
from cspolicy.periods import Period
from cspolicy.planner.band_tables import BAND_TABLES
from cspolicy.planner.parameters import ResolvedParameter, resolve_parameters
from cspolicy.planner.policy import Policy
from cspolicy.planner.run_names import RUN_SYMBOLS, given_values
from cspolicy.tables.cells import as_value
from cspolicy.tables.convert import CellError, fold
from cspolicy.values import Value

__all__ = ["RunSettings", "Prepared", "prepare", "execute", "parse_overrides", "no_row_error"]

Row = tuple[Value, ...]


@dataclass(frozen=True)
class RunSettings:
    """What a run is for: the period, the as-of date, the region, parameter overrides;
    ``strict``: any warning fails the run (exit 1) before an output is written."""

    period: Period | None = None
    as_of: dt.date | None = None
    region: str | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)
    strict: bool = False
    #: Working-day calendar files (docs/calendar.md) for years the chinesecalendar package lacks.
    calendars: tuple[str, ...] = ()

    @property
    def effective_date(self) -> dt.date:
        """The as-of date; by default the first day of the period, else today."""
        if self.as_of is not None:
            return self.as_of
        if self.period is not None:
            return self.period.start
        return dt.date.today()


def no_row_error(what: str, matcher: KeyMatcher, policy: Policy) -> UsageError:
    """The error for a key that names no row: the closest keys and names seen, and which
    columns are searched."""
    close = matcher.close()
    if len(close) > 1:
        hint = "; did you mean one of " + ", ".join(f"'{c}'" for c in close) + "?"
    else:
        hint = f"; did you mean '{close[0]}'?" if close else ""
    return UsageError(f"{what}: no row has that key{hint}", expected=searchable_text(policy))


def parse_overrides(policy: Policy, overrides: Mapping[str, str]) -> dict[str, Value]:
    """Check and convert ``--set NAME=VALUE`` values against each parameter's type (a
    bundle's ``COMPONENT.NAME=VALUE`` are its components', checked when they run)."""
    out: dict[str, Value] = {}
    if policy.components:
        from cspolicy.planner.bundles import split_overrides

        overrides = split_overrides(policy, overrides)[0]
    for name, text in overrides.items():
        d = policy.parameters.get(name)
        if d is None:
            hint = did_you_mean(name, {fold(n): n for n in policy.parameters})  # LOSS, ｌｏｓｓ: loss
            raise UsageError(
                f"--set {name}: no parameter named '{name}'{hint}",
                expected=f"one of: {', '.join(policy.parameters) or '(this policy has none)'}",
            )
        try:
            out[name] = d.read(text)
        except CellError as exc:
            raise UsageError(f"--set {name}={text}: {as_value(exc)}") from None
    return out


@dataclass
class Prepared:
    """A policy bound to one run's settings: parameters resolved, functions compiled."""

    policy: Policy
    settings: RunSettings
    parameters: dict[str, ResolvedParameter]
    errors: ErrorCollector
    nodes: dict[str, Node]
    roots: dict[str, list[Node]]
    traces: list[Trace]
    explain_key: str | None
    bands: dict[str, Any] = field(default_factory=dict)
    #: Each parameter's value for this run, and the run's own names (period, as_of).
    values: dict[str, Value] = field(default_factory=dict)
    run_values: dict[str, Value] = field(default_factory=dict)
    #: Explaining only: which rows the key names, and the keys seen (for suggestions).
    matcher: KeyMatcher | None = None
    #: Inputs held in memory for joins (see :mod:`cspolicy.blocks.joins`), by input name.
    held_inputs: dict[str, list[Held]] = field(default_factory=dict)
    #: This run's warnings; anything taking part in the run may add to it.
    warnings: Warnings = field(default_factory=Warnings)
    #: A bundle's run: the explanations its components gave (:mod:`cspolicy.planner.bundles`).
    component_traces: list[Trace] = field(default_factory=list)

    def raise_if_strict(self) -> None:
        """In a strict run, fail (a :class:`~cspolicy.errors.DataErrors`) when there were
        warnings: called after the last row, before any output is committed."""
        if self.settings.strict and self.warnings:
            raise self.warnings.as_errors()

    @contextlib.contextmanager
    def evaluating(self) -> Iterator[None]:
        """The conditions every formula of this run is evaluated under: the exact decimal
        context, and this run's band tables (see :data:`cspolicy.planner.band_tables.BAND_TABLES`)."""
        token = BAND_TABLES.set(self.bands)
        try:
            with decimal.localcontext(CONTEXT):
                yield
        finally:
            BAND_TABLES.reset(token)


def prepare(
    policy: Policy,
    settings: RunSettings,
    *,
    explain: str | None = None,
    error_limit: int = 50,
    outputs: Sequence[str] | None = None,
    given: Collection[str] | None = None,
    explain_limit: int = EXPLAIN_LIMIT,
    explain_all: Collection[str] = (),
) -> Prepared:
    """Resolve parameters and compile the outputs for one run (no data read yet).

    ``explain_all``: without ``explain``, every row of these outputs is explained (a
    workbook's explanations sheet); their traces are kept in memory.

    ``outputs`` limits the run to those outputs and the ones they read from (default all);
    ``given`` names the inputs this run has (default all): an optional input not among them
    has no rows, and ``given('name')`` is false in formulas. ``explain_limit``: the rows of
    each output traced for ``explain`` (0: all); the rest are counted in ``matcher.unexplained``.
    """
    needed = _needed(policy, outputs)
    overrides = parse_overrides(policy, settings.overrides)
    region, definitions = resolve_region(policy, settings.region)
    try:
        params = resolve_parameters(definitions, settings.effective_date, region=region, overrides=overrides)
    except LookupError as exc:
        raise UsageError(str(exc.args[0]), expected="an --as-of/--period date on or after it, or --set") from None
    values = {n: p.value for n, p in params.items()}
    for expr, message, line in policy.constraints:
        shown = ", ".join(f"{n}={format_plain(values[n], policy.parameters[n].type)}" for n in sorted(expr.names & set(values)))
        try:
            holds = expr.evaluate({**values, "period": None, "as_of": settings.effective_date})
        except ROW_ERRORS as exc:
            raise PolicyError(
                f"constraint {' '.join(expr.text.split())}: {why(exc)} with these parameter values ({shown})",
                file=policy.file,
                line=line,
                expected="a constraint defined for every value its parameters may take",
            ) from None
        if holds is not True:
            raise UsageError(
                f"the parameters break a constraint of {policy.file}: {message} ({shown})",
                expected=f"values for which {expr.text} holds",
            )
    run_values: dict[str, Value] = {"period": str(settings.period) if settings.period else None, "as_of": settings.effective_date}
    run_values.update(given_values(policy.inputs, given))
    bands = run_band_tables(policy, values)
    if any(d.per_row for d in definitions.values()):  # travels with the band tables (cspolicy.planner.row_parameters)
        from cspolicy.planner.row_parameters import RESOLVER, RowParameters

        bands[RESOLVER] = RowParameters(definitions, overrides, region)  # type: ignore[assignment]
    if settings.calendars:  # the working-day functions ask it (cspolicy.expressions.timefns)
        from cspolicy.workdays import RUN_CALENDAR, WorkdayCalendar

        bands[RUN_CALENDAR] = WorkdayCalendar.from_files(*settings.calendars)  # type: ignore[assignment]
    errors = ErrorCollector(error_limit)
    warnings = Warnings()
    if policy.messages_zh:  # its checks' and warnings' Chinese, for the CLI's choke point
        from cspolicy.messages import catalogue

        zh = catalogue("zh")
        if zh is not None:
            zh.extend(policy.messages_zh)
    traces: list[Trace] = []
    matcher = KeyMatcher(explain, explain_limit) if explain is not None else EveryRow() if explain_all else None
    nodes: dict[str, Node] = {}
    roots: dict[str, list[Node]] = {}
    message_values = {n: format_plain(p.value, p.definition.type) for n, p in params.items()}
    message_values.update({n: "" if v is None else str(v) for n, v in run_values.items() if n in RUN_SYMBOLS})
    for name, plan in policy.outputs.items():
        if name not in needed:
            continue
        sort_by = (
            (*plan.ladder.entity, plan.ladder.date)
            if plan.ladder is not None
            else plan.sort_by
            if plan.sort_by and not plan.grouped and plan.rank is None and not plan.windows
            else None
        )
        node = Node(
            plan,
            compile_output(plan, values, run_values),
            errors,
            sort_key=make_sort_key(plan, sort_by) if sort_by else None,
            batch=make_rank_batch(plan, values, {**values, **run_values}, errors) if plan.rank else None,
            message_values=message_values,
            values={**values, **run_values},
            warnings=warnings,
        )
        if plan.ladder is not None:
            node.step = make_ladder_step(policy, plan, node)
        if plan.windows:
            from cspolicy.engine.run_windows import WindowRun

            node.window = WindowRun(plan, {**values, **run_values}, errors)
        if matcher is not None and (explain is not None or name in explain_all):
            attach(node, policy, params, {**values, **run_values}, matcher, traces, bands)
        nodes[name] = node
        if plan.source_is_input:
            roots.setdefault(plan.source, []).append(node)
        else:
            nodes[plan.source].children.append(node)
    prep = Prepared(
        policy, settings, params, errors, nodes, roots, traces, explain, bands, values, run_values, matcher, warnings=warnings
    )
    wire_joins(prep)
    return prep


def _needed(policy: Policy, outputs: Sequence[str] | None) -> set[str]:
    """The outputs asked for and every output they read from, directly or not."""
    todo = list(policy.outputs if outputs is None else outputs)
    todo += [n for n, p in policy.outputs.items() if p.internal and p.warnings]  # its notes concern the run
    needed: set[str] = set()
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        plan = policy.outputs[name]
        if not plan.source_is_input:
            todo.append(plan.source)
        todo.extend(j.side for j in plan.joins if not j.side_is_input)
    return needed


def execute(
    prep: Prepared,
    sources: Mapping[str, Iterable[tuple[int, Row]]],
    names: Mapping[str, str],
    headers: Mapping[str, Mapping[str, str]] | None = None,
    streams: Mapping[str, Callable[[], None]] | None = None,
) -> None:
    """Push every source's rows through the outputs, then finish them (raises DataErrors).

    ``names`` are the inputs' file names and ``headers`` each input's column → file header,
    for error messages. ``streams`` (:mod:`cspolicy.engine.fastjoin`): an input whose rows a
    function of its own reads and hands to its outputs, at that input's turn.
    """
    for table, cols in (headers or {}).items():
        for node in prep.roots.get(table, []):
            node.headers = dict(cols)
    for table in sources:
        todo = list(prep.roots.get(table, []))
        while todo:
            node = todo.pop()
            node.file = names.get(table, table)
            todo.extend(node.children)
    # Each input is read to its end and its outputs finished before the next, in an order
    # that completes every join's held side before the rows that look it up.
    plans = {n: node.plan for n, node in prep.nodes.items()}
    with prep.evaluating():
        # an input held by a join whose own outputs need the joining input first is read
        # ahead into its held sides, and its rows kept for its outputs (blocks.joins)
        ahead: dict[str, list[tuple[int, Row]]] = {}
        for table in early_inputs(plans, list(sources)):
            kept = ahead[table] = []
            keep = bool(prep.roots.get(table))
            held = held_targets(prep, table)
            for rowno, row in checked_keys(prep, table, sources[table], names, headers or {}):
                for target in held:
                    target.push(row, rowno)
                if keep:
                    kept.append((rowno, row))
        # the plan's read order (planner.step_plan), over the outputs this run computes (--only)
        for table in input_order(plans, list(sources)):
            targets = prep.roots.get(table, [])
            rows: Iterable[tuple[int, Row]] = ()
            if streams and table in streams:
                streams[table]()
            elif table in ahead:
                rows = ahead.pop(table)
            else:
                rows = checked_keys(prep, table, sources[table], names, headers or {})
                if table in prep.held_inputs:
                    targets = [*targets, *held_targets(prep, table)]
            for rowno, row in rows:
                for node in targets:
                    node.push(row, rowno)
            for node in prep.roots.get(table, []):
                node.finish()
        # an optional input not given still finishes its outputs: they have no rows
        for table in [t for t in prep.roots if t not in sources]:
            for node in prep.roots[table]:
                node.finish()
    prep.errors.raise_if_any()
    prep.raise_if_strict()
