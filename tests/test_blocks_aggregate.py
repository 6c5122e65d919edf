"""Accumulators, the Grouper (sorted groups, totals) and period labels."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.blocks import ACCUMULATORS, Grouper, period_of, takes_by
from cspolicy.money import CONTEXT
from cspolicy.values import Value

D = Decimal


def fold(name: str, values: list[Value], by: list[Value] | None = None) -> Value:
    acc = ACCUMULATORS[name]
    state = acc.start()
    for i, value in enumerate(values):
        state = acc.add(state, value, None if by is None else by[i])
    return acc.result(state)


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("sum", [D(1), None, D("2.5")], D("3.5")),
        ("sum", [], D(0)),
        ("sum", [None], D(0)),
        ("count", [D(1), None, "x"], D(3)),
        ("count", [], D(0)),
        ("count_true", [True, False, None, True], D(2)),
        ("min", [D(3), None, D(-1), D(2)], D(-1)),
        ("max", [D(3), None, D(-1), D(2)], D(3)),
        ("min", [], None),
        ("max", [None, None], None),
        ("max", [date(2024, 1, 5), date(2023, 12, 31)], date(2024, 1, 5)),
        ("min", ["b", "a"], "a"),
        ("all", [True, True], True),
        ("all", [True, False], False),
        ("all", [True, None], False),
        ("all", [], True),
        ("any", [False, None], False),
        ("any", [False, True], True),
        ("any", [], False),
        ("first", [None, "a", "b"], "a"),
        ("last", ["a", "b", None], "b"),
        ("first", [], None),
        ("last", [None], None),
    ],
)
def test_accumulators(name: str, values: list[Value], expected: Value) -> None:
    result = fold(name, values)
    assert result == expected
    assert type(result) is type(expected)


def test_sum_is_exact_beyond_the_default_context() -> None:
    big = D("1" + "0" * 30)
    assert fold("sum", [big, D("0.01")]) == CONTEXT.add(big, D("0.01"))
    assert str(fold("sum", [big, D("0.01")])) == "1" + "0" * 30 + ".01"


def test_sum_rejects_text_and_booleans() -> None:
    with pytest.raises(TypeError, match="sum needs numbers"):
        fold("sum", ["12"])
    with pytest.raises(TypeError):
        fold("sum", [True])


def test_max_by_and_min_by() -> None:
    names: list[Value] = ["ann", "bob", "cat", "dan"]
    days: list[Value] = [D(12), D(9), None, D(9)]
    assert fold("min_by", names, days) == "bob"  # tie with dan: first seen wins
    assert fold("max_by", names, days) == "ann"  # a blank by is ignored
    assert fold("max_by", [], []) is None
    assert fold("max_by", ["x"], [None]) is None
    assert takes_by("max_by") and takes_by("min_by") and not takes_by("sum")


def test_registry_is_read_only_and_complete() -> None:
    assert set(ACCUMULATORS) == {
        "sum", "count", "count_true", "min", "max", "all", "any", "first", "last", "max_by", "min_by",
    }  # fmt: skip
    with pytest.raises(TypeError):
        ACCUMULATORS["x"] = ACCUMULATORS["sum"]  # type: ignore[index]


def test_groups_come_out_in_key_order() -> None:
    g = Grouper([("sum", "fines")])
    for key in [(D(10),), (None,), (D(9),), (D("-1"),)]:
        g.add(key, [D(1)])
    assert [k for k, _ in g.groups()] == [(None,), (D(-1),), (D(9),), (D(10),)]

    g = Grouper([("count", "n")])
    for pair in [("b", date(2024, 2, 1)), ("a", date(2024, 3, 1)), ("b", date(2023, 12, 31)), ("a", None)]:
        g.add(pair, [None])
    assert [k for k, _ in g.groups()] == [
        ("a", None),
        ("a", date(2024, 3, 1)),
        ("b", date(2023, 12, 31)),
        ("b", date(2024, 2, 1)),
    ]


def test_equal_decimals_share_a_group() -> None:
    g = Grouper([("sum", "s")])
    g.add((D("1.0"),), [D(1)])
    g.add((D("1"),), [D(2)])
    assert len(g) == 1
    assert [r for _, r in g.groups()] == [(D(3),)]


def test_several_aggregates_per_group() -> None:
    g = Grouper([("sum", "fines"), ("count", "rows"), ("max_by", "worst"), ("all", "clean")])
    g.add(("ann",), [D(20), None, "late", False], by=[None, None, D(20), None])
    g.add(("ann",), [D(50), None, "rude", True], by=[None, None, D(50), None])
    assert list(g.groups()) == [(("ann",), (D(70), D(2), "rude", False))]
    assert g.names == ("fines", "rows", "worst", "clean")


def test_total_yields_one_row_without_input() -> None:
    g = Grouper([("sum", "fund"), ("count", "rows"), ("max", "largest")], total=True)
    assert list(g.groups()) == [((), (D(0), D(0), None))]
    g.add((), [D(20), None, D(20)])
    g.add((), [D(50), None, D(50)])
    assert list(g.groups()) == [((), (D(70), D(2), D(50)))]


def test_without_total_no_rows_means_no_groups() -> None:
    assert list(Grouper([("sum", "s")]).groups()) == []


def test_grouper_misuse() -> None:
    with pytest.raises(ValueError, match="unknown aggregate 'avg'"):
        Grouper([("avg", "a")])
    g = Grouper([("sum", "a"), ("max_by", "b")])
    with pytest.raises(ValueError, match="expected 2 values"):
        g.add(("k",), [D(1)])
    with pytest.raises(ValueError, match="need a by value"):
        g.add(("k",), [D(1), D(1)])
    with pytest.raises(ValueError, match="expected 2 by values"):
        g.add(("k",), [D(1), D(1)], by=[None])
    g.add(("k",), [D(1), D(1)], by=[None, D(1)])
    with pytest.raises(ValueError, match="has 2 parts; expected 1"):
        g.add(("k", "x"), [D(1), D(1)], by=[None, D(1)])
    with pytest.raises(ValueError, match="expected 0"):
        Grouper([("sum", "a")], total=True).add(("k",), [D(1)])


money = st.decimals(min_value=-10_000, max_value=10_000, places=2)


@settings(database=None, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.one_of(st.none(), money)), max_size=60))
def test_grouper_sum_equals_the_sum_of_inputs(rows: list[tuple[str | None, Decimal | None]]) -> None:
    g = Grouper([("sum", "s"), ("count", "n")])
    total = Grouper([("sum", "s")], total=True)
    expected: dict[str | None, Decimal] = defaultdict(Decimal)
    for key, value in rows:
        g.add((key,), [value, value])
        total.add((), [value])
        expected[key] += value or 0
    got = {k[0]: r for k, r in g.groups()}
    assert {k: r[0] for k, r in got.items()} == dict(expected)
    assert sum(r[1] for r in got.values()) == len(rows)  # type: ignore[misc]
    assert list(total.groups()) == [((), (sum((v for _, v in rows if v is not None), D(0)),))]


@pytest.mark.parametrize(
    ("day", "unit", "label"),
    [
        (date(2024, 3, 5), "month", "2024-03"),
        (date(2024, 3, 5), "year", "2024"),
        (date(2024, 3, 5), "day", "2024-03-05"),
        (date(2024, 3, 5), "week", "2024-W10"),
        (date(2021, 1, 3), "week", "2020-W53"),  # ISO year differs from the calendar year
        (date(2024, 12, 30), "week", "2025-W01"),
        (date(999, 1, 1), "year", "0999"),
    ],
)
def test_period_of(day: date, unit: str, label: str) -> None:
    assert period_of(day, unit) == label


def test_period_of_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unknown period unit 'quarter'"):
        period_of(date(2024, 1, 1), "quarter")
