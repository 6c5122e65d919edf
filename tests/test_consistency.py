"""Consistency across inputs (issue 19): unknown keys, repeated rows, dates outside the
period, reported at file:row:column, as errors (default) or warnings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import DataError, PolicyError, RunSettings, evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.periods import Period

BUNDLES = Path(__file__).resolve().parent / "policies" / "bundles"

POLICY = """\
name: checked
title: {zh: 检查, en: checked}
family: test
version: "1"
rules: {R-TC-1: x}
inputs:
  staff:
    columns:
      employee_id: {type: text, label: {zh: 工号, en: employee id}}
      name: {type: text, required: false}
  events:
    columns:
      employee_id: {type: text, label: {zh: 工号, en: employee id}}
      date: {type: date, label: {zh: 日期, en: date}}
      points: {type: integer}
outputs:
  totals:
    from: events
    group_by: [employee_id]
    columns: {employee_id: employee_id, points: {agg: sum, of: points}}
consistency:
PROBLEMS
  known: [{input: events, columns: [employee_id], in: staff}]
  unique: [{input: staff, columns: [employee_id]}]
  in_period: [{input: events, column: date}]
"""


def _policy(tmp_path: Path, problems: str = "") -> Path:
    path = tmp_path / "checked.yaml"
    path.write_text(POLICY.replace("PROBLEMS\n", f"  problems: {problems}\n" if problems else ""), encoding="utf-8")
    return path


def _files(tmp_path: Path) -> list[str]:
    (tmp_path / "staff.csv").write_text("工号,name\nE001,张三\nE002,李四\ne001,张三又\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        "工号,日期,points\nE001,2024-05-03,1\nE999,2024-05-04,2\nE002,2024-06-01,3\n", encoding="utf-8"
    )
    return [f"staff={tmp_path / 'staff.csv'}", f"events={tmp_path / 'events.csv'}"]


def test_problems_are_errors_by_default_at_file_row_column(runner, tmp_path):
    result = runner.invoke(cli, ["run", str(_policy(tmp_path)), *_files(tmp_path), "--period", "2024-05"])
    assert result.exit_code == 1
    err = result.stderr
    assert "events.csv:3:工号: 'E999' is not in staff (" in err and "staff.csv)" in err
    assert "staff.csv:4:工号: 'E001' repeats row 2" in err  # e001 is E001 (a key column's one written form)
    assert "events.csv:4:日期: 2024-06-01 is outside the period 2024-05" in err
    assert result.stdout == ""


def test_problems_as_warnings_let_the_run_go_on(runner, tmp_path):
    result = runner.invoke(cli, ["run", str(_policy(tmp_path, "warning")), *_files(tmp_path), "--period", "2024-05"])
    assert result.exit_code == 0, result.stderr
    assert "events.csv:3:工号: 'E999' is not in staff (" in result.stderr
    assert "staff.csv:4:工号: 'E001' repeats row 2" in result.stderr
    assert result.stderr.startswith("warning: ")
    assert "E999" in result.stdout  # computed all the same


def test_strict_makes_the_warnings_errors(runner, tmp_path):
    args = ["run", str(_policy(tmp_path, "warning")), *_files(tmp_path), "--period", "2024-05", "--strict"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "'E999' is not in staff" in result.stderr


def test_without_period_dates_are_not_checked(runner, tmp_path):
    result = runner.invoke(cli, ["run", str(_policy(tmp_path, "warning")), *_files(tmp_path)])
    assert result.exit_code == 0
    assert "outside the period" not in result.stderr


def test_evaluate_checks_rows_in_memory(tmp_path):
    policy = load_policy(_policy(tmp_path))
    staff = [{"employee_id": "E001"}]
    events = [{"employee_id": "E001", "date": "2024-05-31", "points": "1"}, {"工号": "E404", "日期": "2024-05-01", "points": "1"}]
    with pytest.raises(DataError, match=r"events:3:employee_id: 'E404' is not in staff"):
        evaluate(policy, {"staff": staff, "events": events}, settings=RunSettings(period=Period.parse("2024-05")))
    ok = evaluate(policy, {"staff": staff, "events": events[:1]}, settings=RunSettings(period=Period.parse("2024-05")))
    assert ok["totals"][0]["points"] == Decimal(1)


def test_a_bad_name_is_a_policy_error_at_its_line(tmp_path):
    path = _policy(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("in: staff}", "in: staf}"), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"checked\.yaml:22: no input named 'staf'"):
        load_policy(path)
    path.write_text(POLICY.replace("PROBLEMS\n", "").replace("column: date}", "column: points}"), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"column 'points' of 'events' is not a date"):
        load_policy(path)


def test_a_bundle_checks_inputs_only_its_components_read(runner, tmp_path):
    for name in ("bonus.yaml", "fines.yaml"):
        (tmp_path / name).write_bytes((BUNDLES / name).read_bytes())
    text = (BUNDLES / "pay.yaml").read_text(encoding="utf-8")
    text += "consistency:\n  known: [{input: offences, columns: [employee_id], in: staff}]\n"
    (tmp_path / "pay.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "staff.csv").write_text("employee_id,name,base_pay\nE001,张三,5000\n", encoding="utf-8")
    (tmp_path / "off.csv").write_text("employee_id,count\nE001,1\nE002,1\n", encoding="utf-8")
    args = ["run", str(tmp_path / "pay.yaml"), f"staff={tmp_path / 'staff.csv'}", f"offences={tmp_path / 'off.csv'}"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "off.csv:3:employee_id: 'E002' is not in staff (" in result.stderr
