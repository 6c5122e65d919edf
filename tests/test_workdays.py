"""The working-day calendar (cspolicy.workdays): checked figures, override files, coverage
failures, and the lazy import of chinesecalendar."""

from __future__ import annotations

import datetime as dt
import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cspolicy.workdays
import cspolicy.workdays.days
import cspolicy.workdays.overrides
from cspolicy.errors import DataError, EnvironmentFailure, PolicyError
from cspolicy.periods import Period
from cspolicy.workdays import (
    CalendarNotCovered,
    DayKind,
    WorkdayCalendar,
    default_calendar,
    holiday_name,
    is_working_day,
    load_override,
    parse_override,
    working_days_in,
    working_days_inclusive,
)

REPO = Path(__file__).resolve().parent.parent
DOCS = (REPO / "docs" / "calendar.md").read_text(encoding="utf-8")
d = dt.date


def all_days(year: int) -> list[dt.date]:
    return [d(year, 1, 1) + dt.timedelta(days=i) for i in range((d(year + 1, 1, 1) - d(year, 1, 1)).days)]


@pytest.mark.parametrize("module", [cspolicy.workdays, cspolicy.workdays.days, cspolicy.workdays.overrides])
def test_doctests(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


# --- checked figures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "month, expected",
    [
        # 23 weekdays − 5 weekday days off (01-01, 01-28..31) + make-up Sunday 01-26
        ("2025-01", 23 - 5 + 1),
        # 23 weekdays − 6 (10-01..03, 10-06..08) + make-up Saturday 10-11 (09-28 is September's)
        ("2025-10", 23 - 6 + 1),
        # 20 weekdays − 6 (02-16..20, 02-23) + make-up Saturdays 02-14 and 02-28
        ("2026-02", 20 - 6 + 2),
        # 22 weekdays − 5 (10-01, 10-02, 10-05..07) + make-up Saturday 10-10
        ("2026-10", 22 - 5 + 1),
    ],
)
def test_working_days_in_checked_months(month: str, expected: int) -> None:
    assert working_days_in(Period.parse(month)) == expected
    assert expected in (16, 18, 19)  # the figures checked by hand in the research notes


@pytest.mark.parametrize("year, weekday_days_off, makeup", [(2025, 18, 5), (2026, 19, 6)])
def test_years_have_248_working_days(year: int, weekday_days_off: int, makeup: int) -> None:
    # both years have 261 weekdays (52 weeks + one Wednesday / Thursday)
    assert 261 - weekday_days_off + makeup == 248
    assert sum(working_days_in(Period(year, m)) for m in range(1, 13)) == 248
    assert working_days_inclusive(d(year, 1, 1), d(year, 12, 31)) == 248
    cal = default_calendar()
    assert sum(1 for day in all_days(year) if day.weekday() < 5 and cal.day(day).kind is DayKind.HOLIDAY) == weekday_days_off


@pytest.mark.parametrize(
    "year, dates",
    [
        (2025, ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]),
        (2026, ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]),
    ],
)
def test_makeup_working_days(year: int, dates: list[str]) -> None:
    cal = default_calendar()
    found = [str(day) for day in all_days(year) if cal.day(day).kind is DayKind.MAKEUP_WORKDAY]
    assert found == dates
    assert all(d.fromisoformat(x).weekday() >= 5 and is_working_day(d.fromisoformat(x)) for x in dates)


def test_days_and_their_holidays() -> None:
    cal = default_calendar()
    spring = cal.day(d(2025, 1, 29))
    assert (spring.kind, spring.holiday, spring.holiday_en, spring.working) == (DayKind.HOLIDAY, "春节", "Spring Festival", False)
    assert spring.source.startswith("chinesecalendar ")
    assert holiday_name(d(2025, 10, 6)) == "中秋"
    assert holiday_name(d(2025, 2, 1)) == "春节"  # a Saturday inside the break
    makeup = cal.day(d(2025, 1, 26))
    assert (makeup.kind, makeup.holiday, makeup.working) == (DayKind.MAKEUP_WORKDAY, "春节", True)
    assert cal.day(d(2025, 3, 3)).kind is DayKind.WORKDAY and holiday_name(d(2025, 3, 3)) is None
    assert cal.day(d(2025, 3, 1)).kind is DayKind.WEEKEND and not is_working_day(d(2025, 3, 1))
    assert cal.day(dt.datetime(2025, 1, 26, 9, 30)).kind is DayKind.MAKEUP_WORKDAY  # a timestamp counts as its day


