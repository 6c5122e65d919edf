"""How formulas and conditions are put into words, for any policy (issue 15): statements in
the state a row gave them, De Morgan instead of "not (…)", the branch taken; and the parts of
an explanation a custom policy exercises: defaults, long groups and ladders, the library's
structured explanations, ``show`` listing hidden columns, no hooks on an ordinary run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy import evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.engine.files import run_files
from cspolicy.engine.run import RunSettings, prepare
from cspolicy.explain import LINE_KINDS
from cspolicy.expressions import Symbol, compile_expression
from cspolicy.expressions.explain import Worded, join_words, reasons_text
from cspolicy.text import format_plain
from cspolicy.values import Kind, Value

REPO = Path(__file__).resolve().parent.parent
D = Decimal
FORBIDDEN = ("present(", "blank", "not (")


class Words:
    """A vocabulary with labels for a few names (what a policy's labels give)."""

    LABELS = {
        "en": {"x": "score", "y": "limit", "t": "kind", "f": "flagged", "d": "day"},
        "zh": {"x": "分数", "y": "上限", "t": "类型", "f": "已标记", "d": "日期"},
    }

    def __init__(self, lang: str) -> None:
        self._lang = lang

    @property
    def lang(self) -> str:
        return self._lang

    def name(self, name: str) -> str:
        return self.LABELS[self._lang].get(name, name)

    def value(self, name: str | None, value: Value) -> str:
        if value is None:
            return "(empty)" if self._lang == "en" else "（空）"
        if isinstance(value, bool):
            return ("yes", "no")[not value] if self._lang == "en" else ("是", "否")[not value]
        return format_plain(value)

    def call(self, func: str, args: Sequence[Value], phrases: Sequence[str]) -> Worded | None:
        return None


SYMBOLS = {
    "x": Symbol("x", Kind.NUMBER, nullable=True),
    "y": Symbol("y", Kind.NUMBER, nullable=True),
    "t": Symbol("t", Kind.TEXT, nullable=True),
    "f": Symbol("f", Kind.BOOLEAN, nullable=True),
    "d": Symbol("d", Kind.DATE, nullable=True),
}
ENV: dict[str, Value] = {"x": D(5), "y": D(3), "t": "a", "f": False, "d": dt.date(2024, 3, 1)}


def said(formula: str, lang: str = "en", env: dict[str, Value] | None = None) -> tuple[str, str]:
    worded = compile_expression(formula, SYMBOLS).words(ENV if env is None else env, Words(lang))
    return worded.phrase, reasons_text(worded.reasons, lang)


@pytest.mark.parametrize(
    ("formula", "phrase", "reasons"),
    [
        # a failed comparison is turned round; a negation is pushed in (no "not (…)")
        ("1 if not (x > y or f) else 2", "2", "score 5 is above limit 3"),
        ("x if not 1 <= x <= 4 else 0", "score 5", "score 5 is above 4"),
        ("x if 1 <= x <= 10 else 0", "score 5", "score 5 is at least 1 and at most 10"),
        # only what decided: the true operand of an `or`, all of a true `and`
        ("1 if (x > 1 and not f) or y > 10 else 0", "1", "score 5 is above 1 and flagged: no"),
        # text against a literal, a flag against true/false, a date, a value given or not
        ("1 if t != 'b' else 0", "1", "kind is a (not b)"),
        ("1 if f == false else 0", "1", "flagged: no"),
        ("1 if month(d) == '2024-03' else 0", "1", "month(day 2024-03-01) is 2024-03"),
        ("1 if not present(t) else 0", "0", "kind was given (a)"),
        ("x if present(t) and t == 'a' else 0", "score 5", "kind is a"),  # "was given" said once, by the value
        # a conditional inside arithmetic: the branch taken, with its reason
        ("(1 if f else 2) + x", "2 + score 5", "flagged: no"),
        ("max(0, x - y) × 2", "max(0, score 5 - limit 3) × 2", ""),
    ],
)
def test_conditions_are_statements(formula, phrase, reasons):
    assert said(formula) == (phrase, reasons)


def test_the_same_in_chinese():
    assert said("1 if not (x > y or f) else 2", "zh") == ("2", "分数 5 超过上限 3")
    assert said("x if 1 <= x <= 10 else 0", "zh") == ("分数 5", "分数 5 不低于 1 且不超过 10")
    assert said("1 if t != 'b' else 0", "zh") == ("1", "类型为 a 而非 b")
    assert said("1 if not present(t) else 0", "zh", {**ENV, "t": None}) == ("1", "未填写类型")
    assert said("(1 if f else 2) + x", "zh") == ("2 + 分数 5", "已标记：否")


def test_a_blank_reads_as_not_given_and_coalesce_as_the_default():
    env: dict[str, Value] = {**ENV, "y": None, "t": None}
    assert said("coalesce(y, 7) + x", env=env) == ("the default 7 + score 5", "no limit was given")
    assert said("coalesce(y, 7) + x", "zh", env) == ("默认值 7 + 分数 5", "未填写上限")
    assert said("1 if t == 'a' else 0", env=env) == ("0", "no kind was given")
    worded = compile_expression("coalesce(y, x)", SYMBOLS).words(env, Words("en"))
    assert worded.fallbacks == (("y", "5"),)  # the inputs line says the default applied


def test_a_condition_without_a_row_reads_in_words():
    template = compile_expression("not (present(t) and x > 3) or not f", SYMBOLS).template(Words("en"))
    assert template == "no kind was given or score ≤ 3 or flagged: no"


def test_chinese_words_join_without_spaces_between_characters():
    assert join_words(["申请数量 2200", "超过", "一周申请数量 2040"], "zh") == "申请数量 2200 超过一周申请数量 2040"
    assert join_words(["未填写", "情况说明"], "zh") == "未填写情况说明"
    assert join_words(["罚款比例（表头“罚款”）", "="], "zh") == "罚款比例（表头“罚款”）="


ATOMS = ["x > 3", "x <= y", "present(t)", "t == 'a'", "f", "1 <= x <= 9", "year(d) >= 2024", "y != 2"]


@st.composite
def conditions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 2 or draw(st.booleans()):
        return draw(st.sampled_from(ATOMS))
    kind = draw(st.sampled_from(["and", "or", "not", "if"]))
    if kind == "not":
        return f"not ({draw(conditions(depth + 1))})"
    if kind == "if":
        return f"({draw(conditions(depth + 1))}) if ({draw(conditions(depth + 1))}) else ({draw(conditions(depth + 1))})"
    return f"({draw(conditions(depth + 1))}) {kind} ({draw(conditions(depth + 1))})"


@settings(max_examples=300, deadline=None)
@given(
    condition=conditions(),
    x=st.decimals(-10, 10, places=1),
    y=st.one_of(st.none(), st.decimals(-10, 10, places=0)),
    t=st.sampled_from([None, "a", "b", "  "]),
    f=st.sampled_from([None, True, False]),
    lang=st.sampled_from(["en", "zh"]),
)
def test_any_condition_reads_as_statements(condition, x, y, t, f, lang):
    """Whatever the condition and the row: plain statements, never programmer notation, and a
    reason for every branch taken."""
    env: dict[str, Value] = {"x": x, "y": y, "t": t, "f": f, "d": dt.date(2024, 3, 1)}
    expr = compile_expression(f"1 if ({condition}) else 0", SYMBOLS)
    try:
        expr.evaluate(env)
    except TypeError:  # the row cannot be computed (a blank compared): never explained
        return
    worded = expr.words(env, Words(lang))
    text = reasons_text(worded.reasons, lang)
    assert text
    for word in FORBIDDEN:
        assert word not in text


# --- defaults, long groups and ladders (custom policies) ----------------------------------------
DEFAULTS = """\
name: defaults
title: {zh: 默认值, en: defaults}
family: test
version: "1"
description: d
rules: {R-TS-1: {zh: 规则, en: rule}}
inputs:
  s:
    columns:
      who: {type: text, label: {zh: 姓名, en: name}}
      qty: {type: integer, label: {zh: 数量, en: quantity}, required: false, default: 5}
outputs:
  out:
    from: s
    key: [who]
    columns:
      who: who
      double: {expr: qty × 2, type: integer, rule: R-TS-1, label: {zh: 两倍, en: double}}
"""


@pytest.fixture
def defaults(tmp_path: Path):
    path = tmp_path / "defaults.yaml"
    path.write_text(DEFAULTS, encoding="utf-8")
    return load_policy(path)


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("who,qty\nann,\n", "in the file: name ann, quantity: left empty in the file, so the default 5 applies"),
        ("who\nann\n", "in the file: name ann, quantity: not in the file, so the default 5 applies"),
        ("who,数量\nann,3\n", 'in the file: name ann, quantity 3 (column "数量")'),
    ],
)
def test_a_blank_that_took_its_default_says_so(defaults, tmp_path, body, line):
    src = tmp_path / "s.csv"
    src.write_text(body, encoding="utf-8")
    import io

    out = io.StringIO()
    run_files(defaults, {"s": src}, explain="ann", stdout=out)
    title, *rest = out.getvalue().splitlines()
    assert line in [r.strip() for r in rest]
    assert "blank" not in "\n".join(rest)


