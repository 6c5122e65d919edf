"""The bad-input catalogue: one broken fixture per error (STYLE.md #12, #13).

Every case runs the real CLI in a scratch directory and asserts the exit code, the message
on stderr (with ``file:row:column`` for data and ``file:line`` for policies), an empty
stdout, no traceback, and that no output file appeared (``-o out.json`` is added to every
``run`` that does not choose its own ``-o``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cspolicy.cli import cli

REPO = Path(__file__).resolve().parent.parent
BASE = (REPO / "policies" / "materials-order.yaml").read_text(encoding="utf-8")
HEADER = "站点,物料,上月实际票数,增长率,申请数量,超额理由\n"
GOOD = HEADER + "A站,面单,10000,15%,,\n"
WEEKLY_EXPR = "        expr: parcels × (1 + growth + loss) ÷ 4\n"


@dataclass
class Case:
    id: str
    args: list[str]
    code: int
    messages: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    pattern: str | None = None  # a regex that must match stderr
    lines: int | None = None  # exact number of lines on stderr
    add_output: bool = True  # add -o out.json to a run that has no -o


def csv_case(
    id: str, body: str | bytes, messages: list[str], *, lines: int | None = 1, code: int = 1, extra: tuple[str, ...] = ()
) -> Case:
    return Case(id, ["run", "materials-order", "stations.csv", *extra], code, messages, files={"stations.csv": body}, lines=lines)


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


ANY_LINE = "<any line>"


def line_of(text: str, marker: str) -> int:
    (number,) = [n for n, line in enumerate(text.splitlines(), 1) if marker in line][:1]
    return number


def policy_case(id: str, text: str | bytes, messages: list[str], marker: str | None) -> Case:
    """A broken policy copy ``bad.yaml``; ``marker`` is text on the line the error must name
    (ANY_LINE: some line; None: the error has no line, e.g. the file is too big)."""
    if marker is None:
        pattern = r"bad\.yaml: "
    elif marker is ANY_LINE:
        pattern = r"bad\.yaml:\d+(:\d+)?: "
    else:
        pattern = rf"bad\.yaml:{line_of(str(text), marker)}(:\d+)?: "
    return Case(
        id,
        ["run", "bad.yaml", "stations.csv"],
        2,
        messages,
        files={"bad.yaml": text, "stations.csv": GOOD},
        pattern=pattern,
        lines=1,
    )


def laughs() -> str:
    """Nine levels of nine aliases each (9**9 strings if expanded), then the policy."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n" + BASE


many_bad = HEADER + "A站,面单,abc,15%,,\nB站,面单,100,x,,\nC站,面单,100,15%,-3,\n"
sixty_bad = HEADER + "".join(f"S{i},面单,x{i},15%,,\n" for i in range(60))
late_gb = (HEADER + "".join(f"S{i},面单,{i},15%,,\n" for i in range(5000))).encode("utf-8") + "Z站,面单,1,15%,,\n".encode(
    "gb18030"
)

