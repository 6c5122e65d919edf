"""cc-metrics: a month of call-detail records, metrics per queue and day (issue 18)."""

from __future__ import annotations

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TITLE = "cc-metrics, service metrics per queue and day from one call-detail export"
POLICY = "cc-metrics"
ROWS = 5_000_000
TARGET_RATIO = 4.0
#: Its duplicate check (a window ranking a constant per call_id, ties in input order) takes
#: the fused loop: cspolicy.engine.fastwindow with cspolicy.blocks.distinct.
FUSED = True
TARGET_MIB = 200.0
ARGS = ("--only", "metrics", "--by", "queue", "--by", "day")


def inputs(rows: int, directory: str) -> dict[str, str]:
    folder = os.path.join(directory, f"cc-metrics-{rows}")
    calls = os.path.join(folder, "calls.csv")
    if not os.path.exists(calls):
        script = os.path.join(HERE, "cc_metrics_data.py")
        subprocess.run([sys.executable, script, folder, "--calls", str(rows)], check=True, stdout=subprocess.DEVNULL)
    return {"calls": calls}
