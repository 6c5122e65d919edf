"""Reading CSV records with quote marks left open noticed, and other odd quoting read as Excel does.

Python's lenient ``csv.reader`` ends a cell silently at the end of the file when its quote
mark was never closed; a strict one raises instead, but also raises on quoting Excel reads
without complaint (text after a closing quote: ``"ab"c`` is ``abc``, ``"x" `` is ``x ``).
So records are read strictly, and only when that fails is the file read again leniently:
the records given so far are skipped (both readers read them alike) and the last record's
own lines are read strictly once more to tell a quote still open at the end of the file.
Ordinary files never leave the strict reader, which costs nothing more than the lenient one.
"""

from __future__ import annotations

import csv
import io
import itertools

from cspolicy.errors import DataError

__all__ = ["LenientRecords", "read_header"]

_UNCLOSED = "unexpected end of data"  # csv's message for the end of the file inside quotes


class LenientRecords:
    """What ``csv.reader`` gives (cells, and ``line_num``), read leniently, from the record the
    strict reader failed on: the file is read again from the start and the ``given`` records
    before it skipped (both readers read them alike). With the last record, ``unclosed`` tells
    whether its quote mark is never closed and ``first`` the line that record starts on."""

    def __init__(self, text: io.TextIOWrapper, path: str, encoding: str, given: int) -> None:
        self._path, self._encoding = path, encoding
        text.seek(0)
        self._reader = csv.reader(text)
        for _ in range(given):
            next(self._reader)
        self.line_num = self._reader.line_num
        self.unclosed = False
        self.first = self.line_num + 1
        self._next = next(self._reader, None)

    def __iter__(self) -> LenientRecords:
        return self

    def __next__(self) -> list[str]:
        cells = self._next
        if cells is None:
            raise StopIteration
        self.first = self.line_num + 1
        self.line_num = self._reader.line_num
        self._next = next(self._reader, None)
        if self._next is None:
            self.unclosed = _open_at_end(self._path, self._encoding, self.first)
        return cells


def _open_at_end(path: str, encoding: str, first: int) -> bool:
    """Whether the file's last record, from line ``first`` on, ends inside a quote mark (read
    strictly on its own: a record always starts at the start of a line)."""
    with open(path, "rb") as binary, io.TextIOWrapper(binary, encoding=encoding, newline="") as text:
        tail = "".join(itertools.islice(text, first - 1, None))
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), strict=True):
            pass
    except csv.Error as exc:
        return _UNCLOSED in str(exc)
    return False


def read_header(text: io.TextIOWrapper, name: str) -> list[str]:
    """The first record of ``text``; a quote mark in it that is never closed is refused (the
    header would swallow the whole file), other odd quoting is read as Excel reads it."""
    try:
        return next(csv.reader(text, strict=True), [])
    except csv.Error as exc:
        if _UNCLOSED in str(exc):
            raise DataError(
                'the header row opens a quote mark (") that is never closed, so it runs to the end of the file',
                file=name,
                row=1,
                expected='the closing quote mark at the end of the header ("…"), or no quote mark at its start',
            ) from None
    text.seek(0)
    return next(csv.reader(text), [])
