"""Errors, warnings and the other stderr lines in Chinese (issue 15), by the message catalogue.

The heart of it: every case of the bad-input catalogue (``tests/bad_cases``) runs again with
``--lang zh`` and must give the same exit code, the same number of lines, the same place
(``stations.csv:3:上月实际票数: ``) and a message that is Chinese: it holds Chinese
characters and no English sentence left over (outside quoted values, formulas, identifiers
and file names, which stay as they are). English output is pinned by the catalogue itself.
"""

from __future__ import annotations

import re
import shlex
import time
from pathlib import Path

import pytest
from bad_cases.common import HEADER
from test_bad_inputs import CASES

from cspolicy.cli.console import failure
from cspolicy.cli.main import cli
from cspolicy.cli.progress import ProgressLine
from cspolicy.errors import DataError, DataErrors, EnvironmentFailure, PolicyError
from cspolicy.messages import Catalogue, catalogue, error_text, translate
from cspolicy.messages_zh import TEMPLATES

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|“[^”]*”")
#: Three English words in a row: a sentence the catalogue left in English.
_SENTENCE = re.compile(r"\b[A-Za-z][a-z]*(?: [A-Za-z][a-z]*){2,}\b")
#: A small English word followed by another (``one of``, ``the sheets``, ``is text``): part
#: of a sentence, never an identifier (an option such as ``--only x`` is not counted).
_GLUE = "the|a|an|of|is|are|not|to|in|for|with|no|has|have|was|be|this|that|them|one|only|cannot|must|would|it|its|by|from|as|on|at|than|or|and"
_ENGLISH_PAIR = re.compile(rf"(?<![-\w])(?:{_GLUE}) [a-z]+\b")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def leftover_english(line: str) -> str | None:
    """The English words of ``line`` outside quotes that make it a half-translated line."""
    bare = _QUOTED.sub("", line)
    found = _SENTENCE.search(bare) or _ENGLISH_PAIR.search(bare)
    return found.group(0) if found else None


def place(line: str) -> str | None:
    """The place an error line starts with (``stations.csv:3:上月实际票数``), if any."""
    match = re.match(r"(\S+): ", line)
    return match.group(1) if match else None


def test_the_checks_tell_english_from_chinese():
    assert leftover_english("列 'parcels'：'abc' is not a whole number") == "is not a whole number"
    assert leftover_english("应为以下之一：the sheets '四月'") == "the sheets"
    assert leftover_english("--only nosuch：没有名为 'nosuch is not' 的输出") is None
    assert leftover_english("列 'x' = a ÷ (b - c)：除数为零") is None
    assert place("stations.csv:3:上月实际票数: 列 'parcels'：…") == "stations.csv:3:上月实际票数"
    assert place("--region x: policy …") is None


def _write(case, tmp_path):
    for name, content in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def _args(case) -> list[str]:
    args = list(case.args)
    if args[0] == "run" and "-o" not in args and case.add_output:
        args += ["-o", "out.json"]
    return args


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_bad_input_is_reported_in_chinese(case, runner, tmp_path, monkeypatch):
    # The English text is what the choke point makes of the same error in English (what
    # test_bad_inputs.py pins), so each case runs once.
    import cspolicy.cli.main

    ended: list[BaseException] = []

    def recording(exc, lang="en"):
        ended.append(exc)
        return failure(exc, lang)

    monkeypatch.setattr(cspolicy.cli.main, "failure", recording)
    monkeypatch.chdir(tmp_path)
    _write(case, tmp_path)
    chinese = runner.invoke(cli, [*_args(case), "--lang", "zh"])

    assert chinese.exit_code == case.code, chinese.stderr
    assert chinese.stdout == ""
    assert "Traceback" not in chinese.stderr and "Error" not in chinese.stderr
    zh_lines = [line for line in chinese.stderr.splitlines() if line.strip()]
    if ended:  # one of cspolicy's errors: the same lines at the same places as in English
        (exc,) = ended
        code, english = failure(exc, "en")
        assert code == case.code and english is not None
        en_lines = english.splitlines()
        assert len(zh_lines) == len(en_lines), chinese.stderr
        assert zh_lines[0].startswith("错误：")
        zh_lines[0] = zh_lines[0].removeprefix("错误：")
    else:  # one of click's usage errors: "用法：…", "运行 … 查看帮助。", "错误：…"
        assert zh_lines[0].startswith(("用法：", "错误：")), chinese.stderr
        en_lines = [None] * len(zh_lines)
    for en, zh in zip(en_lines, zh_lines):
        if en is not None:
            assert place(zh) == place(en), (en, zh)
        message = zh.removeprefix(f"{place(zh)}: " if place(zh) else "")
        assert _CHINESE.search(message), zh
        assert leftover_english(message) is None, zh


