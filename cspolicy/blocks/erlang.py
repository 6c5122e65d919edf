"""Erlang C: how many agents a queue of calls needs, and how it performs with a given number.

The model (Erlang C, the M/M/N queue): calls arrive at random (Poisson) at a steady rate
over the interval, handling times are exponential with the mean AHT, every caller waits
as long as it takes, and any free agent takes the next caller in turn. From the traffic
``A = calls × AHT ÷ interval`` (in Erlangs) and ``N`` agents:

* ``erlang_b(N, A)``: probability that all agents are busy, by the recursion
  ``B(0) = 1, B(n) = A·B(n−1) ÷ (n + A·B(n−1))``, which stays within [0, 1] at every step
  (no factorials or powers of ``A``), so 5 000 Erlangs compute as safely as 5;
* ``erlang_c(N, A) = N·B ÷ (N − A·(1 − B))``: probability that a caller waits;
* service level ``1 − C·e^(−(N − A)·T ÷ AHT)``: share answered within ``T`` seconds;
* ASA ``C·AHT ÷ (N − A)``: average speed of answer over all calls; occupancy ``A ÷ N``.

**Erlang C ignores abandonment.** Callers who hang up shorten the queue for those behind
them, and the model also assumes an endless queue and no redials, so it *overstates* the
agents needed (and understates the service level of a given staffing) in a centre where
callers abandon. Treat its figures as a safe upper estimate; Erlang A models patience.

With ``N ≤ A`` the queue grows without bound: the probability of waiting is 1, the service
level 0, occupancy 1, and there is no average speed of answer (``None``).

Arithmetic is :class:`~decimal.Decimal` under :data:`cspolicy.money.CONTEXT` (50 significant
digits), never ``float``: the recursion loses far less than one digit over thousands of
steps, so results are exact to at least 40 significant digits and are returned unrounded;
the policy rounds each figure once, where its output column says. Staffing counts are exact
too: 14 agents with 30 % shrinkage need exactly ``14 ÷ 0.7 = 20`` positions (binary
floating point gives 20.000000000000004 and one position too many).

>>> a = traffic_intensity(100, 1800, 180)  # 100 calls in 30 minutes, AHT 180 s
>>> n = agents_needed(a, aht_seconds=180, target_seconds=20, target_service_level=Decimal("0.8"))
>>> a, n, positions_with_shrinkage(n, Decimal("0.3"))
(Decimal('10'), 14, 20)
>>> round(service_level(n, a, aht_seconds=180, target_seconds=20), 4)
Decimal('0.8884')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from cspolicy.errors import DataError
from cspolicy.money import CONTEXT

__all__ = [
    "Number",
    "MAX_TRAFFIC",
    "ErlangFigures",
    "Staffing",
    "traffic_intensity",
    "erlang_b",
    "erlang_c",
    "service_level",
    "average_speed_of_answer",
    "occupancy",
    "figures",
    "agents_needed",
    "positions_with_shrinkage",
    "staffing",
]

#: An exact number: an int or a Decimal (a float is refused).
Number = Decimal | int

#: Traffic above this many Erlangs is refused as a probable typo: no single queue is that
#: large, and the recursion would take seconds per interval.
MAX_TRAFFIC = Decimal(100000)

_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True)
class ErlangFigures:
    """How ``agents`` agents perform on ``traffic`` Erlangs (fractions of 1, seconds)."""

    agents: int
    traffic: Decimal
    probability_of_waiting: Decimal
    service_level: Decimal
    average_speed_of_answer: Decimal | None
    occupancy: Decimal


@dataclass(frozen=True)
class Staffing:
    """The agents needed for a target, the positions to schedule, and the figures predicted."""

    agents: int
    positions: int
    figures: ErlangFigures


def traffic_intensity(calls: Number, interval_seconds: Number, aht_seconds: Number) -> Decimal:
    """Offered traffic in Erlangs: ``calls × AHT ÷ interval`` (250 calls an hour at 330 s
    is 22.9166… Erlangs)."""
    calls = _number(calls, "calls", minimum=_ZERO)
    interval = _positive(interval_seconds, "the interval")
    aht = _positive(aht_seconds, "the average handling time")
    with localcontext(CONTEXT):
        return calls * aht / interval


def erlang_b(agents: int, traffic: Number) -> Decimal:
    """Probability that all ``agents`` are busy (a blocked call in a system without queue)."""
    return _erlang_b_upto(_agents(agents), _traffic(traffic))


def erlang_c(agents: int, traffic: Number) -> Decimal:
    """Probability that a caller has to wait (1 when ``agents ≤ traffic``)."""
    n, a = _agents(agents), _traffic(traffic)
    return _erlang_c(n, a, _erlang_b_upto(n, a))


def service_level(agents: int, traffic: Number, *, aht_seconds: Number, target_seconds: Number) -> Decimal:
    """Share of calls answered within ``target_seconds`` (a call answered at exactly the
    target counts as within it; 0 when ``agents ≤ traffic``)."""
    return figures(agents, traffic, aht_seconds=aht_seconds, target_seconds=target_seconds).service_level


def average_speed_of_answer(agents: int, traffic: Number, *, aht_seconds: Number) -> Decimal | None:
    """Mean wait in seconds over all calls, those answered at once included; ``None`` when
    ``agents ≤ traffic`` (the queue never empties)."""
    return figures(agents, traffic, aht_seconds=aht_seconds, target_seconds=0).average_speed_of_answer


def occupancy(agents: int, traffic: Number) -> Decimal:
    """Share of the agents' time spent handling calls: ``traffic ÷ agents``, at most 1."""
    n, a = _agents(agents), _traffic(traffic)
    if n <= a:
        return _ONE
    with localcontext(CONTEXT):
        return a / n


