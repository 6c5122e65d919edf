"""Output that is safe to open (issue 14 §4): CSV injection neutralised, control characters
escaped on the terminal, a bounded terminal table, the files written listed on stderr."""

from __future__ import annotations

import csv
import doctest
import io
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import cspolicy.engine.fastpath as fastpath
import cspolicy.tables.render as render
import cspolicy.tables.writer as writer
from cspolicy import load_policy, run_files
from cspolicy.cli.main import cli
from cspolicy.tables import CsvSink
from cspolicy.tables.render import TerminalStream, render_table, terminal_text
from cspolicy.tables.writer import FORMULA_STARTS, neutralise_formula
from cspolicy.values import ColumnType as T

HEADER = "站点,物料,上月实际票数,增长率,申请数量,超额理由\n"
POLICY = load_policy("materials-order")

# --- CSV injection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("--", "'--"),
        ("-5", "-5"),  # a plain number: a spreadsheet reads the number, nothing runs
        ("+1.5", "+1.5"),
        ("-1e5", "'-1e5"),  # not plain decimal notation: neutralised
        ("A站=1", "A站=1"),  # only the first character matters
        (" =1", " =1"),  # a leading space: spreadsheets read text (OWASP lists no space)
        ("'=1", "'=1"),  # already quoted: unchanged
        ("", ""),
        ("＝1", "＝1"),  # full-width signs do not start formulas
    ],
)
def test_neutralise_formula(text: str, written: str) -> None:
    assert neutralise_formula(text) == written


@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_keeps_the_text(text: str) -> None:
    out = neutralise_formula(text)
    assert out in (text, "'" + text)
    assert not out.startswith(FORMULA_STARTS) or out.lstrip("+-").replace(".", "", 1).isdigit()


@pytest.mark.parametrize("ctype", [T.TEXT, T.ENUM])
def test_csv_sink_neutralises_text_in_every_path(ctype: T) -> None:
    columns = [("name", ctype), ("n", T.INTEGER)]
    rows = [("=1+1", Decimal(-5)), ("@x", Decimal(1)), ("-5", Decimal(0)), ("ok", Decimal(-1))]
    expected = "'=1+1,-5\r\n'@x,1\r\n-5,0\r\nok,-1\r\n"  # numbers, negative ones too, untouched
    for write in ("write", "row_writer"):
        out = io.StringIO(newline="")
        sink = CsvSink(out, columns)
        if write == "write":
            sink.write_rows(rows)
        else:
            row = sink.row_writer([0, 1])
            for r in rows:
                row(r)
        assert out.getvalue() == expected, write