def test_the_chinese_catalogue_rerun_is_fast(runner, tmp_path, monkeypatch):
    # the templates are matched one text at a time: 200 errors take well under a second
    errors = [
        DataError(f"'x{i}' is not a whole number", file="a.csv", row=i, column="票数", expected="a whole number such as 120")
        for i in range(200)
    ]
    catalogue("zh")  # compiled once
    start = time.perf_counter()
    text = error_text(DataErrors(errors), "zh")
    assert time.perf_counter() - start < 1.0
    assert text.splitlines()[199] == "a.csv:199:票数: 'x199' 不是整数；应为整数，例如 120"


# --- the fallback ------------------------------------------------------------------------------


def test_a_message_the_catalogue_lacks_stays_english():
    assert translate("the widget is frobnicated", "zh") == "the widget is frobnicated"
    exc = PolicyError("the widget is frobnicated", file="p.yaml", line=3, expected="a whole number such as 120")
    assert error_text(exc, "zh") == str(exc) == "p.yaml:3: the widget is frobnicated; expected a whole number such as 120"


def test_a_message_is_never_half_translated():
    # the message is known, what was expected is not: the whole line stays English
    exc = DataError("the cell is blank", file="a.csv", row=2, column="票数", expected="a frobnicated widget")
    assert error_text(exc, "zh") == "a.csv:2:票数: the cell is blank; expected a frobnicated widget"
    assert translate("the directory does not exist; frobnicate it", "zh") == "the directory does not exist; frobnicate it"


def test_english_is_the_text_itself():
    exc = DataError("the cell is blank", file="a.csv", row=2, column="票数", expected="a whole number such as 120")
    assert error_text(exc, "en") == str(exc)
    assert translate("the cell is blank", "en") == "the cell is blank"


def test_an_unknown_error_is_shown_in_english_under_a_chinese_prefix(runner, monkeypatch):
    import cspolicy.cli.library

    def broken(ref):
        raise PolicyError("the widget is frobnicated", file="x.yaml", line=1)

    monkeypatch.setattr(cspolicy.cli.library, "load_policy", broken)
    result = runner.invoke(cli, ["show", "materials-order", "--lang", "zh"])
    assert result.exit_code == 2
    assert result.stderr == "错误：x.yaml:1: the widget is frobnicated\n"


def test_the_place_stays_as_it_is():
    exc = DataError("the cell is blank", file="stations.csv", row=3, column="上月实际票数", expected="a whole number such as 120")
    assert error_text(exc, "zh") == "stations.csv:3:上月实际票数: 单元格是空的；应为整数，例如 120"
    env = EnvironmentFailure("the directory does not exist; create it or write elsewhere", path="out/x")
    assert error_text(env, "zh") == "out/x: 文件夹不存在；请先创建它，或写到别处"


def test_errors_in_chinese_through_the_environment(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.csv").write_text("站点,物料,上月实际票数,增长率\nA站,面单,abc,15%\n", encoding="utf-8")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv"])
    assert result.exit_code == 1
    assert result.stderr == "错误：stations.csv:2:上月实际票数: 列 'parcels'：'abc' 不是整数；应为整数，例如 120\n"
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv", "--lang", "en"])
    assert (
        result.stderr
        == "Error: stations.csv:2:上月实际票数: column 'parcels': 'abc' is not a whole number; expected a whole number such as 120\n"
    )


