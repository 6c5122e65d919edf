"""The run record counts an input's data rows without converting them (a plain CSV file),
and gives the same count as reading it (blank records skipped; irregular files read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspolicy.authoring.record import _data_rows, _plain_count
from cspolicy.planner.policy import load_policy
from cspolicy.tables import read_table

POLICY = (
    'name: r\ntitle: {zh: 测试, en: test}\nfamily: test\nversion: "1"\nrules: {}\n'
    + """
inputs:
  s:
    columns:
      who: {type: text}
      note: {type: text, required: false}
outputs:
  o:
    from: s
    columns:
      who: who
"""
)


@pytest.mark.parametrize(
    ("text", "rows", "plain"),
    [
        ("who,note\nA,x\nB,\n", 2, True),
        ("who,note\nA,x\n,\nB,\n", 2, True),  # a blank record is not a row
        ("who,note\nA,x\n\nB,\n", 2, False),  # nor an empty line (read as the run reads it)
    ],
)
def test_counted_rows_are_the_rows_read(tmp_path: Path, text: str, rows: int, plain: bool) -> None:
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    policy = load_policy(tmp_path / "p.yaml")
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    read = sum(1 for _ in read_table(tmp_path / "s.csv", policy.inputs["s"]).rows())
    assert read == rows
    assert _data_rows(policy, "s", str(tmp_path / "s.csv"), None) == rows
    assert (_plain_count(read_table(tmp_path / "s.csv", policy.inputs["s"])) is not None) is plain