def figures(agents: int, traffic: Number, *, aht_seconds: Number, target_seconds: Number) -> ErlangFigures:
    """Every predicted figure for ``agents`` agents at once (one recursion)."""
    n, a = _agents(agents), _traffic(traffic)
    aht = _positive(aht_seconds, "the average handling time")
    target = _number(target_seconds, "the service-level time", minimum=_ZERO)
    return _figures(n, a, _erlang_b_upto(n, a), aht, target)


def agents_needed(
    traffic: Number,
    *,
    aht_seconds: Number,
    target_seconds: Number,
    target_service_level: Number,
    max_occupancy: Number | None = None,
) -> int:
    """The fewest agents whose service level reaches ``target_service_level`` (a fraction:
    ``Decimal('0.8')`` for 80 %) within ``target_seconds``, and whose occupancy stays at or
    below ``max_occupancy`` when given. No traffic needs no agents."""
    return _search(
        _traffic(traffic),
        _positive(aht_seconds, "the average handling time"),
        _number(target_seconds, "the service-level time", minimum=_ZERO),
        _fraction(target_service_level, "the service-level target", allow_one=False),
        None if max_occupancy is None else _fraction(max_occupancy, "the maximum occupancy", allow_one=True),
    ).agents


def positions_with_shrinkage(agents: int, shrinkage: Number) -> int:
    """Positions to schedule so that ``agents`` remain after ``shrinkage`` (breaks, training,
    absence; a fraction below 1): ``ceil(agents ÷ (1 − shrinkage))``, computed exactly."""
    n = _agents(agents)
    s = _number(shrinkage, "the shrinkage", minimum=_ZERO)
    if s >= 1:
        raise DataError(f"the shrinkage {s} leaves no one to answer calls", expected="a fraction from 0 up to, not including, 1")
    with localcontext(CONTEXT):
        return int((n / (1 - s)).to_integral_value(rounding=ROUND_CEILING))


