"""Formulas and conditions in words, for explanations (``--explain``).

Two renderings of a checked formula tree with the values one row gave it:

* :func:`explain` shows the whole formula with each name as ``label value``:
  ``parcels 10000 × (1 + growth 15% + loss allowance 7%) ÷ 4``.
* :func:`word_value` and :func:`word_condition` say what a clerk reads aloud to an employee,
  in Chinese or English: only the branch the row took, and why, as plain statements
  (``no requested was given``, ``申请数量 2200 超过一周申请数量 2040``), never
  ``present(…)``, a blank or ``not (…)``.

How a condition is put into words, for any policy:

* it is told in the state it had for this row: ``requested ≤ weekly_qty`` that failed reads
  ``requested 2200 is above weekly order 2040`` (the comparison turned round), so a ``not``
  is pushed into its operand and no "not (…)" remains (De Morgan);
* only the parts that decided it are told: the operand that made an ``and`` false, the one
  that made an ``or`` true; all operands of an ``and`` that held or an ``or`` that failed;
* ``present(x)`` reads ``x was given (value)`` / ``no x was given``; ``ratio(a, b)`` reads
  ``a ÷ b``, and with ``b`` 0 (a blank ratio) ``b is 0 and a cannot be divided by 0``; a text compared with a
  literal reads ``level is station`` / ``level is courier (not station)``; a yes/no name
  reads ``all eligible: no``; ``x if c else y`` is the branch taken, with ``c`` as a reason;
  ``coalesce(a, b)`` is the value used, with ``no a was given`` as a reason when it fell back;
* a statement that only says ``x was given`` is dropped when another states x's value.

The words for names and values (labels, value labels) and for functions the caller
provides (band tables) come from a :class:`Vocabulary`; the grammar of both languages is
in :mod:`.grammar`.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cspolicy.expressions import nodes as n
from cspolicy.expressions.grammar import (
    DATE_VERBS,
    FLIP,
    GRAMMAR,
    NEGATE,
    VERBS,
    Atom,
    Vocabulary,
    Worded,
    comparison,
    exact_text,
    join_words,
    label_value,
    quoted_space,
    reasons_text,
    wording,
)
from cspolicy.expressions.interpret import evaluate
from cspolicy.expressions.symbols import Symbol
from cspolicy.money import CONTEXT
from cspolicy.text import format_plain
from cspolicy.values import Value

__all__ = [
    "format_plain",
    "explain",
    "Atom",
    "Worded",
    "Vocabulary",
    "word_value",
    "word_condition",
    "comparison",
    "reasons_text",
    "join_words",
    "exact_text",
    "label_value",
]

_SYMBOLS = {"<": " < ", "<=": " ≤ ", ">": " > ", ">=": " ≥ ", "==": " = ", "!=": " ≠ "}
_SPELL = {
    "+": " + ", "-": " - ", "*": " × ", "/": " ÷ ", "&": " & ", "**": " ^ ",
    "<": " < ", "<=": " ≤ ", ">": " > ", ">=": " ≥ ", "==": " = ", "!=": " ≠ ",
    "and": " and ", "or": " or ", "not": "not ", "neg": "-", "pos": "+",
    "if": " if ", "else": " else ",
}  # fmt: skip


def explain(node: n.Node, env: Mapping[str, Value], symbols: Mapping[str, Symbol]) -> str:
    """Checked tree ``node`` with each name shown as ``label value`` from ``env``."""

    def leaf(node: n.Node) -> str:
        if isinstance(node, (n.Number, n.Text, n.Boolean, n.Blank)):
            return node.text
        if isinstance(node, n.Name):
            symbol = symbols[node.name]
            return f"{symbol.display} {format_plain(env[node.name], symbol.ctype)}"
        raise AssertionError(f"unexpected leaf {node!r}")  # pragma: no cover

    def call(node: n.Call, args: list[str]) -> str:
        return f"{node.func}({', '.join(args)})"

    return n.render(node, leaf, call, _SPELL)


# -- values -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Said(n.Node):
    """A part of a formula already put into words (the value of a condition, a band), and
    the names it shows."""

    text: str
    names: frozenset[str] = frozenset()


_CONDITIONS = (n.Compare, n.Logic, n.Not)
_LITERALS = (n.Number, n.Text, n.Boolean)


def _truthy(value: Value) -> bool:
    return bool(value)


class _Speaker:
    def __init__(self, env: Mapping[str, Value], impls: Mapping[str, Callable[..., Value]], voc: Vocabulary) -> None:
        self.env, self.impls, self.voc, self.lang = env, impls, voc, voc.lang
        self.fallbacks: dict[str, str] = {}

    def eval(self, node: n.Node) -> Value:
        return evaluate(node, self.env, self.impls)

    def yes_no(self, value: Value) -> str:
        if value is None:
            return GRAMMAR[self.lang]["empty"]
        return GRAMMAR[self.lang]["yes" if value else "no"]

    def named(self, name: str) -> str:
        """``label value``: ``parcels 10000``, ``损耗率（未取整）8%``; a yes/no value as
        ``label: yes`` (``是否给出了输入“上月结果”：否``)."""
        value = self.env[name]
        if isinstance(value, bool):
            return wording(self.lang, "flag", x=self.voc.name(name), v=self.yes_no(value))
        return label_value(self.voc.name(name), self.voc.value(name, value), self.lang)

    def term(self, node: n.Node) -> tuple[str, list[Atom]]:
        """A side of a comparison: ``label value``, a literal, or a phrase (``= value``)."""
        if isinstance(node, n.Name):
            return self.named(node.name), []
        if isinstance(node, n.Text):
            return self.voc.value(None, node.value), []
        if isinstance(node, _LITERALS):
            return node.text, []
        worded = self.value(node)
        if worded.single:
            return worded.phrase, list(worded.reasons)
        return f"{worded.phrase} (= {exact_text(self.eval(node))})", list(worded.reasons)

    def leaf(self, node: n.Node) -> str:
        if isinstance(node, _Said):
            return node.text
        if isinstance(node, n.Name):
            return self.named(node.name)
        if isinstance(node, n.Text):
            return quoted_space(node.value, self.lang) or self.voc.value(None, node.value)
        if isinstance(node, n.Boolean):
            return self.yes_no(node.value)
        if isinstance(node, n.Number):
            return node.text
        if isinstance(node, n.Blank):
            return "空值" if self.voc.lang == "zh" else "no value"
        raise AssertionError(f"unexpected leaf {node!r}")  # pragma: no cover

    def value(self, node: n.Node) -> Worded:
        reasons: list[Atom] = []

        def resolve(node: n.Node) -> n.Node:
            if isinstance(node, n.Conditional):
                truth = _truthy(self.eval(node.test))
                reasons.extend(self.condition(node.test, truth))
                return resolve(node.body if truth else node.orelse)
            if isinstance(node, _CONDITIONS) or (isinstance(node, n.Call) and node.func == "present"):
                value = self.eval(node)
                reasons.extend(self.condition(node, _truthy(value)))
                return _Said(node.col, self.yes_no(value), _names([node]))
            if isinstance(node, n.Call) and node.func == "coalesce":
                return coalesce(node)
            if isinstance(node, n.Call) and node.func == "ratio" and len(node.args) == 2:
                return ratio(node)
            if isinstance(node, n.Call) and node.func in self.impls and node.func not in _BUILTIN_NAMES:
                args = [self.eval(a) for a in node.args]
                parts = [self.value(a) for a in node.args]
                names = frozenset().union(*(p.names for p in parts))
                for part in parts:
                    reasons.extend(part.reasons)
                worded = self.voc.call(node.func, args, [p.phrase for p in parts])
                if worded is not None:
                    reasons.extend(worded.reasons)
                    return _Said(node.col, worded.phrase, names | worded.names)
                return _Said(node.col, f"{node.func}({', '.join(p.phrase for p in parts)})", names)
            if isinstance(node, (n.Binary, n.Unary, n.Power, n.Call)):
                return _rebuild(node, resolve)
            return node

        def coalesce(node: n.Call) -> n.Node:
            """The first argument given; the ones skipped are reasons, and the value used
            is "the default" (remembered for the source row's line)."""
            skipped = []
            for chosen in node.args:
                value = self.eval(chosen)
                if value is not None or chosen is node.args[-1]:
                    break
                skipped.append(chosen)
            for arg in skipped:
                reasons.append(self.absent(arg))
                if isinstance(arg, n.Name):
                    self.fallbacks.setdefault(arg.name, self.voc.value(arg.name, value))
            sub = resolve(chosen)
            if skipped and isinstance(sub, (_Said, n.Name, *_LITERALS)):
                text = wording(self.lang, "default", v=self.leaf(sub))
                return _Said(sub.col, text, _names([sub]))
            return sub

        def ratio(node: n.Call) -> n.Node:
            """``a ÷ b``; with ``b`` 0 the ratio is blank, and that is the reason said."""
            num, den = node.args
            if self.eval(den) == 0:
                said = [self.voc.name(a.name) if isinstance(a, n.Name) else self.value(a).phrase for a in (num, den)]
                reasons.append(Atom(wording(self.lang, "zero_divisor", n=said[0], d=said[1]), _names([num, den])))
                return _Said(node.col, GRAMMAR[self.lang]["empty"], _names([num, den]))
            return n.Binary(node.col, "/", resolve(num), resolve(den), node.col)

        tree = resolve(node)

        def call(node: n.Call, args: list[str]) -> str:
            return f"{node.func}({', '.join(args)})"

        phrase = n.render(tree, self.leaf, call, _SPELL)
        single = isinstance(tree, (_Said, n.Name, *_LITERALS))
        names = _names([tree]).union(*(a.names for a in reasons))
        return Worded(phrase, tuple(reasons), single, names, tuple(self.fallbacks.items()))

    # -- conditions ---------------------------------------------------------------------------
    def absent(self, node: n.Node) -> Atom:
        if isinstance(node, n.Name):
            return Atom(wording(self.lang, "not_given", x=self.voc.name(node.name)), frozenset({node.name}))
        return Atom(wording(self.lang, "not_given", x=self.value(node).phrase))

    def condition(self, node: n.Node, truth: bool) -> list[Atom]:
        if isinstance(node, n.Not):
            return self.condition(node.operand, not truth)
        if isinstance(node, n.Logic):
            if (node.op == "and") != truth:  # a false `and`, a true `or`: one operand decided
                for operand in node.operands:
                    if _truthy(self.eval(operand)) == truth:
                        return self.condition(operand, truth)
            return [atom for operand in node.operands for atom in self.condition(operand, truth)]
        if isinstance(node, n.Conditional):
            test = _truthy(self.eval(node.test))
            return self.condition(node.test, test) + self.condition(node.body if test else node.orelse, truth)
        if isinstance(node, n.Compare):
            return self.compare(node, truth)
        if isinstance(node, n.Call) and node.func == "present":
            arg = node.args[0]
            value = self.eval(arg)
            if value is None or not truth:
                return [self.absent(arg)]
            if isinstance(arg, n.Name):
                x, v = self.voc.name(arg.name), self.voc.value(arg.name, value)
                return [Atom(wording(self.lang, "given", x=x, v=v), frozenset({arg.name}), given=arg.name)]
            return [Atom(wording(self.lang, "given", x=self.value(arg).phrase, v=exact_text(value)))]
        if isinstance(node, n.Name):
            value = self.env[node.name]
            if value is None:
                return [self.absent(node)]
            return [Atom(wording(self.lang, "flag", x=self.voc.name(node.name), v=self.yes_no(value)), frozenset({node.name}))]
        if isinstance(node, n.Boolean):
            return [Atom(GRAMMAR[self.lang]["always" if node.value else "never"])]
        worded = self.value(node)
        return [*worded.reasons, Atom(wording(self.lang, "flag", x=worded.phrase, v=self.yes_no(self.eval(node))))]

    def compare(self, node: n.Compare, truth: bool) -> list[Atom]:
        sides = [node.first, *(operand for _, operand in node.rest)]
        values: list[Value] = [self.eval(node.first)]
        pairs: list[tuple[int, bool]] = []
        for i, (op, operand) in enumerate(node.rest):
            values.append(self.eval(operand))
            holds = bool(_compare(op, values[i], values[i + 1]))
            pairs.append((i, holds))
            if not holds:
                break
        ops = [op for op, _ in node.rest]
        if truth and len(ops) == 2 and _same_direction(*ops) and not isinstance(sides[1], _LITERALS):
            return self.between(sides, ops)
        chosen = [p for p in pairs if p[1] == truth] if truth else [p for p in pairs if not p[1]][:1]
        atoms: list[Atom] = []
        for i, holds in chosen:
            atoms += self.pair(sides[i], ops[i], sides[i + 1], values[i], values[i + 1], holds)
        return atoms

    def between(self, sides: list[n.Node], ops: list[str]) -> list[Atom]:
        """``lo ≤ x ≤ hi`` that held: ``x is at least lo and at most hi``."""
        (subject, reasons), (low, r1), (high, r2) = (self.term(s) for s in (sides[1], sides[0], sides[2]))
        dates = isinstance(self.eval(sides[1]), _dt.date)
        verbs = (DATE_VERBS if dates else VERBS)[self.lang]
        first, second = verbs[FLIP[ops[0]]], verbs[ops[1]]
        if self.lang == "en":
            second = second.removeprefix("is ")
            text = f"{subject} {first} {low} and {second} {high}"
        else:
            text = join_words([subject, first, low, "且", second, high], "zh")
        return [*reasons, *r1, *r2, Atom(text, _names(sides))]

    def pair(self, left: n.Node, op: str, right: n.Node, lv: Value, rv: Value, holds: bool) -> list[Atom]:
        op = op if holds else NEGATE[op]
        if isinstance(left, _LITERALS) and not isinstance(right, _LITERALS):
            left, right, lv, rv, op = right, left, rv, lv, FLIP[op]
        if lv is None or rv is None:  # only = and ≠ compare a blank
            return [self.absent(side) for side, v in ((left, lv), (right, rv)) if v is None]
        names = _names([left, right])
        if isinstance(right, n.Boolean) and op in ("==", "!="):  # flag = true: say what the flag is
            x = self.voc.name(left.name) if isinstance(left, n.Name) else self.value(left).phrase
            return [Atom(wording(self.lang, "flag", x=x, v=self.yes_no(lv)), names)]
        if isinstance(right, n.Text) and op in ("==", "!="):
            x = self.voc.name(left.name) if isinstance(left, n.Name) else self.value(left).phrase
            ctx = left.name if isinstance(left, n.Name) else None
            if op == "==":
                return [Atom(wording(self.lang, "is", x=x, v=self.voc.value(ctx, lv)), names)]
            return [Atom(wording(self.lang, "is_not", x=x, v=self.voc.value(ctx, lv), w=self.voc.value(ctx, rv)), names)]
        (a, r1), (b, r2) = self.term(left), self.term(right)
        verbs = (DATE_VERBS if isinstance(lv, _dt.date) else VERBS)[self.lang]
        return [*r1, *r2, Atom(join_words([a, verbs[op], b], self.lang), names)]


_BUILTIN_NAMES = frozenset({"min", "max", "abs", "ceil", "floor", "round", "clamp", "present", "coalesce", "month", "year"})


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip


def _compare(op: str, a: Value, b: Value) -> bool:
    return bool(_COMPARE[op](a, b))


def _same_direction(a: str, b: str) -> bool:
    return (a in ("<", "<=") and b in ("<", "<=")) or (a in (">", ">=") and b in (">", ">="))


def _names(nodes: Sequence[n.Node]) -> frozenset[str]:
    out: set[str] = set()
    todo = list(nodes)
    while todo:
        node = todo.pop()
        if isinstance(node, n.Name):
            out.add(node.name)
        elif isinstance(node, _Said):
            out |= node.names
        todo.extend(n.children(node))
    return frozenset(out)


def _rebuild(node: n.Node, resolve: Callable[[n.Node], n.Node]) -> n.Node:
    import dataclasses

    if isinstance(node, n.Binary):
        return dataclasses.replace(node, left=resolve(node.left), right=resolve(node.right))
    if isinstance(node, n.Unary):
        return dataclasses.replace(node, operand=resolve(node.operand))
    if isinstance(node, n.Power):
        return dataclasses.replace(node, base=resolve(node.base))
    if isinstance(node, n.Call):
        return dataclasses.replace(node, args=tuple(resolve(a) for a in node.args))
    return node  # pragma: no cover


def word_value(node: n.Node, env: Mapping[str, Value], impls: Mapping[str, Callable[..., Value]], voc: Vocabulary) -> Worded:
    """The value of ``node`` for ``env`` in words: the branch taken and why (see the module)."""
    with decimal.localcontext(CONTEXT):
        return _Speaker(env, impls, voc).value(node)


def word_condition(
    node: n.Node, env: Mapping[str, Value], impls: Mapping[str, Callable[..., Value]], voc: Vocabulary, truth: bool
) -> list[Atom]:
    """Why condition ``node`` is ``truth`` for ``env``, as statements (see the module)."""
    with decimal.localcontext(CONTEXT):
        return _Speaker(env, impls, voc).condition(node, truth)
