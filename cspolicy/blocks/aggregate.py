"""Grouping rows per entity and period, one small accumulator state per group.

A policy output such as "fines per courier per month" or "the fund total" (R-PN-4) is an
aggregate over input rows. :class:`Grouper` keeps, for each group key, one state per
aggregate (a running sum, a count, the best row so far …) and never the rows themselves,
so memory grows with the number of groups, not of rows. Results come out in sorted key
order, so output files are deterministic whatever the input order.

Accumulators follow one protocol (:class:`Accumulator`): ``start()`` makes an empty
state, ``add(state, value, by)`` returns the next state, ``result(state)`` gives the
value. They are found by name in :data:`ACCUMULATORS`; :func:`takes_by` says whether one
needs the second ``by`` input (``max_by``/``min_by``).
"""

from __future__ import annotations

import datetime as _dt
import functools
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

from cspolicy.blocks.sorting import sort_key
from cspolicy.money import CONTEXT
from cspolicy.values import Value

__all__ = ["Accumulator", "ACCUMULATORS", "ListOf", "takes_by", "Grouper", "period_of", "PERIOD_UNITS"]

S = TypeVar("S")
_ZERO = Decimal(0)
_ONE = Decimal(1)
#: State of max_by/min_by: (best ``by`` so far, that row's value), or None when empty.
_Best: TypeAlias = "tuple[Value, Value] | None"


def _lt(a: Any, b: Any) -> bool:
    return bool(a < b)


