"""Per-row parameters: a parameter's value for a row's own date and region.

A run resolves every ordinary parameter once, for its ``--as-of`` date and ``--region``. A
parameter declared ``per_row: true`` is instead read in a formula with
``param_at('min_wage', date, region)``: the value in force on ``date`` (a date, a moment's
day or a month's first day) for ``region`` (a text; blank → the run's ``--region``, else the
general value). The parameter name is checked when the policy loads; a row whose region the
policy does not know, or whose date comes before the parameter's first value there, is
rejected at its ``file:row:column``.

Each (parameter, date, region) is resolved once per run (memoised), and an explanation
shows the value with the date it took effect, its region and its source. ``--set NAME=V``
replaces a per-row parameter for every row of the run.

The run's resolver travels with its band tables (:data:`cspolicy.steps.BAND_TABLES`, under
the key :data:`RESOLVER`, a name no band table can take since ``param_at`` is a function),
so the formula function, the generated code and a later explanation all see the run's own.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cspolicy.expressions import ExpressionError, FunctionSpec
from cspolicy.expressions import nodes as n
from cspolicy.periods import Period
from cspolicy.planner.parameters import DatedValue, ParameterDef
from cspolicy.tables.convert import fold
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["PARAM_AT", "RESOLVER", "RowValue", "RowParameters", "RowParameterError", "param_at_spec", "resolver"]

#: The formula function, and the key of the run's resolver beside its band tables.
PARAM_AT = "param_at"
RESOLVER = PARAM_AT
_USAGE = "param_at('parameter', date) or param_at('parameter', date, region)"


class RowParameterError(LookupError):
    """A row asks for a value the parameter does not have; ``value`` is what the row gave
    (its region or date), so that the engine can name the column it came from."""

    def __init__(self, message: str, value: Value) -> None:
        super().__init__(message)
        self.value = value
        #: The values to look for among the row's cells, first found wins (see ``Node._column_of``).
        self.candidates: tuple[Value, ...] = ()

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class RowValue:
    """The value one row used: the parameter, the day and region asked, the value, and
    where it came from (``since``/``region``/``source`` of the dated value, or ``--set``)."""

    definition: ParameterDef
    day: dt.date
    asked: str | None
    value: Value
    since: dt.date | None
    region: str | None
    source: str | None
    overridden: bool = False


class RowParameters:
    """One run's per-row parameters: resolves and memoises (parameter, day, region)."""

    def __init__(
        self, definitions: Mapping[str, ParameterDef], overrides: Mapping[str, Value], region: str | None = None
    ) -> None:
        self.definitions = {name: d for name, d in definitions.items() if d.per_row}
        self.overrides = {name: v for name, v in overrides.items() if name in self.definitions}
        self.region = region
        self.known: dict[str, str] = {}
        for d in definitions.values():
            for v in d.values:
                if v.region is not None:
                    self.known.setdefault(fold(v.region), v.region)
        self._memo: dict[tuple[str, dt.date, str | None], RowValue] = {}

    def get(self, name: str, day: dt.date, region: str | None = None) -> RowValue:
        """The value of ``name`` in force on ``day`` for ``region`` (raises RowParameterError)."""
        key = (name, day, region)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(name, day, region)
        return found

    def _resolve(self, name: str, day: dt.date, region: str | None) -> RowValue:
        d = self.definitions[name]
        asked = region.strip() if isinstance(region, str) and region.strip() else None
        if name in self.overrides:
            return RowValue(d, day, asked, self.overrides[name], None, None, None, overridden=True)
        if asked is None:
            chosen = self.region
        else:
            chosen = self.known.get(fold(asked))
            if chosen is None:
                close = difflib.get_close_matches(fold(asked), list(self.known), n=1)
                hint = f"; did you mean '{self.known[close[0]]}'?" if close else ""
                raise RowParameterError(
                    f"parameter '{name}' has no value for region '{asked}' "
                    f"(regions with values: {', '.join(self.known.values())}){hint}",
                    region,
                )
        best = _at(d.values, day, chosen)
        if best is None:
            mine = [v for v in d.values if v.region is None or (chosen is not None and fold(v.region) == fold(chosen))]
            regions = ", ".join(dict.fromkeys(v.region for v in d.values if v.region is not None))
            if not mine and chosen is None:
                raise RowParameterError(
                    f"parameter '{name}' has no value without a region (regions with values: {regions})", None
                )
            if not mine:
                raise RowParameterError(
                    f"parameter '{name}' has no value for region '{chosen}' (regions with values: {regions})", region
                )
            first = min(v.since for v in mine)
            where = f" for region {chosen}" if chosen else ""
            raise RowParameterError(
                f"parameter '{name}' has no value in force on {day}{where} (its first value is from {first})", day
            )
        return RowValue(d, day, asked, best.value, best.since, best.region, best.source or d.source)


