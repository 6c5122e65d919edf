"""Text cells written by the fused loop: text that could start a spreadsheet formula is
neutralised exactly as the careful engine does it, and a column that is always one of the
policy's own safe literals is written without the test (byte-identical either way)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cspolicy.engine.fastpath as fastpath
from cspolicy.engine.plain_cells import _literals, _safe
from cspolicy.planner.policy import load_policy
from cspolicy.tables.writer import FORMULA_STARTS, neutralise_formula
from tests.test_fastpath import fast_and_careful

BODY = """
inputs:
  s:
    columns:
      who: {{type: text}}
      note: {{type: text, required: false}}
      n: {{type: integer}}
outputs:
  r:
    from: s
    columns:
      who: who
      note: note
      verdict:
        expr: {verdict}
      code:
        expr: "'A' if n > 1 else ('B' if n > 0 else 'C')"
"""


@pytest.mark.parametrize(
    ("verdict", "safe"),
    [
        ("\"'ok' if n > 1 else 'low'\"", True),
        ("\"'ok' if n > 1 else '-1'\"", False),  # a literal that reads as a formula's start
        ("\"'ok' if n > 1 else '=x'\"", False),
        ("\"'ok' if n > 1 else who\"", False),  # not only literals
    ],
)
def test_literal_columns_and_dangerous_cells(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, verdict: str, safe: bool) -> None:
    used: list[bool] = []
    real = fastpath.run_clean
    monkeypatch.setattr(fastpath, "run_clean", lambda *a: used.append(real(*a)) or used[-1])
    rows = ["who,note,n", "=SUM(A1),+x,2", "-5,@me,0", "A站,,1", "'q,-,3", '"\tx","\tz",1']
    text = fast_and_careful(monkeypatch, tmp_path, "t", BODY.format(verdict=verdict), "\n".join(rows) + "\n")
    assert used == [True]  # the fused loop wrote it
    lines = text.splitlines()
    assert lines[1].startswith("'=SUM(A1),'+x,")  # neutralised by hand: a leading '
    assert lines[2].startswith("-5,'@me,")  # a plain signed number is left alone
    policy = load_policy(tmp_path / "t.yaml")
    column = next(c for c in policy.outputs["r"].columns if c.name == "verdict")
    assert _safe(column) is safe
    assert _safe(next(c for c in policy.outputs["r"].columns if c.name == "code"))


def test_literals_of_a_formula(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        'name: t\ntitle: {zh: 测试, en: test}\nfamily: test\nversion: "1"\nrules: {}\n'
        + BODY.format(verdict="\"'ok' if n > 1 else ('x' if n > 0 else 'ok')\""),
        encoding="utf-8",
    )
    columns = {c.name: c for c in load_policy(tmp_path / "t.yaml").outputs["r"].columns}
    assert columns["verdict"].expression is not None and columns["who"].expression is not None
    assert _literals(columns["verdict"].expression.tree) == {"ok", "x"}
    assert _literals(columns["who"].expression.tree) is None


CELL = st.text(
    alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "a", "1", "站", " ", ".", "'"]), min_size=1, max_size=5
).filter(str.strip)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=6))
def test_any_text_is_written_as_the_careful_engine_writes_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, cells: list[tuple[str, str]]
) -> None:
    tmp = tmp_path_factory.mktemp("t")
    rows = ["who,note,n"] + [f'"{a}","{b}",1' for a, b in cells]
    fast_and_careful(monkeypatch, tmp, "t", BODY.format(verdict="\"'ok' if n > 1 else 'low'\""), "\n".join(rows) + "\n")
    assert all(len(s) == 1 for s in FORMULA_STARTS) and neutralise_formula("=1") == "'=1"