def test_working_days_inclusive_counts_both_ends() -> None:
    # 09-29 Mon, 09-30 Tue; 10-01..08 off; 10-09 Thu, 10-10 Fri, 10-11 Sat (make-up); 10-12 Sun
    assert working_days_inclusive(d(2025, 9, 29), d(2025, 10, 12)) == 5
    assert working_days_inclusive(d(2025, 3, 3), d(2025, 3, 3)) == 1
    assert working_days_inclusive(d(2025, 10, 1), d(2025, 10, 1)) == 0
    # across a year end: 12-31 Wed; 01-01..03 off; 01-04 Sun make-up; 01-05 Mon
    assert working_days_inclusive(d(2025, 12, 31), d(2026, 1, 5)) == 3
    with pytest.raises(DataError, match="ends before it starts"):
        working_days_inclusive(d(2025, 3, 4), d(2025, 3, 3))


covered = st.dates(min_value=d(2004, 1, 1), max_value=d(2026, 12, 31))


@given(covered)
def test_agrees_with_the_package_day_by_day(day: dt.date) -> None:
    import chinese_calendar

    assert is_working_day(day) == chinese_calendar.is_workday(day)
    assert (default_calendar().day(day).kind is DayKind.MAKEUP_WORKDAY) == (day in chinese_calendar.workdays)


@given(covered, covered, covered)
def test_ranges_add_up(a: dt.date, b: dt.date, c: dt.date) -> None:
    a, b, c = sorted((a, b, c))
    if b < c:
        whole = working_days_inclusive(a, c)
        assert whole == working_days_inclusive(a, b) + working_days_inclusive(b + dt.timedelta(days=1), c)
        assert 0 <= whole <= (c - a).days + 1


# --- years nobody covers -----------------------------------------------------------------


@pytest.mark.parametrize("day", [d(2027, 3, 1), d(2003, 12, 31)])
def test_an_uncovered_month_is_refused_not_guessed(day: dt.date) -> None:
    month = Period.of(day)
    with pytest.raises(CalendarNotCovered) as info:
        is_working_day(day)
    error = info.value
    assert isinstance(error, DataError) and error.exit_code == 1
    assert (error.period, error.year) == (month, day.year)
    message = str(error)
    assert message.startswith(f"no working-day calendar for {month}: the chinesecalendar package (")
    assert "covers 2004 to 2026" in message
    assert f"expected {day.year}'s holidays and make-up working days in a calendar file (see docs/calendar.md)" in message
    assert "pip install -U chinesecalendar" in message
    with pytest.raises(CalendarNotCovered, match=f"for {month}"):
        working_days_in(month)
    assert not default_calendar().covers(day.year)


def test_a_range_names_the_first_uncovered_month() -> None:
    with pytest.raises(CalendarNotCovered, match="for 2027-01"):
        working_days_inclusive(d(2026, 12, 1), d(2027, 2, 1))


# --- override files ----------------------------------------------------------------------

FICTITIOUS_2027 = """\
years: [2027]
source: fictitious, for tests
holidays:
  - {date: 2027-01-01, name: New Year's Day}
  - {from: 2027-02-08, to: 2027-02-12, name: 春节}
  - {date: 2027-10-01, name: 国庆}
workdays:
  - {date: 2027-02-20, name: 春节}
"""


@pytest.fixture
def calendar_2027(tmp_path: Path) -> Path:
    path = tmp_path / "calendar-2027.yaml"
    path.write_text(FICTITIOUS_2027, encoding="utf-8")
    return path


def test_an_override_file_covers_a_new_year(calendar_2027: Path) -> None:
    cal = WorkdayCalendar.from_files(str(calendar_2027))
    # February 2027 starts on a Monday: 20 weekdays − 5 (02-08..12) + make-up Saturday 02-20
    assert cal.working_days_in(Period(2027, 2)) == 20 - 5 + 1
    # January 2027: 21 weekdays (Friday the 1st + four full weeks) − New Year's Day
    assert cal.working_days_in(Period(2027, 1)) == 21 - 1
    makeup = cal.day(d(2027, 2, 20))
    assert (makeup.kind, makeup.holiday, makeup.source) == (DayKind.MAKEUP_WORKDAY, "春节", str(calendar_2027))
    assert cal.holiday_name(d(2027, 1, 1)) == "元旦"  # an English name is stored in Chinese
    assert cal.day(d(2027, 10, 1)).holiday_en == "National Day"
    assert cal.working_days_in(Period(2026, 10)) == 18  # other years still come from the package
    assert cal.source_of(2027) == str(calendar_2027) and cal.source_of(2026).startswith("chinesecalendar ")
    assert cal.covers(2027) and not cal.covers(2028)
    with pytest.raises(CalendarNotCovered, match=r"for 2028-01: .*calendar-2027\.yaml covers 2027"):
        cal.working_days_in(Period(2028, 1))


