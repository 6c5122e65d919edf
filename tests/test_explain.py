"""Explanations in plain words (issue 15): one row of every shipped policy in both languages,
checked by hand against the rulebook's arithmetic; conditions as statements; hidden steps;
the source row as the file held it and defaults; the rows behind a group; ladders and
ranks; --explain by name, close matches, the language from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN = ("present(", "blank", "not (")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # file names in titles as a clerk types them: examples/…


def explained(runner, policy: str, csv: str, key: str, lang: str = "en", *extra: str) -> list[str]:
    """The explanations printed by ``cspolicy run POLICY CSV --explain KEY``, one per row."""
    result = runner.invoke(cli, ["run", policy, f"examples/{csv}", "--explain", key, "--lang", lang, *extra])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    for word in FORBIDDEN:
        assert word not in result.stdout
    return result.stdout.rstrip("\n").split("\n\n")


def the(blocks: list[str], marker: str) -> str:
    (found,) = [b for b in blocks if b.splitlines()[0].endswith(marker) or marker in b.splitlines()[0]]
    return found


# --- materials-order: R-MT-1 worked example and R-MT-3 --------------------------------------------
# Station A: 10000 parcels, growth 15%, loss 7% → monthly 10000 × 1.22 = 12200, weekly ÷ 4 =
# 3050, half-week ÷ 8 = 1525 (RULEBOOK R-MT-1). No request → the weekly order is approved.
ORDER_EN = """\
orders · A站 / 面单 (examples/materials/stations.csv row 2)
  monthly need (monthly_qty) = 12200 [R-MT-1]: parcels 10000 × (1 + growth 15% + loss allowance 7%) = 12200, rounded up
  weekly order (weekly_qty) = 3050 [R-MT-1]: parcels 10000 × (1 + growth 15% + loss allowance 7%) ÷ 4 = 3050, rounded up
  half-week order (half_week_qty) = 1525 [R-MT-1]: parcels 10000 × (1 + growth 15% + loss allowance 7%) ÷ 8 = 1525, rounded up
  approved quantity (approved_qty) = 3050 [R-MT-3]: no requested was given, so it is weekly order 3050
  status = ok [R-MT-3]: no requested was given, so it is ok
  in the file: station A站 (column "站点"), material 面单 (column "物料"), parcels 10000 (column "上月实际票数"), \
growth 15% (column "增长率"), requested (empty) (column "申请数量"), reason (empty) (column "超额理由")
  parameters:
    loss allowance (loss) = 7%, in force from 2020-01-01; source: seed 002 物料管控规定 4.1.3 ("物料损耗率暂定为7%")
  rules:
    R-MT-1: order = parcels × (1 + growth + loss rate); weekly ÷ 4, half-week ÷ 8; quantities rounded up
    R-MT-3: a request above the formula needs a written reason, else it is cut back to the formula"""

ORDER_ZH = """\
物料申请审核 · A站 / 面单（examples/materials/stations.csv 第 2 行）
  下月申请数量 = 12200 [R-MT-1]：上月实际收件量 10000 × (1 + 本月预计业务增长率 15% + 物料损耗率 7%) = 12200，向上取整
  一周申请数量 = 3050 [R-MT-1]：上月实际收件量 10000 × (1 + 本月预计业务增长率 15% + 物料损耗率 7%) ÷ 4 = 3050，向上取整
  半周申请数量 = 1525 [R-MT-1]：上月实际收件量 10000 × (1 + 本月预计业务增长率 15% + 物料损耗率 7%) ÷ 8 = 1525，向上取整
  核定数量 = 3050 [R-MT-3]：未填写申请数量，故取一周申请数量 3050
  审核结果 = 正常 [R-MT-3]：未填写申请数量，故为正常
  文件中：站点 A站，物料 面单，上月实际收件量 10000（表头“上月实际票数”），本月预计业务增长率 15%（表头“增长率”），\
