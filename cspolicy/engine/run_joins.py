"""Wiring a run's joins (issue 16 A.1): held sides, their rows, declared input keys.

The mechanics are in :mod:`cspolicy.blocks.joins`; this module connects them to one
prepared run (:class:`~cspolicy.engine.run.Prepared`), so that :mod:`cspolicy.engine.run` stays short.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cspolicy.blocks.joins import Held, make_join, unique_rows
from cspolicy.values import Value

if TYPE_CHECKING:
    from cspolicy.engine.run import Prepared

__all__ = ["wire_joins", "checked_keys", "held_targets"]

Row = tuple[Value, ...]


def wire_joins(prep: Prepared) -> None:
    """Give each joining output its held sides: an earlier output's rows (as one more
    writer of it) or an input's rows (pushed by :func:`execute`), one :class:`Held` per
    table and key."""
    held: dict[tuple[str, bool, tuple[str, ...]], Held] = {}
    for node in prep.nodes.values():
        if not node.plan.joins:
            continue
        sides = []
        for j in node.plan.joins:
            h = held.get((j.side, j.side_is_input, j.on))
            if h is None:
                if j.side_is_input:
                    cols = tuple((c.name, c.type) for c in prep.policy.inputs[j.side].columns)
                    h = Held(j.side, cols, j.on, prep.errors)
                    prep.held_inputs.setdefault(j.side, []).append(h)
                else:
                    side = prep.nodes[j.side]
                    h = Held(j.side, tuple((c.name, c.ctype) for c in side.plan.columns), j.on, prep.errors)
                    side.writers.append(h.add)
                held[(j.side, j.side_is_input, j.on)] = h
            sides.append(h)
        node.join = make_join(node.plan, sides, prep.errors, lambda node=node: (node.file, node.headers))  # type: ignore[misc]


def held_targets(prep: Prepared, table: str) -> list[Any]:
    """Where an input's rows go besides its outputs: the held sides of joins with it."""
    return [_HeldTarget(h.add) for h in prep.held_inputs.get(table, ())]


class _HeldTarget:
    """An input's rows going into a held side of a join (pushed like a root output)."""

    def __init__(self, add: Callable[[Row], None]) -> None:
        self.add = add

    def push(self, row: Row, origin: int) -> None:
        self.add(row)


def checked_keys(
    prep: Prepared,
    table: str,
    rows: Iterable[tuple[int, Row]],
    names: Mapping[str, str],
    headers: Mapping[str, Mapping[str, str]],
) -> Iterable[tuple[int, Row]]:
    """An input's rows, refusing a repeated declared ``key`` (see :func:`unique_rows`)."""
    spec = prep.policy.inputs.get(table)
    key = spec.key if spec is not None else ()
    if not key:
        return rows
    columns = prep.policy.inputs[table].columns
    cols = [c.name for c in columns]
    idx = [cols.index(k) for k in key]
    shown = [headers.get(table, {}).get(k, k) for k in key]
    return unique_rows(rows, idx, [columns[i].type for i in idx], names.get(table, table), shown, prep.errors)
