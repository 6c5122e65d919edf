"""The walk-through of docs/writing-policies.md (and its Chinese version) works as written:
its files are written from its code blocks and its commands run, in a fresh folder."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy.cli.main import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```(\w+)(?: file=(\S+))?\n(.*?)^```", re.M | re.S)


def blocks(doc: str) -> list[tuple[str, str | None, str]]:
    return [(m.group(1), m.group(2), m.group(3)) for m in BLOCK.finditer(doc)]


@pytest.mark.parametrize("name", ["writing-policies.md", "writing-policies.zh.md"])
def test_the_walk_through_runs(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CSPOLICY_CACHE", "off")
    ran = []
    for lang, file, body in blocks((DOCS / name).read_text(encoding="utf-8")):
        if file:
            (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / file).write_text(body, encoding="utf-8")
            continue
        if lang != "sh":
            continue
        for line in body.splitlines():
            words = shlex.split(line)
            assert words[0] == "cspolicy", line
            target = None
            if ">" in words:
                at = words.index(">")
                words, target = words[:at], words[at + 1]
            result = CliRunner().invoke(cli, words[1:])
            assert result.exit_code == 0, (line, result.stdout, result.stderr)
            if target:
                (tmp_path / target).write_text(result.stdout, encoding="utf-8")
            ran.append((words[1], result.stdout))
    outputs = dict(ran)
    assert [w for w, _ in ran] == ["schema", "check", "lint", "run", "run", "run", "run", "test", "test"]
    assert outputs["lint"] == "0 findings in 1 policy\n"
    assert "lateness: 2 cases, every rule, output column, band and ladder rung exercised" in ran[-1][1]
    assert ran[-1][1].endswith("2 passed, 0 failed\n")
    # H01: 20, 50, written warning in March; 20 again on 1 April
    first_run = ran[3][1]
    assert re.search(r"H01 +2025-03-17 +3 +written_warning +0\.00", first_run)
    assert re.search(r"H01 +2025-04-01 +1 +fine +20\.00", first_run)


def test_the_two_versions_have_the_same_files_and_commands():
    en = blocks((DOCS / "writing-policies.md").read_text(encoding="utf-8"))
    zh = blocks((DOCS / "writing-policies.zh.md").read_text(encoding="utf-8"))
    strip = re.compile(r"#.*$", re.M)  # comments may be translated
    assert [(lang, f, strip.sub("", b)) for lang, f, b in en] == [(lang, f, strip.sub("", b)) for lang, f, b in zh]
