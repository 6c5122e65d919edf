"""policies/leave-entitlements.yaml (issue 17, RULEBOOK R-LV-1..6): what each request is
entitled to, by the request's own dates and province (per-row parameters)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import evaluate, load_policy
from cspolicy.cli.main import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "leave"
POLICY = load_policy("leave-entitlements")
D = Decimal


def entitle(**cells):
    row = {"employee_id": "E1", "start_date": "2025-10-13", "days": "3", **cells}
    (out,) = evaluate(POLICY, {"requests": [row]})["entitlements"]
    return out


MARRIAGE = {"type": "marriage", "event_date": "2025-09-01", "probation_done": "yes"}


def test_marriage_leave_granted_with_every_condition_met():
    out = entitle(**MARRIAGE, applied_date="2025-10-06")  # 7 days before the 13th
    assert (out["entitled_days"], out["granted_days"], out["unpaid_days"], out["conditions"]) == (3, 3, 0, "")


def test_marriage_leave_conditions_in_words():
    out = entitle(**{**MARRIAGE, "probation_done": "no"}, applied_date="2025-10-10")
    assert out["conditions"] == "probation not completed [R-LV-1]; applied 3 days before the leave; 7 required [R-LV-1]"
    assert out["granted_days"] == 0 and out["unpaid_days"] == 3
    late = entitle(**{**MARRIAGE, "event_date": "2025-03-01"}, applied_date="2025-09-02")  # 2025-09-01 + 1 day
    assert late["conditions"] == "applied more than 6 months after the marriage certificate of 2025-03-01 [R-LV-1]"


@pytest.mark.parametrize(
    ("relation", "days"), [("父母", 3), ("spouse", 3), ("child", 3), ("兄弟姐妹", 1), ("公婆", 1), ("外祖父母", 1)]
)
def test_bereavement_by_relation(relation, days):
    out = entitle(type="bereavement", relation=relation)
    assert out["entitled_days"] == days and out["granted_days"] == days and out["unpaid_days"] == 3 - days


@pytest.mark.parametrize(
    ("born", "extra", "days"),
    [
        ("2012-04-27", {}, 90),  # the handbook's 90 until the national rule
        ("2012-04-28", {}, 98),  # 女职工劳动保护特别规定 from 2012-04-28
        ("2012-04-27", {"difficult_birth": "yes", "babies": "2"}, 90 + 15),  # no extra baby days before
        ("2025-03-01", {"difficult_birth": "yes", "babies": "3"}, 98 + 15 + 2 * 15),
    ],
)
def test_maternity_national_by_birth_date(born, extra, days):
    out = entitle(type="maternity", event_date=born, start_date=born, days="200", **extra)
    assert out["entitled_days"] == days and out["unpaid_days"] == 200 - days


@pytest.mark.parametrize(
    ("region", "extra", "days"),
    [
        ("上海", {}, 158),
        ("beijing", {}, 158),
        ("广东", {"difficult_birth": "yes"}, 178 + 30),  # Guangdong: +30 for a difficult birth
        ("深圳", {}, 178),
        ("浙江", {"child_number": "1"}, 158),
        ("zhejiang", {"child_number": "2"}, 188),
    ],
)
def test_maternity_by_province(region, extra, days):
    out = entitle(type="maternity", region=region, event_date="2025-05-05", start_date="2025-05-06", days="200", **extra)
    assert out["entitled_days"] == days


def test_a_request_in_one_province_and_one_in_another():
    rows = [
        {
            "employee_id": "E1",
            "type": "paternity",
            "region": "上海",
            "event_date": "2025-05-05",
            "start_date": "2025-05-06",
            "days": "15",
        },
        {
            "employee_id": "E2",
            "type": "paternity",
            "region": "北京",
            "event_date": "2025-05-05",
            "start_date": "2025-05-06",
            "days": "15",
        },
        {"employee_id": "E3", "type": "paternity", "event_date": "2025-05-05", "start_date": "2025-05-06", "days": "15"},
    ]
    out = {r["employee_id"]: r for r in evaluate(POLICY, {"requests": rows})["entitlements"]}
    assert (out["E1"]["granted_days"], out["E1"]["unpaid_days"]) == (10, 5)  # Shanghai 10
    assert (out["E2"]["granted_days"], out["E2"]["unpaid_days"]) == (15, 0)  # Beijing 15
    assert out["E3"]["entitled_days"] == 7  # no region: the handbook's 7


@pytest.mark.parametrize(("years", "days"), [("0.9", 0), ("1", 5), ("9.9", 5), ("10", 10), ("19.5", 10), ("20", 15)])
def test_annual_leave_by_cumulative_service(years, days):
    out = entitle(type="annual", service_years=years, days="5")
    assert out["entitled_days"] == days
    assert out["granted_days"] == (min(5, days) if days else 0)
    if not days:
        assert out["conditions"] == f"less than 1 year of cumulative service ({years}) [R-LV-6]"


def test_annual_leave_from_the_work_start_date_counts_whole_years():
    # 2015-10-14 to 2025-10-13: 9 whole years and 11 months → 5 days; a day earlier, 10 years
    assert entitle(type="annual", work_start_date="2015-10-14", days="10")["entitled_days"] == 5
    assert entitle(type="annual", work_start_date="2015-10-13", days="10")["entitled_days"] == 10


def test_breastfeeding_counts_working_days_until_the_first_birthday():
    # born 2025-09-15, so the first birthday is 2026-09-15; asked from Mon 2026-09-07
    out = entitle(type="breastfeeding", event_date="2025-09-15", start_date="2026-09-07", days="10")
    assert out["entitled_days"] == 6  # 7–11 Sep 2026 (5) + Mon 14 Sep (1); the 15th is the birthday
    old = entitle(type="breastfeeding", event_date="2024-06-01", start_date="2025-07-01", days="5")
    assert old["entitled_days"] == 0 and old["granted_days"] == 0
    assert old["conditions"] == "the child is 12 months old on 2025-06-01, before the start [R-LV-5]"


def test_cli_example_and_explain_in_both_languages(runner):
    args = ["run", "leave-entitlements", f"requests={EXAMPLES / 'requests.csv'}"]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    out = {r["employee_id"]: r for r in json.loads(result.stdout, parse_float=Decimal)["entitlements"]}
    assert out["E003"]["entitled_days"] == 158 + 15  # Shanghai, difficult birth
    assert out["E004"]["entitled_days"] == 178 + 15  # Guangdong, twins
    result = runner.invoke(cli, [*args, "--explain", "E003"])
    assert "maternity leave days 158: in force from 2021-11-25, region shanghai" in result.stdout
    result = runner.invoke(cli, [*args, "--explain", "E003", "--lang", "zh"])
    assert "产假天数 158：自 2021-11-25 起生效，地区 shanghai" in result.stdout
