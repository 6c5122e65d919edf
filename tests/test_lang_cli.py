"""``--lang`` through the command line: headers and statuses in Chinese and English for every
shipped policy, the language taken from the environment, JSON the same in every language,
``list``/``show``/``check``/``schema``, ``--bom``, and Chinese CSV read back by a later policy.

Expected Chinese headers and statuses are written out here from the policies' labels and the
RULEBOOK's arithmetic, not taken from a run.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
EX = REPO / "examples"

#: policy → (example file, extra args, first output, its Chinese headers, its identifiers)
CASES = {
    "materials-order": (
        EX / "materials/stations.csv",
        (),
        "orders",
        [
            "站点",
            "物料",
            "上月实际收件量",
            "本月预计业务增长率",
            "下月申请数量",
            "一周申请数量",
            "半周申请数量",
            "申请数量",
            "核定数量",
            "审核结果",
        ],
        [
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
        ],
    ),
    "materials-review": (
        EX / "materials/review.csv",
        ("--period", "2024-03"),
        "review",
        [
            "单位",
            "类型",
            "物料",
            "实际收件量",
            "消耗量",
            "物料损耗率",
            "允许消耗量",
            "超出数量",
            "超出部分价值",
            "考核结果",
            "罚款比例",
            "罚款",
            "次月以旧换新",
        ],
        [
            "unit",
            "level",
            "material",
            "parcels",
            "consumed",
            "loss_rate",
            "allowed",
            "excess_qty",
            "excess_value",
            "verdict",
            "fine_rate",
            "fine",
            "old_for_new",
        ],
    ),
    "penalties-club": (
        EX / "penalties/club-offences.csv",
        (),
        "sanctions",
        ["工号", "日期", "违规代码", "违规项目名称", "本期第几次", "处罚", "罚款", "规则", "备注"],
        ["employee_id", "date", "offence", "offence_name", "occurrence", "sanction", "fine", "rule", "note"],
    ),
    "penalties-shop": (
        EX / "penalties/shop-complaints.csv",
        ("--period", "2024-03"),
        "sanctions",
        ["工号", "日期", "违规代码", "违规项目名称", "本期第几次", "处罚", "罚款", "规则", "备注"],
        ["employee_id", "date", "offence", "offence_name", "occurrence", "sanction", "fine", "rule", "note"],
    ),
    "penalties-office": (
        EX / "penalties/office-offences.csv",
        (),
        "sanctions",
        ["工号", "日期", "违规代码", "违规项目名称", "本期第几次", "处罚", "罚款", "规则", "备注"],
        ["employee_id", "date", "offence", "offence_name", "occurrence", "sanction", "fine", "rule", "note"],
    ),
    "rewards-training": (
        EX / "penalties/trainers.csv",
        (),
        "awards",
        ["带教老师", "新员工", "上手天数", "名次", "奖励金额"],
        ["trainer_id", "trainee", "days_to_qualify", "rank", "award"],
    ),
}
EMPLOYEES_ZH = ["工号", "姓名", "违规次数", "罚款合计", "最重处罚", "提示"]


def ok(result) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    assert result.stderr == ""


def run(runner, policy: str, *args: str, only: str | None = None, env: dict[str, str] | None = None, fmt: str = "csv"):
    file, extra, first, _, _ = CASES[policy]
    result = runner.invoke(cli, ["run", policy, str(file), *extra, "--format", fmt, "--only", only or first, *args], env=env)
    ok(result)
    return result


def rows(result) -> list[list[str]]:
    return list(csv.reader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("policy", sorted(CASES))
def test_headers_in_chinese_with_lang_zh(runner, policy):
    assert rows(run(runner, policy, "--lang", "zh"))[0] == CASES[policy][3]


@pytest.mark.parametrize("policy", sorted(CASES))
def test_headers_in_chinese_from_the_locale(runner, policy):
    assert rows(run(runner, policy, env={"LANG": "zh_CN.UTF-8"}))[0] == CASES[policy][3]
    assert rows(run(runner, policy, env={"CSPOLICY_LANG": "zh"}))[0] == CASES[policy][3]


@pytest.mark.parametrize("policy", sorted(CASES))
def test_english_keeps_the_identifiers(runner, policy):
    identifiers = CASES[policy][4]
    assert rows(run(runner, policy))[0] == identifiers  # no language set: English
    assert rows(run(runner, policy, "--lang", "en"))[0] == identifiers
    assert rows(run(runner, policy, "--lang", "en", env={"LANG": "zh_CN.UTF-8"}))[0] == identifiers  # --lang wins
    assert rows(run(runner, policy, env={"LANG": "zh_CN.UTF-8", "CSPOLICY_LANG": "en"}))[0] == identifiers


@pytest.mark.parametrize("policy", sorted(CASES))
def test_json_is_the_same_in_every_language(runner, policy):
    english = run(runner, policy, fmt="json").stdout
    assert run(runner, policy, "--lang", "zh", fmt="json").stdout == english
    assert run(runner, policy, env={"LANG": "zh_CN.UTF-8"}, fmt="json").stdout == english
    doc = json.loads(english)
    assert list(doc[CASES[policy][2]][0]) == CASES[policy][4]  # keys are the identifiers


def by_key(table: list[list[str]], *key: int) -> dict[tuple[str, ...], list[str]]:
    return {tuple(row[k] for k in key): row for row in table[1:]}


def test_materials_order_statuses(runner):
    zh = by_key(rows(run(runner, "materials-order", "--lang", "zh")), 0, 1)
    en = by_key(rows(run(runner, "materials-order")), 0, 1)
    # R-MT-3: no request → ok; B站 面单 asks 2500 > weekly 8000 × 1.02 ÷ 4 = 2040 with a reason →
    # over the limit with reason; B站 包装袋 asks 2200 > 2040 without one → cut back to 2040.
    assert (zh[("A站", "面单")][-1], en[("A站", "面单")][-1]) == ("正常", "ok")
    assert (zh[("B站", "面单")][-1], en[("B站", "面单")][-1]) == ("超限（附情况说明）", "over_limit_with_reason")
    assert zh[("B站", "包装袋")][-2:] == ["2040", "按公式核减"]
    assert en[("B站", "包装袋")][-2:] == ["2040", "cut_to_formula"]


def test_materials_review_statuses_and_yes_no(runner):
    zh = by_key(rows(run(runner, "materials-review", "--lang", "zh")), 0, 2)
    en = by_key(rows(run(runner, "materials-review")), 0, 2)
    # A站 包装袋: consumed 200 + 11000 − 200 = 11000 on 10000 parcels, loss 10% > 7% → station fined
    assert zh[("A站", "包装袋")][1] == "站点" and zh[("A站", "包装袋")][9] == "罚款"
    # 张三: 2160 on 2000 = 8%, in (4%, 8%] → courier warned; 李四: 10% > 8% → fined, old-for-new
    assert (zh[("张三", "面单")][1], zh[("张三", "面单")][9], zh[("张三", "面单")][12]) == ("外务员", "口头警告", "否")
    assert (zh[("李四", "面单")][9], zh[("李四", "面单")][12]) == ("罚款", "是")
    assert (en[("李四", "面单")][1], en[("李四", "面单")][9], en[("李四", "面单")][12]) == ("courier", "fine", "yes")
    # B站 面单: 10250 on 10000 = 2.5% < 3% → reward-eligible
    assert (zh[("B站", "面单")][9], en[("B站", "面单")][9]) == ("可获奖励", "reward_eligible")


def test_penalty_sanctions_and_outcomes(runner):
    club = rows(run(runner, "penalties-club", "--lang", "zh"))
    e001 = [row for row in club if row[0] == "E001"]
    # R-PN-1 general ladder: warning, 20, 50, then the last rung repeats; a new month starts again
    assert [(r[4], r[5], r[6]) for r in e001] == [
        ("1", "口头警告", "0.00"),
        ("2", "罚款", "20.00"),
        ("3", "罚款", "50.00"),
        ("4", "罚款", "50.00"),
        ("1", "口头警告", "0.00"),
    ]
    (e004,) = [row for row in club if row[0] == "E004"]
    assert e004[5] == "罚款+开除"  # C9: fine 100–500 and dismissal
    employees = rows(run(runner, "penalties-club", "--lang", "zh", only="employees"))
    assert employees[0] == EMPLOYEES_ZH
    assert by_key(employees, 0)[("E004",)][-2:] == ["开除", "解除劳动关系"]
    assert by_key(employees, 0)[("E001",)][-2:] == ["罚款", ""]
    english = by_key(rows(run(runner, "penalties-club", only="employees")), 0)
    assert english[("E004",)][-2:] == ["dismissal", "EMPLOYMENT ENDS"]
    shop = rows(run(runner, "penalties-shop", "--lang", "zh"))
    assert [r[5] for r in shop if r[0] == "K01"] == ["罚款", "罚款", "自动离职"]  # R-PN-2: 50, 100, resignation
    office = rows(run(runner, "penalties-office", "--lang", "zh"))
    assert [r[5] for r in office if r[0] == "M03"] == ["口头警告", "书面警告", "罚款"]  # R-PN-6


def test_terminal_tables_in_chinese(runner):
    file, extra, *_ = CASES["materials-order"]
    result = runner.invoke(cli, ["run", "materials-order", str(file), "--lang", "zh"])
    ok(result)
    out = result.stdout
    assert "物料申请审核（orders，7 行）" in out and "物料发放汇总（materials，3 行）" in out
    header = next(line for line in out.splitlines() if line.startswith("站点"))
    assert header.split() == CASES["materials-order"][3]
    b_bag = next(line for line in out.splitlines() if line.startswith("B站") and "包装袋" in line)
    assert b_bag.split()[-2:] == ["2040", "按公式核减"]


def test_output_directory_in_chinese_keeps_identifier_file_names(runner, tmp_path):
    file, *_ = CASES["materials-order"]
    result = runner.invoke(cli, ["run", "materials-order", str(file), "--lang", "zh", "-q", "-o", str(tmp_path / "out")])
    ok(result)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["materials.csv", "orders.csv"]
    data = (tmp_path / "out" / "materials.csv").read_bytes()
    assert data.startswith("\ufeff物料,申请站点数,每周发放量,安全用量,总务储备量\r\n".encode())


# --- --bom -------------------------------------------------------------------------------------


def test_bom_on_stdout_only_on_request(runner):
    plain = run(runner, "materials-order", "--lang", "zh").stdout_bytes
    assert not plain.startswith(b"\xef\xbb\xbf")
    with_bom = run(runner, "materials-order", "--lang", "zh", "--bom").stdout_bytes
    assert with_bom == b"\xef\xbb\xbf" + plain
    assert with_bom.decode("utf-8-sig").startswith("站点,物料,")


def test_no_bom_still_plain_for_files(runner, tmp_path):
    file, *_ = CASES["materials-order"]
    out = tmp_path / "o.csv"
    ok(runner.invoke(cli, ["run", "materials-order", str(file), "--only", "orders", "-o", str(out), "--no-bom", "-q"]))
    assert out.read_bytes().startswith(b"station,")
    ok(runner.invoke(cli, ["run", "materials-order", str(file), "--only", "orders", "-o", str(out), "-q"]))
    assert out.read_bytes().startswith(b"\xef\xbb\xbfstation,")


def test_bom_through_the_library_on_a_text_stream():
    from cspolicy import load_policy, run_files

    out = io.StringIO()
    run_files(
        load_policy("materials-order"),
        {"stations": CASES["materials-order"][0]},
        fmt="csv",
        only=["materials"],
        stdout=out,
        bom=True,
        lang="zh",
    )
    assert out.getvalue().startswith("\ufeff物料,")


# --- list, show, check, schema -------------------------------------------------------------------


def test_list_in_both_languages(runner):
    zh = runner.invoke(cli, ["list", "--lang", "zh"])
    ok(zh)
    lines = {line.split()[0]: line for line in zh.stdout.splitlines()}
    assert lines["materials-order"].split(maxsplit=1)[1] == "物料申请（周订单）"
    assert lines["penalties-club"].split(maxsplit=1)[1] == "会所前台奖惩"
    en = runner.invoke(cli, ["list"], env={"LANG": "en_US.UTF-8"})
    ok(en)
    assert "物料申请（周订单） / Weekly material order" in en.stdout
    assert runner.invoke(cli, ["list"], env={"LANG": "zh_CN.UTF-8"}).stdout == zh.stdout


def test_show_in_chinese(runner):
    result = runner.invoke(cli, ["show", "materials-order", "--lang", "zh"])
    ok(result)
    out = result.stdout
    assert out.startswith("materials-order — 物料申请（周订单）（类别 materials，版本 1）")
    assert "  R-MT-3：超出公式的申请须附相关情况说明，否则按公式核减" in out
    assert "  loss 物料损耗率：百分比 [R-MT-1]" in out
    assert "    自 2020-01-01 起：7%" in out
    assert "输入 stations 物料申请表：" in out
    assert "输出 orders 物料申请审核（来自 stations，每行对应一行来源）：" in out
    assert "  weekly_qty 一周申请数量：数量，保留 0 位小数、向上取整 = parcels × (1 + growth + loss) ÷ 4 [R-MT-1]" in out
    assert "    取值：ok 正常；over_limit_with_reason 超限（附情况说明）；cut_to_formula 按公式核减" in out


def test_show_penalties_in_chinese_and_english(runner):
    zh = runner.invoke(cli, ["show", "penalties-club", "--lang", "zh"])
    ok(zh)
    assert "处罚表 club（由轻到重：口头警告 < 书面警告 < 罚款 < 暂停工作 < 自动离职 < 开除）：" in zh.stdout
    assert "  G1 违反前台规章制度 [R-PN-1] 每月：第1次 口头警告、第2次 罚款 20、第3次 罚款 50" in zh.stdout
    assert "  C9 拾遗不交据为己有 [R-PN-1] 每月：第1次 罚款 100–500 + 开除；此后不再处罚" in zh.stdout
    en = runner.invoke(cli, ["show", "penalties-club", "--lang", "en"])
    ok(en)
    assert (
        "  G1 违反前台规章制度 / breach of front-desk rules [R-PN-1] per month: 1. warning, 2. fine 20, 3. fine 50" in en.stdout
    )
    assert "  employee_id (employee): text; headers: employee_id, 工号" in en.stdout
    assert "    values: warning (verbal warning), fine, dismissal, fine+dismissal, none" in en.stdout
    office = runner.invoke(cli, ["show", "penalties-office", "--lang", "zh"])
    assert "第3次 罚款（至少 0.01）" in office.stdout  # R-PN-6: the row must give the amount


def test_show_band_outcomes_in_chinese(runner):
    result = runner.invoke(cli, ["show", "materials-review"], env={"LANG": "zh_CN.UTF-8"})
    ok(result)
    assert "  courier_warning_above < x ≤ courier_fine_above → warning 口头警告" in result.stdout
    assert "  level 类型：枚举，取值 station 站点、courier 外务员；表头：level、类型" in result.stdout


BARE = """\
name: bare
title: {zh: 测试, en: test}
family: test
version: "1"
rules: {R-MT-1: order rule}
inputs:
  stations:
    label: {zh: 站点表, en: stations}
    columns:
      station: {type: text, label: {zh: 站点, en: station}}
