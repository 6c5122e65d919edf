"""A calendar remembers is_working_day per day (a leave run asks once per attendance row):
the remembered answer is the day's own, for dates and moments, asked in any order, and a
year the calendar does not cover still raises every time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.errors import DataError
from cspolicy.workdays import WorkdayCalendar

DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2025, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(DAYS, DAYS.map(lambda d: dt.datetime(d.year, d.month, d.day, 13, 5))), max_size=30))
def test_remembered_answers_are_the_days_own(days: list[dt.date]) -> None:
    remembering = WorkdayCalendar()
    for day in days + days:  # each asked twice: the second answer is remembered
        date = day.date() if isinstance(day, dt.datetime) else day
        assert remembering.is_working_day(day) is WorkdayCalendar().day(date).working


def test_known_answers() -> None:
    cal = WorkdayCalendar()
    # 2024-10-01 National Day (off), 2024-10-12 a Saturday made a working day, a Sunday, a Monday
    for day, working in [("2024-10-01", False), ("2024-10-12", True), ("2024-10-13", False), ("2024-10-14", True)]:
        assert cal.is_working_day(dt.date.fromisoformat(day)) is working
        assert cal.is_working_day(dt.date.fromisoformat(day)) is working


def test_an_uncovered_year_raises_each_time() -> None:
    cal = WorkdayCalendar(use_package=False)
    for _ in range(2):
        with pytest.raises(DataError):
            cal.is_working_day(dt.date(2024, 5, 6))
