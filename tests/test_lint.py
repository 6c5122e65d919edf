"""``cspolicy lint`` (and its findings as ``check`` warnings), ``check`` over several files,
and every missing key of a mapping reported at once (issue 20)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy.authoring.lint import KINDS, lint_policy
from cspolicy.cli.main import cli
from cspolicy.planner.policy import load_policy

REPO = Path(__file__).resolve().parent.parent
BAD = REPO / "tests" / "policies" / "lint" / "bad.yaml"
SHIPPED = ("materials-order", "materials-review", "penalties-club", "penalties-shop", "penalties-office", "rewards-training")


def line_of(text: str) -> int:
    """The line of ``BAD`` holding ``text`` (so the tests do not hard-code line numbers)."""
    return next(i for i, line in enumerate(BAD.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.fixture(scope="module")
def findings():
    return lint_policy(load_policy(BAD), today=dt.date(2025, 1, 1))


def test_every_kind_is_seeded(findings):
    assert {f.kind for f in findings} == set(KINDS)


@pytest.mark.parametrize(
    ("kind", "anchor", "words"),
    [
        ("band-open-end", "  grade:", "bands grade: a value below the lowest band falls in no band"),
        ("unreachable-rung", "ladder: [warning, dismissal, {fine: 50}]", "offence L1: rung 3 (fine 50) is never reached"),
        ("unused-parameter", "  unused_rate:", "parameter 'unused_rate' is used by no formula"),
        ("unused-column", "remark:", "input column 'events.remark' is used by no output"),
        ("missing-label", "grade: {expr", "outputs.sanctions.columns.grade.label: no Chinese label"),
        (
            "stale-parameter",
            "2022-07-01",
            "parameter 'wage': the newest value dates from 2022-07-01, older than the review age 2y",
        ),
    ],
)
def test_each_kind_at_its_line(findings, kind, anchor, words):
    found = [f for f in findings if f.kind == kind and words in f.message]
    assert len(found) == 1, [f.text() for f in findings]
    assert found[0].line == line_of(anchor)
    assert found[0].text().startswith(f"{found[0].file}:{found[0].line}: ")


def test_the_review_age_counts_from_as_of(findings):
    # 2022-07-01 is less than two years before 2024-06-30
    later = lint_policy(load_policy(BAD), today=dt.date(2024, 6, 30))
    assert not any(f.kind == "stale-parameter" and "'wage'" in f.message for f in later)
    assert any(f.kind == "stale-parameter" and "'wage'" in f.message for f in findings)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policies_lint_clean(name):
    assert lint_policy(load_policy(name)) == []


def test_lint_cli_exit_1_with_findings(tmp_path):
    result = CliRunner().invoke(cli, ["lint", str(BAD), "--as-of", "2025-01-01"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "7 findings in 1 policy"
    assert f"{BAD}:{line_of('remark:')}: input column 'events.remark' is used by no output [unused-column]" in lines
    assert result.stderr == ""


def test_lint_cli_clean_and_unloadable(tmp_path):
    result = CliRunner().invoke(cli, ["lint", *SHIPPED])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "0 findings in 6 policies\n", "")
    gap = tmp_path / "gap.yaml"
    gap.write_text(
        BAD.read_text(encoding="utf-8").replace("{at_least: 10, outcome: late", "{at_least: 12, outcome: late"), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["lint", str(gap), "materials-order"])
    assert result.exit_code == 2
    assert f"Error: {gap}:" in result.stderr and "fall in no band" in result.stderr
    assert result.stdout == "0 findings in 2 policies\n"


def test_overlapping_bands_and_a_default_outside_its_range_are_load_errors(tmp_path):
    overlap = tmp_path / "overlap.yaml"
    overlap.write_text(
        BAD.read_text(encoding="utf-8").replace("{at_least: 10, outcome: late", "{at_least: 9, outcome: late"), encoding="utf-8"
    )
    outside = tmp_path / "outside.yaml"
    outside.write_text(
        BAD.read_text(encoding="utf-8").replace("minutes: {type: integer,", "minutes: {type: integer, min: 0, default: '-1',"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["lint", str(overlap), str(outside)])
    assert result.exit_code == 2
    assert "overlap" in result.stderr
    assert f"{outside}:{line_of('minutes: {type: integer')}: default of 'minutes': '-1' is below the minimum 0" in result.stderr


def test_check_reports_lint_findings_as_warnings(tmp_path):
    result = CliRunner().invoke(cli, ["check", str(BAD)])
    assert result.exit_code == 0
    assert "[unreachable-rung]" in result.stderr and result.stderr.startswith("warning: ")
    assert result.stdout == f"ok  {BAD}  (lint-bad: 1 outputs, 2 parameters)\n"


def test_check_checks_every_file_and_reports_every_error(tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text("name: x\ninputs:\n  a:\n    columns:\n      c: {type: text}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(one), "materials-order", "nothere"])
    assert result.exit_code == 2
    assert result.stdout == "ok  materials-order.yaml  (materials-order: 2 outputs, 2 parameters)\n"
    errors = result.stderr.splitlines()
    assert (
        errors[0]
        == f"Error: {one}: missing keys 'title', 'family', 'version', 'rules', 'outputs'; expected these keys to be present"
    )
    assert errors[1].startswith("Error: no policy named 'nothere'")


def test_missing_keys_in_chinese(tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text("name: x\ninputs:\n  a:\n    columns:\n      c: {type: text}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(one), "--lang", "zh"])
    assert result.exit_code == 2
    assert result.stderr == f"错误：{one}: 缺少键 'title', 'family', 'version', 'rules', 'outputs'；应为有这些键\n"


def test_lint_in_chinese():
    result = CliRunner().invoke(cli, ["lint", str(BAD), "--as-of", "2025-01-01", "--lang", "zh"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "1 个规则文件中共发现 7 处问题"
    assert f"{BAD}:{line_of('remark:')}: 输入列 'events.remark' 没有被任何输出使用 [unused-column]" in lines
    assert f"{BAD}:{line_of('grade: {expr')}: outputs.sanctions.columns.grade.label: 缺少中文标签 [missing-label]" in lines
    # every finding is in Chinese
    assert all(re.search("[\u4e00-\u9fff]", line) for line in lines)
