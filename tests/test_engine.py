"""The engine through small inline policies: formulas, rounding, groups, bands, errors."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import DataError, PolicyError, RunSettings, evaluate, load_policy
from cspolicy.planner.policy import Policy

HEAD = """
name: t
title: {zh: 测试, en: test}
family: test
version: "1"
rules: {R-SC-6: "incident overrun brackets", R-SC-11: "grades"}
"""


def policy(tmp_path: Path, body: str) -> Policy:
    p = tmp_path / "t.yaml"
    p.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return load_policy(p)


OVERRUN = """
parameters:
  light: {type: decimal, description: d, source: s, values: [{from: 2020-01-01, value: "10"}]}
bands:
  overrun_points:
    outcome_type: decimal
    rule: R-SC-6
    bands:
      - {above: 0, at_most: light, outcome: "-5"}
      - {above: light, at_most: 30, outcome: "-10"}
      - {above: 30, outcome: "-20"}
    otherwise: "0"
inputs:
  events:
    columns:
      agent: {type: text}
      minutes: {type: decimal}
outputs:
  points:
    from: events
    key: [agent]
    columns:
      agent: agent
      minutes: minutes
      points: {expr: overrun_points(minutes), type: integer, rule: R-SC-6}
  per_agent:
    from: points
    group_by: [agent]
    columns:
      agent: agent
      total: {agg: sum, of: points, type: integer}
      worst: {agg: min, of: points, type: integer}
  all:
    from: points
    group_by: []
    columns:
      events: {agg: count}
      total: {agg: sum, of: points, type: integer}
"""


@pytest.mark.parametrize(
    ("minutes", "points"),
    # R-SC-6 decision: (0,10] → −5, (10,30] → −10, > 30 → −20, 0 or less → nothing
    [("0", 0), ("-3", 0), ("0.5", -5), ("10", -5), ("10.01", -10), ("30", -10), ("30.5", -20), ("600", -20)],
)
def test_numeric_band_outcomes_at_every_boundary(tmp_path: Path, minutes: str, points: int) -> None:
    r = evaluate(policy(tmp_path, OVERRUN), {"events": [{"agent": "a", "minutes": minutes}]})
    assert r["points"][0]["points"] == Decimal(points)


def test_groups_are_sorted_and_a_total_row_exists_even_without_rows(tmp_path: Path) -> None:
    p = policy(tmp_path, OVERRUN)
    rows = [{"agent": a, "minutes": m} for a, m in [("b", "5"), ("a", "40"), ("b", "12"), ("a", "0")]]
    r = evaluate(p, {"events": rows})
    # b: −5 + −10 = −15 (worst −10); a: −20 + 0 = −20 (worst −20); all: 4 events, −35
    # (agent is grouped by, so it is a key column: written in its key form, upper case)
    assert r["per_agent"] == [
        {"agent": "A", "total": Decimal(-20), "worst": Decimal(-20)},
        {"agent": "B", "total": Decimal(-15), "worst": Decimal(-10)},
    ]
    assert r["all"] == [{"events": Decimal(4), "total": Decimal(-35)}]
    empty = evaluate(p, {"events": []})
    assert empty["all"] == [{"events": Decimal(0), "total": Decimal(0)}]
    assert empty["per_agent"] == []


def test_a_parameter_bound_moves_the_band(tmp_path: Path) -> None:
    p = policy(tmp_path, OVERRUN)
    r = evaluate(p, {"events": [{"agent": "a", "minutes": "12"}]}, settings=RunSettings(overrides={"light": "15"}))
    assert r["points"][0]["points"] == Decimal(-5)  # 12 ≤ 15 now falls in the light bracket


def test_overlapping_bands_are_a_policy_error_with_the_line(tmp_path: Path) -> None:
    body = OVERRUN.replace("{above: light, at_most: 30", "{at_least: light, at_most: 30")
    with pytest.raises(PolicyError) as e:
        policy(tmp_path, body)
    assert "t.yaml:" in str(e.value) and "overlap" in str(e.value)


def test_an_override_that_breaks_the_bands_is_refused(tmp_path: Path) -> None:
    p = policy(tmp_path, OVERRUN)
    with pytest.raises(PolicyError, match="bands"):
        evaluate(p, {"events": []}, settings=RunSettings(overrides={"light": "40"}))


GRADES = """
bands:
  grade:
    bands:
      - {above: 90, outcome: A}
      - {at_least: 80, at_most: 90, outcome: B}
      - {at_least: 70, below: 80, outcome: C}
inputs:
  s: {columns: {score: {type: decimal}}}
outputs:
  g:
    from: s
    columns:
      score: score
      grade: {expr: grade(score), rule: R-SC-11}
      ok: grade(score) == 'A' or grade(score) == 'B'
