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

ITEMS = """\
name: items
title: {zh: 项目, en: items}
family: test
version: "1"
rules: {R-SC-2: "bonus items"}
tables:
  items:
    key: code
    columns:
      name: {type: text}
      points: {type: integer}
    rows:
      - {code: B1, name: 当月第一, points: "5"}
      - {code: L4, name: 迟到早退, points: "-2"}
inputs:
  events:
    columns:
      agent: {type: text, aliases: [工号]}
      item: {type: text, aliases: [项目]}
      calls: {type: integer, required: false, aliases: [来电]}
outputs:
  events:
    from: events
    columns:
      agent: agent
      points: lookup('items', item, 'points')
      rate: "ratio(1, calls) if present(calls) else blank"
  agents:
    from: events
    group_by: [agent]
    columns:
      agent: agent
      reasons: {agg: list, of: "agent & ' ' & points"}
"""
ITEMS_CSV = "工号,项目,来电\nE1,B1,3\n"


def items_case(id: str, csv: str, messages: list[str], policy: str = ITEMS, code: int = 1) -> Case:
    return Case(id, ["run", "items.yaml", "events.csv"], code, messages, files={"items.yaml": policy, "events.csv": csv}, lines=1)


def items_policy_case(id: str, old: str, new: str, messages: list[str]) -> Case:
    assert ITEMS.count(old) == 1, old
    text = ITEMS.replace(old, new)
    case = items_case(id, ITEMS_CSV, messages, text, code=2)
    case.pattern = rf"items\.yaml:{line_of(text, new.splitlines()[0].strip())}(:\d+)?: "
    return case


CASES += [
    items_case("lookup-missing-key", ITEMS_CSV + "E2,B9,1\n", ["events.csv:3:项目", "'B9' is not a key of table 'items'"]),
    items_policy_case("lookup-duplicate-key", "code: L4,", "code: b1,", ["key 'B1' is given twice"]),
    items_policy_case("lookup-unknown-table", "lookup('items',", "lookup('item',", ["'item' is not a table"]),
    items_policy_case("lookup-unknown-column", "item, 'points')", "item, 'pts')", ["'pts' is not a column of table 'items'"]),
    items_policy_case("blank-alone", 'rate: "ratio(1, calls) if present(calls) else blank"', "rate: blank", ["always blank"]),
    items_policy_case(
        "blank-compared", 'rate: "ratio(1, calls) if present(calls) else blank"', 'rate: "calls == blank"', ["never true"]
    ),
    items_policy_case(
        "list-of-a-number", "of: \"agent & ' ' & points\"", "of: points", ["'list' lists texts, 'points' is number"]
    ),
    items_policy_case("concat-in-arithmetic", "lookup('items', item, 'points')", "1 + ('a' & item)", ["'+' needs numbers"]),
]

WARNED = ITEMS.replace(
    """  agents:
    from: events
    group_by: [agent]""",
    """  agents:
    from: events
    group_by: [agent]
    warnings:
      - when: count > 1
        message: "{agent} has {count} events"
        rule: R-SC-2""",
).replace("      reasons: {agg: list", "      count: {agg: count}\n      reasons: {agg: list")
WARNED_CSV = ITEMS_CSV + "E1,L4,2\n"


def warned_case(id: str, old: str, new: str, messages: list[str]) -> Case:
    assert WARNED.count(old) == 1, old
    text = WARNED.replace(old, new)
    case = items_case(id, WARNED_CSV, messages, text, code=2)
    case.pattern = rf"items\.yaml:{line_of(text, new.splitlines()[0].strip())}(:\d+)?: "
    return case


CASES += [
    Case(
        "warning-strict",
        ["run", "items.yaml", "events.csv", "--strict"],
        1,
        ["output 'agents', E1: warning treated as an error (--strict): E1 has 2 events [R-SC-2]"],
        files={"items.yaml": WARNED, "events.csv": WARNED_CSV},
        lines=1,
    ),
    warned_case("warning-unknown-placeholder", '"{agent} has {count} events"', '"{agnet} has {count} events"', ["{agnet}"]),
    warned_case("warning-not-a-condition", "when: count > 1", "when: count", ["must be a condition"]),
    warned_case("given-no-optional-input", "when: count > 1", "when: given('previous')", ["this policy has none"]),
    Case(
        "missing-required-input",
        ["run", "items.yaml", "previous=events.csv"],
        2,
        ["no file given for input 'events'", "optional: previous"],
        files={
            "items.yaml": ITEMS.replace(
                "inputs:\n  events:", "inputs:\n  previous:\n    optional: true\n    columns: {agent: {type: text}}\n  events:"
            ),
            "events.csv": ITEMS_CSV,
        },
        lines=1,
    ),
]
