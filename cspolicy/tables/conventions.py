"""A header preset's value conventions applied before a cell is converted: an export's own
spellings of a value ("Y"/"N", 已接通/未接通), durations in milliseconds or minutes, moments
written in UTC (see :mod:`cspolicy.tables.presets`, which declares them)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from cspolicy.money import CONTEXT
from cspolicy.tables.cells import CellError, Converter
from cspolicy.tables.chars import fold as _fold
from cspolicy.tables.spec import ColumnSpec

__all__ = ["with_conventions"]


def with_conventions(col: ColumnSpec, convert: Converter) -> Converter:
    """``convert`` preceded by the preset's conventions of ``col`` (see :class:`ColumnSpec`)."""
    mapping, scale, offset = col.cell_values, col.unit_scale, col.utc_offset

    def converted(cell: str) -> object:
        text = cell
        if mapping and text.strip():
            try:
                text = mapping[_fold(text)]
            except KeyError:
                raise CellError(
                    f"'{cell.strip()}' is not a value this export's column is known to hold",
                    "one of: " + ", ".join(sorted(mapping)),
                ) from None
        if offset is not None and text.strip():
            text = _from_utc(text, offset)
        value = convert(text)
        if scale is not None and isinstance(value, Decimal):
            value = CONTEXT.multiply(value, scale)
        return value

    return converted  # type: ignore[return-value]


def _from_utc(cell: str, minutes: int) -> str:
    """A UTC moment (``2025-03-03T01:02:03Z``, ``…+00:00``, or without a zone, as the preset
    declares the column UTC) as local wall-clock text at ``minutes`` east of UTC. Fractions
    of a second are dropped: every metric counts whole seconds."""
    text = cell.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1]
    elif text.endswith("+00:00"):
        text = text[:-6]
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise CellError(f"'{cell.strip()}' is not a moment in UTC", "a UTC moment such as 2025-03-03T01:02:03Z") from None
    if moment.tzinfo is not None:
        raise CellError(f"'{cell.strip()}' is not in UTC", "a UTC moment such as 2025-03-03T01:02:03Z (or +00:00)")
    local = moment.replace(microsecond=0) + _dt.timedelta(minutes=minutes)
    return local.strftime("%Y-%m-%d %H:%M:%S")
