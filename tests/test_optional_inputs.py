"""Optional inputs (issue 16, A.4): a run may go without a file declared ``optional: true``
(last month's results); its outputs then have no rows, and formulas ask ``given('name')``."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import PolicyError, UsageError, evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.planner.policy import Policy

POLICY = """
name: months
title: {zh: 月度, en: months}
family: test
version: "1"
rules: {R-SC-14: "two months"}
inputs:
  events:
    columns:
      agent: {type: text}
      points: {type: integer}
  previous:
    optional: true
    label: {zh: 上月结果, en: last month's results}
    columns:
      agent: {type: text}
      score: {type: integer}
outputs:
  scores:
    from: events
    key: [agent]
    columns:
      agent: agent
      score: {expr: 80 + points, type: integer}
      two_months: given('previous')
      note: "'compared with last month' if given('previous') else 'no previous month given'"
  last_month:
    from: previous
    group_by: []
    columns:
      agents: {agg: count}
      lowest: {agg: min, of: score, type: integer}
"""


def load(tmp_path: Path, body: str = POLICY) -> Policy:
    path = tmp_path / "months.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_policy(path)


def test_a_run_without_the_optional_input(tmp_path: Path) -> None:
    results = evaluate(load(tmp_path), {"events": [{"agent": "E1", "points": "5"}]})
    assert results["scores"] == [{"agent": "E1", "score": Decimal(85), "two_months": False, "note": "no previous month given"}]
    assert results["last_month"] == [{"agents": Decimal(0), "lowest": None}]  # over no rows, as over an empty file


def test_a_run_with_it(tmp_path: Path) -> None:
    tables = {"events": [{"agent": "E1", "points": "5"}], "previous": [{"agent": "E1", "score": "68"}]}
    results = evaluate(load(tmp_path), tables)
    assert results["scores"][0]["two_months"] is True
    assert results["last_month"] == [{"agents": Decimal(1), "lowest": Decimal(68)}]
    assert "two_months = yes" in results.explain("E1")


def test_the_cli_runs_without_the_file_and_says_nothing_of_it(tmp_path: Path, runner) -> None:
    policy = tmp_path / "months.yaml"
    policy.write_text(textwrap.dedent(POLICY), encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("agent,points\nE1,5\n", encoding="utf-8")
    result = runner.invoke(cli, ["run", str(policy), f"events={events}", "--only", "scores", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == ["agent,score,two_months,note", "E1,85,no,no previous month given"]
    previous = tmp_path / "previous.csv"
    previous.write_text("agent,score\nE1,68\n", encoding="utf-8")
    result = runner.invoke(cli, ["run", str(policy), f"events={events}", f"previous={previous}", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "last_month.csv").read_text(encoding="utf-8-sig").splitlines() == ["agents,lowest", "1,68"]


def test_a_required_input_is_still_required(tmp_path: Path, runner) -> None:
    policy = tmp_path / "months.yaml"
    policy.write_text(textwrap.dedent(POLICY), encoding="utf-8")
    previous = tmp_path / "previous.csv"
    previous.write_text("agent,score\nE1,68\n", encoding="utf-8")
    result = runner.invoke(cli, ["run", str(policy), f"previous={previous}"])
    assert result.exit_code == 2
    assert (
        "no file given for input 'events'; expected FILE arguments for: events (as NAME=FILE); optional: previous"
        in result.stderr
    )
    with pytest.raises(UsageError, match="no rows given for input 'events'"):
        evaluate(load(tmp_path), {"previous": []})


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("given('events')", "'events' is not an optional input; expected given('input') naming an optional input: previous"),
        ("given('previos')", "'previos' is not an optional input"),
        ("given(agent)", "given() takes the name of an optional input, in quotes"),
        ("given('previous', 1)", "given() takes the name of an optional input, in quotes"),
    ],
)
def test_given_names_an_optional_input(tmp_path: Path, formula: str, message: str) -> None:
    with pytest.raises(PolicyError) as info:
        load(tmp_path, POLICY.replace("two_months: given('previous')", f'two_months: "{formula}"'))
    assert message in str(info.value)


def test_given_without_optional_inputs(tmp_path: Path) -> None:
    body = POLICY.replace("    optional: true\n", "")
    with pytest.raises(PolicyError, match="this policy has none"):
        load(tmp_path, body)


def test_show_says_an_input_is_optional(tmp_path: Path, runner) -> None:
    policy = tmp_path / "months.yaml"
    policy.write_text(textwrap.dedent(POLICY), encoding="utf-8")
    result = runner.invoke(cli, ["show", str(policy), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert "(optional: a run may go without it):" in result.stdout
