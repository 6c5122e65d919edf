"""Properties: generated Python ≡ interpreter on random formulas; R-MT-1 exact for all
parcels; the parser never crashes on arbitrary text."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cspolicy.expressions import (
    RUNTIME_ERRORS,
    ConstPool,
    Expression,
    ExpressionError,
    Symbol,
    compile_expression,
)
from cspolicy.money import CONTEXT, ROUNDING_MODES
from cspolicy.values import ColumnType, Kind, Value

D = Decimal
NAMES = ("a", "b", "c")
SYMBOLS = {n: Symbol(n, Kind.NUMBER, nullable=True) for n in NAMES}
LITERALS = ("0", "1", "2", "0.5", "7%", "12.50", "100", "3")
LONG = D("1.234567890123456789012345678901234567890123456789012")  # 52 digits: context rounds it
VALUES = st.sampled_from([D(0), D("-0"), D(1), D(-2), D("0.5"), D("3.25"), D("1E+3"), D("-0.001"), D(7), LONG, None])


def _numbers(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One more layer of number-valued formula around ``inner`` formulas."""
    conditions = st.builds(
        lambda x, op, y: f"{x} {op} {y}", inner, st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "≤", "≠"]), inner
    )
    conditions = st.one_of(
        conditions,
        st.builds(lambda x, y, z: f"{x} < {y} <= {z}", inner, inner, inner),
        st.builds(lambda p, q, op: f"({p}) {op} ({q})", conditions, conditions, st.sampled_from(["and", "or"])),
        st.builds(lambda p: f"not ({p})", conditions),
        st.builds(lambda x: f"present({x})", inner),
    )
    return st.one_of(
        st.builds(lambda x, op, y: f"({x} {op} {y})", inner, st.sampled_from(["+", "-", "*", "/", "×", "÷"]), inner),
        st.builds(lambda x: f"(-{x})", inner),
        st.builds(lambda x: f"(+{x})", inner),
        st.builds(lambda x, k: f"({x} ** {k})", inner, st.integers(0, 3)),
        st.builds(
            lambda f, xs: f"{f}({', '.join(xs)})",
            st.sampled_from(["min", "max"]),
            st.lists(inner, min_size=2, max_size=3),
        ),
        st.builds(lambda f, x: f"{f}({x})", st.sampled_from(["abs", "ceil", "floor", "round"]), inner),
        st.builds(lambda x, p, m: f"round({x}, {p}, '{m}')", inner, st.integers(0, 3), st.sampled_from(sorted(ROUNDING_MODES))),
        st.builds(lambda x, lo, hi: f"clamp({x}, {lo}, {hi})", inner, inner, inner),
        st.builds(lambda x, y: f"coalesce({x}, {y})", inner, inner),
        st.builds(lambda x, c, y: f"({x} if {c} else {y})", inner, conditions, inner),
    )


FORMULAS = st.recursive(st.sampled_from(NAMES + LITERALS), _numbers, max_leaves=10)
ENVS = st.fixed_dictionaries({n: VALUES for n in NAMES})


def run_python(expr: Expression, env: dict[str, Value]) -> Value:
    pool = ConstPool()
    source = expr.python(lambda n: "v_" + n, pool)
    code = compile(source, "<expr>", "eval")
    with localcontext(CONTEXT):
        result: Value = eval(code, pool.namespace, {"v_" + n: env[n] for n in expr.names})  # noqa: S307 - generated
    return result


def outcome(run: Callable[[], Value]) -> tuple[str, str]:
    """(type name, exact text) of a result, or of the runtime error it raised."""
    try:
        value = run()
    except RUNTIME_ERRORS as exc:
        return ("raised", type(exc).__name__)
    return (type(value).__name__, str(value))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS, ENVS)
def test_generated_python_matches_the_interpreter(text: str, env: dict[str, Value]) -> None:
    try:
        expr = compile_expression(text, SYMBOLS)
    except ExpressionError as exc:  # only size limits may reject a generated formula
        assert "too complex" in exc.message or "nested too deeply" in exc.message, (text, exc)
        assume(False)
        return
    assert expr.kind is Kind.NUMBER
    assert outcome(lambda: expr.evaluate(env)) == outcome(lambda: run_python(expr, env)), text


@settings(max_examples=200, deadline=None)
@given(FORMULAS)
def test_explain_never_fails(text: str) -> None:
    try:
        expr = compile_expression(text, SYMBOLS)
    except ExpressionError:
        assume(False)
        return
    shown = expr.explain({n: D(1) for n in NAMES})
    assert "*" not in shown.replace("**", "") and "/" not in shown  # shown as × and ÷


MATERIALS = {
    "parcels": Symbol("parcels", Kind.NUMBER),
    "growth": Symbol("growth", Kind.NUMBER, ctype=ColumnType.PERCENT),
}
WEEKLY = compile_expression("parcels × (1 + growth + 7%) ÷ 4", MATERIALS)
WEEKLY_CEIL = compile_expression("ceil(parcels × (1 + growth + 7%) ÷ 4)", MATERIALS)


@given(st.integers(0, 10**9))
def test_weekly_order_is_exact_for_every_parcel_count(parcels: int) -> None:
    # growth 15%: parcels × 1.22 ÷ 4 = parcels × 122 / 400 exactly; ceil by integer arithmetic
    env: dict[str, Value] = {"parcels": D(parcels), "growth": D("0.15")}
    exact = WEEKLY.evaluate(env)
    assert isinstance(exact, Decimal)
    assert exact * 400 == parcels * 122
    assert WEEKLY_CEIL.evaluate(env) == -(-parcels * 122 // 400)
    assert run_python(WEEKLY_CEIL, env) == WEEKLY_CEIL.evaluate(env)


def test_weekly_order_worked_examples() -> None:
    env: dict[str, Value] = {"parcels": D(10000), "growth": D("0.15")}
    assert WEEKLY.evaluate(env) == 3050  # 10000 × 1.22 = 12200; ÷ 4 = 3050
    assert WEEKLY_CEIL.evaluate(env) == 3050
    env["parcels"] = D(10001)
    assert str(WEEKLY.evaluate(env)) == "3050.305"  # 10001 × 1.22 = 12201.22; ÷ 4
    assert WEEKLY_CEIL.evaluate(env) == 3051


ALPHABET = st.sampled_from(
    list("abc01 .%()+-*/<>=!,'\"_[]{}:;x×÷≤（）票数") + ["**", "if", "else", "and", "not", "max(", "round("]
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(ALPHABET, max_size=40).map("".join)))
def test_arbitrary_text_compiles_or_raises_expression_error(text: str) -> None:
    symbols = {"x": Symbol("x", Kind.NUMBER), "票数": Symbol("票数", Kind.NUMBER)}
    try:
        expr = compile_expression(text, symbols)
    except ExpressionError as exc:
        assert exc.column is not None and 1 <= exc.column <= len(text) + 1, (text, exc)
        return
    # whatever compiled is a whitelisted formula that both paths run identically
    env: dict[str, Value] = {"x": D(2), "票数": D(3)}
    assert outcome(lambda: expr.evaluate(env)) == outcome(lambda: run_python(expr, env)), text
