"""The one writer: atomic replacement, formatting, CSV and JSON output, terminal tables."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspolicy.errors import UsageError
from cspolicy.tables import (
    AtomicFiles,
    CsvSink,
    atomic_write,
    csv_encoding,
    format_value,
    make_converter,
    render_table,
    write_json,
)
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType as T
from cspolicy.values import Value

D = Decimal
COLUMNS = [
    ("station", T.TEXT),
    ("weekly_qty", T.QUANTITY),
    ("growth", T.PERCENT),
    ("pay", T.MONEY),
    ("day", T.DATE),
    ("flagged", T.BOOLEAN),
]
ROWS: list[tuple[Value, ...]] = [
    ("A站", D(3050), D("0.15"), D("12.50"), dt.date(2024, 3, 15), True),
    ('B, "north"', D("1525.5"), D("0.075"), D("-120.01"), None, False),
]


class Boom(Exception):
    pass


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def half_then(exc: BaseException, rows: int = 100) -> Iterator[tuple[Value, ...]]:
    """Rows that fail half way through, after the first half was written."""
    for n in range(rows):
        if n == rows // 2:
            raise exc
        yield (f"S{n}", D(n), D("0.1"), D("1.00"), None, False)


# --- atomic_write ---------------------------------------------------------------------


def test_atomic_write_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "orders.csv"
    target.write_bytes(b"old\r\n")
    with atomic_write(target, encoding=csv_encoding()) as out:
        CsvSink(out, COLUMNS).write_rows(ROWS)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfA")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("exc", [Boom("disk on fire"), KeyboardInterrupt()])
def test_atomic_write_failure_midway_leaves_the_original_untouched(tmp_path: Path, exc: BaseException) -> None:
    target = tmp_path / "orders.csv"
    original = "station,weekly_qty\r\n旧,1\r\n".encode("gb18030")
    target.write_bytes(original)
    with pytest.raises(type(exc)):
        with atomic_write(target) as out:
            sink = CsvSink(out, COLUMNS)
            sink.write_header()
            sink.write_rows(half_then(exc, rows=20000))  # half the rows are written, then it fails
    assert target.read_bytes() == original
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_atomic_write_fsyncs_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    with atomic_write(tmp_path / "orders.csv") as out:
        out.write("x")
    assert events[:2] == ["fsync", "replace"]  # the data is on disk before it takes the name
    assert (tmp_path / "orders.csv").read_text() == "x"


def test_atomic_write_failure_creates_no_new_file(tmp_path: Path) -> None:
    target = tmp_path / "new.csv"
    with pytest.raises(Boom):
        with atomic_write(target) as out:
            out.write("partial")
            raise Boom
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_temp_file_is_hidden_beside_the_target(tmp_path: Path) -> None:
    target = tmp_path / "orders.csv"
    with atomic_write(target) as out:
        (temp,) = leftovers(tmp_path)
        # recognisable as cspolicy's, with the writer's process id: a later run cleans it up
        assert re.fullmatch(rf"\.cspolicy-{os.getpid()}-[0-9a-f]+\.tmp", temp)
        out.write("x")
        assert not target.exists()
    assert leftovers(tmp_path) == []


def test_atomic_write_keeps_the_old_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "orders.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    with atomic_write(target) as out:
        out.write("new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.csv"
    with atomic_write(fresh) as out:
        out.write("x")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask  # as open() would make it, not mkstemp's 0600


def test_atomic_write_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        with atomic_write(tmp_path / "x.csv", encoding="klingon"):
            pass
    assert list(tmp_path.iterdir()) == []


# --- AtomicFiles ----------------------------------------------------------------------


def test_atomic_files_commit_all_together(tmp_path: Path) -> None:
    with AtomicFiles() as files:
        a = files.open(tmp_path / "orders.csv", encoding="utf-8-sig")
        b = files.open(tmp_path / "materials.csv")
        CsvSink(a, COLUMNS).write_rows(ROWS)
        CsvSink(b, COLUMNS).write_rows(ROWS[:1])
        assert not (tmp_path / "orders.csv").exists()  # nothing appears before the block ends
    assert (tmp_path / "orders.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "materials.csv").read_text(encoding="utf-8").count("\n") == 1
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("exc", [Boom(), KeyboardInterrupt()])
def test_atomic_files_all_or_nothing(tmp_path: Path, exc: BaseException) -> None:
    (tmp_path / "orders.csv").write_bytes(b"old orders")
    with pytest.raises(type(exc)):
        with AtomicFiles() as files:
            CsvSink(files.open(tmp_path / "orders.csv"), COLUMNS).write_rows(ROWS)  # complete
            second = files.open(tmp_path / "materials.csv")
            CsvSink(second, COLUMNS).write_rows(half_then(exc))
    assert (tmp_path / "orders.csv").read_bytes() == b"old orders"
    assert not (tmp_path / "materials.csv").exists()
    assert leftovers(tmp_path) == []


def test_atomic_files_rejects_the_same_target_twice(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="written twice"):
        with AtomicFiles() as files:
            files.open(tmp_path / "a.csv")
            files.open(tmp_path / "." / "a.csv")
    assert list(tmp_path.iterdir()) == []


# --- format_value ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ctype", "text"),
    [
        (None, T.INTEGER, ""),
        (True, T.BOOLEAN, "yes"),
        (False, T.BOOLEAN, "no"),
        (dt.date(2024, 3, 5), T.DATE, "2024-03-05"),
        (D("12.50"), T.MONEY, "12.50"),
        (D("-0.00"), T.MONEY, "0.00"),
        (D("1E+3"), T.INTEGER, "1000"),
        (D("1E-8"), T.DECIMAL, "0.00000001"),
        (D("3050"), T.QUANTITY, "3050"),
        (D("0.07"), T.PERCENT, "7%"),
        (D("0.155"), T.PERCENT, "15.5%"),
        (D("0.1500"), T.PERCENT, "15%"),
        (D("1"), T.PERCENT, "100%"),
        (D("1E+1"), T.PERCENT, "1000%"),
        (D("-0.05"), T.PERCENT, "-5%"),
        (D("0E-5"), T.PERCENT, "0%"),
        (D("1E-7"), T.PERCENT, "0.00001%"),
        ("001", T.TEXT, "001"),
        ("轻度", T.ENUM, "轻度"),
    ],
)
def test_format_value(value: Value, ctype: T, text: str) -> None:
    assert format_value(value, ctype) == text
    sink_out = io.StringIO(newline="")
    CsvSink(sink_out, [("c", ctype), ("z", T.TEXT)]).write((value, "z"))  # the sink's fast paths agree
    assert sink_out.getvalue() == text + ",z\r\n"


ROW_WRITER_VALUES: list[Value] = [
    None,
    True,
    False,
    "",
    'x, "y"',
    "=1+1",  # text that could start a formula: neutralised the same way on every path
    "-5",
    "@x",
    dt.date(2024, 3, 5),
    D(0),
    D("-0"),
    D("-0.00"),
    D("12.50"),
    D("-3"),
    D("1E+3"),
    D("1E-8"),
    D("0E-5"),
    D("0.155"),
]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(T)),
            st.one_of(st.sampled_from(ROW_WRITER_VALUES), st.decimals(allow_nan=False, allow_infinity=False)),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_row_writer_writes_what_write_writes(cols: list[tuple[T, Value]]) -> None:
    """The generated row writer (with its inline paths, a blank number as '') agrees with
    the per-column formatters, for any value in any column, projected from a wider row."""
    columns = [(f"c{j}", ctype) for j, (ctype, _) in enumerate(cols)]
    values = tuple(value for _, value in cols)
    expected, generated = io.StringIO(newline=""), io.StringIO(newline="")
    CsvSink(expected, columns).write(values)
    CsvSink(generated, columns).row_writer([2 * j + 1 for j in range(len(cols))])(
        tuple(v for value in values for v in ("not written", value))
    )
    assert generated.getvalue() == expected.getvalue()


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_numbers_never_use_exponents(d: Decimal) -> None:
    for ctype in (T.DECIMAL, T.PERCENT):
        text = format_value(d, ctype)
        assert "E" not in text and "e" not in text
    assert D(format_value(d, T.DECIMAL)) == d


# --- CSV ------------------------------------------------------------------------------


def test_csv_with_bom_is_excel_friendly(tmp_path: Path) -> None:
    target = tmp_path / "orders.csv"
    with atomic_write(target, encoding=csv_encoding(bom=True)) as out:
        sink = CsvSink(out, COLUMNS)
        sink.write_header()
        sink.write_rows(ROWS)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        "station,weekly_qty,growth,pay,day,flagged\r\n"
        "A站,3050,15%,12.50,2024-03-15,yes\r\n"
        '"B, ""north""",1525.5,7.5%,-120.01,,no\r\n'
    )


