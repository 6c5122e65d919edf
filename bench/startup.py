"""Benchmark cspolicy's start-up: short commands and a 10-row run, each a whole new process.

What is timed (``--repeat`` runs of each, interleaved; median wall and CPU time):

* ``python -c pass``: the interpreter's own start on this machine, the floor;
* ``cspolicy --help``, ``--version``, ``list``, ``check materials-order``;
* ``cspolicy run materials-order TEN`` on 10 generated rows (``bench/generate.py``), printing
  the terminal table, with the policy cache filled by an untimed run first (every run after
  the first); the same with ``--format csv``; and the same with ``CSPOLICY_CACHE=off`` (what
  the first run after a policy or cspolicy changes costs).

The policy cache of these runs is a folder of ``bench/out/``, never the user's. CPU time is
the child's user + system time (``os.wait4``): less disturbed than wall time when other work
shares the machine. Targets (issue 16): ``--help`` and a 10-row run within 0.2 s.

Usage::

    python bench/startup.py                      # this source tree, 21 runs of each
    python bench/startup.py --repeat 51
    python bench/startup.py --source /tmp/old    # another checkout (e.g. a commit before)
    python bench/startup.py --cli .venv/bin/cspolicy   # an installed command

Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate  # noqa: E402  (bench/generate.py)
from run import machine, source_version  # noqa: E402  (bench/run.py)

OUT_DIR = os.path.join(HERE, "out", "startup")
TARGET = 0.2  # seconds, for --help and a 10-row run
ROWS = 10


@dataclass
class Command:
    label: str
    args: list[str]
    env: dict[str, str]
    target: bool = False
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def run_once(cmd: Sequence[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one process; exits the benchmark if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"FAILED (exit {proc.returncode}): {shlex.join(cmd)}\n{err.decode('utf-8', 'replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def commands(prefix: list[str], env: dict[str, str], data: str) -> list[Command]:
    cached = {**env, "CSPOLICY_CACHE": os.path.join(OUT_DIR, "cache")}
    uncached = {**env, "CSPOLICY_CACHE": "off"}
    run = [*prefix, "run", "materials-order", data]
    csv = [*run, "--format", "csv", "--only", "orders"]
    return [
        Command("python -c pass (floor)", [sys.executable, "-c", "pass"], env),
        Command("cspolicy --help", [*prefix, "--help"], cached, target=True),
        Command("cspolicy --version", [*prefix, "--version"], cached),
        Command("cspolicy list", [*prefix, "list"], cached),
        Command("cspolicy check materials-order", [*prefix, "check", "materials-order"], cached),
        Command(f"run, {ROWS} rows, table (cached policy)", run, cached, target=True),
        Command(f"run, {ROWS} rows, CSV of orders (cached policy)", csv, cached, target=True),
        Command(f"run, {ROWS} rows, table, CSPOLICY_CACHE=off", run, uncached),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=21, help="timed runs of each command; the median is shown (default 21)")
    ap.add_argument("--source", default=REPO, help="the source tree to time (default: this repository)")
    ap.add_argument("--cli", help="an installed cspolicy command to time instead of a source tree")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    env = dict(os.environ)
    env.pop("CSPOLICY_LANG", None)
    cwd = REPO
    if args.cli:
        prefix = shlex.split(args.cli)
        where = f"command {args.cli}"
    else:
        source = cwd = os.path.abspath(args.source)  # ``-m`` puts the working folder first on sys.path
        env["PYTHONPATH"] = source + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        prefix = [sys.executable, "-m", "cspolicy"]
        where = f"source {source} ({source_version() if source == REPO else 'another tree'})"
    shutil.rmtree(OUT_DIR, ignore_errors=True)
    os.makedirs(OUT_DIR)
    data = generate.generate_stations(ROWS)
    todo = commands(prefix, env, data)
    print(f"timing {where}; {machine()}")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        note = ": other work is running, compare CPU times" if load[0] > 0.5 * (os.cpu_count() or 1) else ""
        print(f"load average {' '.join(f'{x:.2f}' for x in load)}{note}")
    for c in todo:  # untimed: byte-compile, fill the page cache and the policy cache, fail early
        run_once(c.args, c.env, cwd)
    for _ in range(args.repeat):
        for c in todo:
            wall, cpu = run_once(c.args, c.env, cwd)
            c.wall.append(wall)
            c.cpu.append(cpu)
    shutil.rmtree(OUT_DIR, ignore_errors=True)

    print()
    print(f"median of {args.repeat} runs, seconds")
    print()
    print("| command | wall s | CPU s | CPU − floor s | target |")
    print("|---|---:|---:|---:|---|")
    floor = statistics.median(todo[0].cpu)
    for c in todo:
        wall, cpu = statistics.median(c.wall), statistics.median(c.cpu)
        verdict = ""
        if c.target:
            ok = max(wall, cpu) <= TARGET
            verdict = f"≤ {TARGET}: {'met' if ok else 'MISSED'}"
        print(f"| {c.label} | {wall:.3f} | {cpu:.3f} | {cpu - floor:.3f} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
