"""Bad inputs of the formula pieces of issue 16: time types, blank, ratio, ``&``, lookup
tables, optional inputs and warnings. Each case runs a small policy of its own."""

from __future__ import annotations

from .common import Case, line_of

CALLS = """\
name: calls
title: {zh: 通话, en: calls}
family: test
version: "1"
rules: {R-CC-1: "talk time"}
inputs:
  calls:
    columns:
      agent: {type: text, aliases: [坐席]}
      offered: {type: datetime, aliases: [来电时间]}
      talk: {type: duration, aliases: [通话时长]}
      month: {type: period, aliases: [月份]}
outputs:
  calls:
    from: calls
    columns:
      agent: agent
      day: date(offered)
      previous: month - 1
"""
CALLS_CSV = "坐席,来电时间,通话时长,月份\nA1,2025-03-01 09:15:02,2:05,2025-03\n"


def calls_case(id: str, csv: str, messages: list[str], policy: str = CALLS, code: int = 1) -> Case:
    return Case(id, ["run", "calls.yaml", "calls.csv"], code, messages, files={"calls.yaml": policy, "calls.csv": csv}, lines=1)


def calls_policy_case(id: str, old: str, new: str, messages: list[str]) -> Case:
    assert CALLS.count(old) == 1, old
    text = CALLS.replace(old, new)
    case = calls_case(id, CALLS_CSV, messages, text, code=2)
    case.pattern = rf"calls\.yaml:{line_of(text, new.splitlines()[0].strip())}(:\d+)?: "
    return case


CASES = [
    calls_case(
        "time-moment-day-first",
        CALLS_CSV.replace("2025-03-01 09:15:02", "1/3/2025 9:15"),
        ["calls.csv:2:来电时间", "day and month first is ambiguous"],
    ),
    calls_case("time-duration-negative", CALLS_CSV.replace("2:05", "-5"), ["calls.csv:2:通话时长", "cannot be negative"]),
    calls_case(
        "time-period-a-day", CALLS_CSV.replace(",2025-03\n", ",2025-03-15\n"), ["calls.csv:2:月份", "is a day, not a month"]
    ),
    calls_policy_case("time-date-plus-number", "day: date(offered)", "day: date(offered) + 1", ["'+' does not apply to a date"]),
    calls_policy_case("time-hour-of-a-date", "day: date(offered)", "day: hour(date(offered))", ["argument 1 of hour()"]),
    calls_policy_case("time-period-times", "previous: month - 1", "previous: month * 2", ["'*' needs numbers on both sides"]),
]
