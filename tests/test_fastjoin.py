"""The fused loop of a run of several inputs (cspolicy.engine.fastjoin) gives byte-identical
files to the careful engine: lookup, left and inner joins with a held input, ``where:``
filters, checks, grouped outputs reading the joined output, and files it hands back."""

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
from cspolicy.expressions import ConstPool, Symbol, compile_expression
from cspolicy.periods import Period
from cspolicy.values import Kind

HEAD = 'name: joined\ntitle: {zh: 测试, en: test}\nfamily: test\nversion: "1"\nrules: {}\n'

INPUTS = """
inputs:
  staff:
    key: [who]
    columns:
      who: {type: text}
      team: {type: text, required: false}
      rate: {type: money, required: false}
  ev:
    columns:
      who: {type: text}
      amount: {type: money, required: false}
      hours: {type: decimal}
      day: {type: date}
      note: {type: text, required: false}
"""

OUTPUTS = """
outputs:
  rows:
    from: ev
    {internal}
    join:
      - {{with: staff, on: [who], how: {how}, columns: {{team: team, rate: rate}}}}
    where: {where}
    checks:
      - require: hours ≥ -5
        message: {{en: "hours below -5", zh: "工时低于 -5"}}
        column: hours
    columns:
      who: who
      team: team
      day: day
      month: {{expr: "period(day)"}}
      this_month: {{expr: "period(day) == period(period)"}}
      pay: {{expr: "hours × coalesce(rate, 1) + coalesce(amount, 0)", type: money}}
      note: {{expr: "note & ' (' & who & ')' if present(note) else blank"}}
  teams:
    from: rows
    group_by: [team, month]
    columns:
      team: team
      month: month
      n: {{agg: count}}
      pay: {{agg: sum, of: pay, type: money}}
      now: {{agg: count_true, of: this_month}}
      notes: {{agg: list, of: note, sep: ' | '}}
      top: {{agg: max_by, of: who, by: pay}}
      positive: {{agg: sum, of: "pay if pay > 0 else 0", round: none}}
      kept: {{agg: sum, of: "pay if pay ≥ 0 else 0", round: none}}
"""

SETTINGS = RunSettings(period=Period(2024, 5))
STAFF = "who,team,rate\nE1,A,1.50\nE2,B,\nE3,,2\nE4,A,0.25\n"


def _events(n: int, seed: int, who: tuple[str, ...] = ("E1", "E2", "E3", "E4")) -> str:
    rnd = random.Random(seed)
    lines = ["who,amount,hours,day,note"]
    for _ in range(n):
        lines.append(
            f"{rnd.choice(who)},{rnd.choice(['', '0', '12.50', '-7.25', '99.99'])},{rnd.choice(['0', '1.5', '8', '-2', '-0', '0.00', '2.50'])},"
            f"2024-0{rnd.randint(4, 5)}-1{rnd.randint(0, 9)},{rnd.choice(['', '', 'late', '迟到'])}"
        )
    return "\n".join(lines) + "\n"


def _both(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    events: str,
    *,
    how: str = "lookup",
    where: str = "true",
    internal: bool = False,
) -> tuple[list[bool], dict[str, bytes]]:
    """Run fused and careful; assert the files are byte-identical; return whether the joined
    loop ran (and succeeded) each time it was tried, and the files."""
    body = OUTPUTS.format(how=how, where=f'"{where}"', internal="internal: true" if internal else "")
    (tmp_path / "p.yaml").write_text(HEAD + INPUTS + body, encoding="utf-8")
    policy = load_policy(tmp_path / "p.yaml")
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    (tmp_path / "ev.csv").write_text(events, encoding="utf-8")
    files = {"staff": tmp_path / "staff.csv", "ev": tmp_path / "ev.csv"}
    used: list[bool] = []
    real = fastjoin.run_joined

    def spy(prep, tables, sinks):  # type: ignore[no-untyped-def]
        used.append(real(prep, tables, sinks))
        return used[-1]

    out: dict[str, dict[str, bytes]] = {}
    for way in ("fast", "careful"):
        with monkeypatch.context() as m:
            m.setattr(fastjoin, "run_joined", spy)
            if way == "careful":
                m.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
            target = tmp_path / way
            run_files(policy, files, output=target, settings=SETTINGS)
            out[way] = {p.name: p.read_bytes() for p in sorted(target.iterdir()) if p.suffix == ".csv"}
    assert out["fast"] == out["careful"]
    return used, out["fast"]


