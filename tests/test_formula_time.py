"""Time in formulas (issue 16, A.3): date arithmetic, months that step and compare, moments
and durations read from CSV cells, and the working-day calendar. Golden values are worked
out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import DataError, PolicyError, evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.expressions import ExpressionError, Symbol, compile_expression
from cspolicy.periods import Period
from cspolicy.tables.convert import CellError, make_converter
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Kind, Value

D = Decimal
SYMBOLS = {
    "hired": Symbol("hired", Kind.DATE),
    "day": Symbol("day", Kind.DATE),
    "start": Symbol("start", Kind.DATETIME),
    "end": Symbol("end", Kind.DATETIME),
    "month": Symbol("month", Kind.PERIOD),
    "talk": Symbol("talk", Kind.NUMBER, ctype=ColumnType.DURATION),
    "n": Symbol("n", Kind.NUMBER),
    "period": Symbol("period", Kind.TEXT, nullable=True),
}
ENV: dict[str, Value] = {
    "hired": dt.date(2024, 3, 15),
    "day": dt.date(2024, 2, 28),
    "start": dt.datetime(2025, 3, 1, 9, 15, 2),
    "end": dt.datetime(2025, 3, 1, 9, 16, 0, 500000),
    "month": Period(2024, 5),
    "talk": D(90),
    "n": D(2),
    "period": "2025-01",
}


def value(text: str) -> Value:
    return compile_expression(text, SYMBOLS).evaluate(ENV)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("days_between(day, add_days(day, 2))", D(2)),  # 28 Feb → 1 Mar 2024 (a leap year: 29 Feb between)
        ("add_days(day, 2)", dt.date(2024, 3, 1)),
        ("add_days(day, -n)", dt.date(2024, 2, 26)),
        ("days_between(hired, day)", D(-16)),  # 15 Mar back to 28 Feb: 16 days earlier
        ("months_between(hired, first_day(month))", D(2)),  # March → May: two calendar months
        ("whole_months_between(hired, first_day(month))", D(1)),  # 15 Mar → 1 May: one completed month
        ("month_index(hired, month)", D(3)),  # R-SC-13: March 1, April 2, May 3
        ("month_index(hired, hired)", D(1)),
        ("add_months(add_days(first_day(month), -1), 1)", dt.date(2024, 5, 30)),  # 30 Apr + 1 month
        ("add_months(last_day(period('2024-01')), 1)", dt.date(2024, 2, 29)),  # 31 Jan + 1: clamped to 29 Feb
        ("period(hired)", Period(2024, 3)),
        ("period(period) - 1", Period(2024, 12)),  # the run's January 2025 steps back into 2024
        ("month + 8", Period(2025, 1)),
        ("8 + month", Period(2025, 1)),
        ("month - period(hired)", D(2)),
        ("period(hired) - month", D(-2)),
        ("first_day(month)", dt.date(2024, 5, 1)),
        ("last_day(period('2024-02'))", dt.date(2024, 2, 29)),
        ("month > period(hired)", True),
        ("month - 1 == period('2024-04')", True),
        ("date(start)", dt.date(2025, 3, 1)),
        ("date(day)", dt.date(2024, 2, 28)),
        ("hour(start)", D(9)),
        ("week(add_days(first_day(period('2024-12')), 29))", "2025-W01"),  # 30 Dec 2024 is in ISO week 1 of 2025
        ("weekday(date(start))", D(6)),  # 1 Mar 2025 was a Saturday
        ("end - start", D("58.5")),  # 09:15:02 → 09:16:00.5
        ("seconds_between(start, end)", D("58.5")),
        ("start < end", True),
        ("seconds(talk)", D(90)),
        ("minutes(talk)", D("1.5")),
        ("hours(talk)", D("0.025")),
        ("talk <= 120", True),
        ("days_between(start, day)", D(-367)),  # a moment counts as its day: 1 Mar 2025 back to 28 Feb 2024
        ("month(start)", "2025-03"),
        ("year(start)", D(2025)),
    ],
)
def test_time_functions(text: str, expected: Value) -> None:
    assert value(text) == expected


def test_working_days_from_the_calendar() -> None:
    assert value("working_days(period('2025-01'))") == 19  # the package's January 2025 (Spring Festival)
    assert value("is_working_day(date(start))") is False  # a Saturday
    env = {**ENV, "day": dt.date(2025, 1, 26)}  # a make-up working Sunday before the Spring Festival
    assert compile_expression("is_working_day(day)", SYMBOLS).evaluate(env) is True
    # 29 Sep – 12 Oct 2025: 29 and 30 Sep, then 9, 10 and 11 (make-up Saturday) Oct = 5;
    # counted like days_between: the start counts, the end (13 Oct) does not
    between = compile_expression("working_days_between(day, add_days(day, 14))", SYMBOLS)
    assert between.evaluate({**ENV, "day": dt.date(2025, 9, 29)}) == 5
    back = compile_expression("working_days_between(add_days(day, 14), day)", SYMBOLS)
    assert back.evaluate({**ENV, "day": dt.date(2025, 9, 29)}) == -5
    assert compile_expression("working_days_between(day, day)", SYMBOLS).evaluate(ENV) == 0


def test_a_year_the_calendar_does_not_cover_is_the_rows_error() -> None:
    expr = compile_expression("working_days(period(day))", SYMBOLS)
    with pytest.raises(ValueError, match="1990-01"):
        expr.evaluate({**ENV, "day": dt.date(1990, 1, 5)})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("month + 0.5", "not a whole number of months"),
        ("add_days(day, 1.5)", "not a whole number of days"),
        ("add_months(day, 0.5)", "not a whole number of months"),
        ("period('2024-13')", "'2024-13' is not a month"),
        ("period('May')", "is not a month"),
        ("month + 120000", "outside the years 1 to 9999"),
    ],
)
def test_values_a_time_function_cannot_take_reject_the_row(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        value(text)


def test_a_blank_in_a_time_function_is_a_blank_in_arithmetic() -> None:
    expr = compile_expression("days_between(hired, day)", {**SYMBOLS, "day": Symbol("day", Kind.DATE, nullable=True)})
    with pytest.raises(TypeError, match="blank"):
        expr.evaluate({**ENV, "day": None})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day + 1", "'+' does not apply to a date 'day'"),
        ("day - hired", "'-' does not apply to a date 'day'"),
        ("start + 60", "'+' does not apply to a date and time 'start'"),
        ("month * 2", "'*' needs numbers on both sides, but 'month' is a month (period)"),
        ("month + month", "'+' on months: period + n and period - n step by whole months"),
        ("month - day", "period - period counts them; but 'month' is a month (period) and 'day' is a date"),
        ("month < '2024-05'", "'<' needs the same kind on both sides, but 'month' is a month (period) and '2024-05' is text"),
        ("month < period", "is a month (period) and 'period' is text"),
        ("hour(day)", "argument 1 of hour() must be a date and time, but 'day' is a date"),
        ("add_months(start, 1)", "argument 1 of add_months() must be a date, but 'start' is a date and time"),
        ("working_days(day)", "argument 1 of working_days() must be a month (period), but 'day' is a date"),
        ("period(n)", "argument 1 of period() must be a date, a date and time, a month (period) or text"),
    ],
)
def test_time_type_errors_are_found_at_load(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, SYMBOLS)
    assert message in info.value.message


def test_date_hints_say_what_to_write() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("day - hired", SYMBOLS)
    assert info.value.expected is not None and "days_between(start, end)" in info.value.expected


# --- cells of the new column types ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ctype", "cell", "expected"),
    [
        (ColumnType.DATETIME, "2025-03-01 09:15:02", dt.datetime(2025, 3, 1, 9, 15, 2)),
        (ColumnType.DATETIME, "2025/3/1 9:15", dt.datetime(2025, 3, 1, 9, 15)),
        (ColumnType.DATETIME, "２０２５年３月１日 ９:１５", dt.datetime(2025, 3, 1, 9, 15)),
        (ColumnType.DURATION, "2:05", D(125)),  # two parts are m:ss
        (ColumnType.DURATION, "0:02:05.5", D("125.5")),
        (ColumnType.DURATION, "1分23秒", D(83)),
        (ColumnType.DURATION, "125", D(125)),
        (ColumnType.PERIOD, "2024-05", Period(2024, 5)),
        (ColumnType.PERIOD, "2024/5", Period(2024, 5)),
        (ColumnType.PERIOD, "2024年5月", Period(2024, 5)),
        (ColumnType.PERIOD, "２０２４－０５", Period(2024, 5)),
        (ColumnType.PERIOD, "2024-05-01", Period(2024, 5)),  # Excel's date for a typed 2024-05
        (ColumnType.PERIOD, " ", None),
    ],
)
def test_time_cells(ctype: ColumnType, cell: str, expected: Value) -> None:
    assert make_converter(ColumnSpec("c", ctype, required=False))(cell) == expected


@pytest.mark.parametrize(
    ("ctype", "cell", "message"),
    [
        (ColumnType.DATETIME, "1/3/2025 9:00", "day and month first is ambiguous"),
        (ColumnType.DATETIME, "2025-03-01", "it has no time of day"),
        (ColumnType.DATETIME, "2025-03-01 9:15 PM", "12-hour clock"),
        (ColumnType.DATETIME, "2025-03-01\x1b9:15", "control character"),
        (ColumnType.DURATION, "-5", "cannot be negative"),
        (ColumnType.DURATION, "2:75", "below 60"),
        (ColumnType.PERIOD, "2024-13", "there is no month 13"),
        (ColumnType.PERIOD, "2024-05-15", "is a day, not a month"),
        (ColumnType.PERIOD, "May 2024", "is not a month"),
        (ColumnType.PERIOD, "", "the cell is blank"),
    ],
)
def test_bad_time_cells(ctype: ColumnType, cell: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        make_converter(ColumnSpec("c", ctype))(cell)


def test_a_duration_column_checks_its_bounds_in_seconds() -> None:
    convert = make_converter(ColumnSpec("c", ColumnType.DURATION, minimum=D(0), maximum=D(3600)))
    assert convert("59:59") == 3599
    with pytest.raises(CellError, match="above the maximum 3600 seconds"):
        convert("1:00:01")


# --- end to end: a call log --------------------------------------------------------------------

CALLS = """
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
      answered: {type: datetime, aliases: [接听时间]}
      talk: {type: duration, aliases: [通话时长], min: 0}
      month: {type: period, aliases: [月份]}
