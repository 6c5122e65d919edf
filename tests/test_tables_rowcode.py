"""The generated row converter (tables/rowcode.py) against the column converters it inlines:
for any cell, both give the same value, or both raise a CellError with the same message."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.errors import DataErrors
from cspolicy.money import CONTEXT
from cspolicy.tables import CellError, make_converter, read_table
from cspolicy.tables.convert import NUMERIC_TYPES, Converter
from cspolicy.tables.rowcode import MEMO_CELL_CHARS, MEMO_ENTRIES, RowConverter, row_converter, row_source
from cspolicy.tables.spec import ColumnSpec, TableSpec
from cspolicy.values import ColumnType, Value

D = Decimal
T = ColumnType

# --- cells: a grammar of what spreadsheets hold -----------------------------------------

PIECES = [
    *"0123456789",
    "０",
    "５",
    "９",
    "²",
    "٣",
    "+",
    "-",
    "\u2212",
    ",",
    "，",
    ".",
    "%",
    "％",
    " ",
    "\u3000",
    "\t",
    "\x1c",
    "\u00a0",
    "e",
    "E",
    "_",
    "a",
    "x",
    "y",
    "n",
    "是",
    "¥",
    "元",
    "12",
    "007",
    "1,234",
    "15%",
    "0.15",
    "-5%",
    "28.5%",
    "1e3",
    "nan",
    "Infinity",
    "2024-03-15",
    "2024/3/5",
    "yes",
    "no",
    "",
    # characters the converters refuse or map (issue 14): other digits, controls, line
    # breaks, full-width and zero-width forms, key spellings
    "¹",
    "①",
    "₂",
    "\x00",
    "\n",
    "\r\n",
    "\x7f",
    "\x85",
    "\u2028",
    "\u200b",
    "Ｅ",
    "ｅ",
    "E001",
    " e001 ",
    "Ｅ００１",
    "ß",
    "2:05",
    "0:02:05.5",
    "2分5秒",
    "2025-03-01 09:15",
    "2024-05",
    "2024年5月",
]
cells = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
    st.text(alphabet="0123456789０１²٣+-.,% \u3000eE_a元¥\x00\t\n\x1cＥ①", max_size=10),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**6), max_value=10**6).map(str),
    st.sampled_from(["", " ", "  ", "\t", "\u3000", "15%", "0.15", "1.5", "-0", "0", "100", "101", "-1"]),
)

BOUNDS = [None, D(0), D(1), D(-1), D(10), D("0.5"), D(100), D(-100)]
DEFAULTS: dict[ColumnType, list[Value]] = {
    T.TEXT: [None, "", "华东"],
    T.PERCENT: [None, D(0), D("0.15")],
    T.DATE: [None],
    T.BOOLEAN: [None, False],
    T.ENUM: [None, "red"],
    T.DATETIME: [None],
    T.DURATION: [None, D(0), D(7)],
    T.PERIOD: [None],
    **{t: [None, D(0), D(7)] for t in NUMERIC_TYPES},
}


@st.composite
def columns(draw: st.DrawFn, ctype: ColumnType | None = None) -> ColumnSpec:
    ctype = ctype or draw(st.sampled_from(list(ColumnType)))
    extra: dict[str, object] = {}
    if ctype.kind.name == "NUMBER":
        extra = {"minimum": draw(st.sampled_from(BOUNDS)), "maximum": draw(st.sampled_from(BOUNDS))}
    if ctype is T.ENUM:
        extra["values"] = {"red": ("r", "红"), "green": ("g",)}
    if ctype is T.TEXT:
        extra[draw(st.sampled_from(["key", "multiline", "plain"]))] = True
        extra.pop("plain", None)
    return ColumnSpec(
        "c",
        ctype,
        required=draw(st.booleans()),
        default=draw(st.sampled_from(DEFAULTS[ctype])),
        **extra,  # type: ignore[arg-type]
    )


def outcome(convert: Callable[[str], object], cell: str) -> tuple[object, ...]:
    """A value with its exact form (class, digits, exponent and sign), or the error raised."""
    try:
        value = convert(cell)
    except CellError as exc:
        return ("error", exc.message, exc.expected)
    return ("value", type(value), repr(value))


def first(row: RowConverter) -> Converter:
    """A one-cell converter made of a row converter of one column."""
    return lambda cell: row([cell])[0]


def one_column(col: ColumnSpec) -> tuple[Converter, RowConverter]:
    conv = make_converter(col)
    return conv, row_converter([(0, conv, col)])


CONTEXTS = [pytest.param(CONTEXT, id="policy-context"), pytest.param(decimal.Context(), id="default-context")]


@pytest.mark.parametrize("context", CONTEXTS)
@settings(max_examples=600, deadline=None)
@given(col=columns(), cell=cells)
def test_generated_converter_agrees_with_make_converter(context: decimal.Context, col: ColumnSpec, cell: str) -> None:
    conv, row = one_column(col)
    with decimal.localcontext(context):
        expected = outcome(conv, cell)
        assert outcome(first(row), cell) == expected
        assert outcome(first(row), cell) == expected  # again: a percent memo hit


@pytest.mark.parametrize("ctype", [*NUMERIC_TYPES, T.PERCENT])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_numbers_agree_over_many_cells_of_one_column(ctype: ColumnType, data: st.DataObject) -> None:
    col = data.draw(columns(ctype))
    conv, row = one_column(col)
    for cell in data.draw(st.lists(cells, max_size=30)) * 2:  # twice: memo hits for percents
        assert outcome(first(row), cell) == outcome(conv, cell), cell


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_row_raises_the_first_bad_cells_error(data: st.DataObject) -> None:
    cols = data.draw(st.lists(columns(), min_size=1, max_size=6))
    present = data.draw(st.lists(st.booleans(), min_size=len(cols), max_size=len(cols)))
    row_cells = data.draw(st.lists(cells, min_size=len(cols), max_size=len(cols)))
    convs = [make_converter(col) for col in cols]
    # the file's columns in reverse order, so a spec column's index differs from its position
    plan = [(len(cols) - 1 - j if present[j] else None, conv, col) for j, (conv, col) in enumerate(zip(convs, cols))]
    row = row_converter(plan)

    def by_cell(_: str) -> tuple[Value, ...]:
        return tuple(col.default if i is None else conv(row_cells[i]) for i, conv, col in plan)

    assert outcome(lambda _: row(row_cells), "") == outcome(by_cell, "")


# --- the fast paths are taken, and the slow path is the converter -----------------------


def spied(col: ColumnSpec) -> tuple[list[str], RowConverter]:
    calls: list[str] = []
    conv = make_converter(col)

    def spy(cell: str) -> Value:
        calls.append(cell)
        return conv(cell)

    return calls, row_converter([(0, spy, col)])


def test_numeric_fast_paths_do_not_call_the_converter() -> None:
    calls, row = spied(ColumnSpec("q", T.INTEGER, required=False, minimum=D(0), maximum=D(2000)))
    assert [row([c])[0] for c in ("12", "", "  ", "0", "2000")] == [D(12), None, None, D(0), D(2000)]
    assert calls == []
    assert row(["1,000"])[0] == D(1000) and calls == ["1,000"]
    with pytest.raises(CellError, match="'2001' is above the maximum 2000"):
        row(["2001"])
    with pytest.raises(CellError, match="'²' .* is not a digit"):
        row(["²"])  # isdigit(), but not a digit cspolicy reads: the converter says so
    assert calls[-1] == "²"
    assert row(["１２"])[0] == D(12) and calls[-1] == "１２"  # full-width: the converter's slow path
    with pytest.raises(CellError, match="'٣' .* is not a digit"):
        row(["٣"])  # Decimal() alone would read an Arabic-Indic three as 3


def test_a_required_blank_is_the_converters_error() -> None:
    for ctype in (T.INTEGER, T.TEXT, T.PERCENT, T.DATE):
        calls, row = spied(ColumnSpec("c", ctype))
        with pytest.raises(CellError, match="the cell is blank"):
            row([" "])
        assert calls == [" "]


def test_percent_memo_is_per_column_and_bounded() -> None:
    col = ColumnSpec("g", T.PERCENT, required=False, minimum=D(-100), maximum=D(100))
    calls, row = spied(col)
    assert row(["15%"]) == (D("0.15"),) and row(["15%"]) == (D("0.15"),) and calls == ["15%"]
    assert row([""]) == (None,) and calls == ["15%"]  # blank optional: no converter call
    with pytest.raises(CellError):
        row(["abc"])
    with pytest.raises(CellError):
        row(["abc"])  # errors are not remembered
    long_cell = "0." + "0" * MEMO_CELL_CHARS + "1"
    assert row([long_cell]) == (D(long_cell),) and row([long_cell]) == (D(long_cell),)
    assert calls.count(long_cell) == 2  # too long to be remembered
    memo = row.__globals__["_cm0"]
    assert set(memo) == {"15%"}
    conv = make_converter(col)
    many = [f"{n / 10000}%" for n in range(MEMO_ENTRIES + 500)]
    assert [row([c])[0] for c in many] == [conv(c) for c in many]
    assert len(memo) == MEMO_ENTRIES
    assert [row([c])[0] for c in many] == [conv(c) for c in many]  # hits and misses alike
    other = row_converter([(0, make_converter(col), col)])
    assert other.__globals__["_cm0"] == {}


def test_no_policy_or_cell_text_becomes_code() -> None:
    evil = 'x\')\nimport os  # """'
    cols = [
        ColumnSpec(evil, T.TEXT, required=False, default=evil),
        ColumnSpec(evil + "2", T.INTEGER, required=False, default=D(3), minimum=D(1)),
        ColumnSpec(evil + "3", T.PERCENT, required=False, default=D("0.5")),
        ColumnSpec(evil + "4", T.ENUM, values={evil.replace("\n", " "): ()}),
        ColumnSpec(evil + "5", T.TEXT, required=False, default=evil, key=True),
    ]
    plan = [(j, make_converter(col), col) for j, col in enumerate(cols)]
    source, _ = row_source(plan)
    assert "import" not in source and "x'" not in source
    one_line = evil.replace("\n", " ")  # a cell may not hold a line break (not a multiline column)
    assert row_converter(plan)(["", "", " ", one_line, ""]) == (evil, D(3), D("0.5"), one_line, evil)