CASES = [
    # --- CSV cells and files (exit 1) -------------------------------------------------------
    csv_case(
        "parcels-abc",
        HEADER + "A站,面单,10000,15%,,\nB站,面单,abc,15%,,\n",
        ["stations.csv:3:上月实际票数", "'abc' is not a whole number"],
    ),
    csv_case(
        "parcels-fraction", HEADER + "A站,面单,12.5,15%,,\n", ["stations.csv:2:上月实际票数", "'12.5' is not a whole number"]
    ),
    csv_case("parcels-negative", HEADER + "A站,面单,-5,15%,,\n", ["stations.csv:2:上月实际票数", "'-5' is below the minimum 0"]),
    csv_case("growth-bare-15", HEADER + "A站,面单,100,15,,\n", ["stations.csv:2:增长率", "'15'", "write 15%"]),
    csv_case("growth-abc-percent", HEADER + "A站,面单,100,abc%,,\n", ["stations.csv:2:增长率", "'abc%' is not a percentage"]),
    csv_case("requested-negative", HEADER + "A站,面单,100,15%,-1,\n", ["stations.csv:2:申请数量", "below the minimum 0"]),
    csv_case("parcels-blank", HEADER + "A站,面单,,15%,,\n", ["stations.csv:2:上月实际票数", "blank"]),
    csv_case("station-blank", HEADER + ",面单,100,15%,,\n", ["stations.csv:2:站点", "blank"]),
    csv_case(
        "several-bad-cells",
        many_bad,
        ["stations.csv:2:上月实际票数", "stations.csv:3:增长率", "stations.csv:4:申请数量"],
        lines=3,
    ),
    csv_case(
        "error-limit-50",
        sixty_bad,
        ["stations.csv:2:上月实际票数", "stations.csv:51:上月实际票数", "… and 10 more errors not shown"],
        lines=51,
    ),
    csv_case(
        "missing-column",
        "站点,物料,增长率\nA站,面单,15%\n",
        ["stations.csv:1", "missing required column 'parcels'", "票数", "上月实际票数", "actual parcels"],
    ),
    csv_case(
        "duplicate-header",
        "站点,物料,票数,上月实际票数,增长率\nA站,面单,1,1,15%\n",
        ["stations.csv:1", "'票数'", "'上月实际票数'", "both name column 'parcels'"],
    ),
    csv_case("empty-file", "", ["stations.csv", "the file is empty"]),
    csv_case("bom-only-file", "\ufeff", ["stations.csv", "the file is empty"]),
    csv_case("blank-first-row", "\n\n", ["stations.csv", "empty"]),
    csv_case("utf-16", b"\xff\xfe\x00", ["stations.csv", "UTF-16", "CSV UTF-8"]),
    csv_case("neither-utf8-nor-gb18030", b"a,b\n\xff\xfe\xff\n", ["neither UTF-8 nor GB18030", "--encoding"]),
    csv_case("bad-bytes-after-64k", late_gb, ["stations.csv", "not valid UTF-8 at row 5002", "--encoding gb18030"]),
    csv_case("short-row", HEADER + "A站,面单,100\n", ["stations.csv:2", "row has 3 cells, the header has 6"]),
    csv_case("extra-cell", HEADER + "A站,面单,100,15%,,,surplus\n", ["stations.csv:2", "row has 7 cells"]),
    csv_case("unbalanced-quote", HEADER + 'A站,"面单,100,15%,,\n', ["stations.csv:2", "cells"]),
    csv_case("unknown-encoding", GOOD, ["unknown encoding 'nosuch'"], code=2, extra=("--encoding", "nosuch")),
    Case("missing-input-file", ["run", "materials-order", "nosuch.csv"], 1, ["nosuch.csv", "cannot read the file"], lines=1),
    Case(
        "input-is-a-directory",
        ["run", "materials-order", "adir"],
        1,
        ["adir", "cannot read the file"],
        files={"adir/keep.txt": ""},
        lines=1,
    ),
    # --- policies (exit 2, file:line) -------------------------------------------------------
    policy_case("yaml-syntax", edit("family: materials\n", "family: materials: x\n"), ["YAML syntax"], "family: materials: x"),
    policy_case(
        "duplicate-key",
        edit("family: materials\n", "family: materials\nfamily: other\n"),
        ["duplicate key 'family'"],
        "family: other",
    ),
    policy_case(
        "unknown-key",
        edit("aliases: [票数, 上月实际票数, 实际票数, actual parcels]", "alias: [票数]"),
        ["unknown key 'alias'", "did you mean 'aliases'"],
        "alias: [票数]",
    ),
    policy_case(
        "unknown-column-type",
        edit("      parcels:\n        type: integer", "      parcels:\n        type: integr"),
        ["type", "'integer'"],
        "type: integr",
    ),
    policy_case(
        "formula-unknown-name",
        edit(WEEKLY_EXPR, "        expr: parcels × (1 + growth + los) ÷ 4\n"),
        ["unknown name 'los'", "did you mean 'loss'"],
        "+ los)",
    ),
    policy_case("formula-type-error", edit(WEEKLY_EXPR, "        expr: \"'a' + 1\"\n"), ["'+' needs numbers"], "'a' + 1"),
    policy_case(
        "formula-import", edit(WEEKLY_EXPR, "        expr: __import__('os')\n"), ["not allowed", "__import__"], "__import__"
    ),
    policy_case("formula-dunder-class", edit(WEEKLY_EXPR, "        expr: ().__class__\n"), ["not allowed"], "__class__"),
    policy_case("formula-huge-power", edit(WEEKLY_EXPR, "        expr: 9**9**9\n"), ["'**'"], "9**9**9"),
    policy_case(
        "formula-10000-parens",
        edit(WEEKLY_EXPR, "        expr: " + "(" * 10000 + "1" + ")" * 10000 + "\n"),
        ["weekly_qty"],
        "expr: ((((",
    ),
    policy_case(
        "formula-300-parens",
        edit(WEEKLY_EXPR, "        expr: " + "(" * 300 + "1" + ")" * 300 + "\n"),
        ["nested too deeply"],
        "expr: ((((",
    ),
    policy_case("formula-deep-unary", edit(WEEKLY_EXPR, "        expr: " + "-" * 1500 + "1\n"), ["too complex"], "expr: ----"),
    policy_case("formula-modulo", edit(WEEKLY_EXPR, "        expr: parcels % 2\n"), ["modulo"], "parcels % 2"),
    policy_case(
        "formula-attribute",
        edit(WEEKLY_EXPR, "        expr: parcels.real\n"),
        ["attribute access is not allowed"],
        "parcels.real",
    ),
    policy_case("formula-call-open", edit(WEEKLY_EXPR, "        expr: open('x')\n"), ["'open' is not a function"], "open('x')"),
    policy_case(
        "parameter-value-abc",
        edit("        value: 7%", "        value: abc"),
        ["parameter 'loss'", "'abc' is not a percentage"],
        "value: abc",
    ),
    policy_case(
        "parameter-value-out-of-range",
        edit("        value: 7%", "        value: 200%"),
        ["parameter 'loss'", "above the maximum 100%"],
        "value: 200%",
    ),
    policy_case(
        "parameter-from-month-13",
        edit("      - from: 2020-01-01\n        value: 7%", "      - from: 2020-13-01\n        value: 7%"),
        ["'2020-13-01' is not a date"],
        "from: 2020-13-01",
    ),
    policy_case("too-many-aliases", laughs(), ["YAML aliases"], ANY_LINE),
    policy_case("file-over-1-mib", BASE + "#" + "x" * (1024 * 1024) + "\n", ["1048576"], None),
    policy_case(
        "rule-not-listed",
        edit(
            "        label: approved quantity\n        rule: R-MT-3\n", "        label: approved quantity\n        rule: R-MT-9\n"
        ),
        ["'R-MT-9' is not listed under 'rules'"],
        "rule: R-MT-9",
    ),
    policy_case("output-from-nowhere", edit("    from: orders\n", "    from: nosuch\n"), ["'nosuch'"], "from: nosuch"),
    policy_case(
        "merge-key", "x: &x {a: 1}\n" + edit("family: materials\n", "family: materials\n<<: *x\n"), ["merge keys"], "<<: *x"
    ),
    policy_case("empty-policy", "", ["empty"], None),
    policy_case("policy-not-utf8", BASE.encode("gb18030"), ["not valid UTF-8"], None),
    # --- usage (exit 2) ---------------------------------------------------------------------
    Case(
        "unknown-policy",
        ["run", "materials-ordr", "stations.csv"],
        2,
        ["no policy named 'materials-ordr'", "did you mean 'materials-order'"],
        files={"stations.csv": GOOD},
    ),
    Case(
        "two-files-one-input",
        ["run", "materials-order", "stations.csv", "other.csv"],
        2,
        ["input 'stations' given twice"],
        files={"stations.csv": GOOD, "other.csv": GOOD},
    ),
    Case(
        "named-input-twice",
        ["run", "materials-order", "stations=stations.csv", "stations=other.csv"],
        2,
        ["input 'stations' given twice"],
        files={"stations.csv": GOOD, "other.csv": GOOD},
    ),
    Case(
        "period-month-13",
        ["run", "materials-order", "stations.csv", "--period", "2024-13"],
        2,
        ["--period", "'2024-13'", "YYYY-MM"],
        files={"stations.csv": GOOD},
    ),
    Case(
        "as-of-feb-30",
        ["run", "materials-order", "stations.csv", "--as-of", "2024-02-30"],
        2,
        ["--as-of", "'2024-02-30' is not a date"],
        files={"stations.csv": GOOD},
    ),
    Case(
        "csv-file-two-outputs",
        ["run", "materials-order", "stations.csv", "-o", "x.csv"],
        2,
        ["one CSV file holds one output", "--only"],
        files={"stations.csv": GOOD},
    ),
    Case(
        "csv-stdout-two-outputs",
        ["run", "materials-order", "stations.csv", "--format", "csv"],
        2,
        ["CSV on stdout holds one output"],
        files={"stations.csv": GOOD},
        add_output=False,
    ),
    Case(
        "table-to-a-file",
        ["run", "materials-order", "stations.csv", "--format", "table", "-o", "outdir"],
        2,
        ["--format table"],
        files={"stations.csv": GOOD},
    ),
    Case(
        "unknown-only",
        ["run", "materials-order", "stations.csv", "--only", "nosuch"],
        2,
        ["no output named 'nosuch'", "orders, materials"],
        files={"stations.csv": GOOD},
    ),
    Case(
        "set-without-equals",
        ["run", "materials-order", "stations.csv", "--set", "loss"],
        2,
        ["NAME=VALUE"],
        files={"stations.csv": GOOD},
    ),
    Case(
        "set-bad-percent",
        ["run", "materials-order", "stations.csv", "--set", "loss=abc"],
        2,
        ["--set loss=abc", "not a percentage"],
        files={"stations.csv": GOOD},
    ),
    Case(
        "as-of-before-first-value",
        ["run", "materials-order", "stations.csv", "--as-of", "1999-01-01"],
        2,
        ["parameter 'loss' has no value in force on 1999-01-01"],
        files={"stations.csv": GOOD},
    ),
    Case("check-unknown-policy", ["check", "nosuch.yaml"], 2, ["no policy named 'nosuch.yaml'"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, content in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    args = list(case.args)
    if args[0] == "run" and "-o" not in args and case.add_output:
        args += ["-o", "out.json"]

    result = runner.invoke(cli, args)

    assert result.exit_code == case.code, (result.stderr, result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Error: " in result.stderr
    for message in case.messages:
        assert message in result.stderr
    if case.pattern:
        assert re.search(case.pattern, result.stderr), result.stderr
    if case.lines is not None:
        assert len(result.stderr.splitlines()) == case.lines, result.stderr
    after = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert after == before  # no output file, no temp file


def test_catalogue_size():
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


def test_error_lines_are_one_per_bad_cell(runner, tmp_path, monkeypatch):
    # the several-bad-cells case in detail: exactly the three bad cells, in file order
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.csv").write_text(many_bad, encoding="utf-8")
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv"])
    assert result.exit_code == 1
    places = [line.removeprefix("Error: ").split(": ", 1)[0] for line in result.stderr.splitlines()]
    assert places == ["stations.csv:2:上月实际票数", "stations.csv:3:增长率", "stations.csv:4:申请数量"]


@pytest.mark.parametrize("body", [many_bad, HEADER + "A站,面单,100\n"], ids=["bad-cells", "short-row"])
def test_bad_data_writes_no_file_into_an_output_dir(runner, tmp_path, monkeypatch, body):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.csv").write_text(body, encoding="utf-8")
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv", "-o", "outdir"])
    assert result.exit_code == 1
    assert result.stdout == ""
    # (the directory itself may have been made; nothing may be in it)
    assert list((tmp_path / "outdir").rglob("*")) == []


@pytest.mark.parametrize("header", [HEADER, HEADER.rstrip("\n"), "station,material,parcels,growth\r\n"])
def test_header_only_is_zero_rows_not_an_error(runner, tmp_path, monkeypatch, header):
    # A header without rows is a valid, empty table: exit 0, outputs with headers and no rows.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.csv").write_text(header, encoding="utf-8")
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv", "-o", "outdir"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    orders = (tmp_path / "outdir" / "orders.csv").read_bytes()
    materials = (tmp_path / "outdir" / "materials.csv").read_bytes()
    assert orders.count(b"\r\n") == 1 and orders.startswith(b"\xef\xbb\xbfstation,material,")
    assert materials == "\ufeffmaterial,stations,weekly_qty,safety_stock,central_stock\r\n".encode("utf-8")
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv", "--format", "json"])
    assert result.exit_code == 0
    assert result.stdout == '{\n  "orders": [],\n  "materials": []\n}\n'


def test_blank_rows_are_skipped(runner, tmp_path, monkeypatch):
    # Excel leaves ",,,,," rows behind; they are not data and not errors.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.csv").write_text(HEADER + ",,,,,\nA站,面单,10000,15%,,\n\n,,,,,\n", encoding="utf-8")
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv", "--format", "csv", "--only", "orders"])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert ",3050," in result.stdout  # 10000 × 1.22 ÷ 4


def test_unknown_headers_are_ignored(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.csv").write_text("备注,站点,物料,票数,增长率\nx,A站,面单,10000,15%\n", encoding="utf-8")
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv", "--format", "csv", "--only", "orders"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("A站,面单,10000,15%,12200,3050,1525,")


def _xlsx_bytes() -> bytes:
    """The start of a real .xlsx: a zip whose first member is [Content_Types].xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types/>')
    return buffer.getvalue()


# the OLE2 signature of a legacy .xls, followed by its header fields (which hold NUL bytes)
XLS_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"


@pytest.mark.parametrize("content", [_xlsx_bytes(), XLS_BYTES], ids=["xlsx", "xls"])
def test_excel_workbook_is_named_as_such(runner, tmp_path, monkeypatch, content):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.xlsx").write_bytes(content)
    result = runner.invoke(cli, ["run", "materials-order", "stations.xlsx"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Excel workbook" in result.stderr


def test_excel_workbook_signature_without_nul(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stations.csv").write_bytes(b"PK\x03\x04" + b"\x14" * 40)
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Excel workbook" in result.stderr and "CSV UTF-8" in result.stderr
