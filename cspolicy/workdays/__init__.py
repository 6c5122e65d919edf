"""The Chinese working-day calendar (weekends, statutory holidays, make-up working days).

Named ``workdays`` rather than ``calendar`` so that it never reads as, or shadows, the
standard library's :mod:`calendar` (which :mod:`cspolicy.periods` uses).

>>> import datetime as dt
>>> from cspolicy.periods import Period
>>> working_days_in(Period(2025, 1)), is_working_day(dt.date(2025, 1, 26)), holiday_name(dt.date(2025, 1, 29))
(19, True, '春节')
>>> working_days_inclusive(dt.date(2025, 9, 29), dt.date(2025, 10, 12))  # 29, 30 Sep; 9, 10, 11 (make-up) Oct
5

The module functions use :func:`default_calendar` (the ``chinesecalendar`` package only);
a run with override files builds its own :class:`WorkdayCalendar`. Importing this package
does not import ``chinesecalendar``: the first question about a year does.
"""

from __future__ import annotations

import datetime as dt
import functools

from cspolicy.periods import Period
from cspolicy.workdays.days import PACKAGE as PACKAGE
from cspolicy.workdays.days import CalendarNotCovered as CalendarNotCovered
from cspolicy.workdays.days import Day as Day
from cspolicy.workdays.days import DayKind as DayKind
from cspolicy.workdays.days import WorkdayCalendar as WorkdayCalendar
from cspolicy.workdays.overrides import CalendarOverride as CalendarOverride
from cspolicy.workdays.overrides import load_override as load_override
from cspolicy.workdays.overrides import parse_override as parse_override

__all__ = [
    "WorkdayCalendar",
    "Day",
    "DayKind",
    "CalendarNotCovered",
    "CalendarOverride",
    "load_override",
    "parse_override",
    "default_calendar",
    "is_working_day",
    "holiday_name",
    "working_days_in",
    "working_days_inclusive",
    "PACKAGE",
    "RUN_CALENDAR",
]


#: The key of a run's own calendar (``--calendar FILE``) beside its band tables
#: (:data:`cspolicy.steps.BAND_TABLES`), where the formula functions find it.
RUN_CALENDAR = "working_days"


@functools.cache
def default_calendar() -> WorkdayCalendar:
    """The calendar of the ``chinesecalendar`` package alone (shared, memoised)."""
    return WorkdayCalendar()


def is_working_day(day: dt.date) -> bool:
    """See :meth:`WorkdayCalendar.is_working_day`."""
    return default_calendar().is_working_day(day)


def holiday_name(day: dt.date) -> str | None:
    """See :meth:`WorkdayCalendar.holiday_name`."""
    return default_calendar().holiday_name(day)


def working_days_in(period: Period) -> int:
    """See :meth:`WorkdayCalendar.working_days_in`."""
    return default_calendar().working_days_in(period)


def working_days_inclusive(first: dt.date, last: dt.date) -> int:
    """See :meth:`WorkdayCalendar.working_days_inclusive` (both ends included)."""
    return default_calendar().working_days_inclusive(first, last)
