"""Evaluate a checked formula tree by walking it: the reference semantics.

The generated code of :mod:`.codegen` must give exactly the same values and raise the same
errors; both use Python's own operators on ``Decimal`` and the same function helpers, and
both short-circuit ``and``/``or``, chained comparisons and ``if … else`` as Python does. A
blank (``None``, also the ``blank`` literal) in arithmetic or an ordering comparison raises
``TypeError``; ``==`` and ``!=`` treat a blank as different from every value; a blank
condition counts as false. An operator on months, moments or text calls the helper the type
checker chose for it (:attr:`~cspolicy.expressions.nodes.Binary.func`).
"""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Mapping
from typing import Any

from cspolicy.expressions import nodes as n
from cspolicy.values import Value

__all__ = ["RUNTIME_ERRORS", "EVALUATION_ERRORS", "evaluate", "why_not_evaluated"]

#: What evaluating a formula can raise because of bad row data (a blank in arithmetic, a
#: division by zero, an overflow …); anything else is a bug and should stay loud.
RUNTIME_ERRORS: tuple[type[Exception], ...] = (decimal.DecimalException, TypeError)
#: What evaluating a formula over given values can raise because of those values: the
#: above, and what function helpers raise for a value they cannot take (a band table
#: without a band for it, a date out of range).
EVALUATION_ERRORS: tuple[type[Exception], ...] = (*RUNTIME_ERRORS, ValueError, LookupError, ArithmeticError)

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def evaluate(node: n.Node, env: Mapping[str, Value], impls: Mapping[str, Callable[..., Value]]) -> Value:
    """The value of checked tree ``node`` with symbol values ``env``, under the current
    decimal context."""
    if isinstance(node, (n.Number, n.Text, n.Boolean, n.Blank)):
        return node.value
    if isinstance(node, n.Name):
        return env[node.name]
    if isinstance(node, n.Binary):
        left = evaluate(node.left, env, impls)
        right = evaluate(node.right, env, impls)
        if node.func:  # an operator on months, moments or text: its helper
            return impls[node.func](left, right)
        result: Value = _BINARY[node.op](left, right)
        return result
    if isinstance(node, n.Unary):
        operand: Any = evaluate(node.operand, env, impls)
        return -operand if node.op == "-" else +operand  # type: ignore[no-any-return]
    if isinstance(node, n.Power):
        base: Any = evaluate(node.base, env, impls)
        return base**node.exponent  # type: ignore[no-any-return]
    if isinstance(node, n.Not):
        return not evaluate(node.operand, env, impls)
    if isinstance(node, n.Compare):
        left = evaluate(node.first, env, impls)
        outcome: Value = True
        for op, operand_node in node.rest:
            right = evaluate(operand_node, env, impls)
            outcome = _BINARY[op](left, right)
            if not outcome:
                return outcome
            left = right
        return outcome
    if isinstance(node, n.Logic):
        value = evaluate(node.operands[0], env, impls)
        for operand_node in node.operands[1:]:
            if (node.op == "and") != bool(value):
                return value
            value = evaluate(operand_node, env, impls)
        return value
    if isinstance(node, n.Conditional):
        if evaluate(node.test, env, impls):
            return evaluate(node.body, env, impls)
        return evaluate(node.orelse, env, impls)
    if isinstance(node, n.Call):
        args = [evaluate(a, env, impls) for a in node.args]
        return impls[node.func](*args)
    raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover


def why_not_evaluated(exc: BaseException) -> str:
    """Why evaluating a formula failed (one of :data:`RUNTIME_ERRORS`, or a function's
    ``ValueError``), in words for a message: ``division by zero``."""
    if isinstance(exc, decimal.DivisionByZero):
        return "division by zero"
    if isinstance(exc, decimal.Overflow):
        return "a number too large"
    if isinstance(exc, decimal.InvalidOperation):
        return "the arithmetic is undefined for these values (e.g. 0 ÷ 0)"
    if isinstance(exc, TypeError):
        return "a blank value was used in arithmetic"
    return str(exc) or type(exc).__name__
