"""The one CSV reader: encodings, header matching, row errors, streaming."""

from __future__ import annotations

import codecs
import csv
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy.errors import DataError, DataErrors, ErrorCollector, PolicyError, UsageError
from cspolicy.tables import Table, read_table
from cspolicy.tables.spec import ColumnSpec, TableSpec
from cspolicy.values import ColumnType as T

D = Decimal

SPEC = TableSpec(
    "stations",
    (
        ColumnSpec("station", T.TEXT, aliases=("站点",)),
        ColumnSpec("parcels", T.INTEGER, aliases=("票数", "上月实际票数"), minimum=D(0)),
        ColumnSpec("growth", T.PERCENT, aliases=("增长率",), minimum=D(-1), maximum=D(1)),
        ColumnSpec("region", T.TEXT, aliases=("区域",), required=False, default="华东"),
        ColumnSpec("note", T.TEXT, aliases=("备注",), required=False),
    ),
)

ZH = '站点,票数,增长率\r\nA站,10000,15%\r\nB站,"1,200",0.1\r\nC站,0,-5%\r\n'
EXPECTED = [
    (2, ("A站", D(10000), D("0.15"), "华东", None)),
    (3, ("B站", D(1200), D("0.1"), "华东", None)),
    (4, ("C站", D(0), D("-0.05"), "华东", None)),
]


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "stations.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read_all(path: Path, **kwargs: object) -> list[tuple[int, tuple[object, ...]]]:
    return list(read_table(path, SPEC, **kwargs).rows())  # type: ignore[arg-type]


def errors_of(excinfo: pytest.ExceptionInfo[DataError]) -> list[str]:
    error = excinfo.value
    return [str(e) for e in error.errors] if isinstance(error, DataErrors) else [str(error)]