申请数量（空），情况说明（空）（表头“超额理由”）
  参数：
    物料损耗率（loss）= 7%，自 2020-01-01 起生效；来源：seed 002 物料管控规定 4.1.3 ("物料损耗率暂定为7%")
  规则：
    R-MT-1：物料申请数量 = 实际收件量 ×（1 + 预计业务增长率 + 物料损耗率）；一周 ÷ 4，半周 ÷ 8；数量向上取整
    R-MT-3：超出公式的申请须附相关情况说明，否则按公式核减"""


@pytest.mark.parametrize(("lang", "expected"), [("en", ORDER_EN), ("zh", ORDER_ZH)])
def test_materials_order_snapshot(runner, lang, expected):
    assert explained(runner, "materials-order", "materials/stations.csv", "A站/面单", lang) == [expected]


def test_a_request_above_the_formula_without_reason_is_cut_back(runner):
    # B站 包装袋: 8000 × (1 − 5% + 7%) ÷ 4 = 2040; the request 2200 is above it, no reason → 2040
    (zh,) = explained(runner, "materials-order", "materials/stations.csv", "B站/包装袋", "zh")
    assert "  核定数量 = 2040 [R-MT-3]：申请数量 2200 超过一周申请数量 2040，未填写情况说明，故取一周申请数量 2040" in zh
    assert "  审核结果 = 按公式核减 [R-MT-3]：申请数量 2200 超过一周申请数量 2040，未填写情况说明，故为按公式核减" in zh
    (en,) = explained(runner, "materials-order", "materials/stations.csv", "B站/包装袋")
    assert (
        "  approved quantity (approved_qty) = 2040 [R-MT-3]: requested 2200 is above weekly order 2040 and no reason"
        " was given, so it is weekly order 2040"
    ) in en


def test_a_group_names_the_rows_behind_each_figure(runner):
    # 面单 is ordered by A, B, C and D: approved 3050 + 2500 + 339 + 0 = 5889; safety 50% of
    # it is 2944.5 → 2945 (rounded up); central stock 5889 + 2945 = 8834
    materials = the(explained(runner, "materials-order", "materials/stations.csv", "面单"), "stations.csv)")
    assert materials.splitlines() == [
        "materials · 面单 (from 4 rows of examples/materials/stations.csv)",
        "  stations ordering (stations) = 4: count of rows: row 2, row 4, row 6, row 8",
        "  weekly issue (weekly_qty) = 5889 [R-MT-2]: sum of approved quantity: 3050 (row 2) + 2500 (row 4) + 339 (row 6)"
        " + 0 (row 8) = 5889",
        "  safety stock (safety_stock) = 2945 [R-MT-2]: safety stock share 50% × weekly issue 5889 = 2944.5, rounded up to 2945",
        "  central stock (central_stock) = 8834 [R-MT-2]: weekly issue 5889 + safety stock 2945 = 8834, rounded up",
        "  parameters:",
        '    safety stock share (safety) = 50%, in force from 2020-01-01; source: seed 002 物料管控规定 4.2.4 ("保证50%的安全用量")',
        "  rules:",
        "    R-MT-2: the central store keeps a safety stock of 50% on top of what it issues",
    ]


# --- materials-review: R-MT-4, a courier fined at the default rate ---------------------------------
# 李四: consumed 0 + 2200 − 0 = 2200; loss (2200 − 2000) ÷ 2000 = 10% > 8% → fine; allowed
# 2000 × 1.07 = 2140; excess 2200 − 2140 = 60, worth 60 × 0.10 = 6; no rate in the file → the
# lowest courier rate 80%: fine 80% × 6 = 4.80; a fined courier gets old-for-new.
REVIEW_EN = """\
review · 李四 / 面单 (examples/materials/review.csv row 7)
  consumed = 2200 [R-MT-4]: opening stock 0 + received 2200 - closing stock 0 = 2200
  loss rate (loss_rate) = 10% [R-MT-4]: exact loss rate 10%
    where exact loss rate (exact_rate, a step not in the table) = 10%: (consumed 2200 - parcels 2000) ÷ parcels 2000 = 10%
  allowed = 2140.00 [R-MT-4]: parcels 2000 × (1 + loss allowance 7%) = 2140
  excess quantity (excess_qty) = 60.00 [R-MT-4]: exact excess 60
    where exact excess (excess_exact, a step not in the table) = 60.00: max(0, consumed 2200 - allowed 2140) = 60
  excess value (excess_value) = 6.00 [R-MT-4]: exact excess value 6
    where exact excess value (excess_value_exact, a step not in the table) = 6.0000: exact excess 60 × unit price 0.10 = 6
  verdict = fine [R-MT-4]: level is courier (not station) and exact loss rate 10% is above courier fine threshold 8%, \
