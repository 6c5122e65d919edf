"""Band tables as formulas call them: one-argument functions, bound to each run's parameter
values (built and checked at load time by :mod:`cspolicy.planner.build_bands`).

Band tables may use parameters as bounds, so they become concrete :class:`Bands` per run;
formulas call them through a context variable set while the run executes, which keeps
compiled formulas reusable and runs independent of each other.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal

from cspolicy.blocks import NO_DEFAULT, Band, Bands
from cspolicy.expressions import FunctionSpec
from cspolicy.expressions.run_context import BAND_TABLES
from cspolicy.planner.plan import BandBound, BandsPlan
from cspolicy.text import percent_text
from cspolicy.values import Kind, Value

__all__ = ["BAND_TABLES", "band_function", "band_specs", "bind_bands"]


def band_function(name: str) -> Callable[[Value], Value]:
    """The formula function ``name(x)``: the outcome of the band containing ``x`` (a partial
    of a module function, not a closure, so that a compiled policy can be pickled)."""
    return functools.partial(_band_lookup, name)


def _band_lookup(name: str, x: Value) -> Value:
    if x is None:
        raise TypeError(f"{name}() of a blank value")
    assert isinstance(x, Decimal)
    return BAND_TABLES.get()[name].lookup(x)[1]


def _bound(b: BandBound | None, params: Mapping[str, Value]) -> Decimal | None:
    if b is None:
        return None
    value = b.number if b.parameter is None else params[b.parameter]
    assert isinstance(value, Decimal)
    return value


def bind_bands(plan: BandsPlan, params: Mapping[str, Value]) -> Bands:
    """A concrete band table with this run's parameter values (raises BandsError)."""
    bands = tuple(
        Band(
            outcome=bp.outcome,  # type: ignore[arg-type]
            above=_bound(bp.above, params),
            at_least=_bound(bp.at_least, params),
            below=_bound(bp.below, params),
            at_most=_bound(bp.at_most, params),
            label=bp.label,
        )
        for bp in plan.bands
    )
    fmt = percent_text if _percent_bounds(plan) else _fmt_any
    return Bands(plan.name, bands, plan.otherwise if plan.has_otherwise else NO_DEFAULT, fmt=fmt)  # type: ignore[arg-type]


def _percent_bounds(plan: BandsPlan) -> bool:
    """Whether band bounds read best as percents (rates compared against percent parameters)."""
    return bool(plan.parameters) or any(
        b is not None and b.number is not None and abs(b.number) < 1
        for bp in plan.bands
        for b in (bp.above, bp.at_least, bp.below, bp.at_most)
    )


def _fmt_any(x: Decimal) -> str:
    return format(x, "f")


def band_specs(bands: Mapping[str, BandsPlan]) -> dict[str, FunctionSpec]:
    """Each band table as a one-argument formula function."""
    out = {}
    for name, b in bands.items():
        values = (
            frozenset(str(x.outcome) for x in b.bands) | ({str(b.otherwise)} if b.has_otherwise else set())
            if b.outcome_type.kind is Kind.TEXT
            else None
        )
        out[name] = FunctionSpec(name, (Kind.NUMBER,), b.outcome_type.kind, band_function(name), values)
    return out