# --- through the reader ------------------------------------------------------------------


def test_reader_reports_every_bad_cell_of_a_row(tmp_path: Path) -> None:
    spec = TableSpec(
        "t",
        (
            ColumnSpec("n", T.INTEGER, minimum=D(0)),
            ColumnSpec("p", T.PERCENT, maximum=D(1)),
            ColumnSpec("q", T.QUANTITY, required=False),
            ColumnSpec("s", T.TEXT, required=False, default="-"),
            ColumnSpec("absent", T.MONEY, required=False, default=D(5)),
        ),
    )
    path = tmp_path / "t.csv"
    path.write_text("n,p,q,s\n1,15%,,\n-1,200%,x,\n2,15%, 3 ,a\n", encoding="utf-8")
    with pytest.raises(DataErrors) as info:
        list(read_table(path, spec).rows())
    messages = [e.message for e in info.value.errors]
    assert messages == [
        "column 'n': '-1' is below the minimum 0",
        "column 'p': '200%' is above the maximum 100%",
        "column 'q': 'x' is not a number",
    ]
    path.write_text("n,p,q,s\n1,15%,,\n2,15%, 3 ,a\n", encoding="utf-8")
    assert list(read_table(path, spec).rows()) == [
        (2, (D(1), D("0.15"), None, "-", D(5))),
        (3, (D(2), D("0.15"), D(3), "a", D(5))),
    ]


