"""Erlang C (cspolicy.blocks.erlang): the published staffing figures, the closed formula,
monotonicity, over-capacity, large traffic and bad arguments."""

from __future__ import annotations

import doctest
import math
import time
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspolicy.blocks import erlang
from cspolicy.blocks.erlang import (
    MAX_TRAFFIC,
    agents_needed,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    figures,
    occupancy,
    positions_with_shrinkage,
    service_level,
    staffing,
    traffic_intensity,
)
from cspolicy.errors import DataError
from cspolicy.money import CONTEXT


def r(value: D | None, places: int) -> D:
    assert value is not None
    return round(value, places)


def test_doctests() -> None:
    result = doctest.testmod(erlang)
    assert result.attempted > 0 and result.failed == 0


def test_published_case_100_calls_in_30_minutes() -> None:
    # pyworkforce README / R ErlangC: 100 calls per 30 min, AHT 180 s, 80 % within 20 s
    a = traffic_intensity(100, 30 * 60, 180)
    assert a == 100 * 180 / D(1800) == 10
    plan = staffing(
        100, interval_seconds=1800, aht_seconds=180, target_seconds=20, target_service_level=D("0.8"), shrinkage=D("0.3")
    )
    assert plan.agents == 14
    assert plan.positions == 20  # ceil(14 ÷ 0.7) = 20 exactly, not 21
    f = plan.figures
    assert r(f.probability_of_waiting, 4) == D("0.1741")
    assert r(f.service_level, 4) == D("0.8884")
    assert r(f.average_speed_of_answer, 2) == D("7.84")
    assert r(f.occupancy, 4) == D("0.7143")
    assert f.occupancy == CONTEXT.divide(10, 14)  # exactly A ÷ N, to the context's 50 digits
    # 13 agents would not do: its service level is below 80 %
    assert service_level(13, a, aht_seconds=180, target_seconds=20) < D("0.8")


def test_published_case_250_calls_an_hour() -> None:
    a = traffic_intensity(250, 3600, 330)
    assert r(a, 1) == D("22.9")  # 250 × 330 ÷ 3600 = 22.916…
    assert agents_needed(a, aht_seconds=330, target_seconds=30, target_service_level=D("0.8")) == 28
    assert r(service_level(28, a, aht_seconds=330, target_seconds=30), 4) == D("0.8569")


def test_case_360_calls_55_agents() -> None:
    a = traffic_intensity(360, 1800, 240)
    assert a == 48  # 360 × 240 ÷ 1800
    f = figures(55, a, aht_seconds=240, target_seconds=15)
    assert r(f.probability_of_waiting, 4) == D("0.2387")
    assert r(f.service_level, 4) == D("0.8459")
    assert r(f.average_speed_of_answer, 2) == D("8.18")
    assert r(f.occupancy, 3) == D("0.873")  # 48 ÷ 55 = 0.87272…
    assert erlang_c(55, a) == f.probability_of_waiting
    assert average_speed_of_answer(55, a, aht_seconds=240) == f.average_speed_of_answer
    assert occupancy(55, a) == f.occupancy


