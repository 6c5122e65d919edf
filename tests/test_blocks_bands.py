"""Bands: exact boundaries (R-MT-4), overlap and gap detection, run-time misses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.blocks import NO_DEFAULT, Band, Bands, BandsError, NoBandError, percent_text
from cspolicy.errors import DataError, PolicyError
from cspolicy.money import CONTEXT

D = Decimal
P3, P4, P7, P8 = D("0.03"), D("0.04"), D("0.07"), D("0.08")
TINY = D("1E-20")  # 0.08 + 1E-20 still fits the default 28-digit context


def station() -> Bands:
    """R-MT-4 station review, numbers as a policy would give them."""
    return Bands(
        "station_loss",
        (
            Band("reward", below=P3),
            Band("none", at_least=P3, at_most=P7),
            Band("fine", above=P7),
        ),
        fmt=percent_text,
    )


def courier() -> Bands:
    """R-MT-4 courier review: (4%, 8%] → warning, > 8% → fine, < 3% → reward."""
    return Bands(
        "courier_loss",
        (
            Band("reward", below=P3),
            Band("none", at_least=P3, at_most=P4),
            Band("warning", above=P4, at_most=P8),
            Band("fine", above=P8),
        ),
        fmt=percent_text,
    )


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (P3 - TINY, (0, "reward")),
        (P3, (1, "none")),  # 3% itself is not a reward
        (P7, (1, "none")),  # 7% itself is fine for a station
        (P7 + TINY, (2, "fine")),
        (D(0), (0, "reward")),
        (D("-0.5"), (0, "reward")),
    ],
)
def test_station_boundaries(x: Decimal, expected: tuple[int, str]) -> None:
    assert station().lookup(x) == expected


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (P3, (1, "none")),
        (P4, (1, "none")),
        (P4 + TINY, (2, "warning")),
        (D("0.075"), (2, "warning")),
        (P8, (2, "warning")),
        (P8 + TINY, (3, "fine")),
    ],
)
def test_courier_boundaries(x: Decimal, expected: tuple[int, str]) -> None:
    assert courier().lookup(x) == expected


def test_computed_rate_is_exactly_seven_percent() -> None:
    rate = CONTEXT.subtract(CONTEXT.divide(D(10700), D(10000)), D(1))
    assert rate == P7
    assert station().lookup(rate) == (1, "none")
    assert not Band("fine", above=P7).contains(rate)


def test_decimal_outcomes_and_otherwise() -> None:
    bands = Bands("bonus", (Band(D(-5), at_least=D(90)),), otherwise=D(0))
    assert bands.lookup(D(90)) == (0, D(-5))
    assert bands.lookup(D("89.99")) == (-1, D(0))


def test_otherwise_may_be_blank() -> None:
    bands = Bands("x", (Band("a", below=D(1)), Band("b", above=D(2))), otherwise=None)
    assert bands.lookup(D("1.5")) == (-1, None)


@pytest.mark.parametrize(
    ("band", "name", "text"),
    [
        (Band("w", above=P4, at_most=P8), "loss_rate", "4% < loss_rate ≤ 8%"),
        (Band("r", below=P3), "x", "x < 3%"),
        (Band("r", at_most=P3), "x", "x ≤ 3%"),
        (Band("f", above=D(30)), "x", "x > 30"),
        (Band("f", at_least=P8), "x", "x ≥ 8%"),
        (Band("n", at_least=P3, below=P4), "x", "3% ≤ x < 4%"),
        (Band("p", at_least=P3, at_most=P3), "x", "x = 3%"),
        (Band("any"), "x", "any x"),
    ],
)
def test_describe(band: Band, name: str, text: str) -> None:
    fmt = str if text == "x > 30" else percent_text
    assert band.describe(name, fmt) == text


def test_bands_are_checked_in_any_order() -> None:
    shuffled = Bands(
        "courier",
        (
            Band("fine", above=P8),
            Band("reward", below=P3),
            Band("warning", above=P4, at_most=P8),
            Band("none", at_least=P3, at_most=P4),
        ),
    )
    assert shuffled.lookup(P8) == (2, "warning")


def test_errors_belong_to_the_error_tree() -> None:
    assert issubclass(BandsError, PolicyError) and issubclass(BandsError, ValueError)
    assert issubclass(NoBandError, DataError) and issubclass(NoBandError, ValueError)


def test_shared_inclusive_boundary_is_an_overlap() -> None:
    with pytest.raises(BandsError) as info:
        Bands("station", (Band("none", at_most=P7), Band("fine", at_least=P7)), fmt=percent_text)
    assert str(info.value) == ("bands station: band #1 'none' (x ≤ 7%) and band #2 'fine' (x ≥ 7%) overlap where x = 7%")


def test_overlap_of_ranges_names_the_common_range() -> None:
    with pytest.raises(BandsError, match=r"overlap where 5% < x ≤ 8%"):
        Bands("c", (Band("a", above=D("0.05")), Band("b", above=P4, at_most=P8)), fmt=percent_text)


def test_overlap_is_an_error_even_with_otherwise() -> None:
    with pytest.raises(BandsError, match="overlap"):
        Bands("c", (Band("a", below=D(5)), Band("b", below=D(6))), otherwise="x")


def test_gap_is_reported_with_its_ends() -> None:
    with pytest.raises(BandsError) as info:
        Bands("courier", (Band("warning", above=P4, at_most=P7), Band("fine", above=P8)), fmt=percent_text)
    assert "values from 7% (exclusive) to 8% (inclusive) fall in no band" in str(info.value)
    assert "add a band or an otherwise outcome" in str(info.value)


def test_single_point_gap() -> None:
    with pytest.raises(BandsError, match=r"the value 7% falls in no band"):
        Bands("s", (Band("none", below=P7), Band("fine", above=P7)), fmt=percent_text)


def test_gaps_are_allowed_with_otherwise() -> None:
    bands = Bands("s", (Band("none", below=P7), Band("fine", above=P8)), otherwise="review", fmt=percent_text)
    assert bands.lookup(P7) == (-1, "review")
    assert bands.lookup(P8) == (-1, "review")


def test_open_ends_are_allowed_and_reported_at_lookup() -> None:
    bands = Bands("loss", (Band("ok", at_least=D(0), at_most=P7), Band("fine", above=P7, below=D(1))), fmt=percent_text)
    with pytest.raises(NoBandError) as info:
        bands.lookup(D("-0.01"))
    assert str(info.value) == "-1% falls in no band of loss; expected a value in one of: 0% ≤ x ≤ 7%; 7% < x < 100%"
    with pytest.raises(NoBandError):
        bands.lookup(D(1))


def test_inverted_band() -> None:
    with pytest.raises(BandsError, match=r"band #1 'a' \(8 < x < 7\) has its lower bound 8 above its upper bound 7"):
        Bands("b", (Band("a", above=D(8), below=D(7)),))


@pytest.mark.parametrize("band", [Band("a", above=D(7), below=D(7)), Band("a", at_least=D(7), below=D(7))])
def test_empty_band(band: Band) -> None:
    with pytest.raises(BandsError, match="contains no value"):
        Bands("b", (band,))


def test_two_lower_bounds() -> None:
    with pytest.raises(BandsError, match="both above"):
        Band("a", above=D(1), at_least=D(2))
    with pytest.raises(BandsError, match="both below"):
        Band("a", below=D(1), at_most=D(2))


def test_float_bound_is_rejected() -> None:
    with pytest.raises(BandsError, match="must be a Decimal"):
        Band("a", above=0.07)  # type: ignore[arg-type]
    with pytest.raises(BandsError, match="finite"):
        Band("a", above=D("NaN"))


def test_no_bands() -> None:
    with pytest.raises(BandsError, match="no bands and no otherwise"):
        Bands("b", ())
    assert Bands("b", (), otherwise="x").lookup(D(1)) == (-1, "x")


def test_no_default_is_the_default() -> None:
    assert courier().otherwise is NO_DEFAULT


def test_check_can_be_called_again() -> None:
    courier().check()


@settings(database=None, deadline=None)
@given(
    cuts=st.lists(st.decimals(min_value=-100, max_value=100, places=3), min_size=1, max_size=6, unique=True),
    closed=st.lists(st.booleans(), min_size=6, max_size=6),
    x=st.decimals(min_value=-200, max_value=200, places=4),
)
def test_contiguous_bands_cover_everything_once(cuts: list[Decimal], closed: list[bool], x: Decimal) -> None:
    """Bands cut at sorted points, each cut inclusive on one side only, match exactly one band."""
    cuts = sorted(cuts)
    bands = []
    lower: dict[str, Decimal] = {}
    for i, cut in enumerate(cuts):
        upper = {"at_most": cut} if closed[i] else {"below": cut}
        bands.append(Band(D(i), **lower, **upper))  # type: ignore[arg-type]
        lower = {"above": cut} if closed[i] else {"at_least": cut}
    bands.append(Band(D(len(cuts)), **lower))  # type: ignore[arg-type]
    table = Bands("cuts", tuple(bands))
    index, outcome = table.lookup(x)
    assert [b.contains(x) for b in bands].count(True) == 1
    assert bands[index].contains(x)