# --- encodings ------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "detected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")])
def test_utf8_bom_and_gb18030_give_identical_rows(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write(tmp_path, ZH, encoding)
    table = read_table(path, SPEC)
    assert table.encoding == detected
    assert list(table.rows()) == EXPECTED


def test_bom_is_stripped_from_the_first_header(tmp_path: Path) -> None:
    path = write(tmp_path, ZH, "utf-8-sig")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    assert read_table(path, SPEC).headers[0] == "站点"


def test_english_aliases_give_the_same_rows(tmp_path: Path) -> None:
    text = 'Station,PARCELS,growth\r\nA站,10000,15%\r\nB站,"1,200",0.1\r\nC站,0,-5%\r\n'
    assert read_all(write(tmp_path, text)) == EXPECTED


def test_explicit_encoding_is_honoured(tmp_path: Path) -> None:
    gb = write(tmp_path, ZH, "gb18030", "gb.csv")
    assert read_table(gb, SPEC, encoding="GB18030").encoding == "gb18030"
    assert read_all(gb, encoding="gb18030") == EXPECTED
    # UTF-8 read as GB18030 on request: not auto-corrected, so it fails
    utf8 = write(tmp_path, ZH, "utf-8", "u.csv")
    with pytest.raises(DataError) as info:
        read_table(utf8, SPEC, encoding="gb18030", display_name="u.csv")
    assert str(info.value) == (
        "u.csv: not valid GB18030 at row 1 (byte 22); check the file's encoding: try --encoding utf-8, "
        "or leave --encoding out (UTF-8 and GB18030 are recognised by themselves)"
    )
    # ... and where the bytes happen to decode, into mojibake headers, the columns are missing
    mojibake = write(tmp_path, "站点,票数,growth\r\n", "utf-8", "m.csv")
    assert mojibake.read_bytes().decode("gb18030") == "绔欑偣,绁ㄦ暟,growth\r\n"
    with pytest.raises(DataError, match="missing required column 'station'"):
        read_table(mojibake, SPEC, encoding="gb18030")


def test_explicit_utf8_strips_a_bom(tmp_path: Path) -> None:
    path = write(tmp_path, ZH, "utf-8-sig")
    table = read_table(path, SPEC, encoding="utf8")
    assert table.encoding == "utf-8-sig"
    assert list(table.rows()) == EXPECTED


@pytest.mark.parametrize("encoding", ["klingon", "base64"])
def test_unknown_encoding_is_a_usage_error(tmp_path: Path, encoding: str) -> None:
    with pytest.raises(UsageError, match=f"unknown encoding '{encoding}'"):
        read_table(write(tmp_path, ZH), SPEC, encoding=encoding)


def test_a_character_cut_at_the_64k_sample_edge_is_not_an_error(tmp_path: Path) -> None:
    header = "站点,票数,增长率\r\n"
    filler = "A站,1,1%\r\n"
    text = header + filler * (70000 // len(filler.encode()))
    for shift in range(3):  # place the 64 KiB cut inside a 3-byte character
        body = header + "x" * shift + text[len(header) :]
        path = write(tmp_path, body, "utf-8", f"edge{shift}.csv")
        assert read_table(path, SPEC).encoding == "utf-8"


def test_decode_error_later_in_the_file_names_row_and_fix(tmp_path: Path) -> None:
    rows = "station,parcels,growth\r\n" + "A,1,1%\r\n" * 20000 + "票数,2,2%\r\n" + "B,3,3%\r\n"
    path = write(tmp_path, rows, "gb18030")  # ASCII for the first 64 KiB, then GB18030
    table = read_table(path, SPEC, display_name="stations.csv")
    assert table.encoding == "utf-8"
    with pytest.raises(DataError) as info:
        for _ in table.rows():
            pass
    assert str(info.value) == (
        "stations.csv: not valid UTF-8 at row 20002 (byte 160,026); if it came from Excel in Chinese, try --encoding gb18030"
    )


def test_neither_utf8_nor_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"station,parcels\r\n\x81\xff,1\r\n")
    with pytest.raises(DataError, match="neither UTF-8 nor GB18030"):
        read_table(path, SPEC)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04rest-of-a-zip", "stations.csv: this looks like an Excel workbook but is damaged"),
        (codecs.BOM_UTF16_LE + "站点".encode("utf-16-le"), "stations.csv: this is a UTF-16"),
        (b"", "stations.csv: the file is empty; expected a header row naming the columns"),
        (b"\r\n\r\n", "stations.csv: the file is empty"),
        (b",,,\r\nA,1,1%\r\n", "stations.csv:1: the first row is empty"),
    ],
)
def test_not_a_csv(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "stations.csv"
    path.write_bytes(data)
    with pytest.raises(DataError) as info:
        read_table(path, SPEC, display_name="stations.csv")
    assert str(info.value).startswith(message)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nope.csv: cannot read the file"):
        read_table(tmp_path / "nope.csv", SPEC, display_name="nope.csv")


# --- headers --------------------------------------------------------------------------


def test_missing_required_column_lists_every_header_that_would_match(tmp_path: Path) -> None:
    path = write(tmp_path, "站点,增长率\r\nA,1%\r\n")
    with pytest.raises(DataError) as info:
        read_table(path, SPEC, display_name="stations.csv")
    assert errors_of(info) == ["stations.csv:1: missing required column 'parcels' (header one of: parcels, 票数, 上月实际票数)"]


def test_every_missing_column_is_reported_with_a_close_header(tmp_path: Path) -> None:
    path = write(tmp_path, "站点,percels\r\nA,1\r\n")
    with pytest.raises(DataErrors) as info:
        read_table(path, SPEC, display_name="s.csv")
    assert errors_of(info) == [
        "s.csv:1: missing required column 'parcels' (header one of: parcels, 票数, 上月实际票数); "
        "the file has a similar header 'percels'",
        "s.csv:1: missing required column 'growth' (header one of: growth, 增长率)",
    ]


def test_headers_are_matched_after_nfkc_spaces_and_case(tmp_path: Path) -> None:
    spec = TableSpec(
        "t", (ColumnSpec("count", T.INTEGER, aliases=("票数(件)",)), ColumnSpec("who", T.TEXT, aliases=("客服 姓名",)))
    )
    path = write(tmp_path, " 票数（件） ,客服\u3000 姓名\r\n１２,张三\r\n")
    table = read_table(path, spec)
    assert table.header_map == {"count": 0, "who": 1}
    assert list(table.rows()) == [(2, (D(12), "张三"))]


def test_fullwidth_header_with_trailing_space(tmp_path: Path) -> None:
    path = write(tmp_path, "站点,票数 ,增长率,ＰＡＲＣＥＬＳ_old\r\nA,5,1%,9\r\n")
    table = read_table(path, SPEC)
    assert table.header_map == {"station": 0, "parcels": 1, "growth": 2}
    assert table.ignored_headers == ("ＰＡＲＣＥＬＳ_old",)


def test_two_headers_naming_one_column(tmp_path: Path) -> None:
    path = write(tmp_path, "站点,票数,增长率,Parcels\r\nA,1,1%,2\r\n")
    with pytest.raises(DataError) as info:
        read_table(path, SPEC, display_name="stations.csv")
    assert errors_of(info) == [
        "stations.csv:1: headers '票数' (column B) and 'Parcels' (column D) both name column 'parcels'; "
        "expected one of them only; delete or rename the other"
    ]


def test_aliases_shared_by_two_columns_are_a_policy_error(tmp_path: Path) -> None:
    spec = TableSpec("t", (ColumnSpec("a", T.TEXT, aliases=("x",)), ColumnSpec("b", T.TEXT, aliases=("X ",))))
    with pytest.raises(PolicyError, match="names both column 'a' and column 'b'"):
        read_table(write(tmp_path, "x\r\n1\r\n"), spec)


def test_optional_columns_absent_give_default_or_none(tmp_path: Path) -> None:
    rows = read_all(write(tmp_path, ZH))
    assert {values[3] for _, values in rows} == {"华东"}
    assert {values[4] for _, values in rows} == {None}


def test_optional_column_present_but_blank(tmp_path: Path) -> None:
    path = write(tmp_path, "站点,票数,增长率,区域,备注\r\nA,1,1%,,\r\nB,2,2%,华南,急\r\n")
    assert [values[3:] for _, values in read_all(path)] == [("华东", None), ("华南", "急")]


def test_table_attributes(tmp_path: Path) -> None:
    path = write(tmp_path, "备注,站点,票数,增长率,x\r\nn,A,1,1%,y\r\n")
    table = read_table(path, SPEC)
    assert isinstance(table, Table)
    assert table.name == str(path)
    assert table.path == str(path)
    assert table.size == path.stat().st_size
    assert table.header_map == {"note": 0, "station": 1, "parcels": 2, "growth": 3}
    assert table.ignored_headers == ("x",)
    assert list(table.rows()) == [(2, ("A", D(1), D("0.01"), "华东", "n"))]


# --- rows -----------------------------------------------------------------------------

BAD = (
    "站点,票数,增长率\r\n"
    "A,10,1%\r\n"  # 2
    "B,abc,1%\r\n"  # 3
    "C,20,2%\r\n"  # 4
    "D,-3,15\r\n"  # 5: two bad cells
    "E,30\r\n"  # 6: short row
    "F,40,4%\r\n"  # 7
)


def test_every_bad_cell_is_reported_with_file_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    seen = []
    with pytest.raises(DataErrors) as info:
        for number, values in read_table(path, SPEC, display_name="stations.csv").rows():
            seen.append((number, values[0]))
    assert seen == [(2, "A"), (4, "C"), (7, "F")]  # good rows still stream, bad ones do not
    assert errors_of(info) == [
        "stations.csv:3:票数: column 'parcels': 'abc' is not a whole number; expected a whole number such as 120",
        "stations.csv:5:票数: column 'parcels': '-3' is below the minimum 0; expected a whole number of at least 0",
        "stations.csv:5:增长率: column 'growth': '15' is not a percentage: a number without % must be a fraction "
        "below 1; expected 15% or the fraction 0.15 for 15 percent",
        "stations.csv:6: row has 2 cells, the header has 3; expected 3 cells like the header; a cell may hold an unquoted comma",
    ]
    first = info.value.errors[0]
    assert (first.file, first.row, first.column, first.value) == ("stations.csv", 3, "票数", "abc")


def test_a_given_collector_collects_and_the_caller_raises(tmp_path: Path) -> None:
    collector = ErrorCollector()
    rows = list(read_table(write(tmp_path, BAD), SPEC, errors=collector).rows())
    assert [n for n, _ in rows] == [2, 4, 7]
    assert collector.count == 4
    with pytest.raises(DataErrors):
        collector.raise_if_any()


def test_empty_rows_are_skipped_and_still_counted(tmp_path: Path) -> None:
    text = "站点,票数,增长率\r\n,,\r\nA,1,1%\r\n\r\n  , ,\r\nB,2,2%\r\n,,\r\n,,\r\n"
    assert [(n, v[0]) for n, v in read_all(write(tmp_path, text))] == [(3, "A"), (6, "B")]


def test_empty_rows_are_skipped_even_when_every_column_is_optional(tmp_path: Path) -> None:
    spec = TableSpec("t", (ColumnSpec("a", T.TEXT, required=False), ColumnSpec("b", T.INTEGER, required=False)))
    path = write(tmp_path, "a,b\r\n,\r\nx,\r\n,1\r\n,\r\n")
    assert list(read_table(path, spec).rows()) == [(3, ("x", None)), (4, (None, D(1)))]


def test_extra_cells_are_allowed_only_when_blank(tmp_path: Path) -> None:
    text = "站点,票数,增长率\r\nA,1,1%,,\r\nB,2,2%,x\r\n"
    with pytest.raises(DataErrors) as info:
        read_all(write(tmp_path, text), display_name="s.csv")
    assert errors_of(info) == [
        "s.csv:3: row has 4 cells, the header has 3; expected 3 cells like the header; a cell may hold an unquoted comma"
    ]


MULTILINE = TableSpec("stations", tuple(replace(c, multiline=True) if c.name == "note" else c for c in SPEC.columns))


def test_quoted_newlines_count_as_one_spreadsheet_row(tmp_path: Path) -> None:
    text = '站点,票数,增长率,备注\r\nA,1,1%,"two\r\nlines"\r\nB,x,2%,\r\n'
    with pytest.raises(DataErrors) as info:
        list(read_table(write(tmp_path, text), MULTILINE, display_name="s.csv").rows())
    assert errors_of(info) == ["s.csv:3:票数: column 'parcels': 'x' is not a whole number; expected a whole number such as 120"]
    rows = list(read_table(write(tmp_path, text.replace(",x,", ",2,")), MULTILINE).rows())
    assert [(n, v[0], v[4]) for n, v in rows] == [(2, "A", "two\r\nlines"), (3, "B", None)]


QUOTE = (
    "s.csv:{row}:{column}: the cell '{start}…' holds a line break and runs from line {first} to line {last} of the "
    "file: a line break typed into the cell (Alt+Enter in Excel), or "
    'a quote mark (") opened in it and not closed, which swallows the rows after it into this one cell; expected one '
    "line per cell: close or remove the quote mark, or remove the line break (Alt+Enter in Excel); a text column "
    "whose cells may span lines needs multiline: true in the policy"
)


@pytest.mark.parametrize("fast", [False, True], ids=["rows", "raw_cells"])
def test_a_quote_left_open_is_refused_where_it_opened(tmp_path: Path, fast: bool) -> None:
    # the quote opened in row 3's last cell swallows rows 4 and 5: three rows read as two, exit 0
    # before; now the row where it opened is named, with the lines it ran over
    text = '站点,票数,增长率,备注\r\nA,1,1%,\r\nB,2,2%,"oops\r\nC,3,3%,\r\nD,4,4%,\r\n'
    path = write(tmp_path, text)
    with pytest.raises(DataErrors) as info:
        list(read_table(path, SPEC, display_name="s.csv").rows())
    assert errors_of(info) == [QUOTE.format(row=3, column="备注", start="oops", first=3, last=5)]
    if fast:  # the fused loop's reader is strict: a quote open at the end of the file raises
        with read_table(path, SPEC).raw_cells() as reader, pytest.raises(csv.Error, match="unexpected end of data"):
            list(reader)
        # and for a quote closed later, the reader's line count runs ahead of the rows
        path = write(tmp_path, text + 'E,5,5%,"\r\n')
        with read_table(path, SPEC).raw_cells() as reader:
            header = reader.line_num
            counts = [(n, reader.line_num - header) for n, _ in enumerate(reader, 1)]
        assert counts == [(1, 1), (2, 5)]  # record 2 ran over 4 lines: 5 lines after the header, not 2


def test_a_line_break_in_a_column_the_policy_does_not_read_is_refused_too(tmp_path: Path) -> None:
    # an unread column is where a stray quote would lose rows without any other sign
    text = '站点,票数,增长率,其他\r\nA,1,1%,"x\ny"\r\nB,2,2%,\r\n'
    with pytest.raises(DataErrors) as info:
        read_all(write(tmp_path, text), display_name="s.csv")
    assert errors_of(info) == [QUOTE.format(row=2, column="其他", start="x", first=2, last=3)]


def test_a_line_break_in_a_middle_cell_names_that_cell_not_the_row_length(tmp_path: Path) -> None:
    text = '站点,票数,增长率\r\n"A,1,1%\r\nB,2,2%\r\n'  # all of it swallowed into A's cell
    with pytest.raises(DataErrors) as info:
        read_all(write(tmp_path, text), display_name="s.csv")
    assert errors_of(info) == [QUOTE.format(row=2, column="站点", start="A,1,1%", first=2, last=3)]


def test_rows_after_a_multiline_record_keep_their_numbers(tmp_path: Path) -> None:
    text = '站点,票数,增长率,备注\r\nA,1,1%,"a\nb\nc"\r\nB,x,2%,\r\nC,"y\nz",3%,\r\nD,w,4%,\r\n'
    with pytest.raises(DataErrors) as info:
        list(read_table(write(tmp_path, text), MULTILINE, display_name="s.csv").rows())
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "票数"), (4, "票数"), (5, "票数")]
    assert "runs from line 6 to line 7" in errors_of(info)[1]  # row 4 starts on line 6