def closed_form_c(n: int, a: Fraction) -> Fraction:
    """Erlang C from its textbook sum, in exact fractions (independent of the recursion)."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


@given(st.integers(1, 60), st.fractions(min_value=Fraction(1, 100), max_value=59))
def test_recursion_matches_the_closed_formula(n: int, a: Fraction) -> None:
    if n <= a:
        assert erlang_c(n, D(a.numerator) / D(a.denominator)) == 1
        return
    traffic = D(a.numerator) / D(a.denominator)  # exact to 50 digits
    got = Fraction(erlang_c(n, traffic))
    assert abs(got - closed_form_c(n, Fraction(traffic))) < Fraction(1, 10**40)


def test_erlang_b_by_hand() -> None:
    # B(1, 1) = 1/2; B(2, 1) = (1·½) ÷ (2 + ½) = 1/5; C(2, 1) = 2·⅕ ÷ (2 − 1·⅘) = 1/3
    assert erlang_b(1, 1) == D("0.5")
    assert erlang_b(2, 1) == D("0.2")
    assert abs(erlang_c(2, 1) - CONTEXT.divide(1, 3)) < D("1e-45")
    assert erlang_b(0, 5) == 1


@given(st.integers(1, 200), st.decimals(min_value=D("0.1"), max_value=150, places=2))
def test_figures_move_the_right_way_with_more_agents(n: int, a: D) -> None:
    one, two = figures(n, a, aht_seconds=180, target_seconds=20), figures(n + 1, a, aht_seconds=180, target_seconds=20)
    assert 0 <= erlang_b(n, a) <= 1
    assert erlang_b(n, a) <= one.probability_of_waiting <= 1
    assert two.probability_of_waiting <= one.probability_of_waiting
    assert one.service_level <= two.service_level <= 1
    assert two.occupancy <= one.occupancy <= 1


@given(
    st.decimals(min_value=D("0.5"), max_value=300, places=1),
    st.sampled_from([D("0.5"), D("0.8"), D("0.9"), D("0.95")]),
    st.sampled_from([None, D("0.85"), D("0.7")]),
)
def test_agents_needed_is_the_fewest_that_reach_the_target(a: D, target: D, max_occ: D | None) -> None:
    n = agents_needed(a, aht_seconds=180, target_seconds=20, target_service_level=target, max_occupancy=max_occ)
    assert n > a
    assert service_level(n, a, aht_seconds=180, target_seconds=20) >= target
    if max_occ is not None:
        assert occupancy(n, a) <= max_occ
    fewer = n - 1
    assert (
        fewer <= a
        or service_level(fewer, a, aht_seconds=180, target_seconds=20) < target
        or (max_occ is not None and occupancy(fewer, a) > max_occ)
    )


def test_max_occupancy_can_decide() -> None:
    # 10 Erlangs: 14 agents meet 80 % in 20 s, but occupancy ≤ 70 % needs ceil(10 ÷ 0.7) = 15
    assert agents_needed(10, aht_seconds=180, target_seconds=20, target_service_level=D("0.8"), max_occupancy=D("0.7")) == 15
    assert agents_needed(10, aht_seconds=180, target_seconds=20, target_service_level=D("0.8"), max_occupancy=D("0.75")) == 14


def test_over_capacity_is_stated_not_computed() -> None:
    f = figures(10, 10, aht_seconds=180, target_seconds=20)
    assert (f.probability_of_waiting, f.service_level, f.average_speed_of_answer, f.occupancy) == (1, 0, None, 1)
    assert occupancy(8, 10) == 1
    assert average_speed_of_answer(9, D("9.5"), aht_seconds=180) is None


def test_no_calls_need_no_agents() -> None:
    plan = staffing(
        0, interval_seconds=1800, aht_seconds=180, target_seconds=20, target_service_level=D("0.8"), shrinkage=D("0.3")
    )
    assert (plan.agents, plan.positions) == (0, 0)
    assert erlang_c(3, 0) == 0
    assert service_level(3, 0, aht_seconds=180, target_seconds=20) == 1


@pytest.mark.parametrize(
    "agents, shrinkage, positions",
    [(14, D("0.3"), 20), (14, D("0.35"), 22), (10, 0, 10), (7, D("0.125"), 8), (0, D("0.5"), 0), (28, D("0.3"), 40)],
)
def test_positions_with_shrinkage(agents: int, shrinkage: D, positions: int) -> None:
    # 14 ÷ 0.65 = 21.5… → 22; 7 ÷ 0.875 = 8 exactly; 28 ÷ 0.7 = 40 exactly
    assert positions_with_shrinkage(agents, shrinkage) == positions


def test_large_traffic_is_stable_and_quick() -> None:
    start = time.perf_counter()
    a = D(5000)
    n = agents_needed(a, aht_seconds=180, target_seconds=20, target_service_level=D("0.8"))
    f = figures(n, a, aht_seconds=180, target_seconds=20)
    assert time.perf_counter() - start < 5
    assert 5000 < n < 5100  # pooling: a huge queue needs only a few agents above its traffic
    assert f.service_level >= D("0.8") > service_level(n - 1, a, aht_seconds=180, target_seconds=20)
    assert 0 < f.probability_of_waiting < 1
    assert agents_needed(MAX_TRAFFIC, aht_seconds=180, target_seconds=20, target_service_level=D("0.8")) > MAX_TRAFFIC


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: traffic_intensity(-1, 1800, 180), "calls is -1"),
        (lambda: traffic_intensity(100, 0, 180), "the interval is 0"),
        (lambda: traffic_intensity(100, 1800, 0), "the average handling time is 0"),
        (lambda: agents_needed(10, aht_seconds=180, target_seconds=20, target_service_level=1), "the service-level target is 1"),
        (
            lambda: agents_needed(10, aht_seconds=180, target_seconds=20, target_service_level=80),
            "the service-level target is 80",
        ),
        (
            lambda: agents_needed(10, aht_seconds=180, target_seconds=-1, target_service_level=D("0.8")),
            "the service-level time is -1",
        ),
        (
            lambda: agents_needed(10, aht_seconds=180, target_seconds=20, target_service_level=D("0.8"), max_occupancy=0),
            "the maximum occupancy is 0",
        ),
        (lambda: positions_with_shrinkage(14, 1), "the shrinkage 1 leaves no one"),
        (lambda: erlang_c(-1, 10), "the number of agents is -1"),
        (lambda: erlang_c(10, MAX_TRAFFIC + 1), "more than any one queue carries"),
    ],
)
def test_bad_figures_are_refused_with_what_was_expected(call, message: str) -> None:
    with pytest.raises(DataError) as info:
        call()
    assert message in str(info.value)
    assert "; expected " in str(info.value)


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="floats are inexact"):
        traffic_intensity(100, 1800, 180.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="agents must be an int"):
        erlang_c(True, 10)