so it is fine
  fine rate (fine_rate) = 80% [R-MT-4]: verdict is fine, no fine rate was given and level is courier (not station), \
so it is the default lowest courier fine rate 80%
  fine = 4.80 [R-MT-4]: fine rate 80% × exact excess value 6 = 4.8, rounded half up to 2 decimal places
  old for new (old_for_new) = yes [R-MT-4]: level is courier and verdict is fine
  in the file: unit 李四 (column "单位"), level 快递员 (column "类型"), material 面单 (column "物料"), \
parcels 2000 (column "票数"), opening stock 0 (column "期初库存"), received 2200 (column "领用"), \
closing stock 0 (column "期末库存"), unit price 0.10 (column "单价"), \
fine rate (column "罚款比例"): left empty in the file, so the default 80% applies, reward (empty) (column "奖励金额")
  parameters:
    loss allowance (allowance) = 7%, in force from 2020-01-01; source: seed 002 物料管控规定 4.5.1 (7%); \
RULEBOOK R-MT-4 decision (same for couriers)
    courier fine threshold (courier_fine_above) = 8%, in force from 2020-01-01; source: seed 002 4.5.2 ("高于8%以上"); \
RULEBOOK decision > 8% → fine
    lowest courier fine rate (courier_rate_min) = 80%, in force from 2020-01-01; source: seed 002 4.5.2 ("80%-100%")
  rules:
    R-MT-4: loss rate = (consumed - parcels) ÷ parcels; station > 7% fined 50–80% of the excess value; \
courier (4%, 8%] warned, > 8% fined 80–100% and issued old-for-new; < 3% rewarded 100–500 once per unit"""

REVIEW_ZH = """\
损耗考核明细 · 李四 / 面单（examples/materials/review.csv 第 7 行）
  消耗量 = 2200 [R-MT-4]：期初库存 0 + 本月领用 2200 - 期末库存（含客户处）0 = 2200
  物料损耗率 = 10% [R-MT-4]：损耗率（未取整）10%
    其中损耗率（未取整）（中间步骤，表中未列出） = 10%：(消耗量 2200 - 实际收件量 2000) ÷ 实际收件量 2000 = 10%
  允许消耗量 = 2140.00 [R-MT-4]：实际收件量 2000 × (1 + 允许损耗率 7%) = 2140
  超出数量 = 60.00 [R-MT-4]：超出数量（未取整）60
    其中超出数量（未取整）（中间步骤，表中未列出） = 60.00：max(0, 消耗量 2200 - 允许消耗量 2140) = 60
  超出部分价值 = 6.00 [R-MT-4]：超出部分价值（未取整）6
    其中超出部分价值（未取整）（中间步骤，表中未列出） = 6.0000：超出数量（未取整）60 × 单价 0.10 = 6
  考核结果 = 罚款 [R-MT-4]：类型为外务员而非站点，损耗率（未取整）10% 超过外务员罚款线 8%，故为罚款
  罚款比例 = 80% [R-MT-4]：考核结果为罚款，未填写罚款比例，类型为外务员而非站点，故取默认值外务员最低罚款比例 80%
  罚款 = 4.80 [R-MT-4]：罚款比例 80% × 超出部分价值（未取整）6 = 4.8，四舍五入到 2 位小数
  次月以旧换新 = 是 [R-MT-4]：类型为外务员，考核结果为罚款
  文件中：单位 李四，类型 快递员，物料 面单，实际收件量 2000（表头“票数”），期初库存 0，本月领用 2200（表头“领用”），\
