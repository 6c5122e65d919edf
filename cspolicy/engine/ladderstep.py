"""The ladder step written out as statements of the fused ladder loop.

The careful engine calls :func:`~cspolicy.engine.steps.make_ladder_step`'s ``step`` once
per row: it builds the entity tuple, finds the offence, counts the occurrence through a
:class:`~cspolicy.blocks.LadderCounter`, decides the sanction (once per combination) and
returns a tuple. :func:`step_lines` gives the same work as lines of the generated row loop
of :mod:`cspolicy.engine.fastladder`, setting ``x0``, ``x1`` … (the step's values) with no
call and no tuple for a row whose offence, period and decision were seen before:

* the entity is compared with the last one's values; a new entity empties the tallies,
  which are then keyed by the offence code alone (``LadderCounter`` keys them by entity
  and code, and is reset at each entity too);
* an offence found once (by its text as the row spells it) is remembered with its code,
  its rung count plus one, and its window's memo of day → calendar period;
* a calendar or ``ever`` window's tally is ``[period, count]``; a rolling window's is a
  deque of dates, counted by :func:`_rolling` exactly as ``LadderCounter.step`` does;
* the decision is remembered per (code, rung number, amount) — a dict by amount per code
  and rung, no key tuple per row — with the careful step's bound on all of them together,
  and decided by the same :func:`~cspolicy.engine.steps.decide_sanction`.

Anything irregular (an unknown offence, a blank date, an amount the rung refuses) raises,
and the careful engine then reports it. Rows come sorted by entity, date and input order,
so dates never go back within an entity.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from decimal import Decimal
from typing import Any

from cspolicy.blocks.ladders import Offence
from cspolicy.blocks.schedule import Schedule
from cspolicy.engine.steps import decide_sanction
from cspolicy.planner.plan import LadderPlan

__all__ = ["step_lines"]

#: Decisions remembered, as in the careful step (past it each row decides again).
DECISIONS = 100_000
#: Offence spellings, and days per window kind, remembered.
_SPELLINGS = 10_000
_DAYS = 10_000
#: Occurrence numbers made once (a larger one is made when it occurs).
_NUMBERS = 256


class _Blank(Exception):
    """A blank ladder date: the careful engine says what is wrong."""


def step_lines(
    schedule: Schedule, ladder: LadderPlan, names: list[str], steps: int
) -> tuple[list[str], list[str], dict[str, Any]]:
    """(lines before the row loop, lines of the loop setting ``x0`` … ``x{steps-1}``, their
    namespace) for rows whose source values are ``v0``, ``v1`` … in the order of ``names``."""
    ent = [f"v{names.index(n)}" for n in ladder.entity]
    entity = ent[0] if len(ent) == 1 else f"({', '.join(ent)},)"
    day = f"v{names.index(ladder.date)}"
    amount = "None" if ladder.amount is None else f"v{names.index(ladder.amount)}"
    periods: dict[str, dict[dt.date, str | None]] = {}
    known: dict[Any, tuple[Any, ...]] = {}
    # decisions per offence code and rung number, each a dict by amount; all of them together
    # hold what the careful step's one dict keyed (code, rung, amount) holds, up to DECISIONS
    decisions: dict[str, list[dict[Any, tuple[Any, ...]]]] = {}
    stored = [0]
    numbers = [Decimal(n) for n in range(_NUMBERS)]  # occurrence numbers, made once

    def found(offence: Offence) -> tuple[Any, ...]:
        window = offence.ladder.window
        rolling = window.days if window.kind == "rolling" else None
        memo = periods.setdefault(window.kind, {})
        top = len(offence.ladder.rungs) + 1
        by_rung = decisions.setdefault(offence.code, [{} for _ in range(top + 1)])
        return (offence.code, top, memo.get, rolling, offence, memo, [d.get for d in by_rung], by_rung)

    def offence_of(value: Any) -> tuple[Any, ...]:
        """The remembered offence of a cell's text (:meth:`Schedule.find` raises for an unknown one)."""
        o = found(schedule.find(str(value)))
        if len(known) < _SPELLINGS:
            known[value] = o
        return o

    def period_of(o: tuple[Any, ...], day: dt.date | None) -> str | None:
        if not isinstance(day, dt.date):
            raise _Blank
        period = o[4].ladder.window.period(day)
        if len(o[5]) < _DAYS:
            o[5][day] = period
        return period  # type: ignore[no-any-return]

    def decide(o: tuple[Any, ...], occurrence: int, amount: Any, rung: int) -> tuple[Any, ...]:
        decided = decide_sanction(schedule, o[4], occurrence, amount)
        if stored[0] < DECISIONS:
            o[7][rung][amount] = decided
            stored[0] += 1
        return decided

    def number(occurrence: int) -> Decimal:
        return Decimal(occurrence)

    namespace: dict[str, Any] = {
        "_ls_known": known.get,
        "_ls_offence": offence_of,
        "_ls_period": period_of,
        "_ls_rolling": _rolling,
        "_ls_decide": decide,
        "_ls_numbers": numbers,
        "_ls_number": number,
        "_ls_nothing": object(),
    }
    if ladder.offence_code:
        namespace["_ls_fixed"] = found(schedule.find(ladder.offence_code))
        find = ["_ls_o = _ls_fixed"]
    else:
        offence = f"v{names.index(ladder.offence)}"
        find = [f"_ls_o = _ls_known({offence})", "if _ls_o is None:", f"    _ls_o = _ls_offence({offence})"]
    before = ["_ls_tallies = {}", "_ls_tally = _ls_tallies.get", "_ls_last = _ls_nothing"]
    loop = [
        f"if {entity} != _ls_last:  # another entity: its own tallies",
        "    _ls_tallies.clear()",
        f"    _ls_last = {entity}",
        *find,
        "_ls_code = _ls_o[0]",
        "if _ls_o[3] is None:  # a calendar or 'ever' window",
        f"    _ls_p = _ls_o[2]({day}, _ls_nothing)",
        "    if _ls_p is _ls_nothing:",
        f"        _ls_p = _ls_period(_ls_o, {day})",
        "    _ls_t = _ls_tally(_ls_code)",
        "    if _ls_t is None:",
        "        _ls_tallies[_ls_code] = [_ls_p, 1]",
        "        _ls_n = 1",
        "    elif _ls_t[0] != _ls_p:",
        "        _ls_t[0] = _ls_p",
        "        _ls_t[1] = _ls_n = 1",
        "    else:",
        "        _ls_n = _ls_t[1] = _ls_t[1] + 1",
        "else:",
        f"    _ls_n = _ls_rolling(_ls_tallies, _ls_o, {day})",
        "_ls_r = _ls_n if _ls_n < _ls_o[1] else _ls_o[1]",
        f"_ls_d = _ls_o[6][_ls_r]({amount})",
        "if _ls_d is None:",
        f"    _ls_d = _ls_decide(_ls_o, _ls_n, {amount}, _ls_r)",
        f"x0 = _ls_numbers[_ls_n] if _ls_n < {_NUMBERS} else _ls_number(_ls_n)",
        f"{''.join(f'x{i}, ' for i in range(1, steps))}= _ls_d",
    ]
    return before, loop, namespace


def _rolling(tallies: dict[str, Any], o: tuple[Any, ...], day: dt.date | None) -> int:
    """A rolling window's count, as :meth:`~cspolicy.blocks.LadderCounter.step` counts it."""
    if not isinstance(day, dt.date):
        raise _Blank
    recent = tallies.get(o[0])
    if recent is None:
        recent = tallies[o[0]] = deque()
    cutoff = day.toordinal() - o[3]
    while recent and recent[0].toordinal() <= cutoff:
        recent.popleft()
    recent.append(day)
    return len(recent)