def test_write_all_on_a_bom_file_writes_one_bom_even_when_rewritten(tmp_path: Path) -> None:
    """write_all on a BOM file leaves the stream as it was: the same bytes as utf-8-sig all
    along, and a rewrite from the start gets its BOM again."""
    target = tmp_path / "rows.csv"
    rows = [("中文", "1"), ("=x", "2")]
    with atomic_write(target, encoding=csv_encoding(bom=True)) as out:
        for _ in range(2):  # the fast path's retry: back to the start, write everything again
            out.seek(0)
            out.truncate()
            sink = CsvSink(out, [("a", T.TEXT), ("b", T.TEXT)])
            sink.write_header()
            sink.write_all(rows)
            sink.write(("尾", "3"))
            assert out.encoding == "utf-8-sig"
    assert target.read_bytes() == "\ufeffa,b\r\n中文,1\r\n=x,2\r\n尾,3\r\n".encode()
    plain = io.StringIO(newline="")
    CsvSink(plain, [("a", T.TEXT), ("b", T.TEXT)]).write_all(rows)  # not a file: written as it is
    assert plain.getvalue() == "中文,1\r\n=x,2\r\n"


def test_csv_without_bom(tmp_path: Path) -> None:
    target = tmp_path / "orders.csv"
    with atomic_write(target, encoding=csv_encoding(bom=False)) as out:
        CsvSink(out, COLUMNS).write_header()
    assert target.read_bytes() == b"station,weekly_qty,growth,pay,day,flagged\r\n"