def test_a_bad_cspolicy_lang_is_reported_in_english(runner, monkeypatch):
    # the language itself is what is wrong: the message cannot be in it
    monkeypatch.setenv("CSPOLICY_LANG", "fr")
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 2
    assert result.stderr == "Error: CSPOLICY_LANG='fr' is not a language cspolicy speaks; expected zh (中文) or en (English)\n"


# --- click's own usage errors -----------------------------------------------------------------

USAGE_RUN = "用法：cspolicy run [OPTIONS] POLICY [NAME=]FILE...\n运行 'cspolicy run --help' 查看帮助。\n\n"


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["run", "materials-order", "x.csv", "--perod", "2024-03"],
            USAGE_RUN + "错误：没有选项 '--perod'。是不是 '--period'？\n",
        ),
        (["run", "materials-order", "x.csv", "--xyzzy-nothing"], USAGE_RUN + "错误：没有选项 '--xyzzy-nothing'。\n"),
        (["run"], USAGE_RUN + "错误：缺少参数 'POLICY'。\n"),
        (["run", "materials-order"], USAGE_RUN + "错误：缺少参数 '[NAME=]FILE...'。\n"),
        (
            ["run", "materials-order", "x.csv", "--format", "xml"],
            USAGE_RUN + "错误：'--format' 的值无效：'xml' 不在可选值 'table', 'csv', 'json' 中。\n",
        ),
        (
            ["run", "materials-order", "x.csv", "--period", "2024-13"],
            USAGE_RUN + "错误：'--period' 的值无效：'2024-13' 不是月份；应为 YYYY-MM 格式，例如 2024-03\n",
        ),
        (
            ["run", "materials-order", "x.csv", "--limit", "many"],
            USAGE_RUN + "错误：'--limit' 的值无效：'many' 不是整数。\n",
        ),
        (
            ["list", "extra"],
            "用法：cspolicy list [OPTIONS]\n运行 'cspolicy list --help' 查看帮助。\n\n错误：多余的参数（extra）\n",
        ),
        (["run", "materials-order", "x.csv", "--limit"], "错误：选项 '--limit' 后面要给一个值。\n"),
        (
            ["nosuch"],
            "用法：cspolicy [OPTIONS] COMMAND [ARGS]...\n运行 'cspolicy --help' 查看帮助。\n\n错误：没有命令 'nosuch'。\n",
        ),
        (
            ["--nosuch", "list"],
            "用法：cspolicy [OPTIONS] COMMAND [ARGS]...\n运行 'cspolicy --help' 查看帮助。\n\n错误：没有选项 '--nosuch'。\n",
        ),
    ],
    ids=[
        "no-such-option",
        "no-such-option-no-match",
        "missing-policy",
        "missing-file",
        "invalid-choice",
        "invalid-month",
        "not-an-integer",
        "extra-argument",
        "option-needs-value",
        "no-such-command",
        "no-such-option-of-the-group",
    ],
)
def test_click_usage_errors_in_chinese(runner, monkeypatch, args, stderr):
    monkeypatch.setenv("CSPOLICY_LANG", "zh")
    result = runner.invoke(cli, args, prog_name="cspolicy")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == stderr


@pytest.mark.parametrize("lang", [["--lang", "zh"], ["--lang=zh"], ["--lang", "ZH"]])
def test_the_lang_option_reaches_usage_errors(runner, lang):
    # --lang is parsed with the rest, so a parse error finds it in the raw arguments
    result = runner.invoke(cli, ["run", *lang, "materials-order", "x.csv", "--xyzzy-nothing"], prog_name="cspolicy")
    assert result.stderr.endswith("错误：没有选项 '--xyzzy-nothing'。\n")


