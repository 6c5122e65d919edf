"""Run-time behaviour: evaluate(), the generated Python, builtins, blanks, explain()."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from decimal import Decimal, localcontext

import pytest

from cspolicy.expressions import (
    RUNTIME_ERRORS,
    ConstPool,
    Expression,
    FunctionSpec,
    Symbol,
    compile_expression,
)
from cspolicy.money import CONTEXT
from cspolicy.values import ColumnType, Kind, Value

D = Decimal
SYMBOLS = {
    "parcels": Symbol("parcels", Kind.NUMBER, ctype=ColumnType.INTEGER),
    "growth": Symbol("growth", Kind.NUMBER, ctype=ColumnType.PERCENT),
    "loss": Symbol("loss", Kind.NUMBER, label="loss allowance", ctype=ColumnType.PERCENT),
    "x": Symbol("x", Kind.NUMBER, nullable=True),
    "y": Symbol("y", Kind.NUMBER, nullable=True),
    "name": Symbol("name", Kind.TEXT, nullable=True),
    "flag": Symbol("flag", Kind.BOOLEAN, nullable=True),
    "day": Symbol("day", Kind.DATE, nullable=True),
}


def run_python(expr: Expression, env: Mapping[str, Value]) -> Value:
    """Compile ``expr.python()`` as the engine does and run it under CONTEXT."""
    pool = ConstPool()
    local = {name: f"v{i}" for i, name in enumerate(sorted(expr.names))}
    source = expr.python(local.__getitem__, pool)
    code = compile(source, "<expr>", "eval")
    with localcontext(CONTEXT):
        result: Value = eval(code, pool.namespace, {local[n]: env[n] for n in local})  # noqa: S307 - generated
    return result


def both(text: str, env: Mapping[str, Value] | None = None, functions: Mapping[str, FunctionSpec] | None = None) -> Value:
    """Evaluate both ways, insist they agree exactly, return the value."""
    expr = compile_expression(text, SYMBOLS, functions)
    env = env or {}
    value = expr.evaluate(env)
    generated = run_python(expr, env)
    assert type(generated) is type(value) and str(generated) == str(value), text
    return value


def both_raise(text: str, env: Mapping[str, Value], error: type[Exception]) -> None:
    expr = compile_expression(text, SYMBOLS)
    with pytest.raises(error):
        expr.evaluate(env)
    with pytest.raises(error):
        run_python(expr, env)
    assert issubclass(error, RUNTIME_ERRORS)


# --- R-MT-1: the materials formula --------------------------------------------------------

WEEKLY = "parcels × (1 + growth + 7%) ÷ 4"


def test_weekly_order_is_exact() -> None:
    # 10000 × (1 + 0.15 + 0.07) ÷ 4 = 10000 × 1.22 ÷ 4 = 12200 ÷ 4 = 3050
    env = {"parcels": D(10000), "growth": D("0.15")}
    assert both(WEEKLY, env) == D(3050)
    assert both(f"ceil({WEEKLY})", env) == D(3050)
    # 10001 × 1.22 = 12201.22; ÷ 4 = 3050.305; ceil → 3051
    env = {"parcels": D(10001), "growth": D("0.15")}
    assert both(WEEKLY, env) == D("3050.305")
    assert both(f"ceil({WEEKLY})", env) == D(3051)
    # floats get this one wrong: 1200 × 1.13 ÷ 4 = 339 exactly, float ceil gives 340
    env = {"parcels": D(1200), "growth": D("0.06")}
    assert both(f"ceil({WEEKLY})", env) == D(339)
    assert 1200 * (1 + 0.06 + 0.07) / 4 != 339  # the float trap this design avoids


# --- operators ---------------------------------------------------------------------------


def test_arithmetic_and_precedence() -> None:
    env = {"x": D(6), "y": D(4)}
    assert both("x + y * 2", env) == 14  # 6 + 8
    assert both("(x + y) * 2", env) == 20
    assert both("x - y - 1", env) == 1  # (6 - 4) - 1
    assert both("x - (y - 1)", env) == 3  # 6 - 3
    assert both("x / y / 2", env) == D("0.75")  # 1.5 / 2
    assert both("x / (y / 2)", env) == 3
    assert both("-x ** 2", env) == -36  # -(6²)
    assert both("(-x) ** 2", env) == 36
    assert both("x ** 0", env) == 1
    assert both("+x", env) == 6
    assert both("- -x", env) == 6
    assert both("2 ** 12", env) == 4096
    assert both("x × y ÷ 8", env) == 3  # 24 ÷ 8
    assert both("1 / 3", env) == D("0." + "3" * 50)  # 50 significant digits


def test_comparisons_chained_and_unicode() -> None:
    for g, inside in ((D("0.03"), True), (D("0.05"), True), (D("0.07"), False), (D("0.02"), False)):
        assert both("3% <= growth < 7%", {"growth": g}) is inside
        assert both("3% ≤ growth < 7%", {"growth": g}) is inside
    assert both("1 < 2 < 3 > 2", {}) is True
    # a comparison of comparisons keeps its parentheses (flag == x == y would be a chain)
    assert both("flag == (x == y)", {"flag": False, "x": D(1), "y": D(2)}) is True
    assert both("(x == y) != flag", {"flag": True, "x": D(2), "y": D(2)}) is False
    assert both("x ≥ y", {"x": D(1), "y": D(1)}) is True
    assert both("x ≠ y", {"x": D("1.0"), "y": D(1)}) is False  # exact decimal equality
    assert both("name == 'a'", {"name": "a"}) is True
    assert both("flag == false", {"flag": False}) is True
    assert both("day < day", {"day": dt.date(2024, 1, 1)}) is False


def test_unary_plus_and_minus_apply_the_context_like_python() -> None:
    assert str(both("+x", {"x": D("-0")})) == "0"
    long = D("1." + "2" * 52)  # 53 digits; the context keeps 50
    assert str(both("+x", {"x": long})) == "1." + "2" * 49
    assert str(both("-x", {"x": long})) == "-1." + "2" * 49


def test_nested_conditionals_keep_their_shape() -> None:
    # (a if p else b) if q else c  differs from  a if p else (b if q else c)  when p is false
    text = "(1 if flag else 2) if name == 'q' else 3"
    assert both(text, {"flag": False, "name": "q"}) == 2
    assert both(text, {"flag": False, "name": "r"}) == 3
    assert both(text, {"flag": True, "name": "r"}) == 3
    assert both("1 if (true if flag else false) else 2", {"flag": False}) == 2
    assert both("1 if flag else 2 if name == 'q' else 3", {"flag": False, "name": "r"}) == 3
    env: dict[str, Value] = {"flag": False, "name": "r"}
    assert compile_expression(text, SYMBOLS).explain(env) == "(1 if flag no else 2) if name r = 'q' else 3"


def test_conditional_and_logic() -> None:
    assert both("x if flag else y", {"x": D(1), "y": D(2), "flag": True}) == 1
    assert both("x if flag else y", {"x": D(1), "y": D(2), "flag": False}) == 2
    assert both("'a' if x > 1 else 'b' if x > 0 else 'c'", {"x": D("0.5")}) == "b"
    assert both("flag and x > 1 or not flag", {"x": D(0), "flag": True}) is False
    assert both("not flag", {"flag": False}) is True


# --- short-circuit -------------------------------------------------------------------------


def counting() -> tuple[list[str], dict[str, FunctionSpec]]:
    """``yes()`` (true/false) and ``one()`` (a number) that record each call."""
    calls: list[str] = []

    def yes() -> Value:
        calls.append("yes")
        return True

    def one() -> Value:
        calls.append("one")
        return D(1)

    return calls, {
        "yes": FunctionSpec("yes", (), Kind.BOOLEAN, yes),
        "one": FunctionSpec("one", (), Kind.NUMBER, one),
    }


@pytest.mark.parametrize(
    ("text", "value", "called"),
    [
        ("false and yes()", False, 0),
        ("true and yes()", True, 1),
        ("true or yes()", True, 0),
        ("false or yes()", True, 1),
        ("false and yes() or yes()", True, 1),
        ("yes() if false else true", True, 0),
        ("true if true else yes()", True, 0),
        ("1 > 2 > one()", False, 0),  # a chain stops at its first false link
        ("2 > 1 > one()", False, 1),  # (2 > 1) and (1 > 1)
        ("3 > 2 > one()", True, 1),
    ],
)
def test_short_circuit_in_both_paths(text: str, value: bool, called: int) -> None:
    calls, functions = counting()
    expr = compile_expression(text, SYMBOLS, functions)
    assert expr.evaluate({}) is value
    assert len(calls) == called
    calls.clear()
    assert run_python(expr, {}) is value
    assert len(calls) == called


def test_short_circuit_protects_division() -> None:
    assert both("x != 0 and y / x > 1", {"x": D(0), "y": D(5)}) is False
    assert both("y / x if x != 0 else 0", {"x": D(0), "y": D(5)}) == 0
    assert both("0 < x < y / x", {"x": D(0), "y": D(5)}) is False


# --- builtins ------------------------------------------------------------------------------


def test_every_builtin() -> None:
    env: dict[str, Value] = {"x": D("-2.5"), "y": D("3.14159"), "name": None, "day": dt.date(2024, 3, 5)}
    assert both("min(x, y, 0)", env) == D("-2.5")
    assert both("max(x, y, 0)", env) == D("3.14159")
    assert both("abs(x)", env) == D("2.5")
    assert both("ceil(x)", env) == -2  # towards +∞
    assert both("floor(x)", env) == -3  # towards −∞
    assert str(both("ceil(y)", env)) == "4"  # integral Decimal, no exponent
    assert both("round(y)", env) == 3
    assert str(both("round(y, 2)", env)) == "3.14"
    assert str(both("round(x, 0, 'half_even')", env)) == "-2"  # tie to even
    assert str(both("round(x)", env)) == "-3"  # half_up: away from zero
    assert str(both("round(y, 3, 'ceiling')", env)) == "3.142"
    assert str(both("round(y, 3, 'down')", env)) == "3.141"
    assert both("clamp(x, 0, 1)", env) == 0
    assert both("clamp(y, 0, 1)", env) == 1
    assert both("clamp(0.5, 0, 1)", env) == D("0.5")
    assert both("clamp(5, 10, 1)", env) == 1  # min(max(5, 10), 1): hi wins a crossed range
    assert both("present(name)", env) is False
    assert both("present(name)", {"name": "  "}) is False  # only spaces is blank
    assert both("present(name)", {"name": "x"}) is True
    assert both("present(x)", {"x": D(0)}) is True
    assert both("present(flag)", {"flag": False}) is True
    assert both("coalesce(name, 'default')", env) == "default"
    assert both("coalesce(name, 'default')", {"name": "set"}) == "set"
    assert both("coalesce(x, y, 1)", {"x": None, "y": None}) == 1
    assert both("month(day)", env) == "2024-03"
    assert both("year(day)", env) == 2024


def test_extra_function_gets_evaluated_arguments() -> None:
    seen: list[tuple[Value, ...]] = []

    def band(score: Value) -> Value:
        seen.append((score,))
        return "high" if isinstance(score, Decimal) and score >= 90 else "low"

    functions = {"band": FunctionSpec("band", (Kind.NUMBER,), Kind.TEXT, band, frozenset({"high", "low"}))}
    assert both("band(x * 10)", {"x": D(9)}, functions) == "high"
    assert seen == [(D(90),), (D(90),)]


# --- blanks and bad data -------------------------------------------------------------------


def test_blanks_and_bad_data_raise_runtime_errors() -> None:
    both_raise("x + 1", {"x": None}, TypeError)
    both_raise("-x", {"x": None}, TypeError)
    both_raise("x ** 2", {"x": None}, TypeError)
    both_raise("x < 1", {"x": None}, TypeError)
    both_raise("ceil(x)", {"x": None}, TypeError)
    both_raise("round(x, 2)", {"x": None}, TypeError)
    both_raise("max(x, 1)", {"x": None}, TypeError)
    both_raise("month(day)", {"day": None}, TypeError)
    both_raise("x / y", {"x": D(1), "y": D(0)}, decimal.DivisionByZero)
    both_raise("x / y", {"x": D(0), "y": D(0)}, decimal.InvalidOperation)
    both_raise("x ** 0", {"x": D(0)}, decimal.InvalidOperation)
    both_raise("((((x ** 12) ** 12) ** 12) ** 12) ** 12", {"x": D("1E+12")}, decimal.Overflow)


def test_blank_equality_and_conditions() -> None:
    assert both("x == 1", {"x": None}) is False
    assert both("x != 1", {"x": None}) is True
    assert both("1 if flag else 2", {"flag": None}) == 2  # a blank condition counts as false
    assert both("coalesce(x, 0) + 1", {"x": None}) == 1


def test_missing_name_is_a_bug_not_a_row_error() -> None:
    expr = compile_expression("x + 1", SYMBOLS)
    with pytest.raises(KeyError):
        expr.evaluate({})
    assert not issubclass(KeyError, RUNTIME_ERRORS)


def test_evaluate_uses_the_policy_context() -> None:
    expr = compile_expression("x / 3", SYMBOLS)
    with localcontext() as ctx:
        ctx.prec = 5  # the caller's context does not leak into evaluate()
        assert expr.evaluate({"x": D(1)}) == D("0." + "3" * 50)


# --- generated source ------------------------------------------------------------------------


def test_python_source_uses_only_pool_names_and_locals() -> None:
    expr = compile_expression("'); __import__(\"os\"); (' if flag else name", SYMBOLS)
    pool = ConstPool()
    source = expr.python(lambda n: "v_" + n, pool)
    assert source == "_k0 if v_flag else v_name"
    assert pool.namespace["_k0"] == '); __import__("os"); ('  # a constant, never code
    assert "import" not in source


def test_python_source_shape() -> None:
    expr = compile_expression("ceil(parcels × (1 + growth + 7%) ÷ 4)", SYMBOLS)
    pool = ConstPool()
    source = expr.python(lambda n: "v_" + n, pool)
    assert source == "_k3(v_parcels * (_k0 + v_growth + _k1) / _k2)"
    assert pool.namespace["_k0"] == D(1) and str(pool.namespace["_k1"]) == "0.07"
    assert pool.namespace["_k2"] == D(4)
    assert "float" not in source


def test_name_of_must_give_identifiers() -> None:
    expr = compile_expression("x + 1", SYMBOLS)
    with pytest.raises(ValueError, match="not an identifier"):
        expr.python(lambda n: "x; import os", ConstPool())
    with pytest.raises(ValueError):
        expr.python(lambda n: "lambda", ConstPool())


def test_const_pool() -> None:
    pool = ConstPool()
    a = pool.add(D("1"))
    assert pool.add(D("1")) == a
    assert pool.add(D("1.0")) != a  # equal values that print differently stay apart
    assert pool.add(True) != pool.add(1)
    assert pool.add("x") == pool.add("x")
    helper = len
    assert pool.add(helper) == pool.add(helper)
    assert pool.namespace["__builtins__"] == {}
    with pytest.raises(NameError):
        eval(compile("len", "<expr>", "eval"), pool.namespace)  # noqa: S307 - no builtins reachable
    assert "__builtins__" not in ConstPool(builtins=True).namespace
    assert ConstPool("_c").add(0) == "_c0"
    with pytest.raises(ValueError):
        ConstPool("1bad")