@pytest.mark.parametrize("how", ["lookup", "left", "inner"])
@pytest.mark.parametrize("where", ["true", "hours > 0", "period(day) == period(period) - 1"])
def test_joins_and_filters_are_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, where: str) -> None:
    used, files = _both(tmp_path, monkeypatch, _events(300, 1), how=how, where=where)
    assert used == [True]
    assert set(files) == {"rows.csv", "teams.csv"}


def test_an_internal_joined_output_read_only_by_a_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used, files = _both(tmp_path, monkeypatch, _events(200, 2), internal=True)
    assert used == [True]
    assert set(files) == {"teams.csv"}


def test_a_small_case_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = "who,amount,hours,day,note\nE1,1.00,2,2024-05-01,\nE2,,3,2024-05-02,x\nE1,,4,2024-04-30,\n"
    used, files = _both(tmp_path, monkeypatch, events, how="left", where="hours ≥ 3")
    assert used == [True]
    # E1's rate is 1.50: 4 × 1.50 = 6.00 (April); E2 has no rate: 3 × 1 = 3.00 (May); the
    # first row (2 hours) is filtered out
    rows = files["rows.csv"].decode("utf-8-sig").splitlines()
    assert rows[1:] == ["E2,B,2024-05-02,2024-05,yes,3.00,x (E2)", "E1,A,2024-04-30,2024-04,no,6.00,"]


def test_an_unknown_key_of_a_lookup_is_reported_as_by_the_careful_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = _events(50, 3, who=("E1", "E2", "E9"))
    with pytest.raises(DataError) as fast:
        _both(tmp_path, monkeypatch, events)
    with monkeypatch.context() as m, pytest.raises(DataError) as careful:
        m.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
        run_files(
            load_policy(tmp_path / "p.yaml"),
            {"staff": tmp_path / "staff.csv", "ev": tmp_path / "ev.csv"},
            output=tmp_path / "c2",
            settings=SETTINGS,
        )
    assert str(fast.value) == str(careful.value)
    assert "E9" in str(fast.value)


def test_a_failing_check_hands_the_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = _events(40, 4) + "E1,,-9,2024-05-03,\n"
    with pytest.raises(DataError) as fast:
        _both(tmp_path, monkeypatch, events)
    assert "hours below -5" in str(fast.value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 60),
    how=st.sampled_from(["lookup", "left", "inner"]),
    where=st.sampled_from(["true", "hours > 0", "present(amount)", "day ≥ first_day(period(period))"]),
)
def test_property_fused_equals_careful(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, seed: int, n: int, how: str, where: str
) -> None:
    tmp = tmp_path_factory.mktemp("fj")
    used, _ = _both(tmp, monkeypatch, _events(n, seed), how=how, where=where)
    assert used == [True]


def test_calls_of_run_constants_are_folded_once() -> None:
    e = compile_expression("day ≥ first_day(period(p) - 1)", {"day": Symbol("day", Kind.DATE), "p": Symbol("p", Kind.TEXT)})
    pool = ConstPool()
    p = pool.add("2024-05")
    code = e.python(lambda name: p if name == "p" else "v_day", pool)
    assert code.count("(") == 0, code  # no call left: the whole right side is one constant
    import datetime as dt

    assert dt.date(2024, 4, 1) in pool.namespace.values()


def test_a_call_that_fails_on_constants_is_left_for_the_row() -> None:
    e = compile_expression("period(p)", {"p": Symbol("p", Kind.TEXT)})
    pool = ConstPool()
    p = pool.add("not a month")
    code = e.python(lambda name: p, pool)
    assert "(" in code  # still a call: each row raises the same error as before
