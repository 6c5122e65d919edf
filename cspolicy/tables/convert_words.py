"""Converters of the types that are not numbers: dates, yes/no, enums and text.

See :mod:`cspolicy.tables.convert` for the decisions they follow and :func:`make_converter`,
which builds them.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re

from cspolicy.errors import PolicyError
from cspolicy.tables.cells import EXAMPLE, CellError, Converter, bad_character, blank, cell_fold, not_a, shown
from cspolicy.tables.chars import WIDTH, bad_control, key_form
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Value

__all__ = ["date_converter", "boolean_converter", "enum_converter", "text_converter"]

_DATE_SEP = re.compile(r"(?P<y>\d{4})([-/.])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?:\s+0?0:00(?::00)?)?", re.ASCII)
_DATE_CN = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?", re.ASCII)
_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system, after day 60
#: Excel serial day numbers are accepted only for dates in this span (a plausible payroll
#: or stock date); a bare number outside it is a typo or a count, not a date.
_SERIAL_FIRST, _SERIAL_LAST = _dt.date(1950, 1, 1), _dt.date(2100, 12, 31)
_SERIAL_MIN, _SERIAL_MAX = ((d - _EXCEL_EPOCH).days for d in (_SERIAL_FIRST, _SERIAL_LAST))


def date_converter(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Date cells: ISO, ``2024/3/15``, ``2024.03.15``, ``2024年3月15日``, ``YYYYMMDD`` and
    Excel serials from 1950 to 2100."""
    expected = EXAMPLE[ColumnType.DATE]
    serials = f" (as an Excel day number it must be {_SERIAL_MIN} to {_SERIAL_MAX}, that is {_SERIAL_FIRST} to {_SERIAL_LAST})"

    def slow(cell: str) -> Value:
        ch = bad_control(cell)
        if ch is not None:
            raise bad_character(cell, ch, expected)
        text = cell.translate(WIDTH).strip()
        if not text:
            return on_blank(cell)
        try:
            if text.isascii() and text.isdigit():
                serial = int(text)
                if len(text) == 8:
                    return _dt.date(serial // 10000, serial // 100 % 100, serial % 100)
                if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
                    raise CellError(f"{shown(cell)} is not a date{serials}", "a date written YYYY-MM-DD, such as 2024-03-15")
                return _EXCEL_EPOCH + _dt.timedelta(days=serial)
            match = _DATE_SEP.fullmatch(text) or _DATE_CN.fullmatch(text)
            if match:
                return _dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise CellError(f"{shown(cell)} is not a date", expected) from None
        raise not_a(cell, "a date", expected)

    def convert(cell: str) -> Value:
        if len(cell) == 10 and cell[4] == "-" and cell[7] == "-":
            try:
                return _dt.date.fromisoformat(cell)
            except ValueError:
                pass
        return slow(cell)

    return convert


_BOOLS: dict[str, bool] = {
    **dict.fromkeys(("yes", "true", "y", "1", "是", "有", "√", "✓", "✔", "对"), True),
    **dict.fromkeys(("no", "false", "n", "0", "否", "无", "無", "×", "✗", "✘", "错"), False),
}


def boolean_converter(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Yes/no cells in English, Chinese or as tick marks, any case."""
    expected = EXAMPLE[ColumnType.BOOLEAN]
    table = _BOOLS

    def convert(cell: str) -> Value:
        found = table.get(cell)
        if found is None:
            ch = bad_control(cell)
            if ch is not None:
                raise bad_character(cell, ch, expected)
            found = table.get(cell_fold(cell))
            if found is None:
                if blank(cell):
                    return on_blank(cell)
                raise CellError(f"{shown(cell)} is not yes or no", expected)
        return found

    return convert


def enum_converter(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Enum cells: any spelling of an allowed value (full-width forms, case and spacing
    ignored) → the canonical value."""
    if not col.values:
        raise PolicyError(f"enum column '{col.name}' lists no allowed values")
    table: dict[str, str] = {}
    for canonical, spellings in col.values.items():
        for spelling in (canonical, *spellings):
            key = cell_fold(spelling)
            other = table.setdefault(key, canonical)
            if other != canonical:
                raise PolicyError(f"enum column '{col.name}': '{spelling}' would match both '{other}' and '{canonical}'")
    expected = "one of: " + ", ".join(col.values)

    def convert(cell: str) -> Value:
        found = table.get(cell.strip().casefold()) if cell.isprintable() else None
        if found is None:
            ch = bad_control(cell)
            if ch is not None:
                raise bad_character(cell, ch, expected)
            key = cell_fold(cell)
            found = table.get(key)
            if found is None:
                if not key:
                    return on_blank(cell)
                close = difflib.get_close_matches(key, table, n=1)
                hint = f" (did you mean '{table[close[0]]}'?)" if close else ""
                raise CellError(f"{shown(cell)} is not an allowed value{hint}", expected)
        return found

    return convert


def text_converter(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Text cells: surrounding whitespace stripped; ``001`` stays ``'001'``. A key column's
    cells take their written form (``e001`` → ``E001``); only a multiline column may hold
    line breaks; no cell may hold other control characters than the tab."""
    multiline = col.multiline
    expected = "text"
    if col.key:

        def key(cell: str) -> Value:
            ch = bad_control(cell)
            if ch is not None:
                raise bad_character(cell, ch, "an identifier or name")
            return key_form(cell) or on_blank(cell)

        return key

    def convert(cell: str) -> Value:
        if not cell.isprintable():
            ch = bad_control(cell, multiline)
            if ch is not None:
                raise bad_character(cell, ch, expected)
        text = cell.strip()
        return text if text else on_blank(cell)

    return convert