def test_rows_can_be_read_twice(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, ZH), SPEC)
    assert list(table.rows()) == list(table.rows()) == EXPECTED


def test_progress_reports_growing_byte_counts(tmp_path: Path) -> None:
    text = "站点,票数,增长率\r\n" + "A,1,1%\r\n" * 20000
    path = write(tmp_path, text)
    calls: list[int] = []
    rows = list(read_table(path, SPEC, progress=calls.append).rows())
    assert len(rows) == 20000
    assert len(calls) == 3  # rows 8192 and 16384, then the end
    assert calls == sorted(calls)
    assert 0 < calls[0] < calls[-1] == path.stat().st_size


def test_unbalanced_quote_is_a_data_error(tmp_path: Path) -> None:
    import csv

    old = csv.field_size_limit(1000)
    try:
        text = '站点,票数,增长率\r\nA,1,1%\r\n"B,2,2%\r\n' + "C,3,3%\r\n" * 200
        with pytest.raises(DataError, match=r"s.csv:3: cannot read the row: .*field larger than field limit.*opened in this row"):
            read_all(write(tmp_path, text), display_name="s.csv")
    finally:
        csv.field_size_limit(old)


# --- encodings named wrongly, NUL bytes (issue 14) ------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16-BE"), ("utf-32", "UTF-32"), ("idna", "IDNA"), ("ascii", "ASCII")],
)
def test_an_explicit_encoding_that_does_not_fit_is_a_data_error_with_the_fix(tmp_path: Path, encoding: str, label: str) -> None:
    # utf-16 on a UTF-8 file raised a bare UnicodeError ("does not start with BOM"): a traceback
    path = write(tmp_path, ZH)
    with pytest.raises(DataError) as info:
        read_all(path, encoding=encoding, display_name="s.csv")
    message = str(info.value)
    assert message.startswith(f"s.csv: not valid {label} at row ")
    assert message.endswith("try --encoding utf-8, or leave --encoding out (UTF-8 and GB18030 are recognised by themselves)")


def test_a_codec_that_encodes_nothing_is_an_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown encoding 'undefined'"):
        read_all(write(tmp_path, ZH), encoding="undefined")


def test_a_nul_byte_in_a_utf8_file_is_refused_in_its_cell_not_called_utf16(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(ZH.replace("B站", "B\x00站").encode("utf-8"))
    with pytest.raises(DataErrors) as info:
        read_all(path, display_name="s.csv")
    assert errors_of(info) == [
        "s.csv:3:站点: column 'station': 'B\\x00站' holds the control character U+0000 NUL; "
        "expected text without control characters"
    ]


def test_nul_bytes_that_look_like_utf16_or_only_zeros(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(ZH.encode("utf-16-le"))  # no BOM: a NUL after every ASCII byte
    with pytest.raises(DataError, match="UTF-16"):
        read_all(path)
    path.write_bytes(b"\x00" * 4096)
    with pytest.raises(DataError, match="the file holds only zero bytes"):
        read_all(path)
