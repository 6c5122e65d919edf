"""Bad inputs of ``window:`` columns: bad window declarations (exit 2, ``file:line``) and
rows a window cannot place (exit 1, ``file:row:column``)."""

from __future__ import annotations

from pathlib import Path

from .common import Case, line_of

POLICY = (Path(__file__).resolve().parent.parent / "windows" / "monthly-ranks.yaml").read_text(encoding="utf-8")
SCORES = "月份,组别,工号,考核分\n2024-04,A,E1,90\n2024-04,B,E2,65\n2024-05,A,E1,85\n"
RANK = "window: {fn: rank, by: score, order: descending, partition: [month]}"


def _edit(old: str, new: str, text: str = POLICY) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def window_policy_case(id: str, old: str, new: str, messages: list[str], marker: str) -> Case:
    text = _edit(old, new)
    return Case(
        id,
        ["run", "bad.yaml", "scores.csv"],
        2,
        messages,
        files={"bad.yaml": text, "scores.csv": SCORES},
        pattern=rf"bad\.yaml:{line_of(text, marker)}(:\d+)?: ",
        lines=1,
    )


def window_data_case(id: str, body: str, messages: list[str], text: str = POLICY) -> Case:
    return Case(id, ["run", "p.yaml", "scores.csv"], 1, messages, files={"p.yaml": text, "scores.csv": body}, lines=1)


CASES = [
    window_policy_case(
        "window-rank-without-by",
        RANK,
        "window: {fn: rank, partition: [month]}",
        ["window 'rank' needs 'by': the formula to rank by"],
        "window: {fn: rank, partition",
    ),
    window_policy_case(
        "window-unknown-partition-column",
        RANK,
        "window: {fn: rank, by: score, partition: [monht]}",
        ["partition: unknown column 'monht'", "expected a column of 'scores'"],
        "partition: [monht]",
    ),
    window_policy_case(
        "window-by-not-a-number",
        RANK,
        "window: {fn: rank, by: team, partition: [month]}",
        ["window by 'team' gives text", "expected a number to rank by"],
        "by: team",
    ),
    window_policy_case(
        "window-with-group-by",
        "    key: [employee_id, month]\n    columns:\n      month: month\n      team: team",
        "    key: [employee_id, month]\n    group_by: [month, team, employee_id, score]\n    columns:\n      month: month\n      team: team",
        ["window column 'rank' cannot be combined with 'group_by' in one output"],
        RANK,
    ),
    window_policy_case(
        "window-named-like-a-source-column",
        "      team: team\n      employee_id: employee_id\n      score: score\n      rank:",
        "      employee_id: employee_id\n      score: score\n      team:",
        ["window column 'team' has the name of a source column", "expected a name of its own for the window's value"],
        RANK,
    ),
    window_policy_case(
        "window-previous-without-period",
        "window: {fn: previous, of: score, entity: [employee_id], period: month}",
        "window: {fn: previous, of: score, entity: [employee_id]}",
        ["window 'previous' needs 'entity' (columns) and 'period' (a column)"],
        "window: {fn: previous, of: score, entity: [employee_id]}",
    ),
    window_data_case(
        "window-blank-partition",
        SCORES.replace("2024-04,B,E2,65", ",B,E2,65"),
        ["scores.csv:3:月份: window 'rank': partition column 'month' is blank", "expected a value in every partition column"],
        _edit("        label: {zh: 月份, en: month}\n", "        label: {zh: 月份, en: month}\n        required: false\n"),
    ),
    window_data_case(
        "window-two-rows-in-one-period",
        SCORES + "2024-05,B,E1,70\n",
        ["scores.csv:5: window 'last_month_score': E1 has two rows in period 2024-05 (the other is row 4)"],
    ),
    window_data_case(
        "window-period-not-a-month",
        SCORES.replace("2024-05,A,E1,85", "2024-13,A,E1,85"),
        ["scores.csv:4:month: window 'last_month_score': period '2024-13' is not a period"],
    ),
]
