"""The value kinds that flow through policies, and the column types that produce them.

A declared column type (``integer``, ``percent``, ``money`` …) says how a cell is read and
how a result is rounded and shown; its *kind* says what an expression may do with it.
Every number is a :class:`decimal.Decimal` (percent ``15%`` is ``Decimal('0.15')``), so
one arithmetic serves all numeric types and nothing is ever a float. A duration is a number
too (exact seconds), so talk times add, average and compare with ``20`` seconds directly; a
month is a :class:`~cspolicy.periods.Period` and a moment a naive :class:`datetime.datetime`.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from enum import Enum
from typing import Union

from cspolicy.periods import Period

__all__ = ["Kind", "ColumnType", "Value", "kind_of"]


class Kind(str, Enum):
    """What an expression can do with a value."""

    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    PERIOD = "period"


class ColumnType(str, Enum):
    """A declared column type in a policy (inputs, outputs and parameters)."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"
    MONEY = "money"
    QUANTITY = "quantity"
    DATE = "date"
    BOOLEAN = "boolean"
    ENUM = "enum"
    DATETIME = "datetime"
    DURATION = "duration"
    PERIOD = "period"

    @property
    def kind(self) -> Kind:
        return _KINDS[self]


_KINDS = {
    ColumnType.TEXT: Kind.TEXT,
    ColumnType.ENUM: Kind.TEXT,
    ColumnType.INTEGER: Kind.NUMBER,
    ColumnType.DECIMAL: Kind.NUMBER,
    ColumnType.PERCENT: Kind.NUMBER,
    ColumnType.MONEY: Kind.NUMBER,
    ColumnType.QUANTITY: Kind.NUMBER,
    ColumnType.DATE: Kind.DATE,
    ColumnType.BOOLEAN: Kind.BOOLEAN,
    ColumnType.DATETIME: Kind.DATETIME,
    ColumnType.DURATION: Kind.NUMBER,
    ColumnType.PERIOD: Kind.PERIOD,
}

#: A value as cspolicy holds it; ``None`` is a blank optional cell. A ``datetime`` is a
#: ``date`` subclass: only the static kind tells a date from a moment in formulas.
Value = Union[Decimal, str, bool, _dt.date, Period, None]


def kind_of(value: Value) -> Kind | None:
    """The kind of a runtime value (``None`` for a blank)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, Decimal):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.TEXT
    if isinstance(value, Period):
        return Kind.PERIOD
    if isinstance(value, _dt.datetime):
        return Kind.DATETIME
    return Kind.DATE
