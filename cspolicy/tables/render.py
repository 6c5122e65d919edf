"""Tables for the terminal: results shown with ``tabulate`` instead of written as CSV.

Values are formatted exactly as in CSV output (:func:`~cspolicy.tables.writer.format_value`)
and tabulate's number parsing is off, so ``0012`` or ``12.50`` are shown as they are and
never re-read as floats. Numeric columns are right-aligned; Chinese text is aligned by its
display width (tabulate uses ``wcwidth``). tabulate is imported on first use, to keep the
CLI's start-up fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cspolicy.tables.writer import Columns, format_value
from cspolicy.values import Kind, Value

__all__ = ["render_table"]


def render_table(
    columns: Columns,
    rows: Iterable[Sequence[Value]],
    *,
    headers: Sequence[str] | None = None,
    cells: Sequence[Mapping[str, str] | None] | None = None,
) -> str:
    """Render rows as a plain-text table (tabulate's ``simple`` format).

    ``headers`` replaces the column names shown (for example, their Chinese labels);
    ``cells``, per column, the text shown instead of a cell's text (a status's label).

    >>> from decimal import Decimal
    >>> from cspolicy.values import ColumnType
    >>> print(render_table([("station", ColumnType.TEXT), ("qty", ColumnType.INTEGER)],
    ...                    [("A", Decimal(3050)), ("B", Decimal(12))]))
    station      qty
    ---------  -----
    A           3050
    B             12
    """
    from tabulate import tabulate

    columns = list(columns)
    shown = list(headers) if headers is not None else [name for name, _ in columns]
    if len(shown) != len(columns):
        raise ValueError(f"{len(shown)} headers for {len(columns)} columns")
    types = [ctype for _, ctype in columns]
    body = [[format_value(value, ctype) for value, ctype in zip(row, types, strict=True)] for row in rows]
    if cells is not None and any(cells):
        body = [[m.get(t, t) if m else t for t, m in zip(line, cells, strict=True)] for line in body]
    align = ["right" if ctype.kind is Kind.NUMBER else "left" for ctype in types]
    return tabulate(body, headers=shown, tablefmt="simple", disable_numparse=True, colalign=align)
