"""The fused loop for outputs with checks, warnings, sorting and occurrence windows
(cspolicy.engine.fastwindow, cspolicy.blocks.distinct) writes the careful engine's bytes,
warnings and errors: cc-metrics on call exports with repeats near and far, a forced hash
collision, sums that could round in another order, and columns left out of the loop."""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import cspolicy.blocks.distinct as distinct
import cspolicy.engine.fastpath as fastpath
from cspolicy.blocks.distinct import Occurrences
from cspolicy.cli.main import cli

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import cc_metrics_data  # noqa: E402  (bench/cc_metrics_data.py: the scenario's generator)

POLICIES = Path(__file__).resolve().parent.parent / "policies"


# -- the distinct-key block ---------------------------------------------------------------


def _counted(keys: list[Any]) -> list[int]:
    seen: dict[Any, int] = {}
    out = []
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
        out.append(seen[k])
    return out


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.sampled_from(["a", "b", "c", "A", "ab", "", "x" * 40]), max_size=300),
    recent=st.sampled_from([1, 2, 7, 1 << 15]),
)
def test_occurrences_count_each_key_in_input_order(keys: list[str], recent: int) -> None:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(distinct, "RECENT", recent)  # few recent keys: repeats await verification
        occ = Occurrences(0)  # too small: the table grows
        got = [int(occ.next(k, n)) for n, k in enumerate(keys)]
    assert got == _counted(keys)
    assert occ.verify(lambda: iter(keys))


def test_the_table_grows_and_keeps_every_key() -> None:
    occ = Occurrences(10)
    first = occ.size
    keys = [f"C{i:06d}" for i in range(20_000)]
    assert all(occ.next(k, n) == 1 for n, k in enumerate(keys))
    assert occ.size > first and occ.size * distinct.LOAD >= 20_000
    assert [occ.next(k, 20_000 + n) for n, k in enumerate(keys[:3])] == [2, 2, 2]


