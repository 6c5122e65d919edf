"""How the building blocks write numbers and counts into their messages.

Messages are public API (see :mod:`cspolicy.errors`), so a figure must read the way a clerk
typed it: ``7%`` rather than ``0.07``, ``100`` rather than ``1E+2``, ``2nd`` rather than
``2``. Nothing here rounds: a message shows the exact value.
"""

from __future__ import annotations

from decimal import Decimal

from cspolicy.money import CONTEXT

__all__ = ["plain_number", "percent_text", "ordinal"]


def plain_number(x: Decimal) -> str:
    """A Decimal without exponent and without trailing zeros.

    >>> plain_number(Decimal("1E+2")), plain_number(Decimal("0.0700")), plain_number(Decimal("-0"))
    ('100', '0.07', '0')
    """
    if x.is_zero():
        return "0"
    return format(x.normalize(CONTEXT), "f")


def percent_text(x: Decimal) -> str:
    """A fraction written as a percentage (``0.07`` → ``7%``), exactly.

    >>> percent_text(Decimal("0.07")), percent_text(Decimal("0.075")), percent_text(Decimal(1))
    ('7%', '7.5%', '100%')
    """
    return plain_number(CONTEXT.multiply(x, Decimal(100))) + "%"


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