def stations(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "stations.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def csv_line(*cells: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


HOSTILE = csv_line('=HYPERLINK("http://evil","点我")', "@SUM(1)", "10000", "15%", "", "")


def test_csv_files_neutralise_json_keeps_the_raw_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = stations(tmp_path, HOSTILE)
    run_files(POLICY, {"stations": src}, output=tmp_path / "fast")  # the fused loop
    monkeypatch.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
    run_files(POLICY, {"stations": src}, output=tmp_path / "careful")  # the careful engine
    run_files(POLICY, {"stations": src}, output=tmp_path / "raw.json")
    for way in ("fast", "careful"):
        orders = list(csv.reader(io.StringIO((tmp_path / way / "orders.csv").read_text(encoding="utf-8-sig"))))
        # the station is a key column, so it is written in its key form (upper case)
        assert orders[1][:2] == ['\'=HYPERLINK("HTTP://EVIL","点我")', "'@SUM(1)"]
        materials = (tmp_path / way / "materials.csv").read_text(encoding="utf-8-sig").splitlines()
        assert materials[1].startswith("'@SUM(1),1,3050,")  # 10000 × 1.22 ÷ 4 = 3050
    doc = json.loads((tmp_path / "raw.json").read_text(encoding="utf-8"))
    assert doc["orders"][0]["station"] == '=HYPERLINK("HTTP://EVIL","点我")'
    assert doc["materials"][0]["material"] == "@SUM(1)"


def test_csv_on_stdout_is_neutralised_too(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["run", "materials-order", str(stations(tmp_path, HOSTILE)), "--format", "csv", "--only", "materials"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("'@SUM(1),")


@pytest.mark.parametrize("module", [writer, render])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


# --- control characters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("a\x07b\x00c", "a\\x07b\\x00c"),
        ("\x9b2J", "\\x9b2J"),  # a C1 control: CSI on some terminals
        ("\x7f", "\\x7f"),
        ("abc\u202eexe.pdf", "abc\\u202eexe.pdf"),  # right-to-left override
        ("two\nlines\tand\rreturn", "two\\x0alines\\x09and\\x0dreturn"),
        ("\ud800", "\\ud800"),  # a lone surrogate cannot even be printed
        ("站点 ok", "站点 ok"),
    ],
)
def test_terminal_text_escapes_controls(text: str, shown: str) -> None:
    assert terminal_text(text) == shown


def test_terminal_text_for_lines_keeps_line_ends_and_tabs() -> None:
    assert terminal_text("a\tb\r\nc\nd\re\x1b", lines=True) == "a\tb\r\nc\nd\\x0de\\x1b"


def test_terminal_stream_sees_a_crlf_split_across_writes() -> None:
    out = io.StringIO()
    stream = TerminalStream(out)
    for part in ("a,b\r", "\nc\r", "x\x1b", "\r"):
        stream.write(part)
    stream.flush()
    assert out.getvalue() == "a,b\r\nc\\x0dx\\x1b\\r"


@pytest.fixture
def controls_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let control characters through the reader (which refuses them since issue 14), to
    show that the writers escape them on a terminal all the same: defence in depth."""
    import re

    from cspolicy.tables import cells, convert_words, rowcode

    for module in (cells, convert_words):
        monkeypatch.setattr(module, "bad_control", lambda cell, multiline=False: None)
    monkeypatch.setattr(rowcode, "CONTROL_OR_BREAK", re.compile("(?!)"))


@pytest.mark.usefixtures("controls_read")
def test_the_table_shows_controls_escaped(tmp_path: Path) -> None:
    src = stations(tmp_path, "\x1b[2J\x1b[31mA站,面单\u202e,10000,15%,,\x07\n")
    result = CliRunner().invoke(cli, ["run", "materials-order", str(src)])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "\\x1b[2J\\x1b[31MA站" in result.stdout  # a key column: upper case and "面单\\u202e" in result.stdout


def test_render_table_escapes_headers_and_cells() -> None:
    lines = render_table([("a\x1b", T.TEXT)], [("x\ny",)]).splitlines()
    assert (lines[0].strip(), lines[2].strip()) == ("a\\x1b", "x\\x0ay")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.usefixtures("controls_read")
@pytest.mark.parametrize(("fmt", "only"), [("csv", ["orders"]), ("json", [])])
def test_csv_and_json_to_a_terminal_are_escaped_to_a_pipe_raw(tmp_path: Path, fmt: str, only: list[str]) -> None:
    src = stations(tmp_path, "A站\x1b[31m,面单\x9b,10000,15%,,\n")
    tty, pipe = Tty(), io.StringIO()
    run_files(POLICY, {"stations": src}, fmt=fmt, only=only, stdout=tty)
    run_files(POLICY, {"stations": src}, fmt=fmt, only=only, stdout=pipe)
    assert "\x1b" not in tty.getvalue() and "\x9b" not in tty.getvalue()
    assert "面单\\x9b" in tty.getvalue()
    if fmt == "csv":  # a pipe gets the data as it is
        assert "A站\\x1b[31M" in tty.getvalue() and "\r\n" in tty.getvalue()
        assert "A站\x1b[31M,面单\x9b" in pipe.getvalue()  # key columns: upper case
    else:  # JSON escapes C0 itself (\u001b), not C1
        assert "A站\\u001b[31M" in tty.getvalue()
        assert json.loads(pipe.getvalue())["orders"][0]["material"] == "面单\x9b"


@pytest.mark.usefixtures("controls_read")
def test_explanations_to_a_terminal_are_escaped(tmp_path: Path) -> None:
    src = stations(tmp_path, "A站,面单,10000,15%,,\x1b]0;pwned\x07\n")
    tty = Tty()
    run_files(POLICY, {"stations": src}, explain="A站", stdout=tty)
    assert "\x1b" not in tty.getvalue() and "\\x1b]0;pwned\\x07" in tty.getvalue()


# --- a bounded terminal table -------------------------------------------------------------------


def many(tmp_path: Path, rows: int, name: str = "stations.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"S{i},面单,{i},15%,,\n" for i in range(rows)), encoding="utf-8")
    return path


def test_the_table_shows_the_first_rows_and_says_how_many_more(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "materials-order", str(many(tmp_path, 1234))])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "orders (1,234 rows, the first 50 shown)"
    assert lines[2 + 50].split()[0] == "S49"  # title, header, rule, then rows S0 … S49
    assert lines[3 + 50] == (
        "… 1,184 more rows not shown: --limit 0 shows them all; -o DIR, -o FILE.csv or -o FILE.json writes them all to files"
    )
    assert "materials (1 row)" in lines  # fewer rows than the limit: no line about more


@pytest.mark.parametrize(("limit", "shown"), [("3", 3), ("0", 60)])
def test_limit(tmp_path: Path, limit: str, shown: int) -> None:
    result = CliRunner().invoke(cli, ["run", "materials-order", str(many(tmp_path, 60)), "--limit", limit, "--only", "orders"])
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("S")]
    assert len(rows) == shown
    assert ("more rows not shown" in result.stdout) == (shown < 60)


def peak_memory(src: Path) -> int:
    tracemalloc.start()
    try:
        run_files(POLICY, {"stations": src}, stdout=io.StringIO())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_table_keeps_memory_flat(tmp_path: Path) -> None:
    # 30 000 rows held for a table took about 90 MB (the issue: 2 000 000 took 6.9 GB);
    # kept to the first 50, ten times the rows take no more memory than a tenth of them.
    small = peak_memory(many(tmp_path, 3_000, "small.csv"))
    large = peak_memory(many(tmp_path, 30_000, "large.csv"))
    assert large < small + 1_000_000, (small, large)
    assert large < 8_000_000


# --- what an -o run says ------------------------------------------------------------------------


def test_an_output_run_lists_the_files_it_wrote_unless_quiet(tmp_path: Path) -> None:
    src = many(tmp_path, 3)
    result = CliRunner().invoke(cli, ["run", "materials-order", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert result.stdout == ""
    out = tmp_path / "out"
    assert result.stderr == f"wrote {out / 'orders.csv'} (3 rows)\nwrote {out / 'materials.csv'} (1 row)\n"
    quiet = CliRunner().invoke(cli, ["run", "materials-order", str(src), "-o", str(tmp_path / "out"), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""
