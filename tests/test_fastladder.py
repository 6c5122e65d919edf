"""The fused ladder loop (cspolicy.engine.fastladder) gives byte-identical files to the careful
engine: held in memory (``chunk=100_000`` below) or sorted through spilled runs (a smaller
chunk), with its grouped outputs, and it hands a file with an unknown offence, a bad cell
or a date outside the period to the careful engine."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cspolicy.engine.fastladder as fastladder
import cspolicy.engine.fastpath as fastpath
from cspolicy import DataError, load_policy, run_files
from cspolicy.engine.run import RunSettings
from cspolicy.periods import Period

POLICY = load_policy("penalties-club")
HEADER = "工号,姓名,日期,违规,金额,备注\n"
CODES = ["G1", "C1", "C2", "C5", "C8", "C9", "C10", "迟到"]  # a name too (looked up like a code)


def offences(n: int, seed: int) -> str:
    rnd = random.Random(seed)
    lines = []
    for _ in range(n):
        code = rnd.choice(["G1", "C1", "C2", "C5", "C8", "C9"])
        amount = str(rnd.randrange(100, 501, 10)) if code == "C8" and rnd.random() < 0.5 else ""
        day = f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        if rnd.random() < 0.2:
            day = day.replace("-0", "/").replace("-", "/")  # 2024/3/5
        lines.append(
            f"E{rnd.randint(1, 30):03d},{rnd.choice(['', '王芳', '李伟'])},{day},{code},{amount},{rnd.choice(['', 'x'])}"
        )
    return HEADER + "\n".join(lines) + "\n"


def both(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    csv_text: str,
    *,
    chunk: int = 100_000,
    policy: object = POLICY,
    **kw: object,
) -> tuple[object, object]:
    """(fast result, careful result): the files of each run, or its error message; asserts
    whether the fused loop finished."""
    src = tmp_path / "o.csv"
    src.write_text(csv_text, encoding="utf-8")
    monkeypatch.setattr(fastladder, "CHUNK", chunk)
    if chunk < 100_000:  # runs of `chunk` records spilled to files, not rows held in memory
        monkeypatch.setattr(fastladder, "BUDGET", 0)
    else:  # held in memory, looked at in small batches, memos often emptied
        monkeypatch.setattr(fastladder, "_BATCH", 5)
        monkeypatch.setattr(fastladder, "_MEMO", 3)
    used: list[bool] = []
    real = fastladder.run_ladder

    def spy(*args):  # type: ignore[no-untyped-def]
        used.append(real(*args))
        return used[-1]

    monkeypatch.setattr(fastladder, "run_ladder", spy)
    results: list[object] = []
    for way, clean in (("fast", fastpath.run_clean), ("careful", lambda prep, tables, sinks=None: False)):
        with monkeypatch.context() as m:
            m.setattr(fastpath, "run_clean", clean)
            try:
                run_files(policy, {"offences": src}, output=tmp_path / way, **kw)  # type: ignore[arg-type]
                results.append({p.name: p.read_bytes() for p in sorted((tmp_path / way).iterdir())})
            except DataError as exc:
                results.append(str(exc))
    both.used = used  # type: ignore[attr-defined]
    return results[0], results[1]


@pytest.mark.parametrize("chunk", [100_000, 7, 1])
def test_clean_file_is_byte_identical_in_memory_and_spilled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chunk: int) -> None:
    fast, careful = both(monkeypatch, tmp_path, offences(600, 1), chunk=chunk)
    assert both.used == [True]  # type: ignore[attr-defined]
    assert isinstance(fast, dict) and set(fast) == {"sanctions.csv", "employees.csv", "fund.csv"}
    assert fast == careful


def test_past_the_memory_budget_the_rows_go_through_spilled_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The budget is passed after a few batches held in memory: the loop starts again with
    spilled runs, and nothing of the first attempt is written."""
    monkeypatch.setattr(fastladder, "_BATCH", 50)
    monkeypatch.setattr(fastladder, "BUDGET", 20_000)  # about 150 rows of 6 columns
    calls: list[str] = []
    real_spilled = fastladder._spilled

    def spilled(*args):  # type: ignore[no-untyped-def]
        calls.append("spilled")
        return real_spilled(*args)

    monkeypatch.setattr(fastladder, "_spilled", spilled)
    src = tmp_path / "o.csv"
    src.write_text(offences(600, 4), encoding="utf-8")
    run_files(POLICY, {"offences": src}, output=tmp_path / "fast")
    assert calls == ["spilled"]
    with monkeypatch.context() as m:
        m.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
        run_files(POLICY, {"offences": src}, output=tmp_path / "careful")
    for name in ("sanctions.csv", "employees.csv", "fund.csv"):
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "careful" / name).read_bytes()


