"""The formula functions and operators on dates, moments, durations and months.

Each is a thin wrapper over :mod:`cspolicy.dates`, :mod:`cspolicy.periods` or
:mod:`cspolicy.workdays` that takes formula values (Decimals for counts) and returns them,
so the interpreter and the generated code call the very same helper. Like every helper a
blank raises ``TypeError`` ("a blank value was used"); a value the helper cannot take (half
a month, a year the working-day calendar does not cover) raises ``ValueError`` with the
reason, which rejects the row with its ``file:row``.

A duration is a number of seconds (kind number), so ``seconds(d)`` gives it back as a plain
number (shown without the duration type), ``minutes(d)`` and ``hours(d)`` divide it.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cspolicy import dates
from cspolicy.errors import DataError
from cspolicy.periods import Period
from cspolicy.values import Value

__all__ = [
    "TIME_FUNCTIONS",
    "period_plus",
    "period_plus_reversed",
    "period_minus",
    "months_from",
    "seconds_from",
]

_SECONDS_PER_MINUTE = Decimal(60)
_SECONDS_PER_HOUR = Decimal(3600)


def _blank(func: str) -> TypeError:
    return TypeError(f"{func}() got a blank value")


def _day(value: Value, func: str) -> _dt.date:
    """A date, or a moment (taken as its calendar day)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if value is None:
        raise _blank(func)
    raise TypeError(f"{func}() needs a date, got {type(value).__name__}")


def _moment(value: Value, func: str) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value
    if value is None:
        raise _blank(func)
    raise TypeError(f"{func}() needs a date and time, got {type(value).__name__}")


def _month(value: Value, func: str) -> Period:
    if isinstance(value, Period):
        return value
    if value is None:
        raise _blank(func)
    raise TypeError(f"{func}() needs a month (period), got {type(value).__name__}")


def _seconds(value: Value, func: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None:
        raise _blank(func)
    raise TypeError(f"{func}() needs a number, got {type(value).__name__}")


def _whole(value: Value, func: str, unit: str) -> int:
    """A whole number of ``unit`` from a Decimal (``2``, ``2.0``); ``1.5`` is refused."""
    number = _seconds(value, func)
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"{func}: {number} is not a whole number of {unit}")
    if abs(number) > 10**7:
        raise ValueError(f"{func}: {number} {unit} is too far")
    return int(number)


def _stepped(func: str, step: int, start: Period) -> Period:
    try:
        return start + step
    except OverflowError as exc:
        raise ValueError(f"{func}: {exc}") from None


# --- operators ------------------------------------------------------------------------------


def period_plus(p: Value, n: Value) -> Period:
    """``period + n``: ``n`` whole months later."""
    return _stepped("period + n", _whole(n, "period + n", "months"), _month(p, "period + n"))


def period_plus_reversed(n: Value, p: Value) -> Period:
    """``n + period``: the same as ``period + n``."""
    return period_plus(p, n)


def period_minus(p: Value, n: Value) -> Period:
    """``period - n``: ``n`` whole months earlier (``period - 1`` is last month)."""
    return _stepped("period - n", -_whole(n, "period - n", "months"), _month(p, "period - n"))


def months_from(later: Value, earlier: Value) -> Decimal:
    """``later - earlier`` of two periods: the months from one to the other."""
    return Decimal(_month(later, "period - period") - _month(earlier, "period - period"))


def seconds_from(end: Value, start: Value) -> Decimal:
    """``end - start`` of two moments: a duration, in exact seconds."""
    return dates.seconds_between(_moment(start, "moment - moment"), _moment(end, "moment - moment"))


# --- functions ------------------------------------------------------------------------------


def fn_days_between(a: Value, b: Value) -> Decimal:
    """``days_between(a, b)``: ``b - a`` in days (the start counted, not the end)."""
    return Decimal(dates.days_between(_day(a, "days_between"), _day(b, "days_between")))


def fn_months_between(a: Value, b: Value) -> Decimal:
    """``months_between(a, b)``: calendar months from ``a``'s month to ``b``'s."""
    return Decimal(dates.months_between(_day(a, "months_between"), _day(b, "months_between")))


def fn_whole_months_between(a: Value, b: Value) -> Decimal:
    """``whole_months_between(a, b)``: completed months from ``a`` to ``b``."""
    return Decimal(dates.whole_months_between(_day(a, "whole_months_between"), _day(b, "whole_months_between")))


def fn_month_index(start: Value, when: Value) -> Decimal:
    """``month_index(start, when)``: the month of ``when`` (a date or a period), counting
    ``start``'s month as month 1."""
    month = when if isinstance(when, Period) else Period.of(_day(when, "month_index"))
    return Decimal(dates.month_index(_day(start, "month_index"), month))


def fn_add_days(day: Value, n: Value) -> Value:
    """``add_days(d, n)``: ``d`` moved by ``n`` whole days (a moment keeps its time)."""
    days = _whole(n, "add_days", "days")
    if isinstance(day, _dt.date):
        try:
            return day + _dt.timedelta(days=days)
        except OverflowError:
            raise ValueError(f"add_days: {day} + {days} days is outside the years 1 to 9999") from None
    raise _blank("add_days") if day is None else TypeError(f"add_days() needs a date, got {type(day).__name__}")