def staffing(
    calls: Number,
    *,
    interval_seconds: Number,
    aht_seconds: Number,
    target_seconds: Number,
    target_service_level: Number,
    shrinkage: Number = 0,
    max_occupancy: Number | None = None,
) -> Staffing:
    """Agents and positions for one interval's calls, with the figures they are predicted
    to reach (see :func:`agents_needed` and :func:`positions_with_shrinkage`)."""
    a = traffic_intensity(calls, interval_seconds, aht_seconds)
    found = _search(
        _traffic(a),
        _positive(aht_seconds, "the average handling time"),
        _number(target_seconds, "the service-level time", minimum=_ZERO),
        _fraction(target_service_level, "the service-level target", allow_one=False),
        None if max_occupancy is None else _fraction(max_occupancy, "the maximum occupancy", allow_one=True),
    )
    return Staffing(found.agents, positions_with_shrinkage(found.agents, shrinkage), found)


# --- the recursion -----------------------------------------------------------------------


def _erlang_b_upto(agents: int, a: Decimal) -> Decimal:
    b = _ONE
    with localcontext(CONTEXT):
        for n in range(1, agents + 1):
            b = a * b / (n + a * b)
    return b


def _erlang_c(n: int, a: Decimal, b: Decimal) -> Decimal:
    if n <= a:
        return _ONE
    with localcontext(CONTEXT):
        return n * b / (n - a * (1 - b))


def _figures(n: int, a: Decimal, b: Decimal, aht: Decimal, target: Decimal) -> ErlangFigures:
    c = _erlang_c(n, a, b)
    if n <= a:
        return ErlangFigures(n, a, _ONE, _ZERO, None, _ONE)
    with localcontext(CONTEXT):
        spare = n - a
        level = 1 - c * (-spare * target / aht).exp()
        asa = c * aht / spare
        return ErlangFigures(n, a, c, level, asa, a / n)


def _search(a: Decimal, aht: Decimal, target: Decimal, level: Decimal, max_occ: Decimal | None) -> ErlangFigures:
    """Step up from the first stable staffing, one recursion step per added agent."""
    if not a:
        return ErlangFigures(0, a, _ZERO, _ONE, _ZERO, _ZERO)
    with localcontext(CONTEXT):
        n = int(a.to_integral_value(rounding=ROUND_FLOOR)) + 1  # the fewest agents with N > A
        if max_occ is not None:
            n = max(n, int((a / max_occ).to_integral_value(rounding=ROUND_CEILING)))
        b = _erlang_b_upto(n, a)
        while True:
            found = _figures(n, a, b, aht, target)
            if found.service_level >= level:
                return found
            n += 1
            b = a * b / (n + a * b)


# --- checking the arguments --------------------------------------------------------------


def _number(value: Number, what: str, *, minimum: Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or an int, not {type(value).__name__} (floats are inexact)")
    number = Decimal(value)
    if not number.is_finite() or number < minimum:
        raise DataError(f"{what} is {value}", expected=f"a number of at least {minimum}")
    return number


def _positive(value: Number, what: str) -> Decimal:
    number = _number(value, what, minimum=_ZERO)
    if not number:
        raise DataError(f"{what} is 0", expected="a number above 0")
    return number


def _fraction(value: Number, what: str, *, allow_one: bool) -> Decimal:
    number = _number(value, what, minimum=_ZERO)
    if not number or number > 1 or (number == 1 and not allow_one):
        upper = "up to 1 (100%)" if allow_one else "below 1 (100%)"
        raise DataError(f"{what} is {value}", expected=f"a fraction above 0 and {upper}, such as 0.8 for 80%")
    return number


def _agents(agents: int) -> int:
    if isinstance(agents, bool) or not isinstance(agents, int):
        raise TypeError(f"agents must be an int, not {type(agents).__name__}")
    if agents < 0:
        raise DataError(f"the number of agents is {agents}", expected="a whole number of at least 0")
    return agents


def _traffic(traffic: Number) -> Decimal:
    a = _number(traffic, "the traffic", minimum=_ZERO)
    if a > MAX_TRAFFIC:
        raise DataError(
            f"the traffic is {a} Erlangs, more than any one queue carries",
            expected=f"at most {MAX_TRAFFIC} Erlangs (check the calls and the interval; split the queue)",
        )
    return a
