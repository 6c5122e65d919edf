"""Every decimal signal the policy context traps reads in words (issue 14), never as
``[<class 'decimal.Overflow'>]``; each is produced here by real arithmetic under CONTEXT."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal

import pytest

from cspolicy.engine.node import why
from cspolicy.money import CONTEXT


def signal_of(operation: Callable[[], object]) -> BaseException:
    with decimal.localcontext(CONTEXT):
        try:
            operation()
        except (decimal.DecimalException, TypeError) as exc:
            return exc
    raise AssertionError("no signal")


@pytest.mark.parametrize(
    "operation, words",
    [
        (lambda: Decimal(1) / Decimal(0), "division by zero"),
        (lambda: Decimal(0) / Decimal(0), "division by zero (0 ÷ 0)"),
        (lambda: Decimal(10) ** 999_999 * 10, "a number too large (above 10^999999)"),
        (lambda: (Decimal(10) ** 60) // Decimal("1e-5"), "a number too large (a whole-number quotient of more than 50 digits)"),
        (lambda: (Decimal(10) ** 60).quantize(Decimal("0.01")), "a number too large to round (50 digits at most)"),
        (lambda: Decimal(1) + None, "a blank value was used in arithmetic"),  # type: ignore[operator]
    ],
    ids=["x/0", "0/0", "overflow", "quotient", "quantize", "blank"],
)
def test_every_signal_in_words(operation, words):
    text = why(signal_of(operation))
    assert text.startswith(words)
    assert "<class" not in text


def test_rounding_names_its_places():
    exc = signal_of(lambda: (Decimal(10) ** 60).quantize(Decimal("0.01")))
    assert why(exc, rounding=2) == "a number too large to round to 2 decimal places (50 digits at most)"
