"""Penalty schedules (RULEBOOK §4 R-PN-1 ladders, R-PN-2 doubling, R-PN-3 flat fines,
R-PN-6 discipline ladder, R-PN-4 fund): penalties-club, penalties-shop, penalties-office.

Every expected sanction is read off the RULEBOOK by hand (the rung for the nth occurrence
within the window, the last rung repeating); money is compared as exact Decimals.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy import DataError, Period, RunSettings, evaluate, load_policy, run_files
from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
CLUB_EXAMPLE = REPO / "examples" / "penalties" / "club-offences.csv"
HEADER = "工号,姓名,日期,违规,金额,备注\n"
D = Decimal


@pytest.fixture(scope="module")
def club():
    return load_policy("penalties-club")


@pytest.fixture(scope="module")
def shop():
    return load_policy("penalties-shop")


@pytest.fixture(scope="module")
def office():
    return load_policy("penalties-office")


def off(emp: str, date: str, code: str, amount: str | None = None, note: str | None = None) -> dict:
    r = {"employee_id": emp, "date": date, "offence": code}
    if amount is not None:
        r["amount"] = amount
    if note is not None:
        r["note"] = note
    return r


def run(policy, rows, period: str | None = None):
    settings = RunSettings(period=Period.parse(period)) if period else RunSettings()
    return evaluate(policy, {"offences": rows}, settings=settings)


def ladder(policy, code: str, n: int, *, month: str = "2024-03", amount: str | None = None):
    """Sanctions and fines of n occurrences of ``code`` by one employee on days 1..n of ``month``."""
    rows = [off("E1", f"{month}-{d:02d}", code, amount) for d in range(1, n + 1)]
    out = run(policy, rows)["sanctions"]
    assert [r["occurrence"] for r in out] == list(range(1, n + 1))
    return [(r["sanction"], r["fine"]) for r in out]


def cli_run(policy: str, *args: str):
    return CliRunner().invoke(cli, ["run", policy, *args])


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "offences.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


W = ("warning", D(0))


def fine(n: str) -> tuple[str, Decimal]:
    return ("fine", D(n))  # the sanction column holds the kind; the fine column the amount


# --- club (R-PN-1) ------------------------------------------------------------------------


def test_club_general_ladder(club):
    # general: 1st warning, 2nd 20, 3rd 50; after the last rung the last rung repeats → 4th, 5th 50
    assert ladder(club, "G1", 5) == [W, fine("20"), fine("50"), fine("50"), fine("50")]


@pytest.mark.parametrize("code", ["C1", "C2", "C3", "C4"])
def test_club_unrelated_activity_type_ladder(club, code):
    # decision: 1st warning, 2nd 10, 3rd 20; 4th repeats 20
    assert ladder(club, code, 4) == [W, fine("10"), fine("20"), fine("20")]


@pytest.mark.parametrize("code", ["C5", "C7"])
def test_club_twenty_then_fifty(club, code):
    # refusing a manager's decision / taking food: 20, then 50, then 50 again
    assert ladder(club, code, 3) == [fine("20"), fine("50"), fine("50")]


def test_club_careless_work(club):
    # warning, then 20; the 3rd repeats 20
    assert ladder(club, "C6", 3) == [W, fine("20"), fine("20")]


def test_club_c8_range_default_and_given(club):
    # 100–500: a blank amount → the minimum 100; a given 300 → 300; the ends 100 and 500 are in range
    assert ladder(club, "C8", 1) == [fine("100")]
    assert ladder(club, "C8", 1, amount="300") == [fine("300")]
    assert ladder(club, "C8", 1, amount="500") == [fine("500")]
    assert ladder(club, "C8", 1, amount="100") == [fine("100")]


@pytest.mark.parametrize("amount", ["600", "99.99", "500.01"])
def test_club_c8_amount_out_of_range_exit_1(tmp_path, amount):
    path = write(tmp_path, f"E1,王芳,2024-03-02,G1,,\nE3,赵强,2024-03-12,C8,{amount},\n")
    result = cli_run("penalties-club", str(path))
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert "offences.csv:3:" in result.stderr
    assert "100–500" in result.stderr
    assert "Traceback" not in result.stderr


def test_club_c8x_is_dismissal(club):
    res = run(club, [off("E1", "2024-03-02", "C8X")])
    assert [(r["sanction"], r["fine"]) for r in res["sanctions"]] == [("dismissal", D(0))]
    assert res["employees"][0]["flag"] == "EMPLOYMENT ENDS"


@pytest.mark.parametrize("code", ["C9", "C10"])
def test_club_fine_and_dismissal_flagged(club, code):
    # 100–500 and dismissal: default fine 100, employment ends
    res = run(club, [off("E4", "2024-03-20", code), off("E5", "2024-03-20", code, "250")])
    assert [(r["employee_id"], r["sanction"], r["fine"]) for r in res["sanctions"]] == [
        ("E4", "fine+dismissal", D(100)),
        ("E5", "fine+dismissal", D(250)),
    ]
    assert [(e["employee_id"], e["outcome"], e["flag"]) for e in res["employees"]] == [
        ("E4", "dismissal", "EMPLOYMENT ENDS"),
        ("E5", "dismissal", "EMPLOYMENT ENDS"),
    ]


def test_club_fixed_fine_rejects_another_amount(club):
    # the 2nd G1 is a fixed 20; an amount of 30 contradicts it
    with pytest.raises(DataError, match="20"):
        run(club, [off("E1", "2024-03-01", "G1"), off("E1", "2024-03-02", "G1", "30")])


def test_club_warning_rejects_an_amount(club):
    with pytest.raises(DataError, match="warning"):
        run(club, [off("E1", "2024-03-01", "G1", "20")])


def test_club_month_edge(club):
    # 03-31 and 04-01 are in different natural months: April's G1 is occurrence 1 (warning)
    rows = [off("E1", "2024-03-30", "G1"), off("E1", "2024-03-31", "G1"), off("E1", "2024-04-01", "G1")]
    out = run(club, rows)["sanctions"]
    assert [(r["date"], r["occurrence"], r["sanction"]) for r in out] == [
        (dt.date(2024, 3, 30), 1, "warning"),
        (dt.date(2024, 3, 31), 2, "fine"),
        (dt.date(2024, 4, 1), 1, "warning"),
    ]


def test_club_year_edge_same_month_number(club):
    # 2024-03 and 2025-03 are different months: each restarts at warning
    out = run(club, [off("E1", "2024-03-10", "G1"), off("E1", "2025-03-10", "G1")])["sanctions"]
    assert [r["occurrence"] for r in out] == [1, 1]


def test_club_rows_out_of_order_are_sorted(club):
    # given in reverse; sorted by employee, then date: E1 03-02 (1st, warning), E1 03-09 (2nd, 20),
    # E1 03-20 (3rd, 50); E2 03-01 (1st, warning)
    rows = [
        off("E2", "2024-03-01", "G1", note="e2"),
        off("E1", "2024-03-20", "G1", note="c"),
        off("E1", "2024-03-09", "G1", note="b"),
        off("E1", "2024-03-02", "G1", note="a"),
    ]
    out = run(club, rows)["sanctions"]
    assert [(r["employee_id"], r["note"], r["occurrence"], r["fine"]) for r in out] == [
        ("E1", "a", 1, D(0)),
        ("E1", "b", 2, D(20)),
        ("E1", "c", 3, D(50)),
        ("E2", "e2", 1, D(0)),
    ]


def test_club_same_day_keeps_input_order(club):
    # three G1 on the same day: input order decides warning / 20 / 50
    rows = [off("E1", "2024-03-09", "G1", note=n) for n in ("first", "second", "third")]
    out = run(club, rows)["sanctions"]
    assert [(r["note"], r["sanction"]) for r in out] == [("first", "warning"), ("second", "fine"), ("third", "fine")]


def test_club_counts_per_employee_and_offence(club):
    # E1: C1, C1 (warning, 10), C3 (its own 1st: warning); E2: C1 (1st: warning)
    rows = [
        off("E1", "2024-03-05", "C1"),
        off("E2", "2024-03-06", "C1"),
        off("E1", "2024-03-18", "C1"),
        off("E1", "2024-03-25", "C3"),
    ]
    out = run(club, rows)["sanctions"]
    assert [(r["employee_id"], r["offence"], r["occurrence"], r["sanction"]) for r in out] == [
        ("E1", "C1", 1, "warning"),
        ("E1", "C1", 2, "fine"),
        ("E1", "C3", 1, "warning"),
        ("E2", "C1", 1, "warning"),
    ]


@pytest.mark.parametrize("name", ["违反前台规章制度", "breach of front-desk rules"])
def test_club_offence_by_name(club, name):
    # G1 named by its Chinese or English name counts as G1
    out = run(club, [off("E1", "2024-03-01", "G1"), off("E1", "2024-03-02", name)])["sanctions"]
    assert [(r["offence"], r["offence_name"], r["sanction"]) for r in out] == [
        ("G1", "违反前台规章制度", "warning"),
        ("G1", "违反前台规章制度", "fine"),
    ]


def test_club_unknown_code_exit_1_lists_codes(tmp_path):
    path = write(tmp_path, "E1,王芳,2024-03-02,G1,,\nE2,李明,2024-03-03,ZZ9,,\n")
    result = cli_run("penalties-club", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    (err,) = [ln for ln in result.stderr.splitlines() if "offences.csv:" in ln]
    assert "offences.csv:3:" in err and "ZZ9" in err
    for code in ("G1", "C1", "C5", "C8", "C8X", "C9", "C10"):
        assert code in err


def test_club_date_outside_period_exit_1(tmp_path):
    path = write(tmp_path, "E1,王芳,2024-03-02,G1,,\nE1,王芳,2024-04-02,G1,,\n")
    result = cli_run("penalties-club", str(path), "--period", "2024-03")
    assert result.exit_code == 1
    assert result.stdout == ""
    (err,) = [ln for ln in result.stderr.splitlines() if "offences.csv:" in ln]
    assert "offences.csv:3:" in err
    assert "日期" in err or "date" in err
    assert "2024-03" in err


def test_club_period_accepts_its_own_month(club):
    rows = [off("E1", "2024-03-01", "G1"), off("E1", "2024-03-31", "G1")]
    assert [r["fine"] for r in run(club, rows, period="2024-03")["sanctions"]] == [D(0), D(20)]


def test_club_employees_and_fund(club):
    rows = [
        off("E1", "2024-03-02", "G1"),
        off("E1", "2024-03-09", "G1"),
        off("E1", "2024-03-30", "G1"),  # 0, 20, 50
        off("E1", "2024-04-01", "C5"),  # C5 1st: 20 (April)
        off("E2", "2024-03-05", "C1"),
        off("E2", "2024-03-18", "C1"),  # warning, 10
        off("E3", "2024-03-12", "C9", "300"),
        off("E3", "2024-03-13", "G1"),  # 300 + dismissal, warning
    ]
    res = run(club, rows)
    emp = {e["employee_id"]: e for e in res["employees"]}
    # E1: 4 offences, 0 + 20 + 50 + 20 = 90; gravest: fines only, largest 50
    assert (emp["E1"]["offences"], emp["E1"]["fines"], emp["E1"]["outcome"], emp["E1"]["flag"]) == (4, D(90), "fine", "")
    # E2: 2 offences, 10; gravest fine 10 (a fine is graver than a warning)
    assert (emp["E2"]["offences"], emp["E2"]["fines"], emp["E2"]["outcome"]) == (2, D(10), "fine")
    # E3: 2 offences, 300; gravest the dismissal
    assert (emp["E3"]["offences"], emp["E3"]["fines"], emp["E3"]["outcome"], emp["E3"]["flag"]) == (
        2,
        D(300),
        "dismissal",
        "EMPLOYMENT ENDS",
    )
    # fund per month: March 20 + 50 + 10 + 300 = 380 over 7 offences; April 20 over 1
    assert [(f["month"], f["offences"], f["fines"]) for f in res["fund"]] == [("2024-03", 7, D(380)), ("2024-04", 1, D(20))]


# examples/penalties/club-offences.csv, by hand:
#  E001 G1 03-02 warning 0; 03-09 20; 03-30 (by Chinese name) 50; 03-31 50 (repeat); 04-01 warning (new month)
#  E002 C1 03-05 warning; 03-18 10; C3 03-25 warning (C3's own 1st)
#  E003 C8 03-12 amount 300 → 300
#  E004 C9 03-20 → 100 + dismissal
# employees: E001 5 offences 120 (20+50+50), fine 50; E002 3, 10, fine 10; E003 1, 300; E004 1, 100, dismissal
# fund: March 9 offences, 20+50+50+10+300+100 = 530; April 1 offence, 0
def test_club_shipped_example_by_hand(club):
    out = io.StringIO()
    report = run_files(club, {"offences": CLUB_EXAMPLE}, fmt="json", stdout=out)
    doc = json.loads(out.getvalue(), parse_float=Decimal)
    assert report.rows == {"sanctions": 10, "employees": 4, "fund": 2}
    assert [(s["employee_id"], s["date"], s["offence"], s["occurrence"], s["sanction"], s["fine"]) for s in doc["sanctions"]] == [
        ("E001", "2024-03-02", "G1", 1, "warning", D(0)),
        ("E001", "2024-03-09", "G1", 2, "fine", D(20)),
        ("E001", "2024-03-30", "G1", 3, "fine", D(50)),
        ("E001", "2024-03-31", "G1", 4, "fine", D(50)),
        ("E001", "2024-04-01", "G1", 1, "warning", D(0)),
        ("E002", "2024-03-05", "C1", 1, "warning", D(0)),
        ("E002", "2024-03-18", "C1", 2, "fine", D(10)),
        ("E002", "2024-03-25", "C3", 1, "warning", D(0)),
        ("E003", "2024-03-12", "C8", 1, "fine", D(300)),
        ("E004", "2024-03-20", "C9", 1, "fine+dismissal", D(100)),
    ]
    assert [(e["employee_id"], e["name"], e["offences"], e["fines"], e["outcome"], e["flag"]) for e in doc["employees"]] == [
        ("E001", "王芳", 5, D(120), "fine", ""),
        ("E002", "李明", 3, D(10), "fine", ""),
        ("E003", "赵强", 1, D(300), "fine", ""),
        ("E004", "孙丽", 1, D(100), "dismissal", "EMPLOYMENT ENDS"),
    ]
    assert [(f["month"], f["offences"], f["fines"]) for f in doc["fund"]] == [("2024-03", 9, D(530)), ("2024-04", 1, D(0))]


# --- shop (R-PN-2) --------------------------------------------------------------------------


def test_shop_doubling_then_resignation(shop):
    # 1st 50, 2nd doubled 100, 3 or more → automatic resignation (4th too)
    assert ladder(shop, "S1", 4) == [fine("50"), fine("100"), ("resignation", D(0)), ("resignation", D(0))]


def test_shop_new_month_restarts(shop):
    rows = [off("E1", "2024-03-05", "S1"), off("E1", "2024-03-06", "S1"), off("E1", "2024-04-02", "S1")]
    res = run(shop, rows)
    # March 50, 100; April restarts at 50
    assert [r["fine"] for r in res["sanctions"]] == [D(50), D(100), D(50)]
    assert [(f["month"], f["fines"]) for f in res["fund"]] == [("2024-03", D(150)), ("2024-04", D(50))]


def test_shop_resignation_ends_employment(shop):
    res = run(
        shop, [off("E1", f"2024-03-{d:02d}", "因服务原因收到买家投诉") for d in (1, 2, 3)] + [off("E2", "2024-03-01", "S1")]
    )
    emp = {e["employee_id"]: e for e in res["employees"]}
    # E1: 50 + 100 = 150, outcome resignation, flagged; E2: 50, no flag
    assert (emp["E1"]["fines"], emp["E1"]["outcome"], emp["E1"]["flag"]) == (D(150), "resignation", "EMPLOYMENT ENDS")
    assert (emp["E2"]["fines"], emp["E2"]["outcome"], emp["E2"]["flag"]) == (D(50), "fine", "")


# --- office (R-PN-3, R-PN-6) ----------------------------------------------------------------


@pytest.mark.parametrize(("code", "amount"), [("F1", "10"), ("F2", "10"), ("F3", "10"), ("F5", "10"), ("F6", "20")])
def test_office_flat_fines_repeat(office, code, amount):
    # a flat fine is the same every time: 4 occurrences → 4 × the amount
    assert ladder(office, code, 4) == [fine(amount)] * 4


def test_office_f4_range(office):
    # 10–200, default 10
    assert ladder(office, "F4", 1) == [fine("10")]
    assert ladder(office, "F4", 2, amount="200") == [fine("200"), fine("200")]


@pytest.mark.parametrize("amount", ["201", "9.99"])
def test_office_f4_out_of_range(office, amount):
    with pytest.raises(DataError, match="10–200"):
        run(office, [off("E1", "2024-03-01", "F4", amount)])


def test_office_f4x_dismissal(office):
    res = run(office, [off("E1", "2024-03-01", "F4X")])
    assert res["sanctions"][0]["sanction"] == "dismissal"
    assert res["employees"][0]["flag"] == "EMPLOYMENT ENDS"


def test_office_discipline_ladder_within_a_year(office):
    # warning → written warning → fine (amount given: 80) → suspension → dismissal, counted per calendar
    # year: the months in between do not restart it
    dates = ["2024-01-15", "2024-03-02", "2024-06-30", "2024-09-01", "2024-12-31"]
    rows = [off("E1", d, "D1", "80" if i == 2 else None) for i, d in enumerate(dates)]
    res = run(office, rows)
    assert [(r["occurrence"], r["sanction"], r["fine"]) for r in res["sanctions"]] == [
        (1, "warning", D(0)),
        (2, "written_warning", D(0)),
        (3, "fine", D(80)),
        (4, "suspension", D(0)),
        (5, "dismissal", D(0)),
    ]
    assert (res["employees"][0]["outcome"], res["employees"][0]["flag"]) == ("dismissal", "EMPLOYMENT ENDS")


def test_office_discipline_restarts_next_year(office):
    # 2024-12-30, 2024-12-31 → warning, written warning; 2025-01-01 → a new year: warning again
    rows = [off("E1", "2024-12-30", "D1"), off("E1", "2024-12-31", "D1"), off("E1", "2025-01-01", "D1")]
    out = run(office, rows)["sanctions"]
    assert [(r["occurrence"], r["sanction"]) for r in out] == [(1, "warning"), (2, "written_warning"), (1, "warning")]


def test_office_discipline_fine_needs_an_amount(office):
    rows = [off("E1", f"2024-03-0{d}", "D1") for d in (1, 2, 3)]
    with pytest.raises(DataError, match="amount"):
        run(office, rows)


def test_office_dismissal_ladder_does_not_repeat(office):
    rows = [off("E1", f"2024-0{m}-01", "D1", "50" if m == 3 else None) for m in range(1, 7)]
    sixth = run(office, rows)["sanctions"][5]
    assert sixth["occurrence"] == 6
    assert sixth["sanction"] != "dismissal"


def test_office_gravest_sanction_not_largest_fine(office):
    # D1 ×4 → warning, written warning, fine 30, suspension; plus F4 200.
    # fines 30 + 200 = 230; the gravest sanction is the suspension (graver than any fine)
    rows = [
        off("E1", "2024-03-01", "D1"),
        off("E1", "2024-03-02", "D1"),
        off("E1", "2024-03-03", "D1", "30"),
        off("E1", "2024-03-04", "D1"),
        off("E1", "2024-03-05", "F4", "200"),
    ]
    (emp,) = run(office, rows)["employees"]
    assert (emp["offences"], emp["fines"], emp["outcome"], emp["flag"]) == (5, D(230), "suspension", "")


def test_office_unknown_code_lists_office_codes(office):
    with pytest.raises(DataError) as info:
        run(office, [off("E1", "2024-03-01", "G1")])
    text = str(info.value)
    for code in ("F1", "F2", "F3", "F4", "F4X", "F5", "F6", "D1"):
        assert code in text


# --- 30 000 rows through run_files (functional, not timed) -----------------------------------

LADDERS = {  # hand-written from R-PN-1: fine of the nth occurrence within a month, last repeating
    "G1": [0, 20, 50],
    "C1": [0, 10, 20],
    "C5": [20, 50],
    "C6": [0, 20],
    "C7": [20, 50],
}


def test_thirty_thousand_offences_fund_matches_sanctions(club, tmp_path):
    rng = random.Random(20240301)
    path = tmp_path / "offences.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["工号", "日期", "违规"])
        for _ in range(30_000):
            w.writerow(
                [
                    f"E{rng.randrange(400):03d}",
                    f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(list(LADDERS)),
                ]
            )
    out = tmp_path / "out"
    report = run_files(club, {"offences": path}, output=out)
    assert report.rows["sanctions"] == 30_000

    def read(name: str) -> list[dict[str, str]]:
        with (out / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    sanctions, fund, employees = read("sanctions"), read("fund"), read("employees")
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for s in sanctions:
        assert D(s["fine"]) >= 0
        by_month[s["date"][:7]] += D(s["fine"])
    assert {f["month"]: D(f["fines"]) for f in fund} == dict(by_month)
    assert sum(D(f["fines"]) for f in fund) == sum(D(e["fines"]) for e in employees) == sum(by_month.values())
    assert sum(int(f["offences"]) for f in fund) == 30_000

    # an independent model: count each (employee, code, month) in the file; n occurrences of a
    # ladder [a1..ak] cost a1 + … + a_min(n,k) + (n − k)⁺ × ak
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            counts[(r["工号"], r["违规"], r["日期"][:7])] += 1
    expected = Decimal(0)
    for (_, code, _), n in counts.items():
        steps = LADDERS[code]
        expected += sum(steps[:n]) + max(0, n - len(steps)) * steps[-1]
    assert sum(by_month.values()) == expected
