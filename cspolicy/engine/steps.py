"""Bind the core building blocks (bands, ladders, ranking) to a policy's run.

Band tables become concrete :class:`Bands` with this run's parameter values (see
:mod:`cspolicy.planner.band_tables`); a ladder and a rank become steps of the output's node.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cspolicy.blocks import Bands, LadderCounter, award, sanction
from cspolicy.blocks.bands import BandsError
from cspolicy.blocks.ladders import LadderError, Offence, Rung, UnknownOffence
from cspolicy.blocks.schedule import Schedule
from cspolicy.engine.row_errors import ROW_ERRORS, why
from cspolicy.errors import DataError, ErrorCollector, PolicyError
from cspolicy.planner.band_tables import bind_bands
from cspolicy.planner.plan import OutputPlan
from cspolicy.values import Value

if TYPE_CHECKING:
    from cspolicy.engine.node import Node, Origin
    from cspolicy.planner.policy import Policy

__all__ = ["run_band_tables", "make_ladder_step", "decide_sanction", "make_rank_batch"]


def run_band_tables(policy: Policy, params: Mapping[str, Value]) -> dict[str, Bands]:
    """This run's concrete band tables, by name (set into :data:`BAND_TABLES` while running)."""
    try:
        return {name: bind_bands(plan, params) for name, plan in policy.bands.items()}
    except BandsError as exc:
        raise PolicyError(f"bands: {exc.message} (with this run's parameter values)", file=policy.file) from None


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
    fixed = schedule.find(lp.offence_code) if lp.offence_code else None
    oi, di = (names.index(lp.offence) if fixed is None else -1), names.index(lp.date)
    ai = None if lp.amount is None else names.index(lp.amount)
    counter = LadderCounter()
    last: list[Any] = [None]

    one = ent[0] if len(ent) == 1 else None
    occurrences: dict[int, Decimal] = {}

    def step(row: tuple[Value, ...], origin: Origin) -> tuple[Value, ...] | None:
        entity = (row[one],) if one is not None else tuple(row[i] for i in ent)
        if entity != last[0]:
            counter.reset()
            last[0] = entity
        try:
            offence = fixed or schedule.find(str(row[oi]))
            day = row[di]
            assert isinstance(day, dt.date)
            occurrence = counter.step(entity, offence, day)
            amount = row[ai] if ai is not None else None
            # Past the last rung every occurrence is decided alike, so the decision depends on
            # (offence, rung number, amount) only: decide each combination once.
            key = (offence.code, min(occurrence, len(offence.ladder.rungs) + 1), amount)
            decided = decisions.get(key)
            if decided is None:
                decided = decide_sanction(schedule, offence, occurrence, amount)
                if len(decisions) < 100_000:
                    decisions[key] = decided
        except (UnknownOffence, LadderError) as exc:
            col = (lp.offence or None) if isinstance(exc, UnknownOffence) else lp.amount
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
        number = occurrences.get(occurrence)
        if number is None:
            number = occurrences[occurrence] = Decimal(occurrence)
        return (number, *decided)

    decisions: dict[tuple[Any, ...], tuple[Value, ...]] = {}
    return step


def decide_sanction(schedule: Schedule, offence: Offence, occurrence: int, amount: Value) -> tuple[Value, ...]:
    """The ladder step's values after the occurrence number, for one occurrence: kinds,
    fine, rule, ends employment, gravity, code, name, sanction, gravest kind (the fused
    ladder loop of :mod:`cspolicy.engine.fastladder` decides with this too)."""
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
