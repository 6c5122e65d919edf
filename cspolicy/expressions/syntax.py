"""Parse a prepared formula with :func:`ast.parse` and build cspolicy's own tree from a
whitelist of Python syntax.

Anything not explicitly handled below — attribute access, subscripts, lambdas,
comprehensions, f-strings, starred or keyword arguments, ``:=``, containers, ``None`` — is
rejected with a message naming the construct and the column where it starts. The tree's
size is bounded (:data:`MAX_NODES` nodes, :data:`MAX_DEPTH` levels) while it is built, so
later recursive stages can never run away.
"""

from __future__ import annotations

import ast
import warnings
from decimal import Decimal

from cspolicy.expressions import nodes as n
from cspolicy.expressions.lexer import Source, prepare
from cspolicy.expressions.symbols import ExpressionError
from cspolicy.money import CONTEXT, MAX_POLICY_NUMBER

__all__ = ["MAX_NODES", "MAX_DEPTH", "MAX_STRING", "MAX_EXPONENT", "parse"]

#: The most nodes a formula's tree may have.
MAX_NODES = 400
#: The deepest a formula's tree may be.
MAX_DEPTH = 60
#: The longest string literal, in characters.
MAX_STRING = 200
#: The largest literal exponent of ``**``.
MAX_EXPONENT = 12

_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.BitAnd: "&"}
_UNSUPPORTED_BINARY = {
    ast.Mod: ("modulo (%) is not supported; % is only a percent suffix", "%"),
    ast.FloorDiv: ("'//' is not supported; use floor(a / b)", "//"),
    ast.MatMult: ("'@' is not supported", "@"),
    ast.LShift: ("'<<' is not supported", "<<"),
    ast.RShift: ("'>>' is not supported", ">>"),
    ast.BitOr: ("'|' is not supported; use 'or'", "|"),
    ast.BitXor: ("'^' is not supported; for powers use '**'", "^"),
}
_COMPARISONS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_UNSUPPORTED_COMPARISONS = {
    ast.In: ("'in' is not supported; compare with == and combine with 'or'", "in"),
    ast.NotIn: ("'not in' is not supported; compare with != and combine with 'and'", "not"),
    ast.Is: ("'is' is not supported; use == or present(x)", "is"),
    ast.IsNot: ("'is not' is not supported; use != or present(x)", "is"),
}
_FORBIDDEN: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts (x[...]) are not allowed",
    ast.Slice: "slices are not allowed",
    ast.Lambda: "lambda functions are not allowed",
    ast.ListComp: "list comprehensions are not allowed",
    ast.SetComp: "set comprehensions are not allowed",
    ast.DictComp: "dict comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.Starred: "starred arguments (*x) are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed; to pass several values call a function, e.g. max(a, b)",
    ast.Dict: "dicts are not allowed",
    ast.Set: "sets are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}


