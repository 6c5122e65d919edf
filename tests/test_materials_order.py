"""materials-order (RULEBOOK §3, R-MT-1..3): golden cases, parameters and properties.

Every expected figure is worked out by hand in a comment next to it; nothing is copied
from the program's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import tempfile
from decimal import ROUND_CEILING, Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy import DataError, RunSettings, evaluate, load_policy, run_files
from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
POLICY_FILE = REPO / "policies" / "materials-order.yaml"
HEADER_ZH = "站点,物料,上月实际票数,增长率,申请数量,超额理由\n"


@pytest.fixture(scope="module")
def policy():
    return load_policy("materials-order")


def order(
    policy,
    parcels: str,
    growth: str,
    requested: str | None = None,
    reason: str | None = None,
    settings_: RunSettings | None = None,
) -> dict:
    row = {"station": "A站", "material": "面单", "parcels": parcels, "growth": growth}
    if requested is not None:
        row["requested"] = requested
    if reason is not None:
        row["reason"] = reason
    (out,) = evaluate(policy, {"stations": [row]}, settings=settings_)["orders"]
    return out


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- R-MT-1 golden ------------------------------------------------------------------------


def test_worked_example_station_a(policy):
    # RULEBOOK R-MT-1 worked example: 10000 × (1 + 15% + 7%) = 10000 × 1.22 = 12200;
    # ÷ 4 = 3050; ÷ 8 = 1525 (all exact, rounding up changes nothing).
    out = order(policy, "10000", "15%")
    assert (out["monthly_qty"], out["weekly_qty"], out["half_week_qty"]) == (Decimal(12200), Decimal(3050), Decimal(1525))


def test_quantities_round_up_not_half_up(policy):
    # 10001 × 1.22 = 12201.22 → ceil 12202 (half-up would give 12201);
    # 12201.22 ÷ 4 = 3050.305 → 3051 (half-up: 3050); ÷ 8 = 1525.1525 → 1526 (half-up: 1525).
    out = order(policy, "10001", "15%")
    assert (out["monthly_qty"], out["weekly_qty"], out["half_week_qty"]) == (Decimal(12202), Decimal(3051), Decimal(1526))


def test_exact_decimal_not_float(policy):
    # 1200 × (1 + 6% + 7%) ÷ 4 = 1200 × 1.13 ÷ 4 = 1356 ÷ 4 = 339 exactly.
    # In binary floating point 1 + 0.06 + 0.07 = 1.1300000000000001, so ceil gives 340:
    assert math.ceil(1200 * (1 + 0.06 + 0.07) / 4) == 340  # the trap exists
    out = order(policy, "1200", "6%")
    assert out["weekly_qty"] == Decimal(339)
    # monthly 1356 exact; half-week 1356 ÷ 8 = 169.5 → 170
    assert out["monthly_qty"] == Decimal(1356)
    assert out["half_week_qty"] == Decimal(170)


def test_golden_through_the_cli(runner, write_csv):
    path = write_csv("stations.csv", HEADER_ZH + "A站,面单,10000,15%,,\nA站,包装袋,10001,15%,,\n")
    result = runner.invoke(cli, ["run", "materials-order", str(path), "--format", "csv", "--only", "orders"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = csv_rows(result.stdout)
    # same arithmetic as test_worked_example_station_a / test_quantities_round_up_not_half_up
    assert [(r["monthly_qty"], r["weekly_qty"], r["half_week_qty"]) for r in rows] == [
        ("12200", "3050", "1525"),
        ("12202", "3051", "1526"),
    ]


# --- R-MT-3 over-limit requests -----------------------------------------------------------
# weekly for 10000 parcels at 15% is 3050 (see above).


@pytest.mark.parametrize(
    ("requested", "reason", "approved", "status"),
    [
        (None, None, 3050, "ok"),  # no request → the formula
        ("3000", None, 3000, "ok"),  # below the formula → as requested
        ("3050", None, 3050, "ok"),  # exactly the formula is not over
        ("0", None, 0, "ok"),  # zero is a request, not a blank
        ("3051", "双十一活动备货", 3051, "over_limit_with_reason"),  # over, with a reason
        ("3051", None, 3050, "cut_to_formula"),  # over, no reason → cut back
        ("5000", None, 3050, "cut_to_formula"),
    ],
)
def test_over_limit_requests(policy, requested, reason, approved, status):
    out = order(policy, "10000", "15%", requested, reason)
    assert out["approved_qty"] == Decimal(approved)
    assert out["status"] == status
    assert out["weekly_qty"] == Decimal(3050)


def test_whitespace_reason_is_no_reason(policy):
    out = order(policy, "10000", "15%", "3051", "   ")
    assert (out["approved_qty"], out["status"]) == (Decimal(3050), "cut_to_formula")


# --- R-MT-2 and the whole shipped example ------------------------------------------------

# examples/materials/stations.csv, by hand (loss 7%):
#  A站 面单   10000, 15%: ×1.22 = 12200; /4 = 3050; /8 = 1525.            no request → 3050 ok
#  A站 包装袋 10001, 15%: ×1.22 = 12201.22 → 12202; /4 = 3050.305 → 3051; /8 = 1525.1525 → 1526;
#                                                                  request 3000 ≤ 3051 → 3000 ok
#  B站 面单    8000, −5%: ×(1 − 0.05 + 0.07) = ×1.02 = 8160; /4 = 2040; /8 = 1020;
#                                 request 2500 > 2040 with a reason → 2500 over_limit_with_reason
#  B站 包装袋  8000, −5%: 8160 / 2040 / 1020; request 2200 > 2040, no reason → 2040 cut_to_formula
#  C站 面单    1200,  6%: ×1.13 = 1356; /4 = 339; /8 = 169.5 → 170.        no request → 339 ok
#  C站 胶带     350,  0%: ×1.07 = 374.5 → 375; /4 = 93.625 → 94; /8 = 46.8125 → 47;
#                                            request 100 > 94, no reason → 94 cut_to_formula
#  D站 面单       0, 10%: 0 / 0 / 0.                                      no request → 0 ok
EXPECTED_ORDERS = [
    # station, material, parcels, growth, monthly, weekly, half, requested, approved, status
    ["A站", "面单", "10000", "15%", "12200", "3050", "1525", "", "3050", "ok"],
    ["A站", "包装袋", "10001", "15%", "12202", "3051", "1526", "3000", "3000", "ok"],
    ["B站", "面单", "8000", "-5%", "8160", "2040", "1020", "2500", "2500", "over_limit_with_reason"],
    ["B站", "包装袋", "8000", "-5%", "8160", "2040", "1020", "2200", "2040", "cut_to_formula"],
    ["C站", "面单", "1200", "6%", "1356", "339", "170", "", "339", "ok"],
    ["C站", "胶带", "350", "0%", "375", "94", "47", "100", "94", "cut_to_formula"],
    ["D站", "面单", "0", "10%", "0", "0", "0", "", "0", "ok"],
]
# materials (R-MT-2), sorted by material (code point order: 包 U+5305 < 胶 U+80F6 < 面 U+9762):
#  包装袋: A, B → 2 stations; weekly = 3000 + 2040 = 5040; safety = ceil(50% × 5040) = 2520;
#          central = 5040 + 2520 = 7560
#  胶带:   C → 1; weekly 94; safety = ceil(47) = 47; central 141
#  面单:   A, B, C, D → 4; weekly = 3050 + 2500 + 339 + 0 = 5889; safety = ceil(2944.5) = 2945;
#          central = 5889 + 2945 = 8834
EXPECTED_MATERIALS = [
    ["包装袋", "2", "5040", "2520", "7560"],
    ["胶带", "1", "94", "47", "141"],
    ["面单", "4", "5889", "2945", "8834"],
]
ORDER_HEADER = [
    "station",
    "material",
    "parcels",
    "growth",
    "monthly_qty",
    "weekly_qty",
    "half_week_qty",
    "requested",
    "approved_qty",
    "status",
]
MATERIAL_HEADER = ["material", "stations", "weekly_qty", "safety_stock", "central_stock"]


@pytest.mark.parametrize("output", ["orders", "materials"])
def test_shipped_example_by_hand(runner, examples_dir, output):
    result = runner.invoke(
        cli, ["run", "materials-order", str(examples_dir / "stations.csv"), "--format", "csv", "--only", output]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = list(csv.reader(io.StringIO(result.stdout)))
    if output == "orders":
        assert rows == [ORDER_HEADER, *EXPECTED_ORDERS]
    else:
        assert rows == [MATERIAL_HEADER, *EXPECTED_MATERIALS]


def test_shipped_example_via_run_files(policy, examples_dir):
    out = io.StringIO()
    report = run_files(policy, {"stations": examples_dir / "stations.csv"}, fmt="json", stdout=out)
    doc = json.loads(out.getvalue(), parse_float=Decimal)
    assert report.rows == {"orders": 7, "materials": 3}
    assert [o["approved_qty"] for o in doc["orders"]] == [int(r[8]) for r in EXPECTED_ORDERS]
    assert [[m["material"], m["stations"], m["weekly_qty"], m["safety_stock"], m["central_stock"]] for m in doc["materials"]] == [
        [r[0], *map(int, r[1:])] for r in EXPECTED_MATERIALS
    ]


def test_materials_sum_approved_not_weekly(policy):
    # Two stations order 面单: one over the limit with a reason (approved 4000 while weekly is
    # 3050), one cut back (requested 9999, approved 3050). Issue = 4000 + 3050 = 7050,
    # safety = ceil(3525) = 3525, central = 10575.
    rows = [
        {"station": "A", "material": "面单", "parcels": "10000", "growth": "15%", "requested": "4000", "reason": "促销"},
        {"station": "B", "material": "面单", "parcels": "10000", "growth": "15%", "requested": "9999"},
    ]
    (m,) = evaluate(policy, {"stations": rows})["materials"]
    assert (m["stations"], m["weekly_qty"], m["safety_stock"], m["central_stock"]) == (2, 7050, 3525, 10575)


def test_safety_stock_rounds_up(policy):
    # weekly = ceil(1 × 1.07 ÷ 4) = ceil(0.2675) = 1; safety = ceil(50% × 1) = ceil(0.5) = 1; central 2
    (m,) = evaluate(policy, {"stations": [{"station": "A", "material": "胶带", "parcels": "1", "growth": "0%"}]})["materials"]
    assert (m["weekly_qty"], m["safety_stock"], m["central_stock"]) == (1, 1, 2)


def test_empty_input_gives_empty_outputs(policy):
    assert evaluate(policy, {"stations": []}).tables == {"orders": [], "materials": []}


# --- evaluate(): typed values bypass the cell checks -------------------------------------


def test_evaluate_checks_typed_values_against_the_column(policy):
    with pytest.raises(DataError):
        evaluate(policy, {"stations": [{"station": "A", "material": "m", "parcels": Decimal("-5"), "growth": "15%"}]})


def test_evaluate_rejects_float_cells_clearly(policy):
    with pytest.raises(DataError, match="float|number|Decimal"):
        evaluate(policy, {"stations": [{"station": "A", "material": "m", "parcels": 10000.0, "growth": "15%"}]})


# --- parameters ---------------------------------------------------------------------------


def _run_csv(runner, policy_ref: str, path: Path, *extra: str):
    return runner.invoke(cli, ["run", policy_ref, str(path), "--format", "csv", "--only", "orders", *extra])


@pytest.fixture
def one_row(write_csv) -> Path:
    return write_csv("stations.csv", HEADER_ZH + "A站,面单,10000,15%,,\n")


def test_set_loss_changes_weekly(runner, one_row):
    # ceil(10000 × (1 + 15% + 8%) ÷ 4) = ceil(12300 ÷ 4) = 3075
    result = _run_csv(runner, "materials-order", one_row, "--set", "loss=8%")
    assert result.exit_code == 0, result.stderr
    assert csv_rows(result.stdout)[0]["weekly_qty"] == "3075"


def test_set_loss_as_fraction(policy):
    out = order(policy, "10000", "15%", settings_=RunSettings(overrides={"loss": "0.08"}))
    assert out["weekly_qty"] == Decimal(3075)  # as above


def test_set_bad_value_names_the_parameter(runner, one_row):
    result = _run_csv(runner, "materials-order", one_row, "--set", "loss=abc")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "loss" in result.stderr and "'abc'" in result.stderr and "percent" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("name", "hint"), [("nosuch", "one of: loss, safety"), ("los", "did you mean 'loss'")])
def test_set_unknown_parameter_suggests(runner, one_row, name, hint):
    result = _run_csv(runner, "materials-order", one_row, "--set", f"{name}=1")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"no parameter named '{name}'" in result.stderr
    assert hint in result.stderr


@pytest.mark.parametrize("value", ["200%", "-5%"])
def test_set_respects_parameter_range(runner, one_row, value):
    result = _run_csv(runner, "materials-order", one_row, "--set", f"loss={value}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "loss" in result.stderr


def _policy_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = POLICY_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "materials-order-copy.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


LOSS_VALUES = "      - from: 2020-01-01\n        value: 7%\n"


@pytest.fixture
def dated_policy(tmp_path) -> Path:
    return _policy_copy(tmp_path, LOSS_VALUES, LOSS_VALUES + "      - from: 2025-01-01\n        value: 8%\n")


@pytest.mark.parametrize(
    ("option", "weekly"),
    [
        (["--as-of", "2024-12-31"], "3050"),  # 7%: 10000 × 1.22 ÷ 4 = 3050
        (["--as-of", "2025-01-01"], "3075"),  # 8%: 10000 × 1.23 ÷ 4 = 3075
        (["--period", "2025-03"], "3075"),  # first day of the period, 2025-03-01 → 8%
        (["--period", "2024-12"], "3050"),  # 2024-12-01 → 7%
        (["--as-of", "2024-12-31", "--set", "loss=10%"], "3125"),  # --set wins: 10000 × 1.25 ÷ 4
    ],
)
def test_dated_parameter_values(runner, one_row, dated_policy, option, weekly):
    result = _run_csv(runner, str(dated_policy), one_row, *option)
    assert result.exit_code == 0, result.stderr
    assert csv_rows(result.stdout)[0]["weekly_qty"] == weekly


def test_default_as_of_is_today(runner, one_row, dated_policy):
    weekly = "3075" if dt.date.today() >= dt.date(2025, 1, 1) else "3050"  # see above
    result = _run_csv(runner, str(dated_policy), one_row)
    assert result.exit_code == 0, result.stderr
    assert csv_rows(result.stdout)[0]["weekly_qty"] == weekly


def test_as_of_before_first_value_is_a_usage_error(runner, one_row):
    result = _run_csv(runner, "materials-order", one_row, "--as-of", "2019-12-31")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "loss" in result.stderr and "2020-01-01" in result.stderr


def test_explain_names_the_dated_value(runner, one_row, dated_policy):
    result = runner.invoke(cli, ["run", str(dated_policy), str(one_row), "--as-of", "2025-06-01", "--explain", "A站/面单"])
    assert result.exit_code == 0, result.stderr
    assert "loss allowance (loss) = 8%, in force from 2025-01-01" in result.stdout
    result = runner.invoke(cli, ["run", str(dated_policy), str(one_row), "--set", "loss=9%", "--explain", "A站/面单"])
    assert "= 9%, set for this run (--set)" in result.stdout


def test_show_lists_every_dated_value(runner, dated_policy):
    result = runner.invoke(cli, ["show", str(dated_policy)])
    assert result.exit_code == 0
    assert "from 2020-01-01: 7%" in result.stdout
    assert "from 2025-01-01: 8%" in result.stdout


def test_changing_the_yaml_changes_the_result(runner, one_row, tmp_path):
    path = _policy_copy(tmp_path, "        value: 7%\n", "        value: 10%\n")
    result = _run_csv(runner, str(path), one_row)
    assert result.exit_code == 0, result.stderr
    # 10000 × (1 + 15% + 10%) = 12500; ÷ 4 = 3125; ÷ 8 = 1562.5 → 1563
    row = csv_rows(result.stdout)[0]
    assert (row["monthly_qty"], row["weekly_qty"], row["half_week_qty"]) == ("12500", "3125", "1563")


def test_changing_the_safety_share_changes_central_stock(policy, tmp_path):
    path = _policy_copy(tmp_path, "        value: 50%\n", "        value: 20%\n")
    rows = [{"station": "A", "material": "面单", "parcels": "10000", "growth": "15%"}]
    (m,) = evaluate(load_policy(path), {"stations": rows})["materials"]
    # weekly 3050; safety = ceil(20% × 3050) = 610; central = 3660
    assert (m["safety_stock"], m["central_stock"]) == (610, 3660)


# --- properties ---------------------------------------------------------------------------

LOSS = Decimal("0.07")
parcels_st = st.integers(min_value=0, max_value=10**6)
# growth −50% … 100% with at most two decimals in the percent: −50.00 … 100.00
growth_pct_st = st.integers(min_value=-5000, max_value=10000).map(lambda n: Decimal(n).scaleb(-2))


def ceil_(x: Decimal) -> Decimal:
    return x.to_integral_value(rounding=ROUND_CEILING)


def expected_quantities(parcels: int, growth_pct: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Independent exact computation with Decimal (generous precision, no float)."""
    with localcontext() as ctx:
        ctx.prec = 50
        exact = Decimal(parcels) * (1 + growth_pct / 100 + LOSS)
        return ceil_(exact), ceil_(exact / 4), ceil_(exact / 8)


