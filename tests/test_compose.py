"""Bundles (issue 19): a policy that uses other policies, each giving in the bundle exactly
what it gives alone on the same files.

``tests/policies/bundles/``: ``materials-month.yaml`` bundles two shipped policies
(materials-order and materials-review); ``pay.yaml`` bundles two small test policies
(``bonus.yaml``: 10% of base pay; ``fines.yaml``: 50 per offence) into bonus − fines.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy import DataError, PolicyError, RunSettings, UsageError, evaluate, load_policy, run_files
from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
BUNDLES = REPO / "tests" / "policies" / "bundles"
EXAMPLES = REPO / "examples" / "materials"
MATERIALS = {"stations": str(EXAMPLES / "stations.csv"), "review": str(EXAMPLES / "review.csv")}


@pytest.fixture(scope="module")
def pay():
    return load_policy(BUNDLES / "pay.yaml")


def _json(tmp_path: Path, policy, inputs, **kw) -> dict:
    out = tmp_path / f"out{len(list(tmp_path.iterdir()))}.json"
    run_files(policy, inputs, output=out, **kw)
    return json.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)


# --- a bundle of shipped policies -------------------------------------------------------------


def test_shipped_components_give_in_the_bundle_what_they_give_alone(tmp_path):
    bundle = load_policy(BUNDLES / "materials-month.yaml")
    together = _json(tmp_path, bundle, MATERIALS)
    order = _json(tmp_path, load_policy("materials-order"), {"stations": MATERIALS["stations"]})
    review = _json(tmp_path, load_policy("materials-review"), {"review": MATERIALS["review"]})
    assert together["order.materials"] == order["materials"]
    assert together["review.review"] == review["review"]
    assert together["review.fund"] == review["fund"]
    assert "order.orders" not in together  # only the outputs the bundle uses
    # the bundle's own output: per material, the order's weekly quantity and the review's fines
    rows = {r["material"]: r for r in together["materials"]}
    fines: dict[str, Decimal] = {}
    for r in review["review"]:
        fines[r["material"]] = fines.get(r["material"], Decimal(0)) + Decimal(r["fine"])
    for r in order["materials"]:
        assert rows[r["material"]]["weekly_qty"] == r["weekly_qty"]
        assert Decimal(rows[r["material"]]["fines"]) == fines.get(r["material"], Decimal(0))


def test_a_component_parameter_is_set_as_component_dot_name(tmp_path):
    bundle = load_policy(BUNDLES / "materials-month.yaml")
    together = _json(tmp_path, bundle, MATERIALS, settings=RunSettings(overrides={"order.loss": "8%"}))
    alone = _json(
        tmp_path,
        load_policy("materials-order"),
        {"stations": MATERIALS["stations"]},
        settings=RunSettings(overrides={"loss": "8%"}),
    )
    default = _json(tmp_path, load_policy("materials-order"), {"stations": MATERIALS["stations"]})
    assert together["order.materials"] == alone["materials"] != default["materials"]


def test_cli_runs_a_bundle_and_explains_into_the_component(runner):
    args = ["run", str(BUNDLES / "materials-month.yaml"), *(f"{k}={v}" for k, v in MATERIALS.items())]
    result = runner.invoke(cli, [*args, "--explain", "面单"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    bundle_part, _, component_part = out.partition("from component order")
    assert "materials · 面单" in bundle_part and "fines = 4.80 [R-MT-4]" in bundle_part
    # the component's own explanation of its figures, under a heading naming it
    assert "(Weekly material order):" in component_part.splitlines()[0]
    assert "weekly order (weekly_qty) = 3050 [R-MT-1]" in component_part
    assert "from component review" in out


def test_cli_set_of_an_unknown_component_or_parameter(runner):
    args = ["run", str(BUNDLES / "materials-month.yaml"), *(f"{k}={v}" for k, v in MATERIALS.items())]
    result = runner.invoke(cli, [*args, "--set", "oder.loss=8%"])
    assert result.exit_code == 2
    assert "--set oder.loss: no component named 'oder'" in result.stderr and "order, review" in result.stderr
    result = runner.invoke(cli, [*args, "--set", "order.lozz=8%"])
    assert result.exit_code == 2
    assert "--set order.lozz: no parameter named 'lozz'" in result.stderr


def test_cli_needs_every_component_input(runner):
    result = runner.invoke(cli, ["run", str(BUNDLES / "materials-month.yaml"), f"stations={MATERIALS['stations']}"])
    assert result.exit_code == 2
    assert "no file given for input 'review'" in result.stderr


def test_a_component_data_error_names_its_file_and_row(runner, tmp_path):
    bad = tmp_path / "stations.csv"
    bad.write_text("站点,物料,上月实际票数,增长率\nA站,面单,lots,15%\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["run", str(BUNDLES / "materials-month.yaml"), f"stations={bad}", f"review={MATERIALS['review']}"]
    )
    assert result.exit_code == 1
    assert "stations.csv:2:上月实际票数" in result.stderr


# --- a bundle of small test policies --------------------------------------------------------------


def test_pay_bundle_by_hand(pay):
    staff = [
        {"employee_id": "E001", "name": "张三", "base_pay": "5000", "team": "A"},
        {"employee_id": "e002", "name": "李四", "base_pay": "4000.50"},
    ]
    offences = [{"employee_id": "E001", "count": "2"}, {"employee_id": "E001", "count": "1"}]
    r = evaluate(pay, {"staff": staff, "offences": offences})
    rows = {row["employee_id"]: row for row in r["adjustments"]}
    # E001: bonus 5000 × 10% = 500.00; fines (2 + 1) × 50 = 150.00; total 500 − 150 = 350.00
    assert rows["E001"]["total"] == Decimal("350.00")
    # E002: bonus 4000.50 × 10% = 400.05; no offence: fines 0.00; total 400.05
    assert (rows["E002"]["bonus"], rows["E002"]["fines"], rows["E002"]["total"]) == (
        Decimal("400.05"),
        Decimal("0.00"),
        Decimal("400.05"),
    )
    assert [row["employee_id"] for row in r["bonus.bonuses"]] == ["E001", "E002"]


def test_pay_bundle_component_set_and_own_parameter(pay):
    staff = [{"employee_id": "E001", "name": "张三", "base_pay": "5000"}]
    offences = [{"employee_id": "E001", "count": "1"}]
    overrides = {"bonus.rate": "20%", "fines.fine": "30", "cap": "900"}
    r = evaluate(pay, {"staff": staff, "offences": offences}, settings=RunSettings(overrides=overrides))
    # bonus 5000 × 20% = 1000.00; fine 1 × 30 = 30.00; 1000 − 30 = 970.00, capped at 900.00
    assert r["adjustments"][0]["total"] == Decimal("900.00")
    assert r["fines.totals"][0]["fines"] == Decimal("30.00")


def test_evaluate_refuses_an_unknown_table(pay):
    with pytest.raises(UsageError, match="has no input 'offense'; did you mean 'offences'"):
        evaluate(pay, {"staff": [], "offense": []})


def test_evaluate_explains_into_the_components(pay):
    staff = [{"employee_id": "E001", "name": "张三", "base_pay": "5000"}]
    r = evaluate(pay, {"staff": staff, "offences": [{"employee_id": "E001", "count": "1"}]}, explain="E001")
    text = "\n\n".join(t.render("en") for t in r.traces)
    assert "adjustments · E001" in text
    assert "from component bonus (Bonus):" in text and "bonus = 500.00 [R-TB-1]" in text
    assert "from component fines (Fines):" in text


_PAY = load_policy(BUNDLES / "pay.yaml")
money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(
    pays=st.lists(money, min_size=1, max_size=6),
    counts=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 5)), max_size=12),
    rate=st.integers(0, 100),
)
def test_each_total_is_the_sum_of_the_components_run_alone(pays, counts, rate):
    pay = _PAY
    staff = [{"employee_id": f"E{i:03d}", "name": f"n{i}", "base_pay": str(p)} for i, p in enumerate(pays)]
    offences = [{"employee_id": f"E{i % len(pays):03d}", "count": str(c)} for i, c in counts]
    set_ = RunSettings(overrides={"bonus.rate": f"{rate}%"})
    together = evaluate(pay, {"staff": staff, "offences": offences}, settings=set_)
    bonus = evaluate(load_policy(BUNDLES / "bonus.yaml"), {"staff": staff}, settings=RunSettings(overrides={"rate": f"{rate}%"}))
    ids = [{"employee_id": s["employee_id"]} for s in staff]  # evaluate() refuses columns a policy does not read
    fines = evaluate(load_policy(BUNDLES / "fines.yaml"), {"staff": ids, "offences": offences})
    alone_bonus = {r["employee_id"]: r["bonus"] for r in bonus["bonuses"]}
    alone_fines = {r["employee_id"]: r["fines"] for r in fines["totals"]}
    assert together["bonus.bonuses"] == bonus["bonuses"]
    assert together["fines.totals"] == fines["totals"]
    for row in together["adjustments"]:
        assert row["total"] == alone_bonus[row["employee_id"]] - alone_fines[row["employee_id"]]


# --- loading ----------------------------------------------------------------------------------------


def _bundle(tmp_path: Path, use: str, extra: str = "") -> Path:
    (tmp_path / "bonus.yaml").write_bytes((BUNDLES / "bonus.yaml").read_bytes())
    text = f"""\
