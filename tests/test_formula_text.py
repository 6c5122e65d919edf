"""Formula completeness (issue 16, A.4): the blank literal, the safe ratio, text
concatenation with ``&`` and the ``list`` aggregate for a readable ``reasons`` column."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import PolicyError, evaluate, load_policy, run_files
from cspolicy.blocks.aggregate import ListOf
from cspolicy.engine.run import RunSettings
from cspolicy.expressions import ExpressionError, Symbol, compile_expression
from cspolicy.periods import Period
from cspolicy.values import ColumnType, Kind, Value

D = Decimal
SYMBOLS = {
    "a": Symbol("a", Kind.NUMBER, nullable=True),
    "b": Symbol("b", Kind.NUMBER),
    "rate": Symbol("rate", Kind.NUMBER, "loss rate", ColumnType.PERCENT),
    "code": Symbol("code", Kind.TEXT, values=frozenset({"B1", "L4"})),
    "note": Symbol("note", Kind.TEXT, nullable=True),
    "day": Symbol("day", Kind.DATE),
    "month": Symbol("month", Kind.PERIOD),
    "late": Symbol("late", Kind.BOOLEAN),
}
ENV: dict[str, Value] = {
    "a": D("3.50"),
    "b": D(0),
    "rate": D("0.155"),
    "code": "L4",
    "note": None,
    "day": dt.date(2024, 3, 15),
    "month": Period(2024, 3),
    "late": True,
}


def value(text: str, **env: Value) -> Value:
    return compile_expression(text, SYMBOLS).evaluate({**ENV, **env})


# --- blank ------------------------------------------------------------------------------------


def test_blank_takes_the_kind_of_the_other_result() -> None:
    expr = compile_expression("a if late else blank", SYMBOLS)
    assert expr.kind is Kind.NUMBER and expr.makes_blank
    assert expr.evaluate({**ENV, "late": False}) is None
    choice = compile_expression("code if late else blank", SYMBOLS)
    assert choice.result_values == frozenset({"B1", "L4"})  # the closed set survives the blank
    assert compile_expression("coalesce(note, blank)", SYMBOLS).kind is Kind.TEXT
    assert not compile_expression("a if late else 0", SYMBOLS).makes_blank


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("blank", "a formula that is always blank has no kind of value"),
        ("a + blank", "'+' needs numbers on both sides, but blank is always blank"),
        ("a == blank", "'==' with blank is never true"),
        ("present(blank)", "argument 1 of present() is always blank"),
        ("not blank", "'not' needs true/false, but blank is always blank"),
        ("blank if late else blank", "always blank has no kind"),
    ],
)
def test_blank_where_a_value_is_needed_is_a_policy_error(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, SYMBOLS)
    assert message in info.value.message


def test_comparing_with_blank_points_to_present() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("note != blank", SYMBOLS)
    assert info.value.expected is not None and "present(x)" in info.value.expected


# --- ratio ------------------------------------------------------------------------------------


def test_ratio_is_a_division_that_gives_blank_for_a_zero_denominator() -> None:
    assert value("ratio(a, 7)") == D("0.5")  # 3.50 ÷ 7
    assert value("ratio(a, b)") is None
    assert value("ratio(0, b)") is None  # 0 ÷ 0 too
    assert value("coalesce(ratio(a, b), 0)") == 0
    assert compile_expression("ratio(a, b)", SYMBOLS).makes_blank
    with pytest.raises(TypeError, match="blank"):
        value("ratio(a, 2)", a=None)  # a blank numerator is a blank in arithmetic, as a / 2 is


def test_why_a_ratio_is_blank_is_given_in_words() -> None:
    expr = compile_expression("round(ratio(a, b) * 100, 1) if late else ratio(a, b)", SYMBOLS)
    assert expr.blank_reasons({**ENV, "late": False}) == ["ratio(a, b) is blank: its denominator is 0"]
    assert expr.blank_reasons({**ENV, "b": D(2), "late": False}) == []


# --- & ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code & ' ' & a", "L4 3.50"),  # a number keeps its scale, as the output shows it
        ("'loss ' & rate", "loss 15.5%"),  # a percent column is shown as a percent
        ("'x' & a / 0.001", "x3500"),  # never an exponent (3.50 ÷ 0.001 is Decimal 3.5E+3)
        ("'on ' & day", "on 2024-03-15"),
        ("'in ' & month", "in 2024-03"),
        ("'late: ' & late", "late: yes"),
        ("'note: ' & note & '.'", "note: ."),  # a blank adds nothing
        ("'n=' & 1 + 2", "n=3"),  # & binds looser than + (as in Excel)
        ("code & (a - 0.5)", "L43.00"),
        ("'a' & 'b' == 'ab'", True),  # and tighter than comparisons
        ("('' & blank) == ''", True),
        ("'rate ' & round(rate, 2)", "rate 0.16"),  # a computed number is a plain number
    ],
)
def test_concatenation(text: str, expected: Value) -> None:
    assert value(text) == expected


def test_concatenation_is_open_text_and_shown_as_written() -> None:
    expr = compile_expression("code&' '&a", SYMBOLS)
    assert expr.kind is Kind.TEXT and expr.result_values is None
    assert expr.explain(ENV) == "code L4 & ' ' & a 3.50"


# --- the list aggregate and a reasons column, end to end ---------------------------------------------

POLICY = """
name: reasons
title: {zh: 原因, en: reasons}
family: test
version: "1"
rules: {R-SC-1: "base and cap"}
inputs:
  events:
    columns:
      agent: {type: text}
      item: {type: text}
      points: {type: integer, required: false}
      calls: {type: integer}
      answered: {type: integer}
