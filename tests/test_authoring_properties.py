"""Invariants of the authoring tools (issue 20), checked with hypothesis."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.authoring.diff import diff_policies
from cspolicy.authoring.test_runner import cell_matches
from cspolicy.planner.policy import load_policy
from cspolicy.text import format_value
from cspolicy.values import ColumnType

POLICY = load_policy("materials-order")
money = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
rows = st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(0, 100), st.one_of(st.none(), st.integers(0, 10**6))),
    min_size=1,
    max_size=8,
)


@given(money)
def test_an_output_text_always_matches_its_value(d: Decimal) -> None:
    for ctype in (ColumnType.MONEY, ColumnType.DECIMAL, ColumnType.PERCENT):
        assert cell_matches(format_value(d, ctype), d, ctype)
    assert not cell_matches(format_value(d + Decimal("0.01"), ColumnType.MONEY), d, ColumnType.MONEY)


@settings(max_examples=30, deadline=None)
@given(rows)
def test_a_policy_compared_with_itself_changes_nothing(data: list[tuple[int, int, int | None]]) -> None:
    stations = [
        {"station": f"S{i}", "material": "M", "parcels": str(p), "growth": f"{g}%", "requested": "" if r is None else str(r)}
        for i, (p, g, r) in enumerate(data)
    ]
    result = diff_policies(POLICY, POLICY, {"stations": stations})
    assert result.changes == [] and result.parameters == []


@settings(max_examples=30, deadline=None)
@given(rows)
def test_the_totals_are_the_sum_of_the_cell_differences(data: list[tuple[int, int, int | None]]) -> None:
    stations = [{"station": f"S{i}", "material": "M", "parcels": str(p), "growth": f"{g}%"} for i, (p, g, _) in enumerate(data)]
    result = diff_policies(POLICY, POLICY, {"stations": stations}, new_overrides={"loss": "9%"})
    for od in result.outputs:
        for column, (count, total, _) in od.totals.items():
            cells = [c for c in od.changes if c.column == column]
            assert count == len(cells)
            assert total == sum((c.difference for c in cells if c.difference is not None), Decimal(0))
            assert total >= 0  # a higher loss allowance never lowers an order
