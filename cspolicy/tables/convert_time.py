"""Converters of the time types: a moment (``datetime``), a ``duration`` and a month
(``period``).

Moments and durations are read by the rules of :mod:`cspolicy.dates` (year first, 24-hour
clock; ``m:ss`` for two-part durations), so a cell and a library call read one text alike;
their refusals become :class:`~cspolicy.tables.cells.CellError`, which the reader places at
``file:row:column``. A period cell is ``YYYY-MM`` (also ``2024/5``, ``2024.05``,
``2024年5月``), or a date on the first of a month (Excel turns ``2024-05`` typed into a cell
into the date 2024-05-01); any other day is refused, never rounded to its month.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from decimal import Decimal

from cspolicy.errors import DataError
from cspolicy.periods import Period
from cspolicy.tables.cells import EXAMPLE, CellError, Converter, bad_character, blank, not_a, shown
from cspolicy.tables.chars import WIDTH, bad_control
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Value

__all__ = ["ISO_MOMENT", "datetime_converter", "duration_converter", "period_converter", "read_period"]

_MONTH = re.compile(r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*月?", re.ASCII)
_FIRST_OF_MONTH = re.compile(r"(?P<y>\d{4})([-/.])(?P<m>\d{1,2})\2(?P<d>\d{1,2})", re.ASCII)


def _from_dates(col: ColumnSpec, on_blank: Converter, read: Callable[[str], Value], ctype: ColumnType) -> Converter:
    """A converter around a :mod:`cspolicy.dates` parser (which raises ``DataError``)."""
    expected = EXAMPLE[ctype]

    def convert(cell: str) -> Value:
        ch = bad_control(cell)
        if ch is not None:
            raise bad_character(cell, ch, expected)
        if blank(cell):
            return on_blank(cell)
        try:
            return read(cell)
        except DataError as exc:
            raise CellError(exc.message, exc.expected) from None

    return convert


#: The form exports write most: read by ``datetime.fromisoformat`` (the same value; anything
#: it refuses goes the full way, which gives the reason).
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", re.ASCII)


def datetime_converter(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Moment cells: ``2025-03-01 09:15:02``, ``2025-03-01T09:15``, ``2025/3/1 9:15``,
    ``2025年3月1日 9:15`` (see :func:`cspolicy.dates.parse_datetime`)."""
    from cspolicy.dates import parse_datetime

    full = _from_dates(col, on_blank, parse_datetime, ColumnType.DATETIME)
    iso, match = _dt.datetime.fromisoformat, ISO_MOMENT.fullmatch

    def convert(cell: str) -> Value:
        if len(cell) == 19 and match(cell):
            try:
                return iso(cell)
            except ValueError:
                pass
        return full(cell)

    return convert


def duration_converter(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Duration cells, as exact Decimal seconds: ``125``, ``125.5``, ``2:05`` (m:ss),
    ``0:02:05``, ``2分5秒`` (see :func:`cspolicy.dates.parse_duration`), within the column's
    inclusive ``minimum``/``maximum`` seconds."""
    from cspolicy.dates import parse_duration
    from cspolicy.text import plain_number

    lo, hi = col.minimum, col.maximum
    if lo is None and hi is None:
        return _from_dates(col, on_blank, parse_duration, ColumnType.DURATION)
    if lo is not None and hi is not None:
        expected = f"a duration from {plain_number(lo)} to {plain_number(hi)} seconds"
    elif lo is not None:
        expected = f"a duration of at least {plain_number(lo)} seconds"
    else:
        expected = f"a duration of at most {plain_number(hi or Decimal(0))} seconds"

    def bounded(cell: str) -> Decimal:
        value = Decimal(cell) if cell.isascii() and cell.isdigit() else parse_duration(cell)  # plain seconds: fast
        if lo is not None and value < lo:
            raise DataError(f"{shown(cell)} is below the minimum {plain_number(lo)} seconds", expected=expected)
        if hi is not None and value > hi:
            raise DataError(f"{shown(cell)} is above the maximum {plain_number(hi)} seconds", expected=expected)
        return value

    return _from_dates(col, on_blank, bounded, ColumnType.DURATION)


def read_period(cell: str) -> Period:
    """One period cell (not blank) as a :class:`Period`; raises :class:`CellError`.

    >>> read_period("2024年5月"), read_period("２０２４-０５"), read_period("2024-05-01")
    (Period(year=2024, month=5), Period(year=2024, month=5), Period(year=2024, month=5))
    """
    expected = EXAMPLE[ColumnType.PERIOD]
    text = cell.translate(WIDTH).strip()
    match = _MONTH.fullmatch(text)
    if match:
        month = int(match["m"])
        if 1 <= month <= 12:
            return Period(int(match["y"]), month)
        raise CellError(f"{shown(cell)} is not a month: there is no month {month}", expected)
    day = _FIRST_OF_MONTH.fullmatch(text)
    if day:
        try:
            date = _dt.date(int(day["y"]), int(day["m"]), int(day["d"]))
        except ValueError:
            raise CellError(f"{shown(cell)} is not a month", expected) from None
        if date.day == 1:
            return Period(date.year, date.month)
        raise CellError(f"{shown(cell)} is a day, not a month (only the 1st of a month is read as its month)", expected)
    raise not_a(cell, "a month", expected)


def period_converter(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Month cells: ``2024-05``, ``2024/5``, ``2024.05``, ``2024年5月`` or ``2024-05-01``."""
    expected = EXAMPLE[ColumnType.PERIOD]
    memo: dict[str, Period] = {}  # a column holds a few months

    def convert(cell: str) -> Value:
        found = memo.get(cell)
        if found is not None:
            return found
        ch = bad_control(cell)
        if ch is not None:
            raise bad_character(cell, ch, expected)
        if blank(cell):
            return on_blank(cell)
        value = read_period(cell)
        if len(memo) < 1024:
            memo[cell] = value
        return value

    return convert