期末库存（含客户处）0（表头“期末库存”），单价 0.10，罚款比例：文件中未填，按默认值 80%，奖励金额（空）
  参数：
    允许损耗率（allowance）= 7%，自 2020-01-01 起生效；来源：seed 002 物料管控规定 4.5.1 (7%); \
RULEBOOK R-MT-4 decision (same for couriers)
    外务员罚款线（courier_fine_above）= 8%，自 2020-01-01 起生效；来源：seed 002 4.5.2 ("高于8%以上"); \
RULEBOOK decision > 8% → fine
    外务员最低罚款比例（courier_rate_min）= 80%，自 2020-01-01 起生效；来源：seed 002 4.5.2 ("80%-100%")
  规则：
    R-MT-4：损耗率 =（消耗量 − 票数）÷ 票数；站点高于 7%（不含 7%）按超出部分物料实际价值的 50%–80% 罚款；\
外务员 (4%, 8%] 口头警告，高于 8% 按 80%–100% 罚款并于次月以旧换新；低于 3%（不含 3%）每个单位奖励 100–500 元，一次"""


@pytest.mark.parametrize(("lang", "expected"), [("en", REVIEW_EN), ("zh", REVIEW_ZH)])
def test_materials_review_snapshot(runner, lang, expected):
    blocks = explained(runner, "materials-review", "materials/review.csv", "李四", lang)
    assert blocks[0] == expected


def test_a_unit_names_its_material_rows(runner):
    # A站: 面单 fined 0 (7% is not above 7%), 包装袋 fined 60% × (11000 − 10700) × 0.50 = 90 → 90
    units = the(explained(runner, "materials-review", "materials/review.csv", "A站"), "review.csv)")
    assert "  fines = 90.00 [R-MT-4]: sum of fine: 0.00 (row 2) + 90.00 (row 3) = 90" in units
    assert "  materials = 2: count of rows: row 2, row 3" in units


def test_the_total_row_is_found_as_total(runner):
    (fund,) = explained(runner, "materials-review", "materials/review.csv", "合计", "zh")
    # fines per unit 90 + 0 + 0 + 4.80 + 0 + 0 = 94.80; rewards: only B站 (300)
    assert fund.startswith("部门基金 · 合计（来自单位汇总的 6 行）")
    assert "罚款合计 = 94.80 [R-PN-4]：罚款合计之和：90.00（A站） + 0.00（B站） + 0.00（张三） + 4.80（李四）" in fund


# --- penalties-club: the R-PN-1 ladder -----------------------------------------------------------
# E001 in March: 2nd March warning, 9th March 20, 30th March (offence spelt by its name) → the 3rd
# occurrence, the last rung: 50.
CLUB_EN = """\
sanctions · E001 (examples/penalties/club-offences.csv row 4)
  offence = G1
  offence name (offence_name) = 违反前台规章制度
  occurrence = 3
  sanction = fine
  fine = 50.00
  rule = R-PN-1
  ladder [R-PN-1]: breach of front-desk rules (G1), counted per employee within the month 2024-03
    earlier in this window: 2024-03-02 (1st: verbal warning, row 2), 2024-03-09 (2nd: fine 20, row 3)
    this is the 3rd occurrence: rung 3 of 3, fine 50
    the ladder: 1st verbal warning, 2nd fine 20, 3rd fine 50; after the last rung, the last rung repeats
  in the file: employee E001 (column "工号"), name 王芳 (column "姓名"), date 2024-03-30 (column "日期"), \
