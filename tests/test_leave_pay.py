"""policies/leave-pay.yaml (issue 17, RULEBOOK R-LV-7..14a): golden figures with their
arithmetic written out, properties, the command line and --explain in both languages.

Unless a test says otherwise: base pay 2690, bonus 1000, Shanghai, June 2025 (minimum wage
2690 in force, so the base is not raised), divisor 20.92, money rounded once, half up.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy import evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.engine.run import RunSettings
from cspolicy.errors import DataErrors
from cspolicy.periods import Period

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "leave"
POLICY = load_policy("leave-pay")
D = Decimal
CENT = D("0.01")


def money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def pay(attendance, *, staff=None, period="2025-06", **extra):
    staff = staff or [{"employee_id": "E1", "name": "王芳", "base_pay": "2690", "bonus": "1000", "region": "shanghai"}]
    settings_ = RunSettings(period=Period.parse(period), **extra)
    r = evaluate(POLICY, {"staff": staff, "attendance": attendance}, settings=settings_)
    return r, {row["employee_id"]: row for row in r["deductions"]}


def one(kind: str, days: str, **cells):
    return {"employee_id": "E1", "date": "2025-06-03", "type": kind, "days": days, **cells}


BASE, BONUS, DIV = D(2690), D(1000), D("20.92")


# -- the cliffs -------------------------------------------------------------------------------
def test_personal_leave_below_7_days_deducts_base_and_bonus_per_day():
    _, out = pay([one("personal", "6.5")])
    assert out["E1"]["personal_deduction"] == money(D("6.5") * (BASE + BONUS) / DIV) == D("1146.51")  # 23985 ÷ 20.92


def test_personal_leave_of_7_days_stops_the_bonus():
    _, out = pay([one("personal", "7")])
    assert out["E1"]["personal_deduction"] == money(BONUS + 7 * BASE / DIV) == D("1900.10")  # 1000 + 900.0956…
    assert out["E1"]["daily_base"] == D("128.59") and out["E1"]["daily_bonus"] == D("47.80")  # 2690 ÷ 20.92, 1000 ÷ 20.92


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("6", money(6 * BASE / DIV)),  # 771.51: base only
        ("7", money(7 * BASE / DIV + BONUS / 2)),  # 1400.10: half the bonus from 7
        ("14.5", money(D("14.5") * BASE / DIV + BONUS / 2)),  # 2364.48: still half below 15
        ("15", money(15 * BASE / DIV + BONUS)),  # 2928.78: the whole bonus from 15
    ],
)
def test_sick_leave_cliffs_at_7_and_15_days(days, expected):
    _, out = pay([one("sick", days, certified="是")])
    assert out["E1"]["sick_deduction"] == expected
    assert out["E1"]["net_pay"] == BASE + BONUS - expected  # 15 days: 761.22, the domain notes' figure


def test_uncertified_sick_days_are_absenteeism_three_days_pay_each():
    _, out = pay([one("sick", "1", certified="否")])
    assert out["E1"]["sick_days"] == 0 and out["E1"]["absent_days"] == 1
    assert out["E1"]["absence_deduction"] == money(3 * (BASE + BONUS) / DIV) == D("529.16")


def test_off_post_over_10_minutes_is_half_a_day_of_absenteeism_and_lateness_20_each():
    rows = [
        {"employee_id": "E1", "date": "2025-06-03", "type": "offpost", "minutes": "11"},
        {"employee_id": "E1", "date": "2025-06-04", "type": "offpost", "minutes": "10"},  # not over 10: nothing
        {"employee_id": "E1", "date": "2025-06-05", "type": "late", "minutes": "5"},
        {"employee_id": "E1", "date": "2025-06-05", "type": "early", "minutes": "5"},
    ]
    _, out = pay(rows)
    assert out["E1"]["absent_days"] == D("0.5") and out["E1"]["late_count"] == 2
    assert out["E1"]["absence_deduction"] == money(D("0.5") * 3 * (BASE + BONUS) / DIV)  # 264.58
    assert out["E1"]["late_fines"] == D("40.00")  # 2 × 20


# -- parameters by date and region -------------------------------------------------------------
@pytest.mark.parametrize(("period", "divisor"), [("2024-12", "20.83"), ("2025-01", "20.67")])
def test_national_divisor_follows_its_dates(period, divisor):
    row = {"employee_id": "E1", "date": f"{period}-10", "type": "personal", "days": "1"}
    _, out = pay([row], period=period, overrides={"divisor_basis": "national"})
    assert out["E1"]["personal_deduction"] == money((BASE + BONUS) / D(divisor))  # 177.15, then 178.52


def test_the_divisor_is_one_set_away():
    _, handbook = pay([one("personal", "1")])
    _, national = pay([one("personal", "1")], overrides={"divisor": "20.67"})
    assert handbook["E1"]["personal_deduction"] == money((BASE + BONUS) / DIV) == D("176.39")
    assert national["E1"]["personal_deduction"] == money((BASE + BONUS) / D("20.67")) == D("178.52")


def test_the_minimum_wage_raise_lifts_the_daily_base_from_its_month():
    staff = [{"employee_id": "E1", "base_pay": "2000", "bonus": "0", "region": "上海"}]
    _, june = pay([], staff=staff, period="2025-06")
    _, july = pay([], staff=staff, period="2025-07")
    assert june["E1"]["daily_base"] == money(D(2690) / DIV) == D("128.59")  # 2690 in force on 2025-06-01
    assert july["E1"]["daily_base"] == money(D(2740) / DIV) == D("130.98")  # 2740 from 2025-07-01
    assert july["E1"]["net_pay"] == D("2740.00")  # pay at least the minimum wage


def test_staff_in_two_regions_take_their_own_minimum_wage():
    staff = [
        {"employee_id": "E1", "base_pay": "1000", "bonus": "0", "region": "beijing"},
        {"employee_id": "E2", "base_pay": "1000", "bonus": "0", "region": "深圳"},
    ]
    _, aug = pay([], staff=staff, period="2025-08")
    _, sep = pay([], staff=staff, period="2025-09")
    assert aug["E1"]["daily_base"] == money(D(2420) / DIV) and sep["E1"]["daily_base"] == money(D(2540) / DIV)
    assert aug["E2"]["daily_base"] == sep["E2"]["daily_base"] == money(D(2520) / DIV)  # Shenzhen since 2025-03-01


# -- caps and the whole month -------------------------------------------------------------------
def test_bonus_deductions_never_exceed_the_bonus():
    # 7 personal days take the whole bonus; the absent day's bonus part has nothing left to take
    _, out = pay([one("personal", "7"), {**one("absent", "1"), "date": "2025-06-20"}])
    assert out["E1"]["personal_deduction"] == money(BONUS + 7 * BASE / DIV)
    assert out["E1"]["absence_deduction"] == money(3 * BASE / DIV) == D("385.76")  # the base part only


def test_the_total_never_exceeds_the_months_pay_and_says_so():
    r, out = pay([one("absent", "10")])
    assert money(10 * 3 * (BASE + BONUS) / DIV) == D("5291.59")  # more than the pay
    assert out["E1"]["total_deduction"] == D("3690.00") and out["E1"]["net_pay"] == 0
    assert any("capped at the pay" in w.message for w in r.warnings)


def test_a_whole_month_of_sick_leave_stops_pay_and_pays_80_percent_of_the_minimum_wage():
    staff = [{"employee_id": "E1", "base_pay": "2690", "bonus": "1000", "region": "shanghai", "scheduled_days": "20"}]
    _, out = pay([one("sick", "20", certified="yes")], staff=staff)
    assert out["E1"]["total_deduction"] == D("3690.00")
    assert out["E1"]["sick_pay"] == D("2152.00") == D("0.8") * 2690
    assert out["E1"]["net_pay"] == D("2152.00") and out["E1"]["below_sick_floor"] is False


def test_a_partial_sick_month_below_the_floor_is_reported_or_topped_up():
    r, out = pay([one("sick", "15", certified="yes")])
    assert out["E1"]["net_pay"] == D("761.22") and out["E1"]["below_sick_floor"] is True
    assert any("below the sick-pay floor 2152.00" in w.message for w in r.warnings)
    _, applied = pay([one("sick", "15", certified="yes")], overrides={"sick_floor": "apply"})
    assert applied["E1"]["sick_pay"] == D("2152.00") - D("761.22") and applied["E1"]["net_pay"] == D("2152.00")


# -- the calendar: make-up working days, months split by date ----------------------------------
def test_sick_leave_over_october_2025_counts_its_18_working_days_a_whole_month():
    # 2025-10: 23 weekdays − 8 days of 国庆/中秋 (1–8 Oct) + Sat 11 Oct (make-up) = 18 (Sun 28 Sep is September's)
    row = {"employee_id": "E1", "date": "2025-10-01", "end_date": "2025-10-31", "type": "sick", "certified": "yes"}
    r, out = pay([row], period="2025-10")
    assert r["leave_days"][0]["counted"] == 18
    # scheduled 18: a whole month; Shanghai's minimum wage is 2740 since 2025-07-01
    assert out["E1"]["sick_days"] == 18 and out["E1"]["sick_pay"] == D("0.8") * 2740


def test_a_make_up_saturday_is_counted_and_the_festival_is_not():
    # 2026-02-09 to 2026-02-15: Mon–Fri 9–13 (5) + Sat 14 (make-up working day) + Sun 15 (春节 begins) = 6
    row = {"employee_id": "E1", "date": "2026-02-09", "end_date": "2026-02-15", "type": "personal"}
    r, out = pay([row], period="2026-02", staff=[{"employee_id": "E1", "base_pay": "3000", "bonus": "0", "region": "shanghai"}])
    assert out["E1"]["personal_days"] == 6


def test_leave_spanning_two_months_is_split_by_date():
    row = {"employee_id": "E1", "date": "2025-06-25", "end_date": "2025-07-04", "type": "personal"}
    _, june = pay([row], period="2025-06")  # 25, 26, 27, 30 June
    _, july = pay([row], period="2025-07")  # 1–4 July
    assert june["E1"]["personal_days"] == 4 and july["E1"]["personal_days"] == 4
    assert june["E1"]["personal_deduction"] == money(4 * (BASE + BONUS) / DIV)


def test_scheduled_days_come_from_the_calendar_without_the_staff_column():
    # 2025-01 has 19 working days: 19 sick days are a whole month, 18.5 are not
    _, whole = pay([{**one("sick", "19", certified="yes"), "date": "2025-01-06"}], period="2025-01")
    _, part = pay([{**one("sick", "18.5", certified="yes"), "date": "2025-01-06"}], period="2025-01")
    assert whole["E1"]["sick_pay"] == D("2152.00") and part["E1"]["sick_pay"] == 0


# -- properties ---------------------------------------------------------------------------------
halves = st.integers(min_value=0, max_value=50).map(lambda n: D(n) / 2)
cash = st.integers(min_value=0, max_value=2_000_000).map(lambda n: D(n) / 100)


def _rows(personal: Decimal, sick: Decimal, absent: Decimal, late: int) -> list[dict[str, str]]:
    rows = []
    for kind, n in (("personal", personal), ("sick", sick), ("absent", absent)):
        if n:
            rows.append({"employee_id": "E1", "date": "2025-06-10", "type": kind, "days": str(n), "certified": "yes"})
    rows += [{"employee_id": "E1", "date": "2025-06-11", "type": "late"}] * late
    return rows


@settings(max_examples=40, deadline=None)
@given(cash, cash, halves, halves, halves, st.integers(0, 5), st.sampled_from(["personal", "sick", "absent", "late"]))
def test_deductions_are_never_negative_never_above_pay_and_grow_with_leave(base, bonus, p, s, a, late, more):
    staff = [{"employee_id": "E1", "base_pay": str(base), "bonus": str(bonus), "region": "shanghai"}]
    _, out = pay(_rows(p, s, a, late), staff=staff)
    row = out["E1"]
    month_pay = max(base, D(2690)) + bonus
    for column in ("personal_deduction", "sick_deduction", "absence_deduction", "late_fines", "total_deduction", "net_pay"):
        assert row[column] >= 0, column
    assert row["total_deduction"] <= money(month_pay)
    bigger = (
        (p + D("0.5"), s, a, late)
        if more == "personal"
        else (p, s + D("0.5"), a, late)
        if more == "sick"
        else ((p, s, a + D("0.5"), late) if more == "absent" else (p, s, a, late + 1))
    )
    _, after = pay(_rows(*bigger), staff=staff)
    assert after["E1"]["total_deduction"] >= row["total_deduction"]


# -- the command line ---------------------------------------------------------------------------
def run(runner, *args):
    return runner.invoke(
        cli,
        [
            "run",
            "leave-pay",
            f"staff={EXAMPLES / 'staff.csv'}",
            f"attendance={EXAMPLES / 'attendance.csv'}",
            "--period",
            "2025-07",
            *args,
        ],
    )


def test_example_runs_with_chinese_headers(runner):
    result = run(runner, "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = {r["employee_id"]: r for r in json.loads(result.stdout, parse_float=Decimal)["deductions"]}
    # E001: base 2690 below Shanghai's 2740 from 2025-07-01; 6.5 personal days
    assert out["E001"]["personal_deduction"] == money(D("6.5") * (2740 + 1000) / DIV) == D("1162.05")
    # E002: sick 1–21 July = 15 working days, certified: base 5000, the whole bonus 1200
    assert out["E002"]["sick_deduction"] == money(15 * D(5000) / DIV + 1200) == D("4785.09")
    assert "a disciplinary matter" in result.stderr  # E002 late 25 minutes
    assert "below the sick-pay floor" in result.stderr


def test_explain_shows_the_arithmetic_and_the_parameters_dates_in_english(runner):
    result = run(runner, "--explain", "E001", "--only", "deductions")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "monthly minimum wage 2740: in force from 2025-07-01, region shanghai; source: 沪人社规〔2025〕10号" in text
    assert "personal leave deduction (personal_deduction) = 1162.05" in text
    assert "monthly divisor (divisor) = 20.92, in force from 2000-01-01" in text


def test_explain_in_chinese(runner):
    result = run(runner, "--explain", "王芳", "--only", "deductions", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    assert "月最低工资标准 2740：自 2025-07-01 起生效，地区 shanghai" in result.stdout
    assert "事假扣款 = 1162.05" in result.stdout
    assert "月计薪折算天数（divisor）= 20.92，自 2000-01-01 起生效" in result.stdout


def test_a_month_the_calendar_does_not_cover_is_refused_at_the_date(runner, tmp_path):
    (tmp_path / "a.csv").write_text("工号,日期,类型,天数\nE001,2027-03-02,事假,1\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["run", "leave-pay", f"staff={EXAMPLES / 'staff.csv'}", f"attendance={tmp_path / 'a.csv'}", "--period", "2027-03"]
    )
    assert result.exit_code == 1
    assert "a.csv:2:日期: " in result.stderr and "no working-day calendar for 2027-03" in result.stderr


def test_errors_are_data_errors_for_the_library():
    with pytest.raises(DataErrors, match="'E9' is not found in 'staff'"):
        pay([{"employee_id": "E9", "date": "2025-06-03", "type": "personal"}])


CALENDAR_2027 = """years: [2027]
source: a test schedule, not the published one
holidays:
  - {date: 2027-01-01, name: 元旦}
  - {from: 2027-03-01, to: 2027-03-03, name: test break}
