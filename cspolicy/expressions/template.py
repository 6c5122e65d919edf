"""A formula in words without a row's values (``verdict = reward eligible``, ``no reason was
given``): what an aggregate takes of each row. Like :mod:`.explain`, a ``not`` is pushed
inward (De Morgan), so no "not (…)" and no ``present(…)`` remain.
"""

from __future__ import annotations

from cspolicy.expressions import nodes as n
from cspolicy.expressions.explain import _CONDITIONS, _SPELL, _SYMBOLS, _rebuild, _Said
from cspolicy.expressions.grammar import GRAMMAR, LOGIC_WORDS, NEGATE, Vocabulary, join_words, quoted_space, wording

__all__ = ["word_template"]


def word_template(node: n.Node, voc: Vocabulary, *, negate: bool = False) -> str:
    """A formula without a row's values, names as labels (``verdict = reward eligible``,
    ``no reason was given``): what an aggregate takes of each row. A ``not`` is pushed
    inward (De Morgan), so no "not (…)" and no ``present(…)`` remain."""
    lang = voc.lang

    def cond(node: n.Node, neg: bool) -> str:
        if isinstance(node, n.Not):
            return cond(node.operand, not neg)
        if isinstance(node, n.Logic):
            op = node.op if not neg else ("or" if node.op == "and" else "and")
            parts = [f"({cond(o, neg)})" if isinstance(o, n.Logic) else cond(o, neg) for o in node.operands]
            word = LOGIC_WORDS[lang][op]
            return join_words([part for p in parts for part in (word, p)][1:], lang)
        if isinstance(node, n.Call) and node.func == "present":
            x = label(node.args[0])
            return wording(lang, "not_given", x=x) if neg else join_words([x, "was given" if lang == "en" else "已填写"], lang)
        if isinstance(node, n.Compare) and (not neg or len(node.rest) == 1):
            text = label(node.first, node.rest[0][1])
            for op, operand in node.rest:
                text += _SYMBOLS[NEGATE[op] if neg else op] + label(operand, node.first)
            return text
        if isinstance(node, n.Name):
            return wording(lang, "flag", x=voc.name(node.name), v=GRAMMAR[lang]["no" if neg else "yes"])
        text = label(node)
        return wording(lang, "flag", x=text, v=GRAMMAR[lang]["no"]) if neg else text

    def label(node: n.Node, other: n.Node | None = None) -> str:
        def leaf(node: n.Node) -> str:
            if isinstance(node, n.Name):
                return voc.name(node.name)
            if isinstance(node, n.Text):
                return quoted_space(node.value, lang) or voc.value(other.name if isinstance(other, n.Name) else None, node.value)
            if isinstance(node, n.Boolean):
                return GRAMMAR[lang]["yes" if node.value else "no"]
            if isinstance(node, n.Number):
                return node.text
            if isinstance(node, n.Blank):
                return "空值" if voc.lang == "zh" else "no value"
            raise AssertionError(f"unexpected leaf {node!r}")  # pragma: no cover

        def call(node: n.Call, args: list[str]) -> str:
            return f"{node.func}({', '.join(args)})"

        def said(node: n.Node) -> n.Node:
            if isinstance(node, n.Conditional):
                return _Said(node.col, f"({_conditional(node)})")
            if isinstance(node, _CONDITIONS) or (isinstance(node, n.Call) and node.func == "present"):
                return _Said(node.col, f"({cond(node, False)})")
            if isinstance(node, (n.Binary, n.Unary, n.Power, n.Call)):
                return _rebuild(node, said)
            return node

        if isinstance(node, n.Conditional):
            return _conditional(node)
        if isinstance(node, _CONDITIONS) or (isinstance(node, n.Call) and node.func == "present"):
            return cond(node, False)

        def leaf_or_said(node: n.Node) -> str:
            return node.text if isinstance(node, _Said) else leaf(node)

        return n.render(said(node), leaf_or_said, call, _SPELL)

    def _conditional(node: n.Conditional) -> str:
        word = ("if", "else") if lang == "en" else ("如果", "否则")
        return f"{label(node.body)} {word[0]} {cond(node.test, False)}, {word[1]} {label(node.orelse)}"

    return cond(node, negate)
