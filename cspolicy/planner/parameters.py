"""Dated, regional, overridable policy parameters.

A parameter's value is never a constant in code: the policy lists dated values (and
optionally per region), and a run picks the value in force on its *as-of* date. A value
given with ``--set`` replaces it for one run and is reported as such in every explanation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from cspolicy.tables.convert import make_converter
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Value

__all__ = ["DatedValue", "ParameterDef", "ResolvedParameter", "resolve_parameters", "value_reader"]


def value_reader(
    name: str, ctype: ColumnType, choices: Sequence[str] = (), minimum: Value = None, maximum: Value = None
) -> Callable[[str], Value]:
    """How a parameter's value is read from text — in the policy file and on ``--set`` alike:
    like a CSV cell of its type (``7%``), within its bounds and choices. Raises ``CellError``."""
    spec = ColumnSpec(name=name, type=ctype, values={c: () for c in choices}, minimum=minimum, maximum=maximum)  # type: ignore[arg-type]
    return make_converter(spec)


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, in force from ``since`` (for ``region``, or everywhere)."""

    since: dt.date
    value: Value
    region: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ParameterDef:
    """A parameter as the policy declares it."""

    name: str
    type: ColumnType
    label: str
    description: str
    source: str
    rule: str | None
    values: tuple[DatedValue, ...]
    choices: tuple[str, ...] = ()
    minimum: Value = None
    maximum: Value = None
    #: Read per row with ``param_at(...)`` (:mod:`cspolicy.row_parameters`), not once per run.
    per_row: bool = False

    def read(self, text: str) -> Value:
        """A value given as text (``--set loss=8%``), checked like the policy's own values."""
        return value_reader(self.name, self.type, self.choices, self.minimum, self.maximum)(text)

    def at(self, day: dt.date, region: str | None = None) -> DatedValue | None:
        """The value in force on ``day``: the latest ``since`` ≤ day, a regional value
        beating the general one of the same or an earlier date only if it is newer or equal."""
        best: DatedValue | None = None
        for v in self.values:
            if v.since > day or (v.region is not None and v.region != region):
                continue
            if best is None or v.since > best.since or (v.since == best.since and v.region is not None):
                best = v
        return best


@dataclass(frozen=True)
class ResolvedParameter:
    """The value a run uses, with where it came from (for explanations)."""

    definition: ParameterDef
    value: Value
    since: dt.date | None  # None when overridden on the command line
    region: str | None
    overridden: bool = False

    @property
    def provenance(self) -> str:
        if self.overridden:
            return "set for this run (--set)"
        where = f", region {self.region}" if self.region else ""
        return f"in force from {self.since}{where}"


def resolve_parameters(
    definitions: Mapping[str, ParameterDef],
    as_of: dt.date,
    *,
    region: str | None = None,
    overrides: Mapping[str, Value] | None = None,
) -> dict[str, ResolvedParameter]:
    """Pick every parameter's value for one run; raises ``LookupError`` naming a parameter
    that has no value in force on ``as_of`` (and is not overridden)."""
    overrides = overrides or {}
    out: dict[str, ResolvedParameter] = {}
    for name, d in definitions.items():
        if d.per_row:  # resolved row by row (cspolicy.row_parameters)
            continue
        if name in overrides:
            out[name] = ResolvedParameter(d, overrides[name], None, region, overridden=True)
            continue
        v = d.at(as_of, region)
        if v is None:
            first = min(x.since for x in d.values)
            raise LookupError(f"parameter '{name}' has no value in force on {as_of} (its first value is from {first})")
        out[name] = ResolvedParameter(d, v.value, v.since, v.region)
    return out
