"""Tables for the terminal: results shown with ``tabulate`` instead of written as CSV.

Values are formatted exactly as in CSV output (:func:`~cspolicy.tables.writer.format_value`)
and tabulate's number parsing is off, so ``0012`` or ``12.50`` are shown as they are and
never re-read as floats. Numeric columns are right-aligned; Chinese text is aligned by its
display width (tabulate uses ``wcwidth``). A table of ASCII, Latin and Chinese text
(:func:`_simple`) is laid out here exactly as tabulate's ``simple`` format lays it out
(``tests/test_render_simple.py`` compares both on random tables); any other table goes to
tabulate, imported then: importing it (with ``wcwidth`` and ``importlib.metadata``) costs
about 30 ms, a seventh of a short run.

A terminal obeys control characters: a cell holding ``ESC[2J`` would clear the screen, one
holding U+202E would reverse the text after it. So every control character (C0 and C1, DEL,
the bidirectional overrides and lone surrogates) is shown escaped, as ``\\x1b`` or
``\\u202e`` (:func:`terminal_text`); the table's own cells never contain a raw one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

from cspolicy.tables.writer import Columns, format_value
from cspolicy.values import Kind, Value

__all__ = ["render_table", "terminal_text", "TerminalStream"]

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(f"[{_CONTROLS}\t\n\r]")
_UNSAFE_IN_TEXT = re.compile(f"[{_CONTROLS}]|\r(?!\n)")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character shown escaped (``\\x1b``, ``\\u202e``).

    With ``lines``, line ends (``\\n``, ``\\r\\n``) and tabs are kept, for text that is
    printed line by line (CSV, JSON, explanations); without, they are escaped too (a cell).

    >>> terminal_text("\\x1b[31mred\\x1b[0m\\tok")
    '\\\\x1b[31mred\\\\x1b[0m\\\\x09ok'
    """
    pattern = _UNSAFE_IN_TEXT if lines else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text


class TerminalStream:
    """A text stream that escapes control characters on their way to a terminal.

    Line ends and tabs pass; a ``\\r`` at the end of one write waits for the next, to see
    whether it is half of a ``\\r\\n``.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._carry = ""

    def write(self, text: str) -> int:
        text = self._carry + text
        self._carry = ""
        if text.endswith("\r"):
            text, self._carry = text[:-1], "\r"
        self.stream.write(terminal_text(text, lines=True))
        return len(text)

    def flush(self) -> None:
        if self._carry:
            self.stream.write("\\r")
            self._carry = ""
        self.stream.flush()

    def isatty(self) -> bool:
        return True


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
    Control characters in cells and headers are shown escaped (:func:`terminal_text`).

    >>> from decimal import Decimal
    >>> from cspolicy.values import ColumnType
    >>> print(render_table([("station", ColumnType.TEXT), ("qty", ColumnType.INTEGER)],
    ...                    [("A", Decimal(3050)), ("B", Decimal(12))]))
    station      qty
    ---------  -----
    A           3050
    B             12
    """
    columns = list(columns)
    shown = [terminal_text(h) for h in (list(headers) if headers is not None else [name for name, _ in columns])]
    if len(shown) != len(columns):
        raise ValueError(f"{len(shown)} headers for {len(columns)} columns")
    types = [ctype for _, ctype in columns]
    maps = list(cells) if cells is not None and any(cells) else [None] * len(types)
    body = [
        [
            terminal_text(m.get(t, t) if m else t)
            for t, m in zip((format_value(v, c) for v, c in zip(row, types, strict=True)), maps)
        ]
        for row in rows
    ]
    align = ["right" if ctype.kind is Kind.NUMBER else "left" for ctype in types]
    simple = _simple(body, shown, align)
    if simple is not None:
        return simple
    from tabulate import tabulate

    return tabulate(body, headers=shown, tablefmt="simple", disable_numparse=True, colalign=align)


#: Characters whose width on a terminal is certain (and the same as ``wcwidth``'s): Latin,
#: general punctuation, CJK symbols, ideographs and full-width forms; a table with any other
#: character (a combining mark, an emoji, a zero-width space) goes to tabulate.
_KNOWN = re.compile(
    "[^\x20-\x7e\u00a0-\u00ac\u00ae-\u024f\u2010-\u2027\u2030-\u205e\u3000-\u3029\u3030-\u303f\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]"
)


def _width(text: str) -> int | None:
    """Columns ``text`` takes, or None when it holds a character outside :data:`_KNOWN`."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    if _KNOWN.search(text):
        return None
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _simple(body: list[list[str]], headers: list[str], align: list[str]) -> str | None:
    """tabulate's ``simple`` format (cells stripped, each column as wide as its widest cell
    and at least its header plus two, columns two spaces apart, lines without trailing
    spaces), or None for a table it would lay out otherwise (no rows, a blank header) or
    whose widths are not certain (see :func:`_width`)."""
    if not body or not all(h.strip() for h in headers):
        return None
    rows = [[cell.strip() for cell in row] for row in body]
    heads = list(headers)  # (tabulate strips the cells, not the headers)
    widths: list[int] = []
    for j, head in enumerate(heads):
        w = _width(head)
        if w is None:
            return None
        widest = w + 2
        for row in rows:
            cw = _width(row[j])
            if cw is None:
                return None
            widest = max(widest, cw)
        widths.append(widest)

    def line(cells: list[str]) -> str:
        parts = []
        for cell, width, how in zip(cells, widths, align, strict=True):
            pad = " " * (width - (_width(cell) or 0))
            parts.append(pad + cell if how == "right" else cell + pad)
        return "  ".join(parts).rstrip()

    out = [line(heads), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)
