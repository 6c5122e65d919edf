"""Key columns (issue 14): ids and names that group, join or count rows are read in one
written form, so ``E001``, `` e001 `` and ``Ｅ００１`` are one employee and a ladder does not
restart; which columns are keys; multiline text columns."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy import PolicyError, evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.tables import CellError, make_converter
from cspolicy.tables.chars import key_form
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType as T

D = Decimal
KEY = ColumnSpec("employee_id", T.TEXT, key=True)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("E001", "E001"),
        (" e001 ", "E001"),
        ("Ｅ００１", "E001"),
        ("\u3000ｅ００１\t", "E001"),
        ("E001\u200b", "E001"),  # a zero-width space copied from a web page
        ("a  站\u3000 1", "A 站 1"),  # inner spaces collapse to one
        ("E¹", "E¹"),  # not a digit: a different id, never merged with E1
        ("张三", "张三"),
    ],
)
def test_key_cells_take_their_written_form(cell: str, value: str) -> None:
    assert make_converter(KEY)(cell) == value


def test_key_blank_and_control_characters() -> None:
    assert make_converter(ColumnSpec("k", T.TEXT, key=True, required=False))(" \u200b ") is None
    with pytest.raises(CellError, match="the cell is blank"):
        make_converter(KEY)("\u3000")
    with pytest.raises(CellError) as info:
        make_converter(KEY)("E0\x0001")
    assert info.value.message == "'E0\\x0001' holds the control character U+0000 NUL"


def test_a_text_column_that_is_not_a_key_keeps_its_spelling() -> None:
    assert make_converter(ColumnSpec("note", T.TEXT))(" e001  x ") == "e001  x"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12))
def test_key_form_is_idempotent_and_ignores_width_case_and_spaces(text: str) -> None:
    once = key_form(text)
    assert key_form(once) == once  # what is written reads back as itself
    assert key_form(f"  {text.lower()}\u3000") == key_form(f"{text.lower()}")
    assert once == once.strip() and "  " not in once


# --- which columns are keys ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("materials-order", {("stations", "station"), ("stations", "material")}),  # orders key; group_by via echo
        ("materials-review", {("review", "unit"), ("review", "material")}),  # level is an enum
        ("penalties-club", {("offences", "employee_id")}),  # key and ladder entity
        ("penalties-shop", {("offences", "employee_id")}),
        ("penalties-office", {("offences", "employee_id")}),
        ("rewards-training", {("trainers", "trainer_id")}),
    ],
)
def test_the_shipped_policies_keys(name: str, keys: set[tuple[str, str]]) -> None:
    policy = load_policy(name)
    found = {(t.name, c.name) for t in policy.inputs.values() for c in t.columns if c.key}
    assert found == keys


HEAD = 'name: k\ntitle: {zh: 测试, en: test}\nfamily: test\nversion: "1"\nrules: {}\n'


def inline(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "k.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def test_a_column_can_declare_itself_a_key(tmp_path: Path) -> None:
    body = """
inputs:
  s: {columns: {code: {type: text, key: true}, other: {type: text, required: false}}}
outputs:
  r: {from: s, columns: {code: code, other: other}}
"""
    policy = load_policy(inline(tmp_path, body))
    out = evaluate(policy, {"s": [{"code": " ab-1 ", "other": " ab-1 "}]})["r"]
    assert out == [{"code": "AB-1", "other": "ab-1"}]


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("{type: integer, multiline: true}", "column 'note' is a integer column, so it cannot be multiline"),
        ("{type: text, key: true, multiline: true}", "column 'note' is a key (it groups, joins or counts rows)"),
    ],
)
def test_multiline_is_for_text_that_is_not_a_key(tmp_path: Path, column: str, message: str) -> None:
    body = f"""
inputs:
  s:
    columns:
      note: {column}
outputs:
  r: {{from: s, columns: {{note: note}}}}
"""
    path = inline(tmp_path, body)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:10")  # the line of 'note:'


def test_a_multiline_column_reads_line_breaks_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = """
inputs:
  s: {columns: {id: {type: text}, note: {type: text, multiline: true, required: false}}}
outputs:
  r: {from: s, columns: {id: id, note: note}}
"""
    monkeypatch.chdir(tmp_path)
    inline(tmp_path, body)
    Path("s.csv").write_text('id,note\r\na,"line 1\r\nline 2"\r\nb,\r\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "k.yaml", "s.csv", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"note": "line 1\\r\\nline 2"' in result.stdout


# --- a ladder no longer restarts ---------------------------------------------------------


def test_three_spellings_of_one_employee_climb_one_ladder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # R-PN-1 club general ladder: 1st warning, 2nd fine 20, 3rd fine 50. Before, the three
    # spellings were three employees, each at the 1st rung: three warnings and no fine.
    monkeypatch.chdir(tmp_path)
    Path("offences.csv").write_text(
        "工号,姓名,日期,违规,金额,备注\nE001,张三,2024-03-01,G1,,\n e001 ,张三,2024-03-02,G1,,\nＥ００１,张三,2024-03-03,G1,,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["run", "penalties-club", "offences.csv", "--format", "csv", "--only", "sanctions"])
    assert result.exit_code == 0, result.stderr
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    assert [(r[0], r[4], r[5], r[6]) for r in rows] == [
        ("E001", "1", "warning", "0.00"),
        ("E001", "2", "fine", "20.00"),
        ("E001", "3", "fine", "50.00"),
    ]
    employees = evaluate(
        load_policy("penalties-club"),
        {"offences": [{"employee_id": e, "date": f"2024-03-0{i}", "offence": "G1"} for i, e in enumerate(["E001", " e001 "], 1)]},
    )["employees"]
    assert [(e["employee_id"], e["offences"], e["fines"]) for e in employees] == [("E001", D(2), D(20))]
