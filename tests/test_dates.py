"""Date arithmetic, period stepping, timestamps and durations (cspolicy.dates, cspolicy.periods)."""

from __future__ import annotations

import datetime as dt
import doctest
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cspolicy.dates
import cspolicy.periods
from cspolicy.dates import (
    add_days,
    add_months,
    days_between,
    format_duration,
    hour_of_day,
    iso_week,
    iso_weekday,
    month_index,
    months_between,
    parse_datetime,
    parse_duration,
    seconds_between,
    whole_months_between,
    whole_years_between,
)
from cspolicy.errors import DataError
from cspolicy.periods import Period

d = dt.date
dates = st.dates(min_value=d(1900, 1, 1), max_value=d(2200, 12, 31))
steps = st.integers(min_value=-1200, max_value=1200)


@pytest.mark.parametrize("module", [cspolicy.dates, cspolicy.periods])
def test_doctests(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


# --- days and months ---------------------------------------------------------------------


def test_days_between_counts_the_start_not_the_end() -> None:
    assert days_between(d(2024, 3, 15), d(2024, 3, 15)) == 0
    assert days_between(d(2024, 2, 28), d(2024, 3, 1)) == 2  # 2024 is a leap year: 02-29 between
    assert days_between(d(2023, 2, 28), d(2023, 3, 1)) == 1
    assert days_between(d(2025, 1, 1), d(2024, 1, 1)) == -366
    assert days_between(dt.datetime(2025, 1, 1, 23, 59), d(2025, 1, 2)) == 1  # a datetime counts as its day


def test_months_between_counts_calendar_months() -> None:
    # the brief's example: March → May, the days do not matter
    assert months_between(d(2024, 3, 15), d(2024, 5, 1)) == 2
    assert months_between(d(2024, 3, 1), d(2024, 5, 31)) == 2
    assert months_between(d(2024, 12, 31), d(2025, 1, 1)) == 1
    assert months_between(d(2024, 5, 1), d(2024, 3, 15)) == -2


def test_whole_months_between_counts_completed_months() -> None:
    assert whole_months_between(d(2024, 3, 15), d(2024, 5, 1)) == 1  # 04-15 ≤ 05-01 < 05-15
    assert whole_months_between(d(2024, 3, 15), d(2024, 5, 14)) == 1
    assert whole_months_between(d(2024, 3, 15), d(2024, 5, 15)) == 2
    assert whole_months_between(d(2024, 1, 31), d(2024, 2, 28)) == 0
    assert whole_months_between(d(2024, 1, 31), d(2024, 2, 29)) == 1  # 01-31 + 1 month is clamped to 02-29
    assert whole_months_between(d(2024, 5, 1), d(2024, 3, 15)) == -1


def test_whole_years_between_is_years_of_service() -> None:
    assert whole_years_between(d(2015, 7, 1), d(2025, 6, 30)) == 9
    assert whole_years_between(d(2015, 7, 1), d(2025, 7, 1)) == 10
    assert whole_years_between(d(2024, 2, 29), d(2025, 2, 27)) == 0
    assert whole_years_between(d(2024, 2, 29), d(2025, 2, 28)) == 1  # the clamped anniversary
    assert whole_years_between(d(2025, 7, 1), d(2015, 7, 2)) == -9  # truncated toward zero


def test_month_index_counts_the_hire_month_as_month_1() -> None:
    # R-SC-13: hired 2024-03-15 → no pay float in March (1) and April (2), a float from May (3)
    hired = d(2024, 3, 15)
    assert [month_index(hired, Period(2024, m)) for m in (3, 4, 5, 6)] == [1, 2, 3, 4]
    assert month_index(hired, d(2024, 3, 31)) == 1
    assert month_index(hired, Period(2025, 1)) == 11  # March = 1 … December = 10, January = 11
    assert month_index(hired, Period(2024, 2)) == 0


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (d(2024, 1, 31), 1, d(2024, 2, 29)),  # clamped to the leap day
        (d(2023, 1, 31), 1, d(2023, 2, 28)),
        (d(2024, 2, 29), 12, d(2025, 2, 28)),
        (d(2024, 3, 31), -1, d(2024, 2, 29)),
        (d(2024, 10, 31), 2, d(2024, 12, 31)),
        (d(2024, 11, 30), 3, d(2025, 2, 28)),
        (d(2024, 1, 15), -13, d(2022, 12, 15)),
        (d(2024, 1, 15), 0, d(2024, 1, 15)),
    ],
)
def test_add_months_clamps_the_day(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_add_days() -> None:
    assert add_days(d(2024, 2, 28), 1) == d(2024, 2, 29)
    assert add_days(d(2025, 1, 1), -1) == d(2024, 12, 31)


@given(dates, steps)
def test_add_months_then_months_between_round_trips(start: dt.date, n: int) -> None:
    end = add_months(start, n)
    assert months_between(start, end) == n
    assert whole_months_between(start, end) == n
    assert month_index(start, end) == n + 1
    assert end.day <= start.day  # clamping only ever shortens the day


@given(dates, dates)
def test_counts_are_antisymmetric(a: dt.date, b: dt.date) -> None:
    assert days_between(a, b) == -days_between(b, a)
    assert months_between(a, b) == -months_between(b, a)
    assert whole_months_between(a, b) == -whole_months_between(b, a)
    assert add_days(a, days_between(a, b)) == b


@given(dates, dates)
def test_whole_months_never_exceed_calendar_months(a: dt.date, b: dt.date) -> None:
    whole = whole_months_between(a, b)
    assert abs(months_between(a, b)) - 1 <= abs(whole) <= abs(months_between(a, b))
    if a <= b:
        assert add_months(a, whole) <= b < add_months(a, whole + 1)


# --- periods -----------------------------------------------------------------------------


def test_period_steps_and_compares() -> None:
    assert Period(2025, 1) - 1 == Period(2024, 12)
    assert Period(2024, 12) + 1 == Period(2025, 1)
    assert Period(2025, 3) - 12 == Period(2024, 3)
    assert Period(2025, 3) - Period(2024, 12) == 3
    assert Period(2024, 12) - Period(2025, 3) == -3
    assert Period(2024, 12) < Period(2025, 1) < Period(2025, 2)
    assert max([Period(2025, 1), Period(2024, 12)]) == Period(2025, 1)


def test_period_refuses_other_operands() -> None:
    with pytest.raises(TypeError):
        Period(2025, 1) + True  # type: ignore[operator]
    with pytest.raises(TypeError):
        Period(2025, 1) - D(1)  # type: ignore[operator]
    with pytest.raises(OverflowError):
        Period(9999, 12) + 1


@given(st.integers(100, 9900), st.integers(1, 12), st.integers(-1000, 1000))
def test_period_stepping_round_trips(year: int, month: int, n: int) -> None:
    p = Period(year, month)
    q = p + n
    assert q - n == p
    assert q - p == n
    assert (q > p) == (n > 0)
    assert months_between(p.start, q.start) == n


# --- timestamps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-03-01 09:15:02", dt.datetime(2025, 3, 1, 9, 15, 2)),
        ("2025-03-01T09:15:02", dt.datetime(2025, 3, 1, 9, 15, 2)),
        ("2025-03-01 09:15", dt.datetime(2025, 3, 1, 9, 15)),
        ("2025/3/1 9:15", dt.datetime(2025, 3, 1, 9, 15)),
        ("2025/03/01 09:15:02", dt.datetime(2025, 3, 1, 9, 15, 2)),
        ("2025-03-01 09:15:02.123", dt.datetime(2025, 3, 1, 9, 15, 2, 123000)),
        ("2025-03-01 09:15:02,5", dt.datetime(2025, 3, 1, 9, 15, 2, 500000)),
        ("2025年3月1日 9:15", dt.datetime(2025, 3, 1, 9, 15)),
        ("２０２５-０３-０１　０９:１５", dt.datetime(2025, 3, 1, 9, 15)),  # full-width, ideographic space
        ("  2025-03-01  09:15  ", dt.datetime(2025, 3, 1, 9, 15)),
        ("2024-02-29 23:59:59", dt.datetime(2024, 2, 29, 23, 59, 59)),
    ],
)
def test_parse_datetime_accepts(text: str, expected: dt.datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text, why",
    [
        ("2025-03-01", "no time of day"),
        ("2025/3/1", "no time of day"),
        ("1/3/2025 9:15", "day and month first is ambiguous"),
        ("03-01-2025 09:15", "day and month first is ambiguous"),
        ("25/3/1 9:15", "two-digit year"),
        ("2025-03-01 9:15 PM", "12-hour clock"),
        ("2025-03-01 下午3:00", "12-hour clock"),
        ("45717.385", "spreadsheet serial number"),
        ("2025-02-29 09:00", "no such date or time"),
        ("2025-03-01 24:00", "no such date or time"),
        ("2025-03-01 09:60", "no such date or time"),
        ("2025-03-01 09:15:02.1234567", "more than 6 decimals"),
        ("2025-03-01T01:15:02Z", "without a local time zone"),
        ("2025-03-01 09:15+08:00", "without a local time zone"),
        ("2025-03/01 09:15", ""),
        ("2025/03/01T09:15", ""),
        ("", "blank"),
        ("soon", ""),
    ],
)
def test_parse_datetime_refuses(text: str, why: str) -> None:
    with pytest.raises(DataError) as info:
        parse_datetime(text)
    message = str(info.value)
    assert message.startswith(f"'{text.strip()}' is not a date and time")
    assert why in message
    assert "expected a date and time such as 2025-03-01 09:15:02" in message
    assert info.value.value == text


