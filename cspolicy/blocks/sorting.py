"""A stable sort in bounded memory, and a sort key that puts blanks first.

Ladders need rows in (entity, date, input order) and some reports need them by key, but
the engine streams: a million-row CSV must not be held in memory (a list of a million
tuples of Decimals is hundreds of MiB). :class:`ExternalSorter` (push items, then read them
sorted) and :func:`external_sort` (pull from an iterable) sort in memory when the input
fits in one chunk and otherwise spill sorted chunks ("runs") to anonymous temporary files
and merge them, holding at most one small batch per run. Ties keep input order:
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
from typing import IO, Any, Generic, TypeVar

__all__ = ["ExternalSorter", "RecordSorter", "external_sort", "sort_key"]

T = TypeVar("T")

_BATCH = 1024  # records per pickle record: bounds memory per run while reading back
_RANKS: dict[type, int] = {bool: 1, int: 2, Decimal: 2, str: 3, _dt.date: 4}


def _kind_rank(value: Any) -> int:
    rank = _RANKS.get(type(value))
    if rank is not None:
        return rank
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, Decimal)):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, _dt.date):
        return 4
    return 5


def sort_key(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A key for tuples that may hold ``None``: blanks first, then by value.

    Each value becomes three flat entries (blank flag, kind rank, value); a blank becomes
    ``(0, 0, 0)``, so two blanks compare equal and a blank never meets a real value. Values
    of different kinds in one position (which a typed column never produces) are ordered
    by kind (booleans, numbers, text, dates) instead of raising ``TypeError``. Flat keys
    build and compare about twice as fast as nested ones.

    >>> rows = [("b", Decimal(2)), (None, Decimal(1)), ("a", None), ("a", Decimal("-1"))]
    >>> sorted(rows, key=sort_key)
    [(None, Decimal('1')), ('a', None), ('a', Decimal('-1')), ('b', Decimal('2'))]
    """
    key: list[Any] = []
    for v in values:
        if v is None:
            key += (0, 0, 0)
        else:
            key += (1, _kind_rank(v), v)
    return tuple(key)