outputs:
  calls:
    from: calls
    key: [agent]
    columns:
      agent: agent
      month: month
      day: date(offered)
      hour: hour(offered)
      wait: answered - offered
      talk: talk
      talk_minutes: {expr: minutes(talk), round: {places: 4}}
      quick: wait <= 20
      previous: month - 1
      answered: answered
  per_month:
    from: calls
    group_by: [month]
    columns:
      month: month
      calls: {agg: count}
      talk: {agg: sum, of: talk}
      longest_wait: {agg: max, of: wait}
"""
CALLS_CSV = (
    "坐席,来电时间,接听时间,通话时长,月份\n"
    "A1,2025-03-01 09:15:02,2025-03-01 09:15:12,2:05,2025-03\n"
    "A2,2025/3/31 23:59,2025/4/1 0:00:30,0:01:00.5,2025年3月\n"
)


def _calls(tmp_path: Path) -> tuple[Path, Path]:
    policy = tmp_path / "calls.yaml"
    policy.write_text(textwrap.dedent(CALLS), encoding="utf-8")
    data = tmp_path / "calls.csv"
    data.write_text(CALLS_CSV, encoding="utf-8")
    return policy, data


def test_a_call_log_end_to_end(tmp_path: Path, runner) -> None:
    policy, data = _calls(tmp_path)
    result = runner.invoke(cli, ["run", str(policy), str(data), "--only", "calls", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    # wait: 10 s; 23:59:00 → 00:00:30 next day = 90 s. Talk 2:05 = 125 s (2.0833 min); 60.5 s
    # (1.0083 min). The hour is a whole number (its type is integer, as days_between's is).
    assert result.stdout.splitlines() == [
        "agent,month,day,hour,wait,talk,talk_minutes,quick,previous,answered",
        "A1,2025-03,2025-03-01,9,10,125,2.0833,yes,2025-02,2025-03-01 09:15:12",
        "A2,2025-03,2025-03-31,23,90,60.5,1.0083,no,2025-02,2025-04-01 00:00:30",
    ]
    result = runner.invoke(cli, ["run", str(policy), str(data), "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["calls"][1]["answered"] == "2025-04-01T00:00:30"
    assert doc["calls"][1]["previous"] == "2025-02"
    assert doc["calls"][1]["wait"] == 90
    # one month: 2 calls, 125 + 60.5 = 185.5 s, longest wait 90 s
    assert doc["per_month"] == [{"month": "2025-03", "calls": 2, "talk": 185.5, "longest_wait": 90}]


def test_a_bad_moment_is_placed_at_its_cell(tmp_path: Path, runner) -> None:
    policy, data = _calls(tmp_path)
    data.write_text(CALLS_CSV.replace("2025/3/31 23:59", "31/3/2025 23:59"), encoding="utf-8")
    result = runner.invoke(cli, ["run", str(policy), str(data)])
    assert result.exit_code == 1
    assert f"{data}:3:来电时间: column 'offered': '31/3/2025 23:59' is not a date and time (day and month first" in result.stderr


def test_evaluate_gives_typed_values(tmp_path: Path) -> None:
    policy, _ = _calls(tmp_path)
    rows = [{"agent": "A", "offered": "2025-03-01 09:00", "answered": "2025-03-01 09:00:20", "talk": "45", "month": "2025-03"}]
    out = evaluate(load_policy(policy), {"calls": rows})["calls"][0]
    assert (out["wait"], out["previous"], out["quick"]) == (D(20), Period(2025, 2), True)


def test_a_moment_column_cannot_hold_a_bare_date(tmp_path: Path) -> None:
    policy, _ = _calls(tmp_path)
    rows = [{"agent": "A", "offered": "2025-03-01", "answered": "2025-03-01 09:00:20", "talk": "45", "month": "2025-03"}]
    with pytest.raises(DataError, match="it has no time of day"):
        evaluate(load_policy(policy), {"calls": rows})


def test_min_on_a_period_is_a_policy_error(tmp_path: Path) -> None:
    policy, _ = _calls(tmp_path)
    policy.write_text(
        textwrap.dedent(CALLS).replace("{type: period, aliases: [月份]}", "{type: period, min: 2024-01}"), encoding="utf-8"
    )
    with pytest.raises(PolicyError, match="'min' applies only to numbers, not to type period"):
        load_policy(policy)
