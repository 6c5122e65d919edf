"""Which occurrence of its key a row is, in input order, in bounded memory.

A call-detail export may deliver one record twice; a policy counts it once with a window
``rank`` of a constant ``by`` with ties in input order (``ties: row``) per key: the first
record of a key is ``1``, a repeat ``2``, ``3``… The careful engine sorts every row by its
key to compute that (:mod:`cspolicy.engine.run_windows`). In one pass over the rows in input
order the same numbers need only "was this key seen before, and how often", which
:class:`Occurrences` answers without keeping the keys themselves:

* **seen keys** are 64-bit hashes (Python's own ``hash``, so equal values agree: ``1`` and
  ``1.0`` as Decimals, text as is) in an open-addressing table, an ``array('q')`` of 8 bytes
  a slot, sized from the expected number of rows and doubled when it passes
  :data:`LOAD` full (5 000 000 keys: 64 MiB, where a Python ``set`` of the ids would take
  about 400 MiB);
* **repeated keys** (a hash found in the table) are kept exactly, with their count, in a
  dict; at most :data:`MAX_REPEATED` of them (more: :class:`TooMany`, the caller falls back);
* **exactness**: a hash found may belong to another key (a collision), so the first repeat
  of a key must be *verified*: the key is among those of the last :data:`RECENT` rows or so
  (kept in two small sets: a redelivered record usually follows soon), or it is checked
  after the last row by :meth:`verify`, which reads the key column again and confirms that
  each such key occurs before the row that repeated it. A key that does not is a collision:
  :meth:`verify` says so and the caller discards the result (the careful engine runs).

The generated row code probes the table inline (see :meth:`code`); the rare paths (a hash
found, a table to grow, the recent sets to rotate) are method calls.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal
from typing import Any

__all__ = ["Occurrences", "TooMany", "LOAD", "RECENT", "MAX_REPEATED", "table_size"]

#: The table doubles when its share of used slots passes this (it starts at most this full).
LOAD = 0.75
#: Rows between rotations of the sets of recent keys (two generations are kept).
RECENT = 1 << 15
#: The most distinct repeated keys (and keys awaiting verification) held.
MAX_REPEATED = 200_000
_SMALLEST = 1 << 12


class TooMany(Exception):
    """More repeated keys than :data:`MAX_REPEATED`: the bounded structure gives up."""


def table_size(expected: int) -> int:
    """The number of slots for ``expected`` keys: a power of two at most :data:`LOAD` full.

    >>> table_size(0), table_size(1_000_000), table_size(5_000_000)
    (4096, 2097152, 8388608)
    """
    size = _SMALLEST
    while size * LOAD < expected:
        size *= 2
    return size


class Occurrences:
    """The occurrence number (1, 2, 3…) of each key in input order, for one run.

    ``expected`` rows size the table (it grows if there are more). Rows are numbered from 0
    by the caller (``n``), in input order, each number once.

    >>> occ = Occurrences(10)
    >>> [occ.next(k, n) for n, k in enumerate(["a", "b", "a", "c", "a"])]
    [Decimal('1'), Decimal('1'), Decimal('2'), Decimal('1'), Decimal('3')]
    >>> occ.verify(lambda: iter(["a", "b", "a", "c", "a"]))
    True
    """

    def __init__(self, expected: int) -> None:
        self.size = table_size(expected)
        self.table = array("q", [0]) * self.size
        self.mask = self.size - 1
        #: Rows that repeated a hash (so filled no slot).
        self.repeats = 0
        #: Rows after which the slow path runs (grow, rotate): the next of the two limits.
        self.limit = 0
        self._grow_at = int(self.size * LOAD)
        self._rotate_at = RECENT
        self.recent: set[Hashable] = set()
        self.older: set[Hashable] = set()
        #: Repeated keys and their count so far.
        self.counts: dict[Hashable, int] = {}
        #: Keys whose first repeat was not among the recent ones: the row of that repeat.
        self.pending: dict[Hashable, int] = {}
        #: The generated code's globals, to rebind the table and the recent set when they change.
        self.globals: dict[str, Any] | None = None
        self.prefix = ""
        self._set_limit()

    # -- the per-row work (also inline in generated code: see code()) -----------------------
    def next(self, key: Hashable, n: int) -> Decimal:
        """The occurrence number of ``key`` in row ``n`` (the Python form of :meth:`code`)."""
        h = hash(key) or 1
        table, mask = self.table, self.mask
        i = h & mask
        w = table[i]
        while w:
            if w == h:
                found = self.repeat(key, n)
                break
            i = (i + 1) & mask
            w = table[i]
        else:
            table[i] = h
            found = _ONE
            if n >= self.limit:
                self.slow(n)
        self.recent.add(key)
        return found

    def repeat(self, key: Hashable, n: int) -> Decimal:
        """A key whose hash is in the table: its count, exactly (to be verified if new)."""
        self.repeats += 1
        count = self.counts.get(key)
        if count is None:
            if key not in self.recent and key not in self.older:
                if len(self.pending) >= MAX_REPEATED:
                    raise TooMany
                self.pending[key] = n
            count = 1
            if len(self.counts) >= MAX_REPEATED:
                raise TooMany
        count += 1
        self.counts[key] = count
        return Decimal(count)

    def slow(self, n: int) -> None:
        """Past a limit (row ``n``): grow the table when it is :data:`LOAD` full, rotate the
        recent sets. Each row before ``n`` filled a slot, but for the repeats."""
        if n + 1 - self.repeats >= self._grow_at:
            self._grow()
        if n >= self._rotate_at:
            self.older, self.recent = self.recent, set()
            self._rotate_at = n + RECENT
            if self.globals is not None:
                self.globals[self.prefix + "add"] = self.recent.add
        self._set_limit()

    def _set_limit(self) -> None:
        # rows are at least the keys used: checking the row number is enough for both
        self.limit = min(self._rotate_at, self._grow_at)
        if self.globals is not None:
            self.globals[self.prefix + "lim"] = self.limit

    def _grow(self) -> None:
        old = self.table
        self.size *= 2
        self.mask = mask = self.size - 1
        table = self.table = array("q", [0]) * self.size
        for h in old:
            if h:
                i = h & mask
                while table[i]:
                    i = (i + 1) & mask
                table[i] = h
        self._grow_at = int(self.size * LOAD)
        if self.globals is not None:
            self.globals[self.prefix + "t"] = table
            self.globals[self.prefix + "m"] = mask

    # -- generated code ---------------------------------------------------------------------
    def code(self, prefix: str, key: str, out: str, row: str) -> tuple[list[str], dict[str, Any]]:
        """Statements setting ``out`` to the occurrence number of the value in ``key`` in row
        ``row`` (an int variable), as :meth:`next` does, and their namespace (names start
        with ``prefix``). Call :meth:`bind` with the compiled function's globals."""
        self.prefix = prefix
        p = prefix
        lines = [
            f"{p}h = _{p}hash({key}) or 1",
            f"{p}i = {p}h & {p}m",
            f"{p}w = {p}t[{p}i]",
            f"while {p}w:",
            f"    if {p}w == {p}h:",
            f"        {out} = _{p}repeat({key}, {row})",
            "        break",
            f"    {p}i = ({p}i + 1) & {p}m",
            f"    {p}w = {p}t[{p}i]",
            "else:",
            f"    {p}t[{p}i] = {p}h",
            f"    {out} = _{p}one",
            f"    if {row} >= {p}lim:",
            f"        _{p}slow({row})",
            f"{p}add({key})",
        ]
        ns = {
            f"_{p}hash": hash,
            f"_{p}repeat": self.repeat,
            f"_{p}one": _ONE,
            f"_{p}slow": self.slow,
            f"{p}t": self.table,
            f"{p}m": self.mask,
            f"{p}lim": self.limit,
            f"{p}add": self.recent.add,
        }
        return lines, ns

    def bind(self, globals_: dict[str, Any]) -> None:
        """The globals of the compiled function using :meth:`code`'s statements."""
        self.globals = globals_

    # -- after the last row -----------------------------------------------------------------
    def verify(self, keys: Callable[[], Iterable[Hashable]]) -> bool:
        """Whether every repeat counted is one: each pending key occurs before the row that
        repeated it. ``keys()`` gives every row's key again, in input order (read only when
        there are pending keys)."""
        pending = self.pending
        if not pending:
            return True
        last = max(pending.values())
        for n, key in enumerate(keys()):
            if n >= last:
                break
            first = pending.get(key)
            if first is not None and n < first:
                del pending[key]
                if not pending:
                    return True
        return not pending


_ONE = Decimal(1)
