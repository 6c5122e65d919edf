"""Tables for the terminal: results shown with ``tabulate`` instead of written as CSV.

Values are formatted exactly as in CSV output (:func:`~cspolicy.tables.writer.format_value`)
and tabulate's number parsing is off, so ``0012`` or ``12.50`` are shown as they are and
never re-read as floats. Numeric columns are right-aligned; Chinese text is aligned by its
display width (tabulate uses ``wcwidth``). tabulate is imported on first use, to keep the
CLI's start-up fast.

A terminal obeys control characters: a cell holding ``ESC[2J`` would clear the screen, one
holding U+202E would reverse the text after it. So every control character (C0 and C1, DEL,
the bidirectional overrides and lone surrogates) is shown escaped, as ``\\x1b`` or
``\\u202e`` (:func:`terminal_text`); the table's own cells never contain a raw one.
"""

from __future__ import annotations

import re
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
    from tabulate import tabulate

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
    return tabulate(body, headers=shown, tablefmt="simple", disable_numparse=True, colalign=align)
