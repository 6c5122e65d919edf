"""The library refuses what it does not know instead of dropping it (issue 14): evaluate()'s
tables and column names, Results.explain(key), and the region of a run."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspolicy import DataError, RunSettings, UsageError, evaluate, load_policy

REPO = Path(__file__).resolve().parent.parent
ROW = {"station": "A站", "material": "面单", "parcels": "10000", "growth": "15%"}


@pytest.fixture(scope="module")
def materials():
    return load_policy("materials-order")


def test_an_unknown_column_is_refused_with_the_closest(materials):
    with pytest.raises(UsageError) as info:
        evaluate(materials, {"stations": [{**ROW, "requsted": "5"}]})
    text = str(info.value)
    assert "tables['stations'][0]: input 'stations' has no column 'requsted'; did you mean 'requested'?" in text
    assert "station, material, parcels, growth, requested, reason" in text


def test_an_unknown_column_in_a_later_row_is_refused_too(materials):
    with pytest.raises(UsageError, match=r"tables\['stations'\]\[1\]: input 'stations' has no column 'parcles'"):
        evaluate(materials, {"stations": [ROW, {**ROW, "parcles": "1"}]})


def test_an_unknown_table_is_refused_with_the_closest(materials):
    with pytest.raises(UsageError, match="has no input 'station'; did you mean 'stations'\\?; expected inputs: stations"):
        evaluate(materials, {"stations": [ROW], "station": [ROW]})


def test_a_missing_table_is_refused(materials):
    with pytest.raises(UsageError, match="no rows given for input 'stations'"):
        evaluate(materials, {})


def test_headers_are_accepted_as_keys_like_in_a_csv(materials):
    chinese = {"站点": "A站", "物料": "面单", "上月实际票数": "10000", " 增长率 ": "15%", "申请数量": None, "ＲＥＡＳＯＮ": None}
    row = evaluate(materials, {"stations": [chinese]})["orders"][0]
    assert row == evaluate(materials, {"stations": [ROW]})["orders"][0]
    assert row["weekly_qty"] == Decimal(10000) * (1 + Decimal("0.15") + Decimal("0.07")) / 4  # 3050, exact


def test_two_keys_naming_one_column_are_refused(materials):
    with pytest.raises(UsageError, match="keys 'parcels' and '票数' both name column 'parcels'"):
        evaluate(materials, {"stations": [{**ROW, "票数": "5"}]})


def test_a_row_that_is_not_a_dict_is_refused(materials):
    with pytest.raises(UsageError, match=r"tables\['stations'\]\[0\] is a list"):
        evaluate(materials, {"stations": [["A", "面单", "1", "1%"]]})


@pytest.mark.parametrize("blank", [None, float("nan"), math.nan])
def test_none_and_nan_are_blank(materials, blank):
    row = evaluate(materials, {"stations": [{**ROW, "requested": blank, "reason": blank}]})["orders"][0]
    assert row["requested"] is None
    assert row["approved_qty"] == Decimal(3050)  # the formula's weekly order: no request


def test_a_nan_in_a_required_column_is_a_blank_cell(materials):
    with pytest.raises(DataError, match="stations:2:parcels: .*blank"):
        evaluate(materials, {"stations": [{**ROW, "parcels": float("nan")}]})


MATERIALS = load_policy("materials-order")


@given(st.floats(allow_nan=False))
def test_other_floats_stay_refused(value):
    with pytest.raises(DataError, match="is a float, which is binary and inexact"):
        evaluate(MATERIALS, {"stations": [{**ROW, "parcels": value}]})


# --- Results.explain ------------------------------------------------------------------------------


def test_explain_computes_on_demand(materials):
    results = evaluate(materials, {"stations": [ROW, {**ROW, "station": "B站", "parcels": "20000"}]})
    text = results.explain("B站")
    assert text.startswith("orders · B站 / 面单 (stations row 3)")
    assert "weekly order (weekly_qty) = 6100 [R-MT-1]: parcels 20000 × (1 + growth 15% + loss allowance 7%) ÷ 4 = 6100" in text
    assert "A站" not in text
    assert "materials · 面单" not in results.explain("b站 / 面单")  # the same rows, key spelt loosely


def test_explain_reuses_what_evaluate_traced(materials):
    results = evaluate(materials, {"stations": [ROW]}, explain="A站")
    assert results.explain("A站") == results.explain() == evaluate(materials, {"stations": [ROW]}).explain("A站")


def test_explain_of_an_unknown_key_names_the_closest(materials):
    results = evaluate(materials, {"stations": [ROW]})
    with pytest.raises(UsageError, match="explain\\('A'\\): no row has that key; did you mean 'A站'\\?"):
        results.explain("A")


def test_explain_without_a_key_needs_traced_rows(materials):
    with pytest.raises(UsageError, match="no row was explained"):
        evaluate(materials, {"stations": [ROW]}).explain()


# --- regions --------------------------------------------------------------------------------------

REGIONAL = (
    (REPO / "policies" / "materials-order.yaml")
    .read_text(encoding="utf-8")
    .replace(
        "      - from: 2020-01-01\n        value: 7%\n",
        "      - from: 2020-01-01\n        value: 7%\n      - from: 2024-01-01\n        value: 9%\n        region: Shanghai\n",
    )
)


@pytest.fixture
def regional(tmp_path):
    path = tmp_path / "regional.yaml"
    path.write_text(REGIONAL, encoding="utf-8")
    return load_policy(str(path))


@pytest.mark.parametrize("spelling", ["Shanghai", "shanghai", " SHANGHAI ", "ｓｈａｎｇｈａｉ"])
def test_region_names_match_like_headers(regional, spelling):
    settings = RunSettings(as_of=dt.date(2024, 3, 1), region=spelling)
    results = evaluate(regional, {"stations": [ROW]}, settings=settings)
    # 10000 × (1 + 15% + 9%) = 12400 with Shanghai's loss allowance
    assert results["orders"][0]["monthly_qty"] == Decimal(10000) * (1 + Decimal("0.15") + Decimal("0.09"))
    assert results.parameters["loss"].region == "Shanghai"  # the policy's own spelling


def test_an_unknown_region_is_refused(regional):
    with pytest.raises(UsageError, match="knows no region 'shangai'; did you mean 'Shanghai'\\?; expected one of: Shanghai"):
        evaluate(regional, {"stations": [ROW]}, settings=RunSettings(region="shangai"))


def test_no_region_gives_the_general_values(regional):
    results = evaluate(regional, {"stations": [ROW]}, settings=RunSettings(as_of=dt.date(2024, 3, 1)))
    assert results["orders"][0]["monthly_qty"] == Decimal(10000) * (1 + Decimal("0.15") + Decimal("0.07"))
