"""Calendar override files: the holidays and make-up working days of years that the
``chinesecalendar`` package does not hold yet (or holds wrongly).

The State Council publishes next year's schedule around November; until a new release of
the package carries it, a user types it into a small YAML file (docs/calendar.md)::

    years: [2027]
    source: 国务院办公厅关于2027年部分节假日安排的通知
    holidays:
      - {date: 2027-01-01, name: 元旦}
      - {from: 2027-02-06, to: 2027-02-12, name: 春节}
    workdays:                       # make-up working days (调休上班), always a Saturday or Sunday
      - {date: 2027-02-20, name: 春节}

A file defines each year in ``years`` **completely**: for those years the package is not
consulted at all, so the file is also the way to correct a year. Every mistake found is a
:class:`~cspolicy.errors.PolicyError` at ``file:line`` (a calendar file is configuration,
like a policy: exit code 2).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cspolicy.errors import PolicyError

if TYPE_CHECKING:
    from cspolicy.schema.yamlsource import Document

Path = tuple[str | int, ...]

__all__ = ["CalendarOverride", "load_override", "parse_override", "holiday_names", "MAX_BREAK_DAYS"]

#: A holiday range longer than this is refused as a probable typo (the longest break since
#: the 2000s is 9 days); a longer closure can be written as several entries.
MAX_BREAK_DAYS = 14
_MAX_BYTES = 1024 * 1024

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOP = ("years", "source", "holidays", "workdays")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_EXPECTED = "a date written YYYY-MM-DD, such as 2027-01-01"

#: The statutory holidays in both languages (Chinese as the chinesecalendar package writes
#: them), so an override's ``name: 春节`` or ``name: Spring Festival`` reads like the package.
_KNOWN = [
    ("元旦", "New Year's Day", ()),
    ("春节", "Spring Festival", ()),
    ("清明", "Tomb-sweeping Day", ("清明节",)),
    ("劳动节", "Labour Day", ("五一", "五一劳动节")),
    ("端午", "Dragon Boat Festival", ("端午节",)),
    ("中秋", "Mid-autumn Festival", ("中秋节",)),
    ("国庆节", "National Day", ("国庆",)),
]
_NAMES: dict[str, tuple[str, str]] = {}
for _zh, _en, _aliases in _KNOWN:
    for _spelling in (_zh, _en, *_aliases):
        _NAMES[_spelling.casefold()] = (_zh, _en)


def holiday_names(name: str) -> tuple[str, str]:
    """(Chinese, English) for a holiday name; a name not among the statutory holidays is
    kept as written in both.

    >>> holiday_names("Spring Festival"), holiday_names("中秋节"), holiday_names("公司周年")
    (('春节', 'Spring Festival'), ('中秋', 'Mid-autumn Festival'), ('公司周年', '公司周年'))
    """
    return _NAMES.get(name.strip().casefold(), (name.strip(), name.strip()))


@dataclass
class CalendarOverride:
    """The years one override file defines, and their special days (Chinese names)."""

    file: str
    years: frozenset[int]
    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)
    source: str | None = None
    #: Where each year is declared, for messages (``file:line``).
    declared_at: dict[int, int] = field(default_factory=dict)


def load_override(path: str | os.PathLike[str]) -> CalendarOverride:
    """Read and check one override file (UTF-8, at most 1 MiB)."""
    name = os.fspath(path)
    try:
        if os.path.getsize(path) > _MAX_BYTES:
            raise PolicyError("the calendar file is larger than 1 MiB", file=name, expected="one year's holidays, a few lines")
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise PolicyError(f"cannot read the calendar file: {exc.strerror or exc}", file=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"not valid UTF-8 at byte {exc.start}", file=name, expected="a calendar file saved as UTF-8") from None
    return parse_override(text, name)


def parse_override(text: str, name: str) -> CalendarOverride:
    """Check override text; ``name`` is the file name used in messages."""
    from cspolicy.schema.yamlsource import parse_yaml  # the strict, line-aware loader

    if not text.strip() or all(line.lstrip().startswith("#") for line in text.splitlines() if line.strip()):
        raise PolicyError("the calendar file is empty", file=name, expected="years, holidays and workdays (docs/calendar.md)")
    doc = parse_yaml(text, name)
    data = doc.data
    fail = doc.error
    if not isinstance(data, dict):
        raise fail((), "a calendar file is a mapping", "keys years, source, holidays and workdays (docs/calendar.md)")
    for key in data:
        if key not in _TOP:
            raise fail((key,), f"unknown key '{key}'", "one of " + ", ".join(_TOP))
    if "years" not in data:
        raise fail((), "the file does not say which years it defines", "years: [2027]")
    years = _years(data["years"], doc)
    source = data.get("source")
    if source is not None and not isinstance(source, str):
        raise fail(("source",), "source is not text", "the notice the dates come from")
    override = CalendarOverride(file=name, years=frozenset(years), source=source, declared_at=years)
    seen: dict[dt.date, int] = {}

    def place(day: dt.date, path: Path) -> None:
        if day.year not in override.years:
            listed = ", ".join(map(str, sorted(override.years)))
            message = f"{day} is in {day.year}, which this file does not define (years: {listed})"
            raise fail(path, message, f"add {day.year} to years")
        if day in seen:
            raise fail(path, f"{day} is listed twice (first at line {seen[day]})", "each date once, as a holiday or a workday")
        seen[day] = doc.line_of(path) or 0

    for i, entry in enumerate(_list(data.get("holidays"), "holidays", doc, required=True)):
        path: Path = ("holidays", i)
        first, last, label = _entry(entry, path, doc, ranges=True)
        for offset in range((last - first).days + 1):
            day = first + dt.timedelta(days=offset)
            place(day, path)
            override.holidays[day] = label
    for i, entry in enumerate(_list(data.get("workdays"), "workdays", doc, required=False)):
        path = ("workdays", i)
        day, _, label = _entry(entry, path, doc, ranges=False)
        if day.weekday() < 5:
            raise fail(
                path,
                f"{day} is a {_WEEKDAYS[day.weekday()]}, a working day anyway",
                "make-up working days (调休上班) on a Saturday or a Sunday",
            )
        place(day, path)
        override.workdays[day] = label
    for year, line in sorted(years.items()):
        if not any(day.year == year for day in override.holidays):
            expected = "its holidays under holidays"
            raise PolicyError(f"{year} is declared but has no holidays", file=name, line=line, expected=expected)
    return override


def _years(value: Any, doc: Document) -> dict[int, int]:
    """The declared years, each with the line it is declared on."""
    items = value if isinstance(value, list) else [value]
    years: dict[int, int] = {}
    for i, item in enumerate(items):
        path: Path = ("years", i) if isinstance(value, list) else ("years",)
        if not isinstance(item, str) or not re.fullmatch(r"\d{4}", item.strip()):
            raise doc.error(path, f"{item!r} is not a year", "years written like [2027] or [2027, 2028]")
        year = int(item)
        if year in years:
            raise doc.error(path, f"{year} is listed twice", "each year once")
        years[year] = doc.line_of(path) or 0
    if not years:
        raise doc.error(("years",), "years is empty", "years: [2027]")
    return years


def _list(value: Any, key: str, doc: Document, *, required: bool) -> list[Any]:
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise doc.error((key,), f"{key} is not a list of dates", "a list of entries such as - {date: 2027-01-01, name: 元旦}")
    return value


def _entry(entry: Any, path: Path, doc: Document, *, ranges: bool) -> tuple[dt.date, dt.date, str]:
    fail = doc.error
    allowed = ("date", "from", "to", "name") if ranges else ("date", "name")
    form = "{date: 2027-02-20, name: 春节}"
    if ranges:
        form = "{date: 2027-01-01, name: 元旦} or {from: 2027-02-06, to: 2027-02-12, name: 春节}"
    if not isinstance(entry, dict):
        raise fail(path, "an entry is not a mapping", form)
    for key in entry:
        if key not in allowed:
            raise fail((*path, key), f"unknown key '{key}'", "one of " + ", ".join(allowed))
    name = entry.get("name")
    if ranges and (not isinstance(name, str) or not name.strip()):
        raise fail(path, "a holiday has no name", "name: 春节 (or another holiday name)")
    if name is not None and not isinstance(name, str):
        raise fail((*path, "name"), "name is not text", "name: 春节")
    label = holiday_names(name)[0] if name else ""
    if "date" in entry:
        if "from" in entry or "to" in entry:
            raise fail(path, "an entry gives both date and from/to", form)
        day = _date(entry["date"], (*path, "date"), doc)
        return day, day, label
    if not ranges or "from" not in entry or "to" not in entry:
        raise fail(path, "an entry has no date" if not ranges else "an entry needs date, or both from and to", form)
    first, last = _date(entry["from"], (*path, "from"), doc), _date(entry["to"], (*path, "to"), doc)
    if last < first:
        raise fail((*path, "to"), f"the range ends ({last}) before it starts ({first})", "to on or after from")
    if (last - first).days + 1 > MAX_BREAK_DAYS:
        raise fail(
            (*path, "to"),
            f"{first} to {last} is {(last - first).days + 1} days, longer than any holiday break",
            f"at most {MAX_BREAK_DAYS} days per entry (check the month; write a longer closure as several entries)",
        )
    return first, last, label


def _date(value: Any, path: Path, doc: Document) -> dt.date:
    if not isinstance(value, str) or not _ISO.fullmatch(value.strip()):
        raise doc.error(path, f"{value!r} is not a date", _DATE_EXPECTED)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise doc.error(path, f"{value} does not exist", _DATE_EXPECTED) from None