def test_an_override_replaces_the_whole_year_of_the_package() -> None:
    only_new_year = parse_override("years: [2026]\nholidays:\n  - {date: 2026-01-01, name: 元旦}\n", "fix-2026.yaml")
    cal = WorkdayCalendar([only_new_year])
    assert cal.working_days_in(Period(2026, 2)) == 20  # no Spring Festival, no make-up days: plain weekdays
    assert cal.source_of(2026) == "fix-2026.yaml"


def test_without_the_package_only_the_files_count(calendar_2027: Path) -> None:
    cal = WorkdayCalendar.from_files(str(calendar_2027), use_package=False)
    assert cal.working_days_in(Period(2027, 2)) == 16
    with pytest.raises(CalendarNotCovered) as info:
        cal.working_days_in(Period(2026, 1))
    assert "chinesecalendar" not in str(info.value)
    assert "calendar-2027.yaml covers 2027" in str(info.value)
    assert "no calendar source is configured" in str(
        pytest.raises(CalendarNotCovered, WorkdayCalendar(use_package=False).day, d(2026, 1, 1)).value
    )


def test_two_files_may_not_define_one_year(calendar_2027: Path, tmp_path: Path) -> None:
    other = tmp_path / "more.yaml"
    other.write_text(
        "years: [2028, 2027]\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n  - {date: 2028-01-01, name: 元旦}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as info:
        WorkdayCalendar.from_files(str(calendar_2027), str(other))
    assert str(info.value).startswith(f"{other}:1: 2027 is defined by two calendar files (also {calendar_2027}:1)")


def test_the_documented_example_is_2026_as_the_package_has_it() -> None:
    (block,) = re.findall(r"```yaml\n(.*?)```", DOCS, re.S)
    cal = WorkdayCalendar([parse_override(block, "docs-example.yaml")], use_package=False)
    package = default_calendar()
    for day in all_days(2026):
        assert (cal.day(day).kind, cal.day(day).holiday) == (package.day(day).kind, package.day(day).holiday), day


BROKEN = [
    # (id, text, the marker on the line the error must name (None: no line), message)
    ("unknown-key", FICTITIOUS_2027 + "holiday: []\n", "holiday: []", "unknown key 'holiday'; expected one of years, source"),
    ("no-years", FICTITIOUS_2027.replace("years: [2027]\n", ""), None, "the file does not say which years it defines"),
    ("bad-year", FICTITIOUS_2027.replace("[2027]", "[27]"), "years:", "'27' is not a year"),
    ("year-twice", FICTITIOUS_2027.replace("[2027]", "[2027, 2027]"), "years:", "2027 is listed twice"),
    (
        "no-holidays-for-a-year",
        FICTITIOUS_2027.replace("[2027]", "[2027, 2028]"),
        "years:",
        "2028 is declared but has no holidays",
    ),
    (
        "no-such-day",
        FICTITIOUS_2027.replace("2027-02-12", "2027-02-30"),
        "2027-02-30",
        "2027-02-30 does not exist; expected a date written YYYY-MM-DD",
    ),
    ("slashes", FICTITIOUS_2027.replace("2027-10-01", "2027/10/01"), "2027/10/01", "'2027/10/01' is not a date"),
    (
        "outside-the-years",
        FICTITIOUS_2027.replace("2027-01-01", "2026-12-31"),
        "2026-12-31",
        "2026-12-31 is in 2026, which this file does not define (years: 2027); expected add 2026 to years",
    ),
    ("twice", FICTITIOUS_2027.replace("2027-10-01", "2027-02-10"), "name: 国庆", "2027-02-10 is listed twice (first at line 5)"),
    (
        "holiday-and-workday",
        FICTITIOUS_2027.replace("2027-02-20", "2027-01-01"),
        "{date: 2027-01-01, name: 春节}",
        "is a Friday, a working day anyway",
    ),
    (
        "makeup-on-a-weekday",
        FICTITIOUS_2027.replace("2027-02-20", "2027-02-17"),
        "2027-02-17",
        "2027-02-17 is a Wednesday, a working day anyway; expected make-up working days (调休上班) on a Saturday or a Sunday",
    ),
    (
        "makeup-twice",
        FICTITIOUS_2027 + "  - {date: 2027-02-20}\n",
        "  - {date: 2027-02-20}",
        "2027-02-20 is listed twice (first at line 8)",
    ),
    (
        "backwards",
        FICTITIOUS_2027.replace("to: 2027-02-12", "to: 2027-02-01"),
        "2027-02-01",
        "the range ends (2027-02-01) before it starts (2027-02-08)",
    ),
    (
        "too-long",
        FICTITIOUS_2027.replace("to: 2027-02-12", "to: 2027-12-12"),
        "2027-12-12",
        "2027-02-08 to 2027-12-12 is 308 days, longer than any holiday break",
    ),
    ("no-name", FICTITIOUS_2027.replace(", name: 国庆", ""), "{date: 2027-10-01}", "a holiday has no name"),
    (
        "date-and-range",
        FICTITIOUS_2027.replace("{from: 2027-02-08", "{date: 2027-02-07, from: 2027-02-08"),
        "2027-02-07",
        "an entry gives both date and from/to",
    ),
    (
        "half-a-range",
        FICTITIOUS_2027.replace(", to: 2027-02-12", ""),
        "from: 2027-02-08",
        "an entry needs date, or both from and to",
    ),
    (
        "range-of-makeup-days",
        FICTITIOUS_2027.replace("{date: 2027-02-20,", "{from: 2027-02-20, to: 2027-02-21,"),
        "2027-02-20",
        "unknown key 'from'; expected one of date, name",
    ),
    ("misspelt-entry-key", FICTITIOUS_2027.replace("name: 国庆", "nmae: 国庆"), "nmae", "unknown key 'nmae'"),
    ("holidays-not-a-list", "years: [2027]\nholidays: 2027-01-01\n", "holidays:", "holidays is not a list of dates"),
    ("not-a-mapping", "- 2027-01-01\n", None, "a calendar file is a mapping"),
    ("duplicate-key", FICTITIOUS_2027 + "years: [2028]\n", "years: [2028]", "duplicate key 'years' (first at line 1)"),
    ("yaml-syntax", FICTITIOUS_2027.replace("name: 春节}", "name: 春节", 1), None, "YAML syntax"),
    ("empty", "# nothing yet\n", None, "the calendar file is empty"),
]


@pytest.mark.parametrize("case", BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_calendar_file_names_the_line(case: tuple[str, str, str | None, str], tmp_path: Path) -> None:
    _, text, marker, message = case
    path = tmp_path / "cal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_override(path)
    error = str(info.value)
    assert info.value.exit_code == 2
    if marker is None:
        assert error.startswith(f"{path}:")
    else:
        (line,) = [n for n, text_line in enumerate(text.splitlines(), 1) if marker in text_line][-1:]
        assert error.startswith(f"{path}:{line}: "), error
    assert message in error


def test_a_calendar_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cal.yaml"
    path.write_bytes(FICTITIOUS_2027.encode("gb18030"))
    with pytest.raises(PolicyError, match="not valid UTF-8 at byte"):
        load_override(path)
    with pytest.raises(PolicyError, match="cannot read the calendar file"):
        load_override(tmp_path / "missing.yaml")


def test_documented_error_lines_are_real() -> None:
    documented = [line for line in DOCS.splitlines() if line.startswith("calendar-2027.yaml:")]
    base = "years: [2027]\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n  - {date: 2027-01-02, name: 元旦}\n"
    texts = [
        base + "workdays:\n  - {date: 2027-02-10}\n",
        base + "  - {date: 2027-02-30, name: 春节}\n",
        base + "  - {from: 2027-02-08, to: 2027-02-12, name: 春节}\n  - {date: 2027-02-12, name: 春节}\n",
        base + "  - {date: 2026-12-31, name: 元旦}\n",
    ]
    for expected, text in zip(documented, texts, strict=True):
        with pytest.raises(PolicyError) as info:
            parse_override(text, "calendar-2027.yaml")
        assert str(info.value) == expected


# --- the package is imported only when needed -------------------------------------------


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return done.stdout.strip()


def test_importing_cspolicy_does_not_import_the_package() -> None:
    code = "import sys, cspolicy, cspolicy.workdays, cspolicy.dates, cspolicy.blocks.erlang; print('chinese_calendar' in sys.modules)"
    assert run_python(code) == "False"


def test_a_year_from_a_file_does_not_import_the_package() -> None:
    code = (
        "import sys; from cspolicy.workdays import WorkdayCalendar, parse_override; from cspolicy.periods import Period\n"
        f"cal = WorkdayCalendar([parse_override({FICTITIOUS_2027!r}, 'f.yaml')])\n"
        "print(cal.working_days_in(Period(2027, 2)), 'chinese_calendar' in sys.modules)\n"
        "print(cal.working_days_in(Period(2026, 2)), 'chinese_calendar' in sys.modules)"
    )
    assert run_python(code).splitlines() == ["16 False", "16 True"]


def test_a_missing_package_is_an_environment_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "chinese_calendar", None)  # makes the import fail
    cspolicy.workdays.days._package_data.cache_clear()
    try:
        with pytest.raises(EnvironmentFailure, match="needs the chinesecalendar package: pip install chinesecalendar"):
            WorkdayCalendar().working_days_in(Period(2025, 1))
    finally:
        cspolicy.workdays.days._package_data.cache_clear()
