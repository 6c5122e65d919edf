"""README.zh.md, the Chinese quick start, cannot drift from the policies and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cspolicy import load_policy
from cspolicy.cli.main import cli
from cspolicy.planner.policy import shipped_policies

REPO = Path(__file__).resolve().parent.parent
README_ZH = (REPO / "README.zh.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")


def glossary_entries() -> list[tuple[str, str, str, str, str]]:
    """(policy, column, code, Chinese, English) of every status and outcome the shipped
    policies write: every value of every visible column whose values have labels."""
    entries = []
    for name in sorted(shipped_policies()):
        policy = load_policy(name)
        for output, plan in policy.outputs.items():
            for col in plan.visible:
                for code, label in (policy.labels.values(output, col.name) or {}).items():
                    assert label.zh and label.en, (name, output, col.name, code)
                    entries.append((name, col.name, code, label.zh, label.en))
    return entries


ENTRIES = glossary_entries()


def test_the_glossary_is_not_empty():
    assert len(ENTRIES) > 20
    assert ("materials-order", "status", "cut_to_formula", "按公式核减", "cut back to the formula") in ENTRIES


@pytest.mark.parametrize("entry", ENTRIES, ids=["/".join(e[:3]) for e in ENTRIES])
def test_every_status_and_outcome_is_in_the_glossary(entry):
    policy, column, code, zh, en = entry
    rows = [line for line in README_ZH.splitlines() if line.startswith(f"| {policy} |")]
    wanted = [f"`{column}`", f"| `{code}` |", f"| {zh} |", f"| {en} |"]
    assert any(all(w in row for w in wanted) for row in rows), (
        f"README.zh.md glossary lacks: | {policy} | {column} | {code} | {zh} | {en} |"
    )


def test_windows_commands_beside_posix_ones():
    for text in ("py -m venv .venv", r".venv\Scripts\activate", "python3 -m venv .venv", ". .venv/bin/activate"):
        assert text in README_ZH, text


def test_excel_instructions():
    for text in ("--bom", "数据 → 自文本/CSV", "65001: Unicode (UTF-8)", "-o orders.csv"):
        assert text in README_ZH, text


def test_example_files_exist():
    paths = set(re.findall(r"examples[\\/][\w\\/.-]+\.csv", README_ZH))
    assert paths
    for path in paths:
        assert (REPO / path.replace("\\", "/")).is_file(), path


def test_documented_options_exist(runner):
    help_text = runner.invoke(cli, ["run", "--help"]).stdout
    for option in ("--lang", "--bom", "--only", "--format", "--period"):
        assert option in README_ZH and option in help_text, option


def test_readme_links_the_chinese_readme_at_its_top():
    assert "README.zh.md" in "\n".join(README.splitlines()[:4])
