"""Exact decimal arithmetic and the single rounding step.

All policy arithmetic runs under :data:`CONTEXT`: 50 significant digits (no intermediate
figure of a payroll or an order ever rounds), and traps on invalid operations and division
by zero, so a bad row raises instead of producing ``NaN``. Rounding happens once, where an
output column says, through :func:`round_to`.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

__all__ = ["CONTEXT", "MAX_POLICY_NUMBER", "ROUNDING_MODES", "round_to", "quantize_exp", "to_decimal"]

CONTEXT = decimal.Context(
    prec=50,
    rounding=decimal.ROUND_HALF_UP,
    Emin=-999999,
    Emax=999999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

#: Numbers written in a policy (values, bounds, formula literals) are below 10^18: 18 digits
#: before the point leave the 50-digit arithmetic room to round every result to the cent.
MAX_POLICY_NUMBER = Decimal(10) ** 18

#: Rounding modes a policy may name, mapped to :mod:`decimal`'s. ``half_up`` rounds ties
#: away from zero on the absolute value (GB/T 8170 style: −120.005 → −120.01);
#: ``ceiling``/``floor`` go towards +∞/−∞ (quantities are ordered with ``ceiling``).
ROUNDING_MODES: dict[str, str] = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "half_down": decimal.ROUND_HALF_DOWN,
    "up": decimal.ROUND_UP,
    "down": decimal.ROUND_DOWN,
    "ceiling": decimal.ROUND_CEILING,
    "floor": decimal.ROUND_FLOOR,
}

_EXPONENTS: dict[int, Decimal] = {}


def quantize_exp(places: int) -> Decimal:
    """The exponent ``Decimal`` for ``places`` decimal places (``2`` → ``0.01``)."""
    exp = _EXPONENTS.get(places)
    if exp is None:
        exp = _EXPONENTS[places] = Decimal(1).scaleb(-places)
    return exp


def round_to(value: Decimal, places: int, mode: str = "half_up") -> Decimal:
    """Round ``value`` to ``places`` decimal places with a named mode.

    >>> round_to(Decimal("3050.305"), 0, "ceiling")
    Decimal('3051')
    >>> round_to(Decimal("-120.005"), 2)
    Decimal('-120.01')
    """
    return value.quantize(quantize_exp(places), rounding=ROUNDING_MODES[mode], context=CONTEXT)


def to_decimal(text: str) -> Decimal:
    """Parse a plain decimal literal exactly (raises ``decimal.InvalidOperation``)."""
    return Decimal(text)
