"""Cell converters: one raw CSV cell string in, one typed :data:`~cspolicy.values.Value` out.

:func:`make_converter` is called once per column when a table is opened; the function it
returns runs once per cell, so each keeps a *fast path* for the clean case (``Decimal(cell)``
for numbers, ``date.fromisoformat`` for ISO dates, a dict lookup for yes/no) and only falls
back to the *slow path* — full-width forms (``１２３``, ``％``, ``，`` as typed with a Chinese
input method, see :mod:`cspolicy.tables.chars`), thousands separators, ``¥`` and ``元`` —
when the fast path does not apply. A bad cell raises :class:`CellError` with what is wrong
and what was expected; the reader adds the file, row and column.

Decisions:

* Numbers are :class:`~decimal.Decimal` and never pass through ``float``. Exponent notation
  (``1.2E+05``) is rejected: Excel writes it for numbers in too-narrow columns and may
  have dropped digits. ``NaN``, ``Infinity`` and ``1_000`` are rejected.
* Digits are ASCII ``0-9`` and their full-width forms only: ``5000¹``, ``①``, ``½`` and
  other scripts' digits are refused, naming the character (cell values never go through
  NFKC, which would read ``¹`` as ``1``).
* A cell holding a control character (other than the tab), or a line break outside a
  ``multiline`` text column, is refused.
* A percent cell is ``15%``, or a bare fraction whose magnitude is below 1 (``0.15`` is
  15 %, ``0`` is 0 %). Any other bare number (``5``, ``1``, ``-2``) is refused asking for
  ``5%`` or ``0.05``: ``5`` read as a fraction would be 500 %.
* A date cell of digits only is an Excel serial day number, accepted only from
  1950-01-01 to 2100-12-31 (serials 18264 to 73415), so a stray ``1`` is not 1900-01-01;
  eight digits are read as ``YYYYMMDD``.
* A key column's cells are read in their written form (:func:`~cspolicy.tables.chars.key_form`).
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
from cspolicy.tables.chars import INVISIBLE, WIDTH, bad_control, describe, escaped, key_form, odd_digit
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


def fold(text: str) -> str:
    """Fold a header for comparison: NFKC, drop zero-width characters, strip, collapse
    inner whitespace to one space, casefold. (Cell values are never NFKC'd: see
    :mod:`cspolicy.tables.chars`.)

    >>> fold(" 票数（件）\u3000Total ")
    '票数(件) total'
    """
    return " ".join(unicodedata.normalize("NFKC", text).translate(INVISIBLE).split()).casefold()


_CELL_FOLD = {**WIDTH, **INVISIBLE}


def _cell_fold(text: str) -> str:
    """Fold a yes/no or enum cell (and an enum spelling) for comparison: width forms only,
    zero-width characters dropped, spaces trimmed and collapsed, casefold."""
    return " ".join(text.translate(_CELL_FOLD).split()).casefold()


def _shown(cell: str, raw: bool = False) -> str:
    """The cell quoted for a message: stripped (unless ``raw``), cut short if long, with
    control characters escaped."""
    text = cell if raw else cell.strip()
    if len(text) > 40:
        text = text[:37] + "…"
    return f"'{escaped(text)}'"


def _blank(cell: str) -> bool:
    """Empty, or only spaces and tabs (a cell with a control character is not blank)."""
    return not cell or (cell.isspace() and bad_control(cell) is None)


def _bad_character(cell: str, ch: str, expected: str) -> CellError:
    """The error for a cell holding a control character or a line break it may not hold."""
    if ch in "\n\r\u2028\u2029":
        return CellError(
            f"{_shown(cell, raw=True)} holds a line break",
            f"{expected}, on one line (only a text column declared multiline: true may hold line breaks)",
        )
    return CellError(
        f"{_shown(cell, raw=True)} holds the control character {describe(ch)}", f"{expected} without control characters"
    )


def _not_a(cell: str, noun: str, expected: str) -> CellError:
    """``'x' is not a number``, naming a character that looks like a digit but is not one."""
    odd = odd_digit(cell)
    if odd is not None:
        return CellError(
            f"{_shown(cell)} is not {noun}: '{odd}' ({describe(odd)}) is not a digit", f"{expected}, with the digits 0-9"
        )
    return CellError(f"{_shown(cell)} is not {noun}", expected)


_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", re.ASCII)
_EXPONENT = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)[eE][+-]?\d+", re.ASCII)
_NUMBER_CHARS = {**WIDTH, 0x2212: "-"}  # and the minus sign U+2212 is a minus
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
    """Slow path: parse a non-blank numeric cell after width mapping (thousands separators,
    currency); ``shown`` is the whole cell for messages when ``cell`` is only its number part."""
    whole = cell if shown is None else shown
    ch = bad_control(cell)
    if ch is not None:
        raise _bad_character(whole, ch, _EXAMPLE[ctype])
    text = cell.translate(_NUMBER_CHARS).strip()
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
    elif _EXPONENT.fullmatch(text):
        raise CellError(_shown(whole) + _EXPONENT_NOTE, _EXAMPLE[ctype])
    else:
        raise _not_a(whole, _NOUN[ctype], _EXAMPLE[ctype])
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
        if cell.isascii():  # Decimal() alone would also take other scripts' digits
            if cell.isdigit():  # fastest path: a plain non-negative whole number
                value = Decimal(cell)
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    check(value, cell)
                return value
            # thousands separators, control characters and exponents take the slow path
            if "," not in cell and cell.isprintable() and "e" not in cell and "E" not in cell and "_" not in cell:
                try:
                    parsed = Decimal(cell)
                except InvalidOperation:
                    pass
                else:
                    if parsed.is_finite():
                        if not parsed and parsed.is_signed():
                            parsed = parsed.copy_abs()
                        return finish(parsed, cell)
        if _blank(cell):
            return on_blank(cell)
        return finish(_parse_number(cell, ctype), cell)

    return convert


def _percent(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Percent cells: ``15%`` and ``0.15`` are both ``Decimal('0.15')``; see the module notes."""
    lo, hi = col.minimum, col.maximum
    check = _range_checker(col)

    def bare(value: Decimal, cell: str) -> Decimal:
        if -_ONE < value < _ONE:
            return check(value, cell)
        check(value.scaleb(-2, CONTEXT), cell)  # out of range as a percent too: the range error
        typed = number_text(value)
        fraction = number_text(value.scaleb(-2, CONTEXT))
        also = f" or the fraction {fraction}" if -100 < value < 100 else ""
        whole = "; or 100% for all of it" if value == _ONE else ""
        raise CellError(
            f"{_shown(cell)} is not a percentage: a number without % must be a fraction below 1",
            f"{typed}%{also} for {typed} percent{whole}",
        )

    def slow(cell: str) -> Value:
        ch = bad_control(cell)
        if ch is not None:
            raise _bad_character(cell, ch, _EXAMPLE[ColumnType.PERCENT])
        if _blank(cell):
            return on_blank(cell)
        text = cell.translate(_NUMBER_CHARS).strip()
        if text.endswith("%"):
            number = text[:-1].rstrip()
            if not number:
                raise CellError(f"{_shown(cell)} is not a percentage", _EXAMPLE[ColumnType.PERCENT])
            value = _parse_number(number, ColumnType.PERCENT, cell).scaleb(-2, CONTEXT)
            return check(value, cell)
        return bare(_parse_number(text, ColumnType.PERCENT, cell), cell)

    def convert(cell: str) -> Value:
        if not (cell.isascii() and cell.isprintable()) or "e" in cell or "E" in cell or "_" in cell:
            return slow(cell)
        if cell[-1:] == "%" and cell[:-1].isdigit():  # fastest path: '15%'
            value = Decimal(cell[:-1]).scaleb(-2, CONTEXT)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                check(value, cell)
            return value
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


