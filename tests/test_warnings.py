"""The warnings channel (issue 16, A.5): an output's ``warnings:`` rules, the ``Warnings``
collector core code adds to, stderr lines after the run, ``_warnings`` in JSON output,
explanations, and ``--strict``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from cspolicy import DataError, PolicyError, RunSettings, evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.engine.in_memory import memory_sources
from cspolicy.engine.run import execute, prepare
from cspolicy.notes import Warnings
from cspolicy.planner.policy import Policy

POLICY = """
name: w
title: {zh: 警告, en: warnings}
family: test
version: "1"
rules: {R-SC-2: "bonus items once a month"}
inputs:
  events:
    columns:
      agent: {type: text, aliases: [工号]}
      item: {type: text, aliases: [项目]}
      calls: {type: integer, aliases: [来电]}
outputs:
  events:
    from: events
    key: [agent]
    warnings:
      - when: calls == 0
        message: "{agent} took no calls; the rate {rate} is left blank"
        column: calls
    columns:
      agent: agent
      item: item
      rate: "ratio(1, calls)"
  agents:
    from: events
    group_by: [agent]
    key: [agent]
    warnings:
      - when: b1 > 1
        message: "B1 given {b1} times to {agent}; counted once"
        rule: R-SC-2
    columns:
      agent: agent
      b1: {agg: count_true, of: item == 'B1'}
