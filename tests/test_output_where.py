"""Core pieces added for the scoring policy (issue 16), each on its own, in a small policy:
an output's ``where:`` row filter, ``internal: true`` outputs, and ``default_period:`` (the
run's period from the latest date of an input column when --period is not given)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy import DataError, Period, PolicyError, RunSettings, evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.engine.run_period import latest_period

POLICY = """\
name: filter-demo
title: {zh: 筛选示例, en: filter demo}
family: test
version: "1"
rules: {R-SC-1: base}
default_period: {input: events, column: date}
inputs:
  events:
    columns:
      employee_id: {type: text}
      date: {type: date}
      points: {type: decimal, required: false}
outputs:
  in_month:
    from: events
    internal: true
    where: period(date) == period(period)
    columns: {employee_id: employee_id, points: points}
  totals:
    from: in_month
    group_by: [employee_id]
    columns: {employee_id: employee_id, points: {agg: sum, of: points}}
"""
EVENTS = [
    {"employee_id": "E001", "date": "2024-04-30", "points": "-5"},
    {"employee_id": "E001", "date": "2024-05-02", "points": "-2"},
    {"employee_id": "E002", "date": "2024-05-20", "points": "3"},
]


def load(tmp_path: Path, text: str = POLICY):
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def test_where_leaves_out_the_rows_for_which_it_is_false(tmp_path):
    r = evaluate(load(tmp_path), {"events": EVENTS}, settings=RunSettings(period=Period.parse("2024-05")))
    # April's −5 is left out: E001 −2, E002 3
    assert [(x["employee_id"], x["points"]) for x in r["totals"]] == [("E001", Decimal(-2)), ("E002", Decimal(3))]
    assert len(r["in_month"]) == 2
    r = evaluate(load(tmp_path), {"events": EVENTS}, settings=RunSettings(period=Period.parse("2024-04")))
    assert [(x["employee_id"], x["points"]) for x in r["totals"]] == [("E001", Decimal(-5))]


def test_a_where_that_cannot_be_decided_rejects_the_row(tmp_path):
    text = POLICY.replace("where: period(date) == period(period)", "where: points > 0")
    with pytest.raises(DataError) as err:
        evaluate(load(tmp_path, text), {"events": [{"employee_id": "E1", "date": "2024-05-01"}]})
    assert "where (points > 0)" in str(err.value) and "blank" in str(err.value)


def test_where_must_be_a_condition(tmp_path):
    with pytest.raises(PolicyError) as err:
        load(tmp_path, POLICY.replace("where: period(date) == period(period)", "where: points + 1"))
    assert "where: must be a condition" in str(err.value)
    assert err.value.line == POLICY.splitlines().index("    where: period(date) == period(period)") + 1


def test_internal_outputs_are_written_only_when_named(tmp_path, monkeypatch):
    load(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.csv").write_text(
        "employee_id,date,points\n" + "".join(f"{e['employee_id']},{e['date']},{e['points']}\n" for e in EVENTS), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["run", "demo.yaml", "events.csv", "--period", "2024-05", "-o", "out/"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cspolicy-run.json",
        "totals.csv",
    ]  # and the run record (issue 20)
    result = CliRunner().invoke(cli, ["run", "demo.yaml", "events.csv", "--period", "2024-05", "--only", "in_month", "-o", "o2/"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "o2").iterdir()) == ["cspolicy-run.json", "in_month.csv"]


def test_default_period_is_the_month_of_the_latest_date_said_as_a_warning(tmp_path, monkeypatch):
    r = evaluate(load(tmp_path), {"events": EVENTS})
    assert [(x["employee_id"], x["points"]) for x in r["totals"]] == [("E001", Decimal(-2)), ("E002", Decimal(3))]
    assert [n.message for n in r.warnings] == [
        "no --period given: evaluating 2024-05, the month of the latest date in events (give --period to choose)"
    ]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.csv").write_text("employee_id,date,points\nE001,2024/4/3,1\nE002,2024年3月9日,2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "demo.yaml", "events.csv", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "evaluating 2024-04" in result.stderr
    assert result.stdout.splitlines()[1:] == ["E001,1.00"]
    strict = CliRunner().invoke(cli, ["run", "demo.yaml", "events.csv", "--strict", "--format", "csv"])
    assert strict.exit_code == 1 and "warning treated as an error" in strict.stderr


def test_default_period_names_a_date_column_of_an_input(tmp_path):
    with pytest.raises(PolicyError) as err:
        load(tmp_path, POLICY.replace("{input: events, column: date}", "{input: events, column: points}"))
    assert "'points' is not a date, datetime or period column of 'events'" in str(err.value)
    with pytest.raises(PolicyError) as err:
        load(tmp_path, POLICY.replace("{input: events, column: date}", "{input: evnts, column: date}"))
    assert "unknown input 'evnts'" in str(err.value)


def test_latest_period_of_no_dates_is_none():
    assert latest_period([None, "x"]) is None
    assert latest_period([Period.parse("2024-02"), Period.parse("2023-12")]) == Period.parse("2024-02")


def test_check_and_warning_messages_in_both_languages(tmp_path, monkeypatch):
    text = POLICY.replace(
        "    columns: {employee_id: employee_id, points: points}\n",
        "    checks:\n"
        "      - require: points < 100\n"
        "        message: {en: 'points must stay below 100', zh: '分值必须小于 100'}\n"
        "        column: points\n"
        "    warnings:\n"
        "      - when: points < 0\n"
        "        message: {en: 'a deduction of {points}', zh: '扣分 {points}'}\n"
        "        column: points\n"
        "    columns: {employee_id: employee_id, points: points}\n",
    )
    load(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.csv").write_text("employee_id,date,points\nE001,2024-05-03,-2\n", encoding="utf-8")
    args = ["run", "demo.yaml", "events.csv", "--period", "2024-05", "--format", "csv"]
    en = CliRunner().invoke(cli, args)
    zh = CliRunner().invoke(cli, [*args[:1], "--lang", "zh", *args[1:]])
    assert en.exit_code == zh.exit_code == 0
    assert "events.csv:2:points: a deduction of -2" in en.stderr
    assert "警告：events.csv:2:points: 扣分 -2" in zh.stderr
    (tmp_path / "events.csv").write_text("employee_id,date,points\nE001,2024-05-03,120\n", encoding="utf-8")
    en = CliRunner().invoke(cli, args)
    zh = CliRunner().invoke(cli, [*args[:1], "--lang", "zh", *args[1:]])
    assert en.exit_code == zh.exit_code == 1
    assert "events.csv:2:points: column 'points': '120': points must stay below 100" in en.stderr
    assert "events.csv:2:points: 列 'points'：'120'：分值必须小于 100" in zh.stderr
