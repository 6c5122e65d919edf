"""run_files details the CLI relies on: progress reporting and the report it returns."""

from __future__ import annotations

import io
from pathlib import Path

from cspolicy import load_policy, run_files


def test_progress_reports_bytes_read_up_to_the_file_size(tmp_path: Path) -> None:
    src = tmp_path / "stations.csv"
    lines = ["站点,物料,票数,增长率"] + [f"S{i},面单,{i},5%" for i in range(20_000)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls: list[tuple[str, int, int | None]] = []
    report = run_files(
        load_policy("materials-order"),
        {"stations": src},
        output=tmp_path / "out",
        progress=lambda phase, done, total: calls.append((phase, done, total)),
    )
    size = src.stat().st_size
    reading = [(d, t) for phase, d, t in calls if phase == "reading"]
    assert reading and all(total == size for _, total in reading)
    assert [d for d, _ in reading] == sorted(d for d, _ in reading)  # never goes backwards
    assert reading[-1][0] == size  # ends at 100 %
    # then every phase is named: no sorting here (orders are row by row), the groups, the files
    phases = [phase for phase, _, _ in calls]
    assert phases[phases.index("reading") :] == ["reading"] * len(reading) + ["computing", "writing"]
    assert report.rows == {"orders": 20_000, "materials": 1}  # one material: 面单
    assert sorted(p.name for p in report.written) == ["materials.csv", "orders.csv"]


def test_progress_names_the_sort_after_reading(tmp_path: Path) -> None:
    # penalties sort every offence by employee and date before the ladder can count: after
    # 100 % reading the run says it is sorting, then counts the rows it computes
    src = tmp_path / "offences.csv"
    rows = [f"E{i % 997},2024-03-{1 + i % 28:02d},G1" for i in range(10_000)]
    src.write_text("工号,日期,违规\n" + "\n".join(rows) + "\n", encoding="utf-8")
    calls: list[tuple[str, int, int | None]] = []
    run_files(
        load_policy("penalties-club"),
        {"offences": src},
        only=["sanctions"],
        fmt="json",
        stdout=io.StringIO(),
        progress=lambda phase, done, total: calls.append((phase, done, total)),
    )
    phases = [phase for phase, _, _ in calls]
    after = phases[len(phases) - phases[::-1].index("reading") :]
    assert after[0] == "sorting" and after[-1] == "writing"
    assert ("computing", 8192, None) in calls  # rows made after the sort are counted


def test_explain_goes_to_stdout_instead_of_the_tables(tmp_path: Path) -> None:
    out = io.StringIO()
    src = Path(__file__).resolve().parent.parent / "examples" / "materials" / "stations.csv"
    run_files(load_policy("materials-order"), {"stations": src}, explain="C站/面单", stdout=out)
    text = out.getvalue()
    # 1200 × (1 + 6% + 7%) ÷ 4 = 339 exactly; the tables themselves are not printed
    assert (
        "weekly order (weekly_qty) = 339 [R-MT-1]: parcels 1200 × (1 + growth 6% + loss allowance 7%) ÷ 4 = 339, rounded up"
        in text
    )
    assert "orders (7 rows)" not in text


def test_explain_shows_the_branch_a_row_took(tmp_path: Path) -> None:
    out = io.StringIO()
    src = Path(__file__).resolve().parent.parent / "examples" / "materials" / "stations.csv"
    run_files(load_policy("materials-order"), {"stations": src}, explain="B站/包装袋", stdout=out)
    text = out.getvalue()
    # B站 包装袋: weekly 8000 × 1.02 ÷ 4 = 2040; request 2200 > 2040 without a reason → cut back
    assert (
        "approved quantity (approved_qty) = 2040 [R-MT-3]: requested 2200 is above weekly order 2040 and no reason was given,"
        " so it is weekly order 2040"
    ) in text
    assert (
        "status = cut back to the formula (cut_to_formula) [R-MT-3]: requested 2200 is above weekly order 2040 and no reason"
        " was given, so it is cut back to the formula"
    ) in text
