"""Window columns end to end: rank per month (competition, and dense per team), last with
ties, partition counts and totals, last month's score, rank and last flag for the same
agent; input order kept; errors at file:row:column; spilling gives the same rows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy import evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.engine.run_windows import WindowRun
from cspolicy.errors import ErrorCollector

POLICY = Path(__file__).resolve().parent / "windows" / "monthly-ranks.yaml"
# Two teams over three months, months interleaved in the file (output keeps this order).
SCORES = """月份,组别,工号,考核分
2024-05,A,E1,85
2024-04,A,E1,90
2024-04,A,E2,65
2024-05,A,E2,60
2024-04,B,E3,65
2024-04,B,E4,80
2024-05,B,E3,85
2024-05,B,E5,60
2024-06,A,E2,55
2024-06,B,E4,70
"""


def run_csv(runner, tmp_path: Path, body: str, output: str, policy: Path = POLICY, code: int = 0):
    data = tmp_path / "scores.csv"
    data.write_text(body, encoding="utf-8")
    result = runner.invoke(cli, ["run", str(policy), str(data), "--only", output, "--format", "csv"])
    assert result.exit_code == code, (result.stdout, result.stderr)
    if code:
        assert result.stdout == ""
        return result.stderr
    assert result.stderr == ""
    return list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))


def test_rank_last_count_and_total_per_month(runner, tmp_path: Path) -> None:
    rows = run_csv(runner, tmp_path, SCORES, "ranked")
    got = [(r["month"], r["employee_id"], r["rank"], r["team_rank"], r["last"], r["ranked_among"], r["team_total"]) for r in rows]
    # April: E1 90, E4 80, E2 65, E3 65 → ranks 1, 2, 3, 3 (competition), E2 and E3 both last.
    # May:   E1 85, E3 85, E2 60, E5 60 → 1, 1, 3, 3 (no rank 2), E2 and E5 both last.
    # June:  E4 70, E2 55 → 1, 2; a partition of two.
    # Dense rank per month and team: April A: E1 90 → 1, E2 65 → 2; April B: E4 80 → 1, E3 65 → 2 …
    # Team totals: April A 90 + 65, April B 65 + 80, May A 85 + 60, May B 85 + 60, June A 55, June B 70.
    assert got == [
        ("2024-05", "E1", "1", "1", "no", "4", str(85 + 60)),
        ("2024-04", "E1", "1", "1", "no", "4", str(90 + 65)),
        ("2024-04", "E2", "3", "2", "yes", "4", str(90 + 65)),
        ("2024-05", "E2", "3", "2", "yes", "4", str(85 + 60)),
        ("2024-04", "E3", "3", "2", "yes", "4", str(65 + 80)),
        ("2024-04", "E4", "2", "1", "no", "4", str(65 + 80)),
        ("2024-05", "E3", "1", "1", "no", "4", str(85 + 60)),
        ("2024-05", "E5", "3", "2", "yes", "4", str(85 + 60)),
        ("2024-06", "E2", "2", "1", "yes", "2", "55"),
        ("2024-06", "E4", "1", "1", "no", "2", "70"),
    ]


def test_last_months_score_rank_and_flag(runner, tmp_path: Path) -> None:
    rows = run_csv(runner, tmp_path, SCORES, "flags")
    got = [
        (r["month"], r["employee_id"], r["last_month_score"], r["last_month_rank"], r["last_month_last"], r["last_twice"])
        for r in rows
    ]
    assert got == [
        ("2024-05", "E1", "90", "1", "no", "no"),
        ("2024-04", "E1", "", "", "", "no"),  # no March row: blank
        ("2024-04", "E2", "", "", "", "no"),
        ("2024-05", "E2", "65", "3", "yes", "yes"),  # last in April (65) and May (60), both < 70
        ("2024-04", "E3", "", "", "", "no"),
        ("2024-04", "E4", "", "", "", "no"),
        ("2024-05", "E3", "65", "3", "yes", "no"),  # last in April, but 85 and not last in May
        ("2024-05", "E5", "", "", "", "no"),  # new in May
        ("2024-06", "E2", "60", "3", "yes", "yes"),  # last in May (60) and June (55)
        ("2024-06", "E4", "", "", "", "no"),  # April then June: May is missing, so blank
    ]


def test_sort_by_orders_a_windowed_output_then_input_order(runner, tmp_path: Path) -> None:
    text = POLICY.read_text(encoding="utf-8").replace(
        "    key: [employee_id, month]\n    columns:\n      month: month\n      team: team",
        "    key: [employee_id, month]\n    sort_by: [month, rank]\n    columns:\n      month: month\n      team: team",
    )
    assert "sort_by" in text
    policy = tmp_path / "sorted.yaml"
    policy.write_text(text, encoding="utf-8")
    rows = run_csv(runner, tmp_path, SCORES, "ranked", policy=policy)
    # by month, then rank (a window column), then input order among equal ranks
    assert [(r["month"], r["employee_id"]) for r in rows] == [
        ("2024-04", "E1"),
        ("2024-04", "E4"),
        ("2024-04", "E2"),
        ("2024-04", "E3"),
        ("2024-05", "E1"),
        ("2024-05", "E3"),
        ("2024-05", "E2"),
        ("2024-05", "E5"),
        ("2024-06", "E4"),
        ("2024-06", "E2"),
    ]


def test_a_window_formula_failing_on_a_row_names_the_row(runner, tmp_path: Path) -> None:
    text = POLICY.read_text(encoding="utf-8").replace(
        "window: {fn: rank, by: score, order: descending, partition: [month]}",
        "window: {fn: rank, by: 100 ÷ score, partition: [month]}",
    )
    policy = tmp_path / "div.yaml"
    policy.write_text(text, encoding="utf-8")
    body = SCORES.replace("2024-04,B,E4,80", "2024-04,B,E4,0")
    err = run_csv(runner, tmp_path, body, "ranked", policy=policy, code=1)
    assert f"{tmp_path / 'scores.csv'}:7:考核分: window 'rank' by '100 ÷ score': division by zero" in err


def test_a_blank_partition_value_is_refused(runner, tmp_path: Path) -> None:
    text = POLICY.read_text(encoding="utf-8").replace(
        "        label: {zh: 组别, en: team}\n", "        label: {zh: 组别, en: team}\n        required: false\n"
    )
    policy = tmp_path / "optional-team.yaml"
    policy.write_text(text, encoding="utf-8")
    body = SCORES.replace("2024-04,B,E4,80", "2024-04,,E4,80")
    err = run_csv(runner, tmp_path, body, "ranked", policy=policy, code=1)
    assert err.endswith(
        "scores.csv:7:组别: window 'team_rank': partition column 'team' is blank; expected a value in every partition column\n"
    )
    assert err.count("\n") == 1  # one error, though two windows partition by team


def test_two_rows_of_one_agent_in_one_month_are_refused(runner, tmp_path: Path) -> None:
    body = SCORES + "2024-05,B,E1,70\n"
    err = run_csv(runner, tmp_path, body, "flags", code=1)
    # row 2 holds E1's first May row; row 12 the second
    assert err.endswith(
        "scores.csv:12: window 'last_month_score': E1 has two rows in period 2024-05 (the other is row 2); "
        "expected one row per entity and period\n"
    )
    assert err.count("\n") == 1


def test_a_period_that_is_not_a_month_is_refused(runner, tmp_path: Path) -> None:
    err = run_csv(runner, tmp_path, SCORES.replace("2024-06,B,E4,70", "六月,B,E4,70"), "flags", code=1)
    # 'flags' reads the output 'ranked', so the column is named as that output names it
    assert err.endswith(
        "scores.csv:11:month: window 'last_month_score': period '六月' is not a period; "
        "expected a number, or a month written YYYY-MM\n"
    )
    assert err.count("\n") == 1  # once, though three windows step by month


def test_explain_shows_the_window_values(runner, tmp_path: Path) -> None:
    data = tmp_path / "scores.csv"
    data.write_text(SCORES, encoding="utf-8")
    result = runner.invoke(cli, ["run", str(POLICY), str(data), "--only", "flags", "--explain", "E2"])
    assert result.exit_code == 0, result.stderr
    assert "last month's score (last_month_score) = 65" in result.stdout


def _plan():
    return load_policy(str(POLICY)).outputs["ranked"]


def test_spilling_partitions_gives_the_same_rows() -> None:
    """With a sorter chunk of 2 rows every pass spills; the values and order do not change."""
    plan = _plan()
    rows = [tuple(line.split(",")) for line in SCORES.splitlines()[1:]]
    source = [(m, t, e, Decimal(s)) for m, t, e, s in rows]
    outs = []
    for chunk in (2, 100_000):
        run = WindowRun(plan, {}, ErrorCollector(10), chunk_size=chunk)
        for n, row in enumerate(source, 2):
            run.add(row, n)
        outs.append(list(run.results()))
    assert outs[0] == outs[1]
    assert [origin for _, origin, _ in outs[0]] == list(range(2, 12))


months = st.sampled_from(["2024-01", "2024-02", "2024-03"])
row = st.tuples(months, st.sampled_from(["A", "B"]), st.integers(0, 110))


@settings(max_examples=40, deadline=None)
@given(st.lists(row, min_size=1, max_size=25))
def test_ranks_within_each_month_are_consistent_with_scores(data) -> None:
    policy = load_policy(str(POLICY))
    rows = [{"month": m, "team": t, "employee_id": f"E{i}", "score": str(s)} for i, (m, t, s) in enumerate(data)]
    out = evaluate(policy, {"scores": rows})["ranked"]
    assert [r["employee_id"] for r in out] == [r["employee_id"] for r in rows]  # input order kept
    for month in {m for m, _, _ in data}:
        mine = [r for r in out if r["month"] == month]
        for a in mine:
            better = sum(1 for b in mine if b["score"] > a["score"])
            assert a["rank"] == 1 + better  # competition: 1 + how many score higher
            assert a["ranked_among"] == len(mine)
            assert a["last"] == (a["score"] == min(b["score"] for b in mine))
            team = [b["score"] for b in mine if b["team"] == a["team"]]
            assert a["team_total"] == sum(team)
            assert a["team_rank"] == 1 + len({s for s in team if s > a["score"]})  # dense within the team


def test_explain_says_among_whom_a_window_was_taken(runner, tmp_path: Path) -> None:
    data = tmp_path / "scores.csv"
    data.write_text(SCORES, encoding="utf-8")
    result = runner.invoke(cli, ["run", str(POLICY), str(data), "--only", "ranked", "--explain", "E4"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    # April: E1 90, E4 80, E2 65, E3 65 → 4 rows in the month, 2 in team B
    assert (
        "rank: ranked by score, largest first, ties share a rank and the next is skipped (1224), among the 4 rows of month 2024-04"
        in out
    )
    assert (
        "rank in team: ranked by score, largest first, ties share a rank and the next follows (1223), among the 2 rows of month 2024-04 / team B"
        in out
    )
    assert "team total: the sum of score among the 2 rows of month 2024-04 / team B" in out
    zh = runner.invoke(cli, ["run", str(POLICY), str(data), "--only", "ranked", "--explain", "E4", "--lang", "zh"])
    assert "名次：按 考核分 从大到小排名，并列者同名次、其后名次跳过（1224），在 月份 2024-04 的 4 行中" in zh.stdout


def test_explain_of_previous_names_the_entity(runner, tmp_path: Path) -> None:
    data = tmp_path / "scores.csv"
    data.write_text(SCORES, encoding="utf-8")
    result = runner.invoke(cli, ["run", str(POLICY), str(data), "--only", "flags", "--explain", "E2"])
    assert result.exit_code == 0, result.stderr
    # E2 has rows in April, May and June
    assert "last month's score: score in the period before, for the same employee E2 (3 rows)" in result.stdout


def test_show_prints_each_window(runner) -> None:
    result = runner.invoke(cli, ["show", str(POLICY)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "  rank: integer = rank(score, descending, competition) per [month]\n" in out
    assert "  team_rank (rank in team): integer = rank(score, descending, dense) per [month, team]\n" in out
    assert "  team_total (team total): decimal = total(score) per [month, team]\n" in out
    assert "= previous(score) of the same [employee_id] by period month\n" in out


def test_doctests_of_the_window_runner() -> None:
    import doctest

    import cspolicy.engine.run_windows

    result = doctest.testmod(cspolicy.engine.run_windows)
    assert result.attempted > 0 and result.failed == 0
