"""Start-up (issue 16 A.8), guarded without timing: what each command may import.

Each test runs ``python -X importtime -m cspolicy …`` in a subprocess and reads the modules
it imported. ``--help``, ``--version`` and ``list`` import neither PyYAML, pydantic nor
tabulate; a 10-row run from the policy cache imports neither PyYAML nor pydantic (nor
tabulate when it writes CSV); no run imports the Excel, calendar or test libraries it does
not use. ``bench/startup.py`` measures the times (docs/benchmarks.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cspolicy.cli.library import _read_title, plain_title, policy_catalogue
from cspolicy.planner.policy import shipped_policies

REPO = Path(__file__).resolve().parent.parent
#: Never needed by a run on CSV files (each is imported only by the feature that uses it).
NEVER_ON_A_CSV_RUN = {"xlsxwriter", "python_calamine", "chinese_calendar", "hypothesis", "pytest"}
#: What reading and validating a policy costs.
POLICY_READING = {"yaml", "pydantic", "pydantic_core"}


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    """Each test starts with an empty policy cache of its own."""
    monkeypatch.setenv("CSPOLICY_CACHE", str(tmp_path / "cache"))


def ten_rows(folder: Path) -> Path:
    rows = [f"S{i}站,面单,{1000 * i},{i}%,,\n" for i in range(1, 11)]
    path = folder / "ten.csv"
    path.write_text("站点,物料,上月实际票数,增长率,申请数量,超额理由\n" + "".join(rows), encoding="utf-8")
    return path


def imported(args: list[str], cwd: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The top-level packages ``cspolicy ARGS`` imports, and the finished process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # this source tree, whichever way it is installed
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cspolicy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    names = {
        line.split("|")[2].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "self [us]" not in line
    }
    return names, done


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["list"], ["list", "--lang", "zh"], ["run", "--help"]])
def test_help_version_and_list_import_nothing_heavy(tmp_path, args):
    names, done = imported(args, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "cspolicy" in names and "click" in names  # the parse of -X importtime works
    assert not names & (POLICY_READING | {"tabulate", "wcwidth"} | NEVER_ON_A_CSV_RUN)


def test_a_ten_row_run_from_the_cache_reads_no_policy_library(tmp_path):
    data = ten_rows(tmp_path)
    first, done = imported(["run", "materials-order", str(data)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert POLICY_READING <= first  # the first run compiles the policy (and fills the cache) …
    assert not first & NEVER_ON_A_CSV_RUN
    again, done_again = imported(["run", "materials-order", str(data)], tmp_path)
    assert done_again.returncode == 0 and done_again.stdout == done.stdout
    assert "orders (10 rows)" in done.stdout
    assert not again & (POLICY_READING | NEVER_ON_A_CSV_RUN)  # … the next reads it back
    assert "tabulate" not in again and "wcwidth" not in again  # the terminal table of plain text: laid out without them


def test_a_ten_row_run_writing_csv_imports_no_tabulate(tmp_path):
    data = ten_rows(tmp_path)
    args = ["run", "materials-order", str(data), "--format", "csv", "--only", "orders"]
    _, first = imported(args, tmp_path)
    names, done = imported(args, tmp_path)
    assert done.returncode == 0 and done.stdout == first.stdout
    assert len(done.stdout.splitlines()) == 11  # the header and the 10 rows
    assert not names & (POLICY_READING | NEVER_ON_A_CSV_RUN | {"tabulate", "wcwidth"})


def test_with_the_cache_off_a_run_still_imports_no_unused_library(tmp_path, monkeypatch):
    monkeypatch.setenv("CSPOLICY_CACHE", "off")
    data = ten_rows(tmp_path)
    for _ in range(2):
        names, done = imported(["run", "materials-order", str(data)], tmp_path)
        assert done.returncode == 0, done.stderr
        assert POLICY_READING <= names and not names & NEVER_ON_A_CSV_RUN


# -- list: titles without YAML ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(shipped_policies()))
def test_every_shipped_title_is_read_plainly_and_equals_the_full_reading(name):
    path = shipped_policies()[name]
    assert plain_title(path) is not None, "keep the shipped title in the plain layout (see library.plain_title)"
    assert plain_title(path) == _read_title(path, f"{name}.yaml")


BASE = "name: x\ntitle:\n  zh: 物料申请（周订单）\n  en: Weekly material order\nfamily: m\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        (BASE, ("物料申请（周订单）", "Weekly material order")),
        (BASE.replace("  zh: 物料申请（周订单）\n  en: Weekly material order", "    en: B\n    zh: A"), ("A", "B")),
        ("\ufeff" + BASE, ("物料申请（周订单）", "Weekly material order")),
        (BASE.replace("zh: 物料申请（周订单）", "zh: C# 课程"), ("C# 课程", "Weekly material order")),
    ],
)
def test_plain_titles(tmp_path, text, expected):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert plain_title(path) == expected


@pytest.mark.parametrize(
    "change",
    [
        ("zh: 物料申请（周订单）", 'zh: "物料申请"'),  # quoted: escapes are possible
        ("zh: 物料申请（周订单）", "zh: 物料 # a comment"),
        ("zh: 物料申请（周订单）", "zh: a: b"),
        ("zh: 物料申请（周订单）", "zh: true"),  # not text
        ("zh: 物料申请（周订单）", "zh: &t 物料"),  # an anchor
        ("zh: 物料申请（周订单）", "zh: 物料 "),  # trailing space
        ("zh: 物料申请（周订单）", "zh: >"),  # a block value
        ("en: Weekly material order\n", "en: Weekly\n    material order\n"),  # continued on the next line
        ("en: Weekly material order\n", "en: Weekly material order\n  extra: 1\n"),
        ("  en: Weekly material order\n", ""),  # no English title
        ("  en: Weekly", "   en: Weekly"),  # two indentations
        ("title:\n", "title: \n"),
        ("title:\n  zh: 物料申请（周订单）\n  en: Weekly material order\n", "title: {zh: 甲, en: A}\n"),
        ("family: m\n", "family: m\ntitle:\n  zh: 乙\n  en: B\nx: 1\n"),  # given twice: an error to report
        ("family: m\n", "family: m\n<<: {title: 1}\n"),
        ("family: m\n", "family: m\r\n"),
        ("family: m\n", "family: m\t\n"),
    ],
)
def test_any_other_layout_is_left_to_the_full_reading(tmp_path, change):
    path = tmp_path / "p.yaml"
    path.write_text(BASE.replace(*change), encoding="utf-8")
    assert plain_title(path) is None


def test_the_catalogue_is_what_the_full_reading_gives(monkeypatch):
    plain = policy_catalogue("en"), policy_catalogue("zh")
    monkeypatch.setattr("cspolicy.cli.library.plain_title", lambda path: None)
    assert (policy_catalogue("en"), policy_catalogue("zh")) == plain
    assert ("materials-order", "物料申请（周订单） / Weekly material order") in plain[0]
    assert ("materials-order", "物料申请（周订单）") in plain[1]