"""
CSV = "工号,项目,来电\nE1,B1,3\nE1,B1,0\nE2,L4,5\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    policy = tmp_path / "w.yaml"
    policy.write_text(textwrap.dedent(POLICY), encoding="utf-8")
    data = tmp_path / "events.csv"
    data.write_text(CSV, encoding="utf-8")
    return policy, data


def load(tmp_path: Path, body: str = POLICY) -> Policy:
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_policy(path)


# --- the collector ----------------------------------------------------------------------------


def test_identical_notes_are_kept_once_and_counted() -> None:
    w = Warnings()
    for _ in range(3):
        w.add("no events in April", output="scores", key="E1")
    w.add("B1 given twice", file="events.csv", row=7, column="项目", rule="R-SC-2")
    assert (len(w), w.total, w.dropped) == (2, 4, 0)
    assert w.lines() == [
        "warning: output 'scores', E1: no events in April (3 times)",
        "warning: events.csv:7:项目: B1 given twice [R-SC-2]",
    ]
    assert w.as_json() == [
        {"message": "no events in April", "output": "scores", "key": "E1", "count": 3},
        {"message": "B1 given twice", "file": "events.csv", "row": 7, "column": "项目", "rule": "R-SC-2"},
    ]


def test_past_the_limits_notes_are_counted() -> None:
    w = Warnings(kept=5)
    for i in range(12):
        w.add(f"note {i}", file="f.csv", row=i + 2)
    assert (len(w), w.total, w.dropped) == (5, 12, 7)
    lines = w.lines(limit=3)
    assert lines[:3] == ["warning: f.csv:2: note 0", "warning: f.csv:3: note 1", "warning: f.csv:4: note 2"]
    assert lines[3] == "warning: … and 9 more warnings (all kept ones are in JSON output)"  # 2 shown-not + 7 dropped
    assert w.as_json()[-1] == {"message": "7 more warnings not kept", "count": 7}
    assert "… and 7 more errors not shown" in str(w.as_errors(limit=5))


def test_core_code_adds_to_the_runs_collector_and_strict_refuses(tmp_path: Path) -> None:
    policy = load(tmp_path)
    prep = prepare(policy, RunSettings(strict=True))
    prep.warnings.add("the calendar file for 2027 is a draft", file="calendar.yaml")
    with pytest.raises(DataError, match="calendar.yaml: warning treated as an error \\(--strict\\): the calendar file"):
        execute(prep, memory_sources(prep, {"events": []}), {})


# --- rules in a policy -------------------------------------------------------------------------


def test_warnings_on_rows_and_groups(tmp_path: Path) -> None:
    rows = [{"agent": "E1", "item": "B1", "calls": "3"}, {"agent": "E1", "item": "B1", "calls": "0"}]
    results = evaluate(load(tmp_path), {"events": rows})
    assert [str(n) for n in results.warnings] == [
        "events:3:calls: E1 took no calls; the rate blank is left blank",
        "output 'agents', E1: B1 given 2 times to E1; counted once [R-SC-2]",
    ]
    explained = results.explain("E1")
    row2, row3, group = explained.split("\n\n")
    assert "warning" not in row2
    assert "\n  warning: E1 took no calls; the rate blank is left blank\n" in row3
    assert group.endswith("\n  warning: B1 given 2 times to E1; counted once")
    assert "\n  警告：E1 took no calls; the rate blank is left blank\n" in results.explain("E1", lang="zh")


def test_the_cli_shows_warnings_after_the_run(files: tuple[Path, Path], runner) -> None:
    policy, data = files
    result = runner.invoke(cli, ["run", str(policy), str(data), "--only", "events", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "agent,item,rate"
    assert result.stderr.splitlines() == [f"warning: {data}:3:来电: E1 took no calls; the rate blank is left blank"]
    quiet = runner.invoke(cli, ["run", str(policy), str(data), "-q", "--only", "events", "--format", "csv"])
    assert quiet.stderr == result.stderr  # -q keeps warnings: they are about the figures


def test_json_output_holds_the_warnings_under_a_key_no_output_can_have(files: tuple[Path, Path], runner) -> None:
    policy, data = files
    result = runner.invoke(cli, ["run", str(policy), str(data), "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert list(doc) == ["events", "agents", "_warnings"]
    assert doc["_warnings"][1] == {
        "message": "B1 given 2 times to E1; counted once",
        "output": "agents",
        "key": "E1",
        "rule": "R-SC-2",
    }
    notes = json.dumps(doc["_warnings"], ensure_ascii=False, indent=2).replace("\n", "\n  ")
    assert result.stdout.endswith('\n  ],\n  "_warnings": ' + notes + "\n}\n")  # laid out as json.dumps(indent=2)
    data.write_text("工号,项目,来电\nE1,B1,3\n", encoding="utf-8")
    clean = runner.invoke(cli, ["run", str(policy), str(data), "--format", "json"])
    assert "_warnings" not in json.loads(clean.stdout)  # only when there are any


def test_strict_makes_warnings_errors_and_writes_nothing(files: tuple[Path, Path], runner, tmp_path: Path) -> None:
    policy, data = files
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", str(policy), str(data), "--strict", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"Error: {data}:3:来电: warning treated as an error (--strict): E1 took no calls; the rate blank is left blank"
    )
    assert "output 'agents', E1: warning treated as an error (--strict): B1 given 2 times" in result.stderr
    assert not out.exists()
    with pytest.raises(DataError, match="--strict"):
        evaluate(load_policy(policy), {"events": [{"agent": "E", "item": "x", "calls": "0"}]}, settings=RunSettings(strict=True))


def test_a_warning_that_cannot_be_decided_rejects_the_row(tmp_path: Path) -> None:
    body = POLICY.replace("when: calls == 0", "when: 1 / calls > 2")
    with pytest.raises(DataError, match="warning '.*took no calls.*' \\(1 / calls > 2\\): division by zero"):
        evaluate(load(tmp_path, body), {"events": [{"agent": "E1", "item": "B1", "calls": "0"}]})


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{agent} took", "{agnet} took", "message: {agnet} names nothing this warning can see; did you mean {agent}?"),
        ("when: calls == 0", "when: calls", "a warning's 'when' must be a condition"),
        ("when: calls == 0", "when: calls == 'x'", "'==' needs the same kind"),
        ("column: calls", "column: cals", "column: 'cals' is not a column of the source"),
        ("rule: R-SC-2", "rule: R-SC-9", "rule 'R-SC-9' is not listed under 'rules'"),
        ("when: b1 > 1", "when: item == 'B1'", "unknown name 'item'"),  # a group sees its key and columns only
    ],
)
def test_rule_mistakes_are_policy_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert POLICY.count(old) == 1
    with pytest.raises(PolicyError) as info:
        load(tmp_path, POLICY.replace(old, new))
    assert message in str(info.value)
    assert info.value.line is not None


def test_warning_lines_in_chinese_keep_the_policys_words():
    # the frame (prefix, place, count, the line about more) is translated; the message is the
    # policy's own text, shown as written (a policy has no Chinese label for it)
    from cspolicy.messages import warning_lines
    from cspolicy.notes import Warnings

    w = Warnings()
    w.add("E1 took no calls", file="events.csv", row=3, column="来电")
    for _ in range(2):
        w.add("B1 given 2 times to E1; counted once", output="agents", key="E1", rule="R-SC-2")
    w.add("the calendar file for 2027 is a draft", file="calendar.yaml")
    assert warning_lines(w, "zh", limit=3) == [
        "警告：events.csv:3:来电: E1 took no calls",
        "警告：输出 'agents'，E1：B1 given 2 times to E1; counted once [R-SC-2]（2 次）",
        "警告：calendar.yaml: 2027 年的日历文件还是草稿",
    ]
    assert warning_lines(w, "zh", limit=1)[-1] == "警告：……另有 3 条警告（保留的全部警告都在 JSON 输出中）"  # 2 + 1
    assert warning_lines(w, "en") == w.lines()


def test_the_cli_shows_warnings_in_chinese(files: tuple[Path, Path], runner) -> None:
    policy, data = files
    result = runner.invoke(cli, ["run", str(policy), str(data), "--only", "events", "--format", "csv", "--lang", "zh"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [f"警告：{data}:3:来电: E1 took no calls; the rate blank is left blank"]


def test_the_whole_table_group_is_called_the_total_in_chinese():
    # an output grouped without group_by has one group, named "the total" in English
    from cspolicy.messages import warning_lines
    from cspolicy.notes import Warnings

    w = Warnings()
    w.add("no events in April", output="period_check", key="the total", rule="R-SC-14")
    assert warning_lines(w, "zh")[0].startswith("警告：输出 'period_check'，合计：")
    assert "the total" not in warning_lines(w, "zh")[0]
    assert w.lines()[0] == "warning: output 'period_check', the total: no events in April [R-SC-14]"
