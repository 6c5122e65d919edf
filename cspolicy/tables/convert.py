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

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from cspolicy.errors import PolicyError
from cspolicy.money import CONTEXT
from cspolicy.tables.cells import EXAMPLE, EXPONENT_NOTE, NOUN, CellError, Converter, bad_character, blank, not_a, shown
from cspolicy.tables.chars import WIDTH, bad_control, fold
from cspolicy.tables.convert_time import datetime_converter, duration_converter, period_converter
from cspolicy.tables.convert_words import boolean_converter, date_converter, enum_converter, text_converter
from cspolicy.tables.spec import ColumnSpec
from cspolicy.tables.writer import number_text, percent_text
from cspolicy.values import ColumnType, Value

# number_text and percent_text live in writer.py; re-exported here for older imports.
__all__ = ["CellError", "Converter", "make_converter", "fold", "number_text", "percent_text"]


_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", re.ASCII)
_EXPONENT = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)[eE][+-]?\d+", re.ASCII)
_NUMBER_CHARS = {**WIDTH, 0x2212: "-"}  # and the minus sign U+2212 is a minus
_ZERO = Decimal(0)
_ONE = Decimal(1)


def _parse_number(cell: str, ctype: ColumnType, full: str | None = None) -> Decimal:
    """Slow path: parse a non-blank numeric cell after width mapping (thousands separators,
    currency); ``full`` is the whole cell for messages when ``cell`` is only its number part."""
    whole = cell if full is None else full
    ch = bad_control(cell)
    if ch is not None:
        raise bad_character(whole, ch, EXAMPLE[ctype])
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
        raise CellError(shown(whole) + EXPONENT_NOTE, EXAMPLE[ctype])
    else:
        raise not_a(whole, NOUN[ctype], EXAMPLE[ctype])
    if not value and value.is_signed():
        value = value.copy_abs()
    return value


def _range_checker(col: ColumnSpec) -> Callable[[Decimal, str], Decimal]:
    """A function passing a number inside the inclusive ``[minimum, maximum]`` through and
    raising :class:`CellError` (``'-3' is below the minimum 0``) for one outside."""
    lo, hi = col.minimum, col.maximum
    text = percent_text if col.type is ColumnType.PERCENT else number_text
    noun = NOUN.get(col.type, "a number")
    if lo is not None and hi is not None:
        expected = f"{noun} from {text(lo)} to {text(hi)}"
    else:
        expected = f"{noun} of at least {text(lo)}" if lo is not None else f"{noun} of at most {text(hi or _ZERO)}"

    def check(value: Decimal, cell: str) -> Decimal:
        if lo is not None and value < lo:
            raise CellError(f"{shown(cell)} is below the minimum {text(lo)}", expected)
        if hi is not None and value > hi:
            raise CellError(f"{shown(cell)} is above the maximum {text(hi)}", expected)
        return value

    return check


def _numeric(col: ColumnSpec, on_blank: Converter) -> Converter:
    """Integer, decimal, money and quantity cells."""
    ctype = col.type
    lo, hi = col.minimum, col.maximum
    check = _range_checker(col)
    whole = ctype is ColumnType.INTEGER
    example = EXAMPLE[ctype]

    def finish(value: Decimal, cell: str) -> Decimal:
        if whole:
            integral = value.to_integral_value()
            if integral != value:
                raise CellError(f"{shown(cell)} is not a whole number", example)
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
        if blank(cell):
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
            f"{shown(cell)} is not a percentage: a number without % must be a fraction below 1",
            f"{typed}%{also} for {typed} percent{whole}",
        )

    def slow(cell: str) -> Value:
        ch = bad_control(cell)
        if ch is not None:
            raise bad_character(cell, ch, EXAMPLE[ColumnType.PERCENT])
        if blank(cell):
            return on_blank(cell)
        text = cell.translate(_NUMBER_CHARS).strip()
        if text.endswith("%"):
            number = text[:-1].rstrip()
            if not number:
                raise CellError(f"{shown(cell)} is not a percentage", EXAMPLE[ColumnType.PERCENT])
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


#: The types read by :func:`_numeric` (the reader's generated code inlines their fast path).
NUMERIC_TYPES = (ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.MONEY, ColumnType.QUANTITY)
_FACTORIES: dict[ColumnType, Callable[[ColumnSpec, Converter], Converter]] = {
    **dict.fromkeys(NUMERIC_TYPES, _numeric),
    **{ColumnType.PERCENT: _percent, ColumnType.DATE: date_converter, ColumnType.BOOLEAN: boolean_converter},
    **{ColumnType.ENUM: enum_converter, ColumnType.TEXT: text_converter},
    **{ColumnType.DATETIME: datetime_converter, ColumnType.DURATION: duration_converter, ColumnType.PERIOD: period_converter},
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
    blank_expected = "one of: " + ", ".join(col.values) if is_enum else EXAMPLE.get(col.type, "a value")

    def on_blank(cell: str) -> Value:
        if blank_ok:
            return default
        raise CellError("the cell is blank", blank_expected)

    try:
        factory = _FACTORIES[col.type]
    except KeyError:
        raise PolicyError(f"column '{col.name}' has an unknown type '{col.type}'") from None
    convert = factory(col, on_blank)
    if col.converted:  # a header preset's conventions (cspolicy.tables.presets)
        from cspolicy.tables.conventions import with_conventions

        return with_conventions(col, convert)
    return convert
