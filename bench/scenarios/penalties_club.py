"""penalties-club on offence rows: the sorted ladder output and its two grouped outputs."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import generate  # noqa: E402  (bench/generate.py)

TITLE = "penalties-club, all three outputs (sanctions by ladder, employees, fund)"
POLICY = "penalties-club"
ROWS = 1_000_000
TARGET_RATIO = 8.0
TARGET_MIB = 200.0
#: The club schedule's codes, and the one whose rungs take a fine range (amounts 100..500).
#: Fixed here (not read from the YAML) so that the data stay the same when the policy changes.
CODES = ["G1", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C8X", "C9", "C10"]
AMOUNT_CODES = ["C8"]


def inputs(rows: int, directory: str) -> dict[str, str]:
    path = generate.offences_path(rows, CODES, AMOUNT_CODES, directory)
    return {"offences": generate.generate_offences(rows, CODES, AMOUNT_CODES, path)}