workdays:
  - {date: 2027-03-06, name: test break}
"""


def test_a_calendar_file_covers_a_year_the_package_lacks(runner, tmp_path):
    (tmp_path / "cal.yaml").write_text(CALENDAR_2027, encoding="utf-8")
    (tmp_path / "a.csv").write_text("工号,日期,类型,结束日期\nE001,2027-03-01,事假,2027-03-07\n", encoding="utf-8")
    args = ["run", "leave-pay", f"staff={EXAMPLES / 'staff.csv'}", f"attendance={tmp_path / 'a.csv'}", "--period", "2027-03"]
    result = runner.invoke(cli, [*args, "--calendar", str(tmp_path / "cal.yaml"), "--format", "json", "--only", "leave_days"])
    assert result.exit_code == 0, result.stderr
    # 1–3 March off, Thu 4 and Fri 5 working, Sat 6 a make-up working day, Sun 7 off: 3
    assert json.loads(result.stdout)["leave_days"][0]["counted"] == 3
    (tmp_path / "bad.yaml").write_text("years: [2027]\nholidays:\n  - {date: 2027-02-30, name: x}\n", encoding="utf-8")
    result = runner.invoke(cli, [*args, "--calendar", str(tmp_path / "bad.yaml")])
    assert result.exit_code == 2
    assert "bad.yaml:3: 2027-02-30 does not exist" in result.stderr


def test_warnings_in_chinese(runner):
    result = run(runner, "--lang", "zh", "-q", "--only", "deductions")
    assert result.exit_code == 0, result.stderr
    assert "E002 2025-07-22 late 25 分钟：属纪律问题（20 分钟及以上） [R-LV-13]" in result.stderr
    assert "E002：扣款后工资 1394.91 低于病假工资下限 2192.00（最低工资的 80%） [R-LV-10]" in result.stderr
