"""A run over rows held in memory: :func:`evaluate` and its :class:`Results` (for developers
and tests; files go through :func:`~cspolicy.engine.files.run_files`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cspolicy.engine.collect import EXPLAIN_LIMIT, norm_key
from cspolicy.engine.run import Prepared, RunSettings, execute, no_row_error, prepare
from cspolicy.engine.run_period import apply_default_period
from cspolicy.engine.usage import check_tables, keyed_records
from cspolicy.errors import UsageError
from cspolicy.explain import Explanation, explain_text
from cspolicy.explain.trace import Trace
from cspolicy.i18n import Lang
from cspolicy.notes import Warnings
from cspolicy.planner.parameters import ResolvedParameter
from cspolicy.planner.policy import Policy
from cspolicy.tables.records import read_records
from cspolicy.values import Value

__all__ = ["Results", "evaluate", "memory_sources"]

Row = tuple[Value, ...]


@dataclass
class Results:
    """The outputs of an in-memory run: rows per output, plus explanations asked for.

    It keeps the run's input rows, so that :meth:`explain` can explain any row afterwards.
    """

    policy: Policy
    parameters: dict[str, ResolvedParameter]
    tables: dict[str, list[dict[str, Value]]]
    traces: list[Trace] = field(default_factory=list)
    settings: RunSettings = field(default_factory=RunSettings)
    #: Each input's typed rows as read (row number, values), for explaining on demand.
    inputs: dict[str, list[tuple[int, Row]]] = field(default_factory=dict)
    #: The key given to :func:`evaluate` as ``explain``, whose rows :attr:`traces` hold.
    explained: str | None = None
    #: (input, row number) → the columns whose cell was blank and took the column's default.
    defaulted: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    #: The run's warnings (:class:`~cspolicy.notes.Warnings`: iterate for the notes).
    warnings: Warnings = field(default_factory=Warnings)
    #: Rows named by :attr:`explained` beyond the first 50 of each output: counted, not traced.
    unexplained: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, output: str) -> list[dict[str, Value]]:
        return self.tables[output]

    def explain(self, key: str | None = None, *, lang: Lang = "en", limit: int = EXPLAIN_LIMIT) -> str:
        """The explanations of every row whose key (or name) is ``key``, in ``lang``, as
        plain text; computed now if :func:`evaluate` was not asked for them. Without
        ``key``, the rows explained by ``evaluate(…, explain=KEY)``. A key that matches no
        row is a :class:`~cspolicy.errors.UsageError` naming the closest keys. At most
        ``limit`` rows of each output are explained (0: all), then a line says how many more.

        >>> from cspolicy import load_policy
        >>> r = evaluate(load_policy("materials-order"),
        ...              {"stations": [{"station": "A", "material": "box", "parcels": "10000", "growth": "15%"}]})
        >>> print(r.explain("A", lang="zh").splitlines()[2])
          一周申请数量 = 3050 [R-MT-1]：上月实际收件量 10000 × (1 + 本月预计业务增长率 15% + 物料损耗率 7%) ÷ 4 = 3050，向上取整
        """
        traces, more = self._traces(key, limit)
        return explain_text(traces, lang, more, limit, how="limit=N")

    def explanations(self, key: str | None = None, *, lang: Lang = "en", limit: int = EXPLAIN_LIMIT) -> list[Explanation]:
        """Like :meth:`explain`, as structured explanations (:class:`~cspolicy.explain.Explanation`:
        lines with their depth and kind, for a workbook sheet)."""
        return [t.explanation(lang) for t in self._traces(key, limit)[0]]

    def _traces(self, key: str | None, limit: int) -> tuple[list[Trace], dict[str, int]]:
        """The traces of the rows ``key`` names (at most ``limit`` per output) and how many
        more each output has: those :func:`evaluate` kept when they are the same rows."""
        if key is None:
            if not self.traces:
                raise UsageError("explain(): no row was explained", expected="a key, e.g. results.explain('A站')")
            key = self.explained
        assert key is not None
        same = self.explained is not None and self.traces and norm_key(self.explained) == norm_key(key)
        if same and (limit == EXPLAIN_LIMIT or (not self.unexplained and (limit == 0 or limit >= EXPLAIN_LIMIT))):
            return self.traces, self.unexplained
        prep = prepare(self.policy, self.settings, explain=key, given=set(self.inputs), explain_limit=limit)
        execute(prep, {name: iter(rows) for name, rows in self.inputs.items()}, {})
        _mark_defaults(prep.traces, self.defaulted)
        assert prep.matcher is not None
        if not prep.traces:
            raise no_row_error(f"explain({key!r})", prep.matcher, self.policy)
        return prep.traces, prep.matcher.unexplained


def _mark_defaults(traces: Sequence[Trace], defaulted: Mapping[tuple[str, int], frozenset[str]]) -> None:
    """Tell the traces of rows given in memory which of their cells were blank and took
    their column's default."""
    if not defaulted:
        return
    for trace in traces:
        plan = trace.policy.outputs[trace.output]
        if trace.group is None and plan.source_is_input:
            trace.defaulted = defaulted.get((plan.source, trace.row), frozenset())


