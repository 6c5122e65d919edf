"""Bind the core building blocks (bands, ladders, ranking) to a policy's run.

Band tables may use parameters as bounds, so they become concrete :class:`Bands` per run;
formulas call them through a context variable set while the run executes, which keeps
compiled formulas reusable and runs independent of each other.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cspolicy.blocks import NO_DEFAULT, Band, Bands, LadderCounter, award, sanction
from cspolicy.blocks.bands import BandsError
from cspolicy.blocks.ladders import LadderError, Rung, UnknownOffence
from cspolicy.errors import DataError, ErrorCollector, PolicyError
from cspolicy.expressions import FunctionSpec
from cspolicy.planner.plan import BandBound, BandsPlan, OutputPlan
from cspolicy.text import percent_text
from cspolicy.values import Kind, Value

if TYPE_CHECKING:
    from cspolicy.engine.node import Node, Origin
    from cspolicy.planner.policy import Policy
    from cspolicy.schema.yamlsource import Document

__all__ = [
    "BAND_TABLES",
    "band_function",
    "bind_bands",
    "check_band_tables",
    "run_band_tables",
    "make_ladder_step",
    "make_rank_batch",
]

#: The band tables of the run executing in this context.
BAND_TABLES: contextvars.ContextVar[Mapping[str, Bands]] = contextvars.ContextVar("cspolicy_band_tables")


def band_function(name: str) -> Callable[[Value], Value]:
    """The formula function ``name(x)``: the outcome of the band containing ``x`` (a partial
    of a module function, not a closure, so that a compiled policy can be pickled)."""
    return functools.partial(_band_lookup, name)


def _band_lookup(name: str, x: Value) -> Value:
    if x is None:
        raise TypeError(f"{name}() of a blank value")
    assert isinstance(x, Decimal)
    return BAND_TABLES.get()[name].lookup(x)[1]


def _bound(b: BandBound | None, params: Mapping[str, Value]) -> Decimal | None:
    if b is None:
        return None
    value = b.number if b.parameter is None else params[b.parameter]
    assert isinstance(value, Decimal)
    return value


def bind_bands(plan: BandsPlan, params: Mapping[str, Value]) -> Bands:
    """A concrete band table with this run's parameter values (raises BandsError)."""
    bands = tuple(
        Band(
            outcome=bp.outcome,  # type: ignore[arg-type]
            above=_bound(bp.above, params),
            at_least=_bound(bp.at_least, params),
            below=_bound(bp.below, params),
            at_most=_bound(bp.at_most, params),
            label=bp.label,
        )
        for bp in plan.bands
    )
    fmt = percent_text if _percent_bounds(plan) else _fmt_any
    return Bands(plan.name, bands, plan.otherwise if plan.has_otherwise else NO_DEFAULT, fmt=fmt)  # type: ignore[arg-type]


def _percent_bounds(plan: BandsPlan) -> bool:
    """Whether band bounds read best as percents (rates compared against percent parameters)."""
    return bool(plan.parameters) or any(
        b is not None and b.number is not None and abs(b.number) < 1
        for bp in plan.bands
        for b in (bp.above, bp.at_least, bp.below, bp.at_most)
    )


def _fmt_any(x: Decimal) -> str:
    return format(x, "f")


def check_band_tables(bands: Mapping[str, BandsPlan], params: Mapping[str, Any], doc: Document) -> None:
    """Check every band table with each parameter's values as of each of their dates."""
    dates = sorted({v.since for p in params.values() for v in p.values} or {dt.date.min})
    for plan in bands.values():
        for day in dates:
            values: dict[str, Value] = {}
            for n in plan.parameters:
                v = params[n].at(day)
                if v is None:
                    break
                values[n] = v.value
            else:
                try:
                    bind_bands(plan, values)
                except BandsError as exc:
                    when = f" (with the parameters in force on {day})" if plan.parameters else ""
                    raise PolicyError(
                        f"bands.{plan.name}: {exc.message}{when}", file=doc.file, line=plan.line, expected=exc.expected
                    ) from None


def run_band_tables(policy: Policy, params: Mapping[str, Value]) -> dict[str, Bands]:
    """This run's concrete band tables, by name (set into :data:`BAND_TABLES` while running)."""
    try:
        return {name: bind_bands(plan, params) for name, plan in policy.bands.items()}
    except BandsError as exc:
        raise PolicyError(f"bands: {exc.message} (with this run's parameter values)", file=policy.file) from None


def band_specs(bands: Mapping[str, BandsPlan]) -> dict[str, FunctionSpec]:
    """Each band table as a one-argument formula function."""
    out = {}
    for name, b in bands.items():
        values = (
            frozenset(str(x.outcome) for x in b.bands) | ({str(b.otherwise)} if b.has_otherwise else set())
            if b.outcome_type.kind is Kind.TEXT
            else None
        )
        out[name] = FunctionSpec(name, (Kind.NUMBER,), b.outcome_type.kind, band_function(name), values)
    return out


