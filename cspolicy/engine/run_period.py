"""The run's period when ``--period`` is not given: the month of the latest date in a column.

A policy may say ``default_period: {input: events, column: date}``: a run without
``--period`` then reads that column first (one more pass over the file), takes the month of
its latest value and says so in a warning (``--strict`` makes it an error: give --period).
Cells that cannot be read are skipped here; the run itself reports them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cspolicy.periods import Period
from cspolicy.values import Value

if TYPE_CHECKING:
    from cspolicy.engine.run import RunSettings
    from cspolicy.planner.policy import Policy

__all__ = ["latest_period", "period_note", "defaulted", "apply_default_period"]


def latest_period(values: Iterable[Value]) -> Period | None:
    """The month of the latest date, moment or month among ``values`` (blanks skipped).

    >>> latest_period([dt.date(2024, 4, 30), None, dt.datetime(2024, 5, 2, 9, 0), dt.date(2024, 3, 1)])
    Period(year=2024, month=5)
    >>> latest_period([]) is None
    True
    """
    latest: Period | None = None
    for v in values:
        if isinstance(v, dt.datetime | dt.date):
            p = Period.of(v.date() if isinstance(v, dt.datetime) else v)
        elif isinstance(v, Period):
            p = v
        else:
            continue
        if latest is None or p > latest:
            latest = p
    return latest


def period_note(table: str, column: str, period: Period | None) -> str:
    """The warning that says which month a run without --period evaluates."""
    if period is None:
        return f"no --period given and no date in {table}.{column}: the period is blank, give --period YYYY-MM"
    return f"no --period given: evaluating {period}, the month of the latest {column} in {table} (give --period to choose)"


def column_index(policy: Policy) -> int:
    """Where the ``default_period`` column is in its input's rows."""
    assert policy.default_period is not None
    table, column = policy.default_period
    return [c.name for c in policy.inputs[table].columns].index(column)


def defaulted(policy: Policy, settings: RunSettings, rows: Iterable[tuple[int, tuple[Value, ...]]]) -> tuple[RunSettings, str]:
    """``settings`` with the period of the latest value in ``rows`` (the default-period
    input's rows), and the warning that says so."""
    assert policy.default_period is not None
    i = column_index(policy)
    period = latest_period(row[i] for _, row in rows)
    return dataclasses.replace(settings, period=period), period_note(*policy.default_period, period)


def apply_default_period(
    policy: Policy, settings: RunSettings, inputs: Mapping[str, Any], encoding: str | None = None
) -> tuple[RunSettings, str | None, Mapping[str, Any]]:
    """``settings`` with the default period when ``--period`` was not given and the policy
    has a ``default_period`` input among ``inputs``, the warning that says so (None when
    nothing changed), and ``inputs`` again: that input's rows kept in a list when they were
    given in memory (they are read twice: first for their latest date). An input is a file
    path (CSV or workbook) or rows keyed by column name; cells that cannot be read are
    skipped here, the run itself reports them."""
    if settings.period is not None or policy.default_period is None or policy.default_period[0] not in inputs:
        return settings, None, inputs
    from cspolicy.engine.usage import keyed_records
    from cspolicy.errors import ErrorCollector
    from cspolicy.tables import read_table
    from cspolicy.tables.records import read_records

    table = policy.default_period[0]
    given, spec = inputs[table], policy.inputs[table]
    if isinstance(given, (str, os.PathLike)):
        scan: Iterable[tuple[int, tuple[Value, ...]]] = read_table(
            os.fspath(given), spec, encoding=encoding, errors=ErrorCollector(0)
        ).rows()
    else:
        given = list(given)
        inputs = {**inputs, table: given}
        scan = read_records(keyed_records(given, spec), spec, name=table, errors=ErrorCollector(0))
    settings, note = defaulted(policy, settings, scan)
    return settings, note, inputs
