"""How cspolicy writes values for people: output cells, explanations and messages.

One place, so that a figure reads the same in a CSV cell, in ``--explain`` and in an error
message: ``7%`` rather than ``0.07``, ``100`` rather than ``1E+2``, ``yes``/``no``, ISO dates.
Nothing here rounds: rounding happens once, in the engine, where a column says.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from cspolicy.money import CONTEXT
from cspolicy.values import ColumnType, Value

__all__ = ["number_text", "plain_number", "percent_text", "format_value", "format_plain", "ordinal"]


def number_text(value: Decimal) -> str:
    """Plain notation, never an exponent, scale kept (``Decimal('1E+2')`` → ``'100'``);
    negative zero (``-0.00`` after rounding a tiny negative) is written without its sign."""
    return format(value if value else value.copy_abs(), "f")


def plain_number(x: Decimal) -> str:
    """A Decimal without exponent and without trailing zeros.

    >>> plain_number(Decimal("1E+2")), plain_number(Decimal("0.0700")), plain_number(Decimal("-0"))
    ('100', '0.07', '0')
    """
    if x.is_zero():
        return "0"
    return format(x.normalize(CONTEXT), "f")


def percent_text(value: Decimal) -> str:
    """A fraction as a percentage without trailing fraction zeros.

    >>> percent_text(Decimal("0.155")), percent_text(Decimal("0.0700"))
    ('15.5%', '7%')
    """
    if not value:
        return "0%"
    text = str(value.scaleb(2, CONTEXT))
    if "E" in text:
        text = format(value.scaleb(2, CONTEXT), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def format_value(value: Value, ctype: ColumnType) -> str:
    """The text of one output cell: blank for None, ``yes``/``no``, ISO dates, moments as
    ``2025-03-01 09:15:02``, months as ``2024-05``, plain numbers (percent columns as
    ``15%``; durations as seconds), text as is."""
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, Decimal):
        return percent_text(value) if ctype is ColumnType.PERCENT else number_text(value)
    if isinstance(value, _dt.date):
        return value.isoformat(sep=" ") if isinstance(value, _dt.datetime) else value.isoformat()
    if isinstance(value, str):
        return value
    return str(value)  # a Period: YYYY-MM


def format_plain(value: Value, ctype: ColumnType | None = None) -> str:
    """A value as an explanation or a message shows it: like :func:`format_value`, but a
    blank reads ``blank``.

    >>> format_plain(Decimal("0.15"), ColumnType.PERCENT), format_plain(None)
    ('15%', 'blank')
    """
    if value is None:
        return "blank"
    return format_value(value, ctype or ColumnType.TEXT)


def ordinal(n: int) -> str:
    """English ordinal of a count, as used in ladder messages.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
