"""``cspolicy diff``: two versions of a policy on the same files (issue 20).

The expected changes are worked by hand from R-MT-1 (order = parcels × (1 + growth + loss),
weekly ÷ 4, half-week ÷ 8, rounded up) and R-MT-2 (safety stock 50%), with the loss
allowance raised from 7% to 8%.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def stations(tmp_path: Path) -> Path:
    path = tmp_path / "stations.csv"
    path.write_text(
        "站点,物料,上月实际票数,增长率\n"
        "A,面单,10000,15%\n"  # 12200 → 12300; weekly 3050 → 3075; half 1525 → 1538 (1537.5)
        "B,面单,1000,10%\n"  # 1170 → 1180; weekly 293 (292.5) → 295; half 147 (146.25) → 148 (147.5)
        "C,面单,400,13%\n"  # 480 → 484; weekly 120 → 121; half 60 → 61 (60.5)
        "D,面单,4,0%\n",  # 4.28 → 4.32: 5; weekly 2; half 1 — unchanged
        encoding="utf-8",
    )
    return path


def test_set_on_the_new_side_with_totals_checked_by_hand(stations):
    result = CliRunner().invoke(cli, ["diff", "materials-order", "--set", "loss=8%", str(stations)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "parameter loss allowance (loss): 7% → 8%"
    # monthly +100 +10 +4; weekly +25 +2 +1; half +13 +1 +1; approved = weekly
    assert lines[1] == (
        "orders: 3 of 4 rows change; monthly need +114 units in total (3 rows); weekly order +28 units in total (3 rows); "
        "half-week order +15 units in total (3 rows); approved quantity +28 units in total (3 rows)"
    )
    assert "  A/面单  weekly order: 3050 → 3075" in lines
    assert "  B/面单  half-week order: 147 → 148" in lines
    assert not any(line.startswith("  D/") for line in lines)
    # weekly issue 3465 → 3493; safety 1733 (1732.5) → 1747 (1746.5); central 5198 → 5240
    assert (
        "materials: 1 of 1 row changes; weekly issue +28 units in total (1 rows); safety stock +14 units in total (1 rows); "
        "central stock +42 units in total (1 rows)"
    ) in lines
    assert "  面单  central stock: 5198 → 5240" in lines
    assert lines[-1] == "4 rows changed in all"
    assert result.stderr == ""


def test_two_policy_files_in_chinese_and_the_comparison_file(stations, tmp_path):
    new = tmp_path / "new.yaml"
    text = (REPO / "policies" / "materials-order.yaml").read_text(encoding="utf-8")
    new.write_text(text.replace("value: 7%", "value: 8%"), encoding="utf-8")
    out = tmp_path / "changes.csv"
    result = CliRunner().invoke(cli, ["diff", "materials-order", str(new), str(stations), "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "参数 物料损耗率（loss）：7% → 8%"
    assert lines[1].startswith("物料申请审核：4 行中 3 行有变化；下月申请数量 合计 +114 件（3 行）")
    assert result.stderr == f"已写入 {out}（15 行）\n"
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["输出", "键", "列", "变化", "原值", "新值", "差额"]
    assert ["orders", "A/面单", "weekly_qty", "changed", "3050", "3075", "25"] in rows
    # A, B and C change in 4 columns each (monthly, weekly, half-week, approved), D in none;
    # the one material in 3 (weekly issue, safety stock, central stock): 12 + 3
    assert len(rows) - 1 == 15


def test_usage_errors(stations, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["diff", "materials-order", str(stations)])
    assert result.exit_code == 2 and "needs a second policy (NEW) or --set" in result.stderr
    result = runner.invoke(cli, ["diff", "materials-order", "--set", "loss=8%", str(stations), "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "written as a .csv or .xlsx file" in result.stderr
    result = runner.invoke(cli, ["diff", "materials-order", "materials-order"])
    assert result.exit_code == 2 and "cspolicy diff needs input files" in result.stderr
    shutil.copy(stations, tmp_path / "bad.csv")
    (tmp_path / "bad.csv").write_text("站点,物料,上月实际票数,增长率\nA,面单,x,1%\n", encoding="utf-8")
    result = runner.invoke(cli, ["diff", "materials-order", "--set", "loss=8%", str(tmp_path / "bad.csv")])
    assert result.exit_code == 1 and "bad.csv:2:上月实际票数" in result.stderr
