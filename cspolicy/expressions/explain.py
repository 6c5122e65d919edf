"""Show a formula with the values it was computed from, for traces and ``--explain``.

``parcels * (1 + growth + loss) / 4`` becomes
``parcels 10000 × (1 + growth 15% + loss allowance 7%) ÷ 4``: each name is replaced by its
label and value, operators are shown as a clerk writes them (``× ÷ ≤ ≥ ≠``), literals as
written, with the fewest parentheses that keep the formula's meaning.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal

from cspolicy.expressions import nodes as n
from cspolicy.expressions.symbols import Symbol
from cspolicy.money import CONTEXT
from cspolicy.values import ColumnType, Value

__all__ = ["format_plain", "explain"]

_SPELL = {
    "+": " + ", "-": " - ", "*": " × ", "/": " ÷ ", "**": " ^ ",
    "<": " < ", "<=": " ≤ ", ">": " > ", ">=": " ≥ ", "==": " = ", "!=": " ≠ ",
    "and": " and ", "or": " or ", "not": "not ", "neg": "-", "pos": "+",
    "if": " if ", "else": " else ",
}  # fmt: skip


def format_plain(value: Value, ctype: ColumnType | None = None) -> str:
    """A value as an explanation shows it.

    Numbers in plain notation with their trailing zeros (``Decimal('1.50')`` → ``1.50``,
    never ``1.5E+1``); a ``percent`` column's value as a percentage (``0.15`` → ``15%``);
    true/false as ``yes``/``no``; dates as ISO ``2024-03-01``; a blank as ``blank``.

    >>> format_plain(Decimal("0.15"), ColumnType.PERCENT)
    '15%'
    """
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        if ctype is ColumnType.PERCENT:
            return format(value.scaleb(2, context=CONTEXT), "f") + "%"
        return format(value, "f")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def explain(node: n.Node, env: Mapping[str, Value], symbols: Mapping[str, Symbol]) -> str:
    """Checked tree ``node`` with each name shown as ``label value`` from ``env``."""

    def leaf(node: n.Node) -> str:
        if isinstance(node, (n.Number, n.Text, n.Boolean)):
            return node.text
        if isinstance(node, n.Name):
            symbol = symbols[node.name]
            return f"{symbol.display} {format_plain(env[node.name], symbol.ctype)}"
        raise AssertionError(f"unexpected leaf {node!r}")  # pragma: no cover

    def call(node: n.Call, args: list[str]) -> str:
        return f"{node.func}({', '.join(args)})"

    return n.render(node, leaf, call, _SPELL)
