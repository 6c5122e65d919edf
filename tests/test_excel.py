"""Excel in and out (issue 19): .xlsx inputs typed exactly as CSV cells, -o FILE.xlsx.

Inputs are built cell by cell with xlsxwriter (tests/excel_books.py); written workbooks are
opened with python-calamine for values and unzipped for what calamine does not show (frozen
panes, number formats, column widths, inline strings).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import python_calamine
from excel_books import STATION_HEADER, STATION_ROWS, Formula, Pct, edit_sheet_xml, stations_xlsx, xlsx_bytes
from hypothesis import given
from hypothesis import strategies as st

import cspolicy.engine.fastpath as fastpath
from cspolicy import DataError, load_policy, run_files
from cspolicy.cli.main import cli
from cspolicy.errors import EnvironmentFailure, UsageError
from cspolicy.tables.excel_read import cell_text, read_workbook
from cspolicy.tables.excel_write import MAX_WIDTH, display_width, sheet_names, write_workbook
from cspolicy.values import ColumnType

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "materials" / "stations.csv"

# A policy with every input type, for reading and writing typed cells.
TYPES_POLICY = """\
name: excel-types
title: {zh: 类型, en: Every type}
family: test
version: "1"
description: Every column type, read from a workbook and written to one.
rules:
  R-XL-1: "bonus = base × rate"
inputs:
  staff:
    columns:
      employee_id: {type: text, aliases: [工号]}
      name: {type: text, aliases: [姓名]}
      hired: {type: date, aliases: [入职日期]}
      base: {type: money, aliases: [基本工资]}
      rate: {type: percent, aliases: [比例], min: 0%, max: 100%}
      days: {type: integer, aliases: [天数], required: false}
      hours: {type: decimal, aliases: [工时], required: false}
      full: {type: boolean, aliases: [全勤], required: false}
outputs:
  pay:
    from: staff
    key: [employee_id]
    columns:
      employee_id: employee_id
      name: name
      hired: hired
      base: base
      rate: rate
      days: days
      hours: hours
      full: full
      bonus: {expr: base × rate, type: money, rule: R-XL-1}
      应发金额: {expr: base + base × rate, type: money, rule: R-XL-1}
