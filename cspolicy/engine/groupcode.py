"""Generated accumulation of a grouped output: each group's fold written out inline.

The careful engine folds a source row into its group through :class:`~cspolicy.blocks.Grouper`:
a call of the output's generated ``_agg`` (the ``of``/``by`` values), then one call of a
generic accumulator per aggregate. For the fused loop (:mod:`cspolicy.engine.fastpath`) that costs
more than the work itself, so :func:`group_lines` writes the fold as statements that go into
the fused row function: a dict get of the group's state list, then per aggregate a line such
as ``s[0] = add(s[0], v)`` (sum) or ``s[1] = s[1] + one`` (count).

The states are exactly those of the accumulators in :mod:`cspolicy.blocks.aggregate` (a sum
is a Decimal added under the policy context, a max the largest value so far, …), kept in the
grouper's own table (:meth:`Grouper.state_table`), so the grouped output finishes as always:
results, post-formulas, warnings and sorting are the careful engine's own code. Where a value
is not what the accumulator expects (a sum of something that is not a Decimal), the code
raises, and the fused loop hands the file to the careful engine, which says what is wrong.
An aggregate without an inline form (``list``) calls its accumulator's ``add``.

Like every generated source (:mod:`cspolicy.generated`), this one is built only from
validated formula trees and aggregate names; values reach it through the namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from cspolicy.blocks import Grouper
from cspolicy.expressions import ConstPool
from cspolicy.money import CONTEXT
from cspolicy.planner.plan import OutputPlan
from cspolicy.values import Kind, Value

__all__ = ["group_lines", "GroupIrregular"]


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

    keys = [ref_of(k) for k in plan.group_by or ()]
    single = len(keys) == 1

    def finish() -> None:
        for key, states in own.items():
            for i in counts:
                states[i] = Decimal(states[i])  # what adding Decimal 1 n times to 0 gives
            table[(key,) if single else key] = states
        own.clear()

    ns: dict[str, Any] = {
        f"_{tag}S": own,
        f"_{tag}get": own.get,
        f"_{tag}start": start,
        f"_{tag}add": CONTEXT.add,
        f"_{tag}D": Decimal,
        f"_{tag}bad": GroupIrregular,
    }
    s, w = f"{tag}s", f"{tag}w"
    key = keys[0] if single else f"({''.join(k + ', ' for k in keys)})"
    lines = [
        f"{tag}k = {key}",
        f"{s} = _{tag}get({tag}k)",
        f"if {s} is None:",
        f"    {s} = _{tag}S[{tag}k] = _{tag}start()",
    ]
    for i, (c, acc) in enumerate(zip(aggs, grouper.accumulators, strict=True)):
        # every of/by is computed, used or not, as the careful engine's ``_agg`` does: a
        # formula that cannot be computed on a row is an error there, so it must raise here
        v, b = f"{tag}v{i}", f"{tag}b{i}"
        lines.append(f"# aggregate {i}")  # (no name from the policy in the source, not even a comment)
        if c.of is not None:
            lines.append(f"{v} = {c.of.python(name_of, pool)}")
        if c.by is not None:
            lines.append(f"{b} = {c.by.python(name_of, pool)}")
        of = v if c.of is not None else "None"
        by = b if c.by is not None else "None"
        if c.agg == "count":
            lines.append(f"{s}[{i}] += 1")
        elif c.agg == "sum" and c.of is not None and c.of.kind is Kind.NUMBER:
            # adding the literal 0 (``x if … else 0``) leaves the state as it is: a sum starts
            # at Decimal 0, so its exponent is never above 0 and it is never -0 (0 + -0 is 0)
            lines += [
                f"if {v} is not None and {v} is not {pool.add(Decimal(0))}:",
                f"    if {v}.__class__ is not _{tag}D:  # the accumulator refuses it: the careful engine says why",
                f"        raise _{tag}bad",
                *([f"    if not {pool.add(-bound)} < {v} < {pool.add(bound)}:", f"        raise _{tag}bad"] if bound else []),
                f"    {s}[{i}] = _{tag}add({s}[{i}], {v})",
            ]
        elif c.agg == "count_true":
            lines += [f"if {of} is True:", f"    {s}[{i}] += 1"]  # an int, as a count's
        elif c.agg in ("min", "max") and c.of is not None:
            better = f"{w} < {v}" if c.agg == "max" else f"{v} < {w}"
            lines += [
                f"if {v} is not None:",
                f"    {w} = {s}[{i}]",
                f"    if {w} is None or {better}:",
                f"        {s}[{i}] = {v}",
            ]
        elif c.agg == "all":
            lines.append(f"{s}[{i}] = {s}[{i}] and {of} is True")
        elif c.agg == "any":
            lines.append(f"{s}[{i}] = {s}[{i}] or {of} is True")
        elif c.agg == "first":
            lines += [f"if {s}[{i}] is None:", f"    {s}[{i}] = {of}"]
        elif c.agg == "last" and c.of is not None:
            lines += [f"if {v} is not None:", f"    {s}[{i}] = {v}"]
        elif c.agg in ("max_by", "min_by") and c.by is not None:
            better = f"{w}[0] < {b}" if c.agg == "max_by" else f"{b} < {w}[0]"
            lines += [
                f"if {b} is not None:",
                f"    {w} = {s}[{i}]",
                f"    if {w} is None or {better}:",
                f"        {s}[{i}] = ({b}, {of})",
            ]
        elif c.agg == "list" and c.of is not None:  # ListOf.add: texts, blanks and "" dropped
            ns[f"_{tag}str"] = str
            lines += [
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
            lines.append(f"{s}[{i}] = _{tag}acc{i}({s}[{i}], {of}, {by})")
    ns.update(pool.namespace)
    ns.pop("__builtins__", None)
    return lines, ns, finish
