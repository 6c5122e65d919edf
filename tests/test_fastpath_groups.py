"""Grouped outputs folded inline in the fused loop (cspolicy.engine.groupcode) give byte-identical
files to the careful engine: every aggregate, blanks, negative zeros, a total row, a group
read straight from the input, and files that leave the fused loop part-way through."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cspolicy.engine.fastpath as fastpath
from cspolicy import DataError, load_policy, run_files
from cspolicy.blocks import Grouper

HEAD = 'name: {name}\ntitle: {{zh: 测试, en: test}}\nfamily: test\nversion: "1"\nrules: {{}}\n'

INPUT = """
inputs:
  s:
    columns:
      who: {type: text}
      team: {type: text, required: false}
      amount: {type: money, required: false}
      hours: {type: decimal}
      day: {type: date}
      note: {type: text, required: false}
"""

ROWWISE = """
outputs:
  r:
    from: s
    columns:
      who: who
      team: team
      amount: amount
      hours: hours
      day: day
      note: note
      pay: {expr: "hours × 2.5 - 10", type: money}
      big: "present(amount) and amount > 100"
"""

GROUPS = """
  g:
    from: r
    group_by: [team]
    columns:
      team: team
      rows: {agg: count}
      counted: {agg: count, of: amount}
      total: {agg: sum, of: amount, type: money}
      pay: {agg: sum, of: pay, type: money}
      low: {agg: min, of: amount, type: money}
      high: {agg: max, of: hours, type: decimal}
      first_day: {agg: first, of: day}
      last_note: {agg: last, of: note}
      busiest: {agg: max_by, of: who, by: hours}
      quietest: {agg: min_by, of: who, by: amount}
      all_big: {agg: all, of: big}
      any_big: {agg: any, of: big}
      bigs: {agg: count_true, of: big}
      notes: {agg: list, of: note, sep: ' | '}
      share: {expr: "total ÷ rows if rows > 0 else blank", type: money}
  t:
    from: r
    group_by: []
    columns:
      total: {agg: sum, of: amount, type: money}
      rows: {agg: count}
"""

DIRECT = """
outputs:
  d:
    from: s
    group_by: [who, team]
    sort_by: [team, who]
    columns:
      who: who
      team: team
      total: {agg: sum, of: "amount × 2 if present(amount) else blank", type: money}
      hours: {agg: sum, of: hours, type: decimal}
      notes: {agg: list, of: note}
