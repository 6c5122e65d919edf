"""Docs that cannot drift (STYLE.md #15): README, CHANGELOG, CI and the shipped policies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cspolicy import load_policy
from cspolicy.cli.main import cli
from cspolicy.planner.policy import shipped_policies

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
RULEBOOK = Path("/work/shared/RULEBOOK.md")
COMMANDS = ["list", "show", "check", "schema", "run"]


def shell_blocks(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^```(?:sh|bash|shell|console)\n(.*?)^```", text, re.M | re.S)]


def test_cli_commands_are_the_documented_ones():
    assert sorted(cli.commands) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_mentions_every_command(command):
    assert f"cspolicy {command}" in README


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert cli.commands[command].help


def test_readme_opens_with_the_run_and_the_test_command():
    blocks = shell_blocks(README)
    assert len(blocks) >= 2
    run, test = blocks[0], blocks[1]
    assert run.endswith("cspolicy run materials-order examples/materials/stations.csv")
    assert "pip install ." in run
    assert test.endswith("python -m pytest")
    assert "pip install '.[test]'" in test


def test_readme_test_command_is_what_ci_runs():
    test_command = shell_blocks(README)[1].split("&&")[-1].strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    ci_lines = [line.strip() for line in ci.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert any(line == test_command or line.startswith(test_command + " ") for line in ci_lines), test_command
    assert 'pip install --quiet ".[test]"' in ci or "pip install '.[test]'" in ci


def test_readme_examples_use_shipped_files():
    for path in re.findall(r"examples/[\w/.-]+\.csv", README):
        assert (REPO / path).is_file(), path


@pytest.mark.parametrize("readme", ["README.md", "README.zh.md"])
def test_readme_explain_example_matches_a_real_run(runner, monkeypatch, readme):
    """The documented explanation is exactly what the command prints (in that README's language)."""
    text = (REPO / readme).read_text(encoding="utf-8")
    found = re.search(r"```\n\$ (cspolicy run [^\n]*--explain [^\n]*)\n(.*?)```", text, re.S)
    assert found, f"{readme} shows no --explain example"
    command, shown = found.groups()
    monkeypatch.chdir(REPO)  # the example's file name, as typed
    result = runner.invoke(cli, command.split()[1:])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == shown


def test_changelog_has_unreleased_section():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## \[Unreleased\]$", changelog, re.M)
    unreleased = changelog.split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^### (Added|Changed|Fixed|Removed)$", unreleased, re.M)


SHIPPED = sorted(shipped_policies())


def test_there_are_shipped_policies():
    assert "materials-order" in SHIPPED
    assert SHIPPED == sorted(p.stem for p in (REPO / "policies").glob("*.yaml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policy_loads_and_checks(runner, name):
    policy = load_policy(name)
    assert policy.name == name  # the file name is the policy's name
    result = runner.invoke(cli, ["check", name])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"ok  {name}.yaml")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policy_is_listed_with_its_title(runner, name):
    result = runner.invoke(cli, ["list"])
    line = next(line for line in result.stdout.splitlines() if line.split()[0] == name)
    assert load_policy(name).title in line


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policy_rules_are_in_the_rulebook(name):
    if not RULEBOOK.exists():
        pytest.skip("RULEBOOK.md is not available")
    known = set(re.findall(r"\bR-[A-Z]{2}-\d+[a-z]?\b", RULEBOOK.read_text(encoding="utf-8")))
    rules = load_policy(name).rules
    assert rules, f"{name} lists no rules"
    assert set(rules) <= known, sorted(set(rules) - known)
