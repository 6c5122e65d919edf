"""The builtin functions a formula may call: their signatures and run-time helpers.

The same helper objects are called by the interpreter and placed in the generated code's
constant pool, so both paths give identical results and raise identical errors. Helpers
raise ``TypeError`` for a blank (``None``) where a value is needed, like arithmetic does.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Union

from cspolicy.expressions.erlangfns import ERLANG_FUNCTIONS as _ERLANG
from cspolicy.expressions.timefns import TIME_FUNCTIONS
from cspolicy.money import round_to
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["Builtin", "BUILTINS", "MAX_ROUND_PLACES", "BLANK_REASONS", "Param"]

#: The most decimal places ``round`` accepts.
MAX_ROUND_PLACES = 10


def _number(value: Value, func: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None:
        raise TypeError(f"{func}() got a blank value")
    raise TypeError(f"{func}() needs a number, got {type(value).__name__}")


def _date(value: Value, func: str) -> _dt.date:
    if isinstance(value, _dt.date):
        return value
    if value is None:
        raise TypeError(f"{func}() got a blank value")
    raise TypeError(f"{func}() needs a date, got {type(value).__name__}")


def fn_abs(x: Value) -> Decimal:
    """``abs(x)``: the absolute value."""
    return abs(_number(x, "abs"))


# ceil and floor sit in hot loops (weekly orders round up every row): call the unbound
# method positionally (keyword arguments cost 3×) and let it reject a non-Decimal.
_TO_INTEGRAL = Decimal.to_integral_value


def fn_ceil(x: Value) -> Decimal:
    """``ceil(x)``: the least whole number ≥ x, as an integral Decimal.

    >>> fn_ceil(Decimal("3050.305")), fn_ceil(Decimal("-2.5"))
    (Decimal('3051'), Decimal('-2'))
    """
    try:
        return _TO_INTEGRAL(x, ROUND_CEILING)  # type: ignore[arg-type]
    except TypeError:
        _number(x, "ceil")
        raise


def fn_floor(x: Value) -> Decimal:
    """``floor(x)``: the greatest whole number ≤ x, as an integral Decimal."""
    try:
        return _TO_INTEGRAL(x, ROUND_FLOOR)  # type: ignore[arg-type]
    except TypeError:
        _number(x, "floor")
        raise


def fn_round(x: Value, places: Value = Decimal(0), mode: Value = "half_up") -> Decimal:
    """``round(x, places=0, mode='half_up')`` via :func:`cspolicy.money.round_to`."""
    return round_to(_number(x, "round"), int(_number(places, "round")), str(mode))


def fn_min(*args: Value) -> Decimal:
    """``min(a, b, …)``: the smallest number (the first of equal ones)."""
    numbers = [_number(a, "min") for a in args]
    return min(numbers)


def fn_max(*args: Value) -> Decimal:
    """``max(a, b, …)``: the largest number (the first of equal ones)."""
    numbers = [_number(a, "max") for a in args]
    return max(numbers)


def fn_clamp(x: Value, lo: Value, hi: Value) -> Decimal:
    """``clamp(x, lo, hi)``: x limited to [lo, hi], i.e. ``min(max(x, lo), hi)`` (so if
    ``lo > hi``, the result is ``hi``)."""
    low, high = _number(lo, "clamp"), _number(hi, "clamp")
    return min(max(_number(x, "clamp"), low), high)


def fn_present(x: Value) -> bool:
    """``present(x)``: x is not blank (``None``, or text of only spaces)."""
    if x is None:
        return False
    return not (isinstance(x, str) and not x.strip())


def fn_coalesce(*args: Value) -> Value:
    """``coalesce(a, b, …)``: the first argument that is not ``None`` (all are evaluated)."""
    for a in args:
        if a is not None:
            return a
    return None


def fn_ratio(a: Value, b: Value) -> Decimal | None:
    """``ratio(a, b)``: ``a ÷ b``, or blank when ``b`` is 0 (a rate with nothing to rate:
    no calls, no parcels), where ``a / b`` would reject the row.

    >>> fn_ratio(Decimal(3), Decimal(4)), fn_ratio(Decimal(3), Decimal(0))
    (Decimal('0.75'), None)
    """
    numerator, denominator = _number(a, "ratio"), _number(b, "ratio")
    if not denominator:
        return None
    return numerator / denominator


def _ratio_reason(args: list[Value]) -> str | None:
    return "its denominator is 0" if len(args) == 2 and isinstance(args[1], Decimal) and not args[1] else None


#: Why a function gave a blank, in words, from its arguments (``None``: it did not), for
#: explanations (see :meth:`cspolicy.expressions.Expression.blank_reasons`).
BLANK_REASONS: dict[str, Callable[[list[Value]], str | None]] = {"ratio": _ratio_reason}


def fn_month(d: Value) -> str:
    """``month(d)``: the month of a date as text ``YYYY-MM``."""
    day = _date(d, "month")
    text = _MONTHS.get(day)
    if text is None:
        text = f"{day.year:04d}-{day.month:02d}"
        if len(_MONTHS) < 4096:  # a file's days are few: most rows find their month here
            _MONTHS[day] = text
    return text


_MONTHS: dict[object, str] = {}


def fn_year(d: Value) -> Decimal:
    """``year(d)``: the year of a date as a number."""
    return Decimal(_date(d, "year").year)


#: The kinds one parameter takes: one kind, any of several, or ``None`` (any kind, but the
#: same for all ``None`` parameters of the call).
Param = Union[Kind, frozenset[Kind], None]


@dataclass(frozen=True)
class Builtin:
    """A builtin's signature for the type checker and its run-time helper.

    ``params`` gives the kinds of each parameter (see :data:`Param`); the last one repeats
    when ``variadic``. ``min_args`` is how many are required. ``result`` is the result kind
    (``None``: the kind of the ``None`` parameters, or of argument ``result_from``).
    """

    name: str
    impl: Callable[..., Value]
    params: tuple[Param, ...]
    result: Kind | None
    min_args: int
    variadic: bool = False
    usage: str = ""
    result_from: int | None = None
    #: The column type of the result when it is always one (a count of days is an integer).
    result_type: ColumnType | None = None


_N, _D, _T, _B = Kind.NUMBER, Kind.DATE, Kind.TEXT, Kind.BOOLEAN
_P, _M = Kind.PERIOD, Kind.DATETIME
_DAY = frozenset({_D, _M})  # a date, or a moment taken as its day
_INT, _DUR = ColumnType.INTEGER, ColumnType.DURATION
_TIME = TIME_FUNCTIONS

BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in (
        Builtin("min", fn_min, (_N, _N), _N, 2, True, "min(a, b, ...)"),
        Builtin("max", fn_max, (_N, _N), _N, 2, True, "max(a, b, ...)"),
        Builtin("abs", fn_abs, (_N,), _N, 1, usage="abs(x)"),
        Builtin("ceil", fn_ceil, (_N,), _N, 1, usage="ceil(x)"),
        Builtin("floor", fn_floor, (_N,), _N, 1, usage="floor(x)"),
        Builtin("round", fn_round, (_N, _N, Kind.TEXT), _N, 1, usage="round(x, 2, 'half_up')"),
        Builtin("clamp", fn_clamp, (_N, _N, _N), _N, 3, usage="clamp(x, lo, hi)"),
        Builtin("present", fn_present, (None,), Kind.BOOLEAN, 1, usage="present(x)"),
        Builtin("coalesce", fn_coalesce, (None,), None, 1, True, "coalesce(a, b, ...)"),
        Builtin("month", fn_month, (_DAY,), Kind.TEXT, 1, usage="month(d)"),
        Builtin("year", fn_year, (_DAY,), _N, 1, usage="year(d)"),
        Builtin("ratio", fn_ratio, (_N, _N), _N, 2, usage="ratio(a, b)"),
        # dates, moments, durations and months (cspolicy.expressions.timefns)
        Builtin("days_between", _TIME["days_between"], (_DAY, _DAY), _N, 2, usage="days_between(start, end)", result_type=_INT),
        Builtin(
            "months_between", _TIME["months_between"], (_DAY, _DAY), _N, 2, usage="months_between(start, end)", result_type=_INT
        ),
        Builtin(
            "whole_months_between",
            _TIME["whole_months_between"],
            (_DAY, _DAY),
            _N,
            2,
            usage="whole_months_between(start, end)",
            result_type=_INT,
        ),
        Builtin(
            "month_index",
            _TIME["month_index"],
            (_DAY, frozenset({_D, _M, _P})),
            _N,
            2,
            usage="month_index(hire_date, period)",
            result_type=_INT,
        ),
        Builtin("add_days", _TIME["add_days"], (_DAY, _N), None, 2, usage="add_days(d, n)", result_from=0),
        Builtin("add_months", _TIME["add_months"], (_D, _N), _D, 2, usage="add_months(d, n)"),
        Builtin("period", _TIME["period"], (frozenset({_D, _M, _P, _T}),), _P, 1, usage="period(date)"),
        Builtin("first_day", _TIME["first_day"], (_P,), _D, 1, usage="first_day(period)"),
        Builtin("last_day", _TIME["last_day"], (_P,), _D, 1, usage="last_day(period)"),
        Builtin("date", _TIME["date"], (_DAY,), _D, 1, usage="date(moment)"),
        Builtin("hour", _TIME["hour"], (_M,), _N, 1, usage="hour(moment)", result_type=_INT),
        Builtin("week", _TIME["week"], (_DAY,), _T, 1, usage="week(d)"),
        Builtin("weekday", _TIME["weekday"], (_DAY,), _N, 1, usage="weekday(d)", result_type=_INT),
        Builtin("seconds", _TIME["seconds"], (_N,), _N, 1, usage="seconds(duration)"),
        Builtin("minutes", _TIME["minutes"], (_N,), _N, 1, usage="minutes(duration)"),
        Builtin("hours", _TIME["hours"], (_N,), _N, 1, usage="hours(duration)"),
        Builtin(
            "seconds_between", _TIME["seconds_between"], (_M, _M), _N, 2, usage="seconds_between(start, end)", result_type=_DUR
        ),
        Builtin("working_days", _TIME["working_days"], (_P,), _N, 1, usage="working_days(period)", result_type=_INT),
        Builtin("is_working_day", _TIME["is_working_day"], (_DAY,), _B, 1, usage="is_working_day(d)"),
        # Erlang C staffing (cspolicy.expressions.erlangfns)
        Builtin(
            "erlang_agents",
            _ERLANG["erlang_agents"],
            (_N,) * 6,
            _N,
            6,
            usage="erlang_agents(calls, interval_s, aht_s, sl_time_s, sl_target, max_occupancy)",
            result_type=_INT,
        ),
        Builtin("erlang_wait", _ERLANG["erlang_wait"], (_N,) * 4, _N, 4, usage="erlang_wait(agents, calls, interval_s, aht_s)"),
        Builtin(
            "erlang_sl", _ERLANG["erlang_sl"], (_N,) * 5, _N, 5, usage="erlang_sl(agents, calls, interval_s, aht_s, sl_time_s)"
        ),
        Builtin("erlang_asa", _ERLANG["erlang_asa"], (_N,) * 4, _N, 4, usage="erlang_asa(agents, calls, interval_s, aht_s)"),
        Builtin(
            "working_days_between",
            _TIME["working_days_between"],
            (_DAY, _DAY),
            _N,
            2,
            usage="working_days_between(start, end)",
            result_type=_INT,
        ),
    )
}