def _number(name: str, value: Value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise TypeError(f"{name} needs numbers, got {type(value).__name__} {value!r}")
    return value


class Accumulator(ABC, Generic[S]):
    """How one aggregate folds values into a constant-size state."""

    #: Whether :meth:`add` uses the second input ``by`` (the key to maximise/minimise).
    takes_by: ClassVar[bool] = False

    @abstractmethod
    def start(self) -> S:
        """The state of an empty group."""

    @abstractmethod
    def add(self, state: S, value: Value, by: Value = None) -> S:
        """The state after one more row."""

    @abstractmethod
    def result(self, state: S) -> Value:
        """The aggregate's value for a group."""


class Sum(Accumulator[Decimal]):
    """Sum of the numbers; blanks are skipped; an empty group sums to 0."""

    def start(self) -> Decimal:
        return _ZERO

    def add(self, state: Decimal, value: Value, by: Value = None) -> Decimal:
        if value is None:
            return state
        return CONTEXT.add(state, _number("sum", value))

    def result(self, state: Decimal) -> Value:
        return state


class Count(Accumulator[Decimal]):
    """Number of rows (blanks included), as a Decimal."""

    def start(self) -> Decimal:
        return _ZERO

    def add(self, state: Decimal, value: Value, by: Value = None) -> Decimal:
        return state + _ONE

    def result(self, state: Decimal) -> Value:
        return state


class CountTrue(Count):
    """Number of rows whose value is ``True``."""

    def add(self, state: Decimal, value: Value, by: Value = None) -> Decimal:
        return state + _ONE if value is True else state


class Extreme(Accumulator[Value]):
    """Smallest (``largest=False``) or largest value; blanks ignored; empty → ``None``."""

    def __init__(self, largest: bool) -> None:
        self.largest = largest

    def start(self) -> Value:
        return None

    def add(self, state: Value, value: Value, by: Value = None) -> Value:
        if value is None:
            return state
        if state is None or (_lt(state, value) if self.largest else _lt(value, state)):
            return value
        return state

    def result(self, state: Value) -> Value:
        return state


class AllTrue(Accumulator[bool]):
    """``True`` when every value is ``True`` (a blank is not); an empty group is ``True``."""

    def start(self) -> bool:
        return True

    def add(self, state: bool, value: Value, by: Value = None) -> bool:
        return state and value is True

    def result(self, state: bool) -> Value:
        return state


class AnyTrue(Accumulator[bool]):
    """``True`` when some value is ``True``; an empty group is ``False``."""

    def start(self) -> bool:
        return False

    def add(self, state: bool, value: Value, by: Value = None) -> bool:
        return state or value is True

    def result(self, state: bool) -> Value:
        return state


class First(Accumulator[Value]):
    """The first non-blank value (``last=True``: the last one); empty → ``None``."""

    def __init__(self, last: bool) -> None:
        self.last = last

    def start(self) -> Value:
        return None

    def add(self, state: Value, value: Value, by: Value = None) -> Value:
        if value is None or (state is not None and not self.last):
            return state
        return value

    def result(self, state: Value) -> Value:
        return state


class ExtremeBy(Accumulator[_Best]):
    """The value of the row whose ``by`` is largest (or smallest); the first such row
    wins a tie; rows with a blank ``by`` are ignored; empty → ``None``."""

    takes_by = True

    def __init__(self, largest: bool) -> None:
        self.largest = largest

    def start(self) -> _Best:
        return None

    def add(self, state: _Best, value: Value, by: Value = None) -> _Best:
        if by is None:
            return state
        if state is None or (_lt(state[0], by) if self.largest else _lt(by, state[0])):
            return (by, value)
        return state

    def result(self, state: _Best) -> Value:
        return None if state is None else state[1]


class ListOf(Accumulator["list[str] | None"]):
    """The texts of the group's rows in row order, joined by ``sep``; blanks (and empty
    texts) are dropped; a group with none gives a blank. Memory grows with the texts listed
    (a ``reasons`` column: a few per group), unlike the other accumulators.

    >>> acc = ListOf("；")
    >>> state = acc.start()
    >>> for text in ("B1 +5", None, "", "L4 -3"):
    ...     state = acc.add(state, text)
    >>> acc.result(state), acc.result(acc.start())
    ('B1 +5；L4 -3', None)
    """

    def __init__(self, sep: str) -> None:
        self.sep = sep

    def start(self) -> list[str] | None:
        return None

    def add(self, state: list[str] | None, value: Value, by: Value = None) -> list[str] | None:
        if value is None or value == "":
            return state
        if not isinstance(value, str):
            raise TypeError(f"list needs texts, got {type(value).__name__} {value!r}")
        if state is None:
            return [value]
        state.append(value)
        return state

    def result(self, state: list[str] | None) -> Value:
        return None if state is None else self.sep.join(state)


#: The accumulators a policy may name (``list`` is made per column: :class:`ListOf`).
ACCUMULATORS: Mapping[str, Accumulator[Any]] = MappingProxyType(
    {
        "sum": Sum(),
        "count": Count(),
        "count_true": CountTrue(),
        "min": Extreme(largest=False),
        "max": Extreme(largest=True),
        "all": AllTrue(),
        "any": AnyTrue(),
        "first": First(last=False),
        "last": First(last=True),
        "max_by": ExtremeBy(largest=True),
        "min_by": ExtremeBy(largest=False),
    }
)


def _accumulator(name: str | Accumulator[Any]) -> Accumulator[Any]:
    if isinstance(name, Accumulator):
        return name
    try:
        return ACCUMULATORS[name]
    except KeyError:
        raise ValueError(f"unknown aggregate {name!r}; expected one of {', '.join(ACCUMULATORS)}") from None


def takes_by(name: str) -> bool:
    """Whether the accumulator ``name`` needs a ``by`` input.

    >>> takes_by("max_by"), takes_by("sum")
    (True, False)
    """
    return _accumulator(name).takes_by


class Grouper:
    """Aggregates rows per group key, keeping one accumulator state per group.

    ``aggregates`` is a list of (accumulator name or instance, output name). With ``total=True`` the
    key is always ``()`` and :meth:`groups` yields that one group even when no row came.

    >>> g = Grouper([("sum", "fines"), ("count", "rows")])
    >>> for who, fine in [("B", Decimal(20)), ("A", Decimal(50)), ("B", None)]:
    ...     g.add((who,), [fine, fine])
    >>> list(g.groups())
    [(('A',), (Decimal('50'), Decimal('1'))), (('B',), (Decimal('20'), Decimal('2')))]
    """

    def __init__(self, aggregates: Sequence[tuple[str | Accumulator[Any], str]], *, total: bool = False) -> None:
        self.aggregates = tuple(aggregates)
        self.total = total
        self._accs = tuple(_accumulator(name) for name, _ in self.aggregates)
        self._adds = tuple(acc.add for acc in self._accs)
        self._needs_by = any(acc.takes_by for acc in self._accs)
        self._states: dict[tuple[Value, ...], list[Any]] = {}
        self._width: int | None = 0 if total else None

    @property
    def names(self) -> tuple[str, ...]:
        """The output names, in aggregate order."""
        return tuple(out for _, out in self.aggregates)

    def __len__(self) -> int:
        return len(self._states)

    @property
    def accumulators(self) -> tuple[Accumulator[Any], ...]:
        """The accumulator of each aggregate, in aggregate order."""
        return self._accs

    def state_table(self) -> dict[tuple[Value, ...], list[Any]]:
        """The live table of group key → state list, for generated code that folds rows
        inline (:mod:`cspolicy.engine.groupcode`) with the accumulators' own state forms."""
        return self._states

    def start_states(self) -> list[Any]:
        """The state list of a new group."""
        return [acc.start() for acc in self._accs]

    def add(self, key: tuple[Value, ...], values: Sequence[Value], by: Sequence[Value] | None = None) -> None:
        """Fold one source row into group ``key``: one value (and one ``by``) per aggregate."""
        states = self._states.get(key)
        if states is not None and len(values) == len(states) and (by is None) is not self._needs_by:
            # the common case (a known group, well-formed values): no further checks per row
            if by is None:
                for i, add in enumerate(self._adds):
                    states[i] = add(states[i], values[i], None)
            else:
                for i, add in enumerate(self._adds):
                    states[i] = add(states[i], values[i], by[i])
            return
        if len(values) != len(self._accs):
            raise ValueError(f"expected {len(self._accs)} values (one per aggregate), got {len(values)}")
        if by is None:
            if self._needs_by:
                raise ValueError("max_by/min_by aggregates need a by value per aggregate")
        elif len(by) != len(self._accs):
            raise ValueError(f"expected {len(self._accs)} by values (one per aggregate), got {len(by)}")
        if self._width is None:
            self._width = len(key)
        elif len(key) != self._width:
            raise ValueError(f"group key {key!r} has {len(key)} parts; expected {self._width}")
        states = self._states.get(key)
        if states is None:
            states = self._states[key] = [acc.start() for acc in self._accs]
        for i, acc in enumerate(self._accs):
            states[i] = acc.add(states[i], values[i], None if by is None else by[i])

    def groups(self) -> Iterator[tuple[tuple[Value, ...], tuple[Value, ...]]]:
        """``(key, results)`` per group in sorted key order (blanks first)."""
        if self.total and not self._states:
            yield (), tuple(acc.result(acc.start()) for acc in self._accs)
            return
        for key in sorted(self._states, key=sort_key):
            states = self._states[key]
            yield key, tuple(acc.result(state) for acc, state in zip(self._accs, states, strict=True))


#: The calendar units :func:`period_of` knows.
PERIOD_UNITS = ("day", "week", "month", "year")


@functools.lru_cache(maxsize=4096)  # a ladder asks it for every row; the days of a file are few
def period_of(d: _dt.date, unit: str) -> str:
    """The label of the calendar period holding ``d``; labels sort chronologically.

    ``week`` is the ISO week (Monday first), labelled by its ISO year.

    >>> day = _dt.date(2024, 12, 30)
    >>> [period_of(day, u) for u in PERIOD_UNITS]
    ['2024-12-30', '2025-W01', '2024-12', '2024']
    """
    if unit == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "year":
        return f"{d.year:04d}"
    if unit == "day":
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    if unit == "week":
        year, week, _ = d.isocalendar()
        return f"{year:04d}-W{week:02d}"
    raise ValueError(f"unknown period unit {unit!r}; expected one of {', '.join(PERIOD_UNITS)}")