class _Clash:
    """A key whose hash collides with every other's."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        return 42

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Clash) and other.name == self.name


def test_a_collision_is_found_by_the_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distinct, "RECENT", 1)
    keys = [_Clash("a"), _Clash("x"), _Clash("y"), _Clash("b")]
    occ = Occurrences(10)
    assert [int(occ.next(k, n)) for n, k in enumerate(keys)] == [1, 2, 2, 2]  # counted as repeats…
    assert not occ.verify(lambda: iter(keys))  # …which the second reading refutes
    again = Occurrences(10)
    same = [_Clash("a"), _Clash("x"), _Clash("a")]
    assert [int(again.next(k, n)) for n, k in enumerate(same)] == [1, 2, 2]  # "x" wrongly a repeat
    assert not again.verify(lambda: iter(same))  # 'x' never came before: one collision is enough


def test_a_true_repeat_far_from_its_first_is_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distinct, "RECENT", 2)
    keys = ["a", "b", "c", "d", "e", "a"]
    occ = Occurrences(10)
    assert [int(occ.next(k, n)) for n, k in enumerate(keys)] == [1, 1, 1, 1, 1, 2]
    assert occ.pending == {"a": 5}
    assert occ.verify(lambda: iter(keys))


# -- cc-metrics through the command: fused against careful --------------------------------


def _calls(tmp_path: Path, n: int, seed: int, far: bool = True) -> Path:
    """A shuffled export of ``n`` calls with repeats next to their first and far from it."""
    rows = [cc_metrics_data.row(c, "plain") for c in cc_metrics_data.calls(n, 3)]
    rng = random.Random(seed)
    rng.shuffle(rows)
    if far:
        rows += [rows[i] for i in rng.sample(range(len(rows)), 5)]  # delivered again at the end
        rows.insert(3, rows[len(rows) // 2])  # and once before its first
    path = tmp_path / f"calls-{seed}.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cc_metrics_data.HEADERS["plain"].split(","))
        w.writerows(rows)
    return path


def _both(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str]) -> tuple[list[bool], dict[str, Any]]:
    """Run ``args`` (``-o DIR`` added) fused and careful; the fused loop's answers and each way's result."""
    used: list[bool] = []
    real = fastpath.run_clean

    def spy(prep: Any, tables: Any, sinks: Any = None) -> bool:
        used.append(real(prep, tables, sinks))
        return used[-1]

    out: dict[str, Any] = {}
    for way, clean in (("fast", spy), ("careful", lambda prep, tables, sinks=None: False)):
        with monkeypatch.context() as m:
            m.setattr(fastpath, "run_clean", clean)
            target = tmp_path / way
            result = CliRunner().invoke(cli, [*args, "-o", str(target)])
            files = {p.name: p.read_bytes() for p in sorted(target.iterdir()) if p.suffix == ".csv"} if target.exists() else {}
            stderr = result.stderr.replace(str(target), "OUT")
            out[way] = (result.exit_code, result.stdout.replace(str(target), "OUT"), stderr, files)
    return used, out


@pytest.mark.parametrize("by", [["queue", "day"], ["agent"], ["hour"], ["team", "month"]])
def test_cc_metrics_takes_the_fused_loop_with_the_careful_engines_bytes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, by: list[str]
) -> None:
    calls = _calls(tmp_path, 600, 3)
    args = ["run", str(POLICIES / "cc-metrics.yaml"), f"calls={calls}", "--only", "metrics"]
    for b in by:
        args += ["--by", b]
    used, out = _both(monkeypatch, tmp_path, args)
    assert used == [True]
    assert out["fast"] == out["careful"]
    code, _, stderr, files = out["fast"]
    assert code == 0 and "appears again (copy 2); counted once" in stderr and files["metrics.csv"]
    lines = [line for line in stderr.splitlines() if "appears again" in line]
    assert len(lines) == 6 and lines == sorted(lines, key=lambda s: s.split("call ")[1])  # by call id, as sorted


def test_a_hash_collision_hands_the_run_to_the_careful_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = _calls(tmp_path, 300, 5)
    monkeypatch.setattr(distinct, "hash", lambda key: 7, raising=False)  # every call id collides
    monkeypatch.setattr(distinct, "RECENT", 1)
    args = ["run", str(POLICIES / "cc-metrics.yaml"), f"calls={calls}", "--only", "metrics", "--by", "queue"]
    used, out = _both(monkeypatch, tmp_path, args)
    assert used == [False]  # the verification found keys counted as repeats that were not
    assert out["fast"] == out["careful"] and out["fast"][0] == 0


def test_a_bad_call_is_reported_by_the_careful_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = _calls(tmp_path, 100, 7, far=False)
    text = calls.read_text(encoding="utf-8").splitlines()
    cells = text[10].split(",")
    cells[6] = "2025-02-01 08:00:00"  # ended before offered
    text[10] = ",".join(cells)
    calls.write_text("\n".join(text) + "\n", encoding="utf-8")
    args = ["run", str(POLICIES / "cc-metrics.yaml"), f"calls={calls}", "--only", "metrics"]
    used, out = _both(monkeypatch, tmp_path, args)
    assert used == [False] and out["fast"] == out["careful"]
    assert out["fast"][0] == 1 and ":11:ended_at" in out["fast"][2] and "ended before it was offered" in out["fast"][2]


# -- a small policy of the same shape -------------------------------------------------------

POLICY = """name: dedupe
title: {zh: 测试, en: test}
family: test
version: "1"
rules: {}
inputs:
  ev:
    columns:
      id: {type: text, key: true}
      team: {type: text}
      amount: {type: decimal}
      n: {type: integer, required: false}
      at: {type: datetime}
outputs:
  rows:
    from: ev
    sort_by: [id]
    checks:
      - {require: "amount >= 0", message: negative amount, column: amount}
    warnings:
      - {when: "copy > 1", message: "id {id} again (copy {copy}, amount {amount})", column: id}
    columns:
      copy: {window: {fn: rank, by: "1", ties: row, partition: [id]}}
      id: id
      team: team
      amount: amount
      month: {expr: period(at)}
      hour: {expr: hour(at)}
      odd: {expr: "1 / coalesce(n, 1)"}
      kept: {expr: "copy == 1"}
  per_team:
    from: rows
    group_by: [team]
    columns:
      team: team
      rows: {agg: count}
      kept: {agg: count_true, of: kept}
      total: {agg: sum, of: "amount if kept else 0", type: decimal, round: none}
