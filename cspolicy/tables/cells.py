"""What every cell converter shares: :class:`CellError` and the wording of its messages.

A message quotes the cell (stripped, cut short, control characters escaped so a terminal
never receives them raw), says what is wrong, and names the expected form per column type.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from cspolicy.errors import DataError
from cspolicy.tables.chars import INVISIBLE, WIDTH, bad_control, describe, escaped, odd_digit
from cspolicy.values import ColumnType, Value

__all__ = ["CellError", "Converter", "EXAMPLE", "NOUN", "cell_fold", "shown", "blank", "bad_character", "not_a", "as_value"]

#: How a number in exponent notation is refused (Excel writes it for narrow columns).
EXPONENT_NOTE = " is in exponent notation (Excel may have cut digits); format the column as Number in Excel and save again"

#: A cell converter: raw cell text in, typed value out (raises :class:`CellError`).
Converter = Callable[[str], Value]


class CellError(DataError):
    """One cell could not be read; the reader re-raises it with file, row and column."""

    def __init__(self, message: str, expected: str | None = None) -> None:
        super().__init__(message, expected=expected)


#: Words of cell messages that speak of a spreadsheet, and what they say of a value typed
#: into a policy file or ``--set`` (which no spreadsheet wrote).
_CELL_WORDS = {
    "the cell is blank": "the value is blank",
    EXPONENT_NOTE: " is in exponent notation; write the number out in full",
}


def as_value(exc: CellError) -> str:
    """A cell converter's message said of a policy value or a ``--set`` value."""
    text = str(exc)
    for cell_words, value_words in _CELL_WORDS.items():
        text = text.replace(cell_words, value_words)
    return text


_CELL_FOLD = {**WIDTH, **INVISIBLE}


def cell_fold(text: str) -> str:
    """Fold a yes/no or enum cell (and an enum spelling) for comparison: width forms only,
    zero-width characters dropped, spaces trimmed and collapsed, casefold."""
    return " ".join(text.translate(_CELL_FOLD).split()).casefold()


def shown(cell: str, raw: bool = False) -> str:
    """The cell quoted for a message: stripped (unless ``raw``), cut short if long, with
    control characters escaped."""
    text = cell if raw else cell.strip()
    if len(text) > 40:
        text = text[:37] + "…"
    return f"'{escaped(text)}'"


def blank(cell: str) -> bool:
    """Empty, or only spaces and tabs (a cell with a control character is not blank)."""
    return not cell or (cell.isspace() and bad_control(cell) is None)


def bad_character(cell: str, ch: str, expected: str) -> CellError:
    """The error for a cell holding a control character or a line break it may not hold."""
    if ch in "\n\r\u2028\u2029":
        return CellError(
            f"{shown(cell, raw=True)} holds a line break",
            f"{expected}, on one line (only a text column declared multiline: true may hold line breaks)",
        )
    if "\ud800" <= ch <= "\udfff":  # only from Python code (evaluate()): no file decodes to one
        return CellError(f"{shown(cell, raw=True)} holds {describe(ch)}, a lone surrogate (half a character)", expected)
    return CellError(
        f"{shown(cell, raw=True)} holds the control character {describe(ch)}", f"{expected} without control characters"
    )


#: A number once its spaces are gone: digits (ASCII or full-width), separators, a sign, a %.
_DIGITS_ONLY = re.compile("[+\\-\u2212\uff0b\uff0d]?[0-9\uff10-\uff19,\uff0c.\uff0e]+[%\uff05]?")


def not_a(cell: str, noun: str, expected: str) -> CellError:
    """``'x' is not a number``, naming a character that looks like a digit but is not one."""
    odd = odd_digit(cell)
    if odd is not None:
        return CellError(
            f"{shown(cell)} is not {noun}: '{odd}' ({describe(odd)}) is not a digit", f"{expected}, with the digits 0-9"
        )
    gaps = [ch for ch in cell.strip() if ch.isspace() or unicodedata.category(ch) == "Cf"]
    if gaps and _DIGITS_ONLY.fullmatch("".join(ch for ch in cell if ch not in gaps)):
        # '5 000' with a space, a thin or no-break one, or a zero-width one nobody sees
        gap = gaps[0]
        what = "a space" if gap == " " else describe(gap)
        return CellError(f"{shown(cell)} is not {noun}: it holds {what}", f"{expected}, without spaces inside")
    return CellError(f"{shown(cell)} is not {noun}", expected)


NOUN = {ColumnType.INTEGER: "a whole number", ColumnType.DECIMAL: "a number", ColumnType.QUANTITY: "a number"}
NOUN |= {ColumnType.MONEY: "an amount of money", ColumnType.PERCENT: "a percentage"}
EXAMPLE = {
    ColumnType.INTEGER: "a whole number such as 120",
    ColumnType.DECIMAL: "a number such as 99.5",
    ColumnType.QUANTITY: "a quantity such as 12 or 2.5",
    ColumnType.MONEY: "an amount such as 1234.50",
    ColumnType.PERCENT: "a percentage such as 15% or 0.15",
    ColumnType.DATE: "a date such as 2024-03-15",
    ColumnType.BOOLEAN: "yes or no (also y/n, true/false, 1/0, 是/否, 有/无, √/×)",
    ColumnType.TEXT: "some text",
    ColumnType.DATETIME: "a date and time such as 2025-03-01 09:15:02",
    ColumnType.DURATION: "a duration such as 125 (seconds), 2:05 (m:ss), 0:02:05 or 2分5秒",
    ColumnType.PERIOD: "a month such as 2024-05",
}