def make_ladder_step(
    policy: Policy, plan: OutputPlan, node: Node
) -> Callable[[tuple[Value, ...], Origin], tuple[Value, ...] | None]:
    """The per-row ladder step: occurrence number and sanction of each offence row.

    Rows arrive sorted by entity, date and input order; the counter forgets an entity when
    the next one starts, so memory stays bounded by one entity's offences.
    """
    assert plan.ladder is not None
    lp = plan.ladder
    schedule = policy.schedules[lp.schedule]
    names = [n for n, _ in plan.source_columns]
    ent = [names.index(n) for n in lp.entity]
    oi, di = names.index(lp.offence), names.index(lp.date)
    ai = None if lp.amount is None else names.index(lp.amount)
    counter = LadderCounter()
    last: list[Any] = [None]

    def step(row: tuple[Value, ...], origin: Origin) -> tuple[Value, ...] | None:
        entity = tuple(row[i] for i in ent)
        if entity != last[0]:
            counter.reset()
            last[0] = entity
        try:
            offence = schedule.find(str(row[oi]))
            day = row[di]
            assert isinstance(day, dt.date)
            occurrence = counter.step(entity, offence, day)
            amount = row[ai] if ai is not None else None
            # Past the last rung every occurrence is decided alike, so the decision depends on
            # (offence, rung number, amount) only: decide each combination once.
            key = (offence.code, min(occurrence, len(offence.ladder.rungs) + 1), amount)
            decided = decisions.get(key)
            if decided is None:
                decided = _decide(offence, occurrence, amount)
                if len(decisions) < 100_000:
                    decisions[key] = decided
        except (UnknownOffence, LadderError) as exc:
            col = lp.offence if isinstance(exc, UnknownOffence) else lp.amount
            node.errors.add(
                DataError(
                    exc.message,
                    file=node.file,
                    row=origin,
                    column=node.headers.get(col, col) if col else None,
                    expected=exc.expected,
                )
            )
            return None
        return (Decimal(occurrence), *decided)

    def _decide(offence: Any, occurrence: int, amount: Value) -> tuple[Value, ...]:
        decided = sanction(offence, occurrence, amount)  # type: ignore[arg-type]
        kinds = _kinds(decided.rung, schedule.gravity)
        return (
            "+".join(kinds),
            decided.fine,
            offence.rule,
            decided.ends_employment,
            Decimal(decided.gravity),
            offence.code,
            offence.name_zh or offence.name_en,
            decided.sanction,
            kinds[-1],
        )

    decisions: dict[tuple[Any, ...], tuple[Value, ...]] = {}
    return step


def _kinds(rung: Rung | None, gravity: tuple[str, ...]) -> tuple[str, ...]:
    """The sanction kinds of a rung, least grave first (``('fine', 'dismissal')``), or ``('none',)``."""
    if rung is None:
        return ("none",)
    return tuple(sorted({a.kind for a in rung.actions}, key=gravity.index))


def make_rank_batch(
    plan: OutputPlan, params: Mapping[str, Value], env: Mapping[str, Value], errors: ErrorCollector
) -> Callable[[list[Any], str, dict[str, str]], list[tuple[Value, ...]]]:
    """The ranking step: every row's rank and award, computed once all rows are in
    (``batch(rows, file, headers)``; ``headers`` maps source columns to their file headers).

    A row whose value to rank by cannot be computed (a division by zero, a blank) is a data
    error naming its row (and its column when the formula reads one source column); the
    rows are then not ranked at all.
    """
    assert plan.rank is not None
    rp = plan.rank
    names = [n for n, _ in plan.source_columns]
    amounts = [params[a] for a in rp.awards]
    ties = str(params[rp.ties])
    read = sorted(rp.by.names & set(names))
    column = read[0] if len(read) == 1 else None

    def batch(rows: list[Any], file: str, headers: dict[str, str]) -> list[tuple[Value, ...]]:
        from cspolicy.engine.node import ROW_ERRORS, why

        keys = []
        failed = False
        for row, origin in rows:
            e = dict(env)
            e.update(zip(names, row))
            problem: str | None
            try:
                key = rp.by.evaluate(e)
            except ROW_ERRORS as exc:
                problem = why(exc)
            else:
                problem = "the value is blank" if key is None else None
            if problem is not None:
                errors.add(
                    DataError(
                        f"rank by '{rp.by.text}': {problem}",
                        file=file,
                        row=origin or None,
                        column=headers.get(column, column) if column else None,
                        expected="a number for every row to rank",
                    )
                )
                failed = True
                continue
            keys.append(key)
        if failed:
            return [(None, None)] * len(rows)
        from cspolicy.blocks import rank as rank_of

        ranks = rank_of(keys, descending=rp.descending)  # type: ignore[arg-type]
        paid = award(keys, amounts, ties=ties, descending=rp.descending)  # type: ignore[arg-type]
        return [(Decimal(r), a) for r, a in zip(ranks, paid)]

    return batch
