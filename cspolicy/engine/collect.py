"""Which rows ``--explain KEY`` names, and the facts a run keeps for them.

Nothing here runs unless a run explains: :func:`attach` hangs hooks on the engine's nodes
only then, so the fast path and normal runs pay nothing.

**Which rows a key names** (:func:`searchable`): a row is named by the value of any of its
key columns (``key:``, or ``group_by`` for a grouped output), by all of them joined with
``/`` (``A站/面单``, ``Ａ站／面单``; spaces, width and case ignored as in key cells, never
NFKC: ``E¹`` is not ``E1``), ``total`` or ``合计``
for the one row of an output totalled over all rows (``group_by: []``), or by the value of a
*name column*: a text column of the output or of its source row whose identifier is
``name`` or ends in ``_name``, or whose label says it is a name (English ``… name``,
Chinese ``姓名`` or ``名称``). So ``--explain 王芳`` finds the rows of employee E001 as
``--explain E001`` does. A key that names no row is an error listing the closest keys and
names seen (:meth:`KeyMatcher.close`).

**How many**: at most :data:`EXPLAIN_LIMIT` rows of each output are explained (a key
naming every row of a large file kept an explanation per row in memory: about 1 GB for
100,000 rows); the rest are counted (:attr:`KeyMatcher.unexplained`) and the explanation
ends with a line saying how many and how to see them (:func:`cspolicy.explain.explain_text`).

**What is kept** for a named row: the values its formulas read and its cells' file and row
(:class:`~cspolicy.explain.trace.Trace`); for a group, the first
:data:`~cspolicy.explain.model.MEMBERS_SHOWN` rows of every group (the key is matched against
the group's output row, known only at its end) and how many there were; for a ladder, the
last occurrences of the current entity's offences; for a rank, every row's value.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cspolicy.explain.trace import MEMBERS_SHOWN, GroupFacts, LadderFacts, Occurrence, RankFacts, Trace
from cspolicy.planner.plan import OutputPlan
from cspolicy.tables.cells import cell_fold
from cspolicy.text import format_plain
from cspolicy.values import ColumnType, Value

if TYPE_CHECKING:
    from cspolicy.engine.node import Node, Origin
    from cspolicy.planner.parameters import ResolvedParameter
    from cspolicy.planner.policy import Policy
    from cspolicy.tables import Table

__all__ = ["KeyMatcher", "EveryRow", "attach", "searchable", "norm_key", "fill_cells", "searchable_text", "EXPLAIN_LIMIT"]

Row = tuple[Value, ...]
#: At most this many distinct keys are remembered for "did you mean".
_CANDIDATES = 10_000
#: At most this many texts' compared forms are remembered.
_FOLDED = 100_000
#: The key of the one row of an output totalled over every row (``group_by: []``).
TOTAL = ("total", "合计")
#: The rows of each output explained for one key unless more are asked for; more are counted.
EXPLAIN_LIMIT = 50


def norm_key(text: str) -> str:
    """A key as compared: like a key cell (width, spaces, case; never NFKC, which reads
    ``E¹`` as ``E1``), ``A站/面单`` = ``ａ站 ／ 面单``."""
    return cell_fold(cell_fold(text).replace("/", " / "))


class KeyMatcher:
    """Tests rows against ``--explain KEY``, remembers the keys seen (for suggestions) and
    counts the rows of each output it names: the first ``limit`` are explained (0: all)."""

    def __init__(self, key: str, limit: int = EXPLAIN_LIMIT) -> None:
        self.key = key
        self.norm = norm_key(key)
        self.seen: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        self.limit = limit
        self.explained: dict[str, int] = {}
        #: Rows named by the key beyond the limit, per output: counted, not explained.
        self.unexplained: dict[str, int] = {}

    def room(self, output: str) -> bool:
        """Whether one more row of ``output`` named by the key is explained (else counted)."""
        done = self.explained.get(output, 0)
        if self.limit and done >= self.limit:
            self.unexplained[output] = self.unexplained.get(output, 0) + 1
            return False
        self.explained[output] = done + 1
        return True

    def fold(self, text: str) -> str:
        folded = self.folded.get(text)
        if folded is None:
            folded = norm_key(text)
            if len(self.folded) < _FOLDED:  # key values recur (a station, an employee …)
                self.folded[text] = folded
        return folded

    def test(self, parts: Sequence[Value], names: Iterable[Value] = ()) -> bool:
        """Whether a row whose key values are ``parts`` (and names ``names``) is named by
        the key: one part, all parts joined with ``/``, or a name."""
        texts = [_plain(v) for v in parts]
        folded = [self.fold(t) for t in texts]
        found = self.norm in folded
        joined = " / ".join(folded) if len(folded) > 1 else None
        if joined == self.norm:
            found = True
        extra = [_plain(v) for v in names if v]
        for text in extra:
            if self.fold(text) == self.norm:
                found = True
        if not found and len(self.seen) < _CANDIDATES:
            if joined is not None:
                self.seen.setdefault(joined, " / ".join(texts))
            for text in (*texts, *extra):
                if text:
                    self.seen.setdefault(self.fold(text), text)
        return found

    def close(self, n: int = 3) -> list[str]:
        """The keys and names seen that are closest to the key (``difflib``)."""
        return [self.seen[c] for c in difflib.get_close_matches(self.norm, list(self.seen), n=n, cutoff=0.5)]


class EveryRow(KeyMatcher):
    """Names every row, up to ``limit`` (their traces are kept in memory): the rows of the
    outputs a workbook explains in full. ``skipped`` counts the rows past the limit."""

    def __init__(self, limit: int = 20_000) -> None:
        super().__init__("")
        self.limit = limit
        self.named = 0
        self.skipped = 0

    def test(self, parts: Sequence[Value], names: Iterable[Value] = ()) -> bool:
        if self.named >= self.limit:
            self.skipped += 1
            return False
        self.named += 1
        return True


def _is_name(ident: str, labels: Sequence[str]) -> bool:
    if ident == "name" or ident.endswith("_name"):
        return True
    for label in labels:
        low = label.strip().casefold()
        if low == "name" or low.endswith(" name") or "姓名" in label or "名称" in label:
            return True
    return False


def searchable(policy: Policy, plan: OutputPlan) -> tuple[list[int], list[int], list[int]]:
    """The output columns of the key, the output's name columns, and the source row's name
    columns (indexes into ``plan.columns`` and ``plan.source_columns``)."""
    labels = policy.labels
    names = [c.name for c in plan.columns]
    keys = [names.index(k) for k in (plan.key or plan.group_by or ()) if k in names]
    out = [
        i
        for i, c in enumerate(plan.columns)
        if i not in keys and c.ctype is ColumnType.TEXT and _is_name(c.name, labels.column(plan.name, c.name).texts())
    ]
    out_names = {plan.columns[i].name for i in out} | {names[i] for i in keys}
    src: list[int] = []
    if not plan.grouped:
        for i, (name, ctype) in enumerate(plan.source_columns):
            if name in out_names or ctype is not ColumnType.TEXT:
                continue
            label = labels.input_column(plan.source, name) if plan.source_is_input else labels.column(plan.source, name)
            if _is_name(name, label.texts()):
                src.append(i)
    return keys, out, src


def searchable_text(policy: Policy) -> str:
    """Which columns ``--explain`` searches, per output (for the message of a key that
    names no row)."""
    parts = []
    for name, plan in policy.outputs.items():
        keys, out, src = searchable(policy, plan)
        columns = [plan.columns[i].name for i in (*keys, *out)] + [plan.source_columns[i][0] for i in src]
        if plan.group_by == ():
            columns.insert(0, "/".join(TOTAL))
        if columns:
            parts.append(f"{name} ({', '.join(dict.fromkeys(columns))})")
    return "a value of a key or name column: " + ", ".join(parts)


def _plain(value: Value) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else format_plain(value)


def attach(
    node: Node,
    policy: Policy,
    params: Mapping[str, ResolvedParameter],
    values: Mapping[str, Value],
    matcher: KeyMatcher,
    traces: list[Trace],
    bands: Mapping[str, Any],
) -> None:
    """Hang the explaining hooks on ``node``: traces of the rows ``matcher`` names go to ``traces``."""
    plan = node.plan
    keys, out_names, src_names = searchable(policy, plan)
    source = [name for name, _ in plan.source_columns]
    if plan.grouped:
        _attach_group(node, policy, params, values, matcher, traces, bands, keys, out_names)
        return
    ladder = _LadderHistory(policy, plan) if plan.ladder is not None else None
    field: list[tuple[Row, Value, int]] = []
    if node.window is not None:
        node.window.explaining = True

    def on_row(n: Node, row: Row, x: Row, out: Row, origin: Origin) -> None:
        facts = ladder.step(row, x, origin) if ladder is not None else None
        rank = None
        if plan.rank is not None:
            env = dict(values)
            env.update(zip(source, row))
            rank = RankFacts(plan.rank.by.evaluate(env), int(x[0]), x[1], field, len(field))  # type: ignore[arg-type]
            field.append((tuple(out[i] for i in keys), rank.value, rank.rank))
        names = [out[i] for i in out_names] + [row[i] for i in src_names]
        if not matcher.test([out[i] for i in keys], names) or not matcher.room(plan.name):
            return
        env = dict(values)
        env.update(zip(source, row))
        env.update(zip(plan.step_names, x))
        traces.append(
            Trace(
                policy, plan.name, params, env, out, n.file, origin, ladder=facts, rank=rank, headers=dict(n.headers), bands=bands
            )
        )
        if n.window is not None:
            traces[-1].windows = dict(n.window.current)
        traces[-1].warnings = list(n.fired)

    node.on_row = on_row


def _attach_group(
    node: Node,
    policy: Policy,
    params: Mapping[str, ResolvedParameter],
    values: Mapping[str, Value],
    matcher: KeyMatcher,
    traces: list[Trace],
    bands: Mapping[str, Any],
    keys: list[int],
    out_names: list[int],
) -> None:
    plan = node.plan
    source = [name for name, _ in plan.source_columns]
    key_idx = [source.index(k) for k in plan.group_by or ()]
    members: dict[Row, list[tuple[int, Row]]] = {}
    counts: dict[Row, int] = {}

    def on_group_row(n: Node, row: Row, origin: Origin) -> None:
        key = tuple(row[i] for i in key_idx)
        count = counts.get(key, 0)
        counts[key] = count + 1
        if count < MEMBERS_SHOWN:
            members.setdefault(key, []).append((origin, row))

    def on_group(n: Node, key: Row, out: Row, results: Row) -> None:
        parts: list[Value] = [out[i] for i in keys] if plan.group_by else list(TOTAL[:1])
        names = [out[i] for i in out_names] + ([] if plan.group_by else list(TOTAL[1:]))
        if not matcher.test(parts, names) or not matcher.room(plan.name):
            return
        env = dict(values)
        env.update(zip(plan.group_by or (), key))
        group = GroupFacts(key, results, members.get(key, []), counts.get(key, 0))
        traces.append(Trace(policy, plan.name, params, env, out, n.file, 0, group=group, bands=bands, warnings=list(n.fired)))

    node.on_group_row = on_group_row
    node.explain_group = on_group


class _LadderHistory:
    """The last occurrences of each offence of the current entity (rows come sorted by
    entity, date and input order, so one entity's history at a time is enough)."""

    def __init__(self, policy: Policy, plan: OutputPlan) -> None:
        assert plan.ladder is not None
        lp = plan.ladder
        names = [n for n, _ in plan.source_columns]
        self.schedule = policy.schedules[lp.schedule]
        self.entity = [names.index(e) for e in lp.entity]
        self.fixed = self.schedule.find(lp.offence_code) if lp.offence_code else None
        self.offence, self.date = (names.index(lp.offence) if self.fixed is None else -1), names.index(lp.date)
        self.amount = None if lp.amount is None else names.index(lp.amount)
        self.current: Row | None = None
        self.history: dict[str, list[Occurrence]] = {}

    def step(self, row: Row, x: Row, origin: int) -> LadderFacts:
        entity = tuple(row[i] for i in self.entity)
        if entity != self.current:
            self.current, self.history = entity, {}
        offence: Any = self.fixed or self.schedule.find(str(row[self.offence]))
        day: Any = row[self.date]
        occurrence = int(x[0])  # type: ignore[arg-type]
        past = self.history.setdefault(offence.code, [])
        earlier = past[-(occurrence - 1) :] if occurrence > 1 else []
        amount = row[self.amount] if self.amount is not None else None
        facts = LadderFacts(offence, entity, day, occurrence, tuple(earlier), amount, x[2])
        past.append(Occurrence(day, occurrence, origin, str(x[1]), x[2]))
        del past[:-MEMBERS_SHOWN]
        return facts


def fill_cells(traces: Iterable[Trace], tables: Mapping[str, Table]) -> None:
    """Give each trace of an input row the cells the file held (one pass over each file
    that holds explained rows; only when explaining) and the columns whose default applied."""
    wanted: dict[str, dict[int, list[Trace]]] = {}
    for trace in traces:
        plan = trace.policy.outputs[trace.output]
        if trace.group is None and plan.source_is_input and trace.row and plan.source in tables:
            wanted.setdefault(plan.source, {}).setdefault(trace.row, []).append(trace)
    for table_name, rows in wanted.items():
        table = tables[table_name]
        spec = table.spec
        last = max(rows)
        with table.raw_cells() as reader:
            for number, cells in enumerate(reader, 2):
                for trace in rows.get(number, ()):
                    found = ((c.name, table.header_map.get(c.name)) for c in spec.columns)
                    got = {name: cells[i] for name, i in found if i is not None and i < len(cells)}
                    trace.cells = got
                    trace.defaulted = frozenset(
                        c.name for c in spec.columns if c.default is not None and not got.get(c.name, "").strip()
                    )
                if number >= last:
                    break
