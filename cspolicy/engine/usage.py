"""Checks on what a caller asks of a run: the region, and the tables and column names of rows
given in memory to :func:`cspolicy.evaluate`.

No silent guess: a name cspolicy does not know is a :class:`~cspolicy.errors.UsageError`
(exit 2) naming the known ones and the closest, never quietly ignored. Names are compared
the way CSV headers are (:func:`~cspolicy.tables.convert.fold`: NFKC, so full-width letters
are ASCII; spaces trimmed and collapsed; letter case ignored), so ``Shanghai``, ``ＳＨＡＮＧＨＡＩ``
and `` shanghai `` are one region and ``上月实际票数`` names the column ``parcels``.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from cspolicy.errors import PolicyError, UsageError
from cspolicy.planner.parameters import ParameterDef
from cspolicy.planner.policy import Policy
from cspolicy.tables.convert import fold
from cspolicy.tables.spec import TableSpec

__all__ = ["resolve_region", "policy_regions", "check_tables", "keyed_records", "did_you_mean"]


def did_you_mean(name: str, known: Mapping[str, str]) -> str:
    """``; did you mean 'x'?`` for the known name closest to ``name`` (``known``: folded →
    as written), or nothing."""
    close = difflib.get_close_matches(fold(name), list(known), n=1, cutoff=0.6)
    return f"; did you mean '{known[close[0]]}'?" if close else ""


def policy_regions(policy: Policy) -> list[str]:
    """Every region the policy's parameters name, as first written, in the order they appear."""
    seen: dict[str, str] = {}
    for definition in policy.parameters.values():
        for value in definition.values:
            if value.region is not None:
                seen.setdefault(fold(value.region), value.region)
    return list(seen.values())


def resolve_region(policy: Policy, region: str | None) -> tuple[str | None, Mapping[str, ParameterDef]]:
    """The policy's own spelling of ``region``, and the parameters to resolve with it.

    A region the policy does not name is refused (a typo must not give the general values).
    Spellings of one region that differ only in case, width or spaces are one region; the
    parameters are returned with every spelling made the first one.
    """
    if region is None:
        return None, policy.parameters
    known = {fold(r): r for r in reversed(policy_regions(policy))}  # first spelling wins
    chosen = known.get(fold(region))
    if chosen is None:
        shown = region if region.strip() else repr(region)
        if not known:
            raise UsageError(f"--region {shown}: policy '{policy.name}' has no regional values", expected="no --region")
        raise UsageError(
            f"--region {shown}: policy '{policy.name}' knows no region '{region}'{did_you_mean(region, known)}",
            expected=f"one of: {', '.join(policy_regions(policy))} (letter case, width and spaces ignored), "
            "or no --region for the general values",
        )
    definitions = dict(policy.parameters)
    for name, definition in policy.parameters.items():
        spellings = {v.region for v in definition.values if v.region is not None}
        if all(known[fold(s)] == s for s in spellings):
            continue
        values = tuple(v if v.region is None else dataclasses.replace(v, region=known[fold(v.region)]) for v in definition.values)
        dates = [(v.since, v.region) for v in values if v.region is not None]
        if len(set(dates)) != len(dates):
            raise PolicyError(
                f"parameter '{name}' has two values from the same date for one region spelt two ways",
                file=policy.file,
                expected="one spelling of each region",
            )
        definitions[name] = dataclasses.replace(definition, values=values)
    return chosen, definitions


def check_tables(policy: Policy, tables: Mapping[str, Any]) -> None:
    """Every input of the policy is given (an optional one may be left out), and nothing
    else (an unknown table is a typo)."""
    if not isinstance(tables, Mapping):
        raise UsageError(
            f"evaluate(): tables is a {type(tables).__name__}",
            expected=f"a dict of each input's rows: {{{', '.join(repr(n) + ': [...]' for n in policy.inputs)}}}",
        )
    known = {fold(n): n for n in policy.inputs}
    for name in tables:
        if name not in policy.inputs:
            raise UsageError(
                f"evaluate(): policy '{policy.name}' has no input '{name}'{did_you_mean(str(name), known)}",
                expected=f"inputs: {', '.join(policy.inputs)}",
            )
    missing = [
        n for n, spec in policy.inputs.items() if n not in tables and not spec.optional and "." not in n
    ]  # not a component's
    if missing:
        raise UsageError(f"no rows given for input '{missing[0]}'", expected=f"inputs: {', '.join(policy.inputs)}")
    for name, rows in tables.items():
        # one row, or a file name, is iterable too: its keys or characters would be the rows
        if isinstance(rows, (Mapping, str, bytes, os.PathLike)) or not isinstance(rows, Iterable):
            raise UsageError(
                f"evaluate(): tables[{name!r}] is {_a(type(rows).__name__)}, not a list of rows",
                expected="a list (or other iterable) of dicts keyed by column name; "
                f"for a file, cspolicy.run_files(policy, {{'{name}': path}})",
            )


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def keyed_records(records: Iterable[Mapping[str, Any]], spec: TableSpec) -> Iterator[dict[str, Any]]:
    """The records with each key made the column it names, as a CSV header would (name or
    alias, after :func:`fold`), and ``None`` or float NaN (pandas' blank) as blank.

    An unknown key, or two keys naming one column, is a :class:`UsageError`.
    """
    lookup = {fold(h): c.name for c in spec.columns for h in c.headers}
    written = {fold(h): h for c in spec.columns for h in c.headers}
    resolved: dict[Any, str] = {}
    for index, record in enumerate(records):
        where = f"evaluate(): tables['{spec.name}'][{index}]"
        if not isinstance(record, Mapping):
            raise UsageError(f"{where} is a {type(record).__name__}", expected="a dict keyed by column name")
        row: dict[str, Any] = {}
        for key, value in record.items():
            name = resolved.get(key)
            if name is None:
                found = lookup.get(fold(key)) if isinstance(key, str) else None
                if found is None:
                    raise UsageError(
                        f"{where}: input '{spec.name}' has no column {key!r}{did_you_mean(str(key), written)}",
                        expected=f"a column name ({', '.join(c.name for c in spec.columns)}) or one of its headers, "
                        "as `cspolicy show POLICY` lists them",
                    )
                name = resolved[key] = found
            if name in row:
                other = next(k for k in record if k != key and resolved.get(k) == name)
                raise UsageError(f"{where}: keys {other!r} and {key!r} both name column '{name}'", expected="one of them")
            row[name] = None if _is_blank(value) else value
        yield row
