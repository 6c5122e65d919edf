"""Bands: explicit numeric ranges, each mapped to an outcome.

A policy writes a threshold rule such as R-MT-4's courier review ("(4%, 8%] → warning,
> 8% → fine") as a list of :class:`Band` objects whose bounds say, in so many words,
which ends are inclusive. The bounds are data from the policy file; nothing here knows a
rulebook number. :class:`Bands` checks the list once, when the policy is loaded (overlaps,
inverted or empty bands, gaps), so that a row can never match two bands and a gap is never
silent; :meth:`Bands.lookup` then maps each value with exact Decimal comparisons:
``10700 / 10000 − 1`` is exactly ``0.07`` and is *not* above 7%.

Coverage decision: a gap *between* two bands is a policy error unless ``otherwise`` is
given. The open ends (below the lowest band, above the highest) may stay uncovered: that is
how a policy says "a negative loss rate is not a valid input". A value falling there is
reported at run time by :meth:`Bands.lookup` as a :class:`NoBandError` (a data error).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Final, NamedTuple

from cspolicy.errors import DataError, PolicyError
from cspolicy.text import percent_text, plain_number
from cspolicy.values import Value

__all__ = [
    "Band",
    "Bands",
    "BandsError",
    "NoBandError",
    "NoDefault",
    "NO_DEFAULT",
    "plain_number",
    "percent_text",
]

Formatter = Callable[[Decimal], str]


class BandsError(PolicyError, ValueError):
    """A band list in a policy is malformed: overlapping, inverted, empty or with a gap."""


class NoBandError(DataError, ValueError):
    """A value falls in no band and the bands give no ``otherwise`` outcome."""


class NoDefault(Enum):
    """Type of :data:`NO_DEFAULT`, the "no otherwise outcome" marker."""

    NO_DEFAULT = "no default"


#: ``Bands.otherwise`` when a value outside every band is an error, not an outcome.
NO_DEFAULT: Final = NoDefault.NO_DEFAULT


class _End(NamedTuple):
    """One end of a band: ``value`` None means unbounded (−∞ or +∞); ``closed`` = inclusive."""

    value: Decimal | None
    closed: bool


def _check_bound(name: str, bound: Decimal | None) -> None:
    if bound is None:
        return
    if isinstance(bound, bool) or not isinstance(bound, Decimal):
        raise BandsError(f"band bound {name} must be a Decimal, not {type(bound).__name__} {bound!r}")
    if not bound.is_finite():
        raise BandsError(f"band bound {name} must be a finite number, not {bound}")


@dataclass(frozen=True)
class Band:
    """One range of values and the outcome it maps to.

    At most one lower bound (``above`` exclusive, ``at_least`` inclusive) and at most one
    upper bound (``below`` exclusive, ``at_most`` inclusive); a missing bound is unbounded.

    >>> warning = Band("warning", above=Decimal("0.04"), at_most=Decimal("0.08"))
    >>> warning.contains(Decimal("0.08")), warning.contains(Decimal("0.04"))
    (True, False)
    >>> warning.describe("loss_rate", percent_text)
    '4% < loss_rate ≤ 8%'
    """

    outcome: Value
    above: Decimal | None = None
    at_least: Decimal | None = None
    below: Decimal | None = None
    at_most: Decimal | None = None
    label: str = ""

    def __post_init__(self) -> None:
        for name in ("above", "at_least", "below", "at_most"):
            _check_bound(name, getattr(self, name))
        if self.above is not None and self.at_least is not None:
            raise BandsError(f"a band has both above ({self.above}) and at_least ({self.at_least}); give one lower bound")
        if self.below is not None and self.at_most is not None:
            raise BandsError(f"a band has both below ({self.below}) and at_most ({self.at_most}); give one upper bound")

    @property
    def lower(self) -> _End:
        if self.at_least is not None:
            return _End(self.at_least, True)
        return _End(self.above, False)

    @property
    def upper(self) -> _End:
        if self.at_most is not None:
            return _End(self.at_most, True)
        return _End(self.below, False)

    def contains(self, x: Decimal) -> bool:
        """Whether ``x`` lies in this band (exact comparison, no rounding)."""
        if self.above is not None and not x > self.above:
            return False
        if self.at_least is not None and not x >= self.at_least:
            return False
        if self.below is not None and not x < self.below:
            return False
        if self.at_most is not None and not x <= self.at_most:
            return False
        return True

    def describe(self, name: str = "x", fmt: Formatter = str) -> str:
        """The band as a condition on ``name``: ``'x < 3%'``, ``'4% < x ≤ 8%'``, ``'any x'``."""
        lo, hi = self.lower, self.upper
        if lo.value is not None and lo.closed and hi.closed and lo.value == hi.value:
            return f"{name} = {fmt(lo.value)}"
        text = name
        if lo.value is not None:
            text = f"{fmt(lo.value)} {'≤' if lo.closed else '<'} {text}"
        if hi.value is not None:
            text = f"{text} {'≤' if hi.closed else '<'} {fmt(hi.value)}"
        if text == name:
            return f"any {name}"
        if hi.value is None and lo.value is not None:  # 'x ≥ 8%' reads better than '8% ≤ x'
            return f"{name} {'≥' if lo.closed else '>'} {fmt(lo.value)}"
        return text


def _nonempty(lo: _End, hi: _End) -> bool:
    """Whether the range between two ends holds at least one value."""
    if lo.value is None or hi.value is None:
        return True
    if lo.value != hi.value:
        return lo.value < hi.value
    return lo.closed and hi.closed


def _tighter_lower(a: _End, b: _End) -> _End:
    if a.value is None:
        return b
    if b.value is None or a.value > b.value:
        return a
    if b.value > a.value:
        return b
    return a if not a.closed else b


def _tighter_upper(a: _End, b: _End) -> _End:
    if a.value is None:
        return b
    if b.value is None or a.value < b.value:
        return a
    if b.value < a.value:
        return b
    return a if not a.closed else b


def _lower_sort_key(band: Band) -> tuple[int, Decimal, int]:
    lo = band.lower
    if lo.value is None:
        return (0, Decimal(0), 0)
    return (1, lo.value, 0 if lo.closed else 1)


@dataclass(frozen=True)
class Bands:
    """A named list of non-overlapping bands, checked when it is built.

    ``otherwise`` is the outcome of a value that no band contains; :data:`NO_DEFAULT` makes
    such a value an error. ``fmt`` writes bounds in messages (e.g. :func:`percent_text`).

    >>> courier = Bands("courier_loss", (
    ...     Band("reward", below=Decimal("0.03")),
    ...     Band("none", at_least=Decimal("0.03"), at_most=Decimal("0.04")),
    ...     Band("warning", above=Decimal("0.04"), at_most=Decimal("0.08")),
    ...     Band("fine", above=Decimal("0.08")),
    ... ), fmt=percent_text)
    >>> courier.lookup(Decimal("0.08")), courier.lookup(Decimal("0.0801"))
    ((2, 'warning'), (3, 'fine'))
    """

    name: str
    bands: tuple[Band, ...]
    otherwise: Value | NoDefault = NO_DEFAULT
    fmt: Formatter = field(default=plain_number, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.check()

    def _title(self, index: int) -> str:
        band = self.bands[index]
        tag = band.label or _outcome_text(band.outcome)
        return f"band #{index + 1}{' ' + tag if tag else ''} ({band.describe('x', self.fmt)})"

    def check(self) -> None:
        """Raise :class:`BandsError` naming every problem: inverted or empty bands,
        overlaps (a shared inclusive boundary included) and, without ``otherwise``, gaps
        between bands. The open ends below the first and above the last band may stay
        uncovered (see the module docstring)."""
        fmt = self.fmt
        problems: list[str] = []
        for i, band in enumerate(self.bands):
            lo, hi = band.lower, band.upper
            if lo.value is not None and hi.value is not None and lo.value > hi.value:
                problems.append(f"{self._title(i)} has its lower bound {fmt(lo.value)} above its upper bound {fmt(hi.value)}")
            elif not _nonempty(lo, hi):
                problems.append(f"{self._title(i)} contains no value")
        if problems:
            raise BandsError(f"bands {self.name}: " + "; ".join(problems))
        for i in range(len(self.bands)):
            for j in range(i + 1, len(self.bands)):
                a, b = self.bands[i], self.bands[j]
                lo, hi = _tighter_lower(a.lower, b.lower), _tighter_upper(a.upper, b.upper)
                if _nonempty(lo, hi):
                    both = _between(lo, hi).describe("x", fmt)
                    problems.append(f"{self._title(i)} and {self._title(j)} overlap where {both}")
        if not self.bands and self.otherwise is NO_DEFAULT:
            problems.append("there are no bands and no otherwise outcome, so every value would be rejected")
        if self.otherwise is NO_DEFAULT and not problems:
            problems.extend(self._gaps())
        if problems:
            raise BandsError(f"bands {self.name}: " + "; ".join(problems))

    def _gaps(self) -> list[str]:
        fmt = self.fmt
        gaps: list[str] = []
        ordered = sorted(self.bands, key=_lower_sort_key)
        reach = ordered[0].upper
        for band in ordered[1:]:
            if reach.value is None:
                break
            lo = band.lower
            assert lo.value is not None  # only the first band can be unbounded below (no overlaps)
            if reach.value < lo.value:
                start = f"{fmt(reach.value)} ({'exclusive' if reach.closed else 'inclusive'})"
                end = f"{fmt(lo.value)} ({'exclusive' if lo.closed else 'inclusive'})"
                gaps.append(f"values from {start} to {end} fall in no band")
            elif reach.value == lo.value and not reach.closed and not lo.closed:
                gaps.append(f"the value {fmt(lo.value)} falls in no band")
            reach = band.upper
        if gaps:
            gaps[-1] += "; add a band or an otherwise outcome"
        return gaps

    def lookup(self, x: Decimal) -> tuple[int, Value]:
        """``(index, outcome)`` of the band containing ``x``; ``(-1, otherwise)`` when none
        does. Raises :class:`NoBandError` when none does and there is no ``otherwise``."""
        for i, band in enumerate(self.bands):
            if band.contains(x):
                return i, band.outcome
        if self.otherwise is NO_DEFAULT:
            listed = "; ".join(b.describe("x", self.fmt) for b in self.bands)
            raise NoBandError(
                f"{self.fmt(x)} falls in no band of {self.name}",
                value=self.fmt(x),
                expected=f"a value in one of: {listed}",
            )
        return -1, self.otherwise


def _outcome_text(outcome: Value) -> str:
    if outcome is None:
        return ""
    if isinstance(outcome, Decimal):
        return plain_number(outcome)
    return repr(outcome) if isinstance(outcome, str) else str(outcome)


def _between(lo: _End, hi: _End) -> Band:
    """The band whose ends are ``lo`` and ``hi`` (used to describe an overlap)."""
    return Band(
        None,
        above=None if lo.closed else lo.value,
        at_least=lo.value if lo.closed else None,
        below=None if hi.closed else hi.value,
        at_most=hi.value if hi.closed else None,
    )