outputs:
  orders:
    from: stations
    label: {en: orders}
    columns:
      station: station
      flag: "'x' if station == 'A' else 'y'"
"""


def test_check_warns_about_missing_labels_and_exits_0(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bare.yaml").write_text(BARE, encoding="utf-8")
    result = runner.invoke(cli, ["check", "bare.yaml"])
    assert result.exit_code == 0
    assert result.stdout == "ok  bare.yaml  (bare: 1 outputs, 0 parameters)\n"
    assert result.stderr.splitlines() == [
        "warning: bare.yaml:14: outputs.orders.label: no Chinese label",
        "warning: bare.yaml:17: outputs.orders.columns.flag.label: no Chinese or English label",
        "warning: bare.yaml:17: outputs.orders.columns.flag.values.x: no Chinese or English label",
        "warning: bare.yaml:17: outputs.orders.columns.flag.values.y: no Chinese or English label",
    ]
    zh = runner.invoke(cli, ["check", "bare.yaml", "--lang", "zh"])
    assert zh.exit_code == 0
    assert zh.stdout == "通过  bare.yaml  （bare：1 个输出，0 个参数）\n"
    assert zh.stderr.splitlines()[0] == "警告：bare.yaml:14: outputs.orders.label: 缺少中文标签"
    # a run in Chinese falls back to what there is: the English label, the identifier
    (tmp_path / "s.csv").write_text("站点\nA\n", encoding="utf-8")
    run_zh = runner.invoke(cli, ["run", "bare.yaml", "s.csv", "--lang", "zh"])
    ok(run_zh)
    assert run_zh.stdout.splitlines()[:3] == ["orders（1 行）", "站点    flag", "------  ------"]


def test_schema_is_the_same_in_every_language(runner):
    en = runner.invoke(cli, ["schema"])
    zh = runner.invoke(cli, ["schema", "--lang", "zh"])
    ok(en)
    ok(zh)
    assert zh.stdout == en.stdout
    label = json.loads(en.stdout)["$defs"]["OutputColumn"]["properties"]["label"]
    assert {"type": "string"} in label["anyOf"][0]["anyOf"]


@pytest.mark.parametrize("command", [["list"], ["show", "materials-order"], ["check", "materials-order"], ["schema"]])
def test_a_bad_cspolicy_lang_is_a_usage_error(runner, command):
    result = runner.invoke(cli, command, env={"CSPOLICY_LANG": "fr"})
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "CSPOLICY_LANG='fr' is not a language cspolicy speaks; expected zh (中文) or en (English)" in result.stderr


def test_a_bad_lang_option_is_a_usage_error(runner):
    result = runner.invoke(cli, ["list", "--lang", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not one of 'zh', 'en'" in result.stderr


# --- round trips: a Chinese CSV read back by a later policy ----------------------------------------

ORDERS_READER = """\
name: orders-reader
title: {zh: 读回订单, en: orders read back}
family: test
version: "1"
rules: {R-MT-3: {zh: 超额申请, en: over-limit requests}}
inputs:
  orders:
    columns:
      station: {type: text, label: {zh: 站点, en: station}}
      material: {type: text, label: {zh: 物料, en: material}}
      weekly_qty: {type: integer, label: {zh: 一周申请数量, en: weekly order}}
      approved_qty: {type: integer, label: {zh: 核定数量, en: approved quantity}}
      status:
        type: enum
        label: {zh: 审核结果, en: status}
        values:
          ok: {zh: 正常, en: ok}
          over_limit_with_reason: {zh: 超限（附情况说明）, en: "over the limit, with a reason"}
          cut_to_formula: {zh: 按公式核减, en: cut back to the formula}
