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
from cspolicy.expressions.codegen import ConstPool, lower_operators, to_python
from cspolicy.expressions.explain import Vocabulary, Worded, explain, word_value
from cspolicy.expressions.functions import BLANK_REASONS, BUILTINS
from cspolicy.expressions.interpret import evaluate
from cspolicy.expressions.operators import operator_impl
from cspolicy.expressions.symbols import ExpressionError, FunctionSpec, Symbol
from cspolicy.expressions.syntax import parse
from cspolicy.money import CONTEXT
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["Expression", "compile_expression"]


class Expression:
    """A checked formula.

    ``text`` is the formula as written; ``kind`` its result kind; ``names`` the symbols it
    reads; ``functions_used`` the functions it calls; ``result_values`` the closed set of
    texts it can produce (string literals, enum symbols, functions' ``result_values``,
    through ``if … else`` and ``coalesce``), or ``None``; ``tree`` the checked tree;
    ``ctype`` the column type of its values when the formula knows it (a bare percent
    column, ``end - start`` of two moments: a duration), else ``None``.
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
        ctype: ColumnType | None = None,
        blanking: frozenset[str] = frozenset(),
    ) -> None:
        self.text = text
        self.tree = tree
        self.kind = kind
        self.names = names
        self.functions_used = frozenset(impls)
        self.result_values = result_values
        self.ctype = ctype
        self._symbols = {name: symbols[name] for name in names}
        self._impls = dict(impls)
        # what generated code computes: operators with helpers become calls of them
        self._code_tree = lower_operators(tree)
        #: Whether the formula may give a blank when none of its names is blank: it holds
        #: the ``blank`` literal, or calls a function that can (``ratio`` by 0, a lookup).
        self.makes_blank = _makes_blank(tree, blanking)

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
        return to_python(self._code_tree, name_of, consts, self._impls, kinds)

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
        tree = self._code_tree
        if not reuse:
            return to_python(tree, name_of, consts, self._impls, kinds)
        # The code of every sub-tree, from one rendering: looking each up by rendering it
        # again would cost the formula's size times its depth.
        codes: dict[int, str] = {}
        to_python(tree, name_of, consts, self._impls, kinds, codes)
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

        walked = walk(tree)
        return to_python(walked, lambda name: marks.get(name) or name_of(name), consts, self._impls, kinds)

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        """The value for symbol values ``env``, computed under :data:`CONTEXT`.

        Bad data raises one of :data:`RUNTIME_ERRORS` (a blank in arithmetic: ``TypeError``;
        division by zero: ``decimal.DivisionByZero``); a missing name raises ``KeyError``.
        """
        with decimal.localcontext(CONTEXT):
            return evaluate(self.tree, env, self._impls)

    def blank_reasons(self, env: Mapping[str, Value]) -> list[str]:
        """Why parts of this formula gave a blank for ``env``, in words, for explanations:
        ``ratio(answered, offered) is blank: its denominator is 0``. Only the parts evaluated
        on the path taken are asked (a conditional's other branch is not)."""
        found: list[str] = []
        with decimal.localcontext(CONTEXT):
            self._reasons(self.tree, env, found)
        return found

    def _reasons(self, node: n.Node, env: Mapping[str, Value], found: list[str]) -> None:
        if isinstance(node, n.Conditional):
            self._reasons(node.test, env, found)
            taken = node.body if evaluate(node.test, env, self._impls) is True else node.orelse
            self._reasons(taken, env, found)
            return
        if isinstance(node, n.Logic):  # only the operands evaluated, as the formula does
            for operand in node.operands:
                self._reasons(operand, env, found)
                if (node.op == "and") != bool(evaluate(operand, env, self._impls)):
                    return
            return
        for child in n.children(node):
            self._reasons(child, env, found)
        if isinstance(node, n.Call) and node.func in BLANK_REASONS:
            args = [evaluate(a, env, self._impls) for a in node.args]
            why = BLANK_REASONS[node.func](args)
            if why is not None:
                shown = n.render(node, lambda leaf: _leaf_text(leaf), lambda c, a: f"{c.func}({', '.join(a)})", _PLAIN)
                found.append(f"{shown} is blank: {why}")

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


_PLAIN = {
    "+": " + ", "-": " - ", "*": " × ", "/": " ÷ ", "&": " & ", "**": " ^ ",
    "<": " < ", "<=": " ≤ ", ">": " > ", ">=": " ≥ ", "==": " = ", "!=": " ≠ ",
    "and": " and ", "or": " or ", "not": "not ", "neg": "-", "pos": "+",
    "if": " if ", "else": " else ",
}  # fmt: skip


def _leaf_text(node: n.Node) -> str:
    """A leaf as the formula writes it (names without their values)."""
    if isinstance(node, n.Name):
        return node.name
    return str(getattr(node, "text", ""))


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
    tree = parse(text)
    typed = checker.check(tree)
    if typed.kind is None:
        raise ExpressionError(
            "a formula that is always blank has no kind of value",
            column=tree.col,
            expected="blank as one result of a choice, e.g. x if c else blank",
        )
    impls: dict[str, Callable[..., Value]] = {}
    for name in sorted(checker.functions_used):
        if name in extra:
            impls[name] = extra[name].impl
        elif name in BUILTINS:
            impls[name] = BUILTINS[name].impl
        else:  # an operator's helper (period - 1, a & b)
            impls[name] = operator_impl(name)
    return Expression(
        text,
        typed.node,
        typed.kind,
        symbols,
        impls,
        frozenset(checker.names),
        typed.values if typed.kind is Kind.TEXT else None,
        _own_ctype(typed.node, typed.ctype, extra),
        frozenset(name for name in impls if name in extra and extra[name].may_blank),
    )


#: Builtins that may give a blank for arguments that are not blank.
_BLANKING_BUILTINS = frozenset({"ratio", "erlang_asa"})


def _makes_blank(tree: n.Node, blanking: frozenset[str]) -> bool:
    if isinstance(tree, n.Blank):
        return True
    if isinstance(tree, n.Call) and (tree.func in _BLANKING_BUILTINS or tree.func in blanking):
        return True
    return any(_makes_blank(child, blanking) for child in n.children(tree))


def _own_ctype(tree: n.Node, ctype: ColumnType | None, extra: Mapping[str, FunctionSpec]) -> ColumnType | None:
    """The column type a formula's result has of its own: that of an operator's helper
    (``end - start`` of two moments is a duration) or of a function that says it (a lookup's
    column). A bare name's type is the caller's to take; ``max`` or ``coalesce`` of percents
    stays untyped (a column's default type and rounding decide), as it always has."""
    if isinstance(tree, n.Binary) and tree.func:
        return ctype
    if isinstance(tree, n.Call) and tree.func in extra:
        return ctype
    if isinstance(tree, n.Call) and tree.func in BUILTINS:
        return BUILTINS[tree.func].result_type  # a count of days is an integer
    return None
