"""cs-scoring, monthly scoring: 10 000 staff and their events of April and May 2024."""

from __future__ import annotations

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TITLE = "cs-scoring, scores for May 2024 (events joined with staff, grouped per month, ranked)"
POLICY = "cs-scoring"
ROWS = 1_000_000
TARGET_RATIO = 5.0
TARGET_MIB = 200.0
ARGS = ("--period", "2024-05")
#: Staff for the full size (1 000 000 events for 10 000 agents); smaller runs keep 100 events each.
EVENTS_PER_AGENT = 100


def inputs(rows: int, directory: str) -> dict[str, str]:
    staff = max(1, rows // EVENTS_PER_AGENT)
    folder = os.path.join(directory, f"scoring-{staff}-{rows}")
    files = {"staff": os.path.join(folder, "staff.csv"), "events": os.path.join(folder, "events.csv")}
    if not all(os.path.exists(p) for p in files.values()):
        script = os.path.join(HERE, "scoring_data.py")
        cmd = [sys.executable, script, folder, "--staff", str(staff), "--events", str(rows)]
        subprocess.run(cmd, check=True)
    return files