def parse(text: str) -> n.Node:
    """Parse formula ``text`` into a whitelisted tree (names not yet resolved).

    >>> parse("-x ** 2")
    Unary(col=1, op='-', operand=Power(col=2, base=Name(col=2, name='x'), exponent=2))
    >>> parse("x.y")
    Traceback (most recent call last):
    ...
    cspolicy.expressions.symbols.ExpressionError: attribute access is not allowed
    """
    source = prepare(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning from the parser is a syntax error
            tree = ast.parse(source.code, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(source, exc) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the formula is too complex to parse", column=1, expected="a simpler formula") from None
    return _Builder(source).build(tree.body, 1)


def _syntax_error(source: Source, exc: SyntaxError) -> ExpressionError:
    offset = exc.offset if exc.lineno == 1 and exc.offset else len(source.code) + 1
    column = source.column(offset - 1)
    at = source.code[offset - 1 : offset + 1]
    if at == ":=":
        return ExpressionError("assignment expressions (:=) are not allowed", column=column)
    if at[:1] == "=" or "Maybe you meant '==' or ':='" in (exc.msg or ""):
        return ExpressionError("'=' is not allowed; to compare, use '=='", column=column)
    return ExpressionError(f"syntax error: {exc.msg or 'invalid syntax'}", column=column)


class _Builder:
    """Builds :mod:`.nodes` from an :mod:`ast` tree, one whitelisted node type at a time."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.count = 0
        code = source.code
        # ast positions are UTF-8 byte offsets into the line; map them to characters.
        self.chars: dict[int, int] = {}
        offset = 0
        for i, ch in enumerate(code):
            self.chars[offset] = i
            offset += len(ch.encode("utf-8"))
        self.chars[offset] = len(code)

    def char(self, byte_offset: int | None) -> int:
        return self.chars.get(byte_offset or 0, 0)

    def col(self, node: ast.AST) -> int:
        return self.source.column(self.char(getattr(node, "col_offset", 0)))

    def fail(self, node: ast.AST, message: str, expected: str | None = None) -> ExpressionError:
        return ExpressionError(message, column=self.col(node), expected=expected)

    def op_col(self, left: ast.AST, right: ast.AST, op_text: str) -> int:
        """The column of operator ``op_text`` written between ``left`` and ``right``."""
        start = self.char(getattr(left, "end_col_offset", 0))
        end = self.char(getattr(right, "col_offset", 0))
        code = self.source.code
        found = code.find(op_text, start, end)
        if found < 0:  # not expected; point at the first thing after the left operand
            found = start
            while found < end and code[found] in " )":
                found += 1
        return self.source.column(found)

    def build(self, node: ast.AST, depth: int) -> n.Node:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the formula is too complex: more than {MAX_DEPTH} levels of operations")
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"the formula is too complex: more than {MAX_NODES} parts")
        col = self.col(node)
        sub = depth + 1
        if isinstance(node, ast.Constant):
            return self.constant(node, col)
        if isinstance(node, ast.Name):
            if node.id in ("true", "false"):
                return n.Boolean(col, node.id == "true", node.id)
            if node.id == "blank":
                return n.Blank(col, node.id)
            if node.id.startswith("_"):  # unreachable: the lexer rejects such names
                raise self.fail(node, f"names starting with '_' are not allowed: {node.id!r}")
            return n.Name(col, node.id)
        if isinstance(node, ast.Call):
            return self.call(node, col, sub)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand, sub)
            if isinstance(node.op, ast.Not):
                return n.Not(col, operand)
            if isinstance(node.op, ast.Invert):
                raise self.fail(node, "'~' is not supported")
            return n.Unary(col, "-" if isinstance(node.op, ast.USub) else "+", operand)
        if isinstance(node, ast.BinOp):
            return self.binary(node, col, sub)
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return n.Logic(col, op, tuple(self.build(v, sub) for v in node.values))
        if isinstance(node, ast.Compare):
            return self.compare(node, col, sub)
        if isinstance(node, ast.IfExp):
            body = self.build(node.body, sub)
            test = self.build(node.test, sub)
            return n.Conditional(col, test, body, self.build(node.orelse, sub))
        message = _FORBIDDEN.get(type(node), f"{type(node).__name__} is not allowed in a formula")
        raise self.fail(node, message)

    def constant(self, node: ast.Constant, col: int) -> n.Node:
        value = node.value
        if isinstance(value, bool):
            return n.Boolean(col, value, str(value))
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise self.fail(node, f"this string is too long: {len(value)} characters, at most {MAX_STRING}")
            start, end = self.char(node.col_offset), self.char(node.end_col_offset)
            return n.Text(col, value, self.source.code[start:end])
        if value is None:
            raise self.fail(node, "None is not allowed", "present(x) to test for a blank value")
        if isinstance(value, bytes):
            raise self.fail(node, "bytes literals are not allowed", "a string such as 'station'")
        raise self.fail(node, f"{value!r} is not allowed in a formula")

    def call(self, node: ast.Call, col: int, depth: int) -> n.Node:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("_num", "_pct"):  # made by the lexer
            arg = node.args[0]
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            value = Decimal(arg.value)
            if abs(value) >= MAX_POLICY_NUMBER * (100 if func.id == "_pct" else 1):
                raise self.fail(
                    node,
                    f"the number {arg.value} is too large for a policy",
                    f"a number below {MAX_POLICY_NUMBER:,} (results must still round to the cent)",
                )
            if func.id == "_pct":
                return n.Number(col, value.scaleb(-2, context=CONTEXT), arg.value + "%")
            return n.Number(col, value, arg.value)
        if isinstance(func, ast.Attribute):
            raise self.fail(func, "attribute access is not allowed")
        if not isinstance(func, ast.Name):
            raise self.fail(func, "only named functions can be called, e.g. max(a, b)")
        if node.keywords:
            raise self.fail(
                node.keywords[0],
                "keyword arguments are not allowed; pass arguments by position",
                "e.g. round(x, 2, 'half_up')",
            )
        args = tuple(self.build(a, depth) for a in node.args)
        return n.Call(col, func.id, args)

    def binary(self, node: ast.BinOp, col: int, depth: int) -> n.Node:
        op_type = type(node.op)
        if op_type in _UNSUPPORTED_BINARY:
            message, text = _UNSUPPORTED_BINARY[op_type]
            column = self.op_col(node.left, node.right, text)
            raise ExpressionError(message, column=column)
        if isinstance(node.op, ast.Pow):
            base = self.build(node.left, depth)
            return n.Power(col, base, self.exponent(node.right))
        left = self.build(node.left, depth)
        right = self.build(node.right, depth)
        op = _ARITHMETIC[op_type]
        return n.Binary(col, op, left, right, self.op_col(node.left, node.right, op))

    def exponent(self, node: ast.AST) -> int:
        """The exponent of ``**``: only a whole-number literal 0..12 is accepted."""
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_num"
            and isinstance(node.args[0], ast.Constant)
        ):
            text = str(node.args[0].value)
            if text.isdigit() and int(text) <= MAX_EXPONENT:
                return int(text)
        raise self.fail(
            node,
            f"'**' needs a whole-number exponent from 0 to {MAX_EXPONENT} written as a number",
            "e.g. x ** 2",
        )

    def compare(self, node: ast.Compare, col: int, depth: int) -> n.Node:
        operands = [node.left, *node.comparators]
        rest: list[tuple[str, n.Node]] = []
        cols: list[int] = []
        for i, op in enumerate(node.ops):
            if type(op) in _UNSUPPORTED_COMPARISONS:
                message, text = _UNSUPPORTED_COMPARISONS[type(op)]
                raise ExpressionError(message, column=self.op_col(operands[i], operands[i + 1], text))
            symbol = _COMPARISONS[type(op)]
            cols.append(self.op_col(operands[i], operands[i + 1], symbol))
        first = self.build(node.left, depth)
        for op, right in zip(node.ops, node.comparators, strict=True):
            rest.append((_COMPARISONS[type(op)], self.build(right, depth)))
        return n.Compare(col, first, tuple(rest), tuple(cols))