@pytest.mark.parametrize("chunk", [100_000, 3])
def test_an_entity_of_two_columns_one_optional_sorts_blanks_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chunk: int
) -> None:
    """Entity (name, employee_id) with names often blank: in memory the entities are ranked
    by (present, value) pairs, as the spilled records order them."""
    shipped = Path(__file__).resolve().parent.parent / "policies" / "penalties-club.yaml"
    text = shipped.read_text(encoding="utf-8").replace("entity: [employee_id]", "entity: [name, employee_id]")
    assert "entity: [name, employee_id]" in text
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    fast, careful = both(monkeypatch, tmp_path, offences(400, 5), chunk=chunk, policy=load_policy(tmp_path / "p.yaml"))
    assert both.used == [True]  # type: ignore[attr-defined]
    assert isinstance(fast, dict) and fast == careful
    ids = [line.split(",")[0] for line in fast["sanctions.csv"].decode("utf-8-sig").splitlines()[1:]]
    assert ids != sorted(ids)  # ordered by name first (blank names first), then by id


def test_ties_keep_input_order_across_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Same employee, same day, in several spilled runs: the occurrence numbers follow the file."""
    rows = "".join(f"E001,王芳,2024-03-05,G1,,n{i}\n" for i in range(9))
    fast, careful = both(monkeypatch, tmp_path, HEADER + rows, chunk=2)
    assert fast == careful and isinstance(fast, dict)
    lines = fast["sanctions.csv"].decode("utf-8-sig").splitlines()[1:]
    assert [line.split(",")[-1] for line in lines] == [f"n{i}" for i in range(9)]
    assert [line.split(",")[4] for line in lines] == [str(i) for i in range(1, 10)]  # occurrences 1..9


def test_occurrences_past_the_numbers_made_in_advance(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """300 occurrences of one offence in one month: numbers past those the inline step makes
    in advance (256) are made as they occur, the last rung repeating."""
    rows = "".join(f"E001,王芳,2024-03-{1 + i // 20:02d},G1,,\n" for i in range(300))
    fast, careful = both(monkeypatch, tmp_path, HEADER + rows)
    assert both.used == [True]  # type: ignore[attr-defined]
    assert fast == careful and isinstance(fast, dict)
    lines = fast["sanctions.csv"].decode("utf-8-sig").splitlines()[1:]
    assert [line.split(",")[4] for line in lines] == [str(i) for i in range(1, 301)]


@pytest.mark.parametrize("chunk", [100_000, 2])
def test_a_file_of_no_rows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chunk: int) -> None:
    fast, careful = both(monkeypatch, tmp_path, HEADER, chunk=chunk)
    assert both.used == [True]  # type: ignore[attr-defined]
    assert fast == careful and isinstance(fast, dict)
    assert fast["sanctions.csv"].decode("utf-8-sig").count("\r\n") == 1  # the header alone


def test_only_the_employees_group(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fast, careful = both(monkeypatch, tmp_path, offences(300, 2), chunk=50, only=["employees"])
    assert both.used == [True]  # type: ignore[attr-defined]
    assert fast == careful and isinstance(fast, dict) and set(fast) == {"employees.csv"}


@pytest.mark.parametrize(
    "bad, where",
    [
        ("E002,王芳,2024-03-05,X99,,", "unknown offence 'X99'"),
        ("E002,王芳,2024-02-30,G1,,", "日期"),
        ("E002,王芳,2024-03-05,C8,-5,", "金额"),
        ("E002,王芳", ":"),
    ],
)
def test_an_irregular_row_gives_the_careful_engines_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bad: str, where: str
) -> None:
    lines = offences(400, 3).splitlines()
    lines.insert(250, bad)
    fast, careful = both(monkeypatch, tmp_path, "\n".join(lines) + "\n", chunk=60)
    assert both.used == [False]  # type: ignore[attr-defined]
    assert isinstance(fast, str) and fast == careful and where in fast


def test_a_date_outside_the_period_fails_the_check_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = HEADER + "E001,王芳,2024-03-05,G1,,\nE002,李伟,2024-04-01,G1,,\n"
    fast, careful = both(monkeypatch, tmp_path, text, settings=RunSettings(period=Period.parse("2024-03")))
    assert both.used == [False]  # type: ignore[attr-defined]
    assert isinstance(fast, str) and fast == careful and "outside the period 2024-03" in fast


SHIPPED_CLUB = Path(__file__).resolve().parent.parent / "policies" / "penalties-club.yaml"
#: Every kind of window, a ladder that ends (after_last: none), and the offence fixed by the
#: ladder instead of read from a column: what the inline ladder step must count as the
#: careful engine's LadderCounter does.
WINDOWS = {
    "G1": "window: {rolling: 30}\n        ladder: [warning, {fine: 20}, {fine: 50}]",
    "C1": "window: ever\n        after_last: none\n        ladder: [warning, {fine: 10}, {fine: 20}]",
    "C2": "window: year\n        ladder: [warning, {fine: 10}, {fine: 20}]",
    "C5": "window: {rolling: 1}\n        ladder: [{fine: 20}, {fine: 50}]",
}


def club_variant(tmp_path: Path, *, fixed: str | None = None) -> object:
    text = SHIPPED_CLUB.read_text(encoding="utf-8")
    for code, ladder in WINDOWS.items():
        head = f"      {code}:\n"
        start = text.index(head)
        end = text.index("ladder: [", start)
        end = text.index("\n", end)
        block = text[start:end]
        text = text[:start] + block[: block.index("ladder: [")] + ladder + text[end:]
    if fixed is not None:
        text = text.replace("      offence: offence\n", f"      offence_code: {fixed}\n")
    path = tmp_path / "club-variant.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


@pytest.mark.parametrize("chunk", [100_000, 5])
@pytest.mark.parametrize("fixed", [None, "G1", "C1"])
def test_the_inline_step_counts_every_window_as_the_careful_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chunk: int, fixed: str | None
) -> None:
    policy = club_variant(tmp_path, fixed=fixed)
    text = offences(700, 6)
    if fixed is not None:  # every row is that offence, whose fines are fixed: no amounts
        text = re.sub(r",[0-9]+,([^,]*)$", r",,\1", text, flags=re.M)
    fast, careful = both(monkeypatch, tmp_path, text, chunk=chunk, policy=policy)
    assert both.used == [True]  # type: ignore[attr-defined]
    assert isinstance(fast, dict) and fast == careful
    occurrences = {line.split(",")[4] for line in fast["sanctions.csv"].decode("utf-8-sig").splitlines()[1:]}
    assert {"1", "2", "3", "4"} <= occurrences


@pytest.mark.parametrize("bound", [0, 1, 100_000])
def test_decisions_remembered_or_not_and_equal_amounts_written_differently(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bound: int
) -> None:
    """``100.0`` and ``100`` are one decision (the first one seen decides), in both engines,
    whether the inline step may remember no decision, one, or many."""
    from cspolicy.engine import ladderstep

    monkeypatch.setattr(ladderstep, "DECISIONS", bound)
    rows = "".join(
        f"E{i:03d},王芳,2024-03-0{1 + i % 3},C8,{a},\n" for i, a in enumerate(["100.0", "100", "100.00", "250", "", "100"])
    )
    fast, careful = both(monkeypatch, tmp_path, HEADER + rows + offences(200, 8)[len(HEADER) :])
    assert both.used == [True]  # type: ignore[attr-defined]
    assert isinstance(fast, dict) and fast == careful


def test_the_inline_step_is_the_careful_engines_own(tmp_path: Path) -> None:
    """Only the careful engine's step is written out inline; another (a step the test
    runner watches) is called as it is."""
    from cspolicy.engine import fastladder as fl
    from cspolicy.engine.run import prepare

    prep = prepare(POLICY, RunSettings())
    node = prep.nodes["sanctions"]
    assert node.step is not None and node.step.__qualname__ == fl._CAREFUL_STEP
    assert len(node.plan.step_names) == fl._STEP_VALUES


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["E1", "E2", "e1", "E3"]),
        st.sampled_from(["", "王芳"]),
        st.sampled_from(["2024-03-05", "2024/3/5", "2024-03-31", "2024-04-01", "2024-02-30"]),
        st.sampled_from([*CODES, "X1"]),
        st.sampled_from(["", "100", "250", "-1"]),
        st.sampled_from(["", "n"]),
    ),
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, chunk=st.sampled_from([1, 3, 100_000]))
def test_property_fast_and_careful_agree(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]], chunk: int
) -> None:
    """Whatever the rows, spilled or not: the careful engine's files, or its errors."""
    tmp = tmp_path_factory.mktemp("ladder")
    fast, careful = both(monkeypatch, tmp, HEADER + "".join(",".join(r) + "\n" for r in rows), chunk=chunk)
    assert fast == careful


SHIPPED = [
    ("penalties-club", "penalties/club-offences.csv"),
    ("penalties-office", "penalties/office-offences.csv"),
    ("penalties-shop", "penalties/shop-complaints.csv"),
    ("materials-order", "materials/stations.csv"),
    ("materials-review", "materials/review.csv"),
    ("rewards-training", "penalties/trainers.csv"),
]


@pytest.mark.parametrize(("name", "example"), SHIPPED, ids=[n for n, _ in SHIPPED])
def test_every_shipped_policy_writes_the_same_files_both_ways(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, example: str
) -> None:
    """The shipped examples through whatever fused loop applies, and through the careful engine."""
    policy = load_policy(name)
    src = Path(__file__).resolve().parent.parent / "examples" / example
    ((input_name, _),) = policy.inputs.items()
    written = []
    for way, clean in (("fast", fastpath.run_clean), ("careful", lambda prep, tables, sinks=None: False)):
        with monkeypatch.context() as m:
            m.setattr(fastpath, "run_clean", clean)
            run_files(policy, {input_name: src}, output=tmp_path / way)
            written.append({p.name: p.read_bytes() for p in sorted((tmp_path / way).iterdir())})
    assert written[0] == written[1]
