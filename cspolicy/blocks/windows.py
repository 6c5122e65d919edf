"""Window functions over one partition's values: rank with a tie rule, "last" with ties,
partition totals, and the value of the previous period for the same entity.

These are the pure parts of ``window:`` columns (see :mod:`cspolicy.engine.run_windows` for how an
output's rows are partitioned, spilled and put back in order). Each function takes the
values of one partition, in input order, and returns one result per value.

Tie rules of :func:`ranks`:

- ``'competition'`` ("1224"): equal values share a rank and the next rank skips as many
  places (the usual sports ranking, and the default);
- ``'dense'`` ("1223"): equal values share a rank and the next rank is the next number.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import Final

from cspolicy.money import CONTEXT

__all__ = ["RANK_TIES", "ranks", "last_flags", "total", "previous_values", "DuplicatePeriod"]

#: How :func:`ranks` numbers tied values.
RANK_TIES: Final = ("competition", "dense")


class DuplicatePeriod(ValueError):
    """Two rows of one entity in one period: "the previous period's value" would be two values."""

    def __init__(self, first: int, second: int) -> None:
        super().__init__(f"rows #{first + 1} and #{second + 1} are in the same period")
        self.first, self.second = first, second


def ranks(values: Sequence[Decimal], *, descending: bool = False, ties: str = "competition") -> list[int]:
    """The rank of each value (1 = smallest, or largest with ``descending``).

    >>> scores = [Decimal(90), Decimal(85), Decimal(90), Decimal(70)]
    >>> ranks(scores, descending=True)
    [1, 3, 1, 4]
    >>> ranks(scores, descending=True, ties="dense")
    [1, 2, 1, 3]
    """
    if ties not in RANK_TIES:
        raise ValueError(f"unknown tie rule {ties!r}; expected one of {', '.join(RANK_TIES)}")
    order = sorted(range(len(values)), key=values.__getitem__, reverse=descending)
    out = [0] * len(values)
    distinct = 0
    for position, i in enumerate(order):
        if position and values[i] == values[order[position - 1]]:
            out[i] = out[order[position - 1]]
        else:
            distinct += 1
            out[i] = position + 1 if ties == "competition" else distinct
    return out


def last_flags(values: Sequence[Decimal], *, descending: bool = False) -> list[bool]:
    """Whether each value is at the worst rank (ties included: every row sharing it is last).

    >>> last_flags([Decimal(90), Decimal(60), Decimal(60)], descending=True)
    [False, True, True]
    """
    if not values:
        return []
    worst = min(values) if descending else max(values)
    return [v == worst for v in values]


def total(values: Sequence[Decimal | None]) -> Decimal:
    """The exact sum of the values, blanks ignored (as the ``sum`` aggregate does).

    >>> total([Decimal("1.5"), None, Decimal(2)])
    Decimal('3.5')
    """
    out = Decimal(0)
    for v in values:
        if v is not None:
            out = CONTEXT.add(out, v)
    return out


def previous_values(periods: Sequence[Hashable], before: Sequence[Hashable], values: Sequence[object]) -> list[object]:
    """For one entity's rows: the value of the row whose period is this row's ``before``
    period (the period just before it), or ``None`` when the entity has no row then.

    ``periods[i]`` is row i's period and ``before[i]`` the period before it. Two rows in one
    period raise :class:`DuplicatePeriod` (which row is "last month" would be a guess).

    >>> previous_values([3, 1, 2, 5], [2, 0, 1, 4], ["c", "a", "b", "e"])
    ['b', None, 'a', None]
    """
    at: dict[Hashable, int] = {}
    for i, p in enumerate(periods):
        if p in at:
            raise DuplicatePeriod(at[p], i)
        at[p] = i
    return [values[at[b]] if b in at else None for b in before]