outputs:
  events:
    from: events
    key: [agent]
    columns:
      agent: agent
      answer_rate: {expr: "ratio(answered, calls)", type: percent, round: {places: 4}}
      reason: "item & ' ' & points if present(points) else blank"
  agents:
    from: events
    group_by: [agent]
    key: [agent]
    columns:
      agent: agent
      reasons: {agg: list, of: reason}
      piped: {agg: list, of: reason, sep: ' | '}
      rates: {agg: list, of: "'' & answer_rate"}
"""
CSV = "agent,item,points,calls,answered\nE1,B1,5,10,9\nE2,L4,,0,0\nE1,L4,-3,4,4\nE1,M1,-10,0,0\n"


def _policy(tmp_path: Path, body: str = POLICY) -> Path:
    path = tmp_path / "reasons.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _rows(csv: str = CSV) -> list[dict[str, str]]:
    header, *lines = csv.splitlines()
    return [dict(zip(header.split(","), line.split(","), strict=True)) for line in lines]


def test_a_reasons_column_lists_texts_in_row_order_without_blanks(tmp_path: Path) -> None:
    results = evaluate(load_policy(_policy(tmp_path)), {"events": _rows()})
    assert [r["answer_rate"] for r in results["events"]] == [D("0.9000"), None, D("1.0000"), None]  # 9/10, 0/0, 4/4, 0/0
    agents = {r["agent"]: r for r in results["agents"]}
    assert agents["E1"]["reasons"] == "B1 5；L4 -3；M1 -10"  # the default separator is '；'
    assert agents["E1"]["piped"] == "B1 5 | L4 -3 | M1 -10"
    assert agents["E1"]["rates"] == "90%；100%"  # the blank rate adds an empty text, which is dropped
    assert agents["E2"]["reasons"] is None  # nothing to list: blank


def test_blanks_are_written_as_empty_cells_on_the_fast_path_and_the_careful_one(tmp_path: Path) -> None:
    policy = load_policy(_policy(tmp_path))
    data = tmp_path / "events.csv"
    data.write_text(CSV, encoding="utf-8")
    fast, careful = tmp_path / "fast", tmp_path / "careful"
    run_files(policy, {"events": data}, output=fast)
    run_files(policy, {"events": data}, output=careful, progress=lambda *_: None)  # progress: the careful engine
    for name in ("events.csv", "agents.csv"):
        assert (fast / name).read_bytes() == (careful / name).read_bytes()
    lines = (fast / "events.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[2] == "E2,,"  # 0 calls: no rate, no points: no reason


@pytest.mark.xfail(
    strict=True,
    reason="the explanation renderer (cspolicy.explain) does not yet show why a figure is blank or a row's warnings: lost when the plain-words renderer and the formula work met; to do in issue 16",
)
def test_the_explanation_says_why_a_ratio_is_blank(tmp_path: Path) -> None:
    results = evaluate(load_policy(_policy(tmp_path)), {"events": _rows()})
    text = results.explain("E2")
    assert (
        "answer_rate = blank: ratio(answered 0, calls 0) = blank (ratio(answered, calls) is blank: its denominator is 0)" in text
    )


def test_list_needs_text(tmp_path: Path) -> None:
    body = POLICY.replace("rates: {agg: list, of: \"'' & answer_rate\"}", "rates: {agg: list, of: answer_rate}")
    with pytest.raises(PolicyError, match="'list' lists texts, 'answer_rate' is number"):
        load_policy(_policy(tmp_path, body))


def test_sep_goes_with_list_only(tmp_path: Path) -> None:
    body = POLICY.replace("reasons: {agg: list, of: reason}", "reasons: {agg: first, of: reason, sep: ','}")
    with pytest.raises(PolicyError, match="'sep' goes with agg: list"):
        load_policy(_policy(tmp_path, body))


def test_list_accumulator_refuses_a_number() -> None:
    with pytest.raises(TypeError, match="list needs texts"):
        ListOf(",").add(None, D(1))


def test_a_blank_column_through_settings_with_a_period(tmp_path: Path) -> None:
    # a column that is blank on some rows still rounds the others once
    results = evaluate(load_policy(_policy(tmp_path)), {"events": _rows()}, settings=RunSettings())
    assert results["events"][0]["reason"] == "B1 5"
