"""The helpers behind operators whose operands are not plain numbers.

The type checker marks such an operator (``period - 1``, ``ended - started``, ``code & ' '
& name``) with the key of its helper (:attr:`~cspolicy.expressions.nodes.Binary.func`); the
interpreter calls :func:`operator_impl` of that key and the code generator writes a call of
the same helper, so both paths agree by construction.

Text concatenation ``a & b`` shows each operand as an output cell shows it: numbers plainly
(``3.50`` keeps its scale, ``1E+2`` is ``100``), a percent operand (a percent column or
parameter) as ``15%``, dates ``2024-03-15``, moments ``2025-03-01 09:15:02``, months
``2024-05``, ``yes``/``no``; a blank operand adds nothing (as in Excel), so a ``reasons``
text never fails on a missing part.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from cspolicy.expressions.timefns import months_from, period_minus, period_plus, period_plus_reversed, seconds_from
from cspolicy.text import format_value
from cspolicy.values import ColumnType, Value

__all__ = ["operator_impl", "concat_key", "concat_text"]

_FIXED: dict[str, Callable[[Value, Value], Value]] = {
    "period+n": period_plus,
    "n+period": period_plus_reversed,
    "period-n": period_minus,
    "period-period": months_from,
    "moment-moment": seconds_from,
}


def concat_text(value: Value, percent: bool = False) -> str:
    """One operand of ``&`` as text (a blank is empty).

    >>> from decimal import Decimal
    >>> concat_text(Decimal("3.50")), concat_text(Decimal("0.15"), percent=True), concat_text(None)
    ('3.50', '15%', '')
    """
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    return format_value(value, ColumnType.PERCENT if percent else ColumnType.TEXT)


def concat_key(left_percent: bool, right_percent: bool) -> str:
    """The helper key of ``a & b`` for operands shown as percents or not (``&%.``)."""
    return "&" + ("%" if left_percent else ".") + ("%" if right_percent else ".")


@functools.cache
def concat(a: Value, b: Value) -> str:
    """``a & b`` (module-level, not a closure, so that a compiled policy can be pickled)."""
    if a.__class__ is str and b.__class__ is str:  # the common case: text & text
        return a + b
    return concat_text(a) + concat_text(b)


def _concat_percent(left_percent: bool, right_percent: bool, a: Value, b: Value) -> str:
    return concat_text(a, left_percent) + concat_text(b, right_percent)


def _concat(left_percent: bool, right_percent: bool) -> Callable[[Value, Value], str]:
    """``&`` joining two texts; module functions (a partial), not closures, so that a
    compiled policy can be pickled (the command line's cache)."""
    if not left_percent and not right_percent:
        return concat
    return functools.partial(_concat_percent, left_percent, right_percent)


def operator_impl(key: str) -> Callable[[Value, Value], Value]:
    """The helper of an operator key set by the type checker.

    >>> from cspolicy.periods import Period
    >>> from decimal import Decimal
    >>> operator_impl("period-n")(Period(2025, 1), Decimal(1))
    Period(year=2024, month=12)
    """
    if key.startswith("&") and len(key) == 3:
        return _concat(key[1] == "%", key[2] == "%")
    return _FIXED[key]