offence 违反前台规章制度 (column "违规"), amount (empty) (column "金额"), note (empty) (column "备注")
  rules:
    R-PN-1: escalation ladders: the nth occurrence within a natural month → its rung; the last rung repeats"""

CLUB_ZH = """\
处罚明细 · E001（examples/penalties/club-offences.csv 第 4 行）
  违规代码 = G1
  违规项目名称 = 违反前台规章制度
  本期第几次 = 3
  处罚 = 罚款
  罚款 = 50.00
  规则 = R-PN-1
  阶梯处罚 [R-PN-1]：违反前台规章制度（G1），按工号在 2024-03 月内计次
    此前同期：2024-03-02（第 1 次：口头警告，第 2 行）、2024-03-09（第 2 次：罚款 20，第 3 行）
    本次为第 3 次：第 3 档（共 3 档），罚款 50
    阶梯：第 1 次口头警告、第 2 次罚款 20、第 3 次罚款 50；超过最后一档后按最后一档重复
  文件中：工号 E001，姓名 王芳，日期 2024-03-30，违规项目 违反前台规章制度（表头“违规”），罚款金额（空）（表头“金额”），备注（空）
  规则：
    R-PN-1：违规升级：一个自然月内第 n 次违规按第 n 档处罚；超过最后一档时按最后一档重复"""


@pytest.mark.parametrize(("lang", "expected"), [("en", CLUB_EN), ("zh", CLUB_ZH)])
def test_penalties_club_snapshot(runner, lang, expected):
    blocks = explained(runner, "penalties-club", "penalties/club-offences.csv", "E001", lang)
    assert the(blocks, "row 4)" if lang == "en" else "第 4 行）") == expected


def test_past_the_last_rung_the_last_rung_repeats(runner):
    blocks = explained(runner, "penalties-club", "penalties/club-offences.csv", "E001")
    fourth = the(blocks, "row 5)")  # 31 March: the 4th in March, 3 rungs → the 3rd again, 50
    assert "    this is the 4th occurrence, past the last of 3 rungs, so the last rung repeats: fine 50" in fourth
    april = the(blocks, "row 11)")  # 1 April: a new month, the count starts again
    assert "    no earlier occurrence in this window" in april and "within the month 2024-04" in april


def test_explain_by_name_finds_the_same_rows_as_the_id(runner):
    by_id = explained(runner, "penalties-club", "penalties/club-offences.csv", "E001", "zh")
    assert explained(runner, "penalties-club", "penalties/club-offences.csv", "王芳", "zh") == by_id
    employee = the(by_id, "的 5 行）")
    # fines 0 + 20 + 50 + 50 + 0 = 120 (the April warning is fined nothing)
    assert (
        "罚款合计 = 120.00 [R-PN-4]：罚款之和：0.00（第 2 行） + 20.00（第 3 行） + 50.00（第 4 行） + 50.00（第 5 行）"
        in employee
    )


# --- penalties-shop: R-PN-2, the third complaint ends employment -----------------------------------
SHOP_EN = """\
sanctions · K01 (examples/penalties/shop-complaints.csv row 5)
  offence = S1
  offence name (offence_name) = 因服务原因收到买家投诉
  occurrence = 3
  sanction = automatic resignation (resignation)
  fine = 0.00
  rule = R-PN-2
  ladder [R-PN-2]: buyer complaint for service reasons (S1), counted per employee within the month 2024-03
    earlier in this window: 2024-03-03 (1st: fine 50, row 2), 2024-03-15 (2nd: fine 100, row 3)
    this is the 3rd occurrence: rung 3 of 3, automatic resignation
    the ladder: 1st fine 50, 2nd fine 100, 3rd automatic resignation; after the last rung, the last rung repeats
  in the file: employee K01 (column "工号"), name 小陈 (column "姓名"), date 2024-03-28 (column "日期"), \
