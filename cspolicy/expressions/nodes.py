"""cspolicy's own formula tree, and one precedence-aware printer for it.

The tree is built only from whitelisted Python syntax (see :mod:`.syntax`), so everything
later stages see — the type checker, the code generator, the interpreter and the explainer —
is one of the few node types below. Every node knows ``col``, the 1-based column in the
formula text where it starts, for error messages.

:func:`render` prints a tree with the fewest parentheses that keep its exact shape
(``a - (b - c)`` keeps its parentheses, ``(a - b) - c`` loses them); the code generator and
the explainer both use it, with different spellings and leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "Node",
    "Number",
    "Text",
    "Boolean",
    "Blank",
    "Name",
    "Unary",
    "Not",
    "Binary",
    "Power",
    "Compare",
    "Logic",
    "Conditional",
    "Call",
    "precedence",
    "render",
    "children",
]


@dataclass(frozen=True)
class Node:
    """Any formula node; ``col`` is the 1-based column of its first character."""

    col: int


@dataclass(frozen=True)
class Number(Node):
    """A number literal: its exact value and its text as written (``7%``, ``1.50``)."""

    value: Decimal
    text: str


@dataclass(frozen=True)
class Text(Node):
    """A string literal: its value and its text as written, with quotes."""

    value: str
    text: str


@dataclass(frozen=True)
class Boolean(Node):
    """``true``/``false`` (or ``True``/``False``) as written."""

    value: bool
    text: str


@dataclass(frozen=True)
class Blank(Node):
    """The ``blank`` literal: no value (``None``), of whatever kind its place needs."""

    text: str

    @property
    def value(self) -> None:
        return None


@dataclass(frozen=True)
class Name(Node):
    """A reference to a symbol (after checking: the symbol's own name)."""

    name: str


@dataclass(frozen=True)
class Unary(Node):
    """Unary ``-x`` or ``+x``."""

    op: str
    operand: Node


@dataclass(frozen=True)
class Not(Node):
    """``not x``."""

    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    """``left op right`` for ``+ - * /`` and ``&`` (text concatenation); ``op_col`` is the
    column of the operator.

    ``func``, set by the type checker, names the helper that computes the operator for its
    operands' kinds (``period - 1``, ``a & b``); empty for Python's own operator on numbers.
    The interpreter calls it, the code generator writes a call of it, and printers show the
    operator as written.
    """

    op: str
    left: Node
    right: Node
    op_col: int
    func: str = ""


@dataclass(frozen=True)
class Power(Node):
    """``base ** exponent`` with a small whole-number literal exponent (0..12)."""

    base: Node
    exponent: int


@dataclass(frozen=True)
class Compare(Node):
    """A comparison, possibly chained: ``first op1 x1 op2 x2 …`` (``3% <= x < 7%``).

    ``op_cols`` holds the column of each operator.
    """

    first: Node
    rest: tuple[tuple[str, Node], ...]
    op_cols: tuple[int, ...]


@dataclass(frozen=True)
class Logic(Node):
    """``a and b and …`` or ``a or b or …`` (short-circuiting, as in Python)."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Conditional(Node):
    """``body if test else orelse``."""

    test: Node
    body: Node
    orelse: Node


@dataclass(frozen=True)
class Call(Node):
    """A call of a builtin or caller-provided function, positional arguments only."""

    func: str
    args: tuple[Node, ...]


# Python's own binding strengths, lowest first; the printers rely on them being Python's
# (``&`` binds looser than ``+`` and tighter than comparisons, as Python's bitwise and).
_CONDITIONAL, _OR, _AND, _NOT, _COMPARE, _CONCAT, _SUM, _TERM, _UNARY, _POWER, _ATOM = range(1, 12)


def precedence(node: Node) -> int:
    """How tightly ``node`` binds (higher binds tighter), with Python's ordering."""
    if isinstance(node, Conditional):
        return _CONDITIONAL
    if isinstance(node, Logic):
        return _OR if node.op == "or" else _AND
    if isinstance(node, Not):
        return _NOT
    if isinstance(node, Compare):
        return _COMPARE
    if isinstance(node, Binary):
        return _CONCAT if node.op == "&" else _SUM if node.op in ("+", "-") else _TERM
    if isinstance(node, Unary):
        return _UNARY
    if isinstance(node, Power):
        return _POWER
    return _ATOM


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``, left to right."""
    if isinstance(node, (Unary, Not)):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Power):
        return (node.base,)
    if isinstance(node, Compare):
        return (node.first, *(n for _, n in node.rest))
    if isinstance(node, Logic):
        return node.operands
    if isinstance(node, Conditional):
        return (node.body, node.test, node.orelse)
    if isinstance(node, Call):
        return node.args
    return ()


def render(
    node: Node,
    leaf: Callable[[Node], str],
    call: Callable[[Call, list[str]], str],
    spell: Mapping[str, str],
    memo: dict[int, str] | None = None,
) -> str:
    """Print ``node`` with minimal parentheses.

    ``leaf`` prints literals and names, ``call`` prints a call from its printed arguments,
    and ``spell`` maps each operator (``+ - * / ** < <= > >= == != and or not neg pos if
    else``) to its printed form, spaces included. ``memo``, if given, receives the text
    of every sub-tree by ``id``: a caller that needs the text of each sub-tree gets them all
    from one rendering, instead of rendering each again (quadratic in the formula's size).
    """

    def sub(child: Node, parens: bool) -> str:
        text = render(child, leaf, call, spell, memo)
        return f"({text})" if parens else text

    if memo is not None:
        text = _render_node(node, leaf, call, spell, sub)
        memo[id(node)] = text
        return text
    return _render_node(node, leaf, call, spell, sub)


def _render_node(
    node: Node,
    leaf: Callable[[Node], str],
    call: Callable[[Call, list[str]], str],
    spell: Mapping[str, str],
    sub: Callable[[Node, bool], str],
) -> str:

    own = precedence(node)
    if isinstance(node, Conditional):
        body = sub(node.body, precedence(node.body) <= own)
        test = sub(node.test, precedence(node.test) <= own)
        return f"{body}{spell['if']}{test}{spell['else']}{sub(node.orelse, False)}"
    if isinstance(node, Logic):
        parts = [sub(o, precedence(o) <= own) for o in node.operands]
        return spell[node.op].join(parts)
    if isinstance(node, Not):
        return spell["not"] + sub(node.operand, precedence(node.operand) < own)
    if isinstance(node, Compare):
        text = sub(node.first, precedence(node.first) <= own)
        for op, operand in node.rest:
            text += spell[op] + sub(operand, precedence(operand) <= own)
        return text
    if isinstance(node, Binary):
        left = sub(node.left, precedence(node.left) < own)
        right = sub(node.right, precedence(node.right) <= own)
        return f"{left}{spell[node.op]}{right}"
    if isinstance(node, Unary):
        sign = spell["neg" if node.op == "-" else "pos"]
        return sign + sub(node.operand, precedence(node.operand) < own)
    if isinstance(node, Power):
        return f"{sub(node.base, precedence(node.base) <= own)}{spell['**']}{node.exponent}"
    if isinstance(node, Call):
        return call(node, [sub(a, False) for a in node.args])
    return leaf(node)
