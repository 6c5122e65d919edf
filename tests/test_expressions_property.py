"""Properties: generated Python ≡ interpreter on random formulas; R-MT-1 exact for all
parcels; the parser never crashes on arbitrary text."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext

import pytest
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
        # Erlang C (cc-staffing): agents, calls, interval seconds, AHT seconds[, SL time]
        st.builds(
            lambda f, a, c: f"{f}({a}, {c}, 1800, 180)", st.sampled_from(["erlang_wait", "erlang_asa"]), st.integers(1, 20), inner
        ),
        st.builds(lambda a, c: f"erlang_sl({a}, {c}, 1800, 180, 20)", st.integers(1, 20), inner),
        st.builds(lambda c: f"erlang_agents({c}, 1800, 180, 20, 80%, 85%)", inner),
    )


FORMULAS = st.recursive(st.sampled_from(NAMES + LITERALS), _numbers, max_leaves=10)
ENVS = st.fixed_dictionaries({n: VALUES for n in NAMES})


def run_python(expr: Expression, env: dict[str, Value]) -> Value:
    pool = ConstPool()
    idents = {name: f"v{i}" for i, name in enumerate(sorted(expr.names))}  # given:x is no identifier
    source = expr.python(idents.__getitem__, pool)
    code = compile(source, "<expr>", "eval")
    with localcontext(CONTEXT):
        result: Value = eval(code, pool.namespace, {idents[n]: env[n] for n in expr.names})  # noqa: S307 - generated
    return result


def outcome(run: Callable[[], Value]) -> tuple[str, str]:
    """(type name, exact text) of a result, or of the runtime error it raised."""
    try:
        value = run()
    except (*RUNTIME_ERRORS, ValueError) as exc:  # ValueError: a function's domain (erlang_sl of -2 calls)
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


# --- every kind and every operator and function (issue 16) ------------------------------------
#
# Formulas of each kind are built from formulas of the kinds their parts need, so that nearly
# every generated formula type-checks: numbers, text, true/false, dates, moments (datetime)
# and months (periods), through the time functions, ``&``, ``ratio``, ``blank``, ``given`` and
# the operators on months and moments. Both paths must give the same value or raise the same
# error with the same message.

import datetime as _dt  # noqa: E402

from cspolicy.expressions import EVALUATION_ERRORS  # noqa: E402
from cspolicy.periods import Period  # noqa: E402
from cspolicy.planner.lookups import LookupPlan, lookup_spec  # noqa: E402
from cspolicy.tables.spec import ColumnSpec  # noqa: E402

TYPED_SYMBOLS = {
    "a": Symbol("a", Kind.NUMBER, nullable=True),
    "b": Symbol("b", Kind.NUMBER, ctype=ColumnType.PERCENT),
    "w": Symbol("w", Kind.NUMBER, ctype=ColumnType.DURATION),
    "t": Symbol("t", Kind.TEXT, nullable=True),
    "u": Symbol("u", Kind.TEXT),
    "d": Symbol("d", Kind.DATE, nullable=True),
    "e": Symbol("e", Kind.DATE),
    "m": Symbol("m", Kind.DATETIME, nullable=True),
    "k": Symbol("k", Kind.DATETIME),
    "p": Symbol("p", Kind.PERIOD, nullable=True),
    "q": Symbol("q", Kind.PERIOD),
    "f": Symbol("f", Kind.BOOLEAN),
    "given:previous": Symbol("given:previous", Kind.BOOLEAN, "previous given"),
}
_ITEMS = LookupPlan(
    "items",
    "code",
    {
        "code": ColumnSpec("code", ColumnType.TEXT, key=True),
        "name": ColumnSpec("name", ColumnType.TEXT),
        "points": ColumnSpec("points", ColumnType.INTEGER, required=False),
    },
    {"B1": {"code": "B1", "name": "第一", "points": D(5)}, "L4": {"code": "L4", "name": "迟到", "points": None}},
)
TYPED_FUNCTIONS = {"lookup": lookup_spec({"items": _ITEMS})}
_DAYS = st.dates(_dt.date(2003, 12, 1), _dt.date(2027, 2, 1))  # some days beyond the calendar too
_MOMENTS = st.datetimes(_dt.datetime(2024, 1, 1), _dt.datetime(2026, 1, 1))
_PERIODS = st.builds(Period, st.integers(2003, 2027), st.integers(1, 12))
_NUMBERS = st.sampled_from([D(0), D(1), D(-2), D("0.5"), D("3.25"), D("1E+3"), D(7), D(31), LONG])
TYPED_ENVS = st.fixed_dictionaries(
    {
        "a": st.one_of(st.none(), _NUMBERS),
        "b": _NUMBERS,
        "w": st.sampled_from([D(0), D(20), D("90.5"), D(3600)]),
        "t": st.sampled_from([None, "", "B1", "迟到", " x "]),
        "u": st.sampled_from(["L4", "=1+1", "a", "b1"]),
        "d": st.one_of(st.none(), _DAYS),
        "e": _DAYS,
        "m": st.one_of(st.none(), _MOMENTS),
        "k": _MOMENTS,
        "p": st.one_of(st.none(), _PERIODS),
        "q": _PERIODS,
        "f": st.booleans(),
        "given:previous": st.booleans(),
    }
)


def _typed_formulas() -> dict[str, st.SearchStrategy[str]]:
    n: st.SearchStrategy[str] = st.deferred(lambda: st.one_of(num_leaf, num_leaf, num_node))
    x: st.SearchStrategy[str] = st.deferred(lambda: st.one_of(text_leaf, text_leaf, text_node))
    c: st.SearchStrategy[str] = st.deferred(lambda: st.one_of(bool_leaf, bool_node))
    day: st.SearchStrategy[str] = st.deferred(lambda: st.one_of(day_leaf, day_leaf, day_node))
    mom: st.SearchStrategy[str] = st.deferred(lambda: st.one_of(mom_leaf, mom_leaf, mom_node))
    per: st.SearchStrategy[str] = st.deferred(lambda: st.one_of(per_leaf, per_leaf, per_node))
    anyday = st.one_of(day, mom)
    num_leaf = st.sampled_from(["a", "b", "w", "0", "1", "2", "0.5", "31", "7%"])
    text_leaf = st.sampled_from(["t", "u", "'x'", "'B1 '", "''"])
    bool_leaf = st.sampled_from(["f", "true", "given('previous')"])
    day_leaf = st.sampled_from(["d", "e"])
    mom_leaf = st.sampled_from(["m", "k"])
    per_leaf = st.sampled_from(["p", "q", "period('2024-05')"])
    fn = st.builds
    num_node = st.one_of(
        fn(lambda a, op, b: f"({a} {op} {b})", n, st.sampled_from(["+", "-", "*", "/"]), n),
        fn(lambda a, b: f"ratio({a}, {b})", n, n),
        fn(
            lambda f_, a, b: f"{f_}({a}, {b})",
            st.sampled_from(["days_between", "months_between", "whole_months_between"]),
            anyday,
            anyday,
        ),
        fn(lambda a, b: f"month_index({a}, {b})", anyday, st.one_of(anyday, per)),
        fn(lambda a: f"hour({a})", mom),
        fn(lambda f_, a: f"{f_}({a})", st.sampled_from(["weekday", "year"]), anyday),
        fn(lambda a, b: f"({a} - {b})", per, per),
        fn(lambda a, b: f"({a} - {b})", mom, mom),
        fn(lambda a, b: f"seconds_between({a}, {b})", mom, mom),
        fn(lambda f_, a: f"{f_}({a})", st.sampled_from(["seconds", "minutes", "hours", "abs", "ceil", "floor", "round"]), n),
        fn(
            lambda a, p_, m_: f"round({a}, {p_}, '{m_}')",
            n,
            st.sampled_from(["0", "2", "10"]),
            st.sampled_from(sorted(ROUNDING_MODES)),
        ),
        fn(lambda f_, args: f"{f_}({', '.join(args)})", st.sampled_from(["min", "max"]), st.lists(n, min_size=2, max_size=3)),
        fn(lambda a, lo, hi: f"clamp({a}, {lo}, {hi})", n, n, n),
        fn(lambda a, k_: f"({a} ** {k_})", n, st.sampled_from(["0", "2", "3"])),
        fn(lambda op, a: f"({op}{a})", st.sampled_from(["-", "+", "\u2212"]), n),
        fn(lambda a, op, b: f"({a} {op} {b})", n, st.sampled_from(["×", "÷"]), n),
        fn(lambda a: f"working_days({a})", per),
        fn(lambda a, b: f"working_days_between({a}, {b})", anyday, anyday),
        fn(lambda a: f"coalesce({a}, blank)", n),
        fn(lambda k_, d_: f"lookup('items', {k_}, 'points'{d_})", x, st.sampled_from(["", ", 0", ", blank", ", a"])),
        fn(lambda a, cond: f"({a} if {cond} else blank)", n, c),
        fn(lambda a, cond, b: f"({a} if {cond} else {b})", n, c, n),
    )
    text_node = st.one_of(
        fn(lambda a, b: f"({a} & {b})", st.one_of(x, n, day, mom, per, c), st.one_of(x, n, day, mom, per, c)),
        fn(lambda a: f"('' & {a} & blank)", st.one_of(x, n)),
        fn(lambda a: f"month({a})", anyday),
        fn(lambda a: f"week({a})", anyday),
        fn(lambda k_, d_: f"lookup('items', {k_}, 'name'{d_})", x, st.sampled_from(["", ", 'none'", ", blank", ", t"])),
        fn(lambda a, b: f"coalesce({a}, {b})", x, x),
        fn(lambda a, cond, b: f"({a} if {cond} else {b})", x, c, st.one_of(x, st.just("blank"))),
    )
    bool_node = st.one_of(
        fn(lambda a, op, b: f"({a} {op} {b})", n, st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "≤", "≥", "≠"]), n),
        # a percent against a number or a percent: 7% is 0.07 on both paths
        fn(
            lambda a, op, b: f"({a} {op} {b})",
            n,
            st.sampled_from(["<", ">=", "=="]),
            st.sampled_from(["7%", "50%", "0%", "100%", "b"]),
        ),
        fn(lambda a, b, c_: f"({a} < {b} <= {c_})", n, n, n),
        fn(lambda a, b: f"({a} != {b})", x, x),
        fn(lambda a: f"present({a})", mom),
        *(fn(lambda a, op, b: f"({a} {op} {b})", kind, st.sampled_from(["<", ">=", "=="]), kind) for kind in (day, mom, per)),
        fn(lambda a, b: f"({a} == {b})", x, x),
        fn(lambda a: f"is_working_day({a})", anyday),
        fn(lambda a: f"present({a})", st.one_of(n, x, day, per)),
        fn(lambda a, b, op: f"({a} {op} {b})", c, c, st.sampled_from(["and", "or"])),
        fn(lambda a: f"(not {a})", c),
    )
    day_node = st.one_of(
        fn(lambda a, k_: f"add_days({a}, {k_})", day, st.sampled_from(["1", "-31", "a", "0.5"])),
        fn(lambda a, k_: f"add_months({a}, {k_})", day, st.sampled_from(["1", "-13", "a", "2"])),
        fn(lambda f_, a: f"{f_}({a})", st.sampled_from(["first_day", "last_day"]), per),
        fn(lambda a: f"date({a})", anyday),
        fn(lambda a, cond, b: f"({a} if {cond} else {b})", day, c, st.one_of(day, st.just("blank"))),
    )
    mom_node = st.one_of(
        fn(lambda a, k_: f"add_days({a}, {k_})", mom, st.sampled_from(["1", "-2", "a"])),
        fn(lambda a, b: f"coalesce({a}, {b})", mom, mom),
    )
    per_node = st.one_of(
        fn(lambda a: f"period({a})", st.one_of(anyday, per, st.sampled_from(["'2024-05'", "t", "'x'"]))),
        fn(
            lambda a, op, b: f"({a} {op} {b})",
            per,
            st.sampled_from(["+", "-"]),
            st.sampled_from(["1", "12", "a", "0.5", "(1 + 1)"]),
        ),
        fn(lambda a, b: f"({a} + {b})", st.sampled_from(["1", "a"]), per),
    )
    return {"number": n, "text": x, "boolean": c, "date": day, "datetime": mom, "period": per}


TYPED = _typed_formulas()


def typed_outcome(run: Callable[[], Value]) -> tuple[str, str]:
    """(type name, exact text) of a result, or the error it raised with its message."""
    try:
        value = run()
    except EVALUATION_ERRORS as exc:
        return ("raised " + type(exc).__name__, str(exc))
    return (type(value).__name__, str(value))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(sorted(TYPED)).flatmap(lambda kind: TYPED[kind]), TYPED_ENVS)
def test_generated_python_matches_the_interpreter_for_every_kind(text: str, env: dict[str, Value]) -> None:
    try:
        expr = compile_expression(text, TYPED_SYMBOLS, TYPED_FUNCTIONS)
    except ExpressionError as exc:  # only size limits (and a text no lookup can give) may reject one
        allowed = (
            "too complex",
            "nested too deeply",
            "too long",
            "is not one of",
            "a fraction only below 1",
        )  # and the bare-percent rule (decisions.md)
        assert any(w in exc.message for w in allowed), (text, exc)
        assume(False)
        return
    assert outcome_of_both(expr, env), text


def outcome_of_both(expr: Expression, env: dict[str, Value]) -> bool:
    interpreted = typed_outcome(lambda: expr.evaluate(env))
    generated = typed_outcome(lambda: run_python(expr, env))
    assert interpreted == generated, (expr.text, interpreted, generated)
    expr.explain(env)  # every formula can be shown with its values
    return True


@pytest.mark.parametrize("kind", sorted(TYPED))
def test_every_kind_has_formulas_that_compile(kind: str) -> None:
    # the generator is useful only if what it writes type-checks: sample and count
    from hypothesis import find

    found = find(TYPED[kind], lambda text: compile_expression(text, TYPED_SYMBOLS, TYPED_FUNCTIONS).kind.value == kind)
    assert found