offence S1 (column "违规"), amount (not in the file), note 第三次：自动离职 (column "备注")
  rules:
    R-PN-2: buyer complaints within a natural month: 1st 50, 2nd doubled (100), 3 or more → automatic resignation"""

SHOP_ZH = """\
处罚明细 · K01（examples/penalties/shop-complaints.csv 第 5 行）
  违规代码 = S1
  违规项目名称 = 因服务原因收到买家投诉
  本期第几次 = 3
  处罚 = 自动离职
  罚款 = 0.00
  规则 = R-PN-2
  阶梯处罚 [R-PN-2]：因服务原因收到买家投诉（S1），按工号在 2024-03 月内计次
    此前同期：2024-03-03（第 1 次：罚款 50，第 2 行）、2024-03-15（第 2 次：罚款 100，第 3 行）
    本次为第 3 次：第 3 档（共 3 档），自动离职
    阶梯：第 1 次罚款 50、第 2 次罚款 100、第 3 次自动离职；超过最后一档后按最后一档重复
  文件中：工号 K01，姓名 小陈，日期 2024-03-28，违规项目 S1（表头“违规”），罚款金额（文件中无此列），备注 第三次：自动离职
  规则：
    R-PN-2：一个自然月内因服务原因收到买家投诉：第一次罚款 50 元，第二次翻倍（100 元），三次以上自动离职"""


@pytest.mark.parametrize(("lang", "expected"), [("en", SHOP_EN), ("zh", SHOP_ZH)])
def test_penalties_shop_snapshot(runner, lang, expected):
    blocks = explained(runner, "penalties-shop", "penalties/shop-complaints.csv", "小陈", lang)
    assert the(blocks, "row 5)" if lang == "en" else "第 5 行）") == expected
    # 50 + 100 + 0 = 150 for the month, and the third complaint ends employment
    employee = blocks[-1]
    assert "fines = 150.00 [R-PN-4]: sum of fine: 50.00 (row 2) + 100.00 (row 3) + 0.00 (row 5) = 150" in employee or (
        "罚款合计 = 150.00 [R-PN-4]：罚款之和：50.00（第 2 行） + 100.00（第 3 行） + 0.00（第 5 行） = 150" in employee
    )


# --- penalties-office: R-PN-6 counted per calendar year, the fine given by the row -----------------
OFFICE_EN = """\
sanctions · M03 (examples/penalties/office-offences.csv row 7)
  offence = D1
  offence name (offence_name) = 违纪
  occurrence = 3
  sanction = fine
  fine = 200.00
  rule = R-PN-6
  ladder [R-PN-6]: disciplinary breach (D1), counted per employee within the year 2024
    earlier in this window: 2024-01-10 (1st: verbal warning, row 5), 2024-03-02 (2nd: written warning, row 6)
    this is the 3rd occurrence: rung 3 of 5, fine 200 (given in the file)
    the ladder: 1st verbal warning, 2nd written warning, 3rd fine at least 0.01, 4th suspension, 5th dismissal; \
after the last rung, no further sanction
  in the file: employee M03 (column "工号"), name 郑洁 (column "姓名"), date 2024-05-20 (column "日期"), \