"""


def _policy_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rows: list[str], only: str = "per_team"
) -> tuple[list[bool], dict[str, Any]]:
    policy = tmp_path / "dedupe.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    data = tmp_path / "ev.csv"
    data.write_text("id,team,amount,n,at\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return _both(monkeypatch, tmp_path, ["run", str(policy), f"ev={data}", "--only", only])


def _rows(rng: random.Random, count: int, amount: Callable[[int], str] = lambda i: f"{i % 7}.5") -> list[str]:
    out = []
    for i in range(count):
        ident = f"e{rng.randrange(count // 2 + 1):03d}"
        out.append(f"{ident},{'AB'[i % 2]},{amount(i)},{1 + i % 3},2025-03-0{1 + i % 9} 0{i % 10}:00:00")
    return out


@pytest.mark.parametrize("seed", range(4))
def test_a_sorted_windowed_output_read_by_groups_is_fused_and_identical(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed: int
) -> None:
    used, out = _policy_run(monkeypatch, tmp_path, _rows(random.Random(seed), 60))
    assert used == [True] and out["fast"] == out["careful"] and out["fast"][0] == 0
    assert "again (copy 2" in out["fast"][2]


def test_the_written_sorted_output_stays_careful(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    used, out = _policy_run(monkeypatch, tmp_path, _rows(random.Random(1), 30), only="rows")
    assert used == [False] and out["fast"] == out["careful"]


def test_a_sum_that_could_round_in_another_order_is_left_to_the_careful_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    huge = _rows(random.Random(2), 20, amount=lambda i: "1" + "0" * 30 if i == 4 else "0.000000000000000000000000001")
    used, out = _policy_run(monkeypatch, tmp_path, huge)
    assert used == [False] and out["fast"] == out["careful"] and out["fast"][0] == 0


def test_a_column_left_out_that_could_fail_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = _rows(random.Random(3), 20)
    rows[5] = rows[5].split(",")[0] + ",A,1,0,2025-03-01 08:00:00"  # n = 0: 1 / 0 in a column no group reads
    used, out = _policy_run(monkeypatch, tmp_path, rows)
    assert used == [False] and out["fast"] == out["careful"]
    assert out["fast"][0] == 1 and ":7" in out["fast"][2]


def test_a_failing_check_is_reported_by_the_careful_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = _rows(random.Random(4), 20)
    rows[8] = rows[8].split(",")[0] + ",B,-1,1,2025-03-01 08:00:00"
    used, out = _policy_run(monkeypatch, tmp_path, rows)
    assert used == [False] and out["fast"] == out["careful"]
    assert out["fast"][0] == 1 and "negative amount" in out["fast"][2]


def test_the_run_record_takes_the_rows_the_fused_loop_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cspolicy.authoring.record as record

    def no_second_reading(table: object) -> int | None:
        raise AssertionError("the run record read the input again")

    monkeypatch.setattr(record, "_plain_count", no_second_reading)
    calls = _calls(tmp_path, 200, 9)
    data_rows = len(calls.read_text(encoding="utf-8").splitlines()) - 1
    out = tmp_path / "out"
    args = ["run", str(POLICIES / "cc-metrics.yaml"), f"calls={calls}", "--only", "metrics", "-q", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    assert data_rows == 206
    assert f'"rows": {data_rows}' in (out / "cspolicy-run.json").read_text(encoding="utf-8")


def test_a_presets_export_warns_with_its_own_header(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lines = (
        (Path(__file__).resolve().parent.parent / "examples" / "metrics" / "day-cn-cdr.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    calls = tmp_path / "cn.csv"
    calls.write_text("\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")  # one record delivered again
    args = ["run", str(POLICIES / "cc-metrics.yaml"), f"calls={calls}", "--only", "metrics", "--by", "queue"]
    used, out = _both(monkeypatch, tmp_path, args)
    assert used == [True] and out["fast"] == out["careful"]
    assert f"cn.csv:{len(lines) + 1}:通话ID: call " in out["fast"][2]
