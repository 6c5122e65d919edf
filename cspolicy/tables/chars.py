"""Which characters a cell may hold, and the one width mapping cell values go through.

Headers are compared after full Unicode NFKC (:func:`cspolicy.tables.convert.fold`), but
cell *values* never are: NFKC maps ``¹`` and ``①`` to ``1`` and ``½`` to ``1⁄2``, so
``5000¹`` would read as 50001. Values get only the width part of NFKC — the full-width
ASCII forms a Chinese input method types (``１２３``, ``％``, ``，``, ``Ｅ００１``), the
ideographic space and ``￥`` — through :data:`WIDTH`. So the only digits are ASCII ``0-9``
and their full-width forms; every other digit-like character is refused by the converters
with :func:`odd_digit` naming it.

Control characters (U+0000–U+001F, U+007F–U+009F) are refused in every cell the reader
converts, except the tab, which counts as a space. Line breaks (``\\n``, ``\\r``, U+2028,
U+2029) are allowed only in a text column declared ``multiline: true``.

Key columns (ids and names used to group, join or count) are compared in one written form,
:func:`key_form`: width-mapped, zero-width characters dropped, spaces trimmed and collapsed,
letters in upper case, so ``E001``, `` e001 `` and ``Ｅ００１`` are one employee, ``E001``.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "fold",
    "WIDTH",
    "INVISIBLE",
    "CONTROL",
    "CONTROL_OR_BREAK",
    "MAPPED",
    "narrow",
    "bad_control",
    "odd_digit",
    "key_form",
    "escaped",
    "describe",
]

#: Full-width ASCII forms (U+FF01–U+FF5E), the ideographic space and the full-width yen sign
#: to their ordinary forms: the part of NFKC that concerns width, and nothing else.
WIDTH: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
WIDTH |= {0x3000: " ", 0xFFE5: "\u00a5"}

#: Zero-width characters that copying from a web page or Word leaves behind.
INVISIBLE: dict[int, None] = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)

_KEY = {**WIDTH, **INVISIBLE}
#: A character :data:`WIDTH` or :data:`INVISIBLE` changes: ``str.translate`` with a dict costs
#: microseconds a cell, so it runs only when one is there.
MAPPED = re.compile("[\u3000\u200b-\u200d\u2060\ufeff\uff01-\uff5e\uffe5]")

#: A control character other than the tab, line breaks included (any single-line cell); and
#: a lone surrogate, which no file holds but a Python string given to evaluate() may.
CONTROL_OR_BREAK = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
#: A control character other than the tab and line breaks (a multi-line text cell).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_ESCAPES = {cp: f"\\x{cp:02x}" for cp in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES |= {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"}
_ESCAPES |= {cp: f"\\u{cp:04x}" for cp in range(0xD800, 0xE000)}  # lone surrogates
_NAMES = {0x00: "NUL", 0x09: "tab", 0x0A: "line feed", 0x0D: "carriage return", 0x1B: "escape", 0x7F: "delete"}
_NAMES |= {0x2028: "line separator", 0x2029: "paragraph separator"}


def narrow(text: str) -> str:
    """Full-width forms to ASCII (see :data:`WIDTH`); nothing else changes.

    >>> narrow("１，２３４％"), narrow("5000¹")
    ('1,234%', '5000¹')
    """
    return text.translate(WIDTH)


def bad_control(cell: str, multiline: bool = False) -> str | None:
    """The first character a cell may not hold: a control character (not the tab), or a
    line break unless ``multiline``; ``None`` when there is none."""
    found = (CONTROL if multiline else CONTROL_OR_BREAK).search(cell)
    return found.group() if found else None


def odd_digit(text: str) -> str | None:
    """The first character that looks like a digit but is not one cspolicy reads as a digit
    (``¹``, ``₂``, ``①``, ``½``, ``٣``): anything numeric outside ASCII and full-width 0-9.

    >>> odd_digit("5000¹"), odd_digit("１２3")
    ('¹', None)
    """
    for ch in text:
        if ch.isnumeric() and not ("0" <= ch <= "9" or "０" <= ch <= "９"):
            return ch
    return None


def key_form(text: str) -> str:
    """The written form of a key value: width-mapped, zero-width characters dropped, spaces
    trimmed and collapsed to one, letters upper case (the form written in outputs).

    >>> key_form(" e001 "), key_form("Ｅ００１"), key_form("a\u3000 站")
    ('E001', 'E001', 'A 站')
    """
    if not text.isascii() and MAPPED.search(text):
        text = text.translate(_KEY)
    return " ".join(text.split()).upper()


def escaped(text: str) -> str:
    """``text`` with control characters and line breaks written as escapes (``\\x00``,
    ``\\n``), so a message never puts them raw on a terminal."""
    return text.translate(_ESCAPES)


def describe(ch: str) -> str:
    """A character for a message, by code point and name: ``U+0000 NUL``, ``U+00B9 SUPERSCRIPT ONE``."""
    cp = ord(ch)
    name = _NAMES.get(cp) or unicodedata.name(ch, "")
    return f"U+{cp:04X} {name}".rstrip()


def fold(text: str) -> str:
    """Fold a header for comparison: NFKC, drop zero-width characters, strip, collapse
    inner whitespace to one space, casefold. (Cell values are never NFKC'd: see
    :mod:`cspolicy.tables.chars`.)

    >>> fold(" 票数（件）\u3000Total ")
    '票数(件) total'
    """
    return " ".join(unicodedata.normalize("NFKC", text).translate(INVISIBLE).split()).casefold()
