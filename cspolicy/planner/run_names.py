"""The names every run gives its formulas besides the policy's own: the run's period and
as-of date, and whether each optional input was given (``given('previous')``).

Kept apart from the builder so that running a compiled (cached) policy imports no builder.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from cspolicy.expressions.check import GIVEN_PREFIX
from cspolicy.tables.spec import TableSpec
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["RUN_SYMBOLS", "given_values"]

#: The run's own names: kind, type, and whether a run may leave it blank.
RUN_SYMBOLS: dict[str, tuple[Kind, ColumnType, bool]] = {
    "period": (Kind.TEXT, ColumnType.TEXT, True),
    "as_of": (Kind.DATE, ColumnType.DATE, False),
}


def given_values(inputs: Mapping[str, TableSpec], given: Collection[str] | None) -> dict[str, Value]:
    """The run values ``given:<input>`` of the optional inputs: whether each was given."""
    return {GIVEN_PREFIX + n: given is None or n in given for n, spec in inputs.items() if spec.optional}