outputs:
  checked:
    from: orders
    columns:
      station: station
      material: material
      cut: {expr: weekly_qty if status == 'cut_to_formula' else 0, type: integer}
      approved_qty: approved_qty
      status: status
"""

REVIEW_READER = """\
name: review-reader
title: {zh: 读回考核明细, en: review read back}
family: test
version: "1"
rules: {R-MT-4: {zh: 损耗考核, en: loss review}}
inputs:
  review:
    columns:
      unit: {type: text, label: {zh: 单位, en: unit}}
      level:
        type: enum
        label: {zh: 类型, en: level}
        values: {station: {zh: 站点, en: station}, courier: {zh: 外务员, en: courier}}
      material: {type: text, label: {zh: 物料, en: material}}
      verdict:
        type: enum
        label: {zh: 考核结果, en: verdict}
        values:
          reward_eligible: {zh: 可获奖励, en: reward eligible}
          ok: {zh: 正常, en: ok}
          warning: {zh: 口头警告, en: warning}
          fine: {zh: 罚款, en: fine}
      fine: {type: money, label: {zh: 罚款, en: fine}}
      old_for_new: {type: boolean, label: {zh: 次月以旧换新, en: old for new}}
outputs:
  read:
    from: review
    columns: {unit: unit, level: level, material: material, verdict: verdict, fine: fine, old_for_new: old_for_new}
