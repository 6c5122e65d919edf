"""run_files details the CLI relies on: progress reporting and the report it returns."""

from __future__ import annotations

import io
from pathlib import Path

from cspolicy import load_policy, run_files


def test_progress_reports_bytes_read_up_to_the_file_size(tmp_path: Path) -> None:
    src = tmp_path / "stations.csv"
    lines = ["站点,物料,票数,增长率"] + [f"S{i},面单,{i},5%" for i in range(20_000)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    report = run_files(
        load_policy("materials-order"),
        {"stations": src},
        output=tmp_path / "out",
        progress=lambda done, total: calls.append((done, total)),
    )
    size = src.stat().st_size
    assert calls and all(total == size for _, total in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)  # never goes backwards
    assert calls[-1][0] == size  # ends at 100 %
    assert report.rows == {"orders": 20_000, "materials": 1}  # one material: 面单
    assert sorted(p.name for p in report.written) == ["materials.csv", "orders.csv"]


def test_explain_goes_to_stdout_instead_of_the_tables(tmp_path: Path) -> None:
    out = io.StringIO()
    src = Path(__file__).resolve().parent.parent / "examples" / "materials" / "stations.csv"
    run_files(load_policy("materials-order"), {"stations": src}, explain="C站/面单", stdout=out)
    text = out.getvalue()
    # 1200 × (1 + 6% + 7%) ÷ 4 = 339 exactly; the tables themselves are not printed
    assert "weekly_qty = 339: parcels 1200 × (1 + growth 6% + loss allowance 7%) ÷ 4 = 339, rounded up [R-MT-1]" in text
    assert "orders (7 rows)" not in text


def test_explain_shows_the_branch_a_row_took(tmp_path: Path) -> None:
    out = io.StringIO()
    src = Path(__file__).resolve().parent.parent / "examples" / "materials" / "stations.csv"
    run_files(load_policy("materials-order"), {"stations": src}, explain="B站/包装袋", stdout=out)
    text = out.getvalue()
    # B站 包装袋: weekly 8000 × 1.02 ÷ 4 = 2040; request 2200 > 2040 without a reason → cut back
    assert "approved_qty = 2040: weekly order 2040 (since not (present(requested 2200) and" in text
    assert "status = cut_to_formula: 'cut_to_formula' (since not (present(reason blank)))" in text
