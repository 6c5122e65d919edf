"""The window functions on their own (cspolicy.blocks.windows): tie rules, last with ties,
totals, the previous period with gaps, and properties of ranks."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cspolicy.blocks.windows as windows
from cspolicy.blocks.windows import DuplicatePeriod, last_flags, previous_values, ranks, total
from cspolicy.periods import Period

D = Decimal


def test_doctests() -> None:
    result = doctest.testmod(windows)
    assert result.attempted > 0 and result.failed == 0


def test_competition_ranking_skips_after_ties() -> None:
    # 90, 85, 85, 70 (best first): 1, 2, 2, then 4 (two share place 2, so place 3 is skipped)
    assert ranks([D(85), D(90), D(70), D(85)], descending=True) == [2, 1, 4, 2]


def test_dense_ranking_does_not_skip() -> None:
    assert ranks([D(85), D(90), D(70), D(85)], descending=True, ties="dense") == [2, 1, 3, 2]


def test_ascending_ranks_smallest_first() -> None:
    assert ranks([D(3), D(1), D(2)]) == [3, 1, 2]


def test_equal_decimals_of_different_exponent_tie() -> None:
    assert ranks([D("80"), D("80.0"), D("79.5")], descending=True) == [1, 1, 3]


def test_unknown_tie_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tie rule 'olympic'"):
        ranks([D(1)], ties="olympic")


def test_last_includes_every_tied_row() -> None:
    assert last_flags([D(60), D(90), D(60), D(75)], descending=True) == [True, False, True, False]
    # ascending: the largest value is last
    assert last_flags([D(3), D(5), D(5)]) == [False, True, True]


def test_last_of_one_row_is_that_row_and_of_none_is_empty() -> None:
    assert last_flags([D(50)], descending=True) == [True]
    assert last_flags([], descending=True) == []


def test_total_is_exact_and_skips_blanks() -> None:
    assert total([D("0.1"), D("0.2"), None, D("-0.3")]) == D("0.0")
    assert total([]) == 0


def test_previous_period_with_a_gap_is_blank() -> None:
    # months 2024-03, 2024-04 and 2024-06 (May missing): June's previous is blank
    months = [Period(2024, 4), Period(2024, 3), Period(2024, 6)]
    got = previous_values(months, [m - 1 for m in months], [D(70), D(65), D(88)])
    assert got == [D(65), None, None]


def test_previous_period_across_a_year_end() -> None:
    months = [Period(2024, 12), Period(2025, 1)]
    assert previous_values(months, [m - 1 for m in months], ["dec", "jan"]) == [None, "dec"]


def test_two_rows_in_one_period_are_refused() -> None:
    with pytest.raises(DuplicatePeriod) as caught:
        previous_values([1, 2, 1], [0, 1, 0], ["a", "b", "c"])
    assert (caught.value.first, caught.value.second) == (0, 2)


scores = st.lists(st.integers(min_value=0, max_value=20).map(D), min_size=1, max_size=30)


@given(scores, st.booleans())
def test_a_better_score_never_ranks_worse(values: list[Decimal], descending: bool) -> None:
    for ties in ("competition", "dense"):
        r = ranks(values, descending=descending, ties=ties)
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                better = a > b if descending else a < b
                if better:
                    assert r[i] < r[j]
                if a == b:
                    assert r[i] == r[j]


@given(scores, st.booleans())
def test_competition_rank_is_one_plus_the_number_strictly_better(values: list[Decimal], descending: bool) -> None:
    r = ranks(values, descending=descending)
    for i, v in enumerate(values):
        assert r[i] == 1 + sum(1 for w in values if (w > v if descending else w < v))
    assert min(r) == 1 and max(r) <= len(values)


@given(scores, st.booleans())
def test_dense_ranks_are_1_to_the_number_of_distinct_values(values: list[Decimal], descending: bool) -> None:
    r = ranks(values, descending=descending, ties="dense")
    assert sorted(set(r)) == list(range(1, len(set(values)) + 1))


@given(scores, st.booleans())
def test_last_is_exactly_the_worst_competition_rank(values: list[Decimal], descending: bool) -> None:
    r = ranks(values, descending=descending)
    flags = last_flags(values, descending=descending)
    assert flags == [x == max(r) for x in r]
