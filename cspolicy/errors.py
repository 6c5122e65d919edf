"""The one exception tree of cspolicy.

Every user-facing failure is a :class:`CspolicyError`. Two branches matter to the CLI:
:class:`PolicyError` (a bad policy file, formula or command-line usage, exit code 2) and
:class:`DataError` (a rejected input file, row or cell, exit code 1). Messages are public
API: they say where (``file:line`` or ``file:row:column``), what is wrong, and what was
expected, so that a clerk can fix the input without reading code.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from typing import ClassVar

__all__ = [
    "CspolicyError",
    "PolicyError",
    "UsageError",
    "DataError",
    "DataErrors",
    "ErrorCollector",
    "EnvironmentFailure",
    "environment_failure",
]


class CspolicyError(Exception):
    """Root of every error cspolicy raises for bad input (never for its own bugs)."""

    exit_code: ClassVar[int] = 2


class PolicyError(CspolicyError):
    """A policy file, formula or parameter override is wrong (exit code 2).

    Rendered as ``file:line[:column]: message; expected …``.
    """

    exit_code: ClassVar[int] = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.expected = expected
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = where + self.message
        if self.expected:
            text += f"; expected {self.expected}"
        return text

    def located(self, file: str | None, line: int | None, column: int | None = None) -> PolicyError:
        """Return a copy placed at ``file:line`` (keeps a more precise place already set)."""
        return type(self)(
            self.message,
            file=self.file if self.file is not None else file,
            line=self.line if self.line is not None else line,
            column=self.column if self.column is not None else column,
            expected=self.expected,
        )


class UsageError(PolicyError):
    """The command line or a library call was used wrongly (exit code 2)."""


class EnvironmentFailure(CspolicyError):
    """The machine, not the policy or the data, stopped the run (exit code 3).

    An output path that is missing, not writable or a directory where a file should go, a
    full disk, a closed standard output. The message names the path and what to do.
    """

    exit_code: ClassVar[int] = 3

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class DataError(CspolicyError):
    """An input file, row or cell was rejected (exit code 1).

    Rendered as ``file:row:column: column 'parcels': 'abc' is not a whole number``;
    ``row`` counts physical lines of the file as a spreadsheet shows them (header = 1).
    """

    exit_code: ClassVar[int] = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.file, None if self.row is None else str(self.row), self.column) if p]
        where = ":".join(parts)
        text = (where + ": " if where else "") + self.message
        if self.expected:
            text += f"; expected {self.expected}"
        return text


class DataErrors(DataError):
    """Several rejected cells or rows, reported together so one run shows them all."""

    def __init__(self, errors: Sequence[DataError], *, truncated: int = 0) -> None:
        self.errors = list(errors)
        self.truncated = truncated
        lines = [str(e) for e in self.errors]
        if truncated:
            lines.append(f"… and {truncated} more errors not shown")
        first = self.errors[0] if self.errors else None
        super().__init__(
            "\n".join(lines),
            file=first.file if first else None,
            row=first.row if first else None,
            column=first.column if first else None,
        )

    def __str__(self) -> str:
        return self.message


class ErrorCollector:
    """Gathers row and cell errors of one run so that all of them (up to ``limit``) are
    reported together, instead of stopping at the first bad cell."""

    def __init__(self, limit: int = 50) -> None:
        self.limit = limit
        self.errors: list[DataError] = []
        self.count = 0

    def add(self, error: DataError) -> None:
        self.count += 1
        if len(self.errors) < self.limit:
            self.errors.append(error)

    def __bool__(self) -> bool:
        return self.count > 0

    def raise_if_any(self) -> None:
        """Raise one :class:`DataErrors` holding everything collected, if anything was."""
        if self.count:
            raise DataErrors(self.errors, truncated=self.count - len(self.errors))


#: What an operating-system error means for the person running cspolicy, and what to do.
_OS_WORDS: dict[int, str] = {
    errno.ENOSPC: "no space left on the disk; free some space or write somewhere else",
    errno.EACCES: "permission denied; choose a place you may write to",
    errno.EPERM: "permission denied; choose a place you may write to",
    errno.EROFS: "the file system is read-only; choose another place",
    errno.EISDIR: "is a directory; expected a file name (or a directory for -o DIR)",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.ENOENT: "no such file or directory; check the path, or create the directory first",
    errno.EBADF: "is closed",
    errno.EIO: "input/output error: the device failed",
    errno.EMFILE: "too many open files",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EPIPE: "the reader has closed the pipe",
}
if hasattr(errno, "EDQUOT"):  # not on Windows
    _OS_WORDS[errno.EDQUOT] = "disk quota exceeded; free some space or write somewhere else"


def environment_failure(exc: OSError, path: str | os.PathLike[str] | None = None) -> EnvironmentFailure:
    """An :class:`EnvironmentFailure` for an operating-system error, in words, naming the path
    (``path``, else the one the error carries).

    >>> str(environment_failure(OSError(errno.ENOSPC, "No space left on device"), "out/orders.csv"))
    'out/orders.csv: no space left on the disk; free some space or write somewhere else'
    """
    words = _OS_WORDS.get(exc.errno or 0) or (exc.strerror or str(exc) or type(exc).__name__)
    # a rename names its destination second: that is the path the person chose
    where = path if path is not None else exc.filename2 if exc.filename2 is not None else exc.filename
    if isinstance(where, (bytes, os.PathLike)):
        where = os.fsdecode(where)
    return EnvironmentFailure(words, path=None if where is None else str(where))
