"""Per-row parameters (issue 17): ``param_at('min_wage', month, region)`` reads a parameter
declared ``per_row: true`` for each row's own date and region, memoised per run, and the
explanation says the date the value took effect and its source.

The policy is ``tests/policies/row-parameters.yaml``: Shanghai 2690 from 2023-07-01 and 2740
from 2025-07-01, Beijing 2420 from 2023-09-01, no general value; ``rate`` an ordinary 80%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import PolicyError, evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.engine.run import RunSettings
from cspolicy.planner.parameters import DatedValue, ParameterDef
from cspolicy.row_parameters import RowParameterError, RowParameters
from cspolicy.values import ColumnType

POLICY = Path(__file__).parent / "policies" / "row-parameters.yaml"


def wages(rows, **settings):
    r = evaluate(load_policy(POLICY), {"staff": rows}, settings=RunSettings(**settings))
    return {row["employee_id"]: row for row in r["floors"]}


def test_each_row_takes_the_value_of_its_own_region_and_month():
    out = wages(
        [
            {"employee_id": "E1", "region": "shanghai", "month": "2025-06"},  # before the raise: 2690
            {"employee_id": "E2", "region": "ＳＨＡＮＧＨＡＩ ", "month": "2025-07"},  # from 2025-07-01: 2740
            {"employee_id": "E3", "region": "beijing", "month": "2025-07"},  # 2420 since 2023-09-01
        ]
    )
    assert out["E1"]["wage"] == Decimal("2690") and out["E1"]["floor"] == Decimal("2690") * Decimal("0.8")
    assert out["E2"]["wage"] == Decimal("2740") and out["E2"]["floor"] == Decimal("2192.00")  # 2740 × 80%
    assert out["E3"]["wage"] == Decimal("2420")


def test_a_moment_counts_by_its_day_and_a_blank_region_takes_the_runs():
    out = wages([{"employee_id": "E1", "region": "", "month": "2025-06", "paid": "2025-07-01 09:00"}], region="shanghai")
    assert out["E1"]["wage"] == Decimal("2690")  # June's month, Shanghai from --region
    assert out["E1"]["at_payment"] == Decimal("2740")  # paid on 2025-07-01: the new value


def test_set_replaces_a_per_row_parameter_for_every_row():
    out = wages(
        [
            {"employee_id": "E1", "region": "shanghai", "month": "2025-06"},
            {"employee_id": "E2", "region": "beijing", "month": "2020-01"},
        ],
        overrides={"min_wage": "3000"},
    )
    assert out["E1"]["wage"] == out["E2"]["wage"] == Decimal("3000")


def test_values_are_resolved_once_per_parameter_date_and_region():
    d = ParameterDef("w", ColumnType.MONEY, "w", "", "s", None, (DatedValue(dt.date(2025, 1, 1), Decimal(1), "x"),), per_row=True)
    rp = RowParameters({"w": d}, {})
    first = rp.get("w", dt.date(2025, 3, 1), "x")
    assert rp.get("w", dt.date(2025, 3, 1), "x") is first  # memoised
    assert (first.value, first.since, first.region) == (Decimal(1), dt.date(2025, 1, 1), "x")
    with pytest.raises(
        RowParameterError, match=r"has no value in force on 2024-12-31 for region x \(its first value is from 2025-01-01\)"
    ):
        rp.get("w", dt.date(2024, 12, 31), "x")


def run(runner, tmp_path, body: str, *args: str):
    (tmp_path / "staff.csv").write_text(body, encoding="utf-8")
    return runner.invoke(cli, ["run", str(POLICY), f"staff={tmp_path / 'staff.csv'}", *args])


def test_a_region_without_a_value_is_an_input_error_naming_it_and_the_known_ones(runner, tmp_path):
    result = run(runner, tmp_path, "employee_id,region,month\nE1,xizang,2025-07\n")
    assert result.exit_code == 1
    assert "staff.csv:2:region: " in result.stderr
    assert "parameter 'min_wage' has no value for region 'xizang' (regions with values: shanghai, beijing)" in result.stderr
    assert result.stdout == ""


def test_a_date_before_the_first_value_is_an_input_error_at_its_cell(runner, tmp_path):
    result = run(runner, tmp_path, "employee_id,region,month\nE1,shanghai,2020-01\n")
    assert result.exit_code == 1
    assert "staff.csv:2:month: " in result.stderr
    assert "no value in force on 2020-01-01 for region shanghai (its first value is from 2023-07-01)" in result.stderr


def test_no_region_and_no_general_value_is_an_input_error(runner, tmp_path):
    result = run(runner, tmp_path, "employee_id,region,month\nE1,,2025-07\n")
    assert result.exit_code == 1
    assert "staff.csv:2: " in result.stderr and "has no value without a region" in result.stderr


def test_errors_in_chinese(runner, tmp_path):
    result = run(runner, tmp_path, "employee_id,region,month\nE1,xizang,2025-07\n", "--lang", "zh")
    assert result.exit_code == 1
    assert "参数 'min_wage' 没有地区 'xizang' 的值（有值的地区：shanghai, beijing）" in result.stderr


def test_explanation_shows_the_value_with_the_date_it_took_effect_and_its_source(runner, tmp_path):
    body = "employee_id,region,month\nE2,shanghai,2025-07\n"
    result = run(runner, tmp_path, body, "--explain", "E2")
    assert result.exit_code == 0, result.stderr
    assert "minimum wage 2740: in force from 2025-07-01, region shanghai; source: 沪人社规〔2025〕10号" in result.stdout
    assert "minimum wage (shanghai, on 2025-07-01) 2740" in result.stdout
    result = run(runner, tmp_path, body, "--explain", "E2", "--lang", "zh")
    assert "最低工资 2740：自 2025-07-01 起生效，地区 shanghai；来源：沪人社规〔2025〕10号" in result.stdout
    result = run(runner, tmp_path, body, "--explain", "E2", "--set", "min_wage=3000")
    assert "minimum wage 3000: set for this run (--set)" in result.stdout


def load_text(tmp_path: Path, old: str, new: str):
    text = POLICY.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (tmp_path / "p.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return load_policy(tmp_path / "p.yaml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("param_at('min_wage', month, region)", "min_wage", "unknown name 'min_wage'"),
        ("param_at('min_wage', month, region)", "param_at('rate', month)", "'rate' is not a per-row parameter (per_row: true)"),
        (
            "param_at('min_wage', month, region)",
            "param_at('min_wag', month)",
            "'min_wag' is not a parameter; did you mean 'min_wage'?",
        ),
        ("param_at('min_wage', month, region)", "param_at(region, month)", "name the parameter in quotes"),
        ("param_at('min_wage', month, region)", "param_at('min_wage', region)", "argument 2 of param_at() must be a date"),
        ("param_at('min_wage', month, region)", "param_at('min_wage', month, 3)", "argument 3 of param_at() must be a region"),
        ("param_at('min_wage', month, region)", "param_at('min_wage')", "param_at() takes 2 or 3 arguments (got 1)"),
    ],
)
def test_bad_calls_are_policy_errors_at_their_line(tmp_path, old, new, message):
    with pytest.raises(PolicyError) as err:
        load_text(tmp_path, old, new)
    assert message in str(err.value)
    assert err.value.line is not None


def test_an_ordinary_parameter_still_resolves_once_per_run():
    p = load_policy(POLICY)
    assert p.parameters["min_wage"].per_row and not p.parameters["rate"].per_row
    r = evaluate(p, {"staff": [{"employee_id": "E1", "region": "beijing", "month": "2025-07"}]})
    assert "min_wage" not in r.parameters and r.parameters["rate"].value == Decimal("0.8")


def test_show_marks_a_per_row_parameter(runner):
    result = runner.invoke(cli, ["show", str(POLICY)])
    assert result.exit_code == 0, result.stderr
    assert "min_wage (minimum wage): money, per row: param_at('min_wage', …)" in result.stdout
