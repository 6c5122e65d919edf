"""A fused row written as one line of CSV text (:mod:`cspolicy.engine.csvline`) is byte for
byte what csv.writer writes: texts quoted where they hold , " CR or LF, quotes doubled,
numbers as str(), blanks empty."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cspolicy.engine.csvline as csvline
import cspolicy.engine.fastpath as fastpath
from tests.test_fastpath import fast_and_careful

VALUES = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list("a,\"\r\n 站1-='") + ["\t"]), max_size=6),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)


@given(st.lists(VALUES, min_size=2, max_size=6))
def test_each_cell_as_csv_writer_writes_it(values: list[object]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out).writerow(values)
    assert ",".join(csvline._csv_text(v) for v in values) + "\r\n" == out.getvalue()


BODY = """
inputs:
  s:
    columns:
      who: {{type: text}}
      note: {{type: text, required: false}}
      n: {{type: integer}}
      day: {{type: date, required: false}}
      rate: {{type: percent, required: false}}
outputs:
  r:
    from: s
    columns:
      who: who
      note: note
      n: n
      joined: {{expr: "who & ', ' & coalesce(note, '') & '\\"'", type: text}}
      day: day
      rate: rate
      half: {{expr: n / 2, type: decimal, round: none}}
      verdict: {{expr: "{verdict}"}}
"""


@pytest.mark.parametrize("verdict", ["'ok' if n > 1 else 'low'", "'ok' if n > 1 else 'a, b'", r"'x' if n > 1 else 'say \"hi\"'"])
def test_fast_lines_and_careful_rows_are_the_same_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, verdict: str) -> None:
    made: list[bool] = []
    real = fastpath.line_code
    monkeypatch.setattr(fastpath, "line_code", lambda *a: made.append(real(*a) is not None) or real(*a))
    rows = ["who,note,n,day,rate", 'A站,"x, y",3,2024-05-01,15%', 'B,"say ""hi""",1,,', "C,,0,2024/5/2,0.5", "=D,+1,2,,-5%"]
    text = fast_and_careful(monkeypatch, tmp_path, "t", BODY.format(verdict=verdict), "\n".join(rows) + "\n")
    assert made == [True]  # the fused loop wrote lines
    lines = text.splitlines()
    assert lines[1].startswith('A站,"x, y",3,"A站, x, y""",2024-05-01,15%,1.5,')
    assert lines[2].startswith('B,"say ""hi""",1,"B, say ""hi""""",,,0.5,')


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.tuples(
            st.text(alphabet=st.sampled_from(list('a,"站1-= ')), min_size=1, max_size=5).filter(str.strip),
            st.text(alphabet=st.sampled_from(list('a,"站1-= ')), max_size=5),
            st.integers(0, 9),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_text_is_written_as_the_careful_engine_writes_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, cells: list[tuple[str, str, int]]
) -> None:
    tmp = tmp_path_factory.mktemp("l")
    quoted = lambda t: '"' + t.replace('"', '""') + '"'  # noqa: E731
    rows = ["who,note,n,day,rate"] + [f"{quoted(a)},{quoted(b)},{n},," for a, b, n in cells]
    fast_and_careful(monkeypatch, tmp, "t", BODY.format(verdict="'ok' if n > 1 else 'low'"), "\n".join(rows) + "\n")


def test_no_line_for_one_column_or_another_dialect() -> None:
    from cspolicy.tables import CsvSink
    from cspolicy.values import ColumnType

    one = CsvSink(io.StringIO(), [("a", ColumnType.TEXT)])
    assert csvline.line_code(one, ["c0"], [None]) is None  # csv.writer writes a lone blank cell as ""
    two = CsvSink(io.StringIO(), [("a", ColumnType.TEXT), ("b", ColumnType.DECIMAL)])
    assert csvline.line_code(two, ["c0", "c1"], [None, Decimal(0)]) is not None
    two._writer = csv.writer(io.StringIO(), delimiter=";")
    assert csvline.line_code(two, ["c0", "c1"], [None, Decimal(0)]) is None