"""
TYPES_HEADER = ["工号", "姓名", "入职日期", "基本工资", "比例", "天数", "工时", "全勤"]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(runner, *args: str):
    return runner.invoke(cli, list(args))


# --- reading -----------------------------------------------------------------------------


def test_xlsx_input_gives_the_csv_figures_byte_for_byte(runner, in_tmp):
    (in_tmp / "stations.xlsx").write_bytes(stations_xlsx())
    from_csv = run(runner, "run", "materials-order", str(EXAMPLE), "-o", "csv_out")
    from_xlsx = run(runner, "run", "materials-order", "stations.xlsx", "-o", "xlsx_out")
    assert (from_csv.exit_code, from_xlsx.exit_code) == (0, 0), from_xlsx.stderr
    assert from_xlsx.stdout == ""
    assert from_xlsx.stderr == "wrote xlsx_out/orders.csv (7 rows)\nwrote xlsx_out/materials.csv (3 rows)\n"
    for name in ("orders.csv", "materials.csv"):
        assert (in_tmp / "xlsx_out" / name).read_bytes() == (in_tmp / "csv_out" / name).read_bytes()
    orders = (in_tmp / "xlsx_out" / "orders.csv").read_text(encoding="utf-8-sig").splitlines()
    # R-MT-1 by hand: 10000 × (1 + 15% + 7%) = 12200; ÷ 4 = 3050; ÷ 8 = 1525
    assert orders[1].startswith("A站,面单,10000,15%,12200,3050,1525,")
    # 10001 × 1.22 = 12201.22 → 12202 (up); ÷ 4 = 3050.305 → 3051; ÷ 8 = 1525.1525 → 1526
    assert orders[2].startswith("A站,包装袋,10001,15%,12202,3051,1526,3000,")


def test_shipped_example_workbook_equals_the_csv_and_readme_names_it(runner):
    # (CSV, not JSON: JSON keeps a number's scale, and the CSV's 0% is 0.00 where the
    # workbook's percent cell 0 is 0; equal values, shown alike in CSV)
    for output in ("orders", "materials"):
        from_csv = run(runner, "run", "materials-order", str(EXAMPLE), "--format", "csv", "--only", output)
        from_xlsx = run(runner, "run", "materials-order", str(EXAMPLE.with_suffix(".xlsx")), "--format", "csv", "--only", output)
        assert from_xlsx.exit_code == 0 and from_xlsx.stdout == from_csv.stdout
    readme = (EXAMPLE.parent.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "examples/materials/stations.xlsx" in readme


def test_xlsx_table_on_stdout_equals_the_csv_one(runner, in_tmp):
    (in_tmp / "stations.xlsx").write_bytes(stations_xlsx())
    from_csv = run(runner, "run", "materials-order", str(EXAMPLE))
    from_xlsx = run(runner, "run", "materials-order", "stations.xlsx")
    assert from_xlsx.exit_code == 0 and from_xlsx.stdout == from_csv.stdout


def test_a_clean_workbook_takes_the_fused_loop_and_an_error_cell_the_careful_engine(in_tmp, monkeypatch):
    outcomes: list[bool] = []
    original = fastpath.run_clean

    def spy(*args, **kwargs):
        outcomes.append(original(*args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(fastpath, "run_clean", spy)
    policy = load_policy("materials-order")
    (in_tmp / "stations.xlsx").write_bytes(stations_xlsx())
    run_files(policy, {"stations": "stations.xlsx"}, output=in_tmp / "out", only=["orders"])
    assert outcomes == [True]
    bad = stations_xlsx(["A站", "面单", 1, Pct(0.1)], ["B站", "面单", Formula("=1/0", "#DIV/0!"), Pct(0.1)])
    (in_tmp / "stations.xlsx").write_bytes(bad)
    with pytest.raises(DataError, match=r"stations\.xlsx#Sheet1:3:上月实际票数: .*#DIV/0!"):
        run_files(policy, {"stations": "stations.xlsx"}, output=in_tmp / "out", only=["orders"])
    assert outcomes == [True, False]


def test_blank_rows_inside_and_after_the_data_are_skipped(runner, in_tmp):
    rows = [STATION_ROWS[0], [], STATION_ROWS[1], [None, None, None], []]
    (in_tmp / "stations.xlsx").write_bytes(stations_xlsx(*rows))
    result = run(runner, "run", "materials-order", "stations.xlsx", "--format", "csv", "--only", "orders")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_sheet_named_after_hash(runner, in_tmp):
    book = xlsx_bytes({"说明": [["这一页不是数据"]], "五月": [STATION_HEADER, *STATION_ROWS]})
    (in_tmp / "book.xlsx").write_bytes(book)
    (in_tmp / "stations.xlsx").write_bytes(stations_xlsx())
    expected = run(runner, "run", "materials-order", "stations.xlsx", "--format", "json")
    for arg in ("stations=book.xlsx#五月", "book.xlsx#五月"):
        result = run(runner, "run", "materials-order", arg, "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == expected.stdout
    # the first sheet is the default: here it has no data columns
    result = run(runner, "run", "materials-order", "book.xlsx")
    assert result.exit_code == 1 and "book.xlsx#说明:1: missing required column" in result.stderr


def test_hidden_rows_are_read_like_the_others(in_tmp):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(in_tmp / "s.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, STATION_HEADER)
    sheet.write_row(1, 0, ["A站", "面单", 5, 0.1])
    sheet.write_row(2, 0, ["B站", "面单", 6, 0.1])
    sheet.set_row(2, None, None, {"hidden": True})
    book.close()
    table = read_workbook(in_tmp / "s.xlsx", load_policy("materials-order").inputs["stations"])
    assert [(number, values[0]) for number, values in table.rows()] == [(2, "A站"), (3, "B站")]


def test_sheet_name_ignores_case_and_errors_name_the_real_sheet(in_tmp):
    (in_tmp / "s.xlsx").write_bytes(stations_xlsx(["A站", "面单", "x", Pct(0.1)], sheet="May"))
    table = read_workbook("s.xlsx#may", load_policy("materials-order").inputs["stations"])
    with pytest.raises(DataError, match=r"^s\.xlsx#May:2:上月实际票数: column 'parcels': 'x' is not a whole number"):
        list(table.rows())


def test_a_file_whose_name_has_a_hash_is_a_file(runner, in_tmp):
    (in_tmp / "stations#5.xlsx").write_bytes(stations_xlsx())
    result = run(runner, "run", "materials-order", "stations#5.xlsx", "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_a_workbook_named_csv_is_read_as_a_workbook(runner, in_tmp):
    (in_tmp / "stations.csv").write_bytes(stations_xlsx())
    result = run(runner, "run", "materials-order", "stations.csv", "--format", "csv", "--only", "orders")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("A站,面单,10000,15%,12200,")


def test_typed_cells_are_read_exactly(runner, in_tmp):
    (in_tmp / "types.yaml").write_text(TYPES_POLICY, encoding="utf-8")
    rows = [
        ["E01", "张三", dt.date(2024, 3, 5), 1234.56, Pct(0.15), 22, 7.5, True],
        ["E02", "李四", dt.datetime(2023, 12, 31), 5000, Pct(0.125), None, None, False],
        [17, "王五", 45366, 0.1, 0.2, 17.0, 123456789012, "是"],
    ]
    (in_tmp / "staff.xlsx").write_bytes(xlsx_bytes({"Sheet1": [TYPES_HEADER, *rows]}))
    result = run(runner, "run", "types.yaml", "staff.xlsx", "--format", "json")
    assert result.exit_code == 0, result.stderr
    pay = json.loads(result.stdout, parse_float=Decimal)["pay"]
    assert pay[0] == {
        "employee_id": "E01",
        "name": "张三",
        "hired": "2024-03-05",
        "base": Decimal("1234.56"),
        "rate": Decimal("0.15"),
        "days": 22,
        "hours": Decimal("7.5"),
        "full": True,
        "bonus": Decimal("185.18"),  # 1234.56 × 0.15 = 185.184 → 185.18
        "应发金额": Decimal("1419.74"),  # 1234.56 + 185.184 = 1419.744 → 1419.74
    }
    # a date-time cell at midnight is its date; blank optional cells are blank
    assert pay[1]["hired"] == "2023-12-31" and pay[1]["days"] is None and pay[1]["hours"] is None
    assert pay[1]["bonus"] == Decimal("625.00")  # 5000 × 0.125
    # a number in a text column is its digits; an unformatted 45366 in a date column is an
    # Excel day number (2024-03-15), as in CSV; 17.0 is the integer 17; 12 digits exactly
    assert pay[2]["employee_id"] == "17" and pay[2]["hired"] == "2024-03-15"
    assert pay[2]["days"] == 17 and pay[2]["hours"] == Decimal("123456789012")
    assert pay[2]["base"] == Decimal("0.1") and pay[2]["bonus"] == Decimal("0.02")  # 0.1 × 0.2


def test_typed_cells_give_the_same_run_as_the_csv(runner, in_tmp):
    (in_tmp / "types.yaml").write_text(TYPES_POLICY, encoding="utf-8")
    rows = [["E01", "张三", dt.date(2024, 3, 5), 1234.56, Pct(0.15), 22, 7.5, True]]
    (in_tmp / "staff.xlsx").write_bytes(xlsx_bytes({"Sheet1": [TYPES_HEADER, *rows]}))
    (in_tmp / "staff.csv").write_text(",".join(TYPES_HEADER) + "\nE01,张三,2024-03-05,1234.56,15%,22,7.5,yes\n", encoding="utf-8")
    csv_run = run(runner, "run", "types.yaml", "staff.csv", "--format", "csv")
    xlsx_run = run(runner, "run", "types.yaml", "staff.xlsx", "--format", "csv")
    assert xlsx_run.exit_code == 0 and xlsx_run.stdout == csv_run.stdout


def test_a_computed_empty_text_is_a_blank_but_an_uncalculated_formula_is_refused(in_tmp):
    spec = load_policy("materials-order").inputs["stations"]
    book = stations_xlsx(["A站", "面单", 10, Pct(0.1), None, Formula('=IF(1,"","x")', "")])
    # Excel marks a text result t="str"; its empty <v></v> is a computed "", not a missing value
    (in_tmp / "ok.xlsx").write_bytes(edit_sheet_xml(book, r'<c r="F2"', '<c r="F2" t="str"'))
    assert [values[5] for _, values in read_workbook("ok.xlsx", spec).rows()] == [None]
    (in_tmp / "bad.xlsx").write_bytes(book)  # no t="str": nothing says a value was computed
    with pytest.raises(DataError, match=r"bad\.xlsx#Sheet1:2:超额理由: .*no calculated value"):
        list(read_workbook("bad.xlsx", spec).rows())


def test_errors_in_columns_the_policy_does_not_read_are_ignored(runner, in_tmp):
    book = xlsx_bytes(
        {"Sheet1": [[*STATION_HEADER, "备注"], ["A站", "面单", 10000, Pct(0.15), None, None, Formula("=1/0", "#DIV/0!")]]}
    )
    (in_tmp / "stations.xlsx").write_bytes(book)
    result = run(runner, "run", "materials-order", "stations.xlsx", "--format", "csv", "--only", "orders")
    assert result.exit_code == 0, result.stderr


def test_every_bad_cell_is_reported_with_its_excel_place(runner, in_tmp):
    rows = [
        ["A站", "面单", Formula("=A1", "#REF!"), Pct(2000)],  # both cells of row 2 are bad
        ["B站", "面单", "1O0", Pct(0.1)],
    ]
    (in_tmp / "stations.xlsx").write_bytes(stations_xlsx(*rows))
    result = run(runner, "run", "materials-order", "stations.xlsx")
    assert result.exit_code == 1 and result.stdout == ""
    places = [line.removeprefix("Error: ").split(": ", 1)[0] for line in result.stderr.splitlines()]
    assert places == [
        "stations.xlsx#Sheet1:2:上月实际票数",
        "stations.xlsx#Sheet1:2:增长率",
        "stations.xlsx#Sheet1:3:上月实际票数",
    ]


def test_cells_outside_column_a_keep_their_excel_columns(in_tmp):
    # a sheet whose data starts in column C: calamine's range starts there; the reader pads
    spec = load_policy("materials-order").inputs["stations"]
    book = xlsx_bytes({"Sheet1": [[None, None, *STATION_HEADER], [None, None, "A站", "面单", "x", Pct(0.1)]]})
    (in_tmp / "s.xlsx").write_bytes(book)
    table = read_workbook("s.xlsx", spec)
    assert table.header_map["parcels"] == 4  # column E
    with pytest.raises(DataError, match=r"s\.xlsx#Sheet1:2:上月实际票数"):
        list(table.rows())


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (17.0, "17"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.3"),  # stored as 0.30000000000000004; Excel shows 0.3
        (1234.56, "1234.56"),
        (1e-7, "0.0000001"),
        (123456789012.0, "123456789012"),
        (1e15, "1000000000000000"),
        (1.2345678901234567e17, "123456789012346000"),  # Excel kept 15 digits of it
        (True, "TRUE"),
        (dt.date(2024, 3, 5), "2024-03-05"),
        (dt.datetime(2024, 3, 5, 0, 0), "2024-03-05"),
        (dt.datetime(2024, 3, 5, 9, 30), "2024-03-05 09:30:00"),
        (dt.time(9, 30), "09:30:00"),
        ("", ""),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: d.is_finite()))
def test_a_typed_number_of_up_to_15_digits_reads_back_exactly(value):
    # Excel keeps what is typed in a double; every decimal of at most 15 significant digits
    # (within Excel's range) survives that, and the reader recovers it exactly.
    value = Decimal(value).normalize()
    digits = len(value.as_tuple().digits)
    if digits > 15 or not (value.is_zero() or Decimal("1e-300") < abs(value) < Decimal("1e300")):
        return
    assert Decimal(cell_text(float(value))) == value


# --- writing -----------------------------------------------------------------------------


def _cells(path: Path, sheet: str) -> list[list[object]]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _number_formats(path: Path, member: str = "xl/worksheets/sheet1.xml") -> dict[str, str]:
    """Each cell reference of a sheet → its number format code (built-in ids as Excel names them)."""
    builtin = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 14: "m/d/yyyy"}
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
        sheet = z.read(member).decode()
    codes = {int(i): c for i, c in re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles)}
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    assert xfs is not None
    ids = [int(i) for i in re.findall(r'<xf numFmtId="(\d+)"', xfs[1])]
    out = {}
    for ref, attrs in re.findall(r'<c r="([A-Z]+\d+)"([^>]*)>', sheet):
        style = re.search(r'\bs="(\d+)"', attrs)
        number_format = ids[int(style[1])] if style else 0
        out[ref] = codes.get(number_format) or builtin[number_format]
    return out


def _widths(path: Path, member: str = "xl/worksheets/sheet1.xml") -> dict[int, float]:
    with zipfile.ZipFile(path) as z:
        sheet = z.read(member).decode()
    out = {}
    for lo, hi, width in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', sheet):
        for column in range(int(lo), int(hi) + 1):
            out[column] = float(width)
    return out


def test_workbook_output_holds_every_output_as_its_csv(runner, in_tmp):
    result = run(runner, "run", "materials-order", str(EXAMPLE), "-o", "result.xlsx")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "wrote result.xlsx (orders 7 rows, materials 3 rows)\n"
    csv_run = run(runner, "run", "materials-order", str(EXAMPLE), "-o", "csv_out")
    assert csv_run.exit_code == 0
    book = python_calamine.CalamineWorkbook.from_path(str(in_tmp / "result.xlsx"))
    assert book.sheet_names == ["summary", "orders", "materials", "explanations"]  # issue 19: what ran, and why
    for name in book.sheet_names[1:-1]:
        lines = (in_tmp / "csv_out" / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()
        cells = _cells(in_tmp / "result.xlsx", name)
        assert cells[0] == lines[0].split(",")  # the header the CSV writer writes
        assert len(cells) == len(lines)
        for row, line in zip(cells[1:], lines[1:]):
            for cell, text in zip(row, line.split(",")):
                if text.endswith("%"):
                    assert Decimal(repr(cell)) == Decimal(text[:-1]) / 100
                elif isinstance(cell, float):
                    assert Decimal(repr(cell)) == Decimal(text)
                else:
                    assert cell == text
    orders = _cells(in_tmp / "result.xlsx", "orders")
    assert orders[1][:7] == ["A站", "面单", 10000.0, 0.15, 12200.0, 3050.0, 1525.0]  # R-MT-1 by hand, as above


def test_workbook_frozen_header_and_number_formats(runner, in_tmp):
    (in_tmp / "types.yaml").write_text(TYPES_POLICY, encoding="utf-8")
    (in_tmp / "staff.csv").write_text(
        ",".join(TYPES_HEADER) + "\nE01,张三,2024-03-05,1234.56,15%,22,7.5,是\nE02,李四,2023-12-31,5000,12.5%,,,否\n",
        encoding="utf-8",
    )
    result = run(runner, "run", "types.yaml", "staff.csv", "-o", "pay.xlsx")
    assert result.exit_code == 0, result.stderr
    path = in_tmp / "pay.xlsx"
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet2.xml").decode()  # sheet 1 is the summary
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
    formats = _number_formats(path, "xl/worksheets/sheet2.xml")
    # A employee_id B name C hired D base E rate F days G hours H full I bonus J 应发金额
    assert formats["C2"] == "yyyy-mm-dd"
    assert formats["D2"] == formats["I2"] == formats["J2"] == formats["D3"] == "#,##0.00"  # money, to the cent
    assert (formats["E2"], formats["E3"]) == ("0%", "0.0%")  # 15%, 12.5%
    assert (formats["F2"], formats["G2"]) == ("0", "0.0")  # 22, 7.5
    assert "F3" not in formats and "G3" not in formats  # blanks are empty cells
    assert re.search(r'<c r="H2" t="b"><v>1</v></c>', sheet)  # yes → TRUE
    rows = _cells(path, "pay")
    assert rows[0] == ["employee_id", "name", "hired", "base", "rate", "days", "hours", "full", "bonus", "应发金额"]
    assert rows[1] == ["E01", "张三", dt.date(2024, 3, 5), 1234.56, 0.15, 22.0, 7.5, True, 185.18, 1419.74]
    assert rows[2][:5] == ["E02", "李四", dt.date(2023, 12, 31), 5000.0, 0.125]
    assert rows[2][8:] == [625.0, 5625.0]


def test_workbook_text_is_never_a_formula(in_tmp):
    columns = [("name", ColumnType.TEXT), ("note", ColumnType.TEXT)]
    write_workbook(in_tmp / "t.xlsx", {"out": (columns, [("=1+1", "@SUM(A1)"), ("-5", "普通")])})
    with zipfile.ZipFile(in_tmp / "t.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    # the CSV writer's rule: a plain signed number like -5 runs nothing and is left as it is
    assert _cells(in_tmp / "t.xlsx", "out")[1:] == [["'=1+1", "'@SUM(A1)"], ["-5", "普通"]]


def test_column_widths_follow_display_width(in_tmp):
    columns = [("员工姓名", ColumnType.TEXT), ("n", ColumnType.MONEY), ("说明", ColumnType.TEXT)]
    rows = [("王小明", Decimal("1234567.5"), "很长" * 100)]
    write_workbook(in_tmp / "w.xlsx", {"名单": (columns, rows)})
    widths = _widths(in_tmp / "w.xlsx")
    assert widths[1] >= 2 * len("员工姓名")  # a Chinese character is two columns wide
    assert widths[2] >= len("1,234,567.50")  # money as shown, with separators
    assert int(widths[3]) == MAX_WIDTH  # capped (Excel stores the width plus its padding)
    assert display_width("票数") == 4 and display_width("ab\n票票票") == 6


def test_workbook_is_deterministic(runner, in_tmp):
    for target in ("a.xlsx", "b.xlsx"):
        assert run(runner, "run", "materials-order", str(EXAMPLE), "-o", target).exit_code == 0
    assert (in_tmp / "a.xlsx").read_bytes() == (in_tmp / "b.xlsx").read_bytes()


def test_written_workbook_reads_back_as_input(runner, in_tmp):
    # -o result.xlsx, then its orders sheet read as a stations input: the same typed values
    from cspolicy.tables import read_table

    assert run(runner, "run", "materials-order", str(EXAMPLE), "-o", "result.xlsx").exit_code == 0
    spec = load_policy("materials-order").inputs["stations"]
    again = [values[:5] for _, values in read_table(in_tmp / "result.xlsx#orders", spec).rows()]
    first = [values[:5] for _, values in read_table(EXAMPLE, spec).rows()]
    assert again == first


def test_more_rows_than_a_sheet_holds_is_refused_not_cut(runner, in_tmp, monkeypatch):
    import cspolicy.tables.excel_write as excel_write

    monkeypatch.setattr(excel_write, "MAX_ROWS", 6)  # the example has 7 orders
    (in_tmp / "result.xlsx").write_bytes(OLD)
    result = run(runner, "run", "materials-order", str(EXAMPLE), "-o", "result.xlsx")
    assert result.exit_code == 2 and result.stdout == ""
    assert "sheet 'orders' would have more than 6 rows, more than an Excel sheet holds" in result.stderr
    assert (in_tmp / "result.xlsx").read_bytes() == OLD
    monkeypatch.setattr(excel_write, "MAX_ROWS", 7)  # exactly full is fine
    assert run(runner, "run", "materials-order", str(EXAMPLE), "-o", "result.xlsx").exit_code == 0


def test_text_longer_than_a_cell_holds_is_refused_not_cut(in_tmp):
    columns = [("note", ColumnType.TEXT)]
    write_workbook(in_tmp / "ok.xlsx", {"out": (columns, [("x" * 32767,)])})
    with pytest.raises(UsageError, match=r"sheet 'out' row 3 column 'note': the text has more than 32,767 characters"):
        write_workbook(in_tmp / "t.xlsx", {"out": (columns, [("x",), ("x" * 32768,)])})
    assert not (in_tmp / "t.xlsx").exists()


def test_sheet_names():
    assert sheet_names(["a[1]", "b:c*?/\\d", "'q'", "History", "x" * 31 + "1", "x" * 31 + "2"]) == [
        "a_1_",
        "b_c____d",
        "q",
        "History_",
        "x" * 31,
        "x" * 29 + "~2",
    ]
    assert sheet_names(["Pay", "pay", "PAY"]) == ["Pay", "pay~2", "PAY~3"]


# --- atomic writing ----------------------------------------------------------------------

OLD = b"PK old workbook bytes"


def _assert_only(directory: Path, expected: dict[str, bytes]) -> None:
    assert sorted(os.listdir(directory)) == sorted(expected), "a file was created or a temp file left behind"
    for name, data in expected.items():
        assert (directory / name).read_bytes() == data


def test_bad_last_row_leaves_the_old_workbook(runner, in_tmp):
    out = in_tmp / "out"
    out.mkdir()
    (out / "result.xlsx").write_bytes(OLD)
    rows = "".join(f"S{i},面单,{i},15%,,\n" for i in range(3000)) + "Z,面单,abc,15%,,\n"
    (in_tmp / "stations.csv").write_text(",".join(STATION_HEADER) + "\n" + rows, encoding="utf-8")
    result = run(runner, "run", "materials-order", "stations.csv", "-o", "out/result.xlsx")
    assert result.exit_code == 1 and "stations.csv:3002:上月实际票数" in result.stderr
    _assert_only(out, {"result.xlsx": OLD})


@pytest.mark.parametrize(
    ("exc", "raised"),
    [(KeyboardInterrupt(), KeyboardInterrupt), (OSError(28, "No space left on device"), EnvironmentFailure)],
    ids=["ctrl-c", "disk-full"],
)
def test_failure_halfway_through_the_rows_leaves_the_old_workbook(in_tmp, monkeypatch, exc, raised):
    import tempfile

    import xlsxwriter.worksheet

    scratch = in_tmp / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where xlsxwriter keeps its row files
    out = in_tmp / "out"
    out.mkdir()
    (out / "result.xlsx").write_bytes(OLD)
    rows = "".join(f"S{i},面单,{i},15%,,\n" for i in range(3000))
    (in_tmp / "stations.csv").write_text(",".join(STATION_HEADER) + "\n" + rows, encoding="utf-8")
    calls = 0
    original = xlsxwriter.worksheet.Worksheet.write_number

    def boom(self, *args, **kwargs):
        nonlocal calls
        calls += 1
        if calls > 5000:
            raise exc
        return original(self, *args, **kwargs)

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "write_number", boom)
    with pytest.raises(raised):  # a full disk is the environment's failure (exit 3)
        run_files(load_policy("materials-order"), {"stations": "stations.csv"}, output=out / "result.xlsx")
    assert calls == 5001  # it failed midway
    _assert_only(out, {"result.xlsx": OLD})
    assert list(scratch.iterdir()) == []  # xlsxwriter's temporary row files are gone too


def test_success_replaces_the_old_workbook(runner, in_tmp):
    (in_tmp / "result.xlsx").write_bytes(OLD)
    assert run(runner, "run", "materials-order", str(EXAMPLE), "-o", "result.xlsx").exit_code == 0
    assert zipfile.is_zipfile(in_tmp / "result.xlsx")
    assert sorted(os.listdir(in_tmp)) == ["result.xlsx", "result.xlsx.run.json"]  # the workbook and its run record


# --- start-up ----------------------------------------------------------------------------


def test_excel_libraries_are_not_imported_at_start_up():
    code = "import sys, cspolicy.cli.main, cspolicy.engine.files; print(sorted(m for m in ('python_calamine', 'xlsxwriter', 'wcwidth') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
