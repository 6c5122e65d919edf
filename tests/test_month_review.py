"""The issue-16 example policy end to end through the CLI (tests/data/month-review): a
lookup table, moments, durations and months, the working-day calendar, blank and ratio, ``&``
and a list of reasons, an optional input and warnings. Every figure is worked out by hand
in the comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspolicy.cli.main import cli

DATA = Path(__file__).resolve().parent / "data" / "month-review"
POLICY = str(DATA / "month-review.yaml")
EVENTS = f"events={DATA / 'events.csv'}"
PREVIOUS = f"previous={DATA / 'previous.csv'}"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


def test_a_month_without_the_previous_results(runner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", POLICY, EVENTS, "--period", "2024-05", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"wrote {out / 'events.csv'} (5 rows)",
        f"wrote {out / 'agents.csv'} (3 rows)",
        f"wrote {out / 'last_month.csv'} (1 row)",
        # 4 May 2024 is in the Labour Day break; 11 May, a Saturday, was a make-up working day
        f"warning: {DATA / 'events.csv'}:5:时间: E002: L1 on a day off (2024-05-04)",
        "warning: output 'agents', E001: B1 given 2 times to E001; counted once [R-SC-2]",
    ]
    assert lines(out / "events.csv") == [
        "employee_id,day,month,hour,item,points,month_of_employment,first_month,handled,reason",
        # hired 2024-03-15: March is month 1, May month 3 (R-SC-13)
        "E001,2024-05-06,2024-05,9,B1,5,3,,,B1 当月第一 5",
        # 2:05 is m:ss = 125 s; 迟到早退 is L4's Chinese name
        "E001,2024-05-07,2024-05,14,L4,-3,3,,125,L4 迟到早退 -3",
        "E001,2024-05-11,2024-05,10,B1,5,3,,,B1 当月第一 5",
        # hired 2 May: May is month 1; 0:01:00.5 = 60.5 s
        "E002,2024-05-04,2024-05,9,L1,-2,1,first month,60.5,L1 未使用普通话 -2",
        # hired January 2023: May 2024 is month 12 + 5 = 17
        "E003,2024-05-20,2024-05,16,B3,5,17,,,B3 主动顶班 5",
    ]
    assert lines(out / "agents.csv") == [
        "employee_id,events,points,once_points,score,handled,handled_events,mean_handled,reasons,compared",
        # -3 from L4; B1 (a once-a-month item) counted once: 80 - 3 + 5 = 82; 125 s over 1 event
        "E001,3,-3,5,82,125,1,125.00,B1 当月第一 5；L4 迟到早退 -3；B1 当月第一 5,no",
        # 80 - 2 = 78; 60.5 s over 1 event
        "E002,1,-2,0,78,60.5,1,60.50,L1 未使用普通话 -2,no",
        # 80 + 5 = 85; no handling time: ratio(0, 0) is blank
        "E003,1,5,0,85,0,0,,B3 主动顶班 5,no",
    ]
    assert lines(out / "last_month.csv") == ["agents,month,lowest", "0,,"]  # no previous file: no rows


def test_with_the_previous_results(runner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["run", POLICY, EVENTS, PREVIOUS, "--period", "2024-05", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    assert len(result.stderr.splitlines()) == 2  # -q: only the two warnings
    assert [line.rsplit(",", 1)[1] for line in lines(out / "agents.csv")[1:]] == ["yes", "yes", "yes"]
    assert lines(out / "last_month.csv") == ["agents,month,lowest", "2,2024-04,68"]  # 2024年4月 is 2024-04


def test_json_and_strict(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["run", POLICY, EVENTS, "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [n["message"] for n in doc["_warnings"]] == [
        "E002: L1 on a day off (2024-05-04)",
        "B1 given 2 times to E001; counted once",
    ]
    assert doc["agents"][2]["mean_handled"] is None
    out = tmp_path / "strict"
    strict = runner.invoke(cli, ["run", POLICY, EVENTS, "--strict", "-o", str(out)])
    assert strict.exit_code == 1
    assert strict.stdout == ""
    assert strict.stderr.startswith(f"Error: {DATA / 'events.csv'}:5:时间: warning treated as an error (--strict): E002: L1")
    assert not out.exists()


@pytest.mark.xfail(
    strict=True,
    reason="the explanation renderer (cspolicy.explain) does not yet show why a figure is blank or a row's warnings: lost when the plain-words renderer and the formula work met; to do in issue 16",
)
def test_the_explanation_of_an_agent(runner) -> None:
    result = runner.invoke(cli, ["run", POLICY, EVENTS, "--explain", "E003"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "month_of_employment = 17: month_index(hired 2023-01-01, month 2024-05) = 17, rounded half up [R-SC-13]" in text
    assert (
        "mean_handled = blank: ratio(handled 0, handled_events 0) = blank (ratio(handled, handled_events) is blank: its denominator is 0)"
        in text
    )
    assert "reason = B3 主动顶班 5: item B3 & ' ' & lookup('items', item B3, 'name') & ' ' & points 5 = B3 主动顶班 5" in text
    explained_e1 = runner.invoke(cli, ["run", POLICY, EVENTS, "--explain", "E001"]).stdout
    assert "  warning: B1 given 2 times to E001; counted once" in explained_e1


def test_chinese_headers_and_item_names(runner) -> None:
    result = runner.invoke(cli, ["run", POLICY, EVENTS, "--only", "events", "--format", "csv", "--lang", "zh"])
    assert result.exit_code == 0, result.stderr
    header, first, *_ = result.stdout.splitlines()
    assert header.split(",")[:5] == ["工号", "day", "month", "hour", "项目"]
    assert first.split(",")[4] == "当月第一"  # the item's label from the table


@pytest.mark.parametrize(
    ("cell", "replacement", "message"),
    [
        (
            "2024-05-20 16:00",
            "2024-06-01 09:00",
            "events.csv:6:时间: column 'time': '2024-06-01 09:00:00': the event is outside the month 2024-05",
        ),
        (",B3,", ",B9,", "events.csv:6:项目: column 'item': 'B9' is not an allowed value"),
        ("0:01:00.5", "1:75", "events.csv:5:处理时长: column 'handled': '1:75' is not a duration"),
    ],
)
def test_bad_events(runner, tmp_path: Path, cell: str, replacement: str, message: str) -> None:
    text = (DATA / "events.csv").read_text(encoding="utf-8").replace("2024年5月20日 16:00", "2024-05-20 16:00")
    assert cell in text
    bad = tmp_path / "events.csv"
    bad.write_text(text.replace(cell, replacement), encoding="utf-8")
    result = runner.invoke(cli, ["run", POLICY, f"events={bad}", "--period", "2024-05"])
    assert result.exit_code == 1
    assert message in result.stderr, result.stderr