offence D1 (column "违规"), amount 200 (column "金额"), note (empty) (column "备注")
  rules:
    R-PN-6: discipline ladder: verbal warning → written warning → fine → suspension → dismissal"""

OFFICE_ZH = """\
处罚明细 · M03（examples/penalties/office-offences.csv 第 7 行）
  违规代码 = D1
  违规项目名称 = 违纪
  本期第几次 = 3
  处罚 = 罚款
  罚款 = 200.00
  规则 = R-PN-6
  阶梯处罚 [R-PN-6]：违纪（D1），按工号在 2024 年内计次
    此前同期：2024-01-10（第 1 次：口头警告，第 5 行）、2024-03-02（第 2 次：书面警告，第 6 行）
    本次为第 3 次：第 3 档（共 5 档），罚款 200（文件中给出）
    阶梯：第 1 次口头警告、第 2 次书面警告、第 3 次罚款（至少 0.01）、第 4 次暂停工作、第 5 次解雇；超过最后一档后不再处罚
  文件中：工号 M03，姓名 郑洁，日期 2024-05-20，违规项目 D1（表头“违规”），罚款金额 200（表头“金额”），备注（空）
  规则：
    R-PN-6：纪律处分：口头警告 → 书面警告 → 罚款 → 暂停工作 → 解雇"""


@pytest.mark.parametrize(("lang", "expected"), [("en", OFFICE_EN), ("zh", OFFICE_ZH)])
def test_penalties_office_snapshot(runner, lang, expected):
    blocks = explained(runner, "penalties-office", "penalties/office-offences.csv", "M03", lang)
    assert the(blocks, "row 7)" if lang == "en" else "第 7 行）") == expected


def test_a_ranged_fine_names_its_range(runner):
    blocks = explained(runner, "penalties-office", "penalties/office-offences.csv", "吴刚", "zh")
    assert "    本次为第 1 次：第 1 档（共 1 档），罚款 50（文件中给出，范围 10–200）" in the(blocks, "第 4 行）")


# --- rewards-training: R-PN-5 ranks and the tie rule ------------------------------------------------
# T02 and T03 both took 9 days (the fewest): both rank 1; tie rule higher → both 150.
TRAINING_EN = """\
awards · T03 (examples/penalties/trainers.csv row 4)
  rank = 1
  award = 150.00 [R-PN-5]
  ranking [R-PN-5]: by days to qualify, smallest first, among the 5 rows of examples/penalties/trainers.csv
    days to qualify 9 → rank 1, tied with T02 (9)
    tie rule (tie_rule) = higher: tied rows each get the amount of the best position they share
    position 1: first prize 150
  in the file: trainer T03 (column "培训师"), trainee 新人丙 (column "学员"), days to qualify 9 (column "合格天数")
  parameters:
    first prize (first_prize) = 150, in force from 2020-01-01; source: seed 002 奖励 ("培训新员工…第一名150元")
    second prize (second_prize) = 100, in force from 2020-01-01; source: seed 002 奖励 ("第二名100元")
    third prize (third_prize) = 50, in force from 2020-01-01; source: seed 002 奖励 ("第三名50元")
    tie rule (tie_rule) = higher, in force from 2020-01-01; source: issue 4 decision (the sources name no tie rule); \
RULEBOOK R-PN-5 gives 150/100/50
  rules:
    R-PN-5: the trainer whose trainee learns fastest gets 150, the second 100, the third 50"""

TRAINING_ZH = """\
带新奖励 · T03（examples/penalties/trainers.csv 第 4 行）
  名次 = 1
  奖励金额 = 150.00 [R-PN-5]
  排名 [R-PN-5]：按上手天数从小到大，在 examples/penalties/trainers.csv 的 5 行中
    上手天数 9 → 第 1 名，与 T02（9）并列
    并列规则（tie_rule）= higher：并列者各得所占最高名次的奖励，其后名次顺延
    第 1 名：第一名奖励 150
  文件中：带教老师 T03（表头“培训师”），新员工 新人丙（表头“学员”），上手天数 9（表头“合格天数”）
  参数：
    第一名奖励（first_prize）= 150，自 2020-01-01 起生效；来源：seed 002 奖励 ("培训新员工…第一名150元")
    第二名奖励（second_prize）= 100，自 2020-01-01 起生效；来源：seed 002 奖励 ("第二名100元")
    第三名奖励（third_prize）= 50，自 2020-01-01 起生效；来源：seed 002 奖励 ("第三名50元")
    并列规则（tie_rule）= higher，自 2020-01-01 起生效；来源：issue 4 decision (the sources name no tie rule); \