def test_a_default_in_memory_says_so_in_both_languages(defaults):
    results = evaluate(defaults, {"s": [{"who": "ann", "qty": None}]})
    # 5 × 2 = 10
    assert "double = 10 [R-TS-1]: quantity 5 × 2 = 10" in results.explain("ann")
    # 'who' is a key column: a value given in memory is shown in its key form (upper case)
    assert "as given: name ANN, quantity: left empty, so the default 5 applies" in results.explain("ann")
    assert "输入：姓名 ANN，数量：未填，按默认值 5" in results.explain("ann", lang="zh")


def test_a_long_group_lists_ten_rows_and_counts_the_rest():
    rows = [{"station": f"S{i}", "material": "面单", "parcels": "400", "growth": "0%"} for i in range(12)]
    results = evaluate(load_policy("materials-order"), {"stations": rows})
    text = results.explain("面单").split("\n\n")[-1]
    # each station: 400 × 1.07 ÷ 4 = 107 → 12 × 107 = 1284
    assert "from 12 rows of stations" in text.splitlines()[0]
    assert "count of rows: row 2, row 3, row 4, row 5, row 6, row 7, row 8, row 9, row 10, row 11, … and 2 more" in text
    assert "107 (row 11) + … (2 more) = 1284" in text
    assert "……另有 2 行" in results.explain("面单", lang="zh")