"""


def _write_then_read(runner, tmp_path, policy: str, reader: str, lang: str) -> dict:
    """Write ``policy``'s first output as CSV in ``lang`` (with a BOM, as for Excel), then
    run ``reader`` over that file and return its JSON."""
    csv_bytes = run(runner, policy, "--lang", lang, "--bom").stdout_bytes
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    written = tmp_path / f"{policy}-{lang}.csv"
    written.write_bytes(csv_bytes)
    (tmp_path / "reader.yaml").write_text(reader, encoding="utf-8")
    result = runner.invoke(cli, ["run", str(tmp_path / "reader.yaml"), str(written), "--format", "json"])
    ok(result)
    return json.loads(result.stdout, parse_float=Decimal)


def test_round_trip_materials_order_in_chinese(runner, tmp_path):
    zh = _write_then_read(runner, tmp_path, "materials-order", ORDERS_READER, "zh")
    assert zh == _write_then_read(runner, tmp_path, "materials-order", ORDERS_READER, "en")
    rows = {(r["station"], r["material"]): r for r in zh["checked"]}
    assert [r["status"] for r in zh["checked"]] == [
        "ok",
        "ok",
        "over_limit_with_reason",
        "cut_to_formula",
        "ok",
        "cut_to_formula",
        "ok",
    ]
    # B站 包装袋: 2200 asked, weekly 8000 × (1 − 5% + 7%) ÷ 4 = 2040 → cut back to 2040
    assert rows[("B站", "包装袋")]["cut"] == 2040 and rows[("B站", "包装袋")]["approved_qty"] == 2040
    # C站 胶带: 350 × 1.07 ÷ 4 = 93.625 → 94 (rounded up), 100 asked without a reason → cut to 94
    assert rows[("C站", "胶带")]["cut"] == 94


def test_round_trip_materials_review_enums_and_yes_no(runner, tmp_path):
    zh = _write_then_read(runner, tmp_path, "materials-review", REVIEW_READER, "zh")
    assert zh == _write_then_read(runner, tmp_path, "materials-review", REVIEW_READER, "en")
    read = {(r["unit"], r["material"]): r for r in zh["read"]}
    assert read[("李四", "面单")] == {
        "unit": "李四",
        "level": "courier",
        "material": "面单",
        "verdict": "fine",
        "fine": Decimal("4.80"),  # 60 excess × 0.10 × 80% (the courier's lowest rate)
        "old_for_new": True,
    }
    assert read[("张三", "面单")]["verdict"] == "warning" and read[("张三", "面单")]["old_for_new"] is False


def test_chinese_csv_is_the_same_through_the_fast_and_the_careful_path(runner, tmp_path):
    clean = CASES["materials-order"][0].read_text(encoding="utf-8")
    dirty = tmp_path / "dirty.csv"
    dirty.write_text(clean + ",,,,,\n", encoding="utf-8")  # a blank row sends the run to the careful engine
    args = ["--lang", "zh", "--only", "orders", "--format", "csv"]
    fast = runner.invoke(cli, ["run", "materials-order", str(CASES["materials-order"][0]), *args])
    careful = runner.invoke(cli, ["run", "materials-order", str(dirty), *args])
    ok(fast)
    ok(careful)
    assert careful.stdout == fast.stdout
    assert "按公式核减" in fast.stdout


def test_csv_sink_and_table_write_labels_for_codes():
    from cspolicy.tables import CsvSink, render_table
    from cspolicy.values import ColumnType

    columns = [("status", ColumnType.TEXT), ("old_for_new", ColumnType.BOOLEAN), ("note", ColumnType.TEXT)]
    cells = [{"ok": "正常"}, {"yes": "是", "no": "否"}, None]
    rows = [("ok", True, "ok"), ("odd", False, None)]
    by_row, generated = io.StringIO(newline=""), io.StringIO(newline="")
    sink = CsvSink(by_row, columns, headers=["审核结果", "以旧换新", "备注"], cells=cells)
    sink.write_header()
    sink.write_rows(rows)
    fast = CsvSink(generated, columns, headers=["审核结果", "以旧换新", "备注"], cells=cells)
    fast.write_header()
    write = fast.row_writer([0, 1, 2])
    for row in rows:
        write(row)
    # a code without a label, and free text that happens to equal a code, are written as they are
    assert by_row.getvalue() == "审核结果,以旧换新,备注\r\n正常,是,ok\r\nodd,否,\r\n"
    assert generated.getvalue() == by_row.getvalue()
    table = render_table(columns, rows, headers=["审核结果", "以旧换新", "备注"], cells=cells)
    assert table.splitlines()[2].split() == ["正常", "是", "ok"]