def test_click_usage_errors_stay_as_click_writes_them_in_english(runner):
    result = runner.invoke(cli, ["run", "materials-order", "x.csv", "--perod", "2024-03"], prog_name="cspolicy")
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: cspolicy run [OPTIONS] POLICY [NAME=]FILE...\nTry 'cspolicy run --help' for help.\n\n"
        "Error: No such option '--perod'. Did you mean '--period'?\n"
    )


def test_an_invalid_lang_is_reported_in_the_environments_language(runner, monkeypatch):
    monkeypatch.setenv("CSPOLICY_LANG", "zh")
    result = runner.invoke(cli, ["list", "--lang", "fr"], prog_name="cspolicy")
    assert result.exit_code == 2
    assert result.stderr.endswith("错误：'--lang' 的值无效：'fr' 不在可选值 'zh', 'en' 中。\n")


def test_no_arguments_still_shows_the_help(runner, monkeypatch):
    monkeypatch.setenv("CSPOLICY_LANG", "zh")
    result = runner.invoke(cli, [], prog_name="cspolicy")
    assert "命令：" in result.stdout + result.stderr  # the help, in the environment's language


# --- the other lines on stderr ----------------------------------------------------------------


def test_files_written_are_listed_in_chinese(runner, examples_dir, tmp_path):
    out = tmp_path / "out"
    stations = str(examples_dir / "stations.csv")
    result = runner.invoke(cli, ["run", "materials-order", stations, "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"已写入 {out / 'orders.csv'}（7 行）\n已写入 {out / 'materials.csv'}（3 行）\n"
    target = tmp_path / "result.json"
    result = runner.invoke(cli, ["run", "materials-order", stations, "-o", str(target), "--lang", "zh"])
    assert result.stderr == f"已写入 {target}（orders 7 行，materials 3 行）\n"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("wrote out/orders.csv (1 row)", "已写入 out/orders.csv（1 行）"),
        (
            "wrote out/r.json (orders 2,000,000 rows, materials 1 row, fund 0 rows)",
            "已写入 out/r.json（orders 2,000,000 行，materials 1 行，fund 0 行）",
        ),
        (
            "waiting for another cspolicy run (process 4242) writing into out …",
            "另一个 cspolicy 运行（进程 4242）正在写入 out，等待中 …",
        ),
        ("waiting for another cspolicy run writing into out …", "另一个 cspolicy 运行正在写入 out，等待中 …"),
        ("interrupted (Ctrl-C)", "已中断（Ctrl-C）"),
        ("stopped by SIGTERM", "已被 SIGTERM 终止"),
    ],
)
def test_run_lines_in_chinese(english, chinese):
    assert translate(english, "zh") == chinese
    assert translate(english, "en") == english


def test_progress_line_in_chinese(tmp_path):
    with open(tmp_path / "err", "w", encoding="utf-8") as stream:
        line = ProgressLine(stream, lang="zh")
        line("reading", 50, 100)
        assert line.text().startswith("读取       [##########----------]  50%")
        line("computing", 1234567, None)
        assert line.text().startswith("计算       1,234,567 行  ")
        line("sorting", 0, None)
        assert line.text().startswith("排序 …  ")
        english = ProgressLine(stream)
        english("computing", 1234567, None)
        assert english.text().startswith("computing  1,234,567 rows  ")


def test_internal_error_in_chinese(runner, monkeypatch):
    import cspolicy.cli.library

    def bug(ref):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(cspolicy.cli.library, "load_policy", bug)
    result = runner.invoke(cli, ["show", "materials-order", "--lang", "zh"])
    assert result.exit_code == 70
    assert result.stderr.startswith("错误：内部错误（ZeroDivisionError: oops）：这是 cspolicy 的缺陷")


def test_an_output_error_in_chinese(runner, examples_dir, tmp_path):
    (tmp_path / "afile").write_text("", encoding="utf-8")
    stations = str(examples_dir / "stations.csv")
    result = runner.invoke(cli, ["run", "materials-order", stations, "-o", str(tmp_path / "afile" / "out"), "--lang", "zh"])
    assert result.exit_code == 3
    assert result.stderr == f"错误：{tmp_path / 'afile'}: 不是文件夹；请写到别处\n"