def test_a_long_ladder_names_the_latest_ten_and_counts_the_earlier():
    rows = [{"employee_id": "E9", "date": f"2024-03-{d:02d}", "offence": "G1"} for d in range(1, 14)]
    results = evaluate(load_policy("penalties-club"), {"offences": rows})
    last = [e for e in results.explanations("E9") if e.lines[0].text.endswith("row 14)")][0].text()
    # the 13th in March: 12 before it, the latest 10 listed (3rd to 12th), 2 more before them
    assert "earlier in this window: 2 more before these, 2024-03-03 (3rd: fine 50, row 4)" in last
    assert "2024-03-12 (12th: fine 50, row 13)" in last
    assert "this is the 13th occurrence, past the last of 3 rungs, so the last rung repeats: fine 50" in last


# --- the library and the renderer -----------------------------------------------------------------
def test_results_explain_in_either_language_and_as_structured_lines():
    rows = [{"station": "A站", "material": "面单", "parcels": "10000", "growth": "15%"}]
    results = evaluate(load_policy("materials-order"), {"stations": rows}, settings=RunSettings())
    assert results.explain("A站", lang="zh").startswith("物料申请审核 · A站 / 面单（stations 第 2 行）")
    (orders,) = [e for e in results.explanations("A站/面单", lang="en") if e.output == "orders"]
    assert orders.key == "A站 / 面单" and orders.lang == "en"
    assert orders.lines[0].kind == "title" and orders.lines[0].depth == 0
    figures = {line.column: line.text for line in orders.lines if line.kind == "figure"}
    assert figures["weekly_qty"].startswith("weekly order (weekly_qty) = 3050 [R-MT-1]")
    assert {line.kind for line in orders.lines} <= set(LINE_KINDS)
    assert orders.text() == str(orders)
    assert results.traces == [] and results.explain("A站") == results.explain("a站 ")


def test_hidden_steps_are_explained_under_the_figure_that_uses_them():
    rows = [dict(zip("unit level material parcels opening received closing unit_price".split(),
                     ["A站", "站点", "面单", "10000", "500", "10700", "500", "0.10"], strict=True))]  # fmt: skip
    (review, _) = evaluate(load_policy("materials-review"), {"review": rows}).explanations("A站")
    kinds = [(line.kind, line.column, line.depth) for line in review.lines if line.column in ("loss_rate", "exact_rate")]
    # (10700 − 10000) ÷ 10000 = 7%: the hidden exact rate is a step, one level under the loss rate
    assert kinds == [("figure", "loss_rate", 1), ("step", "exact_rate", 2)]


def test_show_lists_hidden_columns_marked(runner):
    result = runner.invoke(cli, ["show", "materials-review"])
    assert "  exact_rate (exact loss rate) (hidden: a step not in the table): percent = (consumed − parcels) ÷ parcels" in (
        result.stdout
    )
    result = runner.invoke(cli, ["show", "materials-review", "--lang", "zh"])
    assert "  exact_rate 损耗率（未取整）（中间步骤，表中不列出）：百分比 = (consumed − parcels) ÷ parcels" in result.stdout


def test_an_ordinary_run_hangs_no_explaining_hooks():
    for policy in ("materials-review", "penalties-club", "rewards-training"):
        prep = prepare(load_policy(policy), RunSettings())
        assert prep.matcher is None
        for node in prep.nodes.values():
            assert node.on_row is None and node.on_group_row is None and node.explain_group is None


@pytest.mark.parametrize("name", ["cspolicy.expressions.grammar", "cspolicy.explain.words", "cspolicy.engine.run"])
def test_doctests(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