def _at(values: Sequence[DatedValue], day: dt.date, region: str | None) -> DatedValue | None:
    """Like :meth:`ParameterDef.at`, regions compared as ``--region`` compares them."""
    want = None if region is None else fold(region)
    best: DatedValue | None = None
    for v in values:
        if v.since > day or (v.region is not None and fold(v.region) != want):
            continue
        if best is None or v.since > best.since or (v.since == best.since and v.region is not None):
            best = v
    return best


def resolver() -> RowParameters:
    """The resolver of the run (or explanation) under way."""
    from cspolicy.engine.steps import BAND_TABLES

    return BAND_TABLES.get()[RESOLVER]  # type: ignore[return-value]


def day_of(value: Value) -> dt.date:
    """The day a ``param_at`` date argument stands for (a moment's day, a month's 1st)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, Period):
        return value.start
    if value is None:
        raise TypeError("param_at() got a blank date")
    raise TypeError(f"param_at() needs a date, got {type(value).__name__}")


def _param_at(name: Value, day: Value, region: Value = None) -> Value:
    try:
        return resolver().get(str(name), day_of(day), region if isinstance(region, str) else None).value
    except RowParameterError as exc:
        if isinstance(exc.value, dt.date):  # the cell the day came from (a month, a moment), else the region's
            exc.value = day
            exc.candidates = (day, region)
        raise


def param_at_spec(params: Mapping[str, ParameterDef]) -> FunctionSpec:
    """The formula function ``param_at('parameter', date[, region])``, checked at load."""
    per_row = [name for name, d in params.items() if d.per_row]

    def typer(call: n.Call, kinds: Sequence[Kind | None]) -> tuple[Kind, frozenset[str] | None, ColumnType | None]:
        args = call.args
        if not 2 <= len(args) <= 3:
            raise ExpressionError(f"param_at() takes 2 or 3 arguments (got {len(args)})", column=call.col, expected=_USAGE)
        first = args[0]
        if not isinstance(first, n.Text):
            raise ExpressionError("name the parameter in quotes", column=first.col, expected=_USAGE)
        if first.value not in per_row:
            what = "not a per-row parameter (per_row: true)" if first.value in params else "not a parameter"
            close = difflib.get_close_matches(first.value, per_row, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ExpressionError(
                f"'{first.value}' is {what}{hint}",
                column=first.col,
                expected=f"one of: {', '.join(per_row)}" if per_row else "a parameter declared with per_row: true",
            )
        if kinds[1] not in (Kind.DATE, Kind.DATETIME, Kind.PERIOD):
            got = "always blank" if kinds[1] is None else kinds[1].value
            raise ExpressionError(
                f"argument 2 of param_at() must be a date, a moment or a month, but it is {got}", column=args[1].col
            )
        if len(args) == 3 and kinds[2] not in (Kind.TEXT, None):
            raise ExpressionError(
                f"argument 3 of param_at() must be a region (text), but it is {kinds[2].value}",
                column=args[2].col,
            )
        ctype = params[first.value].type
        values = frozenset(params[first.value].choices) if ctype is ColumnType.ENUM else None
        return ctype.kind, values, ctype

    return FunctionSpec(PARAM_AT, (), Kind.NUMBER, functools.partial(_param_at), typer=typer)