# --- the catalogue itself ----------------------------------------------------------------------


def test_every_template_compiles_and_uses_only_its_own_parts():
    Catalogue(TEMPLATES, clause_joiner="；").check()  # raises on a Chinese placeholder the English lacks
    english = [en for en, _ in TEMPLATES]
    assert len(set(english)) == len(english), [e for e in english if english.count(e) > 1]


def test_every_template_is_chinese():
    for en, zh in TEMPLATES:
        fixed = re.sub(r"\{\w+\}", "", zh)
        passed_through = zh == re.sub(r":\w\}", "}", en)  # U+{code} {name}: a part as it is
        assert _CHINESE.search(fixed) or re.search("[：；（）]", fixed) or passed_through, (en, zh)


def test_a_bad_template_is_refused():
    with pytest.raises(ValueError, match="not in"):
        Catalogue([("the cell {x} is blank", "单元格 {y} 是空的")], clause_joiner="；").check()
    with pytest.raises(ValueError, match="unknown placeholder kind"):
        Catalogue([("the cell {x:z} is blank", "单元格 {x} 是空的")], clause_joiner="；").check()


def test_a_space_between_chinese_and_latin():
    assert translate("expected 7% or the fraction 0.07 for 7 percent", "zh") == "应为 7% 或小数 0.07（表示百分之 7）"
    assert translate("'200%' is above the maximum 100%", "zh") == "'200%' 大于最大值 100%"