def fn_add_months(day: Value, n: Value) -> _dt.date:
    """``add_months(d, n)``: ``d`` moved by ``n`` whole months, the day clamped to the
    target month's end (2024-01-31 + 1 → 2024-02-29)."""
    months = _whole(n, "add_months", "months")
    try:
        return dates.add_months(_day(day, "add_months"), months)
    except OverflowError as exc:
        raise ValueError(f"add_months: {exc}") from None


def fn_period(x: Value) -> Period:
    """``period(x)``: the month of a date or moment, or of a text ``YYYY-MM`` (the run's
    ``period``)."""
    if isinstance(x, Period):
        return x
    if isinstance(x, str):
        try:
            return Period.parse(x)
        except ValueError as exc:
            raise ValueError(f"period(): {exc}") from None
    return Period.of(_day(x, "period"))


def fn_first_day(p: Value) -> _dt.date:
    """``first_day(p)``: the first day of a month."""
    return _month(p, "first_day").start


def fn_last_day(p: Value) -> _dt.date:
    """``last_day(p)``: the last day of a month."""
    return _month(p, "last_day").end


def fn_date(t: Value) -> _dt.date:
    """``date(t)``: the calendar day of a moment (a date stays itself)."""
    return _day(t, "date")


def fn_hour(t: Value) -> Decimal:
    """``hour(t)``: the hour a moment falls in, 0–23."""
    return Decimal(dates.hour_of_day(_moment(t, "hour")))


def fn_week(d: Value) -> str:
    """``week(d)``: the ISO week ``2025-W09`` (weeks start on Monday)."""
    return dates.iso_week(_day(d, "week"))


def fn_weekday(d: Value) -> Decimal:
    """``weekday(d)``: 1 for Monday … 7 for Sunday."""
    return Decimal(dates.iso_weekday(_day(d, "weekday")))


def fn_seconds(d: Value) -> Decimal:
    """``seconds(d)``: a duration as a plain number of seconds."""
    return _seconds(d, "seconds")


def fn_minutes(d: Value) -> Decimal:
    """``minutes(d)``: a duration in minutes (exact: 90 s is 1.5)."""
    return _seconds(d, "minutes") / _SECONDS_PER_MINUTE


def fn_hours(d: Value) -> Decimal:
    """``hours(d)``: a duration in hours."""
    return _seconds(d, "hours") / _SECONDS_PER_HOUR


def fn_seconds_between(a: Value, b: Value) -> Decimal:
    """``seconds_between(a, b)``: exact seconds from moment ``a`` to moment ``b``."""
    return seconds_from(b, a)


@functools.cache
def _calendars() -> tuple[Any, Any]:
    """The calendar module and the run's band tables (imported when first asked: most
    policies never ask; once, not per call: a row function asks on every row)."""
    from cspolicy import workdays
    from cspolicy.expressions.run_context import BAND_TABLES

    return workdays, BAND_TABLES


_NO_TABLES: dict[str, Any] = {}  # (never changed)


def _calendar(call: str, *args: object) -> object:
    """Ask the run's working-day calendar (``--calendar``), else the default one."""
    workdays, tables = _calendars()
    own = tables.get(_NO_TABLES).get(workdays.RUN_CALENDAR)
    try:
        return getattr(own if own is not None else workdays, call)(*args)
    except DataError as exc:  # CalendarNotCovered: the row that asked is rejected
        error = ValueError(str(exc))
        error.value = args[0]  # type: ignore[attr-defined]  # the day or month asked: its cell names the column
        raise error from None


def fn_working_days(p: Value) -> Decimal:
    """``working_days(p)``: the working days of a month (weekends, holidays and make-up
    working days from the calendar)."""
    return Decimal(_calendar("working_days_in", _month(p, "working_days")))  # type: ignore[arg-type]


def fn_is_working_day(d: Value) -> bool:
    """``is_working_day(d)``: whether a day is a working day."""
    return bool(_calendar("is_working_day", _day(d, "is_working_day")))


def fn_working_days_between(a: Value, b: Value) -> Decimal:
    """``working_days_between(a, b)``: working days from ``a`` up to but not including
    ``b``, like ``days_between`` (negative when ``b`` is earlier)."""
    start, end = _day(a, "working_days_between"), _day(b, "working_days_between")
    if start == end:
        return Decimal(0)
    sign = 1 if start < end else -1
    first, last = (start, end) if sign > 0 else (end, start)
    count = _calendar("working_days_inclusive", first, last - _dt.timedelta(days=1))
    return Decimal(sign * count)  # type: ignore[operator]


#: name → helper, for the builtin table of :mod:`.functions`.
TIME_FUNCTIONS: dict[str, Callable[..., Value]] = {
    "days_between": fn_days_between,
    "months_between": fn_months_between,
    "whole_months_between": fn_whole_months_between,
    "month_index": fn_month_index,
    "add_days": fn_add_days,
    "add_months": fn_add_months,
    "period": fn_period,
    "first_day": fn_first_day,
    "last_day": fn_last_day,
    "date": fn_date,
    "hour": fn_hour,
    "week": fn_week,
    "weekday": fn_weekday,
    "seconds": fn_seconds,
    "minutes": fn_minutes,
    "hours": fn_hours,
    "seconds_between": fn_seconds_between,
    "working_days": fn_working_days,
    "is_working_day": fn_is_working_day,
    "working_days_between": fn_working_days_between,
}