def memory_sources(
    prep: Prepared,
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    defaulted: dict[tuple[str, int], frozenset[str]] | None = None,
) -> dict[str, Iterable[tuple[int, Row]]]:
    """Rows given as dicts keyed by column name or header, read like CSV rows (see
    :mod:`~cspolicy.tables.records` and :func:`~cspolicy.engine.usage.keyed_records`).
    ``defaulted`` receives, for explanations, the cells left blank that take their
    column's default."""
    check_tables(prep.policy, tables)
    out: dict[str, Iterable[tuple[int, Row]]] = {}
    for name, spec in prep.policy.inputs.items():
        if name not in tables:  # an optional input not given has no rows
            continue
        records: Iterable[dict[str, Any]] = keyed_records(tables[name], spec)
        defaults = [c.name for c in spec.columns if c.default is not None]
        if defaulted is not None and defaults:
            records = _note_defaults(name, defaults, records, defaulted)
        out[name] = read_records(records, spec, name=name, errors=prep.errors)
    return out


def _note_defaults(
    table: str, columns: Sequence[str], records: Iterable[dict[str, Any]], defaulted: dict[tuple[str, int], frozenset[str]]
) -> Iterator[dict[str, Any]]:
    for number, record in enumerate(records, start=2):
        blank = frozenset(c for c in columns if record.get(c) is None or (isinstance(record[c], str) and not record[c].strip()))
        if blank:
            defaulted[(table, number)] = blank
        yield record


def _listed(tables: Mapping[str, Any]) -> dict[str, Any]:
    """Each table's rows in a list (a bundle's rows are read by the checks and each part)."""
    return {n: r if isinstance(r, (Mapping, str, bytes)) or not isinstance(r, Iterable) else list(r) for n, r in tables.items()}


def evaluate(
    policy: Policy,
    tables: Mapping[str, Iterable[Mapping[str, Any]]],
    *,
    settings: RunSettings | None = None,
    explain: str | None = None,
) -> Results:
    """Evaluate ``policy`` over rows held in memory and return every output's rows.

    ``tables`` maps each input name to rows given as dicts keyed by column name, with text
    cells (``"15%"``, converted exactly like CSV cells) or typed values (``Decimal``). A key
    may be any header the CSV reader accepts for the column (``上月实际票数``); an unknown key
    or table is a :class:`~cspolicy.errors.UsageError`; ``None`` and float NaN are blank.

    >>> from cspolicy import load_policy
    >>> r = evaluate(load_policy("materials-order"),
    ...              {"stations": [{"station": "A", "material": "box", "parcels": "10000", "growth": "15%"}]})
    >>> r["orders"][0]["weekly_qty"]
    Decimal('3050')
    """
    if not policy.components:  # (a bundle's tables are checked as its parts take theirs)
        check_tables(policy, tables)  # before set(tables): a list of rows given as the tables is refused, not a TypeError
    elif not isinstance(tables, Mapping):
        check_tables(policy, tables)  # the message for a list given as the tables
    settings = settings or RunSettings()
    settings, note, tables = apply_default_period(policy, settings, tables)
    parts = None
    checked = None
    if policy.components or policy.consistency is not None:
        tables = _listed(tables)  # read more than once: by the checks, by each part
    if policy.components and settings.period is None:  # a bundle's parts evaluate one month
        from cspolicy.engine.run_bundles import bundle_period
        from cspolicy.planner.consistency import memory_source

        settings, note = bundle_period(policy, settings, memory_source(tables))
    if policy.consistency is not None:  # checks across the inputs, before anything is computed
        from cspolicy.planner.consistency import check_consistency, memory_source, report

        checked = check_consistency(policy.consistency, memory_source(tables), settings.period)
        report(policy.consistency, checked, None)
    if policy.components:  # a bundle: its components run first, over the same rows
        from cspolicy.engine.run_bundles import evaluate_components

        parts, tables = evaluate_components(policy, tables, settings, explain, evaluate)
    prep = prepare(policy, settings, explain=explain, given={*tables, *(parts.tables if parts else ())})
    if note is not None:
        prep.warnings.add(note)
    sinks: dict[str, list[tuple[Value, ...]]] = {}
    for name, node in prep.nodes.items():
        rows: list[tuple[Value, ...]] = []
        sinks[name] = rows
        node.writers.append(rows.append)
    kept: dict[str, list[tuple[int, Row]]] = {}

    def keep(name: str, rows: Iterable[tuple[int, Row]]) -> Iterator[tuple[int, Row]]:
        store = kept.setdefault(name, [])
        for item in rows:
            store.append(item)
            yield item

    defaulted: dict[tuple[str, int], frozenset[str]] = {}
    if checked is not None and policy.consistency is not None:
        from cspolicy.planner.consistency import report

        report(policy.consistency, checked, prep.warnings)
    sources = memory_sources(prep, tables, defaulted)
    if parts is not None:
        sources.update({name: table.rows() for name, table in parts.tables.items()})
        parts.merge_into(prep.warnings)
    execute(prep, {name: keep(name, rows) for name, rows in sources.items()}, {})
    _mark_defaults(prep.traces, defaulted)
    if parts is not None:
        from cspolicy.engine.run_bundles import own_traces

        prep.traces[:] = [*own_traces(prep.traces), *parts.traces]
    out = {}
    for name, rows in sinks.items():
        cols = [(i, c.name) for i, c in enumerate(policy.outputs[name].columns) if not c.hidden]
        out[name] = [{n: r[i] for i, n in cols} for r in rows]
    more = prep.matcher.unexplained if prep.matcher is not None else {}
    return Results(policy, prep.parameters, out, prep.traces, prep.settings, kept, explain, defaulted, prep.warnings, more)
