"""Date and time arithmetic for policies: day and month counts, stepping, and the timestamps
and durations of call-centre exports.

Everything is exact: day counts are integers, durations are :class:`~decimal.Decimal`
seconds (``'125.5'`` stays ``Decimal('125.5')``), and nothing passes through ``float``.

Counting months, three ways (R-SC-13 uses the third):

* :func:`months_between` counts **calendar months**: only the year and month of each date
  matter, so 2024-03-15 → 2024-05-01 is 2 (March → May), as is 2024-03-01 → 2024-05-31.
* :func:`whole_months_between` counts **completed months**: the largest ``n`` with
  ``add_months(start, n) <= end`` (2024-03-15 → 2024-05-01 is 1; → 2024-05-15 is 2).
  Years of service (annual leave) are ``whole_years_between`` = completed months ÷ 12.
* :func:`month_index` numbers the months of an employment with the **hire month as month 1**:
  hired 2024-03-15, March is month 1, April 2, May 3.

:func:`add_months` keeps the day of the month and **clamps** it to the last day of a
shorter month: 2024-01-31 + 1 month = 2024-02-29, 2023-01-31 + 1 month = 2023-02-28, and
2024-02-29 + 12 months = 2025-02-28. So ``add_months(add_months(d, 1), -1)`` need not be
``d``, but ``months_between(d, add_months(d, n)) == n`` always holds.

Text that cannot be read one way only is refused, never guessed: :func:`parse_datetime` and
:func:`parse_duration` say what they accept. Their errors are :class:`~cspolicy.errors.DataError`
without a place; the table reader adds ``file:row:column``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from cspolicy.errors import DataError
from cspolicy.periods import Period
from cspolicy.tables.chars import describe, narrow, odd_digit

__all__ = [
    "days_between",
    "months_between",
    "whole_months_between",
    "whole_years_between",
    "month_index",
    "add_days",
    "add_months",
    "parse_datetime",
    "parse_duration",
    "format_duration",
    "seconds_between",
    "iso_week",
    "iso_weekday",
    "hour_of_day",
    "DATETIME_EXPECTED",
    "DURATION_EXPECTED",
]

DATETIME_EXPECTED = "a date and time such as 2025-03-01 09:15:02, 2025-03-01T09:15 or 2025/3/1 9:15"
DURATION_EXPECTED = "a duration such as 125 or 125.5 (seconds), 2:05 (m:ss), 0:02:05 (h:mm:ss) or 2分5秒"


# --- days and months ---------------------------------------------------------------------


def days_between(start: dt.date, end: dt.date) -> int:
    """Days from ``start`` to ``end``: ``end - start``, negative when ``end`` is earlier.

    The same date gives 0 (count the start, not the end; add 1 to count both ends).

    >>> days_between(dt.date(2024, 2, 28), dt.date(2024, 3, 1))
    2
    """
    return (_day(end) - _day(start)).days


def months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months from ``start``'s month to ``end``'s month; days are ignored.

    >>> months_between(dt.date(2024, 3, 15), dt.date(2024, 5, 1))
    2
    """
    return (end.year - start.year) * 12 + end.month - start.month


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Completed months from ``start`` to ``end``: the largest ``n`` with
    ``add_months(start, n) <= end``; when ``end`` is earlier, minus the completed months
    from ``end`` to ``start``.

    >>> whole_months_between(dt.date(2024, 3, 15), dt.date(2024, 5, 1))
    1
    >>> whole_months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29))
    1
    """
    start, end = _day(start), _day(end)
    if end < start:
        return -whole_months_between(end, start)
    n = months_between(start, end)
    return n if add_months(start, n) <= end else n - 1


def whole_years_between(start: dt.date, end: dt.date) -> int:
    """Completed years (whole months ÷ 12, truncated toward zero): years of service.

    Someone who started on 2024-02-29 completes a year on 2025-02-28 (the clamped date).

    >>> whole_years_between(dt.date(2015, 7, 1), dt.date(2025, 6, 30))
    9
    """
    months = whole_months_between(start, end)
    return months // 12 if months >= 0 else -(-months // 12)


def month_index(start: dt.date, when: dt.date | Period) -> int:
    """The number of the month ``when`` falls in, counting ``start``'s month as month 1.

    Hired 2024-03-15: March 2024 is month 1, April 2, May 3 (R-SC-13 floats pay from month
    3). A month before the start month gives 0 or less; the caller decides what that means.

    >>> [month_index(dt.date(2024, 3, 15), Period(2024, m)) for m in (2, 3, 4, 5)]
    [0, 1, 2, 3]
    """
    month = when if isinstance(when, Period) else Period.of(when)
    return month - Period.of(start) + 1


def add_days(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days`` (negative: earlier).

    >>> add_days(dt.date(2024, 2, 28), 2)
    datetime.date(2024, 3, 1)
    """
    return _day(day) + dt.timedelta(days=days)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, the day clamped to the target month's end.

    >>> add_months(dt.date(2024, 1, 31), 1), add_months(dt.date(2024, 3, 31), -1)
    (datetime.date(2024, 2, 29), datetime.date(2024, 2, 29))
    """
    day = _day(day)
    target = Period.of(day) + months
    return dt.date(target.year, target.month, min(day.day, target.end.day))


def _day(value: dt.date) -> dt.date:
    """A datetime counts as its calendar day (``datetime`` is a subclass of ``date``)."""
    return value.date() if isinstance(value, dt.datetime) else value


# --- parts of a date or time -------------------------------------------------------------


def iso_week(day: dt.date) -> str:
    """The ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday).

    >>> iso_week(dt.date(2024, 12, 30)), iso_week(dt.date(2027, 1, 1))
    ('2025-W01', '2026-W53')
    """
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def iso_weekday(day: dt.date) -> int:
    """1 for Monday … 7 for Sunday."""
    return day.isoweekday()


def hour_of_day(moment: dt.datetime) -> int:
    """The hour a moment falls in, 0–23 (09:59:59 is hour 9)."""
    return moment.hour


def seconds_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Exact seconds from ``start`` to ``end`` (negative when ``end`` is earlier).

    >>> seconds_between(dt.datetime(2025, 3, 1, 9, 15, 2), dt.datetime(2025, 3, 1, 9, 16, 0, 500000))
    Decimal('58.5')
    """
    delta = end - start
    whole = delta.days * 86400 + delta.seconds
    if not delta.microseconds:
        return Decimal(whole)
    return whole + Decimal("0." + f"{delta.microseconds:06d}".rstrip("0"))