def test_the_inline_key_form_skips_only_cells_with_nothing_to_narrow() -> None:
    # the generated code computes a key's form inline for a printable, NFKC-stable cell; that
    # is right only if every character key_form maps is unprintable or not NFKC-stable
    import unicodedata

    from cspolicy.tables.chars import INVISIBLE, MAPPED, WIDTH

    for cp in [*WIDTH, *INVISIBLE]:
        ch = chr(cp)
        assert not (ch.isprintable() and unicodedata.is_normalized("NFKC", ch)), hex(cp)
        assert MAPPED.fullmatch(ch), hex(cp)


def test_a_key_memo_starts_again_when_full() -> None:
    col = ColumnSpec("k", T.TEXT, key=True)
    calls, row = spied(col)
    many = [f"ｅ{n}" for n in range(MEMO_ENTRIES + 10)]  # full-width: each miss calls the converter
    assert [row([c])[0] for c in many] == [f"E{n}" for n in range(MEMO_ENTRIES + 10)]
    memo = row.__globals__["_cm0"]
    assert len(memo) == 10  # emptied at MEMO_ENTRIES, then the last ten
    assert row([many[-1]]) == (f"E{MEMO_ENTRIES + 9}",) and calls.count(many[-1]) == 1  # a hit
    assert row([" e1 "]) == ("E1",) and calls[-1] != " e1 "  # printable, nothing to narrow: inline
