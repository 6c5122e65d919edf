"""Generated accumulation of a grouped output: each group's fold written out inline.

The careful engine folds a source row into its group through :class:`~cspolicy.blocks.Grouper`:
a call of the output's generated ``_agg`` (the ``of``/``by`` values), then one call of a
generic accumulator per aggregate. For the fused loop (:mod:`cspolicy.engine.fastpath`) that costs
more than the work itself, so :func:`group_lines` writes the fold as statements that go into
the fused row function: a dict get of the group's state list, then per aggregate a line such
as ``s[0] += v`` (sum) or ``s[1] += 1`` (count). A sum adds with ``+``: every fused loop
runs under the run's decimal context (:meth:`~cspolicy.engine.run.Prepared.evaluating`, a
copy of :data:`cspolicy.money.CONTEXT`), so ``+`` is exactly the accumulator's
``CONTEXT.add``, at a fifth of the cost of the method call.

The states are exactly those of the accumulators in :mod:`cspolicy.blocks.aggregate` (a sum
is a Decimal added under the policy context, a max the largest value so far, …), kept in the
grouper's own table (:meth:`Grouper.state_table`), so the grouped output finishes as always:
results, post-formulas, warnings and sorting are the careful engine's own code. Where a value
is not what the accumulator expects (a sum of something that is not a Decimal), the code
raises, and the fused loop hands the file to the careful engine, which says what is wrong.
An aggregate without an inline form calls its accumulator's ``add``.

Like every generated source (:mod:`cspolicy.generated`), this one is built only from
validated formula trees and aggregate names; values reach it through the namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cspolicy.blocks import Grouper
from cspolicy.expressions import ConstPool
from cspolicy.generated import define
from cspolicy.planner.plan import OutputPlan
from cspolicy.values import Kind, Value

__all__ = ["group_lines", "group_code", "GroupCode", "GroupIrregular"]


class GroupIrregular(Exception):
    """A value the inline fold does not take as it is; the careful engine decides."""


def group_lines(
    plan: OutputPlan,
    grouper: Grouper,
    ref_of: Callable[[str], str],
    values: Mapping[str, Value],
    tag: str,
    bound: Decimal | None = None,
) -> tuple[list[str], dict[str, Any], Callable[[], None]]:
    """The statements (unindented) that fold one row into the groups, the names they use
    (all starting with ``_{tag}``; locals start with ``{tag}``), and the function that hands
    the groups to ``grouper``'s state table after the last row (before ``finish()``).

    ``ref_of(name)`` is the variable holding source column ``name`` in the fused function;
    ``values`` this run's parameter and run values (formulas of ``of``/``by`` may use them).
    ``bound``: a value a sum adds outside ±bound raises (the caller's rows come in another
    order than the careful engine's, see :mod:`cspolicy.engine.fastwindow`).
    """
    code = group_code(plan, grouper, ref_of, values, tag, bound=bound)
    return [*code.values, *code.folds], code.namespace, code.finish


@dataclass
class GroupCode:
    """A grouped output's fold in two parts: ``values`` computes each aggregate's ``of``/``by``
    from the row (a function of the row's values alone), ``folds`` adds them to the row's
    group. ``carried`` names the variables ``values`` sets that ``folds`` reads, so that a
    caller remembering ``values``' results per distinct row (:mod:`cspolicy.engine.fastjoin`)
    can restore exactly those."""

    values: list[str]
    folds: list[str]
    carried: list[str]
    namespace: dict[str, Any]
    finish: Callable[[], None]
    tag: str = ""
    fold_rows: list[Callable[[list[Any], list[Any]], None]] | None = None

    def defer(self, row: str, names: str) -> None:
        """Fold later: a row only appends its tuple of values (variable ``row``, unpacked into
        ``names``) to its group's list, and ``finish`` folds each group's list in row order.
        The additions are the same, in the same order, but one group's state at a time: on a
        million events of ten thousand people in no order, every row otherwise touches a
        state far from the last one in memory (about half the fold's time)."""
        assert self.fold_rows is not None and not self.fold_rows
        tag = self.tag
        each = [f"def _fold({tag}s, pending):", f"    for {names} in pending:", *(f"        {line}" for line in self.folds[4:])]
        self.fold_rows.append(define("\n".join(each) + "\n", self.namespace, "deferred fold")["_fold"])
        self.folds = [*self.folds[:2], f"if {tag}s is None:", f"    {tag}s = _{tag}S[{tag}k] = []", f"{tag}s.append({row})"]


def group_code(
    plan: OutputPlan,
    grouper: Grouper,
    ref_of: Callable[[str], str],
    values: Mapping[str, Value],
    tag: str,
    *,
    packed: bool = False,
    tokens: Mapping[str, tuple[str, list[Any]]] | None = None,
    bound: Decimal | None = None,
) -> GroupCode:
    """The fold of :func:`group_lines`, split in its two parts (see :class:`GroupCode`).

    ``packed``: the numeric sums' values become one tuple ``{tag}a`` of (aggregate, value)
    pairs, the blanks and zeros left out, which ``folds`` adds in a loop: a row with two
    non-zero sums of twelve costs two additions, not twelve tests.

    ``tokens``: group-by columns whose key part is a small int standing for the value (the
    variable holding it, and the list of values by token), so that a value whose hash is
    computed in Python (a :class:`~cspolicy.periods.Period`) is not hashed on every row;
    ``finish`` puts the values back.

    ``bound``: as for :func:`group_lines`.
    """
    pool = ConstPool(f"_{tag}k")
    consts = {name: pool.add(value) for name, value in values.items()}
    src = {name for name, _ in plan.source_columns}

    def name_of(name: str) -> str:
        return ref_of(name) if name in src else consts[name]

    # The fold keeps its own table while the rows come, finished into the grouper's by the
    # ``finish`` it returns: keyed by the value itself when there is one key column (no
    # tuple per row), and with each count (count_true too) as an int (no Decimal addition per row).
    table = grouper.state_table()
    own: dict[Any, list[Any]] = {}
    aggs = [c for c in plan.columns if c.agg is not None]
    counts = [i for i, c in enumerate(aggs) if c.agg in ("count", "count_true")]
    starts = grouper.start_states

    def start() -> list[Any]:
        states = starts()
        for i in counts:
            states[i] = 0
        return states

    by = list(plan.group_by or ())
    tokens = tokens or {}
    keys = [tokens[k][0] if k in tokens else ref_of(k) for k in by]
    decode = [(i, tokens[k][1]) for i, k in enumerate(by) if k in tokens]
    single = len(keys) == 1

    fold_rows: list[Callable[[list[Any], list[Any]], None]] = []  # (set below when deferred)

    def finish() -> None:
        for key, states in own.items():
            if fold_rows:
                pending, states = states, start()
                fold_rows[0](states, pending)
            for i in counts:
                states[i] = Decimal(states[i])  # what adding Decimal 1 n times to 0 gives
            if decode:
                parts = [key] if single else list(key)
                for i, values in decode:
                    parts[i] = values[parts[i]]
                key = parts[0] if single else tuple(parts)
            table[(key,) if single else key] = states
        own.clear()

    ns: dict[str, Any] = {
        f"_{tag}S": own,
        f"_{tag}get": own.get,
        f"_{tag}start": start,
        f"_{tag}D": Decimal,
        f"_{tag}bad": GroupIrregular,
    }
    s, w = f"{tag}s", f"{tag}w"
    key = keys[0] if single else f"({''.join(k + ', ' for k in keys)})"
    folds = [
        f"{tag}k = {key}",
        f"{s} = _{tag}get({tag}k)",
        f"if {s} is None:",
        f"    {s} = _{tag}S[{tag}k] = _{tag}start()",
    ]
    found: list[str] = []  # the value statements
    carried: list[str] = []
    pack = f"{tag}a"
    if packed:
        found.append(f"{pack} = []")
        folds += [f"for {tag}i, {tag}x in {pack}:", f"    {s}[{tag}i] += {tag}x"]
        carried.append(pack)
    for i, (c, acc) in enumerate(zip(aggs, grouper.accumulators, strict=True)):
        # every of/by is computed, used or not, as the careful engine's ``_agg`` does: a
        # formula that cannot be computed on a row is an error there, so it must raise here
        v, b = f"{tag}v{i}", f"{tag}b{i}"
        found.append(f"# aggregate {i}")  # (no name from the policy in the source, not even a comment)
        if c.of is not None:
            found.append(f"{v} = {c.of.python(name_of, pool)}")
        if c.by is not None:
            found.append(f"{b} = {c.by.python(name_of, pool)}")
        of = v if c.of is not None else "None"
        by_ref = b if c.by is not None else "None"
        if c.agg == "sum" and c.of is not None and c.of.kind is Kind.NUMBER:
            # adding the literal 0 (``x if … else 0``) leaves the state as it is: a sum starts
            # at Decimal 0, so its exponent is never above 0 and it is never -0 (0 + -0 is 0)
            test = [
                f"if {v} is not None and {v} is not {pool.add(Decimal(0))}:",
                f"    if {v}.__class__ is not _{tag}D:  # the accumulator refuses it: the careful engine says why",
                f"        raise _{tag}bad",
                *([f"    if not {pool.add(-bound)} < {v} < {pool.add(bound)}:", f"        raise _{tag}bad"] if bound else []),
            ]
            if packed:
                found += [*test, f"    {pack}.append(({i}, {v}))"]
            else:
                folds += [*test, f"    {s}[{i}] += {v}"]
                carried.append(v)
            continue
        carried += [x for x in (v if c.of is not None else None, b if c.by is not None else None) if x]
        if c.agg == "count":
            folds.append(f"{s}[{i}] += 1")
        elif c.agg == "count_true":
            folds += [f"if {of} is True:", f"    {s}[{i}] += 1"]  # an int, as a count's
        elif c.agg in ("min", "max") and c.of is not None:
            better = f"{w} < {v}" if c.agg == "max" else f"{v} < {w}"
            folds += [
                f"if {v} is not None:",
                f"    {w} = {s}[{i}]",
                f"    if {w} is None or {better}:",
                f"        {s}[{i}] = {v}",
            ]
        elif c.agg == "all":
            folds.append(f"{s}[{i}] = {s}[{i}] and {of} is True")
        elif c.agg == "any":
            folds.append(f"{s}[{i}] = {s}[{i}] or {of} is True")
        elif c.agg == "first":
            folds += [f"if {s}[{i}] is None:", f"    {s}[{i}] = {of}"]
        elif c.agg == "last" and c.of is not None:
            folds += [f"if {v} is not None:", f"    {s}[{i}] = {v}"]
        elif c.agg in ("max_by", "min_by") and c.by is not None:
            better = f"{w}[0] < {b}" if c.agg == "max_by" else f"{b} < {w}[0]"
            folds += [
                f"if {b} is not None:",
                f"    {w} = {s}[{i}]",
                f"    if {w} is None or {better}:",
                f"        {s}[{i}] = ({b}, {of})",
            ]
        elif c.agg == "list" and c.of is not None:  # ListOf.add: texts, blanks and "" dropped
            ns[f"_{tag}str"] = str
            folds += [
                f"if {v} is not None and {v} != '':",
                f"    if {v}.__class__ is not _{tag}str:  # the accumulator refuses it: the careful engine says why",
                f"        raise _{tag}bad",
                f"    {w} = {s}[{i}]",
                f"    if {w} is None:",
                f"        {s}[{i}] = [{v}]",
                "    else:",
                f"        {w}.append({v})",
            ]
        else:  # no inline form (a sum of something not numeric): the accumulator itself
            ns[f"_{tag}acc{i}"] = acc.add
            folds.append(f"{s}[{i}] = _{tag}acc{i}({s}[{i}], {of}, {by_ref})")
    if packed:
        found.append(f"{pack} = _{tag}tuple({pack})")
        ns[f"_{tag}tuple"] = tuple
    ns.update(pool.namespace)
    ns.pop("__builtins__", None)
    return GroupCode(found, folds, carried, ns, finish, tag, fold_rows)
