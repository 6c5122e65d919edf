"""Warnings in a fused loop: the rows whose warnings hold are handed to the careful engine's
own warning code, so the notes are exactly the careful engine's.

A fused loop (:mod:`cspolicy.engine.fastjoin`) computes a row's columns as local names. An
output with ``warnings:`` adds one test per row, generated from the same formulas: when
any rule holds, the row's source values and columns go to :meth:`Node._warn` with the row's
number, which decides every rule again, fills the messages and notes them, in the order
the careful engine would. Most rows warn of nothing, so the loop pays for the test only. A
rule that cannot be decided raises in the test (the loop hands the run to the careful
engine, which says why), or makes ``_warn`` reject the row (the loop stops the same way).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cspolicy.engine.node import Node
from cspolicy.expressions import ConstPool

__all__ = ["warning_lines"]


def warning_lines(
    node: Node,
    source: Mapping[str, str],
    consts: Mapping[str, str],
    pool: ConstPool,
    number: str,
    irregular: type[Exception],
) -> tuple[list[str], dict[str, Any]]:
    """Statements (at the loop body's level) noting ``node``'s warnings for one row, and the
    names they use. ``source`` names each source column's local (in ``plan.source_columns``
    order); the output's columns are ``c0``…; ``consts`` names the run's constants in
    ``pool``; ``number`` is the expression of the row's number in its file; ``irregular``
    is raised when ``_warn`` rejects the row. No statements when the output has no warnings."""
    plan = node.plan
    if not plan.warnings:
        return [], {}
    columns = {c.name: f"c{i}" for i, c in enumerate(plan.columns)}

    def name_of(name: str) -> str:  # as the careful engine's row scope: columns, then sources, then constants
        return columns.get(name) or source.get(name) or consts[name]

    tests = " or ".join(f"({rule.expression.python(name_of, pool)})" for rule in plan.warnings)
    row = "".join(f"{source[name]}, " for name, _ in plan.source_columns)
    out = "".join(f"c{i}, " for i in range(len(plan.columns)))

    def warned(row: tuple[Any, ...], out: tuple[Any, ...], origin: int) -> None:
        if not node._warn(row, (), out, origin):  # a rule it could not decide: the careful engine says why
            raise irregular

    names: dict[str, Callable[..., None]] = {"_warned": warned}
    return [f"if {tests}:", f"    _warned(({row}), ({out}), {number})"], names
