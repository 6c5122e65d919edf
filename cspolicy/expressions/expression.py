"""Compile a formula once — parse, whitelist, resolve, type-check — and use it many times.

:func:`compile_expression` is the one entry point; it runs at policy load, so a typo or a
type mismatch is a policy error (exit 2) before the first CSV row is read. The resulting
:class:`Expression` offers three ways to use the formula: :meth:`Expression.python` (source
for the engine's compiled row function — the fast path), :meth:`Expression.evaluate` (the
reference interpreter) and :meth:`Expression.explain` (the formula with its values).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping

from cspolicy.expressions import nodes as n
from cspolicy.expressions.check import Checker
from cspolicy.expressions.codegen import ConstPool, to_python
from cspolicy.expressions.explain import Vocabulary, Worded, explain, word_value
from cspolicy.expressions.functions import BUILTINS
from cspolicy.expressions.interpret import evaluate
from cspolicy.expressions.symbols import FunctionSpec, Symbol
from cspolicy.expressions.syntax import parse
from cspolicy.money import CONTEXT
from cspolicy.values import Kind, Value

__all__ = ["Expression", "compile_expression"]


class Expression:
    """A checked formula.

    ``text`` is the formula as written; ``kind`` its result kind; ``names`` the symbols it
    reads; ``functions_used`` the functions it calls; ``result_values`` the closed set of
    texts it can produce (string literals, enum symbols, functions' ``result_values``,
    through ``if … else`` and ``coalesce``), or ``None``; ``tree`` the checked tree.
    """

    def __init__(
        self,
        text: str,
        tree: n.Node,
        kind: Kind,
        symbols: Mapping[str, Symbol],
        impls: Mapping[str, Callable[..., Value]],
        names: frozenset[str],
        result_values: frozenset[str] | None,
    ) -> None:
        self.text = text
        self.tree = tree
        self.kind = kind
        self.names = names
        self.functions_used = frozenset(impls)
        self.result_values = result_values
        self._symbols = {name: symbols[name] for name in names}
        self._impls = dict(impls)

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, kind={self.kind.value})"

    @property
    def bare_name(self) -> str | None:
        """The symbol this formula merely names (``growth``, comments aside), else ``None``."""
        return self.tree.name if isinstance(self.tree, n.Name) else None

    def python(self, name_of: Callable[[str], str], consts: ConstPool) -> str:
        """Python source of this formula, for embedding in generated code.

        Each symbol is written as ``name_of(symbol_name)`` and each literal or helper as a
        name from ``consts`` (whose ``namespace`` must be the code's globals). Run it under
        :data:`cspolicy.money.CONTEXT`; it gives exactly what :meth:`evaluate` gives.

        >>> e = compile_expression("ceil(n / 4)", {"n": Symbol("n", Kind.NUMBER)})
        >>> e.python(lambda name: "v_" + name, ConstPool())
        '_k1(v_n / _k0)'
        """
        kinds = {name: symbol.kind for name, symbol in self._symbols.items()}
        return to_python(self.tree, name_of, consts, self._impls, kinds)

    def python_reusing(
        self, name_of: Callable[[str], str], consts: ConstPool, reuse: Mapping[str, str], trimmed: frozenset[str] = frozenset()
    ) -> str:
        """Like :meth:`python`, but a part of the formula whose code is a key of ``reuse``
        is replaced by the variable named there: ``parcels × (1 + growth + loss) ÷ 4`` reuses
        the exact product an earlier column computed. Only parts evaluated on every path
        are replaced (never inside a conditional's branches or after ``and``/``or``), so a
        row that raised nothing before raises nothing now, and values are identical.
        ``trimmed`` names text symbols that are never only spaces (a reader's stripped
        cells): their ``present(x)`` is ``x is not None`` too.
        """
        kinds = {name: Kind.NUMBER if name in trimmed else symbol.kind for name, symbol in self._symbols.items()}
        if not reuse:
            return to_python(self.tree, name_of, consts, self._impls, kinds)
        # The code of every sub-tree, from one rendering: looking each up by rendering it
        # again would cost the formula's size times its depth.
        codes: dict[int, str] = {}
        to_python(self.tree, name_of, consts, self._impls, kinds, codes)
        marks: dict[str, str] = {}

        def walk(node: n.Node) -> n.Node:
            if isinstance(node, (n.Number, n.Text, n.Boolean, n.Name)):
                return node
            found = reuse.get(codes[id(node)])
            if found is not None:
                mark = f"_reuse{len(marks)}"  # cannot clash: user names never start with _
                marks[mark] = found
                return n.Name(node.col, mark)
            return _replace_always_evaluated(node, walk)

        walked = walk(self.tree)
        return to_python(walked, lambda name: marks.get(name) or name_of(name), consts, self._impls, kinds)

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        """The value for symbol values ``env``, computed under :data:`CONTEXT`.

        Bad data raises one of :data:`RUNTIME_ERRORS` (a blank in arithmetic: ``TypeError``;
        division by zero: ``decimal.DivisionByZero``); a missing name raises ``KeyError``.
        """
        with decimal.localcontext(CONTEXT):
            return evaluate(self.tree, env, self._impls)

    def explain(self, env: Mapping[str, Value]) -> str:
        """The formula with each name replaced by ``label value`` (see :mod:`.explain`)."""
        return explain(self.tree, env, self._symbols)

    def words(self, env: Mapping[str, Value], vocabulary: Vocabulary) -> Worded:
        """This formula's value for ``env`` in words, in ``vocabulary``'s language: the
        branch the row took, with its values, and why (see :mod:`.explain`)."""
        return word_value(self.tree, env, self._impls, vocabulary)

    def template(self, vocabulary: Vocabulary) -> str:
        """This formula in words without a row's values (what an aggregate takes of a row)."""
        from cspolicy.expressions.template import word_template

        return word_template(self.tree, vocabulary)


def _replace_always_evaluated(node: n.Node, walk: Callable[[n.Node], n.Node]) -> n.Node:
    """``node`` with ``walk`` applied to the children that are evaluated whenever it is."""
    import dataclasses

    if isinstance(node, n.Binary):
        return dataclasses.replace(node, left=walk(node.left), right=walk(node.right))
    if isinstance(node, (n.Unary, n.Not)):
        return dataclasses.replace(node, operand=walk(node.operand))
    if isinstance(node, n.Power):
        return dataclasses.replace(node, base=walk(node.base))
    if isinstance(node, n.Compare):
        return dataclasses.replace(node, first=walk(node.first))
    if isinstance(node, n.Logic):
        return dataclasses.replace(node, operands=(walk(node.operands[0]), *node.operands[1:]))
    if isinstance(node, n.Conditional):
        return dataclasses.replace(node, test=walk(node.test))
    if isinstance(node, n.Call):
        return dataclasses.replace(node, args=tuple(walk(a) for a in node.args))
    return node


def compile_expression(
    text: str,
    symbols: Mapping[str, Symbol],
    functions: Mapping[str, FunctionSpec] | None = None,
) -> Expression:
    """Parse and check formula ``text`` against ``symbols`` and extra ``functions``.

    Raises :class:`ExpressionError` (a :class:`~cspolicy.errors.PolicyError`) with the
    1-based ``column`` in ``text`` for anything wrong; raises ``ValueError`` if an extra
    function's name is not usable (a bug of the caller, not of the policy).

    >>> from decimal import Decimal
    >>> e = compile_expression("parcels * (1 + 7%)", {"parcels": Symbol("parcels", Kind.NUMBER)})
    >>> e.evaluate({"parcels": Decimal("100")})
    Decimal('107.00')
    """
    extra = dict(functions or {})
    for name in extra:
        if name in BUILTINS or not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"extra function name {name!r} is a builtin or not a usable name")
    checker = Checker(symbols, extra)
    typed = checker.check(parse(text))
    impls: dict[str, Callable[..., Value]] = {}
    for name in sorted(checker.functions_used):
        impls[name] = extra[name].impl if name in extra else BUILTINS[name].impl
    return Expression(
        text,
        typed.node,
        typed.kind,
        symbols,
        impls,
        frozenset(checker.names),
        typed.values if typed.kind is Kind.TEXT else None,
    )
