"""The Chinese working-day calendar: weekends, statutory holidays and make-up working days.

A day is a working day when it is a Monday to Friday that is not a holiday, or a weekend
day the State Council's schedule turns into a make-up working day (调休上班). The schedule
of each year comes from, in this order:

1. an override file that defines the year (:mod:`cspolicy.workdays.overrides`);
2. the ``chinesecalendar`` package (MIT, no dependencies; 2004 to the year of its release),
   imported only when a year not in an override is first asked for, so that importing
   cspolicy stays fast.

A month that neither covers raises :class:`CalendarNotCovered` (a
:class:`~cspolicy.errors.DataError` naming the month and how to supply it): a year is never
guessed from weekends alone, since every year moves its holidays and make-up days.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from cspolicy.errors import DataError, EnvironmentFailure, PolicyError
from cspolicy.periods import Period
from cspolicy.workdays.overrides import CalendarOverride, holiday_names, load_override

__all__ = ["DayKind", "Day", "CalendarNotCovered", "WorkdayCalendar", "PACKAGE"]

#: The PyPI name of the data source (``pip install chinesecalendar``; imported as ``chinese_calendar``).
PACKAGE = "chinesecalendar"


class DayKind(str, Enum):
    """What kind of day a date is."""

    WORKDAY = "workday"  # Monday to Friday, no holiday
    MAKEUP_WORKDAY = "makeup_workday"  # a Saturday or Sunday worked instead (调休上班)
    WEEKEND = "weekend"  # Saturday or Sunday, no special schedule
    HOLIDAY = "holiday"  # a day off of a holiday break (statutory or swapped), weekends within it too


@dataclass(frozen=True)
class Day:
    """One date of the calendar, with the holiday it belongs to and where that was read."""

    date: dt.date
    kind: DayKind
    #: The holiday in Chinese (春节) for a holiday and for the make-up working day of one.
    holiday: str | None
    #: Where the year's schedule came from: ``chinesecalendar 1.11.0`` or an override file.
    source: str

    @property
    def working(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)

    @property
    def holiday_en(self) -> str | None:
        """The holiday's English name (``Spring Festival``), when it is a statutory one."""
        return holiday_names(self.holiday)[1] if self.holiday else None


class CalendarNotCovered(DataError):
    """No schedule is known for a month: neither an override file nor the package has its year."""

    def __init__(self, month: Period, covered: str, *, package: bool = True) -> None:
        self.period = month
        self.year = month.year
        expected = f"{month.year}'s holidays and make-up working days in a calendar file (see docs/calendar.md)"
        if package:
            expected += f", or a newer {PACKAGE} package (pip install -U {PACKAGE}) once it carries {month.year}"
        super().__init__(
            f"no working-day calendar for {month}: {covered}; a year's holidays and make-up working days "
            "cannot be guessed from its weekends",
            value=str(month),
            expected=expected,
        )


@dataclass
class _Year:
    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)
    source: str = ""