class RecordSorter:
    """Sort records that order themselves, in bounded memory: :meth:`extend` (or :meth:`add`)
    them, then iterate :meth:`sorted` once.

    A record is a tuple whose leading parts are its sort key, precomputed once, followed by
    something unique (an input sequence number), so that two records never compare beyond
    it: ``(key…, seq, payload)``. Sorting and merging compare the tuples as they are, in C;
    no key is computed again while merging. Past ``chunk_size`` held records, the held ones
    are sorted and spilled, pickled in batches, to an anonymous file (a "run"); up to
    ``fan_in`` runs are merged at once (more are merged in rounds). Records must be
    picklable; the smaller they are, the cheaper a spill.

    >>> with RecordSorter(chunk_size=2) as sorter:
    ...     sorter.extend([("b", 0, "x"), ("a", 1, "y"), ("b", 2, "z"), ("a", 3, "w")])
    ...     [r[2] for r in sorter.sorted()]
    ['y', 'w', 'x', 'z']
    """

    def __init__(self, *, chunk_size: int = 100_000, tmpdir: str | None = None, fan_in: int = 64) -> None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
        if fan_in < 2:
            raise ValueError(f"fan_in must be at least 2, not {fan_in}")
        self.chunk_size = chunk_size
        self.tmpdir = tmpdir
        self.fan_in = fan_in
        self._held: list[tuple[Any, ...]] = []
        self._runs: list[IO[bytes]] = []
        self._count = 0
        self._started = False

    def __len__(self) -> int:
        return self._count

    @property
    def runs(self) -> int:
        """How many sorted runs have been spilled to files so far."""
        return len(self._runs)

    def add(self, record: tuple[Any, ...]) -> None:
        """Take one more record (spilling the held ones first when ``chunk_size`` are held)."""
        if self._started:
            raise RuntimeError("cannot add items once sorted() has started")
        if len(self._held) >= self.chunk_size:
            self._spill()
        self._held.append(record)
        self._count += 1

    def extend(self, records: Iterable[tuple[Any, ...]]) -> None:
        """Take every record of ``records`` (taken in chunks by C code, not one by one)."""
        if self._started:
            raise RuntimeError("cannot add items once sorted() has started")
        it = iter(records)
        while True:
            if len(self._held) >= self.chunk_size:
                self._spill()
            before = len(self._held)
            self._held.extend(itertools.islice(it, self.chunk_size - before))
            self._count += len(self._held) - before
            if len(self._held) < self.chunk_size:
                return

    def _spill(self) -> None:
        held, self._held = self._held, []
        held.sort()
        self._runs.append(_write_run(held, self.tmpdir))

    def sorted(self) -> Iterator[tuple[Any, ...]]:
        """Every record added, in order; files are closed at the end."""
        if self._started:
            raise RuntimeError("sorted() can be iterated only once")
        self._started = True
        return self._merged()

    def _merged(self) -> Iterator[tuple[Any, ...]]:
        try:
            held, self._held = self._held, []
            held.sort()
            if not self._runs:  # everything fits: an ordinary in-memory sort
                yield from held
                return
            while len(self._runs) + 1 > self.fan_in:
                merged: list[IO[bytes]] = []
                for start in range(0, len(self._runs), self.fan_in):
                    group = self._runs[start : start + self.fan_in]
                    merged.append(_write_run(heapq.merge(*(_read_run(r) for r in group)), self.tmpdir))
                    for run in group:
                        run.close()
                self._runs = merged
            yield from heapq.merge(*(_read_run(r) for r in self._runs), held)
        finally:
            self.close()

    def close(self) -> None:
        """Close (and so delete) every run file and drop the held records."""
        for run in self._runs:
            run.close()
        self._runs = []
        self._held = []

    def __enter__(self) -> RecordSorter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ExternalSorter(Generic[T]):
    """Push-style stable sort in bounded memory: :meth:`add` items one by one (as a
    streaming engine produces them), then iterate :meth:`sorted` once.

    Each item's key is computed once, when it is added, and travels with it as the record
    ``(key, sequence number, item)`` of a :class:`RecordSorter` (so ties keep input order
    and items themselves are never compared). At most ``chunk_size`` items are held; adding
    one more spills the held items, sorted, to an anonymous file
    (:func:`tempfile.TemporaryFile` in ``tmpdir``, which has no name on POSIX and vanishes
    when closed). Up to ``fan_in`` runs are merged at once (more are merged in rounds), so
    open files stay bounded. Items must be picklable. Use it as a context manager, or call
    :meth:`close`, so that files are closed even when the result is not read to the end.

    >>> with ExternalSorter(key=lambda r: r[0], chunk_size=2) as sorter:
    ...     for row in [("b", 1), ("a", 2), ("b", 0), ("a", 1)]:
    ...         sorter.add(row)
    ...     list(sorter.sorted())
    [('a', 2), ('a', 1), ('b', 1), ('b', 0)]
    """

    def __init__(
        self, key: Callable[[T], Any], *, chunk_size: int = 100_000, tmpdir: str | None = None, fan_in: int = 64
    ) -> None:
        self.key = key
        self._records = RecordSorter(chunk_size=chunk_size, tmpdir=tmpdir, fan_in=fan_in)
        self.chunk_size, self.tmpdir, self.fan_in = chunk_size, tmpdir, fan_in

    def __len__(self) -> int:
        return len(self._records)

    @property
    def runs(self) -> int:
        """How many sorted runs have been spilled to files so far."""
        return self._records.runs

    def add(self, item: T) -> None:
        """Take one more item (spilling the held ones first when ``chunk_size`` are held)."""
        self._records.add((self.key(item), len(self._records), item))

    def sorted(self) -> Iterator[T]:
        """Every item added, stably sorted by ``key``; files are closed at the end."""
        return (record[2] for record in self._records.sorted())

    def close(self) -> None:
        """Close (and so delete) every run file and drop the held items."""
        self._records.close()

    def __enter__(self) -> ExternalSorter[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def external_sort(
    items: Iterable[T],
    key: Callable[[T], Any],
    *,
    chunk_size: int = 100_000,
    tmpdir: str | None = None,
    fan_in: int = 64,
) -> Iterator[T]:
    """Yield ``items`` sorted by ``key``, stably, holding at most ``chunk_size`` items in
    memory (see :class:`ExternalSorter`). The input is read when the first item is asked
    for; temporary files are deleted when the result is exhausted, closed or garbage
    collected.

    >>> list(external_sort([3, 1, 2, 1, 0], key=lambda n: n, chunk_size=2))
    [0, 1, 1, 2, 3]
    """
    sorter = ExternalSorter(key, chunk_size=chunk_size, tmpdir=tmpdir, fan_in=fan_in)
    return _pull(items, sorter)


def _pull(items: Iterable[T], sorter: ExternalSorter[T]) -> Iterator[T]:
    try:
        for item in items:
            sorter.add(item)
        yield from sorter.sorted()
    finally:
        sorter.close()


def _write_run(records: Iterable[Any], tmpdir: str | None) -> IO[bytes]:
    """Pickle sorted records in batches to a new anonymous file."""
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


def _read_run(run: IO[bytes]) -> Iterator[Any]:
    """The records of a run, batch by batch: the items of a batch are handed on by C code."""

    def batch() -> list[Any] | None:
        try:
            return pickle.load(run)  # type: ignore[no-any-return]
        except EOFError:
            return None

    return itertools.chain.from_iterable(iter(batch, None))
