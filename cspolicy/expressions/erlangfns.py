"""Formula functions of Erlang C staffing (:mod:`cspolicy.blocks.erlang`).

Every function takes the interval's offered ``calls``, its length and the average handling
time in seconds (the traffic is ``calls × aht ÷ interval`` Erlangs), so a policy writes the
figures a planner has, never a traffic it computed:

* ``erlang_agents(calls, interval, aht, sl_time, sl_target, max_occupancy)``: the fewest
  agents whose predicted service level reaches ``sl_target`` (a fraction, ``80%``) within
  ``sl_time`` seconds, and whose occupancy stays at most ``max_occupancy`` (``100%``: none);
* ``erlang_wait(agents, calls, interval, aht)``: the probability that a caller waits;
* ``erlang_sl(agents, calls, interval, aht, sl_time)``: the predicted service level;
* ``erlang_asa(agents, calls, interval, aht)``: the predicted average speed of answer in
  seconds over all calls, blank when the agents cannot keep up (``agents ≤ traffic``).

A value the model cannot take (a zero interval, a target of 100 %) rejects the row with the
reason. Results are exact to 40 digits and unrounded; the output column rounds them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from cspolicy.blocks import erlang
from cspolicy.errors import DataError
from cspolicy.values import Value

__all__ = ["ERLANG_FUNCTIONS"]


def _n(value: Value, func: str) -> Decimal:
    if value is None:
        raise TypeError(f"{func}() got a blank value")
    if not isinstance(value, Decimal):
        raise TypeError(f"{func}() needs numbers, got {type(value).__name__}")
    return value


def _agents(value: Value, func: str) -> int:
    n = _n(value, func)
    if n != n.to_integral_value() or n < 0:
        raise ValueError(f"{func}: {n} is not a whole number of agents")
    return int(n)


def _traffic(func: str, calls: Value, interval: Value, aht: Value) -> Decimal:
    try:
        return erlang.traffic_intensity(_n(calls, func), _n(interval, func), _n(aht, func))
    except DataError as exc:
        raise ValueError(f"{func}: {exc.message}") from None


def fn_erlang_agents(calls: Value, interval: Value, aht: Value, sl_time: Value, sl_target: Value, max_occ: Value) -> Decimal:
    """The agents needed (see the module)."""
    f = "erlang_agents"
    a = _traffic(f, calls, interval, aht)
    occ = _n(max_occ, f)
    try:
        n = erlang.agents_needed(
            a,
            aht_seconds=_n(aht, f),
            target_seconds=_n(sl_time, f),
            target_service_level=_n(sl_target, f),
            max_occupancy=None if occ == 1 else occ,
        )
    except DataError as exc:
        raise ValueError(f"{f}: {exc.message}") from None
    return Decimal(n)


def _figures(f: str, agents: Value, calls: Value, interval: Value, aht: Value, sl_time: Value) -> erlang.ErlangFigures:
    a = _traffic(f, calls, interval, aht)
    try:
        return erlang.figures(_agents(agents, f), a, aht_seconds=_n(aht, f), target_seconds=_n(sl_time, f))
    except DataError as exc:
        raise ValueError(f"{f}: {exc.message}") from None


def fn_erlang_wait(agents: Value, calls: Value, interval: Value, aht: Value) -> Decimal:
    """The probability of waiting."""
    return _figures("erlang_wait", agents, calls, interval, aht, Decimal(0)).probability_of_waiting


def fn_erlang_sl(agents: Value, calls: Value, interval: Value, aht: Value, sl_time: Value) -> Decimal:
    """The predicted service level."""
    return _figures("erlang_sl", agents, calls, interval, aht, sl_time).service_level


def fn_erlang_asa(agents: Value, calls: Value, interval: Value, aht: Value) -> Decimal | None:
    """The predicted average speed of answer (blank when the queue never empties)."""
    return _figures("erlang_asa", agents, calls, interval, aht, Decimal(0)).average_speed_of_answer


ERLANG_FUNCTIONS: dict[str, Callable[..., Value]] = {
    "erlang_agents": fn_erlang_agents,
    "erlang_wait": fn_erlang_wait,
    "erlang_sl": fn_erlang_sl,
    "erlang_asa": fn_erlang_asa,
}
