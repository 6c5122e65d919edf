"""Formula parsing: the whitelist, hostile inputs, limits, literals and error columns."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cspolicy.errors import PolicyError
from cspolicy.expressions import ExpressionError, Symbol, compile_expression
from cspolicy.expressions.lexer import prepare
from cspolicy.expressions.nodes import Binary, Call, Compare, Number, Power, Unary
from cspolicy.values import Kind

D = Decimal
SYMBOLS = {name: Symbol(name, Kind.NUMBER) for name in ("x", "y", "parcels", "growth", "票数")}


def error(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, SYMBOLS)
    return info.value


# --- hostile inputs: rejected with a clear message, never a crash -----------------------

HOSTILE = [
    ("__import__('os')", "names starting with '_' are not allowed: '__import__'", 1),
    ("().__class__", "attribute access is not allowed", 1),
    ("9**9**9", "'**' needs a whole-number exponent from 0 to 12", 4),
    ("'a' * 10**9", "'*' needs numbers on both sides, but 'a' is text", 1),
    ("(" * 10_000 + "1" + ")" * 10_000, "the formula is too long: 20001 characters", 2001),
    ("open('x')", "'open' is not a function; only these functions can be called: abs, add_days,", 1),
    ("lambda: 1", "lambda functions are not allowed", 1),
    ("[x for x in y]", "list comprehensions are not allowed", 1),
    ("x.y", "attribute access is not allowed", 1),
    ("x[0]", "subscripts (x[...]) are not allowed", 1),
    ("x._pct('7')", "attribute access is not allowed", 1),
    ("_pct('7')", "names starting with '_' are not allowed: '_pct'", 1),
    ("f'{x}'", "f-strings are not allowed", 1),
    ("max(*x)", "starred arguments (*x) are not allowed", 5),
    ("(x := 1)", "assignment expressions (:=) are not allowed", 2),
    ("x := 1", "assignment expressions (:=) are not allowed", 3),
    ("round(x, places=2)", "keyword arguments are not allowed; pass arguments by position", 10),
    ("(x, y)", "tuples are not allowed", 1),
    ("{1: 2}", "dicts are not allowed", 1),
    ("max(x for x in y)", "generator expressions are not allowed", 4),
    ("(yield)", "'yield' is not allowed", 2),
    ("b'x'", "bytes literals are not allowed", 1),
    ("None", "None is not allowed", 1),
    ("x if y", "syntax error: expected 'else' after 'if' expression", 1),
    ("x ** y", "'**' needs a whole-number exponent from 0 to 12", 6),
    ("x ** 13", "'**' needs a whole-number exponent from 0 to 12", 6),
    ("x ** 2.0", "'**' needs a whole-number exponent from 0 to 12", 6),
    ("x ** -1", "'**' needs a whole-number exponent from 0 to 12", 6),
    ("x // 2", "'//' is not supported; use floor(a / b)", 3),
    ("x ^ 2", "'^' is not supported; for powers use '**'", 3),
    ("~x", "'~' is not supported", 1),
    ("x is None", "'is' is not supported", 3),
    ("x in y", "'in' is not supported", 3),
    ("'a\\n'", "a backslash is not allowed inside a string", 3),
    ("'''a'''", "triple-quoted strings are not allowed", 1),
    ("'abc", "this string is never closed", 1),
    ("“abc”", "curly quote '“' cannot start a string", 1),
    ("x $ y", "unexpected character '$'", 3),
    ("0x1F", "'0x1F' is not a plain decimal number", 1),
    ("1e5", "'1e5' is not a plain decimal number", 1),
    ("1_000", "'1_000' is not a plain decimal number", 1),
    ("x\x00", "control character U+0000 is not allowed", 2),
    ("", "the formula is empty", 1),
    ("  # only a comment", "the formula is empty", 1),
    ("x = 1", "'=' is not allowed; to compare, use '=='", 3),
    ("max(x, ", "this parenthesis is never closed", 4),
    ("x)", "unmatched ')'", 2),
]


@pytest.mark.parametrize(("text", "message", "column"), HOSTILE, ids=[h[0][:30] for h in HOSTILE])
def test_hostile_and_forbidden_inputs_are_rejected(text: str, message: str, column: int) -> None:
    exc = error(text)
    assert message in str(exc)
    assert exc.column == column
    assert isinstance(exc, PolicyError)  # exit code 2, reported at file:line by the caller


def test_modulo_is_not_supported_and_percent_is_only_a_suffix() -> None:
    for text, column in (("x % 2", 3), ("x%2", 2), ("7 % 2", 3), ("(x)%", 4), ("7%%", 3)):
        exc = error(text)
        assert exc.message == "modulo (%) is not supported; % is only a percent suffix", text
        assert exc.expected == "% written right after a number, as in 7%"
        assert exc.column == column, text


def test_nesting_limit_is_checked_before_python_parses() -> None:
    deep = "(" * 41 + "1" + ")" * 41
    exc = error(deep)
    assert "parentheses are nested too deeply: more than 40 levels" in str(exc)
    assert exc.column == 41  # the 41st opening parenthesis
    assert compile_expression("(" * 40 + "1" + ")" * 40, {}).evaluate({}) == 1
    # 999 levels fit the length limit (1999 characters) but not the nesting limit
    assert "nested too deeply" in str(error("(" * 999 + "1" + ")" * 999))


def test_tree_size_and_depth_limits() -> None:
    many = " + ".join(["x"] * 45)  # 45 names, 44 additions: depth 45, 89 nodes
    assert compile_expression(many, SYMBOLS).evaluate({"x": D(1)}) == 45
    too_deep = " + ".join(["x"] * 70)  # left-deep: 69 levels of '+'
    assert "more than 60 levels of operations" in str(error(too_deep))
    assert "more than 60 levels" in str(error("-" * 1999 + "1"))
    assert "more than 60 levels" in str(error("not " * 499 + "x"))
    wide = "max(" + ", ".join(["max(x, y)"] * 140) + ")"  # 1 + 140 × 3 = 421 nodes, depth 3
    assert "more than 400 parts" in str(error(wide))


def test_string_literal_length_limit() -> None:
    assert compile_expression("'" + "a" * 200 + "'", {}).evaluate({}) == "a" * 200
    exc = error("'" + "a" * 201 + "'")
    assert "this string is too long: 201 characters, at most 200" in str(exc)


def test_text_length_limit_counts_characters_not_bytes() -> None:
    fits = "票数 + " * 399 + "票数"  # 399 × 5 + 2 = 1997 characters
    assert len(fits) == 1997
    assert "too long" not in str(error(fits))  # rejected for size of tree, not length
    assert "the formula is too long: 2001 characters" in str(error("x" + " " * 2000))


# --- literals ------------------------------------------------------------------------------


def tree(text: str) -> object:
    return compile_expression(text, SYMBOLS).tree


def test_number_literals_are_exact_decimals_from_their_text() -> None:
    for text, value in (("12", "12"), ("0.5", "0.5"), ("1.50", "1.50"), (".5", "0.5"), ("5.", "5")):
        node = tree(text)
        assert isinstance(node, Number)
        assert str(node.value) == value
        assert node.text == text
    # 0.1 + 0.2 would be 0.30000000000000004 in floats
    assert compile_expression("0.1 + 0.2", {}).evaluate({}) == D("0.3")


def test_percent_literal_is_exactly_hundredths_and_keeps_its_text() -> None:
    node = tree("7%")
    assert isinstance(node, Number)
    assert node.value == D("0.07") and str(node.value) == "0.07"
    assert node.text == "7%"
    assert str(compile_expression("12.5%", {}).evaluate({})) == "0.125"
    assert str(compile_expression("100%", {}).evaluate({})) == "1.00"
    assert compile_expression("'7%'", {}).evaluate({}) == "7%"  # inside a string: just text


def test_booleans_lowercase_and_capitalised() -> None:
    for text, value in (("true", True), ("false", False), ("True", True), ("False", False)):
        expr = compile_expression(text, {})
        assert expr.kind is Kind.BOOLEAN
        assert expr.evaluate({}) is value


def test_strings_in_either_quote_and_kept_as_written() -> None:
    assert compile_expression("'ok'", {}).evaluate({}) == "ok"
    assert compile_expression('"ok"', {}).evaluate({}) == "ok"
    # contents are not normalised or operator-mapped: full-width letters and × stay
    assert compile_expression("'华东（一）×２'", {}).evaluate({}) == "华东（一）×２"
    assert compile_expression("＇ok＇", {}).evaluate({}) == "ok"  # full-width quotes


# --- operators and normalisation ----------------------------------------------------------


def test_unicode_operators_and_full_width_forms() -> None:
    env = {"x": D(6), "y": D(4)}
    cases = {
        "x × y": D(24),
        "x ÷ y": D("1.5"),
        "x ≤ y": False,
        "x ≥ y": True,
        "x ≠ y": True,
        "（x＋y）×２": D(20),
        "max（x，y）": D(6),
        "x\n  + y": D(10),  # a YAML block may break lines
        "x\u3000+\u3000y": D(10),  # ideographic spaces
        "x \u2212 y": D(2),  # U+2212 minus sign, as pasted from a document
    }
    for text, value in cases.items():
        assert compile_expression(text, SYMBOLS).evaluate(env) == value, text


def test_tree_shapes() -> None:
    node = tree("x * (1 + y) / 4")
    assert isinstance(node, Binary) and node.op == "/"
    assert isinstance(node.left, Binary) and node.left.op == "*"
    node = tree("3% <= x < 7%")
    assert isinstance(node, Compare)
    assert [op for op, _ in node.rest] == ["<=", "<"]
    node = tree("-x ** 2")
    assert isinstance(node, Unary) and isinstance(node.operand, Power)
    assert isinstance(tree("ceil(x)"), Call)


def test_unicode_names() -> None:
    expr = compile_expression("票数 * 2", SYMBOLS)
    assert expr.names == {"票数"}
    assert expr.evaluate({"票数": D(3)}) == 6
    # a full-width identifier is the same name after NFKC
    assert compile_expression("ｘ + 1", SYMBOLS).names == {"x"}


# --- error columns ----------------------------------------------------------------------


def test_error_columns_point_into_the_text_as_written() -> None:
    # after '≤' (one character, two in Python) and '7%' (rewritten internally), columns
    # still count the user's characters
    exc = error("x ≤ 7% and 票数 ≥ parcles")
    assert str(exc) == "unknown name 'parcles'; did you mean 'parcels'?"
    assert exc.column == 17
    exc = error("（x × 2） + 'a'")
    assert exc.column == 11
    assert exc.message == "'+' needs numbers on both sides, but 'a' is text"
    exc = error("票数 +* 2")
    assert exc.column == 5 and exc.message.startswith("syntax error")


def test_located_error_keeps_the_column() -> None:
    exc = error("x ≤ parcles")
    placed = exc.located("policy.yaml", 14)
    assert isinstance(placed, ExpressionError)
    assert str(placed) == "policy.yaml:14:5: unknown name 'parcles'; did you mean 'parcels'?"


def test_origin_map_of_the_rewritten_source() -> None:
    source = prepare("x≤7%")
    assert source.code == 'x<=_pct("7")'
    assert [source.column(i) for i in (0, 1, 2, 3)] == [1, 2, 2, 3]
    assert source.column(len(source.code)) == 5
