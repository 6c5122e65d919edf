"""Rows already in memory (dicts from Python code), read like CSV rows.

Developers call :func:`cspolicy.evaluate` with dicts instead of files. Every value goes
through the same cell converter as a CSV cell, so a typed value is checked exactly like a
typed cell (ranges, enums), and a ``float`` is refused: it is binary and inexact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from cspolicy.errors import DataError, ErrorCollector
from cspolicy.tables.convert import CellError, make_converter
from cspolicy.tables.spec import TableSpec
from cspolicy.values import Value

__all__ = ["read_records"]


def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, Decimal):
        return format(raw, "f")
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float):
        raise CellError(f"{raw!r} is a float, which is binary and inexact", "text such as '12.5' or a decimal.Decimal")
    raise CellError(f"{raw!r} is a {type(raw).__name__}", "text, a Decimal, an int, a date or a bool")


def read_records(
    records: Iterable[Mapping[str, Any]], spec: TableSpec, *, name: str, errors: ErrorCollector
) -> Iterator[tuple[int, tuple[Value, ...]]]:
    """Typed rows from dicts keyed by column name; row numbers count as in a CSV (first = 2).

    Bad values are added to ``errors`` (their row is skipped), like the CSV reader does.
    """
    convs = [(c, make_converter(c)) for c in spec.columns]
    for rowno, record in enumerate(records, start=2):
        row: list[Value] = []
        for col, conv in convs:
            raw = record.get(col.name)
            try:
                row.append(conv(_as_text(raw)))
            except CellError as exc:
                errors.add(
                    DataError(
                        f"column '{col.name}': {exc.message}",
                        file=name,
                        row=rowno,
                        column=col.name,
                        value=None if raw is None else str(raw),
                        expected=exc.expected,
                    )
                )
                break
        else:
            yield rowno, tuple(row)
