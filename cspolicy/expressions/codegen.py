"""Generate Python source for a checked formula tree, for the engine to compile once.

The engine builds one function per output row from the sources of all its formulas and
compiles it once (see ``research/perf-notes.md``: about 1.1× a hand-written script). The
source is produced only from cspolicy's own whitelisted tree: symbols become the local
names the engine chooses, and every literal and helper becomes a name in a
:class:`ConstPool`, so no user text is ever pasted into code. Arithmetic is plain
``Decimal`` operators, which run under whatever decimal context the caller has set
(:data:`cspolicy.money.CONTEXT`).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import keyword
from collections.abc import Callable, Mapping
from decimal import Decimal

from cspolicy.expressions import nodes as n
from cspolicy.expressions.functions import BUILTINS
from cspolicy.expressions.timefns import months_from, period_minus, period_plus, period_plus_reversed
from cspolicy.money import CONTEXT
from cspolicy.values import Kind

__all__ = ["ConstPool", "to_python", "lower_operators"]

_SPELL = {
    "+": " + ", "-": " - ", "*": " * ", "/": " / ", "&": " & ", "**": " ** ",
    "<": " < ", "<=": " <= ", ">": " > ", ">=": " >= ", "==": " == ", "!=": " != ",
    "and": " and ", "or": " or ", "not": "not ", "neg": "-", "pos": "+",
    "if": " if ", "else": " else ",
}  # fmt: skip


class ConstPool:
    """Named constants (literals, helpers) shared by generated code.

    :meth:`add` returns an identifier such as ``_k3`` bound to the object in
    :attr:`namespace`, which the caller passes as the globals of the compiled code. Equal
    literals share a name (``Decimal('1.0')`` and ``Decimal('1')`` do not: they print
    differently). Unless ``builtins=True``, the namespace hides Python's builtins from the
    generated code (``{"__builtins__": {}}``), as defence in depth: formula code never needs
    them; a caller whose own generated code does can add them with :meth:`add` or pass
    ``builtins=True``.
    """

    def __init__(self, prefix: str = "_k", *, builtins: bool = False) -> None:
        if not prefix.isidentifier():
            raise ValueError(f"constant prefix {prefix!r} is not an identifier")
        self.prefix = prefix
        self.namespace: dict[str, object] = {} if builtins else {"__builtins__": {}}
        self._names: dict[object, str] = {}
        #: (function, argument names) → the name of its folded value (see :func:`to_python`)
        self.folded: dict[tuple[str, tuple[str, ...]], str] = {}

    def add(self, obj: object) -> str:
        """The identifier under which ``obj`` is available to generated code."""
        key: object
        if isinstance(obj, (Decimal, str, int, _dt.date)):  # bool is an int
            key = (type(obj), str(obj))
        else:
            key = ("id", id(obj))
        name = self._names.get(key)
        if name is None:
            name = f"{self.prefix}{len(self._names)}"
            self._names[key] = name
            self.namespace[name] = obj
        return name


#: Functions whose value depends on their arguments only (no row, no band table, no calendar
#: of the run), so that a call whose arguments are all constants of the run (``period(period)``,
#: ``lookup('items', 'B1', 'points')``, ``period(period) - 1``) is computed once, when the
#: code is generated, instead of on every row.
#: A function of another kind (a policy's ``lookup``) says so with a true ``pure`` attribute.
FOLDABLE: frozenset[Callable[..., object]] = frozenset(
    [
        *(BUILTINS[f].impl for f in (
            "min", "max", "abs", "ceil", "floor", "round", "clamp", "present", "coalesce", "month", "year",
            "days_between", "months_between", "whole_months_between", "month_index", "add_days",
            "add_months", "period", "first_day", "last_day", "date", "week", "weekday",
        )),
        period_plus, period_plus_reversed, period_minus, months_from,
    ]
)  # fmt: skip
_LITERALS: dict[str, object] = {"None": None, "True": True, "False": False}
#: The functions of :data:`FOLDABLE` worth remembering per value (see :func:`_remembered`).
_CHEAP = frozenset(BUILTINS[f].impl for f in ("min", "max", "abs", "ceil", "floor", "round", "clamp", "present", "coalesce"))
#: How many values one call site remembers (a text column of free text must not fill memory).
MEMO_SIZE = 4096


class _Memo:
    """One call site's ``fn(…, x, …)`` by the value of ``x``, a text or a date (its other
    arguments constants): computed once per value, up to :data:`MEMO_SIZE` values. Only
    texts and dates are kept: equal numbers can differ (``1`` and ``1.0`` print differently),
    and a number never equals a text or date key, so it is always computed."""

    def __init__(self, fn: Callable[..., object], args: list[object], slot: int) -> None:
        self.fn, self.args, self.slot = fn, args, slot
        self.known: dict[object, object] = {}

    def __call__(self, x: object) -> object:
        args = list(self.args)
        args[self.slot] = x
        value = self.fn(*args)
        if (x.__class__ is str or x.__class__ is _dt.date) and len(self.known) < MEMO_SIZE:
            self.known[x] = value
        return value


def _remembered(func: str, args: list[str], consts: ConstPool, impls: Mapping[str, Callable[..., object]]) -> str | None:
    """``(known[x] if x in known else memo(x))`` for a call of a pure function whose
    arguments are constants but one, a plain variable ``x`` (``lookup('items', item, 'kind')``,
    ``month_index(date, period(period))``): no call per row once a value was seen."""
    fn = impls[func]
    if fn in _CHEAP or (fn not in FOLDABLE and getattr(fn, "pure", False) is not True):
        return None
    values: list[object] = []
    slot = -1
    for i, a in enumerate(args):
        if a in _LITERALS:
            values.append(_LITERALS[a])
        elif a in consts.namespace and a != "__builtins__" and not callable(consts.namespace[a]):
            values.append(consts.namespace[a])
        elif slot < 0 and a.isidentifier() and not keyword.iskeyword(a):
            slot = i
            values.append(None)
        else:
            return None
    if slot < 0:
        return None
    key = (f"memo {func}", tuple(args))
    code = consts.folded.get(key)
    if code is None:
        memo = _Memo(fn, values, slot)
        x, known = args[slot], consts.add(memo.known)
        code = consts.folded[key] = f"({known}[{x}] if {x} in {known} else {consts.add(memo)}({x}))"
    return code


def _fold(func: str, args: list[str], consts: ConstPool, impls: Mapping[str, Callable[..., object]]) -> str | None:
    """The constant holding ``func(*args)`` when every argument is a constant of ``consts``
    and the call succeeds (computed as at run time, under the exact decimal context); None
    otherwise: a call that raises stays in the code, so a row gets the same error as before."""
    fn = impls[func]
    if fn not in FOLDABLE and getattr(fn, "pure", False) is not True:
        return None
    values = []
    for a in args:
        if a in _LITERALS:
            values.append(_LITERALS[a])
        elif a in consts.namespace and a != "__builtins__" and not callable(consts.namespace[a]):
            values.append(consts.namespace[a])
        else:
            return None
    key = (func, tuple(args))
    name = consts.folded.get(key)
    if name is None:
        try:
            with decimal.localcontext(CONTEXT):
                value = fn(*values)
        except Exception:  # noqa: BLE001 - the row will raise it, and say why, as before
            return None
        if value is None or value is True or value is False:
            return repr(value)
        name = consts.folded[key] = consts.add(value)
    return name


def lower_operators(tree: n.Node) -> n.Node:
    """``tree`` with each operator that has a helper (``period - 1``, ``a & b``) written as a
    call of that helper, which is how generated code computes it (the interpreter calls the
    same helper; the printed formula keeps the operator)."""
    import dataclasses

    if isinstance(tree, n.Binary):
        left, right = lower_operators(tree.left), lower_operators(tree.right)
        if tree.func:
            return n.Call(tree.col, tree.func, (left, right))
        return dataclasses.replace(tree, left=left, right=right)
    if isinstance(tree, (n.Unary, n.Not)):
        return dataclasses.replace(tree, operand=lower_operators(tree.operand))
    if isinstance(tree, n.Power):
        return dataclasses.replace(tree, base=lower_operators(tree.base))
    if isinstance(tree, n.Compare):
        rest = tuple((op, lower_operators(x)) for op, x in tree.rest)
        return dataclasses.replace(tree, first=lower_operators(tree.first), rest=rest)
    if isinstance(tree, n.Logic):
        return dataclasses.replace(tree, operands=tuple(lower_operators(x) for x in tree.operands))
    if isinstance(tree, n.Conditional):
        return dataclasses.replace(
            tree, test=lower_operators(tree.test), body=lower_operators(tree.body), orelse=lower_operators(tree.orelse)
        )
    if isinstance(tree, n.Call):
        return dataclasses.replace(tree, args=tuple(lower_operators(a) for a in tree.args))
    return tree


def to_python(
    tree: n.Node,
    name_of: Callable[[str], str],
    consts: ConstPool,
    impls: Mapping[str, Callable[..., object]],
    kinds: Mapping[str, Kind] | None = None,
    memo: dict[int, str] | None = None,
) -> str:
    """Python source of ``tree`` (checked), for embedding in generated code.

    ``name_of`` maps a symbol name to the identifier holding its value; ``impls`` maps each
    function name to the callable implementing it; ``kinds`` (symbol → kind) lets
    ``present(x)`` of a non-text symbol become ``(x is not None)``, which is exactly what
    it means there (only text can be blank without being ``None``), without a call per row.
    ``memo`` receives the source of every sub-tree (see :func:`~.nodes.render`).
    """

    def leaf(node: n.Node) -> str:
        if isinstance(node, (n.Number, n.Text)):
            return consts.add(node.value)
        if isinstance(node, n.Boolean):
            return "True" if node.value else "False"
        if isinstance(node, n.Blank):
            return "None"
        if isinstance(node, n.Name):
            ident = name_of(node.name)
            if not ident.isidentifier() or keyword.iskeyword(ident):
                raise ValueError(f"name_of({node.name!r}) gave {ident!r}, not an identifier")
            return ident
        raise AssertionError(f"unexpected leaf {node!r}")  # pragma: no cover

    def call(node: n.Call, args: list[str]) -> str:
        if (
            node.func == "present"
            and kinds is not None
            and len(node.args) == 1
            and isinstance(node.args[0], n.Name)
            and kinds.get(node.args[0].name, Kind.TEXT) is not Kind.TEXT
        ):
            return f"({args[0]} is not None)"
        folded = _fold(node.func, args, consts, impls)
        if folded is not None:
            return folded
        remembered = _remembered(node.func, args, consts, impls)
        if remembered is not None:
            return remembered
        return f"{consts.add(impls[node.func])}({', '.join(args)})"

    return n.render(tree, leaf, call, _SPELL, memo)