# --- timestamps --------------------------------------------------------------------------

_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
_ZONE = r"(?P<z>Z|[+-]\d{2}:?\d{2})?"
_DATETIME = [
    re.compile(rf"(?P<y>\d{{4}})-(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}})(?:T|\s+){_TIME}{_ZONE}"),
    re.compile(rf"(?P<y>\d{{4}})/(?P<mo>\d{{1,2}})/(?P<d>\d{{1,2}})\s+{_TIME}{_ZONE}"),
    re.compile(rf"(?P<y>\d{{4}})\s*年\s*(?P<mo>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日\s*{_TIME}{_ZONE}"),
]
_DATE_ONLY = re.compile(r"\d{4}([-/])\d{1,2}\1\d{1,2}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?")
_YEAR_LAST = re.compile(r"\d{1,2}([-/.])\d{1,2}\1\d{2,4}\b.*")
_SHORT_YEAR = re.compile(r"\d{2}([-/.])\d{1,2}\1\d{1,2}\b.*")
_TWELVE_HOUR = re.compile(r"(?i).*(\b[ap]\.?m\.?\b|上午|下午|凌晨|中午|晚上)")
_SERIAL = re.compile(r"\d+(\.\d+)?")


def parse_datetime(text: str, *, zone: dt.tzinfo | None = None) -> dt.datetime:
    """Read a call-centre timestamp as a naive local :class:`~datetime.datetime`.

    Accepted (after full-width characters are folded, so ``２０２５`` reads as ``2025``):

    * year first: ``2025-03-01 09:15:02``, ``2025-03-01T09:15:02``, ``2025/3/1 9:15``,
      ``2025年3月1日 9:15``; month and day with one or two digits, the same separator twice;
    * a 24-hour time ``H:MM`` or ``H:MM:SS``, with up to 6 decimals of a second (``.123``);
    * a time-zone suffix (``Z``, ``+08:00``) only when ``zone`` is given: the moment is then
      converted to ``zone``'s local time and returned without a zone.

    Refused, with the reason: a date without a time; day or month first (``1/3/2025`` reads
    as 1 March or 3 January); two-digit years; 12-hour clocks (``9:15 PM``, ``下午3:00``);
    spreadsheet serial numbers; an offset without ``zone``; dates and times that do not exist.

    >>> parse_datetime("2025/3/1 9:15")
    datetime.datetime(2025, 3, 1, 9, 15)
    >>> str(parse_datetime("2025-03-01T01:15:02Z", zone=dt.timezone(dt.timedelta(hours=8))))
    '2025-03-01 09:15:02'
    """
    clean = _cleaned(text, _bad_datetime)
    for pattern in _DATETIME:
        match = pattern.fullmatch(clean)
        if match:
            return _build_datetime(text, match, zone)
    raise _bad_datetime(text, _why_not_datetime(clean))


def _build_datetime(text: str, match: re.Match[str], zone: dt.tzinfo | None) -> dt.datetime:
    fraction = match["f"] or ""
    if len(fraction) > 6:
        raise _bad_datetime(text, " (more than 6 decimals of a second)")
    try:
        moment = dt.datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"]),
            int(match["mi"]),
            int(match["s"] or 0),
            int(fraction.ljust(6, "0")),
        )
    except ValueError:
        raise _bad_datetime(text, " (no such date or time)") from None
    offset = match["z"]
    if offset is None:
        return moment
    if zone is None:
        raise _bad_datetime(text, f" without a local time zone (it has the offset {offset}; say which zone to convert to)")
    if offset == "Z":
        given = dt.UTC
    else:
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise _bad_datetime(text, f" (the offset {offset} does not exist)")
        sign = -1 if offset[0] == "-" else 1
        given = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    return moment.replace(tzinfo=given).astimezone(zone).replace(tzinfo=None)