def test_parse_datetime_converts_an_offset_into_the_given_zone() -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    assert parse_datetime("2025-03-01T01:15:02Z", zone=beijing) == dt.datetime(2025, 3, 1, 9, 15, 2)
    assert parse_datetime("2025-02-28T20:00:00-05:00", zone=beijing) == dt.datetime(2025, 3, 1, 9, 0)  # 01:00 UTC
    assert parse_datetime("2025-03-01 09:15+0800", zone=beijing) == dt.datetime(2025, 3, 1, 9, 15)
    assert parse_datetime("2025-03-01 09:15", zone=beijing) == dt.datetime(2025, 3, 1, 9, 15)  # naive: already local
    with pytest.raises(DataError, match="offset \\+25:00 does not exist"):
        parse_datetime("2025-03-01 09:15+25:00", zone=beijing)


@given(st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_parse_datetime_reads_iso_text_back(moment: dt.datetime) -> None:
    assert parse_datetime(moment.isoformat(" ")) == moment
    assert parse_datetime(moment.isoformat("T")) == moment


def test_parts_of_a_moment() -> None:
    moment = dt.datetime(2025, 3, 1, 9, 59, 59)
    assert hour_of_day(moment) == 9
    assert iso_weekday(moment) == 6  # 2025-03-01 is a Saturday
    assert iso_week(moment) == "2025-W09"  # week 1 starts Monday 2024-12-30; 03-01 is 2 + 59 = 61 days later → 61 // 7 + 1 = 9
    assert iso_week(d(2024, 12, 30)) == "2025-W01"
    assert iso_week(d(2021, 1, 3)) == "2020-W53"


def test_seconds_between_is_exact() -> None:
    a = dt.datetime(2025, 3, 1, 9, 15, 2)
    assert seconds_between(a, dt.datetime(2025, 3, 1, 9, 16, 0, 500000)) == D("58.5")
    assert seconds_between(a, dt.datetime(2025, 3, 2, 9, 15, 2)) == 86400
    assert seconds_between(dt.datetime(2025, 3, 1, 9, 16, 0, 500000), a) == D("-58.5")
    assert seconds_between(a, a.replace(microsecond=1)) == D("0.000001")
    assert str(seconds_between(a, dt.datetime(2025, 3, 1, 9, 16, 2))) == "60"


# --- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("125", D(125)),
        ("125.5", D("125.5")),
        ("0", D(0)),
        ("2:05", D(125)),  # m:ss
        ("75:30", D(75 * 60 + 30)),
        ("0:02:05", D(125)),  # h:mm:ss
        ("1:02:05", D(3600 + 2 * 60 + 5)),
        ("00:02:05.25", D("125.25")),
        ("26:00:00", D(26 * 3600)),
        ("1小时2分5秒", D(3725)),
        ("2分5秒", D(125)),
        ("45秒", D(45)),
        ("3分钟", D(180)),
        ("1.5秒", D("1.5")),
        ("１２５", D(125)),
    ],
)
def test_parse_duration_accepts(text: str, seconds: D) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text, why",
    [
        ("-5", "cannot be negative"),
        ("", "blank"),
        ("2:5", ""),
        ("2:65", "below 60"),
        ("1:75:00", "below 60"),
        ("1:2:05", "two digits"),
        ("1e3", ""),
        ("2 min", ""),
        ("2分5", ""),
        ("1,250", ""),
    ],
)
def test_parse_duration_refuses(text: str, why: str) -> None:
    with pytest.raises(DataError) as info:
        parse_duration(text)
    assert str(info.value).startswith(f"'{text}' is not a duration")
    assert why in str(info.value)
    assert "expected a duration such as 125" in str(info.value)


def test_format_duration() -> None:
    assert format_duration(D("3725.5")) == "1:02:05.5"
    assert format_duration(0) == "0:00:00"
    assert format_duration(D(90000)) == "25:00:00"
    assert format_duration(D("-61")) == "-0:01:01"


@given(st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False, allow_infinity=False))
def test_durations_read_back_what_is_written(seconds: D) -> None:
    assert parse_duration(format_duration(seconds)) == seconds
    assert parse_duration(str(seconds)) == seconds
