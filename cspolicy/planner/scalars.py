"""YAML scalars of a policy read exactly like CSV cells of their type: a parameter's value,
a column's default and bounds, a band's bound, a lookup table's cell (so 7% means the same
everywhere), each error placed at its ``file:line``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cspolicy.money import MAX_POLICY_NUMBER
from cspolicy.schema.yamlsource import Document
from cspolicy.tables.cells import as_value
from cspolicy.tables.convert import CellError, make_converter
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["convert_scalar", "bounds_of"]


def convert_scalar(
    doc: Document,
    path: tuple[str | int, ...],
    value: Any,
    ctype: ColumnType,
    what: str,
    convert: Callable[[str], Value] | None = None,
) -> Value:
    """Convert a YAML scalar exactly like a CSV cell of ``ctype`` (so 7% means the same),
    with ``convert`` if given (a column's or parameter's own reader, with its bounds).

    A YAML ``true``/``false`` is a value only of a boolean: for any other type it is an
    error (it is never 1, 100 % or the text "True"), so a wrong type cannot slip past the
    bounds that the reader checks.
    """
    if isinstance(value, bool):
        if ctype is ColumnType.BOOLEAN:
            return value
        word = str(value).lower()
        if ctype.kind is Kind.TEXT:
            raise doc.error(path, f"{what}: {word} is a yes/no value, not text", f"the word in quotes ('{word}') if you mean it")
        noun, example = _NOUN[ctype]
        raise doc.error(path, f"{what}: {word} is not {noun}", f"{noun} such as {example} (true/false only for yes/no values)")
    if not isinstance(value, str):
        raise doc.error(path, f"{what}: a {ctype.value} value is one scalar", "one value such as 7% or 20.92")
    try:
        result = (convert or make_converter(ColumnSpec(name=what, type=ctype)))(value)
    except CellError as exc:
        raise doc.error(path, f"{what}: {as_value(exc)}") from None
    if isinstance(result, Decimal) and abs(result) >= MAX_POLICY_NUMBER:
        raise doc.error(
            path,
            f"{what}: '{value.strip()}' is too large for a policy value",
            f"a number below {MAX_POLICY_NUMBER:,} (results must still round to the cent)",
        )
    return result


_NOUN = {
    ColumnType.INTEGER: ("a whole number", "120"),
    ColumnType.DECIMAL: ("a number", "99.5"),
    ColumnType.PERCENT: ("a percentage", "7%"),
    ColumnType.MONEY: ("an amount of money", "20.92"),
    ColumnType.QUANTITY: ("a quantity", "12"),
    ColumnType.DATE: ("a date", "2024-03-15"),
    ColumnType.DATETIME: ("a date and time", "2025-03-01 09:15"),
    ColumnType.DURATION: ("a duration", "125 or 2:05"),
    ColumnType.PERIOD: ("a month", "2024-05"),
}
_ORDERED = (
    ColumnType.INTEGER,
    ColumnType.DECIMAL,
    ColumnType.PERCENT,
    ColumnType.MONEY,
    ColumnType.QUANTITY,
    ColumnType.DURATION,
)


def bounds_of(
    doc: Document, path: tuple[str | int, ...], lo_raw: Any, hi_raw: Any, ctype: ColumnType, what: str
) -> tuple[Decimal | None, Decimal | None]:
    """A column's or parameter's ``min``/``max``: numbers of its type, min ≤ max, and only
    for numeric types (a ``min`` on a date or text would otherwise be silently ignored)."""
    if ctype not in _ORDERED:
        for key, raw in (("min", lo_raw), ("max", hi_raw)):
            if raw is not None:
                raise doc.error(
                    (*path, key),
                    f"{what}: '{key}' applies only to numbers, not to type {ctype.value}",
                    f"no '{key}', or a numeric type ({', '.join(t.value for t in _ORDERED)})",
                )
        return None, None
    lo = None if lo_raw is None else convert_scalar(doc, (*path, "min"), lo_raw, ctype, f"{what}.min")
    hi = None if hi_raw is None else convert_scalar(doc, (*path, "max"), hi_raw, ctype, f"{what}.max")
    assert (lo is None or isinstance(lo, Decimal)) and (hi is None or isinstance(hi, Decimal))
    if lo is not None and hi is not None and lo > hi:
        raise doc.error((*path, "max"), f"{what}: min {lo_raw} is above max {hi_raw}", "min ≤ max")
    return lo, hi