def _why_not_datetime(clean: str) -> str:
    if not clean:
        return " (it is blank)"
    if _DATE_ONLY.fullmatch(clean):
        return " (it has no time of day)"
    if _TWELVE_HOUR.match(clean):
        return " (a 12-hour clock; write the 24-hour time, e.g. 15:00)"
    if _SHORT_YEAR.fullmatch(clean):
        return " (a two-digit year is ambiguous; write all four digits, year first)"
    if _YEAR_LAST.fullmatch(clean):
        return " (day and month first is ambiguous: 1/3/2025 reads as 1 March or 3 January, so write the year first)"
    if _SERIAL.fullmatch(clean):
        return " (a spreadsheet serial number; format the column as yyyy-mm-dd hh:mm:ss in Excel and save again)"
    return ""


def _cleaned(text: str, bad: Callable[[str, str], DataError]) -> str:
    """``text`` with full-width forms narrowed and trimmed, the way cells are read: never
    NFKC, which reads ``①`` and ``²`` as digits (``1²5`` was 125 seconds). A digit-like
    character other than ASCII and full-width 0-9 is refused, naming it."""
    odd = odd_digit(text)
    if odd is not None:
        raise bad(text, f" ('{odd}' ({describe(odd)}) is not a digit)")
    return narrow(text).strip()


def _bad_datetime(text: str, why: str) -> DataError:
    return DataError(f"{_shown(text)} is not a date and time{why}", value=text, expected=DATETIME_EXPECTED)


# --- durations ---------------------------------------------------------------------------

_SECONDS = re.compile(r"\d+(?:\.\d+)?")
_CLOCK = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d{2}(?:\.\d+)?)")
_CHINESE = re.compile(r"(?:(?P<h>\d+)\s*(?:小时|时)\s*)?(?:(?P<m>\d+)\s*分钟?\s*)?(?:(?P<s>\d+(?:\.\d+)?)\s*秒(?:钟)?)?")


def parse_duration(text: str) -> Decimal:
    """Read a duration as exact :class:`~decimal.Decimal` seconds.

    Accepted: plain seconds (``125``, ``125.5``); ``m:ss`` (``2:05`` is 125 s — two parts
    are always minutes and seconds, as call-detail exports write talk times, never hours
    and minutes); ``h:mm:ss`` (``1:02:05``); seconds in either form may carry decimals
    (``0:02:05.25``); minutes and seconds after a colon are two digits below 60; the leading
    part has any number of digits (``75:30`` is 75 minutes 30 seconds). Chinese forms
    ``1小时2分5秒``, ``2分5秒``, ``45秒``, ``3分钟``. Refused: negative or blank values,
    exponents, units other than these.

    >>> parse_duration("2:05"), parse_duration("0:02:05.5"), parse_duration("1分23秒")
    (Decimal('125'), Decimal('125.5'), Decimal('83'))
    """
    clean = _cleaned(text, _bad_duration)
    if _SECONDS.fullmatch(clean):
        return Decimal(clean)
    match = _CLOCK.fullmatch(clean)
    if match:
        hours, minutes, seconds = match["h"], match["m"], match["s"]
        if hours is not None and len(minutes) != 2:
            raise _bad_duration(text, " (minutes after the hours are two digits)")
        if (hours is not None and int(minutes) > 59) or Decimal(seconds) >= 60:
            raise _bad_duration(text, " (minutes and seconds after a colon must be below 60)")
        return int(hours or 0) * 3600 + int(minutes) * 60 + Decimal(seconds)
    match = _CHINESE.fullmatch(clean)
    if clean and match:
        return int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + Decimal(match["s"] or 0)
    why = " (it is blank)" if not clean else " (a duration cannot be negative)" if clean.startswith(("-", "−")) else ""
    raise _bad_duration(text, why)


def format_duration(seconds: Decimal | int) -> str:
    """``h:mm:ss`` for people, decimals of a second kept (the inverse of :func:`parse_duration`).

    >>> format_duration(Decimal("3725.5")), format_duration(59)
    ('1:02:05.5', '0:00:59')
    """
    value = Decimal(seconds)
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    fraction = value - whole
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    if fraction:
        text += format(fraction.normalize(), "f")[1:]
    return text


def _bad_duration(text: str, why: str) -> DataError:
    return DataError(f"{_shown(text)} is not a duration{why}", value=text, expected=DURATION_EXPECTED)


def _shown(text: str) -> str:
    text = text.strip()
    return f"'{text[:37]}…'" if len(text) > 40 else f"'{text}'"
