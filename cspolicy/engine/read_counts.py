"""The data rows a fused loop counted in a file, for the run record, so it need not read
the file once more.

The run record (:mod:`cspolicy.authoring.record`) gives each input's number of data rows.
Counting them means reading the whole file again with the CSV reader (about a third of the
time it takes to copy it), although a fused loop that read the file to its end without
meeting anything irregular already knows: every record was one line of the header's width
and not blank, exactly the rows that count. :func:`remember` notes that number with the
file's identity (path, size, modification time, encoding); :func:`known` gives it back only
for the same file unchanged, else None (then the record counts as before).
"""

from __future__ import annotations

import os

__all__ = ["remember", "known"]

_COUNTS: dict[tuple[str, int, int, str], int] = {}


def _identity(path: str | os.PathLike[str], encoding: str) -> tuple[str, int, int, str] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.abspath(path), st.st_size, st.st_mtime_ns, encoding)


def remember(path: str | os.PathLike[str], encoding: str, rows: int) -> None:
    """Note that ``path`` (read as ``encoding``) has ``rows`` data rows, every record one
    line of the header's width and none blank."""
    ident = _identity(path, encoding)
    if ident is not None:
        if len(_COUNTS) > 64:  # a long-lived process (tests, a server) keeps only a few
            _COUNTS.clear()
        _COUNTS[ident] = rows


def known(path: str | os.PathLike[str], encoding: str) -> int | None:
    """The rows noted for ``path`` read as ``encoding``, if it has not changed since."""
    ident = _identity(path, encoding)
    return None if ident is None else _COUNTS.get(ident)
