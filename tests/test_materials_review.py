"""materials-review (RULEBOOK §3 R-MT-4, fund R-PN-4): the monthly loss review.

Every expected figure is worked out by hand from the RULEBOOK, with the arithmetic in a
comment next to it; nothing is copied from the program's output. Money is compared as
exact Decimals.

Formulas (R-MT-4 and its decisions):
  consumed  = opening + received − closing
  loss_rate = (consumed − parcels) ÷ parcels
  allowed   = parcels × (1 + 7%)
  excess    = max(0, consumed − allowed);  excess_value = excess × unit_price
  station:  loss > 7% → fine = rate × excess_value, rate default 50%, given rate in [50%, 80%]
  courier:  (4%, 8%] → warning; > 8% → fine at rate default 80%, given in [80%, 100%], old-for-new
  both:     loss < 3% → reward-eligible; reward (default 100, given 100–500) once per unit, only
            when every row of the unit is reward-eligible
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy import DataError, Period, RunSettings, evaluate, load_policy, run_files
from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "materials" / "review.csv"
HEADER = "单位,类型,物料,票数,期初库存,领用,期末库存,单价,罚款比例,奖励金额\n"
MARCH = Period.parse("2024-03")
D = Decimal


@pytest.fixture(scope="module")
def policy():
    return load_policy("materials-review")


def row(**kw: str) -> dict[str, str]:
    """A review row: station A站, 面单, 10000 parcels, no stock, price 1, unless given."""
    base = {
        "unit": "A站",
        "level": "station",
        "material": "面单",
        "parcels": "10000",
        "opening": "0",
        "received": "0",
        "closing": "0",
        "unit_price": "1",
    }
    base.update(kw)
    return base


def review(policy, rows, **overrides: str):
    return evaluate(policy, {"review": rows}, settings=RunSettings(period=MARCH, overrides=overrides))


def one(policy, **kw: str) -> dict:
    (out,) = review(policy, [row(**kw)])["review"]
    return out


def cli_run(*args: str):
    return CliRunner().invoke(cli, ["run", "materials-review", *args])


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- the formulas ---------------------------------------------------------------------------


def test_consumed_loss_allowed_excess_and_fine(policy):
    # consumed = 500 + 10700 − 200 = 11000; loss = (11000 − 10000) ÷ 10000 = 0.1 (10%)
    # allowed = 10000 × 1.07 = 10700; excess = 11000 − 10700 = 300; value = 300 × 0.50 = 150.00
    # station, 10% > 7% → fine at the default 50%: 0.5 × 150 = 75.00
    out = one(policy, opening="500", received="10700", closing="200", unit_price="0.50")
    assert out["consumed"] == D(11000)
    assert out["loss_rate"] == D("0.1")
    assert out["allowed"] == D(10700)
    assert out["excess_qty"] == D(300)
    assert out["excess_value"] == D("150.00")
    assert out["verdict"] == "fine"
    assert out["fine_rate"] == D("0.5")
    assert out["fine"] == D("75.00")
    assert out["old_for_new"] is False


def test_fractional_stock_is_exact(policy):
    # consumed = 10.5 + 100 − 3.25 = 107.25; parcels 100 → loss = 7.25 ÷ 100 = 0.0725 > 7% → fine
    # allowed = 100 × 1.07 = 107; excess = 0.25; value = 0.25 × 2 = 0.50; fine = 50% × 0.50 = 0.25
    out = one(policy, parcels="100", opening="10.5", received="100", closing="3.25", unit_price="2")
    assert (out["consumed"], out["loss_rate"], out["excess_qty"]) == (D("107.25"), D("0.0725"), D("0.25"))
    assert (out["excess_value"], out["fine"]) == (D("0.50"), D("0.25"))


def test_fine_uses_the_exact_excess_value_and_rounds_once(policy):
    # parcels 100, consumed 108 → loss 8% > 7% → station fine; allowed 107; excess 1
    # price 0.0251 → exact value 0.0251, shown 0.03 (half-up)
    # fine = 50% × 0.0251 = 0.01255 → 0.01 (rounded once); from the shown 0.03 it would be 0.015 → 0.02
    out = one(policy, parcels="100", received="108", unit_price="0.0251")
    assert out["excess_value"] == D("0.03")
    assert out["fine"] == D("0.01")


# --- station boundaries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "verdict", "excess", "fine"),
    [
        ("9000", "reward_eligible", "0", "0"),  # (9000 − 10000)/10000 = −10% < 3%
        ("10299", "reward_eligible", "0", "0"),  # 299/10000 = 2.99% < 3%
        ("10300", "ok", "0", "0"),  # 3% exactly is not below 3%
        ("10301", "ok", "0", "0"),  # 3.01%
        ("10699", "ok", "0", "0"),  # 6.99%
        ("10700", "ok", "0", "0"),  # 7% exactly is not fined; excess 10700 − 10700 = 0
        ("10701", "fine", "1", "1.00"),  # 7.01%: excess 1 × price 2 = 2.00; 50% → 1.00
        ("10800", "fine", "100", "100.00"),  # 8%: excess 100 × 2 = 200; 50% → 100.00
    ],
)
def test_station_boundaries(policy, received, verdict, excess, fine):
    out = one(policy, received=received, unit_price="2")
    assert out["verdict"] == verdict
    assert out["excess_qty"] == D(excess)
    assert out["fine"] == D(fine)
    assert out["old_for_new"] is False


def test_station_just_above_seven_percent_by_a_fraction(policy):
    # consumed 10700.5: loss = 700.5/10000 = 7.005% > 7% → fine; excess 0.5 × 10 = 5; 50% → 2.50
    out = one(policy, received="10700.5", unit_price="10")
    assert (out["verdict"], out["excess_value"], out["fine"]) == ("fine", D("5.00"), D("2.50"))


# --- courier boundaries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "verdict", "fine", "old_for_new"),
    [
        ("10299", "reward_eligible", "0", False),  # 2.99%
        ("10300", "ok", "0", False),  # 3% exactly → ok
        ("10399", "ok", "0", False),  # 3.99%
        ("10400", "ok", "0", False),  # 4% exactly → ok (the warning band is (4%, 8%])
        ("10401", "warning", "0", False),  # 4.01%
        ("10700", "warning", "0", False),  # 7%
        ("10750", "warning", "0", False),  # 7.5%: excess 50 > 0 but a warning carries no fine
        ("10799", "warning", "0", False),  # 7.99%
        ("10800", "warning", "0", False),  # 8% exactly → warning
        ("10801", "fine", "80.80", True),  # 8.01%: excess 10801 − 10700 = 101 × 1 = 101; 80% → 80.80
        ("11000", "fine", "240.00", True),  # 10%: excess 300; 80% → 240.00
    ],
)
def test_courier_boundaries(policy, received, verdict, fine, old_for_new):
    out = one(policy, level="courier", unit="张三", received=received)
    assert out["verdict"] == verdict
    assert out["fine"] == D(fine)
    assert out["old_for_new"] is old_for_new


def test_courier_warning_keeps_its_excess_but_no_fine(policy):
    # 2000 parcels, consumed 2160: loss 160/2000 = 8% → warning; allowed 2140; excess 20 × 0.10 = 2.00
    out = one(policy, level="courier", parcels="2000", received="2160", unit_price="0.10")
    assert (out["verdict"], out["excess_qty"], out["excess_value"], out["fine"]) == ("warning", D(20), D("2.00"), D(0))


# --- given fine rates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "rate", "fine"),
    [
        # consumed 11000, parcels 10000 → excess 300 × price 1 = 300 (both levels fined at 10%)
        ("station", "50%", "150.00"),  # 0.5 × 300
        ("station", "60%", "180.00"),  # 0.6 × 300
        ("station", "0.6", "180.00"),  # the same rate written as a fraction
        ("station", "80%", "240.00"),  # 0.8 × 300, the top of the station range
        ("courier", "80%", "240.00"),  # 0.8 × 300
        ("courier", "95%", "285.00"),  # 0.95 × 300
        ("courier", "100%", "300.00"),  # 1.0 × 300, the top of the courier range
    ],
)
def test_given_fine_rate_within_range(policy, level, rate, fine):
    out = one(policy, level=level, received="11000", fine_rate=rate)
    assert out["fine"] == D(fine)


def test_given_rate_without_a_fine_verdict_fines_nothing(policy):
    # 5% station → ok; the manager's 70% is valid but there is nothing to fine
    out = one(policy, received="10500", fine_rate="70%")
    assert (out["verdict"], out["fine_rate"], out["fine"]) == ("ok", D(0), D(0))


# --- bad rows: exit 1, file:row and the column --------------------------------------------


@pytest.mark.parametrize(
    ("line", "header", "words"),
    [
        ("A站,站点,面单,0,0,10,0,1,,", "票数", "parcels above 0"),  # zero parcels
        ("A站,站点,面单,100,50,0,60,1,,", "期末库存", "negative consumption"),  # 50 + 0 − 60 = −10
        ("A站,站点,面单,100,0,110,0,1,90%,", "罚款比例", "50%–80%"),  # station above 80%
        ("A站,站点,面单,100,0,110,0,1,49%,", "罚款比例", "50%–80%"),  # station below 50%
        ("张三,快递员,面单,100,0,110,0,1,70%,", "罚款比例", "80%–100%"),  # courier below 80%
        ("A站,站点,面单,100,0,100,0,1,,600", "奖励金额", "100–500"),  # reward above 500
        ("A站,站点,面单,100,0,100,0,1,,50", "奖励金额", "100–500"),  # reward below 100
        ("A站,站点,面单,100,0,100,0,1,,99.99", "奖励金额", "100–500"),
    ],
)
def test_bad_row_exit_1_names_file_row_column(tmp_path, line, header, words):
    path = tmp_path / "review.csv"
    path.write_text(HEADER + "B站,站点,面单,100,0,100,0,1,,\n" + line + "\n", encoding="utf-8")
    result = cli_run(str(path))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "ZeroDivision" not in result.stderr and "division" not in result.stderr.lower()
    (err,) = [ln for ln in result.stderr.splitlines() if "review.csv:" in ln]
    assert "review.csv:3:" in err  # the physical line, header = 1
    assert header in err  # the column as the file calls it
    assert words in err


def test_every_bad_row_is_reported_and_nothing_written(tmp_path):
    lines = [
        "A站,站点,面单,0,0,10,0,1,,",
        "B站,站点,面单,100,50,0,60,1,,",
        "C站,站点,面单,100,0,110,0,1,90%,",
        "D,快递员,面单,100,0,110,0,1,70%,",
        "E站,站点,面单,100,0,100,0,1,,600",
        "F站,站点,面单,100,0,100,0,1,,50",
    ]
    path = tmp_path / "review.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli_run(str(path), "-o", str(out))
    assert result.exit_code == 1
    for n in range(2, 8):
        assert f"review.csv:{n}:" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_zero_parcels_is_a_data_error_not_a_crash(policy):
    with pytest.raises(DataError, match="parcels"):
        review(policy, [row(parcels="0", received="10")])


@pytest.mark.parametrize(
    ("level", "rate", "reward"),
    [("station", "50%", "100"), ("station", "80%", "500"), ("courier", "80%", "100"), ("courier", "100%", "500")],
)
def test_range_ends_are_accepted(policy, level, rate, reward):
    # inclusive ranges: 50%–80%, 80%–100%, 100–500
    out = one(policy, level=level, received="10000", fine_rate=rate, reward=reward)
    assert out["verdict"] == "reward_eligible"  # 0% < 3%


# --- units and fund -------------------------------------------------------------------------


def test_unit_fines_are_summed_and_reward_needs_every_row(policy):
    rows = [
        # A站: 10701 at price 2 → excess 1 × 2 = 2, 50% → 1.00; 11000 at 0.5 → 300 × 0.5 = 150, 50% → 75.00
        row(material="面单", received="10701", unit_price="2"),
        row(material="包装袋", received="11000", unit_price="0.5"),
        # B站: 2%, 2.5%, 0% → all reward-eligible → one reward, default 100 (not 3 × 100)
        row(unit="B站", material="面单", received="10200"),
        row(unit="B站", material="包装袋", received="10250"),
        row(unit="B站", material="胶带", received="10000"),
        # C站: 2% and 3% → the 3% row is only 'ok' → no reward, though the other row asked 500
        row(unit="C站", material="面单", received="10200", reward="500"),
        row(unit="C站", material="包装袋", received="10300"),
        # 李四 (courier): 1%, reward given 250 → 250
        row(unit="李四", level="courier", received="10100", reward="250"),
    ]
    res = review(policy, rows)
    units = {u["unit"]: u for u in res["units"]}
    assert [u["unit"] for u in res["units"]] == ["A站", "B站", "C站", "李四"]
    assert (units["A站"]["materials"], units["A站"]["fines"], units["A站"]["reward"]) == (2, D("76.00"), D(0))
    assert (units["B站"]["materials"], units["B站"]["fines"], units["B站"]["reward"]) == (3, D(0), D(100))
    assert (units["C站"]["fines"], units["C站"]["reward"]) == (D(0), D(0))
    assert (units["李四"]["level"], units["李四"]["reward"]) == ("courier", D(250))
    # fund: fines 76.00 + 0 + 0 + 0 = 76.00; rewards 100 + 250 = 350; 4 units
    (fund,) = res["fund"]
    assert (fund["period"], fund["units"], fund["fines"], fund["rewards"]) == ("2024-03", 4, D("76.00"), D(350))


def test_unit_rows_need_not_be_adjacent(policy):
    # B站 rows before and after A站: B fines 50% × (300 × 1) = 150 twice → 300; A 0
    rows = [
        row(unit="B站", material="x", received="11000"),
        row(unit="A站", received="10500"),
        row(unit="B站", material="y", received="11000"),
    ]
    units = {u["unit"]: (u["materials"], u["fines"]) for u in review(policy, rows)["units"]}
    assert units == {"A站": (1, D(0)), "B站": (2, D("300.00"))}


def test_unit_reward_given_on_one_row_of_several(policy):
    # both rows below 3%; one gives 300, the other is blank (default 100) → the manager's 300
    rows = [row(received="10100"), row(material="包装袋", received="10100", reward="300")]
    (unit,) = review(policy, rows)["units"]
    assert unit["reward"] == D(300)


def test_courier_old_for_new_on_the_unit(policy):
    # 张三: 面单 10% → fine (old-for-new); 包装袋 5% → warning → the unit is issued old-for-new
    rows = [
        row(unit="张三", level="courier", received="11000"),
        row(unit="张三", level="courier", material="包装袋", received="10500"),
    ]
    (unit,) = review(policy, rows)["units"]
    # fine = 80% × (11000 − 10700) × 1 = 240.00
    assert (unit["fines"], unit["old_for_new"], unit["reward"]) == (D("240.00"), True, D(0))


def test_empty_review(policy):
    res = review(policy, [])
    assert res["review"] == [] and res["units"] == []
    assert [(f["units"], f["fines"], f["rewards"]) for f in res["fund"]] in ([], [(0, D(0), D(0))])


# --- parameter overrides ----------------------------------------------------------------------


def test_set_allowance_changes_excess_and_fine(policy):
    # allowance 5%: allowed = 10000 × 1.05 = 10500; consumed 11000 → excess 500; 50% × 500 = 250.00
    # (7%: allowed 10700, excess 300, fine 150.00)
    assert one(policy, received="11000")["fine"] == D("150.00")
    out = review(policy, [row(received="11000")], allowance="5%")["review"][0]
    assert (out["allowed"], out["excess_qty"], out["fine"]) == (D(10500), D(500), D("250.00"))


@pytest.mark.parametrize(
    ("override", "kw", "field", "expected"),
    [
        # default station rate 60%: 11000 → excess 300 × 1 × 0.6 = 180.00
        ({"station_rate_min": "60%"}, {"received": "11000"}, "fine", D("180.00")),
        # default courier rate 90%: 11000 → 300 × 0.9 = 270.00
        ({"courier_rate_min": "90%"}, {"received": "11000", "level": "courier"}, "fine", D("270.00")),
        # station fined only above 10%: 10% → ok, nothing to pay
        ({"station_fine_above": "10%"}, {"received": "11000"}, "verdict", "ok"),
        # courier fine threshold 10%: 10% courier → warning
        ({"courier_fine_above": "10%"}, {"received": "11000", "level": "courier"}, "verdict", "warning"),
        # reward below 3.5%: 3% → reward-eligible
        ({"reward_below": "3.5%"}, {"received": "10300"}, "verdict", "reward_eligible"),
    ],
)
def test_set_parameters_change_rows(policy, override, kw, field, expected):
    (out,) = review(policy, [row(**kw)], **override)["review"]
    assert out[field] == expected


def test_set_reward_min_is_the_new_default_and_bound(policy):
    # reward_min 200: a blank reward gives 200; a given 150 is now below the range
    (unit,) = review(policy, [row(received="10000")], reward_min="200")["units"]
    assert unit["reward"] == D(200)
    with pytest.raises(DataError, match="200–500"):
        review(policy, [row(received="10000", reward="150")], reward_min="200")


def test_set_allowance_through_the_cli():
    # shipped example with --set allowance=5% (see EXPECTED below for 7%):
    #  A站 包装袋: allowed 10500, excess 11000 − 10500 = 500 × 0.50 = 250, rate 60% → 150.00
    #  李四: allowed 2000 × 1.05 = 2100, excess 100 × 0.10 = 10, 80% → 8.00
    #  A站 面单 7% is still 'ok' (the fine threshold stays 7%) → 0 though excess 200 > 0
    #  fund 150.00 + 8.00 = 158.00
    result = cli_run(str(EXAMPLE), "--period", "2024-03", "--set", "allowance=5%", "--format", "csv", "--only", "fund")
    assert result.exit_code == 0, result.stderr
    (fund,) = csv_rows(result.stdout)
    assert D(fund["fines"]) == D("158.00")
    assert D(fund["rewards"]) == D("300")


def test_inverted_rate_range_is_a_usage_error():
    result = cli_run(str(EXAMPLE), "--set", "station_rate_min=90%")
    assert result.exit_code == 2
    assert "station_rate_min" in result.stderr


# --- golden: the shipped example, by hand -----------------------------------------------------

# examples/materials/review.csv (allowance 7%):
#  A站 面单   10000: 500 + 10700 − 500 = 10700; loss 700/10000 = 7% → ok (7% itself not fined);
#             allowed 10700; excess 0; value 0; fine 0
#  A站 包装袋 10000: 200 + 11000 − 200 = 11000; 10% → fine; excess 300 × 0.50 = 150.00; 60% → 90.00
#  B站 面单   10000: 10250 → 2.5% → reward_eligible
#  B站 包装袋 10000: 10299 → 2.99% → reward_eligible; reward 300 given
#  张三 courier 2000: 2160 → 8% → warning; allowed 2140; excess 20 × 0.10 = 2.00; fine 0
#  李四 courier 2000: 2200 → 10% → fine; excess 60 × 0.10 = 6.00; 80% → 4.80; old-for-new
#  王五 courier 1000: 1030 → 3% → ok (not below 3%); allowed 1070, excess 0
#  赵六 courier 1000: 1045 → 4.5% → warning; excess 0 (1045 < 1070)
EXPECTED_REVIEW = [
    # unit, level, material, parcels, consumed, loss_rate, allowed, excess, value, verdict, rate, fine, old_for_new
    ("A站", "station", "面单", 10000, "10700", "0.07", "10700", "0", "0", "ok", "0", "0", False),
    ("A站", "station", "包装袋", 10000, "11000", "0.10", "10700", "300", "150", "fine", "0.60", "90", False),
    ("B站", "station", "面单", 10000, "10250", "0.025", "10700", "0", "0", "reward_eligible", "0", "0", False),
    ("B站", "station", "包装袋", 10000, "10299", "0.0299", "10700", "0", "0", "reward_eligible", "0", "0", False),
    ("张三", "courier", "面单", 2000, "2160", "0.08", "2140", "20", "2", "warning", "0", "0", False),
    ("李四", "courier", "面单", 2000, "2200", "0.10", "2140", "60", "6", "fine", "0.80", "4.80", True),
    ("王五", "courier", "面单", 1000, "1030", "0.03", "1070", "0", "0", "ok", "0", "0", False),
    ("赵六", "courier", "面单", 1000, "1045", "0.045", "1070", "0", "0", "warning", "0", "0", False),
]
# units (grouped, sorted by unit then level; A < B < 张 U+5F20 < 李 U+674E < 王 U+738B < 赵 U+8D75):
#  A站: 2 rows, fines 0 + 90.00 = 90.00, reward 0 (面单 is only ok)
#  B站: 2 rows, fines 0, both eligible → reward max(default 100, given 300) = 300
#  张三 0; 李四 4.80 old-for-new; 王五 0 (3% is not a reward); 赵六 0
EXPECTED_UNITS = [
    ("A站", "station", 2, "90", "0", False),
    ("B站", "station", 2, "0", "300", False),
    ("张三", "courier", 1, "0", "0", False),
    ("李四", "courier", 1, "4.80", "0", True),
    ("王五", "courier", 1, "0", "0", False),
    ("赵六", "courier", 1, "0", "0", False),
]
# fund: 6 units; fines 90.00 + 4.80 = 94.80; rewards 300


def test_shipped_example_by_hand(policy):
    out = io.StringIO()
    report = run_files(policy, {"review": EXAMPLE}, settings=RunSettings(period=MARCH), fmt="json", stdout=out)
    doc = json.loads(out.getvalue(), parse_float=Decimal)
    assert report.rows == {"review": 8, "units": 6, "fund": 1}
    got = [
        (
            r["unit"],
            r["level"],
            r["material"],
            r["parcels"],
            r["consumed"],
            r["loss_rate"],
            r["allowed"],
            r["excess_qty"],
            r["excess_value"],
            r["verdict"],
            r["fine_rate"],
            r["fine"],
            r["old_for_new"],
        )
        for r in doc["review"]
    ]
    want = [
        (u, lv, m, p, D(c), D(lr), D(a), D(e), D(v), vd, D(fr), D(f), o)
        for (u, lv, m, p, c, lr, a, e, v, vd, fr, f, o) in EXPECTED_REVIEW
    ]
    assert got == want
    assert [(u["unit"], u["level"], u["materials"], u["fines"], u["reward"], u["old_for_new"]) for u in doc["units"]] == [
        (u, lv, n, D(f), D(r), o) for (u, lv, n, f, r, o) in EXPECTED_UNITS
    ]
    assert doc["fund"] == [{"period": "2024-03", "units": 6, "fines": D("94.80"), "rewards": D("300")}]


def test_shipped_example_through_the_cli_units():
    result = cli_run(str(EXAMPLE), "--period", "2024-03", "--format", "csv", "--only", "units")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = csv_rows(result.stdout.lstrip("\ufeff"))
    assert [(r["unit"], D(r["fines"]), D(r["reward"])) for r in rows] == [
        (u, D(f), D(r)) for (u, _, _, f, r, _) in EXPECTED_UNITS
    ]