name: b
title: {{zh: 包, en: bundle}}
family: test
version: "1"
rules: {{R-TB-1: x}}
use:
{use}
outputs:
  out:
    from: bonus.bonuses
    columns: {{employee_id: employee_id}}
{extra}"""
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_component_output_is_a_policy_error_at_its_line(tmp_path):
    path = _bundle(tmp_path, "  bonus: {policy: bonus.yaml, outputs: [bonus]}")
    with pytest.raises(PolicyError, match=r"b\.yaml:7: .*policy 'bonus' has no output 'bonus'.*expected one of: bonuses"):
        load_policy(path)


def test_unknown_component_policy_is_a_policy_error_at_its_line(tmp_path):
    path = _bundle(tmp_path, "  bonus: {policy: bonsu}")
    with pytest.raises(PolicyError, match=r"b\.yaml:7: no policy named 'bonsu'.*expected a shipped policy"):
        load_policy(path)


def test_a_bundle_using_itself_is_refused(tmp_path):
    path = _bundle(tmp_path, "  bonus: {policy: bonus.yaml}\n  me: {policy: b.yaml}")
    with pytest.raises(PolicyError, match=r"b\.yaml:8: .*uses itself"):
        load_policy(path)


def test_a_bundle_can_be_a_component(tmp_path):
    """A customer's bundle of bundles: pay.yaml used by another policy, figures unchanged."""
    for name in ("bonus.yaml", "fines.yaml", "pay.yaml"):
        (tmp_path / name).write_bytes((BUNDLES / name).read_bytes())
    outer = tmp_path / "outer.yaml"
    outer.write_text(
        """\
name: outer
title: {zh: 外层, en: outer}
family: test
version: "1"
rules: {R-TP-1: x}
use:
  pay: {policy: pay.yaml, outputs: [adjustments]}
outputs:
  payroll:
    from: pay.adjustments
    key: [employee_id]
    columns: {employee_id: employee_id, total: total}
""",
        encoding="utf-8",
    )
    staff = [{"employee_id": "E001", "name": "张三", "base_pay": "5000"}]
    r = evaluate(
        load_policy(outer),
        {"staff": staff, "offences": [{"employee_id": "E001", "count": "1"}]},
        settings=RunSettings(overrides={"pay.bonus.rate": "20%"}),
    )
    # 5000 × 20% − 1 × 50 = 950.00
    assert r["payroll"][0]["total"] == Decimal("950.00")