_DATE_SEP = re.compile(r"(?P<y>\d{4})([-/.])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?:\s+0?0:00(?::00)?)?", re.ASCII)
_DATE_CN = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?", re.ASCII)
_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system, after day 60
#: Excel serial day numbers are accepted only for dates in this span (a plausible payroll
#: or stock date); a bare number outside it is a typo or a count, not a date.
_SERIAL_FIRST, _SERIAL_LAST = _dt.date(1950, 1, 1), _dt.date(2100, 12, 31)
_SERIAL_MIN, _SERIAL_MAX = ((d - _EXCEL_EPOCH).days for d in (_SERIAL_FIRST, _SERIAL_LAST))


def _date(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Date cells: ISO, ``2024/3/15``, ``2024.03.15``, ``2024年3月15日``, ``YYYYMMDD`` and
    Excel serials from 1950 to 2100."""
    expected = _EXAMPLE[ColumnType.DATE]
    serials = f" (as an Excel day number it must be {_SERIAL_MIN} to {_SERIAL_MAX}, that is {_SERIAL_FIRST} to {_SERIAL_LAST})"

    def slow(cell: str) -> Value:
        ch = bad_control(cell)
        if ch is not None:
            raise _bad_character(cell, ch, expected)
        text = cell.translate(WIDTH).strip()
        if not text:
            return on_blank(cell)
        try:
            if text.isascii() and text.isdigit():
                serial = int(text)
                if len(text) == 8:
                    return _dt.date(serial // 10000, serial // 100 % 100, serial % 100)
                if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
                    raise CellError(f"{_shown(cell)} is not a date{serials}", "a date written YYYY-MM-DD, such as 2024-03-15")
                return _EXCEL_EPOCH + _dt.timedelta(days=serial)
            match = _DATE_SEP.fullmatch(text) or _DATE_CN.fullmatch(text)
            if match:
                return _dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise CellError(f"{_shown(cell)} is not a date", expected) from None
        raise _not_a(cell, "a date", expected)

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
            ch = bad_control(cell)
            if ch is not None:
                raise _bad_character(cell, ch, expected)
            found = table.get(_cell_fold(cell))
            if found is None:
                if _blank(cell):
                    return on_blank(cell)
                raise CellError(f"{_shown(cell)} is not yes or no", expected)
        return found

    return convert


def _enum(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Enum cells: any spelling of an allowed value (full-width forms, case and spacing
    ignored) → the canonical value."""
    if not col.values:
        raise PolicyError(f"enum column '{col.name}' lists no allowed values")
    table: dict[str, str] = {}
    for canonical, spellings in col.values.items():
        for spelling in (canonical, *spellings):
            key = _cell_fold(spelling)
            other = table.setdefault(key, canonical)
            if other != canonical:
                raise PolicyError(f"enum column '{col.name}': '{spelling}' would match both '{other}' and '{canonical}'")
    expected = "one of: " + ", ".join(col.values)

    def convert(cell: str) -> Value:
        found = table.get(cell.strip().casefold()) if cell.isprintable() else None
        if found is None:
            ch = bad_control(cell)
            if ch is not None:
                raise _bad_character(cell, ch, expected)
            key = _cell_fold(cell)
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
    """Text cells: surrounding whitespace stripped; ``001`` stays ``'001'``. A key column's
    cells take their written form (``e001`` → ``E001``); only a multiline column may hold
    line breaks; no cell may hold other control characters than the tab."""
    multiline = col.multiline
    expected = "text"
    if col.key:

        def key(cell: str) -> Value:
            ch = bad_control(cell)
            if ch is not None:
                raise _bad_character(cell, ch, "an identifier or name")
            return key_form(cell) or on_blank(cell)

        return key

    def convert(cell: str) -> Value:
        if not cell.isprintable():
            ch = bad_control(cell, multiline)
            if ch is not None:
                raise _bad_character(cell, ch, expected)
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

    A blank cell (only spaces and tabs) gives ``col.default`` if set, else ``None`` for an
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
