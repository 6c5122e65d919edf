"""Build small .xlsx workbooks for tests, with xlsxwriter, cell by cell and typed.

A sheet is a list of rows; a cell is ``None`` (left empty), a ``str`` (a text cell), an
``int``/``float`` (a number), a ``bool``, a ``datetime.date``/``datetime`` (a date cell in
``yyyy-mm-dd``), a :class:`Pct` (a number in percent format, as Excel stores ``15%``) or a
:class:`Formula` (a formula with the value Excel cached for it).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

import xlsxwriter


@dataclass(frozen=True)
class Pct:
    fraction: float


@dataclass(frozen=True)
class Formula:
    formula: str
    value: str | float


def xlsx_bytes(sheets: dict[str, list[list[object]]], *, hidden: tuple[str, ...] = ()) -> bytes:
    """An .xlsx holding ``sheets`` (name → rows), in order; ``hidden`` sheets are hidden."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    time_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    percent = book.add_format({"num_format": "0%"})
    made = {name: book.add_worksheet(name) for name in sheets}
    visible = [name for name in sheets if name not in hidden]
    if visible:
        made[visible[0]].activate()
    for name, rows in sheets.items():
        sheet = made[name]
        if name in hidden:
            sheet.hide()
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, Pct):
                    sheet.write_number(r, c, cell.fraction, percent)
                elif isinstance(cell, Formula):
                    sheet.write_formula(r, c, cell.formula, None, cell.value)
                elif isinstance(cell, bool):
                    sheet.write_boolean(r, c, cell)
                elif isinstance(cell, dt.datetime):
                    sheet.write_datetime(r, c, cell, time_format)
                elif isinstance(cell, dt.date):
                    sheet.write_datetime(r, c, cell, date_format)
                elif isinstance(cell, int | float):
                    sheet.write_number(r, c, cell)
                else:
                    sheet.write_string(r, c, str(cell))
    book.close()
    return buffer.getvalue()


def edit_sheet_xml(data: bytes, old: str, new: str, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A copy of the workbook ``data`` with ``old`` replaced by ``new`` (a regex) in one part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                text, count = re.subn(old, new, content.decode("utf-8"))
                assert count, f"{old!r} not in {member}"
                content = text.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


#: The header clerks use for materials-order, and the rows of examples/materials/stations.csv
#: as typed cells (growth as Excel stores a percent: the fraction, in percent format).
STATION_HEADER = ["站点", "物料", "上月实际票数", "增长率", "申请数量", "超额理由"]
STATION_ROWS: list[list[object]] = [
    ["A站", "面单", 10000, Pct(0.15), None, None],
    ["A站", "包装袋", 10001, Pct(0.15), 3000, None],
    ["B站", "面单", 8000, Pct(-0.05), 2500, "双十一活动备货"],
    ["B站", "包装袋", 8000, Pct(-0.05), 2200, None],
    ["C站", "面单", 1200, Pct(0.06), None, None],
    ["C站", "胶带", 350, Pct(0), 100, None],
    ["D站", "面单", 0, Pct(0.1), None, None],
]


def stations_xlsx(*rows: list[object], sheet: str = "Sheet1") -> bytes:
    """A stations workbook: the header, then ``rows`` (default: the example's rows)."""
    return xlsx_bytes({sheet: [STATION_HEADER, *(rows or STATION_ROWS)]})
