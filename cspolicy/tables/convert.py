"""Cell converters: one raw CSV cell string in, one typed :data:`~cspolicy.values.Value` out.

:func:`make_converter` is called once per column when a table is opened; the function it
returns runs once per cell, so each keeps a *fast path* for the clean case (``Decimal(cell)``
for numbers, ``date.fromisoformat`` for ISO dates, a dict lookup for yes/no) and only falls
back to the *slow path* — Unicode NFKC normalisation (full-width ``１２３``, ``％``, ``，``
as typed with a Chinese input method), thousands separators, ``¥`` and ``元`` — when the
fast path does not apply. A bad cell raises :class:`CellError` with what is wrong and what
was expected; the reader adds the file, row and column.

Decisions:

* Numbers are :class:`~decimal.Decimal` and never pass through ``float``. Exponent notation
  (``1.2E+05``) is rejected: Excel writes it for numbers in too-narrow columns and may
  have dropped digits. ``NaN``, ``Infinity`` and ``1_000`` are rejected.
* A bare percent cell without ``%`` is a fraction (``0.15`` is 15 %). A bare number
  outside the column's range whose hundredth lies inside is rejected with a hint to write
  ``15%``; a side of the range the column does not declare counts as ±100 % for bare
  numbers, so a column with no range rejects a bare ``15`` (meaning 1500 %) the same way.
* A date cell of digits only is an Excel serial day number (1900 date system, including
  Excel's phantom 1900-02-29, serial 60, which is rejected); eight digits outside the serial
  range are read as ``YYYYMMDD``.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from cspolicy.errors import DataError, PolicyError
from cspolicy.money import CONTEXT
from cspolicy.tables.spec import ColumnSpec
from cspolicy.tables.writer import number_text, percent_text
from cspolicy.values import ColumnType, Value

# number_text and percent_text live in writer.py; re-exported here for older imports.
__all__ = ["CellError", "Converter", "make_converter", "fold", "number_text", "percent_text"]

#: A cell converter: raw cell text in, typed value out (raises :class:`CellError`).
Converter = Callable[[str], Value]


class CellError(DataError):
    """One cell could not be read; the reader re-raises it with file, row and column."""

    def __init__(self, message: str, expected: str | None = None) -> None:
        super().__init__(message, expected=expected)


_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)


def fold(text: str) -> str:
    """Fold a header or an enum spelling for comparison: NFKC, drop zero-width characters,
    strip, collapse inner whitespace to one space, casefold.

    >>> fold(" 票数（件）\u3000Total ")
    '票数(件) total'
    """
    return " ".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split()).casefold()


def _shown(cell: str) -> str:
    """The cell quoted for a message: stripped, and cut short if long."""
    text = cell.strip()
    if len(text) > 40:
        text = text[:37] + "…"
    return f"'{text}'"


_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_EXPONENT = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)[eE][+-]?\d+")
_ZERO = Decimal(0)
_ONE = Decimal(1)
_EXPONENT_NOTE = " is in exponent notation (Excel may have cut digits); format the column as Number in Excel and save again"

_NOUN = {ColumnType.INTEGER: "a whole number", ColumnType.DECIMAL: "a number", ColumnType.QUANTITY: "a number"}
_NOUN |= {ColumnType.MONEY: "an amount of money", ColumnType.PERCENT: "a percentage"}
_EXAMPLE = {
    ColumnType.INTEGER: "a whole number such as 120",
    ColumnType.DECIMAL: "a number such as 99.5",
    ColumnType.QUANTITY: "a quantity such as 12 or 2.5",
    ColumnType.MONEY: "an amount such as 1234.50",
    ColumnType.PERCENT: "a percentage such as 15% or 0.15",
    ColumnType.DATE: "a date such as 2024-03-15",
    ColumnType.BOOLEAN: "yes or no (also y/n, true/false, 1/0, 是/否, 有/无, √/×)",
    ColumnType.TEXT: "some text",
}


def _parse_number(cell: str, ctype: ColumnType, shown: str | None = None) -> Decimal:
    """Slow path: parse a non-blank numeric cell after NFKC (thousands separators, currency);
    ``shown`` is the whole cell for messages when ``cell`` is only its number part."""
    text = unicodedata.normalize("NFKC", cell).strip().replace("\u2212", "-")
    if ctype is ColumnType.MONEY:
        sign = text[:1] if text[:1] in ("+", "-") else ""
        body = text[len(sign) :].strip()
        if body.startswith("¥"):
            body = body[1:].lstrip()
        elif body.endswith("元"):
            body = body[:-1].rstrip()
        text = sign + body
    if "," in text and _GROUPED.fullmatch(text):
        value = Decimal(text.replace(",", ""))
    elif _PLAIN.fullmatch(text):
        value = Decimal(text)
    else:
        quoted = _shown(cell if shown is None else shown)
        if _EXPONENT.fullmatch(text):
            raise CellError(quoted + _EXPONENT_NOTE, _EXAMPLE[ctype])
        raise CellError(f"{quoted} is not {_NOUN[ctype]}", _EXAMPLE[ctype])
    if not value and value.is_signed():
        value = value.copy_abs()
    return value


def _range_checker(col: ColumnSpec) -> Callable[[Decimal, str], Decimal]:
    """A function passing a number inside the inclusive ``[minimum, maximum]`` through and
    raising :class:`CellError` (``'-3' is below the minimum 0``) for one outside."""
    lo, hi = col.minimum, col.maximum
    text = percent_text if col.type is ColumnType.PERCENT else number_text
    noun = _NOUN.get(col.type, "a number")
    if lo is not None and hi is not None:
        expected = f"{noun} from {text(lo)} to {text(hi)}"
    else:
        expected = f"{noun} of at least {text(lo)}" if lo is not None else f"{noun} of at most {text(hi or _ZERO)}"

    def check(value: Decimal, cell: str) -> Decimal:
        if lo is not None and value < lo:
            raise CellError(f"{_shown(cell)} is below the minimum {text(lo)}", expected)
        if hi is not None and value > hi:
            raise CellError(f"{_shown(cell)} is above the maximum {text(hi)}", expected)
        return value

    return check


def _numeric(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Integer, decimal, money and quantity cells."""
    ctype = col.type
    lo, hi = col.minimum, col.maximum
    check = _range_checker(col)
    whole = ctype is ColumnType.INTEGER
    example = _EXAMPLE[ctype]

    def finish(value: Decimal, cell: str) -> Decimal:
        if whole:
            integral = value.to_integral_value()
            if integral != value:
                raise CellError(f"{_shown(cell)} is not a whole number", example)
            value = integral if integral else _ZERO
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            check(value, cell)
        return value

    def convert(cell: str) -> Value:
        if cell.isdigit():  # fastest path: a plain non-negative whole number
            try:
                value = Decimal(cell)
            except InvalidOperation:  # other digits, such as '²'
                return finish(_parse_number(cell, ctype), cell)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                check(value, cell)
            return value
        parsed: Decimal | None = None
        if "," not in cell:  # thousands separators go straight to the slow path
            try:
                parsed = Decimal(cell)
            except (InvalidOperation, ValueError):
                pass
        if parsed is None or not parsed.is_finite() or "e" in cell or "E" in cell or "_" in cell:
            if not cell.strip():
                return on_blank(cell)
            return finish(_parse_number(cell, ctype), cell)
        if not parsed and parsed.is_signed():
            parsed = parsed.copy_abs()
        return finish(parsed, cell)

    return convert