# --- messages beyond the bad-input catalogue ------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "amount 600 is outside 100–500 for offence F3 (false receipts, 虚假单据), 1st occurrence; "
            "expected an amount in 100–500, or a blank amount for 100",
            "金额 600 超出违规 F3 (false receipts, 虚假单据) 第 1 次的范围 100–500；应填 100–500 之间的金额，或留空（按 100 计）",
        ),
        (
            "amount 20 was given, but the sanction for offence G1 (迟到), 2nd occurrence is warning, without a fine; "
            "expected a blank amount",
            "填了金额 20，但违规 G1 (迟到) 第 2 次的处罚是 warning，没有罚款；金额应留空",
        ),
        (
            "bands station: band #1 'none' (x ≤ 7%) and band #2 'fine' (x ≥ 7%) overlap where x = 7%",
            "分档 station：第 1 档 'none'（x ≤ 7%）和第 2 档 'fine'（x ≥ 7%）在 x = 7% 处重叠",
        ),
        (
            "-1% falls in no band of loss; expected a value in one of: 0% ≤ x ≤ 7%; 7% < x < 100%",
            "-1% 不在 loss 的任何一档中；应落在以下某一档中：0% ≤ x ≤ 7%; 7% < x < 100%",
        ),
        (
            "round() takes 1 to 3 arguments (got 4); expected round(x, 2)",
            "round() 要 1 到 3 个参数（实际给了 4 个）；应写成 round(x, 2)",
        ),
        (
            "'+' needs the same kind on both sides, but 'a' is a number and 'b' is text",
            "'+' 两边的类型要相同，但 'a' 是数值，'b' 是文字",
        ),
        ("outputs.orders.columns: missing key 'expr'", "outputs.orders.columns：缺少键 'expr'"),
        (
            "'2025-13-01 9:00' is not a date and time; expected a date and time such as 2025-03-01 09:15:02, "
            "2025-03-01T09:15 or 2025/3/1 9:15",
            "'2025-13-01 9:00' 不是日期时间；应为日期时间，例如 2025-03-01 09:15:02、2025-03-01T09:15 或 2025/3/1 9:15",
        ),
        ("'网店' is not an allowed value (did you mean '网点'?)", "'网店' 不是允许的值（是不是 '网点'？）"),
        (
            "no space left on the device; free some space or write elsewhere; no output was changed",
            "设备上没有剩余空间；请腾出空间，或写到别处；没有改动任何输出",
        ),
        (
            "another cspolicy run (process 12) is writing outputs into this directory; wait until it has finished, then run again",
            "另一个 cspolicy 运行（进程 12）正在向这个文件夹写入输出；请等它完成后再运行",
        ),
        (
            "the working-day calendar needs the chinesecalendar package: pip install chinesecalendar "
            "(or give every year you use in a calendar file, see docs/calendar.md)",
            "工作日日历需要安装 chinesecalendar：`pip install chinesecalendar`（或在日历文件中写出用到的每一年，见 docs/calendar.md）",
        ),
    ],
)
def test_messages_beyond_the_catalogue(english, chinese):
    assert translate(english, "zh") == chinese
    assert leftover_english(chinese) is None


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "'5 000' is not a whole number: it holds a space; expected a whole number such as 120, without spaces inside",
            "'5 000' 不是整数：其中有空格；应为整数，例如 120，中间不要有空格",
        ),
        (
            "'5\u2009000' is not an amount of money: it holds U+2009 THIN SPACE; "
            "expected an amount such as 1234.50, without spaces inside",
            "'5\u2009000' 不是金额：其中有 U+2009 THIN SPACE；应为金额，例如 1234.50，中间不要有空格",
        ),
        (
            "'2024-13' is not a month: there is no month 13; expected a month such as 2024-05",
            "'2024-13' 不是月份：没有 13 月；应为月份，例如 2024-05",
        ),
        (
            "'25/3/1 9:15' is not a date and time (a two-digit year is ambiguous; write all four digits, year first); "
            "expected a date and time such as 2025-03-01 09:15:02, 2025-03-01T09:15 or 2025/3/1 9:15",
            "'25/3/1 9:15' 不是日期时间（两位数的年份有歧义：请写出四位年份，年份在前）；"
            "应为日期时间，例如 2025-03-01 09:15:02、2025-03-01T09:15 或 2025/3/1 9:15",
        ),
        (
            "'2025-03-01' is not a date and time (it has no time of day); "
            "expected a date and time such as 2025-03-01 09:15:02, 2025-03-01T09:15 or 2025/3/1 9:15",
            "'2025-03-01' 不是日期时间（没有时刻）；应为日期时间，例如 2025-03-01 09:15:02、2025-03-01T09:15 或 2025/3/1 9:15",
        ),
        (
            "'2025-03-01T01:15:02Z' is not a date and time without a local time zone "
            "(it has the offset Z; say which zone to convert to); expected a date and time such as 2025-03-01 09:15:02",
            "'2025-03-01T01:15:02Z' 不是不带时区的本地日期时间（它带有时区偏移 Z；请说明要换算到哪个时区）；"
            "应为日期时间，例如 2025-03-01 09:15:02",
        ),
        (
            "'1:00:01' is above the maximum 3600 seconds; expected a duration from 0 to 3600 seconds",
            "'1:00:01' 超过最大值 3600 秒；应为 0 到 3600 秒之间的时长",
        ),
        (
            "'150' is not a percentage: a number without % must be a fraction below 1; expected 150% for 150 percent",
            "'150' 不是百分数：不带 % 的数必须是小于 1 的小数；应为 150%（表示百分之 150）",
        ),
        (
            "is a pipe or a device, not a file: cspolicy reads an input more than once; "
            "expected the data saved to a file first (… > stations.csv), then that file",
            "是管道或设备，不是文件：cspolicy 要多次读取输入；请先把数据存成文件（… > stations.csv），再给出这个文件",
        ),
        (
            "… 5 more rows not shown: --limit 0 shows them all; -o DIR, -o FILE.csv or -o FILE.json writes them all to files",
            "……另有 5 行未显示：加 --limit 0 可全部显示；用 -o 文件夹、-o 文件.csv 或 -o 文件.json 可全部写入文件",
        ),
        (
            "the cell '\"备货…' opens a quote mark (\") that is never closed, so it runs to the end of the file "
            "(lines 3 to 9), swallowing the rows",
            "单元格 '\"备货…' 以引号（\"）开头，但这个引号没有闭合，所以它一直延续到文件末尾（第 3 到第 9 行），把这些行都并了进去",
        ),
        (
            "no working-day calendar for 2026-01: the chinesecalendar package (1.11.0) covers 2004 to 2025; "
            "a year's holidays and make-up working days cannot be guessed from its weekends",
            "没有 2026-01 的工作日日历：chinesecalendar 包（1.11.0）涵盖 2004 到 2025 年；一年的节假日和调休上班日无法从周末推算出来",
        ),
        (
            "2027-02-17 is a Wednesday, a working day anyway; expected make-up working days (调休上班) on a Saturday or a Sunday",
            "2027-02-17 是星期三，本来就是工作日；调休上班日应在星期六或星期日",
        ),
        (
            "2027-02-08 to 2027-12-12 is 308 days, longer than any holiday break; "
            "expected at most 14 days per entry (check the month; write a longer closure as several entries)",
            "2027-02-08 到 2027-12-12 共 308 天，比任何一次假期都长；每一项最多 14 天（请检查月份；更长的停工请分成几项写）",
        ),
        (
            "an entry gives both date and from/to; "
            "expected {date: 2027-01-01, name: 元旦} or {from: 2027-02-06, to: 2027-02-12, name: 春节}",
            "有一项同时写了 date 和 from/to；应写成 {date: 2027-01-01, name: 元旦} 或 {from: 2027-02-06, to: 2027-02-12, name: 春节} 这样",
        ),
    ],
    ids=[
        "space",
        "thin-space",
        "month",
        "two-digit-year",
        "no-time",
        "offset",
        "duration-max",
        "bare-percent",
        "pipe",
        "table-more",
        "quote-runs",
        "calendar-not-covered",
        "calendar-workday-on-a-weekday",
        "calendar-long-break",
        "calendar-entry-form",
    ],
)
def test_cells_and_lines_a_clerk_meets_in_chinese(english, chinese):
    assert translate(english, "zh") == chinese
    assert leftover_english(chinese) is None


