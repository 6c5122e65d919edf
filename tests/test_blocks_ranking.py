"""Competition ranks and rank-based awards with the three tie rules (R-PN-5)."""

from __future__ import annotations

from decimal import Decimal
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.blocks import award, rank
from cspolicy.money import CONTEXT

D = Decimal
PRIZES = [D(150), D(100), D(50)]  # a policy's trainer awards


def ds(*xs: int | str) -> list[Decimal]:
    return [D(x) for x in xs]


def test_rank_competition_style() -> None:
    assert rank(ds(12, 12, 20)) == [1, 1, 3]
    assert rank(ds(20, 12, 12)) == [3, 1, 1]
    assert rank(ds(5, 5, 5)) == [1, 1, 1]
    assert rank([]) == []
    assert rank(ds("1.0", 1, 2)) == [1, 1, 3]  # equal Decimals tie whatever their exponent
    assert rank(ds(12, 12, 20), descending=True) == [2, 2, 1]


def test_rank_rejects_blanks_and_floats() -> None:
    with pytest.raises(TypeError, match="value #2"):
        rank([D(1), None])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        rank([1.5])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("ties", "expected"),
    [("higher", ds(150, 150, 50)), ("lower", ds(100, 100, 50)), ("split", ds(125, 125, 50))],
)
def test_two_way_tie_for_first(ties: str, expected: list[Decimal]) -> None:
    assert award(ds(12, 12, 20), PRIZES, ties=ties) == expected


@pytest.mark.parametrize(
    ("ties", "expected"),
    [("higher", ds(150, 100, 100, 0)), ("lower", ds(150, 50, 50, 0)), ("split", ds(150, 75, 75, 0))],
)
def test_tie_for_second_and_positions_beyond_the_amounts(ties: str, expected: list[Decimal]) -> None:
    assert award(ds(1, 2, 2, 3), PRIZES, ties=ties) == expected


def test_tie_running_past_the_last_amount() -> None:
    # positions 2, 3, 4 share 100 + 50 + 0
    assert award(ds(1, 2, 2, 2), PRIZES, ties="split") == ds(150, 50, 50, 50)
    assert award(ds(1, 2, 2, 2), PRIZES, ties="lower") == ds(150, 0, 0, 0)


def test_split_keeps_full_precision() -> None:
    shares = award(ds(7, 7, 7), PRIZES, ties="split")
    assert shares[0] == CONTEXT.divide(D(300), D(3)) == D(100)
    shares = award(ds(7, 7, 7), ds(100), ties="split")
    assert shares[0] == CONTEXT.divide(D(100), D(3))
    assert len(shares[0].as_tuple().digits) == CONTEXT.prec  # not rounded to cents here


def test_descending_awards_the_largest_value_first() -> None:
    assert award(ds(3, 9, 5), PRIZES, descending=True) == ds(50, 150, 100)


def test_award_misuse() -> None:
    with pytest.raises(ValueError, match="unknown tie rule 'share'"):
        award(ds(1), PRIZES, ties="share")
    with pytest.raises(TypeError, match="amount #1"):
        award(ds(1), [150.0])  # type: ignore[list-item]
    assert award([], PRIZES) == []
    assert award(ds(1, 2), []) == ds(0, 0)


values_st = st.lists(st.integers(0, 5).map(D), max_size=12)
amounts_st = st.lists(st.decimals(min_value=0, max_value=1000, places=2), max_size=6)


@settings(database=None, deadline=None)
@given(values_st, amounts_st, st.booleans())
def test_split_pays_exactly_the_occupied_positions(values: list[Decimal], amounts: list[Decimal], desc: bool) -> None:
    paid = award(values, amounts, ties="split", descending=desc)
    expected = reduce(CONTEXT.add, amounts[: len(values)], D(0))
    total = reduce(CONTEXT.add, paid, D(0))  # sum() would round to the default 28 digits
    # exact when shares terminate; otherwise within the 50-digit working precision
    assert abs(CONTEXT.subtract(total, expected)) <= D("1E-40")
    assert all(p >= 0 for p in paid)


@settings(database=None, deadline=None)
@given(values_st, amounts_st)
def test_higher_split_lower_are_ordered_for_decreasing_prizes(values: list[Decimal], amounts: list[Decimal]) -> None:
    amounts = sorted(amounts, reverse=True)
    higher = award(values, amounts, ties="higher")
    split = award(values, amounts, ties="split")
    lower = award(values, amounts, ties="lower")
    assert all(h >= s >= lo for h, s, lo in zip(higher, split, lower, strict=True))
    ranks = rank(values)
    pairs = [(r1, h1, r2, h2) for r1, h1 in zip(ranks, higher, strict=True) for r2, h2 in zip(ranks, higher, strict=True)]
    assert all(h1 >= h2 for r1, h1, r2, h2 in pairs if r1 < r2)  # a better rank never earns less
