"""One explicit plan per policy: an ordered list of steps, each naming the steps it reads
and what it produces, in an order where every step comes after the steps it reads.

The plan is plain data (strings, numbers and tuples; no engine callables, no compiled
formulas), so that it can be printed (``cspolicy show --plan``), written as JSON, and run by
any executor: today's streaming engine (:mod:`cspolicy.engine`) runs it with its generated
row functions and fast path; a SQL engine could run the same plan later.

Step kinds (:data:`STEP_KINDS`), in the order one output's rows meet them:

* ``read`` — an input table's rows, converted by its declared column types;
* ``join`` — each row extended by the columns of a held table (an input or an earlier
  output) found by key;
* ``sort`` — rows put in order: source rows before a ladder (by entity and date) or for a
  ``sort_by``; a grouped output's groups after aggregating;
* ``window`` — columns computed over a partition of all rows (rank, last, total, previous;
  a whole-table ``rank`` is the case of no partition);
* ``ladder`` — each row's rung of a penalty ladder, counting earlier occurrences;
* ``check`` — rows rejected by ``checks:`` (input errors) or noted by ``warnings:``;
* ``group`` — rows aggregated per ``group_by`` key (sum, count, list, …);
* ``derive`` — formula columns computed from a row (or from a group's aggregates);
* ``write`` — the output's rows, as files, JSON or a table, and as the source of later steps.

Every output ends in exactly one ``write`` step; an output that reads another output reads
that output's ``write`` step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from cspolicy.blocks.joins import input_order
from cspolicy.planner.plan import LADDER_NAMES, OutputPlan

if TYPE_CHECKING:
    from cspolicy.planner.policy import Policy

__all__ = ["STEP_KINDS", "Step", "PolicyPlan", "plan_policy"]

#: Every kind of step a plan may hold.
STEP_KINDS = ("read", "join", "sort", "window", "ladder", "check", "group", "derive", "write")


@dataclass(frozen=True)
class Step:
    """One step of a plan, in no language (``cspolicy show --plan`` words it).

    ``number`` is the step's place in the plan (1, 2, …); ``reads`` are the numbers of the
    steps whose rows it takes (the rows it works on; a join's second is the held table);
    ``table`` is the input or output the step belongs to; ``produces`` names the columns it
    adds (a ``read`` or ``write`` step: the table's columns). ``keys`` are the columns it
    goes by: a sort's order, a group's or a window's partition, a join's ``on``, a ladder's
    entity, an output's key. ``how`` is a join's kind (``left``, ``inner``, ``lookup``), a
    ladder's schedule, a check's ``checks`` or ``warnings``, a read's ``optional``.
    ``formulas`` are what it computes, in the policy's own notation. ``rules`` are the rule
    IDs it applies; ``line`` is where the policy file declares it.
    """

    number: int
    kind: str
    table: str
    reads: tuple[int, ...] = ()
    produces: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    how: str = ""
    formulas: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class PolicyPlan:
    """A policy's steps, in an order where each step follows every step it reads; ``policy``
    is the policy file as messages name it."""

    policy: str
    steps: tuple[Step, ...]

    def step(self, number: int) -> Step:
        """The step numbered ``number``."""
        return self.steps[number - 1]

    def writes(self) -> dict[str, Step]:
        """Each output's ``write`` step, by output name."""
        return {s.table: s for s in self.steps if s.kind == "write"}

    def as_json(self) -> dict[str, Any]:
        """The plan as JSON-ready data (``cspolicy show --plan --json``)."""
        return {"policy": self.policy, "steps": [asdict(s) for s in self.steps]}


def plan_policy(policy: Policy) -> PolicyPlan:
    """The plan of ``policy``: its inputs read (held sides of joins first), then each output's
    steps, outputs in the order the policy compiled them (each after the outputs it reads)."""
    steps: list[Step] = []
    last: dict[str, int] = {}  # input or output name → the step giving its finished rows

    def add(kind: str, table: str, reads: Iterable[int], **fields: Any) -> int:
        steps.append(Step(len(steps) + 1, kind, table, tuple(reads), **fields))
        return len(steps)

    outputs = policy.outputs
    for name in input_order(outputs, list(policy.inputs)):  # held sides of joins first
        spec = policy.inputs[name]
        how = "optional" if spec.optional else ""
        last[name] = add("read", name, (), produces=tuple(c.name for c in spec.columns), how=how)
    for name, plan in outputs.items():
        source = last[plan.source if plan.source_is_input else f"output:{plan.source}"]
        last[f"output:{name}"] = _output_steps(policy, plan, source, last, add)
    return PolicyPlan(policy.file, tuple(steps))  # not policy.name: a cached run never reads the model


def _output_steps(policy: Policy, plan: OutputPlan, current: int, last: dict[str, int], add: Callable[..., int]) -> int:
    """Add one output's steps after ``current`` (the step giving its source rows); returns
    its ``write`` step."""
    name = plan.name
    windowed = {w.name for w in plan.windows}
    for j in plan.joins:
        side = last[j.side if j.side_is_input else f"output:{j.side}"]
        current = add(
            "join",
            name,
            (current, side),
            produces=tuple(c for c, _, _ in j.columns),
            keys=j.on,
            how=j.how,
            line=j.line,
        )
    if plan.ladder is not None:
        ladder = plan.ladder
        current = add("sort", name, (current,), keys=(*ladder.entity, ladder.date))
        schedule = policy.schedules.get(ladder.schedule)
        rules = tuple(dict.fromkeys(o.rule for o in getattr(schedule, "offences", ()) if o.rule))
        current = add(
            "ladder",
            name,
            (current,),
            produces=tuple(LADDER_NAMES),
            keys=ladder.entity,
            how=ladder.schedule,
            formulas=(ladder.offence, ladder.date),
            rules=rules,
        )
    elif plan.rank is not None:
        r = plan.rank
        order = "descending" if r.descending else "ascending"
        current = add(
            "window",
            name,
            (current,),
            produces=tuple(plan.step_names),
            formulas=(f"rank = rank({_text(r.by)}, {order}, {r.ties})",),
        )
    elif plan.windows:
        current = add(
            "window",
            name,
            (current,),
            produces=tuple(w.name for w in plan.windows),
            keys=tuple(dict.fromkeys(k for w in plan.windows for k in w.partition)),
            formulas=tuple(f"{w.name} = {w.text}" for w in plan.windows),
            rules=_unique(r for c in plan.columns if c.name in windowed for r in c.rules),
            line=plan.windows[0].line,
        )
        if plan.sort_by:  # the window's rows come back in the output's order
            current = add("sort", name, (current,), keys=plan.sort_by)
    elif plan.sort_by and not plan.grouped:
        current = add("sort", name, (current,), keys=plan.sort_by)
    if plan.checks:
        current = add(
            "check",
            name,
            (current,),
            how="checks",
            formulas=tuple(_text(c.expression) for c in plan.checks),
            rules=_unique(c.rule for c in plan.checks),
            line=plan.checks[0].line,
        )
    formulas = [c for c in plan.columns if c.agg is None and c.name not in (plan.group_by or ())]
    if plan.grouped:
        aggregates = [c for c in plan.columns if c.agg is not None]
        current = add(
            "group",
            name,
            (current,),
            produces=(*(plan.group_by or ()), *(c.name for c in aggregates)),
            keys=plan.group_by or (),
            formulas=tuple(f"{c.name} = {c.agg}({_text(c.of)})" for c in aggregates),
            rules=_unique(r for c in aggregates for r in c.rules),
        )
    if formulas:
        current = add(
            "derive",
            name,
            (current,),
            produces=tuple(c.name for c in formulas),
            formulas=tuple(
                f"{c.name} = {_text(c.expression)}" for c in formulas if c.name not in windowed and _text(c.expression) != c.name
            ),
            rules=_unique(r for c in formulas if c.name not in windowed for r in c.rules),
        )
    if plan.warnings:
        current = add(
            "check",
            name,
            (current,),
            how="warnings",
            formulas=tuple(_text(w.expression) for w in plan.warnings),
            rules=_unique(w.rule for w in plan.warnings),
            line=plan.warnings[0].line,
        )
    if plan.grouped and plan.sort_by:  # the groups, once computed and noted
        current = add("sort", name, (current,), keys=plan.sort_by)
    return add("write", name, (current,), produces=tuple(c.name for c in plan.visible), keys=plan.key)


def _text(expr: Any) -> str:
    return "" if expr is None else " ".join(expr.text.split())


def _unique(items: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))
