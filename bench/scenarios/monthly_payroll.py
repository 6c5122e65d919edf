"""monthly-payroll: the bundle (scoring, leave pay, office fines) for 10 000 people (issue 19)."""

from __future__ import annotations

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TITLE = "monthly-payroll, 10 000 people: 1 000 000 events, 200 000 attendance rows, offences"
POLICY = "monthly-payroll"
ROWS = 1_000_000  # events; staff, attendance and offences scale with it
TARGET_RATIO = 6.0
#: A bundle: its components run first, each as alone.
FUSED = False
TARGET_MIB = 500.0
ARGS = ("--period", "2024-05")


def inputs(rows: int, directory: str) -> dict[str, str]:
    employees = max(1, rows // 100)
    folder = os.path.join(directory, f"payroll-{employees}-{rows}")
    names = ("staff", "events", "attendance", "offences")
    files = {n: os.path.join(folder, f"{n}.csv") for n in names}
    if not all(os.path.exists(p) for p in files.values()):
        script = os.path.join(HERE, "payroll_data.py")
        cmd = [sys.executable, script, folder, "--employees", str(employees), "--events", str(rows)]
        cmd += ["--attendance", str(max(1, rows // 5)), "--offences", str(max(1, rows // 100))]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return files
