"""The run record counts an input's data rows without converting them (a plain CSV file),
and gives the same count as reading it (blank records skipped; irregular files read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspolicy.authoring.record import _data_rows, _plain_count
from cspolicy.planner.policy import load_policy
from cspolicy.tables import read_table

POLICY = (
    'name: r\ntitle: {zh: 测试, en: test}\nfamily: test\nversion: "1"\nrules: {}\n'
    + """
inputs:
  s:
    columns:
      who: {type: text}
      note: {type: text, required: false}
outputs:
  o:
    from: s
    columns:
      who: who
"""
)


@pytest.mark.parametrize(
    ("text", "rows", "plain"),
    [
        ("who,note\nA,x\nB,\n", 2, True),
        ("who,note\nA,x\n,\nB,\n", 2, True),  # a blank record is not a row
        ("who,note\nA,x\n\nB,\n", 2, False),  # nor an empty line (read as the run reads it)
    ],
)
def test_counted_rows_are_the_rows_read(tmp_path: Path, text: str, rows: int, plain: bool) -> None:
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    policy = load_policy(tmp_path / "p.yaml")
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    read = sum(1 for _ in read_table(tmp_path / "s.csv", policy.inputs["s"]).rows())
    assert read == rows
    assert _data_rows(policy, "s", str(tmp_path / "s.csv"), None) == rows
    assert (_plain_count(read_table(tmp_path / "s.csv", policy.inputs["s"])) is not None) is plain


# --- the rows the run counted while reading (cspolicy.engine.rows_read) ---------------------

import json  # noqa: E402
import pickle  # noqa: E402
import shutil  # noqa: E402

from click.testing import CliRunner  # noqa: E402

import cspolicy.authoring.record as record  # noqa: E402
from cspolicy.cli.main import cli  # noqa: E402
from cspolicy.engine import rows_read  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def _no_second_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the record read the file again")

    monkeypatch.setattr(record, "_plain_count", refuse)


@pytest.mark.parametrize("rows", [0, 1, 7, 300])
def test_a_fused_run_gives_the_record_its_rows_without_a_second_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    lines = ["站点,物料,上月实际票数,增长率,申请数量,超额理由"]
    lines += [f"S{i}站,面单,{100 + i},{i % 7}%,,\n" for i in range(rows)]
    (tmp_path / "s.csv").write_text("\n".join(line.rstrip("\n") for line in lines) + "\n", encoding="utf-8")
    _no_second_reading(monkeypatch)
    result = CliRunner().invoke(cli, ["run", "materials-order", str(tmp_path / "s.csv"), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "cspolicy-run.json").read_text(encoding="utf-8"))
    assert data["inputs"]["stations"]["rows"] == rows  # one per data line, counted by hand


def test_a_file_the_fused_loop_hands_back_is_counted_as_the_careful_run_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a blank line stops the fused loop; the record counts the two data rows (not the blank one)
    text = "站点,物料,上月实际票数,增长率,申请数量,超额理由\nA站,面单,100,5%,,\n\nB站,面单,200,5%,,\n"
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "materials-order", str(tmp_path / "s.csv"), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "cspolicy-run.json").read_text(encoding="utf-8"))
    assert data["inputs"]["stations"]["rows"] == 2


def test_a_bundle_records_the_rows_of_every_file(tmp_path: Path) -> None:
    names = ("staff", "events", "attendance", "offences")
    for n in names:
        shutil.copy(REPO / "examples" / "payroll" / f"{n}.csv", tmp_path / f"{n}.csv")
    args = ["run", "monthly-payroll", *(f"{n}={tmp_path / n}.csv" for n in names), "--period", "2024-05", "-q"]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "cspolicy-run.json").read_text(encoding="utf-8"))
    for n in names:  # what the record's own reading counts
        policy = load_policy(REPO / "policies" / "monthly-payroll.yaml")
        assert data["inputs"][n]["rows"] == _data_rows(policy, n, str(tmp_path / f"{n}.csv"), None), n


def test_noting_outside_a_record_does_nothing_and_paths_are_compared_absolute(tmp_path: Path) -> None:
    rows_read.note(tmp_path / "a.csv", 5)  # no record being written: nowhere to go
    counts: dict[str, int] = {}
    with rows_read.counting(counts):
        rows_read.note(tmp_path / "a.csv", 3)
    rows_read.note(tmp_path / "a.csv", 9)
    assert rows_read.counted(counts, tmp_path / "." / "a.csv") == 3
    assert rows_read.counted(counts, tmp_path / "b.csv") is None


def test_a_cached_policy_names_itself_in_the_record_without_its_model(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    cached = pickle.loads(pickle.dumps(load_policy(tmp_path / "p.yaml")))  # as the command line's cache
    assert "model" not in cached.__dict__
    assert (cached.name, cached.version) == ("r", "1")
    assert "model" not in cached.__dict__  # not validated again for it
    assert (cached.name, cached.model.version) == ("r", "1")


def test_a_ladder_run_gives_the_record_its_rows_without_a_second_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = REPO / "examples" / "penalties" / "club-offences.csv"
    data_rows = sum(1 for line in src.read_text(encoding="utf-8-sig").splitlines()[1:] if line.strip(", "))
    _no_second_reading(monkeypatch)
    result = CliRunner().invoke(cli, ["run", "penalties-club", str(src), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "cspolicy-run.json").read_text(encoding="utf-8"))
    assert list(data["inputs"].values())[0]["rows"] == data_rows