def pct_text(pct: Decimal) -> str:
    return format(pct.normalize(), "f") + "%"


def fraction_text(pct: Decimal) -> str:
    """The growth as a bare fraction (0.15); from 100 % up a bare number is refused (it reads
    as 1 or more), so those are written with % (100%) as a clerk must."""
    if abs(pct) >= 100:
        return pct_text(pct)
    return format((pct / 100).normalize(), "f")


@settings(max_examples=200, deadline=None)
@given(parcels=parcels_st, growth=growth_pct_st, as_fraction=st.booleans())
def test_quantities_are_ceilings_of_the_exact_product(parcels, growth, as_fraction):
    policy = load_policy("materials-order")
    text = fraction_text(growth) if as_fraction else pct_text(growth)
    out = evaluate(policy, {"stations": [{"station": "S", "material": "m", "parcels": str(parcels), "growth": text}]})["orders"][
        0
    ]
    monthly, weekly, half = out["monthly_qty"], out["weekly_qty"], out["half_week_qty"]
    assert (monthly, weekly, half) == expected_quantities(parcels, growth)
    # weekly = ceil(x/4) < x/4 + 1, so 4·weekly < x + 4 ≤ monthly + 4, i.e. monthly ≥ 4·weekly − 3
    assert monthly >= weekly * 4 - 3
    assert weekly >= half * 2 - 1
    assert monthly >= weekly >= half >= 0


