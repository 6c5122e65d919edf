"""monthly-payroll (issue 19): a golden month for a small team, checked by hand, and the
shipped example as CSV and as .xlsx.

Skipped when a component policy (cs-scoring, leave-pay) is not shipped in this checkout.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import RunSettings, evaluate, load_policy, run_files
from cspolicy.cli.main import cli
from cspolicy.periods import Period
from cspolicy.planner.policy import shipped_policies

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "payroll"
pytestmark = pytest.mark.skipif(
    not {"cs-scoring", "leave-pay", "monthly-payroll"} <= set(shipped_policies()),
    reason="monthly-payroll needs cs-scoring and leave-pay (issues 17, 18)",
)
MAY = RunSettings(period=Period.parse("2024-05"))


def _staff(eid: str, name: str, hired: str, base: str, bonus: str, role: str = "客服") -> dict[str, str]:
    return {"工号": eid, "姓名": name, "入职日期": hired, "岗位": role, "基本工资": base, "当月奖金": bonus, "地区": "上海"}


# base 5230 and bonus 1046 make the daily rates whole: 5230 / 20.92 = 250, 1046 / 20.92 = 50
TEAM = {
    "staff": [
        _staff("E1", "甲", "2023-01-10", "5230", "1046"),
        _staff("E2", "乙", "2023-01-10", "5230", "1046"),
        _staff("E3", "丙", "2024-04-15", "5230", "1046"),
        _staff("E4", "丁", "2023-01-10", "5230", "1046"),
    ],
    "events": [
        {"工号": "E1", "日期": "2024-05-06", "考核项目": "B2"},
        {"工号": "E1", "日期": "2024-05-07", "考核项目": "B3"},
        {"工号": "E1", "日期": "2024-05-08", "考核项目": "B5"},
        {"工号": "E2", "日期": "2024-05-06", "考核项目": "L1"},
        {"工号": "E3", "日期": "2024-05-06", "考核项目": "B2"},
        {"工号": "E4", "日期": "2024-05-09", "考核项目": "S4", "赔偿金额": "120", "理由": "带出耳机"},
        {"工号": "E4", "日期": "2024-05-10", "考核项目": "L1"},
    ],
    "attendance": [{"工号": "E2", "日期": "2024-05-13", "类型": "事假", "天数": "1"}],
    "offences": [{"工号": "E2", "姓名": "乙", "日期": "2024-05-14", "违规项目": "F1"}],
}


def test_golden_month_by_hand():
    r = evaluate(load_policy("monthly-payroll"), TEAM, settings=MAY)
    rows = {row["employee_id"]: row for row in r["payroll"]}
    # E1: 80 + 5 + 5 + 5 = 95 → A; float (95 − 80) × 10 = 150; clean month and A → reward 200;
    #     total 150 − 0 − 0 − 0 + 200 = 350
    e1 = rows["E1"]
    assert (e1["score"], e1["grade"], e1["pay_float"], e1["rewards"]) == (
        Decimal("95"),
        "A",
        Decimal("150.00"),
        Decimal("200.00"),
    )
    assert e1["total_adjustment"] == Decimal("350.00")
    # E2: 80 − 2 = 78 → C; float −20; one day of personal leave: 1 × (250 + 50) = 300; F1 fine 10;
    #     total −20 − 300 − 10 = −330
    e2 = rows["E2"]
    assert (e2["grade"], e2["pay_float"], e2["leave_deductions"], e2["fines"]) == (
        "C",
        Decimal("-20.00"),
        Decimal("300.00"),
        Decimal("10.00"),
    )
    assert e2["rewards"] == Decimal("0.00") and e2["total_adjustment"] == Decimal("-330.00")
    # E3: hired 2024-04-15, May is month 2: scored (85, B) but no pay float; probation; total 0
    e3 = rows["E3"]
    assert (e3["score"], e3["pay_float"], e3["probation"], e3["total_adjustment"]) == (
        Decimal("85"),
        Decimal("0.00"),
        True,
        Decimal("0.00"),
    )
    # E4: 80 − 20 (S4) − 2 (L1) = 58 → F, below 60: dismissal; float (58 − 80) × 10 = −220;
    #     compensation 120; total −220 − 120 = −340
    e4 = rows["E4"]
    assert (e4["grade"], e4["dismissal"], e4["compensation"]) == ("F", True, Decimal("120.00"))
    assert e4["total_adjustment"] == Decimal("-340.00")
    # R-PN-4: the month's fund is the fines, 10
    assert [(f["month"], f["fines"]) for f in r["fund"]] == [("2024-05", Decimal("10.00"))]


def test_each_total_is_the_sum_of_the_components_run_alone():
    together = evaluate(load_policy("monthly-payroll"), TEAM, settings=MAY)
    scores = {r["employee_id"]: r for r in together["scoring.scores"]}
    leave = {r["employee_id"]: r for r in together["leave.deductions"]}
    fines = {r["employee_id"]: r["fines"] for r in together["fines.employees"]}
    for row in together["payroll"]:
        e = row["employee_id"]
        expected = (scores[e]["pay_float"] or 0) - scores[e]["compensation"] - leave[e]["total_deduction"]
        expected += -fines.get(e, Decimal(0)) + row["rewards"]
        assert row["total_adjustment"] == expected


def _run(tmp_path: Path, suffix: str) -> dict:
    out = tmp_path / f"payroll{suffix}.json"
    inputs = {name: str(EXAMPLE / f"{name}{suffix}") for name in ("staff", "events", "attendance", "offences")}
    run_files(load_policy("monthly-payroll"), inputs, settings=MAY, output=out)
    return json.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)


def test_example_as_csv_and_as_xlsx_gives_the_same_figures(tmp_path):
    from_csv = _run(tmp_path, ".csv")
    assert len(from_csv["payroll"]) == 30
    assert _run(tmp_path, ".xlsx") == from_csv


def test_example_workbook_in_chinese(runner, tmp_path):
    target = tmp_path / "payroll.xlsx"
    args = [f"{n}={EXAMPLE / (n + '.csv')}" for n in ("staff", "events", "attendance", "offences")]
    result = runner.invoke(cli, ["run", "monthly-payroll", *args, "--period", "2024-05", "--lang", "zh", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(target))
    assert book.sheet_names[0] == "汇总" and book.sheet_names[-1] == "说明"
    assert "payroll" in book.sheet_names and "scoring.scores" in book.sheet_names
    header = book.get_sheet_by_name("payroll").to_python()[0]
    assert header[:4] == ["工号", "姓名", "考核分", "等级"] or "调整合计" in header


def test_someone_not_on_the_staff_list_is_refused(runner, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("工号,日期,考核项目\nE99999,2024-05-06,B2\n", encoding="utf-8-sig")
    args = [f"{n}={EXAMPLE / (n + '.csv')}" for n in ("staff", "attendance", "offences")] + [f"events={events}"]
    result = runner.invoke(cli, ["run", "monthly-payroll", *args, "--period", "2024-05"])
    assert result.exit_code == 1
    assert "events.csv:2:工号: 'E99999' is not in staff (" in result.stderr


# --- the YAML cases of policies/tests/monthly-payroll (run here until `cspolicy test` exists) ------


def _cases() -> list[tuple[str, dict]]:
    import yaml

    folder = REPO / "policies" / "tests" / "monthly-payroll"
    return [(p.name, c) for p in sorted(folder.glob("*.yaml")) for c in yaml.safe_load(p.read_text("utf-8"))["cases"]]


CASES = _cases()


@pytest.mark.parametrize(("file", "case"), CASES, ids=[f"{f}:{c['name']}" for f, c in CASES])
def test_policy_yaml_case(file, case, tmp_path, runner):
    import csv
    import io

    args = ["run", "monthly-payroll", "--period", str(case["period"]), "-o", f"{tmp_path / 'out'}/"]
    for name, rows in case["inputs"].items():
        path = tmp_path / f"{name}.csv"
        header = list(dict.fromkeys(k for r in rows for k in r)) or ["工号", "日期"]
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, header)
            writer.writeheader()
            writer.writerows(rows)
        args.append(f"{name}={path}")
    result = runner.invoke(cli, args)
    if "expect_error" in case:
        assert result.exit_code == 1, result.stdout
        assert case["expect_error"] in result.stderr
        return
    assert result.exit_code == 0, result.stderr
    for output, expected in case["expect"].items():
        text = (tmp_path / "out" / f"{output}.csv").read_text("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        for want in expected:
            key = next(iter(want))
            (row,) = [r for r in rows if r[key] == str(want[key])]
            assert {k: row[k] for k in want} == {k: str(v) for k, v in want.items()}


def test_without_period_every_part_takes_the_events_month():
    r = evaluate(load_policy("monthly-payroll"), TEAM)
    assert r.settings.period == Period.parse("2024-05")
    notes = [n.message for n in r.warnings]
    assert any("no --period given: evaluating 2024-05" in m for m in notes)
    assert {row["employee_id"]: row["total_adjustment"] for row in r["payroll"]}["E1"] == Decimal("350.00")


def test_a_lookup_join_with_blank_columns_is_explained_as_found():
    r = evaluate(load_policy("monthly-payroll"), TEAM, settings=MAY, explain="E1")
    text = r.explain()
    assert "joined from staff by employee id E1: leave date (empty)" in text
    assert "no row of staff" not in text


def test_components_take_the_fused_loop_and_match_the_careful_engine(tmp_path, monkeypatch):
    # a bundle's components run as they run alone: clean files through the fused loop
    # (engine/run_bundles.py), byte for byte what the careful engine writes
    import cspolicy.engine.fastpath as fastpath

    example = Path(__file__).resolve().parent.parent / "examples" / "payroll"
    files = {n: example / f"{n}.csv" for n in ("staff", "events", "attendance", "offences")}
    policy = load_policy("monthly-payroll")
    real, used = fastpath.run_clean, []

    def spy(prep, tables, sinks=None):
        used.append(real(prep, tables, sinks))
        return used[-1]

    written = {}
    for way, clean in (("fast", spy), ("careful", lambda prep, tables, sinks=None: False)):
        with monkeypatch.context() as m:
            m.setattr(fastpath, "run_clean", clean)
            run_files(policy, files, output=tmp_path / way, settings=RunSettings(period=Period(2024, 5)))
        written[way] = {p.name: p.read_bytes() for p in sorted((tmp_path / way).iterdir()) if not p.name.endswith(".json")}
    assert True in used  # at least one component (cs-scoring's joined run) took the fused loop
    assert written["fast"] == written["careful"]
