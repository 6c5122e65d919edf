"""A stable sort in bounded memory, and a sort key that puts blanks first.

Ladders need rows in (entity, date, input order) and some reports need them by key, but
the engine streams: a million-row CSV must not be held in memory (a list of a million
tuples of Decimals is hundreds of MiB). :func:`external_sort` sorts in memory when the
input fits in one chunk and otherwise spills sorted chunks ("runs") to anonymous temporary
files and merges them, holding at most one small batch per run. Ties keep input order:
every record carries its input sequence number, which is the last part of the merge key.

:func:`sort_key` makes tuples with blanks (``None``) comparable: ``None`` sorts before any
value, then values compare naturally (Decimals numerically, strings by code point, dates
chronologically).
"""

from __future__ import annotations

import datetime as _dt
import heapq
import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, Any, TypeVar

__all__ = ["external_sort", "sort_key"]

T = TypeVar("T")

_BATCH = 1024  # records per pickle record: bounds memory per run while reading back
_BLANK: tuple[int] = (0,)


def _kind_rank(value: Any) -> int:
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, Decimal)):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, _dt.date):
        return 4
    return 5


def sort_key(values: tuple[Any, ...]) -> tuple[tuple[Any, ...], ...]:
    """A key for tuples that may hold ``None``: blanks first, then by value.

    Values of different kinds in one position (which a typed column never produces) are
    ordered by kind (booleans, numbers, text, dates) instead of raising ``TypeError``.

    >>> rows = [("b", Decimal(2)), (None, Decimal(1)), ("a", None), ("a", Decimal("-1"))]
    >>> sorted(rows, key=sort_key)
    [(None, Decimal('1')), ('a', None), ('a', Decimal('-1')), ('b', Decimal('2'))]
    """
    return tuple(_BLANK if v is None else (1, _kind_rank(v), v) for v in values)


def external_sort(
    items: Iterable[T],
    key: Callable[[T], Any],
    *,
    chunk_size: int = 100_000,
    tmpdir: str | None = None,
    fan_in: int = 64,
) -> Iterator[T]:
    """Yield ``items`` sorted by ``key``, stably, holding at most about ``chunk_size``
    items in memory.

    Runs are pickled to anonymous files (:func:`tempfile.TemporaryFile` in ``tmpdir``),
    which are closed, and so deleted, when the result is exhausted, closed or garbage
    collected. At most ``fan_in`` runs are merged at once (more are merged in rounds), so
    the number of open files stays bounded. Items and keys must be picklable.

    >>> list(external_sort([3, 1, 2, 1, 0], key=lambda n: n, chunk_size=2))
    [0, 1, 1, 2, 3]
    >>> rows = [("b", 1), ("a", 2), ("b", 0), ("a", 1)]
    >>> list(external_sort(rows, key=lambda r: r[0], chunk_size=3))
    [('a', 2), ('a', 1), ('b', 1), ('b', 0)]
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    if fan_in < 2:
        raise ValueError(f"fan_in must be at least 2, not {fan_in}")
    return _sorted(iter(items), key, chunk_size, tmpdir, fan_in)


def _sorted(
    source: Iterator[T], key: Callable[[T], Any], chunk_size: int, tmpdir: str | None, fan_in: int
) -> Iterator[T]:
    runs: list[IO[bytes]] = []
    try:
        chunk = list(itertools.islice(source, chunk_size))
        ahead = list(itertools.islice(source, 1))
        if not ahead:  # everything fits: an ordinary stable in-memory sort
            chunk.sort(key=key)
            yield from chunk
            return
        seq = 0
        while chunk:
            records = sorted(((key(item), seq + i, item) for i, item in enumerate(chunk)), key=_head2)
            seq += len(chunk)
            runs.append(_write_run(((n, item) for _, n, item in records), tmpdir))
            del records
            chunk = ahead + list(itertools.islice(source, chunk_size - len(ahead)))
            ahead = []
        while len(runs) > fan_in:
            merged: list[IO[bytes]] = []
            for start in range(0, len(runs), fan_in):
                group = runs[start : start + fan_in]
                merged.append(_write_run(_merge(group, key), tmpdir))
                for run in group:
                    run.close()
            runs = merged
        for _, item in _merge(runs, key):
            yield item
    finally:
        for run in runs:
            run.close()


def _head2(record: tuple[Any, int, Any]) -> tuple[Any, int]:
    return record[0], record[1]


def _write_run(records: Iterable[tuple[int, Any]], tmpdir: str | None) -> IO[bytes]:
    """Pickle (sequence number, item) records in batches to a new anonymous file."""
    run = tempfile.TemporaryFile(dir=tmpdir)
    try:
        it = iter(records)
        while batch := list(itertools.islice(it, _BATCH)):
            pickle.dump(batch, run, protocol=pickle.HIGHEST_PROTOCOL)
        run.seek(0)
    except BaseException:
        run.close()
        raise
    return run


def _read_run(run: IO[bytes]) -> Iterator[tuple[int, Any]]:
    while True:
        try:
            batch = pickle.load(run)
        except EOFError:
            return
        yield from batch


def _merge(runs: list[IO[bytes]], key: Callable[[Any], Any]) -> Iterator[tuple[int, Any]]:
    """Merge sorted runs by (key, sequence number): stable across runs."""
    return heapq.merge(*(_read_run(run) for run in runs), key=lambda rec: (key(rec[1]), rec[0]))
