"""``--help`` in Chinese (issue 15): the group's and every command's help, options, defaults
and exit codes, chosen by ``--lang`` (on the command or the group) or the environment; the
English help unchanged."""

from __future__ import annotations

import inspect

import click
import pytest
from test_messages import _CHINESE, leftover_english

from cspolicy.cli.help_zh import HELP
from cspolicy.cli.language import help_zh
from cspolicy.cli.main import cli

COMMANDS = sorted(cli.commands)


def _helps(command: click.Command) -> list[str]:
    ctx = click.Context(command)
    texts = [inspect.cleandoc(command.help or ""), inspect.cleandoc(command.epilog or "")]
    texts += [p.help for p in command.get_params(ctx) if isinstance(p, click.Option) and p.help]
    return [t for t in texts if t]


@pytest.mark.parametrize("name", ["cspolicy", *COMMANDS])
def test_every_help_text_has_chinese(name):
    command = cli if name == "cspolicy" else cli.commands[name]
    for text in _helps(command):
        assert help_zh(text) is not None, text


def test_a_help_line_without_chinese_leaves_the_whole_help_english():
    assert help_zh("Show this message and exit.") == "显示本帮助后退出。"
    assert help_zh("Show this message and exit.\n\nA frobnicated widget.") is None
    assert help_zh("Examples:\n    cspolicy run x y.csv") == "示例：\n    cspolicy run x y.csv"


def _chinese_help(stdout: str) -> None:
    for line in stdout.splitlines():
        bare = line.strip()
        if not bare or bare.startswith(("cspolicy ", "用法：cspolicy")):
            continue
        words = bare.split("  ")[-1]  # an option's help, after its names and metavar
        assert leftover_english(words) is None, line
    assert "Options" not in stdout and "Usage" not in stdout and "Commands" not in stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--help"], "zh"), (["--lang", "zh", "--help"], None), (["--help", "--lang", "zh"], None)],
    ids=["environment", "lang-before", "lang-after"],
)
def test_the_group_help_in_chinese(runner, monkeypatch, args, env):
    monkeypatch.delenv("CSPOLICY_LANG", raising=False)
    monkeypatch.setenv("LANG", "C")
    if env:
        monkeypatch.setenv("CSPOLICY_LANG", env)
    result = runner.invoke(cli, args, prog_name="cspolicy")
    assert result.exit_code == 0 and result.stderr == ""
    out = result.stdout
    assert out.startswith("用法：cspolicy [OPTIONS] COMMAND [ARGS]...\n\n  客服部门的政策即代码工具")
    assert "\n选项：\n" in out and "\n命令：\n" in out and "\n  退出码：\n" in out
    assert "\n  run     按政策 POLICY（随附政策名或政策文件）计算 CSV 文件。\n" in out
    assert "\n      2  政策文件有误（文件:行），或命令、选项、名称用法有误\n" in out
    _chinese_help(out)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_in_chinese(runner, monkeypatch, name):
    monkeypatch.delenv("CSPOLICY_LANG", raising=False)
    result = runner.invoke(cli, [name, "--help", "--lang", "zh"], prog_name="cspolicy")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith(f"用法：cspolicy {name} [OPTIONS]")
    assert "\n选项：\n" in result.stdout and _CHINESE.search(result.stdout.split("\n")[2])
    _chinese_help(result.stdout)


def test_an_options_default_in_chinese(runner):
    result = runner.invoke(cli, ["run", "--help", "--lang", "zh"], prog_name="cspolicy")
    assert "--explain 对每个输出最多说明多少行（0 表示全部说明）；其余的只计数。" in result.stdout
    assert "[默认：50；x>=0]" in result.stdout


def test_the_english_help_is_clicks(runner, monkeypatch):
    monkeypatch.setenv("CSPOLICY_LANG", "en")
    result = runner.invoke(cli, ["run", "--help"], prog_name="cspolicy")
    assert result.stdout.startswith("Usage: cspolicy run [OPTIONS] POLICY [NAME=]FILE...\n\n  Evaluate POLICY")
    assert "\nOptions:\n" in result.stdout and "[default: 50; x>=0]" in result.stdout
    group = runner.invoke(cli, ["--help"], prog_name="cspolicy").stdout
    assert "\nCommands:\n" in group and "\n  Exit codes:\n" in group


def test_the_groups_lang_reaches_the_command(runner, examples_dir):
    # cspolicy --lang zh run …: the run speaks Chinese as with run … --lang zh
    stations = str(examples_dir / "stations.csv")
    result = runner.invoke(cli, ["--lang", "zh", "run", "materials-order", stations, "--only", "orders", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("站点,物料,")
    bad = runner.invoke(cli, ["--lang", "zh", "run", "materials-order", "nosuch.csv"])
    assert bad.stderr.startswith("错误：")


def test_the_table_has_no_unused_line():
    used = {t for command in [cli, *cli.commands.values()] for text in _helps(command) for t in text.splitlines()}
    used = {line.strip().partition("  ")[2].strip() if line.strip()[:1].isdigit() else line.strip() for line in used}
    used.add("Show this message and exit.")
    assert set(HELP) <= used, set(HELP) - used