def test_csv_sink_rejects_rows_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="row has 2 values for 6 columns"):
        CsvSink(io.StringIO(), COLUMNS).write(("A", D(1)))


def test_output_is_deterministic(tmp_path: Path) -> None:
    def produce(name: str) -> bytes:
        path = tmp_path / name
        with atomic_write(path, encoding=csv_encoding()) as out:
            sink = CsvSink(out, COLUMNS)
            sink.write_header()
            sink.write_rows(list(ROWS) * 3)
            write_json(out, {"orders": (COLUMNS, ROWS)})
        return path.read_bytes()

    assert produce("one.csv") == produce("two.csv")


# --- JSON -----------------------------------------------------------------------------


def json_text(outputs: dict[str, tuple[Sequence[tuple[str, T]], list[tuple[Value, ...]]]]) -> str:
    out = io.StringIO()
    write_json(out, outputs)
    return out.getvalue()


def test_json_keeps_exact_decimals() -> None:
    text = json_text({"orders": (COLUMNS, ROWS)})
    assert '"pay": 12.50' in text
    assert '"growth": 0.15' in text
    assert '"weekly_qty": 3050' in text
    assert '"station": "A站"' in text  # ensure_ascii=False
    doc = json.loads(text, parse_float=Decimal)
    assert doc["orders"][0] == {
        "station": "A站",
        "weekly_qty": 3050,
        "growth": D("0.15"),
        "pay": D("12.50"),
        "day": "2024-03-15",
        "flagged": True,
    }
    assert doc["orders"][1]["day"] is None
    assert doc["orders"][1]["station"] == 'B, "north"'
    assert str(doc["orders"][0]["pay"]) == "12.50"


def test_json_layout_is_json_dumps_indent_2() -> None:
    columns = [("station", T.TEXT), ("qty", T.INTEGER), ("ok", T.BOOLEAN)]
    rows: list[tuple[Value, ...]] = [("A", D(1), True), ("乙", D(-2), None)]
    text = json_text({"orders": (columns, rows), "empty": (columns, []), "bare": ([], [()])})
    expected = {
        "orders": [{"station": "A", "qty": 1, "ok": True}, {"station": "乙", "qty": -2, "ok": None}],
        "empty": [],
        "bare": [{}],
    }
    assert text == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert json_text({}) == "{}\n"


def test_json_streams_rows_from_an_iterator() -> None:
    def rows() -> Iterator[tuple[Value, ...]]:
        yield ("A", D(1), None)
        raise Boom

    out = io.StringIO()
    with pytest.raises(Boom):
        write_json(out, {"orders": ([("s", T.TEXT), ("q", T.INTEGER), ("d", T.DATE)], rows())})
    assert '"s": "A"' in out.getvalue()  # the first row went out before the second was made


def test_json_rejects_non_finite_numbers() -> None:
    with pytest.raises(ValueError, match="JSON number"):
        json_text({"o": ([("x", T.DECIMAL)], [(D("NaN"),)])})


# --- render ---------------------------------------------------------------------------


def test_render_table_aligns_numbers_right_and_keeps_text() -> None:
    columns = [("站点", T.TEXT), ("qty", T.INTEGER), ("growth", T.PERCENT), ("code", T.TEXT)]
    rows: list[tuple[Value, ...]] = [("A站", D(3050), D("0.15"), "0012"), ("B", D(7), D("0.075"), "1e3")]
    text = render_table(columns, rows)
    assert text.splitlines() == [  # 站点 is 4 terminal columns wide
        "站点      qty    growth  code",
        "------  -----  --------  ------",
        "A站      3050       15%  0012",
        "B           7      7.5%  1e3",
    ]


def test_render_table_headers_override() -> None:
    text = render_table([("qty", T.INTEGER)], [(D(1),)], headers=["周订货量"])
    assert text.splitlines()[0].strip() == "周订货量"
    with pytest.raises(ValueError):
        render_table([("qty", T.INTEGER)], [], headers=["a", "b"])


def test_what_the_writer_writes_the_reader_reads() -> None:
    cases: list[tuple[Value, T]] = [
        (D("0.155"), T.PERCENT),
        (D("12.50"), T.MONEY),
        (dt.date(2024, 3, 5), T.DATE),
        (False, T.BOOLEAN),
    ]
    for value, ctype in cases:
        assert make_converter(ColumnSpec("c", ctype))(format_value(value, ctype)) == value
