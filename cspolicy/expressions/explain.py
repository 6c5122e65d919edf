"""Show a formula with the values it was computed from, for traces and ``--explain``.

``parcels * (1 + growth + loss) / 4`` becomes
``parcels 10000 × (1 + growth 15% + loss allowance 7%) ÷ 4``: each name is replaced by its
label and value, operators are shown as a clerk writes them (``× ÷ ≤ ≥ ≠``), literals as
written, with the fewest parentheses that keep the formula's meaning.
"""

from __future__ import annotations

from collections.abc import Mapping

from cspolicy.expressions import nodes as n
from cspolicy.expressions.symbols import Symbol
from cspolicy.text import format_plain
from cspolicy.values import Value

__all__ = ["format_plain", "explain"]

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
