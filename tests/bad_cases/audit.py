"""Catalogue cases found by the issue-14 audit: variants the first implementation missed.

Each was a wrong figure with exit 0, a misleading message or a refusal of a good file; the
module docstrings of the fixes say why. Plain tests of the same fixes are in
``tests/test_audit.py``.
"""

from __future__ import annotations

from .common import Case

OFFENCES = "工号,姓名,日期,违规,金额,备注\n"


def club_case(id: str, rows: str, messages: list[str], *, code: int = 1) -> Case:
    """penalties-club over ``rows`` (lines after the header)."""
    return Case(id, ["run", "penalties-club", "offences.csv"], code, messages, files={"offences.csv": OFFENCES + rows}, lines=1)


CASES = [
    # --- offence codes: only the width mapping, never NFKC (C① counted as C1 before) ---------
    club_case(
        "offence-code-with-a-circled-digit",
        "E001,王芳,2024-03-02,C1,,\nE001,王芳,2024-03-05,C①,,\n",
        ["offences.csv:3:违规", "unknown offence 'C①'", "'①' (U+2460 CIRCLED DIGIT ONE) is not a digit"],
    ),
    club_case(
        "offence-code-with-a-subscript-digit",
        "E001,王芳,2024-03-02,C1,,\nE001,王芳,2024-03-05,C₁,,\n",
        ["offences.csv:3:违规", "unknown offence 'C₁'", "is not a digit"],
    ),
]
