"""Any bytes given as a CSV input end in exit 0 or 1, never a traceback (issue 14).

Two sources of bytes: arbitrary binary, and a grammar of what broken spreadsheets hold —
the real header, cells with quotes left open, line breaks, NULs and other control
characters, superscript digits, bare percents, serial dates, full-width forms, byte-order
marks, and the whole encoded as UTF-8, GB18030 or UTF-16, sometimes cut mid-character —
read with or without an explicit ``--encoding``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.cli.main import cli

HEADERS = ["站点", "物料", "上月实际票数", "增长率", "申请数量", "超额理由", "备注"]
CELLS = [
    "A站",
    "面单",
    "10000",
    "15%",
    "0.15",
    "5",
    "1",
    "0",
    "",
    " ",
    '"',
    '"x',
    'x"',
    '""',
    '"a,b"',
    '"two\nlines"',
    "\r",
    "\n",
    "\x00",
    "\x1b[31m",
    "\x85",
    "5000¹",
    "①",
    "٣",
    "１２３",
    "１５％",
    "Ｅ００１",
    "1,234",
    "1e5",
    "nan",
    "-0",
    "¥12",
    "\ufeff",
    "\u2028",
    "=1+1",
    "x" * 300,
]
row = st.lists(st.sampled_from(CELLS), min_size=0, max_size=8).map(",".join)
text = st.builds(
    lambda header, rows, end: ",".join(header) + end + end.join(rows) + end,
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7),
    st.lists(row, max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
encoded = st.builds(
    lambda t, enc, cut: t.encode(enc, "replace")[: len(t.encode(enc, "replace")) - cut],
    text,
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le"]),
    st.sampled_from([0, 0, 0, 1]),
)
csv_bytes = st.one_of(st.binary(max_size=300), encoded, st.builds(bytes.__add__, encoded, st.binary(max_size=20)))
encodings = st.sampled_from([[], [], ["--encoding", "utf-8"], ["--encoding", "gb18030"], ["--encoding", "utf-16"]])


@settings(max_examples=200, deadline=None)
@given(data=csv_bytes, encoding=encodings)
def test_any_bytes_as_a_csv_end_in_exit_0_or_1(data: bytes, encoding: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stations.csv"
        path.write_bytes(data)
        result = CliRunner().invoke(cli, ["run", "materials-order", str(path), "--format", "json", *encoding])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 1:
        assert result.stdout == "" and result.stderr.startswith("Error: ")
