"""Dated, regional, overridable parameters (the value in force on the as-of date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cspolicy.planner.parameters import DatedValue, ParameterDef, resolve_parameters
from cspolicy.values import ColumnType

D = dt.date


def divisor() -> ParameterDef:
    # R-LV-8's monthly working-day divisor as the domain notes date it: 20.92 until
    # 2008-01-01, 20.83 from then, 20.67 from 2025-01-01; Beijing kept 20.92 in its text.
    return ParameterDef(
        "divisor",
        ColumnType.DECIMAL,
        "working days per month",
        "monthly divisor",
        "notes",
        "R-LV-8",
        (
            DatedValue(D(2000, 3, 17), Decimal("20.92")),
            DatedValue(D(2008, 1, 1), Decimal("20.83")),
            DatedValue(D(2025, 1, 1), Decimal("20.67")),
            DatedValue(D(2008, 1, 1), Decimal("20.92"), region="beijing"),
        ),
    )


@pytest.mark.parametrize(
    ("day", "region", "expected"),
    [
        (D(2007, 12, 31), None, "20.92"),  # the day before a change keeps the old value
        (D(2008, 1, 1), None, "20.83"),  # a value is in force from its own date (inclusive)
        (D(2024, 12, 31), None, "20.83"),
        (D(2025, 1, 1), None, "20.67"),
        (D(2010, 6, 1), "beijing", "20.92"),  # a regional value beats the general one of the same date
        (D(2025, 6, 1), "beijing", "20.67"),  # ... but not a newer general value
        (D(2010, 6, 1), "shanghai", "20.83"),  # another region falls back to the general value
    ],
)
def test_value_in_force(day: dt.date, region: str | None, expected: str) -> None:
    v = divisor().at(day, region)
    assert v is not None and v.value == Decimal(expected)


def test_no_value_before_the_first_date_is_an_error_naming_it() -> None:
    with pytest.raises(
        LookupError, match=r"'divisor' has no value in force on 1999-01-01 \(its first value is from 2000-03-17\)"
    ):
        resolve_parameters({"divisor": divisor()}, D(1999, 1, 1))


def test_override_wins_and_says_so() -> None:
    r = resolve_parameters({"divisor": divisor()}, D(2024, 1, 1), overrides={"divisor": Decimal("21.75")})
    assert r["divisor"].value == Decimal("21.75")
    assert r["divisor"].overridden and "--set" in r["divisor"].provenance


def test_provenance_names_the_effective_date() -> None:
    r = resolve_parameters({"divisor": divisor()}, D(2024, 1, 1))
    assert r["divisor"].provenance == "in force from 2008-01-01"
