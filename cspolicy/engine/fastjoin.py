"""The fused loop for a run of several inputs: the largest input's rows in one generated loop.

A policy that joins (an events log looked up in a staff list, then grouped per employee and
month) reads several inputs, so :func:`cspolicy.engine.fastpath.run_clean`'s one-file loops do
not apply. Here the careful engine (:func:`cspolicy.engine.run.execute`) runs the run as
always — every other input, its held sides, read-ahead and outputs, in the plan's order — but
the rows of one input, the *streamed* one (the largest file of those that qualify), go
through one generated generator instead of the per-row dispatch of :class:`~.node.Node`:

* the cells converted inline (:mod:`cspolicy.tables.rowcode`);
* each join of the output with an input held in memory as a dict get on the held side's
  rows (a ``lookup`` that finds nothing, like any irregularity, hands the run back);
* its ``where:`` filter (a row not kept is skipped) and its ``checks:`` (a failing check hands
  the run back: the careful engine reports it, with the row);
* its columns (:func:`~cspolicy.engine.rowfunctions.row_code`), the folds of the grouped
  outputs reading it (:mod:`cspolicy.engine.groupcode`) and, when the output is written to
  a CSV file, its CSV cells, fed to ``csv.writer.writerows``;
* when nothing is written per row, a memo (:func:`_remembered`): a row whose cells other than
  its *identity* cells (an employee id used only as a group key) were seen before reuses what
  they gave the groups — the formulas are functions of the cells, so a score event of the same
  day, item and points costs a dict get instead of 9 checks and 13 formulas. The memo keys on
  raw cell text, restarts when it holds :data:`MEMO_ROWS` rows, and switches itself off when
  fewer than half the rows were found in it.

What comes after (the grouped outputs' groups, the outputs reading them, windows, sorting)
is the careful engine's own code. The formulas are generated from the same checked trees as
the careful engine's functions, so the files are byte-identical (``bench/suite.py`` checks
it; ``tests/test_fastjoin.py`` compares both on joins, filters, checks and groups).
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cspolicy.engine.fastwarn import warning_lines
from cspolicy.engine.groupcode import GroupCode, group_code
from cspolicy.engine.node import Node
from cspolicy.engine.plain_cells import plain_cells
from cspolicy.engine.rowfunctions import row_code
from cspolicy.engine.rows_read import note_table
from cspolicy.engine.run import Prepared, execute
from cspolicy.expressions import ConstPool
from cspolicy.generated import define
from cspolicy.planner.plan import OutputPlan
from cspolicy.tables import CsvSink, Table
from cspolicy.tables.rowcode import column_blocks
from cspolicy.values import ColumnType

__all__ = ["run_joined"]


class _Irregular(Exception):
    """A row the loop does not handle; the careful engine will."""


def run_joined(prep: Prepared, tables: Mapping[str, Table], sinks: Mapping[str, tuple[CsvSink, Sequence[int]]] | None) -> bool:
    """Run ``prep`` over ``tables`` with the largest qualifying input streamed through one
    generated loop; False when none qualifies or the run met anything irregular (then its
    outputs are incomplete and must be discarded, and the careful engine runs)."""
    candidates = [name for name in tables if _streamable(prep, name)]
    if not candidates:
        return False
    name = max(candidates, key=lambda t: os.path.getsize(tables[t].path))
    table = tables[name]
    node = prep.roots[name][0]
    sink = sinks.get(node.plan.name) if sinks else None
    if node.writers and (sink is None or len(node.writers) != 1):
        return False
    others = {t: tab.rows() for t, tab in tables.items() if t != name}
    headers = {t: {col: tab.headers[i] for col, i in tab.header_map.items()} for t, tab in tables.items()}
    try:
        stream = _stream(prep, node, table, sink if node.writers else None)
        execute(prep, {**others, name: iter(())}, {t: tab.name for t, tab in tables.items()}, headers, {name: stream})
    except Exception:  # anything, _Irregular included: the careful engine will say what and where
        return False
    return not prep.errors.count


def _streamable(prep: Prepared, name: str) -> bool:
    """Whether input ``name``'s rows can go through the loop: one row-wise output reads it,
    joined only with other inputs, and only grouped outputs (without filters) read that."""
    roots = prep.roots.get(name, [])
    if len(roots) != 1 or name in prep.held_inputs or prep.policy.inputs[name].key:
        return False
    node = roots[0]
    plan = node.plan
    if plan.grouped or plan.ladder or plan.rank or plan.sort_by or plan.windows or plan.step_names:
        return False
    if node.on_row or node.fns.row is None or node.step is not None or node.window is not None:
        return False
    if any(not j.side_is_input or j.side == name or j.how not in ("left", "inner", "lookup") for j in plan.joins):
        return False
    return all(c.plan.grouped and not c.plan.where and c.on_group_row is None for c in node.children)


def _held_rows(prep: Prepared, side: str, on: tuple[str, ...]) -> dict[Any, Any]:
    for h in prep.held_inputs.get(side, ()):
        if h.on == on:
            return h.rows
    raise _Irregular  # (wire_joins gives every join of an input its held side)


def _stream(prep: Prepared, node: Node, table: Table, sink: tuple[CsvSink, Sequence[int]] | None) -> Callable[[], None]:
    """The function that reads ``table`` through the generated loop (see the module notes)."""
    plan = node.plan
    blocks, conv_ns = column_blocks(table.row_plan())
    width = len(table.spec.columns)
    refs = [f"v{i}" for i in range(width)]
    names = [nm for nm, _ in plan.source_columns]
    namespace: dict[str, Any] = {**conv_ns}
    joins: list[str] = []
    join_keys: set[str] = set()
    blank = {c.name for c in table.spec.columns if not c.required and c.default is None}
    for n, j in enumerate(plan.joins):
        held = _held_rows(prep, j.side, j.on)
        keys = [refs[names.index(k)] for k in j.on]
        join_keys.update(j.on)
        side_names = [c.name for c in prep.policy.inputs[j.side].columns]
        namespace[f"_jh{n}"] = held.get
        test = " or ".join(f"{k} is None" for k in keys)
        joins += [f"m{n} = None if {test} else _jh{n}(({''.join(k + ', ' for k in keys)}))", f"if m{n} is None:"]
        if j.how == "lookup":
            joins.append("    raise _Irregular")
        elif j.how == "inner":
            joins.append("    continue")
        else:
            namespace[f"_jb{n}"] = (None,) * len(side_names)
            joins.append(f"    m{n} = _jb{n}")
        for ours, theirs, _ in j.columns:
            refs.append(f"j{n}_{len(refs)}")
            joins.append(f"{refs[-1]} = m{n}[{side_names.index(theirs)}]")
            blank.add(ours)
    source = {name: refs[i] for i, name in enumerate(names)}
    pool = ConstPool("_w")
    consts = {name: pool.add(value) for name, value in {**prep.run_values, **prep.values}.items()}

    def name_of(name: str) -> str:
        return source.get(name) or consts[name]

    tests: list[str] = []
    if plan.where is not None:
        tests += [f"if not ({plan.where.python(name_of, pool)}):", "    continue"]
    for chk in plan.checks:
        tests += [f"if not ({chk.expression.python(name_of, pool)}):", "    raise _Irregular"]
    namespace.update(pool.namespace)
    # the reader strips text cells: a value is None or text with something in it
    trimmed = frozenset(
        c.name
        for c in table.spec.columns
        if c.type is ColumnType.TEXT and (c.default is None or (isinstance(c.default, str) and c.default.strip()))
    )
    compute, compute_ns, blanks = row_code(
        plan, prep.values, prep.run_values, [source[nm] for nm in names], "_q", frozenset(blank), trimmed
    )
    namespace.update(compute_ns)
    outputs = {c.name: f"c{i}" for i, c in enumerate(plan.columns)}
    warn_lines, warn_ns = warning_lines(
        node, source, consts, pool, "rows + 1", _Irregular
    )  # rows that warn: the careful engine's notes
    namespace.update({**pool.namespace, **warn_ns})
    # the memo of derived rows: when nothing is written per row and no row warns (a warning names its row)
    identity = _identities(plan, node) if sink is None and node.children and not warn_lines else None
    # with the memo, a group-by column it gives is a token (values hashed once, in _derive)
    tokens: dict[str, tuple[str, list[Any]]] = {}
    for group in node.children if identity is not None else ():
        for k in group.plan.group_by or ():
            if identity is not None and k not in identity and k not in tokens:
                tokens[k] = (f"u{outputs[k][1:]}", [])
    groups = []
    for n, group in enumerate(node.children):
        assert group._grouper is not None
        code = group_code(
            group.plan, group._grouper, outputs.__getitem__, group.values, f"grp{n}_", packed=identity is not None, tokens=tokens
        )
        groups.append(code)
        namespace.update(code.namespace)
    if identity is not None:
        body = _remembered(plan, node, table, blocks, joins, tests, compute, groups, identity, tokens, join_keys, refs, namespace)
    else:
        body = [line for block in blocks for line in block] + joins + tests + compute + warn_lines
        body += [line for code in groups for line in (*code.values, *code.folds)]
    body.append("kept += 1")
    if sink is not None:
        csv_sink, indexes = sink
        cells, write_ns = csv_sink.cell_code([f"c{i}" for i in indexes], plain_cells(node, table, indexes, blanks))
        namespace.update(write_ns)
        body.append(f"yield ({', '.join(cells)},)")
    source_text = "\n".join(
        [
            "def _rows(reader, _done):",
            "    rows = kept = 0",
            *(["    mget, mstart = _M.get, 0"] if identity is not None else []),
            "    for cells in reader:",
            "        rows += 1",
            f"        if _len(cells) != {len(table.headers)} or not (cells[0] or _any(cells)):",
            "            raise _Irregular",
            *(f"        {line}" for line in body),
            "    _done.extend((rows, kept))",
            *([] if sink is not None else ["    yield None"]),
        ]
    )
    namespace.update({"_len": len, "_any": any, "_Irregular": _Irregular})
    rows_of = define(source_text + "\n", namespace, f"fused joined row {plan.name}")["_rows"]
    handovers = [group.finish for group in groups]

    def stream() -> None:
        done: list[int] = []
        with table.raw_cells() as reader:
            header = reader.line_num
            if sink is not None:
                sink[0].write_all(rows_of(reader, done))
            else:
                collections.deque(rows_of(reader, done), maxlen=0)
            rows, kept = done
            if reader.line_num != header + rows:  # a record ran over several lines
                raise _Irregular
            note_table(table, rows)  # (s-mat: the run record's count, not a second reading)
        for handover in handovers:
            handover()
        node.count = kept

    return stream


#: The memo of derived row values keeps at most this many distinct rows, then starts again
#: (or stops, when fewer than half of the rows since the last start were found in it).
MEMO_ROWS = 1 << 15


def _identities(plan: OutputPlan, node: Node) -> dict[str, str]:
    """Output column → source column, for the columns that merely copy a source value used
    nowhere else but as a group key (an employee id): the rest of the row is a function of
    the other cells alone, so :func:`_remembered` may remember it per distinct rest."""
    src = {nm for nm, _ in plan.source_columns}
    used: set[str] = set()
    copies: dict[str, str] = {}
    if plan.where is not None:
        used |= plan.where.names
    for chk in plan.checks:
        used |= chk.expression.names
    for c in plan.columns:
        assert c.expression is not None
        bare = c.expression.bare_name
        if bare in src and c.rounding is None:
            copies[c.name] = bare
        else:
            used |= c.expression.names
    for child in node.children:
        for c in child.plan.columns:
            for formula in (c.of, c.by):
                if formula is not None:
                    used |= formula.names
    kept = (used & src) | {s for col, s in copies.items() if col in used}
    return {col: s for col, s in copies.items() if s not in kept}


def _remembered(
    plan: OutputPlan,
    node: Node,
    table: Table,
    blocks: list[list[str]],
    joins: list[str],
    tests: list[str],
    compute: list[str],
    groups: list[GroupCode],
    identity: Mapping[str, str],
    tokens: Mapping[str, tuple[str, list[Any]]],
    join_keys: set[str],
    refs: list[str],
    namespace: dict[str, Any],
) -> list[str]:
    """The loop body that remembers, per distinct row less its identity cells (see
    :func:`_identities`), what the row gives the groups: the cells are converted, checked
    and computed by ``_derive`` the first time such a row comes, and every later one costs a
    dict get. Identity cells and join keys are converted on every row (a bad cell is an
    error wherever it is); the memo keys on the raw text of the other cells and the joined
    values, so a row found in it was converted and checked exactly as this one would be."""
    names = [nm for nm, _ in plan.source_columns]
    width = len(table.spec.columns)
    ahead = {i for i in (names.index(s) for s in (*identity.values(), *join_keys)) if i < width}  # converted first
    file_index = [index for index, _, _ in table.row_plan()]
    raw = sorted(i for j, i in enumerate(file_index[:width]) if j not in ahead and i is not None)
    key = [refs[j] for j in range(width) if j in ahead and names[j] not in identity.values()]
    key += [refs[i] for i in range(width, len(names)) if names[i] not in identity.values()]
    # the raw cells as one text joined by a separator (one hash, one comparison: half the cost
    # of a tuple of cells); a row is remembered only when no cell holds the separator, so
    # two rows' texts are equal only when their cells are
    separators = len(raw) - 1
    clean = f" and {'mk[0]' if len(key) > 0 else 'mk'}.count(_SEP) == {separators}" if raw else ""
    if raw and raw == list(range(raw[0], raw[-1] + 1)):  # side by side: one slice
        key.insert(0, f"_SEP.join(cells[{raw[0]}:{raw[-1] + 1}])")
    elif raw:
        key.insert(0, f"_SEP.join(({''.join(f'cells[{i}], ' for i in raw)}))")
    outputs = {c.name: f"c{i}" for i, c in enumerate(plan.columns)}
    copied = {outputs[col]: refs[names.index(s)] for col, s in identity.items()}
    carried = [var for var, _ in tokens.values()]
    carried += [v for code in groups for v in code.carried]
    params = ["cells", *(refs[j] for j in sorted(ahead)), *refs[width:]]
    derive = [f"def _derive({', '.join(params)}):"]
    derive += [f"    {line}" for j, block in enumerate(blocks) if j not in ahead for line in block]
    derive += [f"    {line}" if line != "    continue" else "        return _SKIP" for line in tests]
    derive += [f"    {line}" for line in compute]
    derive += [f"    {line}" for code in groups for line in code.values]
    for col, (var, values) in tokens.items():  # each distinct value once, as a small int
        namespace[f"_T{var}"], namespace[f"_U{var}"] = {}, values
        derive += [
            f"    {var} = _T{var}.get({outputs[col]})",
            f"    if {var} is None:",
            f"        {var} = _T{var}[{outputs[col]}] = _len(_U{var})",
            f"        _U{var}.append({outputs[col]})",
        ]
    derive.append(f"    return ({''.join(v + ', ' for v in carried)})")
    namespace.update({"_SKIP": _SKIP, "_M": {}, "_nothing": {}.get, "_MEMO": MEMO_ROWS, "_Irregular": _Irregular, "_SEP": _SEP})
    namespace["_derive"] = define("\n".join(derive) + "\n", namespace, f"derived row {plan.name}")["_derive"]
    body = _ahead_lines(plan, blocks, joins, ahead, file_index, refs, width, namespace)
    body += [
        f"mk = ({''.join(k + ', ' for k in key)})" if len(key) != 1 or not raw else f"mk = {key[0]}",
        "mv = mget(mk)",
        "if mv is None:",
        f"    mv = _derive({', '.join(params)})",
        f"    if mget is not _nothing{clean}:",
        "        if _len(_M) >= _MEMO:",
        "            if rows - mstart < 2 * _MEMO:  # fewer than half found: remembering does not pay",
        "                mget = _nothing",
        "            _M.clear()",
        "            mstart = rows",
        "        _M[mk] = mv",
        "if mv is _SKIP:",
        "    continue",
        f"{''.join(v + ', ' for v in carried)} = mv" if carried else "pass",
        *(f"{c} = {v}" for c, v in copied.items()),
    ]
    for code in groups:  # each group's rows folded together at the end (see GroupCode.defer)
        code.defer("mv", f"({''.join(v + ', ' for v in carried)})" if carried else "_")
    return body + [line for code in groups for line in code.folds]


def _ahead_lines(
    plan: OutputPlan,
    blocks: list[list[str]],
    joins: list[str],
    ahead: set[int],
    file_index: list[int | None],
    refs: list[str],
    width: int,
    namespace: dict[str, Any],
) -> list[str]:
    """The statements converting the cells read before the memo (identity cells, join keys)
    and looking up the joins: remembered per raw text of those cells (an employee's id →
    the id and the staff row's values), one dict get a row instead of a converter's memo, a
    tuple and the join's get. Not with an inner join (a row it drops is not a value)."""
    lines = [line for j, block in enumerate(blocks) if j in ahead for line in block] + joins
    cells = sorted(i for j in ahead if (i := file_index[j]) is not None)
    if not cells or any(j.how == "inner" for j in plan.joins):
        return lines
    values = [refs[j] for j in sorted(ahead)] + refs[width:]
    text = f"cells[{cells[0]}]" if len(cells) == 1 else f"_SEP.join(({''.join(f'cells[{i}], ' for i in cells)}))"
    clean = "" if len(cells) == 1 else f" and ak.count(_SEP) == {len(cells) - 1}"
    namespace["_A"] = {}
    return [
        f"ak = {text}",
        "av = _A.get(ak)",
        "if av is None:",
        *(f"    {line}" for line in lines),
        f"    av = ({''.join(v + ', ' for v in values)})",
        f"    if _len(_A) < _MEMO{clean}:",
        "        _A[ak] = av",
        f"{''.join(v + ', ' for v in values)} = av",
    ]


#: Joins a row's cells into its memo key (a character no cell a converter accepts holds).
_SEP = "\x1f"


class _Skip:
    """What ``_derive`` gives for a row the output's ``where:`` leaves out."""


_SKIP = _Skip()