def _percent(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Percent cells: ``15%`` and ``0.15`` are both ``Decimal('0.15')``; see the module notes."""
    lo, hi = col.minimum, col.maximum
    check = _range_checker(col)
    # The range a bare number (no %) must lie in: undeclared sides count as ±100 %.
    bare_hi = hi if hi is not None else max(_ONE, lo if lo is not None else _ONE)
    bare_lo = lo if lo is not None else min(-_ONE, hi if hi is not None else -_ONE)
    bare_range = f"{percent_text(bare_lo)}–{percent_text(bare_hi)}"

    def bare(value: Decimal, cell: str) -> Decimal:
        if bare_lo <= value <= bare_hi:
            return value
        try:
            check(value.scaleb(-2, CONTEXT), cell)
        except CellError:
            return check(value, cell)  # out of range either way: the plain range error
        typed = number_text(value)
        hint = f"{_shown(cell)} is outside {bare_range}; write {typed}% if you mean {typed} percent"
        raise CellError(hint, _EXAMPLE[ColumnType.PERCENT])

    def slow(cell: str) -> Value:
        if not cell.strip():
            return on_blank(cell)
        text = unicodedata.normalize("NFKC", cell).strip()
        if text.endswith("%"):
            number = text[:-1].rstrip()
            if not number:
                raise CellError(f"{_shown(cell)} is not a percentage", _EXAMPLE[ColumnType.PERCENT])
            value = _parse_number(number, ColumnType.PERCENT, cell).scaleb(-2, CONTEXT)
            return check(value, cell)
        return bare(_parse_number(text, ColumnType.PERCENT, cell), cell)

    def convert(cell: str) -> Value:
        if cell[-1:] == "%" and cell[:-1].isdigit():  # fastest path: '15%'
            try:
                value = Decimal(cell[:-1]).scaleb(-2, CONTEXT)
            except InvalidOperation:
                return slow(cell)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                check(value, cell)
            return value
        if "e" in cell or "E" in cell or "_" in cell:
            return slow(cell)
        try:
            if cell[-1:] == "%":
                value = Decimal(cell[:-1]).scaleb(-2, CONTEXT)
                if value.is_finite():
                    return check(value if value else _ZERO, cell)
            else:
                value = Decimal(cell)
                if value.is_finite():
                    return bare(value if value else _ZERO, cell)
        except (InvalidOperation, ValueError):
            pass
        return slow(cell)

    return convert


_DATE_SEP = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:\s+0?0:00(?::00)?)?")
_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_EXCEL_EPOCH = _dt.date(1899, 12, 30)
_EXCEL_MAX = 2958465  # 9999-12-31


def _date(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Date cells: ISO, ``2024/3/15``, ``2024.03.15``, ``2024年3月15日``, Excel serials."""
    expected = _EXAMPLE[ColumnType.DATE]

    def bad(cell: str, why: str = "") -> CellError:
        return CellError(f"{_shown(cell)} is not a date{why}", expected)

    def slow(cell: str) -> Value:
        text = unicodedata.normalize("NFKC", cell).strip()
        if not text:
            return on_blank(cell)
        try:
            if text.isdigit():
                serial = int(text)
                if len(text) == 8 and serial > _EXCEL_MAX:
                    return _dt.date(serial // 10000, serial // 100 % 100, serial % 100)
                if serial == 60:
                    raise bad(cell, " (Excel's day 60 is 1900-02-29, a day that never existed)")
                if not 1 <= serial <= _EXCEL_MAX:
                    raise bad(cell, f" (as an Excel day number it must be 1 to {_EXCEL_MAX})")
                return _EXCEL_EPOCH + _dt.timedelta(days=serial + (1 if serial < 60 else 0))
            match = _DATE_SEP.fullmatch(text)
            if match:
                return _dt.date(int(match[1]), int(match[3]), int(match[4]))
            match = _DATE_CN.fullmatch(text)
            if match:
                return _dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise bad(cell) from None
        raise bad(cell)

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


def _boolean(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Yes/no cells in English, Chinese or as tick marks, any case."""
    expected = _EXAMPLE[ColumnType.BOOLEAN]
    table = _BOOLS

    def convert(cell: str) -> Value:
        found = table.get(cell)
        if found is None:
            found = table.get(fold(cell))
            if found is None:
                if not cell.strip():
                    return on_blank(cell)
                raise CellError(f"{_shown(cell)} is not yes or no", expected)
        return found

    return convert


def _enum(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Enum cells: any spelling of an allowed value (NFKC, case and spacing ignored) →
    the canonical value."""
    if not col.values:
        raise PolicyError(f"enum column '{col.name}' lists no allowed values")
    table: dict[str, str] = {}
    for canonical, spellings in col.values.items():
        for spelling in (canonical, *spellings):
            key = fold(spelling)
            other = table.setdefault(key, canonical)
            if other != canonical:
                raise PolicyError(f"enum column '{col.name}': '{spelling}' would match both '{other}' and '{canonical}'")
    expected = "one of: " + ", ".join(col.values)

    def convert(cell: str) -> Value:
        found = table.get(cell.strip().casefold())
        if found is None:
            key = fold(cell)
            found = table.get(key)
            if found is None:
                if not key:
                    return on_blank(cell)
                close = difflib.get_close_matches(key, table, n=1)
                hint = f" (did you mean '{table[close[0]]}'?)" if close else ""
                raise CellError(f"{_shown(cell)} is not an allowed value{hint}", expected)
        return found

    return convert


def _text(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Text cells: surrounding whitespace stripped; ``001`` stays ``'001'``."""

    def convert(cell: str) -> Value:
        text = cell.strip()
        return text if text else on_blank(cell)

    return convert


#: The types read by :func:`_numeric` (the reader's generated code inlines their fast path).
NUMERIC_TYPES = (ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.MONEY, ColumnType.QUANTITY)
_FACTORIES: dict[ColumnType, Callable[[ColumnSpec, Converter], Converter]] = {
    **dict.fromkeys(NUMERIC_TYPES, _numeric),
    **{ColumnType.PERCENT: _percent, ColumnType.DATE: _date, ColumnType.BOOLEAN: _boolean},
    **{ColumnType.ENUM: _enum, ColumnType.TEXT: _text},
}


def make_converter(col: ColumnSpec) -> Converter:
    """Build the converter of one column, once; call it once per cell.

    A blank cell (only whitespace) gives ``col.default`` if set, else ``None`` for an
    optional column, else a :class:`CellError`. Numbers are then checked against the
    inclusive ``minimum``/``maximum``.

    >>> make_converter(ColumnSpec("parcels", ColumnType.INTEGER))("1,234")
    Decimal('1234')
    >>> make_converter(ColumnSpec("growth", ColumnType.PERCENT))("15%")
    Decimal('0.15')
    """
    default = col.default
    blank_ok = default is not None or not col.required
    is_enum = col.type is ColumnType.ENUM
    blank_expected = "one of: " + ", ".join(col.values) if is_enum else _EXAMPLE.get(col.type, "a value")

    def on_blank(cell: str) -> Value:
        if blank_ok:
            return default
        raise CellError("the cell is blank", blank_expected)

    try:
        factory = _FACTORIES[col.type]
    except KeyError:
        raise PolicyError(f"column '{col.name}' has an unknown type '{col.type}'") from None
    return factory(col, on_blank)
