"""The quick look at files for the consistency checks (issue 19): it says "no problem" only
when the careful row-by-row checks find none, and the checks give the same problems (same
messages, rows and count) whichever way they went."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cspolicy.planner.consistency as consistency
from cspolicy import load_policy
from cspolicy.periods import Period
from tests.test_consistency import POLICY

PERIOD = Period.parse("2024-05")
IDS = ["E001", "E002", "e001", " E003", "E009", "", "E00１"]  # a duplicate in another case, a full-width digit
DATES = ["2024-05-03", "2024/5/31", "2024-06-01", "2024-04-30", "", "2024-13-01", "5月3日"]
EXTRA = ["", ",,", "\n", 'E001,"2024-05-03\n",1', "E001", "E002,2024-05-02,1,,", '"E00"1,2024-05-02,1']


def _write(tmp: Path, staff: list[str], events: list[tuple[str, str]], extra: list[str]) -> dict[str, str]:
    (tmp / "staff.csv").write_text("工号,name\n" + "".join(f"{s},x\n" for s in staff), encoding="utf-8")
    lines = [f"{e},{d},1\n" for e, d in events] + [x + "\n" for x in extra]
    (tmp / "events.csv").write_text("工号,日期,points\n" + "".join(lines), encoding="utf-8")
    return {"staff": str(tmp / "staff.csv"), "events": str(tmp / "events.csv")}


def _both(tmp: Path, paths: dict[str, str], period: Period | None) -> tuple[bool, list[str], list[str]]:
    plan = load_policy(tmp / "checked.yaml").consistency
    assert plan is not None
    source = consistency.file_source(paths)
    quick = consistency._no_problem_in_files(plan, source, period)
    found = consistency.check_consistency(plan, source, period)
    careful = consistency.check_consistency(plan, consistency._FileSource.__call__.__get__(source), period)
    shown = lambda c: [str(e) for e in c.errors] + [str(c.count)]  # noqa: E731
    return quick, shown(found), shown(careful)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    staff=st.lists(st.sampled_from(IDS[:5]), min_size=1, max_size=5),
    events=st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(DATES)), max_size=8),
    extra=st.lists(st.sampled_from(EXTRA), max_size=2),
    period=st.sampled_from([PERIOD, None]),
)
def test_quick_look_agrees_with_the_careful_checks(
    tmp_path_factory: pytest.TempPathFactory,
    staff: list[str],
    events: list[tuple[str, str]],
    extra: list[str],
    period: Period | None,
) -> None:
    tmp = tmp_path_factory.mktemp("c")
    (tmp / "checked.yaml").write_text(POLICY.replace("PROBLEMS\n", ""), encoding="utf-8")
    quick, found, careful = _both(tmp, _write(tmp, staff, events, extra), period)
    assert found == careful  # the same problems either way
    if quick:
        assert careful == ["0"]  # "no problem" only when there is none


def test_a_clean_month_is_decided_by_the_quick_look(tmp_path: Path) -> None:
    (tmp_path / "checked.yaml").write_text(POLICY.replace("PROBLEMS\n", ""), encoding="utf-8")
    paths = _write(tmp_path, ["E001", "E002"], [("E001", "2024-05-03"), ("e002", "2024/5/31")] * 3, [""])
    assert _both(tmp_path, paths, PERIOD) == (True, ["0"], ["0"])


@pytest.mark.parametrize(
    ("staff", "events", "problem"),
    [
        (["E001", "e001"], [("E001", "2024-05-03")], "repeats row 2"),
        (["E001"], [("E009", "2024-05-03")], "'E009' is not in staff"),
        (["E001"], [("E001", "2024-06-01")], "2024-06-01 is outside the period 2024-05"),
    ],
)
def test_each_problem_is_found_row_by_row(tmp_path: Path, staff: list[str], events: list[tuple[str, str]], problem: str) -> None:
    (tmp_path / "checked.yaml").write_text(POLICY.replace("PROBLEMS\n", ""), encoding="utf-8")
    quick, found, careful = _both(tmp_path, _write(tmp_path, staff, events, []), PERIOD)
    assert not quick and found == careful and found[-1] == "1" and problem in found[0]
