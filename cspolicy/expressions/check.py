"""Resolve names and check kinds of a parsed formula, before any data is read.

The checker walks the tree once and returns a copy whose names are the symbols' own names,
its kind (number, text, true/false, date), and — when it can only ever be one of a few
known texts — that set of texts, so the engine can give an output column an enum type. Every
mistake is an :class:`ExpressionError` at the column of the offending part, in words a
clerk can act on (``unknown name 'parcles'; did you mean 'parcels'?``).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from cspolicy.expressions import nodes as n
from cspolicy.expressions.functions import BUILTINS, MAX_ROUND_PLACES, Param
from cspolicy.expressions.operators import concat_key
from cspolicy.expressions.symbols import ExpressionError, FunctionSpec, Symbol, describe_kind
from cspolicy.money import ROUNDING_MODES
from cspolicy.values import ColumnType, Kind

__all__ = ["Typed", "Checker", "GIVEN_PREFIX"]

_ORDERING = ("<", "<=", ">", ">=")
_ORDERED_KINDS = (Kind.NUMBER, Kind.DATE, Kind.DATETIME, Kind.PERIOD)
#: Symbols named ``given:<input>`` say whether an optional input was given; a formula
#: asks with ``given('<input>')``.
GIVEN_PREFIX = "given:"
#: The operators on kinds other than two numbers: (op, left kind, right kind) → (helper key,
#: result kind, result column type).
_OPERATORS: dict[tuple[str, Kind, Kind], tuple[str, Kind, ColumnType | None]] = {
    ("+", Kind.PERIOD, Kind.NUMBER): ("period+n", Kind.PERIOD, None),
    ("+", Kind.NUMBER, Kind.PERIOD): ("n+period", Kind.PERIOD, None),
    ("-", Kind.PERIOD, Kind.NUMBER): ("period-n", Kind.PERIOD, None),
    ("-", Kind.PERIOD, Kind.PERIOD): ("period-period", Kind.NUMBER, None),
    ("-", Kind.DATETIME, Kind.DATETIME): ("moment-moment", Kind.NUMBER, ColumnType.DURATION),
}
#: What to write instead of an operator that does not apply to dates.
_DATE_HINTS = {
    ("+", Kind.DATE): "add_days(d, n) or add_months(d, n)",
    ("-", Kind.DATE): "days_between(start, end), add_days(d, -n) or add_months(d, -n)",
    ("+", Kind.DATETIME): "add_days(t, n)",
    ("-", Kind.DATETIME): "end - start of two moments (a duration in seconds), or add_days(t, -n)",
}


@dataclass(frozen=True)
class Typed:
    """A checked (sub)tree: names resolved, its kind (``None`` for the ``blank`` literal,
    which fits any kind), its possible texts (or ``None``) and, when known, the column type
    its values have (a percent column, a duration), which says how ``&`` shows them."""

    node: n.Node
    kind: Kind | None
    values: frozenset[str] | None = None
    ctype: ColumnType | None = None


def _kinds_words(param: Kind | frozenset[Kind]) -> str:
    if isinstance(param, Kind):
        return describe_kind(param)
    words = [describe_kind(k) for k in sorted(param, key=lambda k: k.value)]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _what(node: n.Node, fallback: str) -> str:
    """How an error message names a part of the formula."""
    if isinstance(node, n.Name):
        return f"'{node.name}'"
    if isinstance(node, (n.Number, n.Boolean, n.Text, n.Blank)):
        return node.text
    if isinstance(node, n.Call):
        return f"{node.func}(...)"
    return fallback


def _same_ctype(parts: list[Typed]) -> ColumnType | None:
    """The column type all (non-blank) parts share, else ``None``."""
    types = {t.ctype for t in parts if t.kind is not None}
    return types.pop() if len(types) == 1 else None


def _union(parts: list[frozenset[str] | None]) -> frozenset[str] | None:
    if any(p is None for p in parts):
        return None
    return frozenset().union(*(p for p in parts if p is not None))


class Checker:
    """Checks one formula against the caller's symbols and functions.

    After :meth:`check`, ``names`` holds the symbols referenced and ``functions_used`` the
    functions called.
    """

    def __init__(self, symbols: Mapping[str, Symbol], functions: Mapping[str, FunctionSpec]) -> None:
        self.symbols = symbols
        self.functions = functions
        self._nfkc: dict[str, str] | None = None  # built on the first name not found as is
        self.names: set[str] = set()
        self.functions_used: set[str] = set()

    def check(self, node: n.Node) -> Typed:
        """Check ``node`` and everything below it."""
        if isinstance(node, n.Number):
            return Typed(node, Kind.NUMBER)
        if isinstance(node, n.Text):
            return Typed(node, Kind.TEXT, frozenset([node.value]))
        if isinstance(node, n.Boolean):
            return Typed(node, Kind.BOOLEAN)
        if isinstance(node, n.Blank):
            return Typed(node, None, frozenset())
        if isinstance(node, n.Name):
            return self.name(node)
        if isinstance(node, n.Unary):
            operand = self.need(node.operand, Kind.NUMBER, f"'{node.op}' needs a number")
            return Typed(n.Unary(node.col, node.op, operand), Kind.NUMBER)
        if isinstance(node, n.Not):
            operand = self.need(node.operand, Kind.BOOLEAN, "'not' needs true/false")
            return Typed(n.Not(node.col, operand), Kind.BOOLEAN)
        if isinstance(node, n.Binary):
            return self.binary(node)
        if isinstance(node, n.Power):
            base = self.need(node.base, Kind.NUMBER, "'**' needs a number", "the base")
            return Typed(n.Power(node.col, base, node.exponent), Kind.NUMBER)
        if isinstance(node, n.Compare):
            return self.compare(node)
        if isinstance(node, n.Logic):
            need = f"'{node.op}' needs true/false on both sides"
            operands = tuple(self.need(o, Kind.BOOLEAN, need) for o in node.operands)
            return Typed(n.Logic(node.col, node.op, operands), Kind.BOOLEAN)
        if isinstance(node, n.Conditional):
            return self.conditional(node)
        if isinstance(node, n.Call):
            return self.call(node)
        raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover

    def need(self, node: n.Node, kind: Kind, message: str, fallback: str = "it") -> n.Node:
        """Check ``node`` and require ``kind``; return the checked node."""
        typed = self.check(node)
        if typed.kind is not kind:
            raise ExpressionError(f"{message}, but {_what(node, fallback)} {self.is_kind(typed)}", column=node.col)
        return typed.node

    @staticmethod
    def is_kind(typed: Typed) -> str:
        """``is a number`` or, for the ``blank`` literal, why it cannot go there."""
        if typed.kind is None:
            return "is always blank (blank fits only as a result: x if c else blank, or in coalesce)"
        return f"is {describe_kind(typed.kind)}"

    def binary(self, node: n.Binary) -> Typed:
        """``+ - * /`` on numbers; ``+``/``-`` on months and moments; ``&`` on anything."""
        if node.op == "&":
            left, right = self.check(node.left), self.check(node.right)
            key = concat_key(left.ctype is ColumnType.PERCENT, right.ctype is ColumnType.PERCENT)
            self.functions_used.add(key)
            return Typed(n.Binary(node.col, "&", left.node, right.node, node.op_col, key), Kind.TEXT)
        need = f"'{node.op}' needs numbers on both sides"
        left, right = self.check(node.left), self.check(node.right)
        if left.kind is Kind.NUMBER and right.kind is Kind.NUMBER:
            return Typed(n.Binary(node.col, node.op, left.node, right.node, node.op_col), Kind.NUMBER)
        special = None if left.kind is None or right.kind is None else _OPERATORS.get((node.op, left.kind, right.kind))
        if special is not None:
            key, kind, ctype = special
            self.functions_used.add(key)
            return Typed(n.Binary(node.col, node.op, left.node, right.node, node.op_col, key), kind, None, ctype)
        if Kind.PERIOD in (left.kind, right.kind) and node.op in ("+", "-"):
            raise ExpressionError(
                f"'{node.op}' on months: period + n and period - n step by whole months, period - period counts"
                f" them; but {_what(node.left, 'the left side')} {self.is_kind(left)} and"
                f" {_what(node.right, 'the right side')} {self.is_kind(right)}",
                column=node.op_col,
            )
        for side, typed in ((node.left, left), (node.right, right)):
            hint = _DATE_HINTS.get((node.op, typed.kind)) if typed.kind is not None else None
            if hint is not None:
                raise ExpressionError(
                    f"'{node.op}' does not apply to {describe_kind(typed.kind)} {_what(side, 'here')}",  # type: ignore[arg-type]
                    column=node.op_col,
                    expected=hint,
                )
        bad, typed = (node.left, left) if left.kind is not Kind.NUMBER else (node.right, right)
        fallback = "the left side" if bad is node.left else "the right side"
        raise ExpressionError(f"{need}, but {_what(bad, fallback)} {self.is_kind(typed)}", column=bad.col)

    def resolve(self, name: str) -> str | None:
        """The symbol ``name`` refers to: itself, or the symbol whose NFKC form it is (a
        name declared in full-width letters); built lazily, so that checking a formula
        costs its own size, not the number of symbols (thousands in a large policy)."""
        if name in self.symbols:
            return name
        if self._nfkc is None:
            self._nfkc = {unicodedata.normalize("NFKC", k): k for k in self.symbols}
        return self._nfkc.get(name)

    def name(self, node: n.Name) -> Typed:
        key = self.resolve(node.name)
        if key is None:
            raise self.unknown_name(node)
        symbol = self.symbols[key]
        self.names.add(key)
        values = symbol.values if symbol.kind is Kind.TEXT else None
        return Typed(n.Name(node.col, key), symbol.kind, values, symbol.ctype)

    def unknown_name(self, node: n.Name) -> ExpressionError:
        name = node.name
        if name in BUILTINS or name in self.functions:
            usage = BUILTINS[name].usage if name in BUILTINS else f"{name}(...)"
            return ExpressionError(
                f"unknown name '{name}'; '{name}' is a function, call it with arguments", column=node.col, expected=usage
            )
        match = difflib.get_close_matches(name, list(self.symbols), n=1)
        if match:
            return ExpressionError(f"unknown name '{name}'; did you mean '{match[0]}'?", column=node.col)
        known = sorted(self.symbols)
        expected = "one of: " + ", ".join(known) if 0 < len(known) <= 30 else None
        return ExpressionError(f"unknown name '{name}'", column=node.col, expected=expected)

    def compare(self, node: n.Compare) -> Typed:
        operands = [node.first, *(o for _, o in node.rest)]
        typed = [self.check(o) for o in operands]
        for i, (op, _) in enumerate(node.rest):
            left, right = typed[i], typed[i + 1]
            lnode, rnode = operands[i], operands[i + 1]
            if left.kind is None or right.kind is None:
                raise ExpressionError(
                    f"'{op}' with blank is never true: a blank equals nothing, not even blank",
                    column=node.op_cols[i],
                    expected="present(x) to test for a blank value (not present(x) for its absence)",
                )
            if left.kind is not right.kind:
                raise ExpressionError(
                    f"'{op}' needs the same kind on both sides, but {_what(lnode, 'the left side')}"
                    f" is {describe_kind(left.kind)} and {_what(rnode, 'the right side')}"
                    f" is {describe_kind(right.kind)}",
                    column=node.op_cols[i],
                )
            if op in _ORDERING and left.kind not in _ORDERED_KINDS:
                raise ExpressionError(
                    f"'{op}' compares numbers, dates, times or months, but {_what(lnode, 'the left side')}"
                    f" is {describe_kind(left.kind)}",
                    column=node.op_cols[i],
                )
            self.enum_literal(lnode, right)
            self.enum_literal(rnode, left)
            self.bare_percent(lnode, rnode, node.op_cols[i], op)
        first = typed[0].node
        rest = tuple((op, t.node) for (op, _), t in zip(node.rest, typed[1:], strict=True))
        return Typed(n.Compare(node.col, first, rest, node.op_cols), Kind.BOOLEAN)

    def is_percent(self, node: n.Node) -> bool:
        """A column or parameter of type percent (literals compared with literals are left alone)."""
        key = self.resolve(node.name) if isinstance(node, n.Name) else None
        return key is not None and self.symbols[key].ctype is ColumnType.PERCENT

    def bare_percent(self, left: n.Node, right: n.Node, col: int, op: str) -> None:
        """A percent compared with a bare number of 1 or more (``loss_rate > 7``): is it 7 %
        or 700 %? The rule of percent cells: a bare number is a fraction only below 1."""
        for percent, other in ((left, right), (right, left)):
            if isinstance(other, n.Number) and not other.text.endswith("%") and abs(other.value) >= 1:
                if self.is_percent(percent):
                    raise ExpressionError(
                        f"'{op}' compares the percentage {_what(percent, 'on one side')} with the bare number "
                        f"{other.text}: a number without % is a fraction only below 1",
                        column=col,
                        expected=f"{other.text}% or the fraction {other.value / 100} for {other.text} percent"
                        + ("; or 100% for all of it" if other.value == 1 else ""),
                    )

    def enum_literal(self, literal: n.Node, other: Typed) -> None:
        """A text literal compared with an enum must be one of its values."""
        if not isinstance(literal, n.Text) or other.values is None:
            return
        if isinstance(other.node, n.Text) or literal.value in other.values:
            return
        allowed = sorted(other.values)
        message = f"'{literal.value}' is not one of: {', '.join(allowed)}"
        match = difflib.get_close_matches(literal.value, allowed, n=1)
        if match:
            message += f"; did you mean '{match[0]}'?"
        raise ExpressionError(message, column=literal.col)

    def conditional(self, node: n.Conditional) -> Typed:
        test = self.need(node.test, Kind.BOOLEAN, "the condition after 'if' must be true/false")
        body, orelse = self.check(node.body), self.check(node.orelse)
        if body.kind is not orelse.kind and body.kind is not None and orelse.kind is not None:
            raise ExpressionError(
                "both results of 'if … else' must be the same kind, but"
                f" {_what(node.body, 'the first')} is {describe_kind(body.kind)} and"
                f" {_what(node.orelse, 'the one after else')} is {describe_kind(orelse.kind)}",
                column=node.orelse.col,
            )
        checked = n.Conditional(node.col, test, body.node, orelse.node)
        kind = body.kind if body.kind is not None else orelse.kind
        return Typed(checked, kind, _union([body.values, orelse.values]), _same_ctype([body, orelse]))

    def call(self, node: n.Call) -> Typed:
        name = node.func
        if name in self.functions:
            spec = self.functions[name]
            if spec.typer is not None:
                typed = [self.check(a) for a in node.args]
                kind, values, ctype = spec.typer(node, [t.kind for t in typed])
                self.functions_used.add(name)
                return Typed(n.Call(node.col, name, tuple(t.node for t in typed)), kind, values, ctype)
            self.arity(node, len(spec.params), len(spec.params), f"{name}(...)")
            args = [self.argument(node, i, kind) for i, kind in enumerate(spec.params)]
            self.functions_used.add(name)
            return Typed(n.Call(node.col, name, tuple(args)), spec.result, spec.result_values)
        if name == "given":
            return self.given(node)
        builtin = BUILTINS.get(name)
        if builtin is None:
            raise self.not_callable(node)
        top = None if builtin.variadic else len(builtin.params)
        self.arity(node, builtin.min_args, top, builtin.usage)
        typed = [self.check(a) for a in node.args]
        same: Kind | None = None
        for i, t in enumerate(typed):
            param: Param = builtin.params[min(i, len(builtin.params) - 1)]
            if t.kind is None:
                if name == "coalesce":
                    continue  # coalesce(x, blank) is x
                raise ExpressionError(f"argument {i + 1} of {name}() {self.is_kind(t)}", column=node.args[i].col)
            if param is None:
                same = same or t.kind
                param = same
            if t.kind is not param and not (isinstance(param, frozenset) and t.kind in param):
                raise ExpressionError(
                    f"argument {i + 1} of {name}() must be {_kinds_words(param)}, but"
                    f" {_what(node.args[i], 'it')} is {describe_kind(t.kind)}",
                    column=node.args[i].col,
                )
        if name == "round":
            self.round_literals(node)
        self.functions_used.add(name)
        if builtin.result_from is not None:
            result: Kind | None = typed[builtin.result_from].kind
        else:
            result = builtin.result or same or (None if name == "coalesce" else Kind.NUMBER)
        values = _union([t.values for t in typed]) if name == "coalesce" else None
        ctype = builtin.result_type or (_same_ctype(typed) if name in ("coalesce", "min", "max", "clamp") else None)
        return Typed(n.Call(node.col, name, tuple(t.node for t in typed)), result, values, ctype)

    def given(self, node: n.Call) -> Typed:
        """``given('previous')``: whether the optional input was given to this run."""
        optional = sorted(k[len(GIVEN_PREFIX) :] for k in self.symbols if k.startswith(GIVEN_PREFIX))
        expected = "given('input') naming an optional input" + (f": {', '.join(optional)}" if optional else "")
        arg = node.args[0] if len(node.args) == 1 else None
        if not isinstance(arg, n.Text):
            raise ExpressionError("given() takes the name of an optional input, in quotes", column=node.col, expected=expected)
        key = GIVEN_PREFIX + arg.value
        if key not in self.symbols:
            if not optional:
                message = "given() asks about an optional input, and this policy has none (inputs: {optional: true})"
            else:
                message = f"'{arg.value}' is not an optional input"
            raise ExpressionError(message, column=arg.col, expected=expected)
        self.names.add(key)
        return Typed(n.Name(node.col, key), Kind.BOOLEAN)

    def argument(self, node: n.Call, i: int, kind: Kind) -> n.Node:
        return self.need(node.args[i], kind, f"argument {i + 1} of {node.func}() must be {describe_kind(kind)}")

    def arity(self, node: n.Call, low: int, high: int | None, usage: str) -> None:
        got = len(node.args)
        if low <= got and (high is None or got <= high):
            return
        plural = "s" if (high or low) != 1 else ""
        if high is None:
            wanted = f"at least {low} argument{plural}"
        elif low == high:
            wanted = f"{low} argument{plural}"
        else:
            wanted = f"{low} to {high} arguments"
        raise ExpressionError(f"{node.func}() takes {wanted} (got {got})", column=node.col, expected=usage)

    def round_literals(self, node: n.Call) -> None:
        """``round``'s places and mode must be written as literals, so they are known now."""
        if len(node.args) > 1:
            places = node.args[1]
            if not (isinstance(places, n.Number) and places.text.isdigit() and int(places.text) <= MAX_ROUND_PLACES):
                raise ExpressionError(
                    f"the places of round() must be a whole number from 0 to {MAX_ROUND_PLACES} written as a number",
                    column=places.col,
                    expected="e.g. round(x, 2)",
                )
        if len(node.args) > 2:
            mode = node.args[2]
            modes = ", ".join(ROUNDING_MODES)
            if not (isinstance(mode, n.Text) and mode.value in ROUNDING_MODES):
                raise ExpressionError(
                    f"the mode of round() must be one of: {modes}, written in quotes",
                    column=mode.col,
                    expected="e.g. round(x, 0, 'ceiling')",
                )

    def not_callable(self, node: n.Call) -> ExpressionError:
        given = ["given"] if any(k.startswith(GIVEN_PREFIX) for k in self.symbols) else []
        allowed = sorted({*BUILTINS, *self.functions, *given})
        what = "a value, not a function" if self.resolve(node.func) is not None else "not a function"
        message = f"'{node.func}' is {what}; only these functions can be called: {', '.join(allowed)}"
        match = difflib.get_close_matches(node.func, allowed, n=1)
        if match:
            message += f"; did you mean '{match[0]}'?"
        return ExpressionError(message, column=node.col)
