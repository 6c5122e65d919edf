"""Benchmark cspolicy's start-up: short commands and a 10-row run, each a whole new process.

What is timed (``--repeat`` runs of each, interleaved; median wall and CPU time):

* ``python -c pass``: the interpreter's own start on this machine, the floor;
* ``cspolicy --help``, ``--version``, ``list``, ``check materials-order``;
* ``cspolicy run materials-order TEN`` on 10 generated rows (``bench/generate.py``), printing
  the terminal table, with the policy cache filled by an untimed run first (every run after
  the first); the same with ``--format csv``; and the same with ``CSPOLICY_CACHE=off`` (what
  the first run after a policy or cspolicy changes costs).

The policy cache of these runs is a folder of ``bench/out/``, never the user's, and so is
their byte-code (``PYTHONPYCACHEPREFIX``; ``PYTHONDONTWRITEBYTECODE`` is ignored unless
``--no-bytecode``): an installed cspolicy starts from byte-code, like this. CPU time is
the child's user + system time (``os.wait4``): less disturbed than wall time when other work
shares the machine. Targets (issue 16): ``--help`` and a 10-row run within 0.2 s.

Usage::

    python bench/startup.py                      # this source tree, 21 runs of each
    python bench/startup.py --repeat 51
    python bench/startup.py --source /tmp/old    # another checkout (e.g. a commit before)
    python bench/startup.py --cli .venv/bin/cspolicy   # an installed command
    python bench/startup.py --breakdown          # what each stage of a 10-row run costs
    python bench/startup.py --no-bytecode        # as the environment says (PYTHONDONTWRITEBYTECODE …)

Standard library only.
"""

from __future__ import annotations

import argparse
import json
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


#: ``--breakdown``: the stages of a 10-row run in the order a run from the policy cache meets
#: them, then those only a run that compiles the policy goes through; each timed (CPU) in one
#: process, and each stage's code may use what the earlier ones defined.
STAGES = [
    ("interpreter start, before anything of cspolicy", None),
    ("click", "import click"),
    ("the command line (cspolicy.cli.main)", "import cspolicy.cli.main"),
    (
        "the engine's modules (files, run, tables, expressions, blocks, labels)",
        "import cspolicy.engine.files, cspolicy.planner.labels",
    ),
    ("tabulate (with wcwidth and importlib.metadata)", "import tabulate"),
    (
        "the policy cache: fingerprint of the code, read and unpickle the entry",
        "from cspolicy.cli.policy_cache import load_policy_cached\npolicy = load_policy_cached('materials-order')",
    ),
    (
        "the run: 10 rows to the terminal tables",
        "import contextlib, io\n"
        "from cspolicy.engine.files import bind_inputs, run_files\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "    run_files(policy, bind_inputs(policy, [DATA]))",
    ),
    ("only when the policy is compiled: PyYAML and the strict YAML reader", "import yaml, cspolicy.schema.yamlsource"),
    ("… pydantic (import)", "from pydantic import BaseModel, Field, ConfigDict, field_validator"),
    ("… the policy models (pydantic builds their validators)", "import cspolicy.schema.models"),
    (
        "… read + parse the YAML (materials-order)",
        "from cspolicy.planner.policy import resolve_policy_path\n"
        "from cspolicy.schema.yamlsource import load_yaml\n"
        "path, name = resolve_policy_path('materials-order'); doc = load_yaml(path, display_name=name)",
    ),
    ("… validate (pydantic)", "from cspolicy.schema.models import PolicyModel; PolicyModel.model_validate(doc.data)"),
    (
        "… load_policy: read, parse, validate, build, compile, labels",
        "from cspolicy.planner.policy import load_policy; load_policy('materials-order').labels",
    ),
]
_BREAKDOWN_CHILD = """
import json, sys, time
T = time.process_time
out = [T()]
DATA = sys.argv[1]
for code in json.loads(sys.argv[2]):
    try:
        exec(code)
        out.append(T())
    except Exception:
        out.append(None)
print(json.dumps(out))
"""


def breakdown(env: dict[str, str], cwd: str, data: str, repeat: int) -> None:
    """Print what each stage of a 10-row run costs (CPU, median of ``repeat`` processes)."""
    codes = json.dumps([code for _, code in STAGES[1:]])
    cache_env = {**env, "CSPOLICY_CACHE": os.path.join(OUT_DIR, "cache")}
    samples: list[list[float | None]] = []
    for _ in range(repeat + 1):  # the first fills the byte-code and policy caches: untimed
        done = subprocess.run(
            [sys.executable, "-c", _BREAKDOWN_CHILD, data, codes], env=cache_env, cwd=cwd, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"breakdown failed:\n{done.stderr[-2000:]}")
        marks = json.loads(done.stdout)
        steps: list[float | None] = [marks[0]]
        last = marks[0]
        for mark in marks[1:]:
            steps.append(None if mark is None or last is None else mark - last)
            last = mark if mark is not None else last
        samples.append(steps)
    print()
    print(f"where a 10-row run's CPU goes, in order (median of {repeat} processes; ms)")
    print()
    print("| stage | CPU ms |")
    print("|---|---:|")
    for i, (label, _) in enumerate(STAGES):
        values = [s[i] for s in samples[1:] if s[i] is not None]
        shown = f"{1000 * statistics.median(values):.1f}" if values else "n/a"
        print(f"| {label} | {shown} |")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=21, help="timed runs of each command; the median is shown (default 21)")
    ap.add_argument("--source", default=REPO, help="the source tree to time (default: this repository)")
    ap.add_argument("--cli", help="an installed cspolicy command to time instead of a source tree")
    ap.add_argument("--breakdown", action="store_true", help="only: what each stage of a 10-row run costs")
    ap.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep the environment's byte-code settings (default: byte-code cached in bench/out/, as installed)",
    )
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    env = dict(os.environ)
    env.pop("CSPOLICY_LANG", None)
    if not args.no_bytecode:
        # Like any installed package: modules imported from byte-code, which the untimed first
        # runs write to a folder of bench/out/ (never into the source tree). Without it a
        # checkout under PYTHONDONTWRITEBYTECODE=1 compiles every cspolicy module at each start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(OUT_DIR, "pycache")
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
    if args.breakdown:
        if args.cli:
            ap.error("--breakdown times a source tree, not --cli")
        breakdown(env, cwd, data, args.repeat)
        shutil.rmtree(OUT_DIR, ignore_errors=True)
        return 0
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
