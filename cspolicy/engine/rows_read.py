"""The data rows a run read from each input file, noted as it reads them, for its run record.

The run record (:mod:`cspolicy.authoring.record`) gives each input's data rows. Counting
them again after the run re-reads every file: on a large clean file that is about a tenth
of the run (a million rows). So a reading that went through a whole plain CSV file notes
how many data rows it met, and the record takes that count instead of reading the file again.

Only counts that are exactly the record's are noted: a reading that met every record of
the file, each one line of the header's width and not blank (the fused loops stop at
anything else), or the careful reader's rows of a run without errors (it skips blank
records, as the record does). Outside :func:`counting` (no record is being written)
:func:`note` does nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["counting", "note", "note_table", "counted"]

_COUNTS: ContextVar[dict[str, int] | None] = ContextVar("cspolicy_rows_read", default=None)


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.abspath(os.fspath(path)))


@contextlib.contextmanager
def counting(counts: dict[str, int]) -> Iterator[None]:
    """While the block runs, readings note their rows in ``counts`` (read it with :func:`counted`)."""
    token = _COUNTS.set(counts)
    try:
        yield
    finally:
        _COUNTS.reset(token)


def note(path: str | os.PathLike[str], rows: int) -> None:
    """``rows`` data rows were read from the whole plain CSV file at ``path`` (see the module notes)."""
    counts = _COUNTS.get()
    if counts is not None:
        counts[_key(path)] = rows


def note_table(table: object, rows: int) -> None:
    """A fused loop read all ``rows`` records of ``table``'s file, each one line of the
    header's width and not blank: its data rows, as the run record counts them. Only for a
    CSV file's :class:`~cspolicy.tables.Table` (a workbook's sheet is counted as the record
    reads it)."""
    from cspolicy.tables.reader import Table

    if type(table) is Table:
        note(table.path, rows)


def counted(counts: dict[str, int], path: str | os.PathLike[str]) -> int | None:
    """The rows noted for ``path`` in ``counts`` (from :func:`counting`), or None."""
    return counts.get(_key(path))
