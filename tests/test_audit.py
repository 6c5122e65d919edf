"""Tests of the fixes made by the issue-14 audit (the catalogue cases are in
``tests/bad_cases/audit.py``). Expected figures are worked out in the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.cli.main import cli

OFFENCES = "工号,姓名,日期,违规,金额,备注\n"


def _run(runner, tmp_path: Path, monkeypatch, files: dict[str, str], args: list[str]):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return runner.invoke(cli, args)


# --- offence codes ---------------------------------------------------------------------------


def test_offence_codes_match_by_width_case_and_invisible_characters_only(runner, tmp_path, monkeypatch):
    # C1 (club): warning, fine 10, fine 20, then the last rung repeats. `c1`, `Ｃ１` and a C1
    # with a zero-width space copied from a web page are the same offence: occurrences 1-4.
    rows = "".join(f"E001,王芳,2024-03-0{d},{code},,\n" for d, code in enumerate(["C1", "c1", "Ｃ１", "C1\u200b"], 2))
    result = _run(
        runner,
        tmp_path,
        monkeypatch,
        {"o.csv": OFFENCES + rows},
        ["run", "penalties-club", "o.csv", "--format", "csv", "--only", "sanctions"],
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()[1:]
    assert [line.split(",")[4:7] for line in lines] == [
        ["1", "warning", "0.00"],
        ["2", "fine", "10.00"],
        ["3", "fine", "20.00"],
        ["4", "fine", "20.00"],
    ]


def test_schedule_find_never_reads_other_digits_as_digits():
    from cspolicy.blocks import Action, Ladder, Offence, Rung, Schedule, UnknownOffence, Window

    c1 = Offence(
        "C1", "上班时做与工作无关的事", "unrelated activity", Ladder((Rung((Action("warning"),)),), Window("month")), "R-PN-1"
    )
    schedule = Schedule([c1], ["warning"])
    assert schedule.find(" ｃ１ ").code == "C1"
    for text in ["C①", "C₁", "C¹", "C١"]:
        with pytest.raises(UnknownOffence, match="is not a digit"):
            schedule.find(text)


@pytest.mark.xfail(
    strict=True,
    reason="the audit's fix was written against the old explanation code and did not survive the merge with the plain-words renderer; to redo",
)
def test_explain_finds_a_key_in_any_width_or_case_but_never_through_nfkc(runner, tmp_path, monkeypatch):
    rows = "E1,王芳,2024-03-02,G1,,\nE¹,李四,2024-03-03,G1,,\n"
    files = {"o.csv": OFFENCES + rows}
    result = _run(runner, tmp_path, monkeypatch, files, ["run", "penalties-club", "o.csv", "--explain", "ｅ１"])
    assert result.exit_code == 0, result.stderr
    titles = [line for line in result.stdout.splitlines() if " · " in line]
    assert titles == ["sanctions · E1 (o.csv row 2)", "employees · E1"]


@pytest.mark.xfail(
    strict=True,
    reason="the audit's fix was written against the old explanation code and did not survive the merge with the plain-words renderer; to redo",
)
def test_explain_takes_a_full_width_slash_between_key_parts(runner, examples_dir):
    result = runner.invoke(cli, ["run", "materials-order", str(examples_dir / "stations.csv"), "--explain", "ａ站／面单"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("orders · A站 / 面单 (")


# --- quotes ----------------------------------------------------------------------------------


def _read(tmp_path: Path, text: str, multiline: bool = False):
    from cspolicy.tables import read_table
    from cspolicy.tables.spec import ColumnSpec, TableSpec
    from cspolicy.values import ColumnType

    spec = TableSpec(
        "t", (ColumnSpec("a", ColumnType.TEXT), ColumnSpec("b", ColumnType.TEXT, required=False, multiline=multiline))
    )
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    return list(read_table(path, spec, display_name="t.csv").rows())


@pytest.mark.parametrize(
    ("cell", "value"),
    [('"a""b"', 'a"b'), ('a"b', 'a"b'), ('"ab"c', "abc"), ('"x" ', "x"), ('"a,b"', "a,b")],
    ids=["doubled-quote", "quote-inside", "text-after-closing-quote", "space-after-closing-quote", "comma"],
)
def test_quotes_are_read_as_excel_reads_them(tmp_path, cell, value):
    # the strict reader raises on the last three; they are read again leniently, as Excel does
    rows = _read(tmp_path, f"a,b\r\n1,{cell}\r\n2,z\r\n")
    assert rows == [(2, ("1", value)), (3, ("2", "z"))]


def test_a_quote_never_closed_is_refused_even_in_a_multiline_column(tmp_path):
    from cspolicy.errors import DataErrors

    with pytest.raises(DataErrors) as info:
        _read(tmp_path, 'a,b\r\n1,"x" \r\n2,"line one\r\nline two\r\n', multiline=True)
    (error,) = info.value.errors
    assert (error.row, error.column) == (3, "b")
    assert "never closed, so it runs to the end of the file (lines 3 to 4)" in str(error)


# --- comments in block formulas --------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
WEEKLY = "        expr: parcels × (1 + growth + loss) ÷ 4\n"


@pytest.mark.parametrize(
    ("block", "weekly"),
    [
        # A站: 10000 parcels, growth 15%, loss 7%: 10000 × 1.22 ÷ 4 = 3050; + 100 = 3150
        ("        expr: >-\n          parcels × (1 + growth + loss) ÷ 4  # base\n", "3050"),
        ("        expr: >-\n          parcels × (1 + growth + loss) ÷ 4  # base\n            + 100\n", "3150"),
        ("        expr: >2-\n            parcels × (1 + growth + loss) ÷ 4  # base\n            + 100\n", "3150"),
        ("        expr: >-\n          parcels × (1 + growth + loss) ÷ 4 + (1 if '#' == 'a#' else 0)  # base\n", "3050"),
    ],
    ids=["one-line-block", "more-indented-line", "indentation-indicator", "hash-in-a-string"],
)
def test_a_comment_in_any_folded_block_ends_at_its_line(runner, tmp_path, monkeypatch, block, weekly):
    # these folded blocks kept their text unchanged by folding, so they were taken for plain
    # multi-line formulas and their comments refused ("without a block marker")
    policy = (REPO / "policies" / "materials-order.yaml").read_text(encoding="utf-8").replace(WEEKLY, block)
    stations = "站点,物料,上月实际票数,增长率\nA站,面单,10000,15%\n"
    args = ["run", "p.yaml", "s.csv", "--only", "orders", "--format", "csv"]
    result = _run(runner, tmp_path, monkeypatch, {"p.yaml": policy, "s.csv": stations}, args)
    assert result.exit_code == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert dict(zip(header.split(","), row.split(",")))["weekly_qty"] == weekly


# --- data on a console that cannot hold it ---------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="PYTHONIOENCODING in a POSIX subprocess")
@pytest.mark.parametrize(
    ("encoding", "args", "refused"),
    [
        # the first character each cannot hold: 违 of the offence's name; the euro sign of the note
        ("ascii", ["--format", "csv", "--only", "sanctions"], "(U+8FDD CJK UNIFIED IDEOGRAPH-8FDD)"),
        ("ascii", ["--format", "json"], "(U+8FDD CJK UNIFIED IDEOGRAPH-8FDD)"),
        ("gbk", ["--format", "csv", "--only", "sanctions"], "'\\u20ac' (U+20AC EURO SIGN)"),
        ("gbk", ["--format", "json"], "(U+20AC EURO SIGN)"),
    ],
)
def test_csv_or_json_that_standard_output_cannot_hold_is_refused_not_written_with_question_marks(
    tmp_path, encoding, args, refused
):
    # Before, the console's encoding turned such characters into '?' with exit 0: the CSV a
    # clerk redirected into a file had lost them.
    (tmp_path / "o.csv").write_text(OFFENCES + "E001,王芳,2024-03-02,G1,,€ 20\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    command = [sys.executable, "-m", "cspolicy", "run", "penalties-club", "o.csv", *args]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout == b""
    stderr = result.stderr.decode(encoding, "replace")
    assert stderr.startswith(f"Error: standard output: its encoding {encoding} cannot write '")
    assert f"{refused} of the output, which would become '?'" in stderr
    assert "PYTHONIOENCODING=utf-8" in stderr and len(stderr.splitlines()) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="PYTHONIOENCODING in a POSIX subprocess")
def test_csv_that_a_gbk_console_can_hold_is_written_in_gbk(tmp_path):
    (tmp_path / "o.csv").write_text(OFFENCES + "E001,王芳,2024-03-02,G1,,迟到\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    command = [sys.executable, "-m", "cspolicy", "run", "penalties-club", "o.csv", "--format", "csv", "--only", "sanctions"]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("gbk").splitlines()[1] == "E001,2024-03-02,G1,违反前台规章制度,1,warning,0.00,R-PN-1,迟到"


# --- evaluate() ------------------------------------------------------------------------------

ROW = {"station": "A", "material": "面单", "parcels": "10000"}


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ([ROW], "evaluate(): tables is a list; expected a dict of each input's rows: {'stations': [...]}"),
        ({"stations": {**ROW, "growth": "5%"}}, "evaluate(): tables['stations'] is a dict, not a list of rows"),
        ({"stations": "stations.csv"}, "cspolicy.run_files(policy, {'stations': path})"),
        ({"stations": None}, "evaluate(): tables['stations'] is a NoneType, not a list of rows"),
    ],
    ids=["a-list-of-rows", "one-row", "a-file-name", "none"],
)
@pytest.mark.xfail(strict=False, reason="a merge of the audit and the formula work changed this message; to reconcile")
def test_evaluate_refuses_tables_of_the_wrong_shape(tables, message):
    # a dict of one row was iterated as its keys ("tables['stations'][0] is a str"), a file
    # name as its characters, and a list as the tables made a TypeError
    from cspolicy import UsageError, evaluate, load_policy

    with pytest.raises(UsageError) as info:
        evaluate(load_policy("materials-order"), tables)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("growth", "weekly"),
    [
        # 10000 × (1 + growth + 7%) ÷ 4, rounded up
        (Decimal("0.05"), Decimal(2800)),  # 10000 × 1.12 ÷ 4 = 2800
        ("5%", Decimal(2800)),
        (Decimal("0.999"), Decimal(5173)),  # 10000 × 2.069 ÷ 4 = 5172.5 → 5173
        (0, Decimal(2675)),  # 10000 × 1.07 ÷ 4 = 2675
        (Decimal("-0.5"), Decimal(1425)),  # 10000 × 0.57 ÷ 4 = 1425
    ],
)
def test_evaluate_reads_a_percent_value_like_a_percent_cell(growth, weekly):
    from cspolicy import evaluate, load_policy

    results = evaluate(load_policy("materials-order"), {"stations": [{**ROW, "growth": growth}]})
    assert results["orders"][0]["weekly_qty"] == weekly


@pytest.mark.parametrize("growth", [Decimal(5), Decimal(1), Decimal("1.0"), 5, "5", Decimal("5E+1"), Decimal("NaN")])
def test_evaluate_refuses_a_bare_percent_value_of_1_or_more_like_a_cell(growth):
    # Decimal(5) is the text '5': 500 % or 5 %? Refused with the two ways to write it, as a CSV
    # cell '5' is; the magnitude rule does not depend on the value's Python type.
    from cspolicy import DataError, evaluate, load_policy

    with pytest.raises(DataError) as info:
        evaluate(load_policy("materials-order"), {"stations": [{**ROW, "growth": growth}]})
    assert "stations:2:growth: column 'growth': '" in str(info.value)
    assert "is not a percentage" in str(info.value)


# --- what is wrong with a number, said ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("5 000", "it holds a space"),
        ("5\u2009000", "it holds U+2009 THIN SPACE"),
        ("5\u00a0000", "it holds U+00A0 NO-BREAK SPACE"),
        ("5\u200b000", "it holds U+200B ZERO WIDTH SPACE"),  # invisible: the message must name it
    ],
)
def test_a_space_inside_a_number_is_named(cell, said):
    from cspolicy.tables import CellError, make_converter
    from cspolicy.tables.spec import ColumnSpec
    from cspolicy.values import ColumnType

    for ctype in (ColumnType.INTEGER, ColumnType.PERCENT, ColumnType.MONEY):
        with pytest.raises(CellError) as info:
            make_converter(ColumnSpec("x", ctype))(cell)
        assert said in str(info.value) and "without spaces inside" in str(info.value)


def test_a_date_and_time_is_not_blamed_on_its_space():
    from cspolicy.tables import CellError, make_converter
    from cspolicy.tables.spec import ColumnSpec
    from cspolicy.values import ColumnType

    with pytest.raises(CellError) as info:
        make_converter(ColumnSpec("x", ColumnType.DATE))("2024-03-02 10:00")
    assert "space" not in str(info.value)


# --- exit 3 for a directory that cannot be written, even for root ------------------------------


def _chattr(flag: str, path: Path) -> bool:
    try:
        return subprocess.run(["chattr", flag, str(path)], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.skipif(os.name != "posix", reason="chattr and permission bits")
@pytest.mark.parametrize("output", ["locked", "locked/out.json", "locked/new/"])
def test_a_directory_that_cannot_be_written_is_exit_3_even_for_root(runner, tmp_path, monkeypatch, output):
    # root ignores permission bits (the tests run as root in CI), but not the immutable flag;
    # as another user, mode 555 does the same
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:
        if not _chattr("+i", locked):
            pytest.skip("chattr +i is not available here")
    else:
        os.chmod(locked, 0o555)
    try:
        files = {"s.csv": "站点,物料,上月实际票数,增长率\nA站,面单,10000,15%\n"}
        result = _run(runner, tmp_path, monkeypatch, files, ["run", "materials-order", "s.csv", "-o", output])
    finally:
        if os.geteuid() == 0:
            _chattr("-i", locked)
        os.chmod(locked, 0o755)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith("Error: locked")
    assert "cannot" in result.stderr and "write elsewhere" in result.stderr
    assert list(locked.iterdir()) == []


# --- digits in formulas ------------------------------------------------------------------------


@pytest.mark.parametrize(("formula", "odd"), [("parcels ÷ 4¹", "¹"), ("parcels ÷ ④", "④"), ("parcels × ½", "½")])
def test_a_formula_has_the_digits_of_a_cell(formula, odd):
    # the lexer's NFKC read '4¹' as 41: a weekly order of 298 instead of 3050, exit 0
    from cspolicy.expressions import ExpressionError, compile_expression
    from cspolicy.expressions.symbols import Symbol
    from cspolicy.values import Kind

    with pytest.raises(ExpressionError) as info:
        compile_expression(formula, {"parcels": Symbol("parcels", Kind.NUMBER)})
    assert f"'{odd}' (U+" in str(info.value) and "is not a digit" in str(info.value)


def test_full_width_digits_and_digits_in_strings_and_comments_are_fine():
    from cspolicy.expressions import compile_expression
    from cspolicy.expressions.symbols import Symbol
    from cspolicy.values import Kind

    expr = compile_expression(
        "parcels ÷ ４ if s != '①' else 0  # ¹",
        {"parcels": Symbol("parcels", Kind.NUMBER), "s": Symbol("s", Kind.TEXT)},
    )
    assert expr.evaluate({"parcels": Decimal(10), "s": "x"}) == Decimal("2.5")


@pytest.mark.parametrize(
    ("parse", "text", "odd"),
    [
        ("parse_duration", "1²5", "²"),  # was 125 seconds
        ("parse_duration", "①:05", "①"),  # was 65 seconds
        ("parse_datetime", "2025-03-0① 09:15", "①"),  # was 2025-03-01 09:15
        ("parse_datetime", "٢٠٢٥-03-01 09:15", "٢"),  # \\d matched Arabic-Indic digits
    ],
)
def test_dates_and_durations_have_the_digits_of_a_cell(parse, text, odd):
    import cspolicy.dates
    from cspolicy import DataError

    with pytest.raises(DataError) as info:
        getattr(cspolicy.dates, parse)(text)
    assert f"('{odd}' (U+" in str(info.value) and "is not a digit)" in str(info.value)
    assert cspolicy.dates.parse_duration("２:０５") == 125  # full-width digits still are digits


def test_the_files_written_are_named_with_control_characters_escaped(runner, tmp_path, monkeypatch, examples_dir):
    # click strips ANSI escapes only when stderr is not a terminal: on one they went through raw
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["run", "materials-order", str(examples_dir / "stations.csv"), "-o", "o\x1b[2Jdir"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == ["wrote o\\x1b[2Jdir/orders.csv (7 rows)", "wrote o\\x1b[2Jdir/materials.csv (3 rows)"]


def test_an_output_path_ending_in_a_slash_is_a_directory_whatever_its_suffix(runner, tmp_path, monkeypatch, examples_dir):
    # `-o out.csv/` wrote one CSV file named out.csv
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["run", "materials-order", str(examples_dir / "stations.csv"), "-o", "out.csv/", "-q"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out.csv").iterdir()) == ["materials.csv", "orders.csv"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_as_input_is_refused_saying_so(runner, tmp_path, monkeypatch):
    # the reader opens an input several times (detection, header, rows): a pipe's bytes come
    # once, so its header was read from the middle of the data ("the first row is empty")
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "pipe.csv")
    result = runner.invoke(cli, ["run", "materials-order", "pipe.csv", "-o", "out.json"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: pipe.csv: is a pipe or a device, not a file: cspolicy reads an input more than once; "
        "expected the data saved to a file first (… > stations.csv), then that file\n"
    )


# --- property: what csv.writer writes, the reader reads back -----------------------------------

_CELL_TEXT = st.text(st.sampled_from(list("ab 站,\"'#=+-%") + ["１", "\u3000", "\u200b"]), max_size=8)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(_CELL_TEXT, _CELL_TEXT), max_size=6), end=st.sampled_from(["\r\n", "\n"]))
def test_quoted_cells_written_by_a_csv_writer_read_back_unchanged(rows, end):
    # the strict reader (and its lenient fallback) must not misread any well-formed quoting
    import csv
    import io
    import tempfile

    from cspolicy.tables import read_table
    from cspolicy.tables.spec import ColumnSpec, TableSpec
    from cspolicy.values import ColumnType

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=end)
    writer.writerow(["a", "b"])
    writer.writerows([("x" + a, b) for a, b in rows])  # column a never blank: no row is skipped
    spec = TableSpec("t", (ColumnSpec("a", ColumnType.TEXT), ColumnSpec("b", ColumnType.TEXT, required=False)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        got = [values for _, values in read_table(path, spec).rows()]
    assert got == [(("x" + a).strip(), b.strip() or None) for a, b in rows]


def test_evaluate_refuses_a_lone_surrogate_in_a_cell():
    # no file decodes to one, but a Python string can hold it; CSV output would then fail
    from cspolicy import DataError, evaluate, load_policy

    with pytest.raises(DataError) as info:
        evaluate(load_policy("materials-order"), {"stations": [{**ROW, "growth": "5%", "reason": "x\ud800"}]})
    assert "'x\\ud800' holds U+D800, a lone surrogate" in str(info.value)


# --- explanations are bounded --------------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="the audit's fix was written against the old explanation code and did not survive the merge with the plain-words renderer; to redo",
)
def test_a_key_matching_many_rows_explains_the_first_50_and_counts_the_rest(runner, tmp_path, monkeypatch):
    # a material's name matches every row of it: one explanation per row was kept in memory
    # (100,000 rows: about 1 GB); now 50 per output, then one line saying how many more
    rows = "".join(f"S{i},面单,{i},15%\n" for i in range(120))
    files = {"s.csv": "站点,物料,上月实际票数,增长率\n" + rows}
    result = _run(runner, tmp_path, monkeypatch, files, ["run", "materials-order", "s.csv", "--explain", "面单"])
    assert result.exit_code == 0, result.stderr
    titles = [line for line in result.stdout.splitlines() if line.startswith(("orders · ", "materials · "))]
    assert len([t for t in titles if t.startswith("orders · ")]) == 50
    assert titles[-1] == "materials · 面单"
    assert result.stdout.rstrip().endswith(
        "… 70 more rows of orders with this key not explained (the first 50 are): give a fuller key"
    )


@pytest.mark.xfail(
    strict=True,
    reason="the audit's fix was written against the old explanation code and did not survive the merge with the plain-words renderer; to redo",
)
def test_results_explain_is_bounded_the_same_way():
    from cspolicy import evaluate, load_policy

    rows = [{"station": f"S{i}", "material": "面单", "parcels": str(i), "growth": "15%"} for i in range(51)]
    text = evaluate(load_policy("materials-order"), {"stations": rows}).explain("面单")
    assert text.count("orders · ") == 50 and text.endswith(
        "… 1 more row of orders with this key not explained (the first 50 are): give a fuller key"
    )


def test_an_output_named_twice_with_only_is_written_once(runner, examples_dir):
    # it gave a JSON document with the key "orders" twice, two sheets, or an error about CSV
    result = runner.invoke(
        cli,
        [
            "run",
            "materials-order",
            str(examples_dir / "stations.csv"),
            "--only",
            "orders",
            "--only",
            "orders",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count('"orders":') == 1
