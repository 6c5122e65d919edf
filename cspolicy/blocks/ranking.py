"""Ranking and rank-based awards (R-PN-5: the trainer whose trainee learns fastest gets
the first amount, the second the next …).

:func:`rank` gives competition ranks ("1, 1, 3"); :func:`award` pays the amount of each
rank position, with the policy choosing what tied entries get (``ties``):

- ``'higher'``: every tied entry gets the amount of the best position they share, and the
  next positions are skipped (ranks 1, 1, 3 → 150, 150, 50);
- ``'lower'``: every tied entry gets the amount of the worst position they occupy
  (→ 100, 100, 50);
- ``'split'``: they share the amounts of the positions they occupy equally
  (→ 125, 125, 50), so the total paid is exactly the sum of the occupied positions' amounts
  (up to the 50 significant digits of :data:`cspolicy.money.CONTEXT` when a share does not
  terminate; the engine rounds once, at output).

Positions past the list of amounts get 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from cspolicy.money import CONTEXT

__all__ = ["rank", "award", "TIE_RULES"]

#: How :func:`award` treats ties; a policy parameter picks one.
TIE_RULES: Final = ("higher", "lower", "split")
_ZERO = Decimal(0)


def _check_values(values: Sequence[Decimal]) -> None:
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, Decimal) or v.is_nan():
            raise TypeError(f"value #{i + 1} to rank must be a Decimal number, not {v!r}")


def rank(values: Sequence[Decimal], *, descending: bool = False) -> list[int]:
    """Competition ranks of ``values`` (smallest first, or largest with ``descending``):
    equal values share a rank and the next rank skips as many places. This is the ``rank``
    window function (:func:`cspolicy.blocks.windows.ranks`) over one partition, the whole table.

    >>> rank([Decimal(3), Decimal(5), Decimal(3), Decimal(9)])
    [1, 3, 1, 4]
    >>> rank([Decimal(3), Decimal(5), Decimal(3), Decimal(9)], descending=True)
    [3, 2, 3, 1]
    """
    from cspolicy.blocks.windows import ranks

    _check_values(values)
    return ranks(values, descending=descending)  # the window function's competition ranking


def award(
    values: Sequence[Decimal],
    amounts: Sequence[Decimal],
    *,
    ties: str = "higher",
    descending: bool = False,
) -> list[Decimal]:
    """The amount each entry of ``values`` earns by its rank; ``amounts[0]`` is for
    position 1. ``ties`` is one of :data:`TIE_RULES`.

    >>> days = [Decimal(12), Decimal(12), Decimal(20)]   # two trainees tie for fastest
    >>> prizes = [Decimal(150), Decimal(100), Decimal(50)]
    >>> [str(a) for a in award(days, prizes, ties="higher")]
    ['150', '150', '50']
    >>> [str(a) for a in award(days, prizes, ties="lower")]
    ['100', '100', '50']
    >>> [str(a) for a in award(days, prizes, ties="split")]
    ['125', '125', '50']
    """
    if ties not in TIE_RULES:
        raise ValueError(f"unknown tie rule {ties!r}; expected one of {', '.join(TIE_RULES)}")
    for i, a in enumerate(amounts):
        if isinstance(a, bool) or not isinstance(a, Decimal) or not a.is_finite():
            raise TypeError(f"amount #{i + 1} must be a finite Decimal, not {a!r}")
    ranks = rank(values, descending=descending)
    tied = Counter(ranks)

    def paid(position: int) -> Decimal:
        return amounts[position - 1] if position <= len(amounts) else _ZERO

    per_rank: dict[int, Decimal] = {}
    for r, k in tied.items():
        if ties == "higher":
            per_rank[r] = paid(r)
        elif ties == "lower":
            per_rank[r] = paid(r + k - 1)
        else:
            shared = _ZERO
            for position in range(r, r + k):
                shared = CONTEXT.add(shared, paid(position))
            per_rank[r] = CONTEXT.divide(shared, Decimal(k))
    return [per_rank[r] for r in ranks]