"""


def test_a_value_in_no_band_rejects_the_row_naming_it(tmp_path: Path) -> None:
    p = policy(tmp_path, GRADES)
    # R-SC-11 decision: A > 90; B 80 ≤ s ≤ 90; C 70 ≤ s < 80
    r = evaluate(p, {"s": [{"score": "90"}, {"score": "90.5"}, {"score": "79.99"}]})
    assert [row["grade"] for row in r["g"]] == ["B", "A", "C"]
    with pytest.raises(DataError) as e:
        evaluate(p, {"s": [{"score": "80"}, {"score": "60"}]})
    assert ":3:" in str(e.value) and "60" in str(e.value)


def test_comparing_a_band_outcome_with_an_impossible_value_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="'E' is not one of"):
        policy(tmp_path, GRADES.replace("grade(score) == 'B'", "grade(score) == 'E'"))


DIVIDE = """
inputs:
  s: {columns: {a: {type: decimal}, b: {type: decimal, required: false}}}
outputs:
  r:
    from: s
    columns:
      a: a
      ratio: {expr: a ÷ b, type: decimal}
"""


def test_division_by_zero_and_blank_operands_are_row_errors(tmp_path: Path) -> None:
    p = policy(tmp_path, DIVIDE)
    with pytest.raises(DataError) as e:
        evaluate(p, {"s": [{"a": "1", "b": "0"}, {"a": "1", "b": ""}, {"a": "1", "b": "3"}]})
    text = str(e.value)
    assert "s:2: column 'ratio' = a ÷ b: division by zero" in text
    assert "s:3: column 'ratio' = a ÷ b (blank: b): a blank value was used in arithmetic" in text


def test_rounding_happens_once_per_figure_half_up(tmp_path: Path) -> None:
    p = policy(tmp_path, DIVIDE)
    r = evaluate(p, {"s": [{"a": "2", "b": "3"}, {"a": "-0.005", "b": "1"}, {"a": "0.125", "b": "1"}]})
    # 2 ÷ 3 = 0.666… → 0.67; −0.005 → −0.01 (half-up on the absolute value); 0.125 → 0.13
    assert [row["ratio"] for row in r["r"]] == [Decimal("0.67"), Decimal("-0.01"), Decimal("0.13")]


def test_later_columns_see_the_rounded_value_unless_round_none(tmp_path: Path) -> None:
    body = DIVIDE.replace(
        "      ratio: {expr: a ÷ b, type: decimal}",
        """      ratio: {expr: a ÷ b, type: decimal}
      exact: {expr: a ÷ b, round: none, hidden: true}
      from_rounded: {expr: ratio × 3, type: decimal}
      from_exact: {expr: exact × 3, type: decimal}""",
    )
    r = evaluate(policy(tmp_path, body), {"s": [{"a": "2", "b": "3"}]})
    # ratio 0.67 × 3 = 2.01; exact 0.666… × 3 = 2 (to 50 digits: 1.99…98 → 2.00)
    assert r["r"][0]["from_rounded"] == Decimal("2.01")
    assert r["r"][0]["from_exact"] == Decimal("2.00")
    assert "exact" not in r["r"][0]


def test_explain_matches_the_fast_path(tmp_path: Path) -> None:
    p = policy(tmp_path, OVERRUN)
    r = evaluate(p, {"events": [{"agent": "a", "minutes": "12"}]}, explain="a")
    text = r.explain("a")
    # the band (light 10, 30] holds 12: its outcome -10, said with the bounds
    assert "points = -10 [R-SC-6]: minutes 12 is above light 10 and at most 30, so it is -10" in text
    assert "[R-SC-6]" in text and "rules:" in text


def test_an_output_cycle_or_unknown_source_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="reads from 'nowhere'"):
        policy(tmp_path, DIVIDE.replace("from: s", "from: nowhere"))


def test_later_columns_only(tmp_path: Path) -> None:
    body = DIVIDE.replace("      a: a\n", "      c: {expr: ratio, type: decimal}\n      a: a\n")
    with pytest.raises(PolicyError, match="unknown name 'ratio'"):
        policy(tmp_path, body)


def test_a_formula_reuses_an_earlier_columns_exact_value_only_where_always_evaluated(tmp_path: Path) -> None:
    from cspolicy.engine.run import prepare

    body = """
inputs:
  s: {columns: {a: {type: decimal}, b: {type: decimal, required: false}}}
outputs:
  r:
    from: s
    columns:
      whole: {expr: a × 3 ÷ 7, type: decimal}
      again: {expr: a × 3 ÷ 7 + 1, type: decimal}
      guarded: {expr: "a × 3 ÷ 7 if present(b) else 0", type: decimal}
"""
    p = policy(tmp_path, body)
    source = prepare(p, RunSettings()).nodes["r"].fns.source
    assert "t1 = t0 + " in source  # again = the exact a × 3 ÷ 7 (t0) + 1, not recomputed
    assert "t0 if" not in source  # a conditional's branch is not evaluated on every path: not reused
    r = evaluate(p, {"s": [{"a": "1", "b": "2"}]})
    # exact 3/7 = 0.428571…: whole 0.43, again 1.428571… → 1.43, guarded (b present) 0.43
    assert r["r"][0] == {"whole": Decimal("0.43"), "again": Decimal("1.43"), "guarded": Decimal("0.43")}
    r = evaluate(p, {"s": [{"a": "0.0049", "b": ""}]})
    # 0.0049 × 3 ÷ 7 = 0.0021 → 0.00; again from the exact value: 1.0021 → 1.00; b blank → 0
    assert r["r"][0] == {"whole": Decimal("0.00"), "again": Decimal("1.00"), "guarded": Decimal("0")}
