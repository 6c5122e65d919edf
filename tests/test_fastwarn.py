"""Warnings noted inside the fused joined loop (:mod:`cspolicy.engine.fastwarn`) are the
careful engine's: same files, same warnings in the same order, rows and columns included."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import cspolicy.engine.fastjoin as fastjoin
import cspolicy.engine.fastpath as fastpath
from cspolicy.cli.main import cli

STAFF = "工号,姓名,基本工资,当月奖金,地区,应出勤天数\nE001,王芳,2690,1000,上海,\nE002,李强,5000,1200,上海,\n"
# late 25 minutes (a disciplinary matter: at least 20), sick leave on Saturday 2025-07-05 and
# personal leave on Sunday 2025-07-06 (not working days), an early leave of 5 minutes (no warning)
ATTENDANCE = (
    "工号,日期,类型,天数,分钟数,有医院证明,结束日期\n"
    "E001,2025-07-07,事假,1,,,\n"
    "E002,2025-07-22,迟到,,25,,\n"
    "E002,2025-07-05,病假,1,,是,\n"
    "E001,2025-07-06,事假,0.5,,,\n"
    "E001,2025-07-08,早退,,5,,\n"
    "E001,2025-07-09,离岗,,40,,\n"
)


def _run(tmp: Path, out: str, careful: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, bytes]]:
    with monkeypatch.context() as m:
        if careful:
            m.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
        args = ["run", "leave-pay", f"staff={tmp / 's.csv'}", f"attendance={tmp / 'a.csv'}", "--period", "2025-07"]
        result = CliRunner().invoke(cli, [*args, "-o", str(tmp / out)])
    assert result.exit_code == 0, result.stderr
    files = {p.name: p.read_bytes() for p in sorted((tmp / out).iterdir()) if p.suffix == ".csv"}
    return result.stderr.replace(out, "OUT"), files


def test_warnings_in_the_fused_loop_are_the_careful_engines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.csv").write_text(STAFF, encoding="utf-8")
    (tmp_path / "a.csv").write_text(ATTENDANCE, encoding="utf-8")
    streamed: list[bool] = []
    real = fastjoin.run_joined
    monkeypatch.setattr(fastjoin, "run_joined", lambda *a: streamed.append(real(*a)) or streamed[-1])
    fast = _run(tmp_path, "fast", False, monkeypatch)
    assert streamed == [True]  # leave_days went through the fused loop, warnings and all
    assert fast == _run(tmp_path, "careful", True, monkeypatch)
    lines = fast[0].splitlines()
    late = [line for line in lines if "a disciplinary matter" in line]
    weekend = [line for line in lines if "not a working day" in line]
    assert len(late) == 2 and "a.csv:3:分钟数: E002 late 25 minutes on 2025-07-22" in late[0]  # row 3 of the file
    assert "a.csv:7:分钟数: E001 offpost 40 minutes" in late[1]
    assert len(weekend) == 2 and "a.csv:4:日期: E002 sick on 2025-07-05" in weekend[0]
    assert "a.csv:5:日期: E001 personal on 2025-07-06" in weekend[1]


def test_a_warning_that_cannot_be_decided_goes_to_the_careful_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.csv").write_text(STAFF, encoding="utf-8")
    # a date in a year the calendar does not know: is_working_day cannot say
    (tmp_path / "a.csv").write_text(
        ATTENDANCE.splitlines()[0] + "\nE002,2099-07-22,迟到,,25,,\nE001,2099-07-07,事假,1,,,\n", encoding="utf-8"
    )
    args = ["run", "leave-pay", f"staff={tmp_path / 's.csv'}", f"attendance={tmp_path / 'a.csv'}", "--period", "2099-07"]
    fast = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "o1")])
    monkeypatch.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
    careful = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "o2")])
    assert (fast.exit_code, fast.stderr.replace("o1", "o")) == (careful.exit_code, careful.stderr.replace("o2", "o"))
    assert fast.exit_code == 1 and "2099" in fast.stderr
