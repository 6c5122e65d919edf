"""A fused loop's row as one line of CSV text, made in the generated function itself.

``csv.writer.writerows`` costs about 0.8 µs a row of ten cells on its own (each cell
checked, converted and copied, then one ``write`` per row). A generated row function that
returns the finished line instead (``f"{p0},{p1},…\\r\\n"``), fed to the stream's
``writelines``, writes the same bytes in a fraction of that: the cells known to be numbers
(a Decimal or a blank) are ``str()``-ed as ``csv.writer`` would, a column always given by
one of its formula's plain literals is written as it is, and every other text is checked
for the characters that make ``csv.writer`` quote it (``,``, ``"``, CR, LF), with a quick
pass for letters and digits (``S0001站``). Only for the dialect CSV sinks use (excel:
``,``, ``"`` doubled, CRLF, minimal quoting) and rows of two cells or more (``csv.writer``
writes a row of one blank cell as ``""``); otherwise :func:`line_code` says None and the
row goes to ``csv.writer`` as before.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from cspolicy.tables import CsvSink
from cspolicy.values import ColumnType

__all__ = ["line_code"]

#: The characters that make csv.writer (excel dialect, minimal quoting) quote a cell.
_SPECIAL = frozenset(',"\r\n')


def _csv_text(value: Any) -> str:
    """One cell's text exactly as csv.writer (excel dialect) writes it."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    return '"' + text.replace('"', '""') + '"' if not _SPECIAL.isdisjoint(text) else text


def line_code(
    sink: CsvSink, cells: Sequence[str], plain: Sequence[Decimal | tuple[Decimal] | str | None]
) -> tuple[list[str], str, dict[str, Any]] | None:
    """Statements naming each cell's text ``_p0``…, the expression of the whole line, and
    the names they use; ``cells`` and ``plain`` as given to and made by
    :meth:`CsvSink.cell_code`. None when the line cannot be made so (see the module notes)."""
    dialect = sink._writer.dialect
    standard = (
        dialect.delimiter == ","
        and dialect.quotechar == '"'
        and dialect.doublequote
        and dialect.escapechar is None
        and dialect.lineterminator == "\r\n"
        and dialect.quoting == csv.QUOTE_MINIMAL
    )
    if not standard or len(cells) < 2 or len(plain) != len(cells):
        return None
    statements: list[str] = []
    parts: list[str] = []
    for j, (expr, marker) in enumerate(zip(cells, plain)):
        text = sink.columns[j][1] in (ColumnType.TEXT, ColumnType.ENUM)
        mapped = bool(sink.cells[j])
        if not mapped and (isinstance(marker, (Decimal, tuple)) or (marker == "blank" and not text)):
            parts.append(f"{{({expr})!s}}")  # a Decimal, or '' for a blank: str() as csv.writer does
        elif not mapped and marker == "" and not text:
            parts.append(f"{{'' if (_t := {expr}) is None else _t!s}}")  # a whole number as read
        elif not mapped and marker == "safe":
            parts.append(f"{{{expr}}}")  # one of the policy's plain literals
        else:
            statements.append(
                f"_p{j} = _t if (_t := {expr}).__class__ is _str and (_t.isalnum() or _plainq(_t)) else _csv_text(_t)"
            )
            parts.append(f"{{_p{j}}}")
    line = 'f"' + ",".join(parts) + '\\r\\n"'
    return statements, line, {"_str": str, "_plainq": _SPECIAL.isdisjoint, "_csv_text": _csv_text}
