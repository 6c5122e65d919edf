"""Bad Excel inputs and outputs (issue 19): each refused with its place, nothing written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from excel_books import STATION_HEADER, Formula, Pct, edit_sheet_xml, stations_xlsx, xlsx_bytes

from .common import GOOD, Case


def _run(id: str, book: bytes, messages: list[str], *, arg: str = "stations.xlsx", lines: int | None = 1) -> Case:
    return Case(id, ["run", "materials-order", arg], 1, messages, files={"stations.xlsx": book}, lines=lines)


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buffer.getvalue()


_GOOD_BOOK = stations_xlsx()
_OFFENCES = ["工号", "姓名", "日期", "违规", "金额", "备注"]

CASES = [
    _run(
        "xlsx-unknown-sheet",
        xlsx_bytes({"四月": [STATION_HEADER], "五月": [STATION_HEADER]}),
        ["stations.xlsx: no sheet named '六月'", "expected one of the sheets '四月', '五月'"],
        arg="stations.xlsx#六月",
    ),
    _run(
        "xlsx-unknown-sheet-close-match",
        _GOOD_BOOK,
        ["no sheet named 'Sheet 1'; did you mean 'Sheet1'?"],
        arg="stations.xlsx#Sheet 1",
    ),
    _run(
        "xlsx-error-cell",
        stations_xlsx(["A站", "面单", 10000, Pct(0.15)], ["B站", "面单", Formula("=1/0", "#DIV/0!"), Pct(0.15)]),
        ["stations.xlsx#Sheet1:3:上月实际票数", "column 'parcels': the cell holds the Excel error #DIV/0!"],
    ),
    _run(
        "xlsx-error-cell-in-text-column",
        stations_xlsx(["A站", "面单", 10000, Pct(0.15)], [Formula("=NA()", "#N/A"), "面单", 1, Pct(0.15)]),
        ["stations.xlsx#Sheet1:3:站点", "the Excel error #N/A"],
    ),
    _run(
        "xlsx-uncalculated-formula",
        edit_sheet_xml(stations_xlsx(["A站", "面单", Formula("=2*5000", 10000), Pct(0.15)]), r"<v>10000</v>", ""),
        [
            "stations.xlsx#Sheet1:2:上月实际票数",
            "the formula in the cell has no calculated value",
            "open the file in Excel and save it",
        ],
    ),
    _run(
        "xlsx-text-in-number-column",
        stations_xlsx(["A站", "面单", 10000, Pct(0.15)], ["B站", "面单", "abc", Pct(0.15)]),
        ["stations.xlsx#Sheet1:3:上月实际票数", "'abc' is not a whole number"],
    ),
    _run(
        "xlsx-fraction-in-integer-column",
        stations_xlsx(["A站", "面单", 12.5, Pct(0.15)]),
        ["stations.xlsx#Sheet1:2:上月实际票数", "'12.5' is not a whole number"],
    ),
    _run(
        "xlsx-bare-15-in-percent-column",
        stations_xlsx(["A站", "面单", 100, 15]),
        ["stations.xlsx#Sheet1:2:增长率", "'15'", "expected 15% or the fraction 0.15"],
    ),
    _run(
        "xlsx-blank-required-cell",
        stations_xlsx(["A站", "面单", None, Pct(0.15)], ["B站", None, 5, Pct(0.15)]),
        ["stations.xlsx#Sheet1:2:上月实际票数", "stations.xlsx#Sheet1:3:物料", "the cell is blank"],
        lines=2,
    ),
    _run(
        "xlsx-date-in-number-column",
        stations_xlsx(["A站", "面单", dt.date(2024, 3, 15), Pct(0.15)]),
        ["stations.xlsx#Sheet1:2:上月实际票数", "'2024-03-15' is not a whole number"],
    ),
    _run(
        "xlsx-corrupt",
        _GOOD_BOOK[: len(_GOOD_BOOK) // 2],
        ["stations.xlsx: this looks like an Excel workbook but", "CSV UTF-8"],
    ),
    _run(
        "xlsx-zip-without-workbook",
        _zip({"[Content_Types].xml": "<Types/>"}),
        ["stations.xlsx: this looks like an Excel workbook but cannot be read"],
    ),
    _run(
        "xls-old-format",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
        ["stations.xlsx: this is an old Excel workbook (.xls, Excel 97-2003)", "Save As", "Excel Workbook (*.xlsx)"],
    ),
    _run(
        "ods",
        _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
        ["stations.xlsx: this is an OpenDocument spreadsheet (.ods)", "Excel Workbook (*.xlsx)"],
    ),
    _run(
        "xlsx-hidden-first-sheet",
        xlsx_bytes({"old": [STATION_HEADER], "五月": [STATION_HEADER]}, hidden=("old",)),
        ["stations.xlsx", "the first sheet 'old' is hidden", "stations.xlsx#SHEET", "'old', '五月'"],
    ),
    _run("xlsx-empty-sheet", xlsx_bytes({"Sheet1": []}), ["stations.xlsx#Sheet1: the sheet is empty"]),
    _run(
        "xlsx-header-not-in-row-1",
        xlsx_bytes({"Sheet1": [[], STATION_HEADER, ["A站", "面单", 1, Pct(0.1)]]}),
        ["stations.xlsx#Sheet1:1: the first row is empty"],
    ),
    _run(
        "xlsx-missing-column",
        xlsx_bytes({"Sheet1": [["站点", "物料", "增长率"], ["A站", "面单", Pct(0.1)]]}),
        ["stations.xlsx#Sheet1:1: missing required column 'parcels'"],
    ),
    Case(
        "sheet-of-a-csv",
        ["run", "materials-order", "stations.csv#Sheet1"],
        1,
        ["stations.csv: '#' names a sheet, but this is not an Excel workbook"],
        files={"stations.csv": GOOD},
        lines=1,
    ),
    Case(
        "xlsx-datetime-in-date-column",
        ["run", "penalties-office", "offences.xlsx"],
        1,
        ["offences.xlsx#Sheet1:2:日期", "'2024-02-01 09:30:00' is not a date"],
        files={"offences.xlsx": xlsx_bytes({"Sheet1": [_OFFENCES, ["M01", "周敏", dt.datetime(2024, 2, 1, 9, 30), "F1"]]})},
        lines=1,
    ),
    Case(
        "xlsx-output-with-format",
        ["run", "materials-order", "stations.csv", "-o", "out.xlsx", "--format", "csv"],
        2,
        ["-o out.xlsx: an .xlsx file cannot hold format csv"],
        files={"stations.csv": GOOD},
        lines=1,
    ),
]
