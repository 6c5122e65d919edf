"""The workbook of a run (issue 19): summary sheet, one sheet per output (per component
output for a bundle), explanations sheet; Chinese headers, money to the cent, frozen
header rows, widths by display width, written atomically. Opened with python-calamine and
unzipped (frozen panes and number formats are in the sheet XML)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import python_calamine

from cspolicy.cli.main import cli

BUNDLES = Path(__file__).resolve().parent / "policies" / "bundles"
STAFF = "employee_id,name,base_pay\nE001,张三,5000\nE002,李四,4000.50\n"
OFFENCES = "employee_id,count\nE001,2\nE001,1\nE002,0\n"


def _run(runner, tmp_path: Path, *extra: str, offences: str = OFFENCES):
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    (tmp_path / "off.csv").write_text(offences, encoding="utf-8")
    args = ["run", str(BUNDLES / "pay.yaml"), f"staff={tmp_path / 'staff.csv'}", f"offences={tmp_path / 'off.csv'}"]
    return runner.invoke(cli, [*args, *extra])


def _book(path: Path) -> python_calamine.CalamineWorkbook:
    return python_calamine.CalamineWorkbook.from_path(str(path))


def _xml(path: Path, n: int) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode()


def test_bundle_workbook_in_chinese(runner, tmp_path):
    target = tmp_path / "pay.xlsx"
    result = _run(runner, tmp_path, "-o", str(target), "--lang", "zh", "--period", "2024-05")
    assert result.exit_code == 0, result.stderr
    book = _book(target)
    assert book.sheet_names == ["汇总", "bonus.bonuses", "fines.totals", "adjustments", "说明"]
    pay = book.get_sheet_by_name("adjustments").to_python()
    assert pay[0] == ["工号", "姓名", "奖金", "罚款合计", "调整合计"]
    # E001: 5000 × 10% = 500.00 bonus, (2 + 1) × 50 = 150.00 fines, 350.00; E002: 400.05, 0.00, 400.05
    assert pay[1] == ["E001", "张三", 500.0, 150.0, 350.0]
    assert pay[2] == ["E002", "李四", 400.05, 0.0, 400.05]
    summary = {(r[0], r[1]): r for r in book.get_sheet_by_name("汇总").to_python()[1:]}
    assert summary[("政策", "pay")][2] == "工资调整"
    assert summary[("期间", "")][2] == "2024-05" and summary[("参数日期", "")][2] == "2024-05-01"
    assert summary[("输入", "staff")][3] == 2 and summary[("输入", "offences")][3] == 3
    assert summary[("输出", "adjustments")][3] == 2
    assert summary[("合计", "adjustments.total")][4] == 750.05  # 350.00 + 400.05
    assert summary[("合计", "fines.totals.fines")][4] == 150.0
    lines = book.get_sheet_by_name("说明").to_python()
    assert lines[0] == ["对象", "说明"]
    mine = [text for key, text in lines[1:] if key == "E001"]
    assert mine[0].startswith("工资调整 · E001")
    assert any(t.startswith("组成部分 bonus（奖金）") for t in mine)
    assert any("奖金 = 500.00 [R-TB-1]" in t for t in mine)
    assert [key for key, _ in lines[1:]] == sorted(key for key, _ in lines[1:])  # one person's lines together
    for n in range(1, 6):  # every sheet's header row is frozen
        assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in _xml(target, n)
    with zipfile.ZipFile(target) as z:
        styles = z.read("xl/styles.xml").decode()
    assert 'formatCode="#,##0.00"' in styles  # money to the cent
    found = re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', _xml(target, 4))
    widths = {c: float(w) for lo, hi, w in found for c in range(int(lo), int(hi) + 1)}
    assert widths[5] >= 2 * len("调整合计")  # a Chinese character is two columns wide


def test_plain_policy_workbook_in_english(runner, tmp_path):
    stations = Path(__file__).resolve().parent.parent / "examples" / "materials" / "stations.csv"
    target = tmp_path / "orders.xlsx"
    result = runner.invoke(cli, ["run", "materials-order", str(stations), "-o", str(target), "--set", "loss=8%"])
    assert result.exit_code == 0, result.stderr
    book = _book(target)
    assert book.sheet_names == ["summary", "orders", "materials", "explanations"]
    summary = book.get_sheet_by_name("summary").to_python()
    assert summary[0] == ["item", "name", "value", "rows", "total"]
    assert ["set for this run", "loss", "8%", "", ""] in summary
    assert ["input", "stations", str(stations), 7.0, ""] in summary
    lines = book.get_sheet_by_name("explanations").to_python()
    # A站 面单 with loss 8%: 10000 × (1 + 15% + 8%) ÷ 4 = 3075
    assert any("weekly order (weekly_qty) = 3075" in text for key, text in lines if key == "A站 / 面单")


def test_a_rejected_run_leaves_the_old_workbook(runner, tmp_path):
    target = tmp_path / "pay.xlsx"
    target.write_bytes(b"old")
    result = _run(runner, tmp_path, "-o", str(target), offences=OFFENCES + "E001,many\n")
    assert result.exit_code == 1
    assert "off.csv:5:count" in result.stderr
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["off.csv", "pay.xlsx", "staff.csv"]