ROWWISE = """\
name: rowwise
title: {zh: 逐行, en: row-wise}
family: test
version: "1"
rules: {R-TB-1: x}
inputs:
  staff:
    KEY
    columns: {employee_id: {type: text}, base_pay: {type: money}}
outputs:
  pay:
    from: staff
    key: [employee_id]
    columns: {employee_id: employee_id, half: {expr: base_pay / 2, type: money}}
"""
ROWWISE_BUNDLE = """\
name: rb
title: {zh: 包, en: bundle}
family: test
version: "1"
rules: {R-TB-1: x}
use:
  bonus: {policy: bonus.yaml}
  row: {policy: rowwise.yaml}
outputs:
  out:
    from: bonus.bonuses
    key: [employee_id]
    join: [{with: row.pay, on: [employee_id], how: lookup}]
    columns: {employee_id: employee_id, total: {expr: bonus + half, type: money}}
"""


def test_a_row_wise_output_of_a_keyed_input_keeps_its_key(tmp_path):
    (tmp_path / "bonus.yaml").write_bytes((BUNDLES / "bonus.yaml").read_bytes())
    (tmp_path / "rowwise.yaml").write_text(ROWWISE.replace("KEY", "key: [employee_id]"), encoding="utf-8")
    (tmp_path / "rb.yaml").write_text(ROWWISE_BUNDLE, encoding="utf-8")
    bundle = load_policy(tmp_path / "rb.yaml")
    assert bundle.inputs["row.pay"].key == ("employee_id",)
    r = evaluate(bundle, {"staff": [{"employee_id": "E1", "name": "a", "base_pay": "1000"}]})
    assert r["out"][0]["total"] == Decimal("600.00")  # 1000 × 10% + 1000 / 2
    # without the input's key the join still reads the repeated output, which must have one
    # row per key: a repeated employee is an input error naming the key
    (tmp_path / "rowwise.yaml").write_text(ROWWISE.replace("KEY", "label: staff"), encoding="utf-8")
    bundle = load_policy(tmp_path / "rb.yaml")
    assert bundle.inputs["row.pay"].key == ()
    staff = [{"employee_id": "E1", "name": "a", "base_pay": "1000"}, {"employee_id": "E1", "name": "a", "base_pay": "10"}]
    with pytest.raises(DataError, match="E1"):
        evaluate(bundle, {"staff": staff})


def test_a_bundle_reads_a_workbook_input_like_its_csv(tmp_path):
    bundle = load_policy(BUNDLES / "materials-month.yaml")
    from_csv = _json(tmp_path, bundle, MATERIALS)
    from_xlsx = _json(tmp_path, bundle, {**MATERIALS, "stations": str(EXAMPLES / "stations.xlsx")})
    assert from_xlsx == from_csv


def test_show_names_the_component_outputs(runner):
    result = runner.invoke(cli, ["show", str(BUNDLES / "pay.yaml")])
    assert result.exit_code == 0, result.stderr
    assert "component output bonus.bonuses (Bonus: bonuses) (computed by bonus.yaml):" in result.stdout
    assert "\ninput staff" in result.stdout