def test_a_bad_duration_cell_in_chinese_through_the_cli(runner, tmp_path):
    data = Path(__file__).resolve().parent / "data" / "month-review"
    events = (data / "events.csv").read_text(encoding="utf-8").replace("0:01:00.5", "1:75")
    (tmp_path / "events.csv").write_text(events, encoding="utf-8")
    result = runner.invoke(cli, ["run", str(data / "month-review.yaml"), f"events={tmp_path / 'events.csv'}", "--lang", "zh"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"错误：{tmp_path / 'events.csv'}:5:处理时长: 列 'handled'：'1:75' 不是时长（冒号后面的分钟和秒数必须小于 60）；"
        "应为时长，例如 125 或 125.5（秒）、2:05（分:秒）、0:02:05（时:分:秒）或 2分5秒\n"
    )


# --- README.zh.md -------------------------------------------------------------------------------

README_ZH = (Path(__file__).resolve().parent.parent / "README.zh.md").read_text(encoding="utf-8")


def test_the_error_example_of_readme_zh(runner, tmp_path, monkeypatch):
    section = README_ZH.split("## 出错时", 1)[1].split("\n## ", 1)[0]
    command, shown = re.search(r"```console\n\$ (.+)\n(.+)\n```", section).groups()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.csv").write_text(HEADER + "A站,面单,10000,15%,,\nB站,面单,abc,15%,,\n", encoding="utf-8")
    result = runner.invoke(cli, shlex.split(command)[1:])
    assert result.exit_code == 1
    assert result.stderr == shown + "\n"


def test_the_run_line_readme_zh_shows():
    assert "`已写入 out/orders.csv（7 行）`" in README_ZH
    assert translate("wrote out/orders.csv (7 rows)", "zh") == "已写入 out/orders.csv（7 行）"