class WorkdayCalendar:
    """Working days from override files and, for other years, the ``chinesecalendar`` package.

    >>> cal = WorkdayCalendar()
    >>> cal.working_days_in(Period(2025, 10)), cal.day(dt.date(2025, 10, 11)).kind.value
    (18, 'makeup_workday')
    """

    def __init__(self, overrides: Iterable[CalendarOverride] = (), *, use_package: bool = True) -> None:
        self._overrides: dict[int, CalendarOverride] = {}
        for override in overrides:
            for year in sorted(override.years):
                other = self._overrides.get(year)
                if other is not None:
                    raise PolicyError(
                        f"{year} is defined by two calendar files (also {other.file}:{other.declared_at.get(year, 0)})",
                        file=override.file,
                        line=override.declared_at.get(year),
                        expected="each year in one calendar file",
                    )
                self._overrides[year] = override
        self._use_package = use_package
        self._years: dict[int, _Year] = {}
        self._months: dict[Period, int] = {}
        self._working: dict[dt.date, bool] = {}  # is_working_day, remembered per day

    @classmethod
    def from_files(cls, *paths: str, use_package: bool = True) -> WorkdayCalendar:
        """A calendar with the given override files (see :mod:`cspolicy.workdays.overrides`)."""
        return cls([load_override(p) for p in paths], use_package=use_package)

    # --- single days ---------------------------------------------------------------------

    def day(self, day: dt.date) -> Day:
        """The kind of ``day``, its holiday and the source of its year's schedule."""
        if isinstance(day, dt.datetime):
            day = day.date()
        year = self._year(Period.of(day))
        if day in year.workdays:
            return Day(day, DayKind.MAKEUP_WORKDAY, year.workdays[day] or None, year.source)
        if day in year.holidays:
            return Day(day, DayKind.HOLIDAY, year.holidays[day], year.source)
        kind = DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY
        return Day(day, kind, None, year.source)

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is worked: a weekday that is not a holiday, or a make-up working day
        (remembered: a run asks once per row, about the few days of a month)."""
        if isinstance(day, dt.datetime):
            day = day.date()
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self.day(day).working
        return known

    def holiday_name(self, day: dt.date) -> str | None:
        """The holiday ``day`` belongs to, in Chinese (``春节``): for a day off of a holiday
        break, and for a make-up working day (the holiday it makes up for); else ``None``.
        Use :meth:`is_working_day` or :meth:`day` to tell the two apart."""
        return self.day(day).holiday

    # --- counting ------------------------------------------------------------------------

    def working_days_in(self, period: Period) -> int:
        """The number of working days in a month (memoised)."""
        count = self._months.get(period)
        if count is None:
            year = self._year(period)
            count = sum(1 for d in _dates(period.start, period.end) if _working(d, year))
            self._months[period] = count
        return count

    def working_days_inclusive(self, first: dt.date, last: dt.date) -> int:
        """Working days from ``first`` to ``last``, **both included** (a leave from Thursday
        to Friday is 2 days). Raises :class:`~cspolicy.errors.DataError` when ``last`` is
        before ``first``."""
        if last < first:
            raise DataError(f"the range {first} to {last} ends before it starts", expected="an end on or after the start")
        total = 0
        month = Period.of(first)
        while month.start <= last:
            lo, hi = max(first, month.start), min(last, month.end)
            if (lo, hi) == (month.start, month.end):
                total += self.working_days_in(month)
            else:
                year = self._year(month)
                total += sum(1 for d in _dates(lo, hi) if _working(d, year))
            month = month + 1
        return total

    # --- coverage ------------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """Whether ``year``'s schedule is known (without raising)."""
        if year in self._overrides:
            return True
        if not self._use_package:
            return False
        first, last, _ = _package_range()
        return first <= year <= last

    def source_of(self, year: int) -> str:
        """Where ``year``'s schedule comes from (an override file, or the package and its version)."""
        return self._year(Period(year, 1)).source

    def _year(self, month: Period) -> _Year:
        year = self._years.get(month.year)
        if year is not None:
            return year
        override = self._overrides.get(month.year)
        if override is not None:
            year = _Year(
                {d: n for d, n in override.holidays.items() if d.year == month.year},
                {d: n for d, n in override.workdays.items() if d.year == month.year},
                override.file,
            )
        elif self._use_package and _package_covers(month):
            year = _package_year(month.year)
        else:
            raise CalendarNotCovered(month, self._coverage(), package=self._use_package)
        self._years[month.year] = year
        return year

    def _coverage(self) -> str:
        parts = []
        if self._use_package:
            first, last, version = _package_range()
            parts.append(f"the {PACKAGE} package ({version}) covers {first} to {last}")
        files: dict[str, list[int]] = {}
        for year, override in sorted(self._overrides.items()):
            files.setdefault(override.file, []).append(year)
        parts += [f"{name} covers {', '.join(map(str, years))}" for name, years in files.items()]
        return "; ".join(parts) or "no calendar source is configured"


def _dates(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    for offset in range((last - first).days + 1):
        yield first + dt.timedelta(days=offset)


def _working(day: dt.date, year: _Year) -> bool:
    return day in year.workdays or (day.weekday() < 5 and day not in year.holidays)


# --- the chinesecalendar package, imported on first use ----------------------------------


@functools.cache
def _package_data() -> tuple[int, int, str, dict[int, _Year]]:
    """(first year, last year, version, schedules by year) read from the package once."""
    try:
        module = importlib.import_module("chinese_calendar")
    except ImportError:
        raise EnvironmentFailure(
            f"the working-day calendar needs the {PACKAGE} package: pip install {PACKAGE} "
            "(or give every year you use in a calendar file, see docs/calendar.md)"
        ) from None
    version = str(getattr(module, "__version__", "(unknown version)"))
    source = f"{PACKAGE} {version}"
    years: dict[int, _Year] = {}

    def chinese(english: str) -> str:
        return str(module.Holiday(english).chinese)

    for day, name in module.holidays.items():
        years.setdefault(day.year, _Year(source=source)).holidays[day] = chinese(name)
    for day, name in module.workdays.items():
        years.setdefault(day.year, _Year(source=source)).workdays[day] = chinese(name)
    return min(years), max(years), version, years


def _package_range() -> tuple[int, int, str]:
    first, last, version, _ = _package_data()
    return first, last, version


def _package_covers(month: Period) -> bool:
    first, last, _ = _package_range()
    return first <= month.year <= last


def _package_year(year: int) -> _Year:
    return _package_data()[3].get(year) or _Year(source=f"{PACKAGE} {_package_range()[2]}")
