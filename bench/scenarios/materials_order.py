"""materials-order with both outputs: row-wise ``orders`` and the grouped ``materials``."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import generate  # noqa: E402  (bench/generate.py)

TITLE = "materials-order, both outputs (orders per row, materials grouped)"
POLICY = "materials-order"
ROWS = 1_000_000
TARGET_RATIO = 4.5
TARGET_MIB = 50.0


def inputs(rows: int, directory: str) -> dict[str, str]:
    return {"stations": generate.generate_stations(rows, generate.stations_path(rows, directory))}
