"""Calendar periods: a payroll or review month written ``YYYY-MM``.

Periods compare in time order and step by whole months: ``period - 1`` is the previous
month (last month's score, R-SC-14), ``period + 1`` the next, and ``later - earlier`` is the
number of months from one to the other (``Period(2025, 3) - Period(2024, 12) == 3``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import overload

__all__ = ["Period"]

_PERIOD = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month.

    >>> p = Period.parse("2024-02")
    >>> p.start, p.end, str(p)
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29), '2024-02')
    """

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``YYYY-MM``; raises ``ValueError`` with the expected form."""
        m = _PERIOD.match(text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"'{text}' is not a month; expected YYYY-MM such as 2024-03")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        return cls(day.year, day.month)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __add__(self, months: int) -> Period:
        """The period ``months`` later (earlier when negative).

        >>> Period(2024, 12) + 1, Period(2025, 1) - 1
        (Period(year=2025, month=1), Period(year=2024, month=12))
        """
        if isinstance(months, bool) or not isinstance(months, int):
            return NotImplemented
        index = self.year * 12 + self.month - 1 + months
        if not 1 <= index // 12 <= 9999:
            raise OverflowError(f"{self} + {months} months is outside the years 1 to 9999")
        return Period(index // 12, index % 12 + 1)

    @overload
    def __sub__(self, other: int) -> Period: ...
    @overload
    def __sub__(self, other: Period) -> int: ...
    def __sub__(self, other: int | Period) -> Period | int:
        """``period - n`` steps back ``n`` months; ``period - other`` counts the months from
        ``other`` to ``period`` (negative when ``other`` is later)."""
        if isinstance(other, Period):
            return (self.year - other.year) * 12 + self.month - other.month
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        return self + (-other)
