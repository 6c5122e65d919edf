"""The bad-input catalogue: one broken fixture per error (STYLE.md #12, #13).

Every case runs the real CLI in a scratch directory and asserts the exit code, the message
on stderr (with ``file:row:column`` for data and ``file:line`` for policies), an empty
stdout, no traceback, and that no output file appeared (``-o out.json`` is added to every
``run`` that does not choose its own ``-o``).

The cases live in ``tests/bad_cases/``, one module per area, each with a ``CASES`` list.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
import zipfile

import bad_cases
import pytest
from bad_cases.common import HEADER, Case, many_bad

from cspolicy.cli.main import cli


def _collect() -> list[Case]:
    cases: list[Case] = []
    for info in sorted(pkgutil.iter_modules(bad_cases.__path__), key=lambda m: m.name):
        if info.name != "common":
            cases += importlib.import_module(f"bad_cases.{info.name}").CASES
    return cases


CASES = _collect()


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
    result = runner.invoke(cli, ["run", "materials-order", "stations.csv", "-o", "outdir", "-q"])
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