"""

HEADER = "who,team,amount,hours,day,note\n"


def _rows(n: int, seed: int) -> str:
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        amount = rnd.choice(["", "0", "-0", "-0.00", "12.50", "-7.25", "150", "99.99", "0.01"])
        lines.append(
            f"E{rnd.randint(1, 9)},{rnd.choice(['', 'A', 'B', 'b '])},{amount},{rnd.choice(['0', '-0', '1.5', '8', '-2'])},"
            f"2024-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)},{rnd.choice(['', '', 'late', '迟到'])}"
        )
        if i % 7 == 0:
            lines.append(lines[-1])  # ties for max_by/min_by
    return HEADER + "\n".join(lines) + "\n"


def _policy(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(HEAD.format(name="groups") + INPUT + body, encoding="utf-8")
    return path


def _both(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, body: str, csv_text: str, *, fast: bool = True) -> dict[str, bytes]:
    """Run through the fused loop (asserting it was used when ``fast``) and through the careful
    engine; assert every file is byte-identical; return the files."""
    policy = load_policy(_policy(tmp_path, body))
    src = tmp_path / "s.csv"
    src.write_text(csv_text, encoding="utf-8")
    used: list[bool] = []
    real = fastpath.run_clean

    def spy(prep, tables, sinks=None):  # type: ignore[no-untyped-def]
        used.append(real(prep, tables, sinks))
        return used[-1]

    out: dict[str, dict[str, bytes]] = {}
    for way, clean in (("fast", spy), ("careful", lambda prep, tables, sinks=None: False)):
        with monkeypatch.context() as m:
            m.setattr(fastpath, "run_clean", clean)
            target = tmp_path / way
            run_files(policy, {"s": src}, output=target)
            out[way] = {p.name: p.read_bytes() for p in sorted(target.iterdir())}
    assert used == [fast]
    assert out["fast"] == out["careful"]
    return out["fast"]


def test_every_aggregate_is_the_same_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    files = _both(monkeypatch, tmp_path, ROWWISE + GROUPS, _rows(400, 1))
    assert set(files) == {"r.csv", "g.csv", "t.csv"}


def test_a_small_group_by_hand(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    csv_text = HEADER + "E1,A,-0.00,1,2024-01-02,x\nE2,A,10.50,4,2024-01-01,\nE3,,,-0,2024-02-01,y\n"
    files = _both(monkeypatch, tmp_path, ROWWISE + GROUPS, csv_text)
    total = files["t.csv"].decode("utf-8-sig").splitlines()
    assert total == ["total,rows", f"{Decimal('0.00') + Decimal('10.50')},3"]  # -0.00 + 10.50; a blank skipped
    g = files["g.csv"].decode("utf-8-sig").splitlines()
    assert g[1].startswith(",1,1,0.00,")  # the blank team first: one row (count counts blanks too), sum 0
    assert g[2].split(",")[:5] == ["A", "2", "2", "10.50", "-7.50"]  # (1 × 2.5 − 10) + (4 × 2.5 − 10) = −7.5, money: 2 places


def test_a_group_of_the_input_itself_takes_the_fused_loop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    files = _both(monkeypatch, tmp_path, DIRECT, _rows(300, 2))
    assert files["d.csv"].decode("utf-8-sig").startswith("who,team,total,hours,notes\r\n")


def test_only_the_group_of_a_row_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    policy = load_policy(_policy(tmp_path, ROWWISE + GROUPS))
    src = tmp_path / "s.csv"
    src.write_text(_rows(200, 3), encoding="utf-8")
    run_files(policy, {"s": src}, output=tmp_path / "fast", only=["g"])
    with monkeypatch.context() as m:
        m.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
        run_files(policy, {"s": src}, output=tmp_path / "careful", only=["g"])
    assert [p.name for p in (tmp_path / "fast").iterdir()] == ["g.csv"]
    assert (tmp_path / "fast" / "g.csv").read_bytes() == (tmp_path / "careful" / "g.csv").read_bytes()


@pytest.mark.parametrize("bad", ["E1,A,12.5,abc,2024-01-01,", "E1,A,1,2,2024-01-01", "E1,A,1,2,2024-13-01,", ",,,,,"])
def test_an_irregular_row_midway_hands_the_file_to_the_careful_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bad: str
) -> None:
    """A bad cell, a short row, a bad date or a blank row at row ~300: the fused loop has
    folded the rows before it already; they must not count twice."""
    lines = _rows(500, 4).splitlines()
    lines.insert(300, bad)
    csv_text = "\n".join(lines) + "\n"
    if bad == ",,,,,":  # a blank row is skipped, not an error: same files both ways
        _both(monkeypatch, tmp_path, ROWWISE + GROUPS, csv_text, fast=False)
        return
    policy = load_policy(_policy(tmp_path, ROWWISE + GROUPS))
    src = tmp_path / "s.csv"
    src.write_text(csv_text, encoding="utf-8")
    with pytest.raises(DataError) as fast:
        run_files(policy, {"s": src}, output=tmp_path / "fast")
    with monkeypatch.context() as m, pytest.raises(DataError) as careful:
        m.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
        run_files(policy, {"s": src}, output=tmp_path / "careful")
    assert str(fast.value) == str(careful.value) and ":301" in str(fast.value)
    assert not (tmp_path / "fast").exists() or not any((tmp_path / "fast").iterdir())


def test_a_sum_of_a_value_that_is_not_a_decimal_leaves_the_fused_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inline sum refuses what the Sum accumulator refuses, by raising (the careful
    engine then gives the message)."""
    from cspolicy.engine.groupcode import GroupIrregular, group_lines

    policy = load_policy("materials-order")
    plan = policy.outputs["materials"]
    grouper = Grouper([("count", "stations"), ("sum", "weekly_qty")])
    refs = {name: f"r{i}" for i, (name, _) in enumerate(plan.source_columns)}
    lines, ns, handover = group_lines(plan, grouper, refs.__getitem__, {"safety": Decimal("0.5")}, "g0_")
    from cspolicy.generated import define

    unpack = f"    {', '.join(refs.values())}, = r\n"
    fold = define("def fold(r):\n" + unpack + "".join(f"    {line}\n" for line in lines), ns, "test fold")["fold"]
    row = ["S1", "面单", 1, 0, 0, 0, 0, None, Decimal("3"), "ok"]
    fold(row)
    fold([*row[:8], None, "ok"])  # a blank is skipped, as Sum does
    handover()
    assert dict(grouper.groups()) == {("面单",): (Decimal(2), Decimal(3))}
    with pytest.raises(GroupIrregular):
        fold([*row[:8], 3, "ok"])  # an int: Sum raises TypeError on it, so the inline sum raises


CELLS = st.lists(
    st.tuples(
        st.sampled_from(["E1", "E2", "e1 ", "E3"]),
        st.sampled_from(["", "A", "B"]),
        st.sampled_from(["", "0", "-0", "-0.00", "0.005", "1.25", "-3", "1e2", "100.01", "abc"]),
        st.sampled_from(["0", "-0", "2", "1.5", "-1"]),
        st.sampled_from(["2024-01-01", "2024/2/3", "2024-02-30"]),
        st.sampled_from(["", "x", " y ", "迟到"]),
    ),
    min_size=0,
    max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=CELLS)
def test_property_fast_and_careful_agree(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, rows: list
) -> None:  # type: ignore[type-arg]
    """Whatever the rows (blanks, negative zeros, bad numbers and dates anywhere), the run
    with the fused loop gives the careful engine's files, or the careful engine's errors."""
    tmp = tmp_path_factory.mktemp("prop")
    policy = load_policy(_policy(tmp, ROWWISE + GROUPS))
    src = tmp / "s.csv"
    src.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    results = []
    for way, clean in (("fast", fastpath.run_clean), ("careful", lambda prep, tables, sinks=None: False)):
        with monkeypatch.context() as m:
            m.setattr(fastpath, "run_clean", clean)
            try:
                run_files(policy, {"s": src}, output=tmp / way)
                results.append({p.name: p.read_bytes() for p in sorted((tmp / way).iterdir())})
            except DataError as exc:
                results.append(str(exc))
    assert results[0] == results[1]