VARIANTS = [
    (encoding, headers, as_fraction)
    for encoding in ("utf-8", "utf-8-sig", "gb18030")
    for headers in ("zh", "en")
    for as_fraction in (False, True)
]
HEADERS = {"zh": "站点,物料,上月实际票数,增长率\n", "en": "station,material,parcels,growth\n"}
MATERIALS = ["面单", "包装袋", "胶带"]


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.tuples(parcels_st, growth_pct_st, st.sampled_from(MATERIALS)), min_size=1, max_size=4))
def test_same_results_whatever_the_encoding_headers_and_percent_style(rows):
    policy = load_policy("materials-order")
    # expected, computed independently
    orders = []
    issue: dict[str, Decimal] = {}
    count: dict[str, int] = {}
    for i, (parcels, growth, material) in enumerate(rows):
        monthly, weekly, half = expected_quantities(parcels, growth)
        orders.append((f"站{i}", material, monthly, weekly, half, weekly, "ok"))
        issue[material] = issue.get(material, Decimal(0)) + weekly
        count[material] = count.get(material, 0) + 1
    materials = []
    for material in sorted(issue):
        safety = ceil_(issue[material] * Decimal("0.5"))
        materials.append((material, count[material], issue[material], safety, issue[material] + safety))

    docs = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (encoding, headers, as_fraction) in enumerate(VARIANTS):
            body = "".join(
                f"站{i},{material},{parcels},{fraction_text(g) if as_fraction else pct_text(g)}\n"
                for i, (parcels, g, material) in enumerate(rows)
            )
            path = Path(tmp) / f"v{n}.csv"
            path.write_bytes((HEADERS[headers] + body).encode(encoding))
            out = io.StringIO()
            run_files(policy, {"stations": path}, fmt="json", stdout=out)
            docs.append(json.loads(out.getvalue(), parse_float=Decimal))
    for doc in docs:
        assert doc == docs[0]
    got_orders = [
        (o["station"], o["material"], o["monthly_qty"], o["weekly_qty"], o["half_week_qty"], o["approved_qty"], o["status"])
        for o in docs[0]["orders"]
    ]
    assert got_orders == orders
    got_materials = [
        (m["material"], m["stations"], m["weekly_qty"], m["safety_stock"], m["central_stock"]) for m in docs[0]["materials"]
    ]
    assert got_materials == materials
