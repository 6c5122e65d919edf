"""The memo of the fused joined loop (cspolicy.engine.fastjoin._remembered): a row whose cells,
less its identity cells (an employee id used only as a group key), were seen before reuses
what they gave the groups. The files must be byte-identical to the careful engine's, the
memo must restart and switch itself off as documented, and a bad identity cell on a row
otherwise seen before is still an error at its own row."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cspolicy.engine.fastjoin as fastjoin
import cspolicy.engine.fastpath as fastpath
from cspolicy import DataError, load_policy, run_files
from cspolicy.engine.run import RunSettings
from cspolicy.periods import Period

POLICY = """name: memo
title: {zh: 测试, en: test}
family: test
version: "1"
rules: {}
inputs:
  staff:
    key: [who]
    columns:
      who: {type: text}
      rate: {type: money, required: false}
  ev:
    columns:
      who: {type: text}
      amount: {type: money, required: false}
      hours: {type: decimal}
      day: {type: date}
      note: {type: text, required: false}
outputs:
  rows:
    from: ev
    internal: true
    join:
      - {with: staff, on: [who], how: lookup, columns: {rate: rate}}
    where: "hours ≠ 99"
    checks:
      - require: hours ≥ -5
        message: {en: "hours below -5", zh: "工时低于 -5"}
        column: hours
    columns:
      who: who
      month: {expr: "period(day)"}
      pay: {expr: "hours × coalesce(rate, 1) + coalesce(amount, 0)", type: money}
      note: {expr: "note & ' ' & month(day) if present(note) else blank"}
  people:
    from: rows
    group_by: [who, month]
    columns:
      who: who
      month: month
      n: {agg: count}
      pay: {agg: sum, of: pay, type: money}
      positive: {agg: sum, of: "pay if pay > 0 else 0", round: none}
      notes: {agg: list, of: note, sep: ' | '}
      top: {agg: max, of: pay}
"""

SETTINGS = RunSettings(period=Period(2024, 5))
STAFF = "who,rate\nE1,1.50\nE2,\nE3,2\nE4,0.25\n"


def _events(rnd: random.Random, n: int) -> str:
    lines = ["who,amount,hours,day,note"]
    for _ in range(n):
        lines.append(
            f"{rnd.choice(['E1', 'E2', 'E3', 'E4', ' e1 '])},{rnd.choice(['', '0', '12.50', '-7.25'])},"
            f"{rnd.choice(['0', '1.5', '-2', '99', '2.50'])},2024-0{rnd.randint(4, 5)}-1{rnd.randint(0, 2)},"
            f"{rnd.choice(['', '', 'late', '迟到'])}"
        )
    return "\n".join(lines) + "\n"


def _both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, events: str) -> tuple[list[bool], int, dict[str, bytes]]:
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    policy = load_policy(tmp_path / "p.yaml")
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    (tmp_path / "ev.csv").write_text(events, encoding="utf-8")
    files = {"staff": tmp_path / "staff.csv", "ev": tmp_path / "ev.csv"}
    used: list[bool] = []
    remembered: list[int] = []
    real, real_memo = fastjoin.run_joined, fastjoin._remembered

    def spy(prep, tables, sinks):  # type: ignore[no-untyped-def]
        used.append(real(prep, tables, sinks))
        return used[-1]

    def memo_spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        remembered.append(1)
        return real_memo(*args, **kwargs)

    out: dict[str, dict[str, bytes]] = {}
    for way in ("fast", "careful"):
        with monkeypatch.context() as m:
            m.setattr(fastjoin, "run_joined", spy)
            m.setattr(fastjoin, "_remembered", memo_spy)
            if way == "careful":
                m.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
            target = tmp_path / way
            run_files(policy, files, output=target, settings=SETTINGS)
            out[way] = {p.name: p.read_bytes() for p in sorted(target.iterdir()) if p.suffix == ".csv"}
    assert out["fast"] == out["careful"]
    return used, len(remembered), out["fast"]


def _refused(tmp_path: Path, events: str) -> str:
    """The error message of running the policy on ``events`` (the run must be refused)."""
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    (tmp_path / "ev.csv").write_text(events, encoding="utf-8")
    files = {"staff": tmp_path / "staff.csv", "ev": tmp_path / "ev.csv"}
    with pytest.raises(DataError) as caught:
        run_files(load_policy(tmp_path / "p.yaml"), files, output=tmp_path / "o", settings=SETTINGS)
    return str(caught.value)


def test_identity_cells_stay_outside_the_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used, memo, files = _both(tmp_path, monkeypatch, _events(random.Random(1), 400))
    assert used == [True] and memo == 1
    assert set(files) == {"people.csv"}


def test_rows_seen_before_give_the_same_sums(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # E1 and E3 with the same other cells: one _derive each time the rate differs (1.50 vs 2)
    events = "who,amount,hours,day,note\n" + "E1,12.50,2.50,2024-05-10,late\nE3,12.50,2.50,2024-05-10,late\n" * 3
    used, _, files = _both(tmp_path, monkeypatch, events)
    assert used == [True]
    text = files["people.csv"].decode("utf-8-sig")
    # E1: 3 × (2.50 × 1.50 + 12.50) = 3 × 16.25 = 48.75; E3: 3 × (2.50 × 2 + 12.50) = 52.50
    assert "E1,2024-05,3,48.75" in text and "E3,2024-05,3,52.50" in text


@pytest.mark.parametrize("bound", [2, 3, 8])
def test_the_memo_restarts_and_switches_off_as_it_fills(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bound: int) -> None:
    monkeypatch.setattr(fastjoin, "MEMO_ROWS", bound)
    used, memo, _ = _both(tmp_path, monkeypatch, _events(random.Random(bound), 300))
    assert used == [True] and memo == 1


def test_a_bad_identity_cell_on_a_row_seen_before_is_an_error_at_its_row(tmp_path: Path) -> None:
    message = _refused(tmp_path, "who,amount,hours,day,note\nE1,,1.5,2024-05-10,\nE9,,1.5,2024-05-10,\n")
    assert "ev.csv:3" in message and "E9" in message


def test_a_failed_check_is_never_remembered(tmp_path: Path) -> None:
    message = _refused(tmp_path, "who,amount,hours,day,note\nE1,,1.5,2024-05-10,\nE2,,-6,2024-05-10,\nE1,,-6,2024-05-10,\n")
    assert "ev.csv:3" in message and "hours below -5" in message


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 120), bound=st.sampled_from([1, 2, 5, 1 << 15]))
def test_memo_and_careful_agree_on_random_files(tmp_path_factory: pytest.TempPathFactory, seed: int, n: int, bound: int) -> None:
    tmp_path = tmp_path_factory.mktemp("memo")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(fastjoin, "MEMO_ROWS", bound)
        used, _, _ = _both(tmp_path, m, _events(random.Random(seed), n))
    assert used == [True]


def test_a_cell_holding_the_key_separator_is_never_taken_for_another_row(tmp_path: Path) -> None:
    # "a\x1fb","c" and "a","b\x1fc" join to the same memo text; such a row is not remembered,
    # and here the control character is refused at its cell, as by the careful engine
    message = _refused(tmp_path, "who,amount,hours,day,note\nE1,,1.5,2024-05-10,late\nE1,,1.5,2024-05-10,la\x1fte\n")
    assert "ev.csv:3" in message and "note" in message