RULEBOOK R-PN-5 gives 150/100/50
  规则：
    R-PN-5：新员工上手最快的带教老师奖励 150 元，第二名 100 元，第三名 50 元"""


@pytest.mark.parametrize(("lang", "expected"), [("en", TRAINING_EN), ("zh", TRAINING_ZH)])
def test_rewards_training_snapshot(runner, lang, expected):
    assert explained(runner, "rewards-training", "penalties/trainers.csv", "T03", lang) == [expected]


@pytest.mark.parametrize(
    ("tie_rule", "line"),
    [
        ("split", "    sharing positions 1 to 2: (first prize 150 + second prize 100) ÷ 2 = 125"),  # (150 + 100) ÷ 2
        ("lower", "    position 2: second prize 100"),  # the worst position the two occupy is 2
    ],
)
def test_the_tie_rule_names_the_prizes_shared(runner, tie_rule, line):
    (t02,) = explained(runner, "rewards-training", "penalties/trainers.csv", "T02", "en", "--set", f"tie_rule={tie_rule}")
    assert line in t02.splitlines()
    (t04,) = explained(runner, "rewards-training", "penalties/trainers.csv", "T04", "en")
    assert "    position 4 is past the 3 prizes: 0" in t04.splitlines()  # 15 days: 4th of 5


# --- every row of every example, both languages: plain words only ----------------------------------
EXAMPLES = [
    ("materials-order", "materials/stations.csv", ["A站", "B站", "C站", "D站", "面单", "包装袋", "胶带"]),
    ("materials-review", "materials/review.csv", ["A站", "B站", "张三", "李四", "王五", "赵六", "total"]),
    ("penalties-club", "penalties/club-offences.csv", ["E001", "E002", "E003", "E004", "2024-03", "2024-04"]),
    ("penalties-shop", "penalties/shop-complaints.csv", ["K01", "K02", "2024-03"]),
    ("penalties-office", "penalties/office-offences.csv", ["M01", "M02", "M03", "2024-01", "2024-02", "2024-05"]),
    ("rewards-training", "penalties/trainers.csv", ["T01", "T02", "T03", "T04", "T05"]),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("policy", "csv", "keys"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_no_programmer_notation_in_any_explanation(runner, policy, csv, keys, lang):
    for key in keys:
        blocks = explained(runner, policy, csv, key, lang)  # asserts the forbidden words are absent
        assert all("=" in b.splitlines()[1] for b in blocks)


# --- finding rows ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("王方", "'王芳'"), ("E0O1", "'E001'"), ("A站/面", "'A站 / 面单'")],
)
def test_a_key_that_names_no_row_lists_close_matches(runner, key, suggestion):
    csv = "materials/stations.csv" if "站" in key else "penalties/club-offences.csv"
    policy = "materials-order" if "站" in key else "penalties-club"
    result = runner.invoke(cli, ["run", policy, f"examples/{csv}", "--explain", key])
    assert result.exit_code == 2
    assert result.stdout == ""
    said = result.stderr.split("; did you mean ", 1)[1]  # one close key, or "one of" several
    assert f"--explain {key}: no row has that key; did you mean " in result.stderr
    assert said.removeprefix("one of ").startswith(suggestion)
    assert "a value of a key or name column" in result.stderr


def test_the_language_follows_the_locale(runner):
    args = ["run", "materials-order", "examples/materials/stations.csv", "--explain", "A站/面单"]
    result = runner.invoke(cli, args, env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ORDER_ZH + "\n"
    result = runner.invoke(cli, [*args, "--lang", "en"], env={"LANG": "zh_CN.UTF-8"})
    assert result.stdout == ORDER_EN + "\n"
    result = runner.invoke(cli, args, env={"CSPOLICY_LANG": "zh", "LANG": "en_US.UTF-8"})
    assert result.stdout == ORDER_ZH + "\n"
