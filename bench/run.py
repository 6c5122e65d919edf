"""Benchmark ``cspolicy run`` against the floor and a hand-written Decimal script.

One run, one generated file (``bench/generate.py``, fixed seed), whole processes:

* **(a) floor** — ``bench/floor_copy.py``: ``csv.reader`` → ``csv.writer``, no computation;
* **(b) hand-written** — ``bench/handwritten.py``: the ``orders`` columns of
  materials-order computed with ``decimal.Decimal`` by hand;
* **(c) cspolicy** — ``cspolicy run materials-order FILE --only orders -o OUTDIR``, the real CLI:
  from this source tree by default (``python -c "from cspolicy.cli.main import main; main()"``
  with the repository on ``PYTHONPATH`` and the repository's policy file), or an installed
  command given with ``--cli``.

Each approach runs ``--repeat`` times, interleaved (a b c a b c …); the table shows the
median wall time and the largest peak RSS of the runs. Peak RSS is each child's own, from
GNU ``/usr/bin/time -v`` (else ``bench/peak_rss.py``'s VmHWM; see :func:`run_child` for why
neither ``getrusage(RUSAGE_CHILDREN)`` nor ``os.wait4`` from this process is right).
Afterwards the ``orders`` figures of (b) and (c) are compared cell by cell (values, not
formatting: ``15%`` = ``0.15``, BOM ignored); any difference is printed loudly and makes
the exit status 1.

``--penalties`` also times ``cspolicy run penalties-club OFFENCES.csv -o OUTDIR`` against the
floor on generated offence rows (codes taken from the policy), if
``policies/penalties-club.yaml`` exists; otherwise it says so and skips.

Usage::

    python bench/run.py                       # 1 000 000 rows, repeat 3
    python bench/run.py --rows 100000
    python bench/run.py --penalties           # materials, then penalties-club
    python bench/run.py --cli /tmp/benchvenv/bin/cspolicy

Standard library only (the cspolicy command needs its own dependencies, of course).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate  # noqa: E402  (bench/generate.py)

OUT_DIR = os.path.join(HERE, "out")
LOAD_BEFORE = "n/a"
TARGETS = {"c/a": 2.5, "c/b": 1.25, "rss_c": 50.0, "rss_penalties": 200.0}
# Output columns of orders, and how to compare them.
NUMBER_COLS = ("parcels", "monthly_qty", "weekly_qty", "half_week_qty", "requested", "approved_qty")
PERCENT_COLS = ("growth",)
TEXT_COLS = ("station", "material", "status")


@dataclass
class Approach:
    label: str
    cmd: list[str]
    env: dict[str, str] | None = None
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(self.cpu)

    @property
    def rss_mib(self) -> float:
        return max(self.rss_kib) / 1024


# -- running one child ---------------------------------------------------------------------
# Peak RSS must be the child's own. Neither getrusage(RUSAGE_CHILDREN) (the maximum over all
# children so far) nor os.wait4 from this process will do: a child's ru_maxrss includes the
# memory of the parent it was forked from until it execs, so from a 20-200 MiB Python parent
# every child "peaks" at the parent's size. GNU /usr/bin/time is a small C parent, so its
# report is the child's own; without it, bench/peak_rss.py runs the Python program in-process
# and reports VmHWM, the high-water mark of the exec'd image alone (Linux).
PEAK_RSS = os.path.join(HERE, "peak_rss.py")


def gnu_time_works() -> bool:
    if not os.path.exists("/usr/bin/time"):
        return False
    probe = subprocess.run(["/usr/bin/time", "-v", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and "Maximum resident set size" in probe.stderr


def choose_rss(mode: str) -> str:
    if mode != "auto":
        return mode
    if gnu_time_works():
        return "time"
    if os.path.exists("/proc/self/status"):
        return "vmhwm"
    print(
        "warning: no GNU /usr/bin/time and no /proc: peak RSS falls back to os.wait4, an upper bound "
        "that includes this benchmark process's own memory"
    )
    return "wait4"


def _python_of(cmd: Sequence[str]) -> list[str]:
    """``cmd`` as [interpreter, script-or--c, ...] for peak_rss.py (a console script's shebang)."""
    if os.path.basename(cmd[0]).startswith("python"):
        return list(cmd)
    with open(shutil.which(cmd[0]) or cmd[0], "rb") as f:
        first = f.readline().decode("utf-8", "replace").strip()
    if first.startswith("#!") and "python" in first:
        return [*first[2:].split(), *cmd]
    raise SystemExit(f"--rss vmhwm cannot measure {cmd[0]} (not a Python program); install GNU time")


def _maxrss_kib(ru_maxrss: int) -> int:
    return ru_maxrss // 1024 if sys.platform == "darwin" else ru_maxrss  # macOS reports bytes


def run_child(cmd: Sequence[str], env: dict[str, str] | None, log: str, rss: str) -> tuple[float, float, int]:
    """Run ``cmd`` to completion; (wall seconds, CPU seconds, peak RSS KiB). Exits the benchmark on failure.

    CPU is user + system time of the child and its children (``os.wait4``), which is less
    disturbed than wall time when other work shares the machine."""
    report = log + ".rss"
    if rss == "time":
        cmd = ["/usr/bin/time", "-v", *cmd]
    elif rss == "vmhwm":
        py = _python_of(cmd)
        cmd = [py[0], PEAK_RSS, report, *py[1:]]
    with open(log, "wb") as err:
        start = time.perf_counter()
        # cwd: ``python -c`` puts the working directory first on sys.path, so run from the
        # repository, whose cspolicy is the one PYTHONPATH names anyway.
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=REPO)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        with open(log, encoding="utf-8", errors="replace") as f:
            tail = f.read()[-3000:]
        raise SystemExit(f"FAILED (exit {proc.returncode}): {shlex.join(cmd)}\n{tail}")
    if rss == "time":
        with open(log, encoding="utf-8", errors="replace") as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        if not m:
            raise SystemExit(f"/usr/bin/time -v printed no maximum resident set size (see {log})")
        return wall, cpu, int(m.group(1))
    if rss == "vmhwm":
        with open(report, encoding="ascii") as f:
            return wall, cpu, int(f.read())
    return wall, cpu, _maxrss_kib(usage.ru_maxrss)


def time_all(approaches: Sequence[Approach], repeat: int, rss: str, quiet: bool = False) -> None:
    os.makedirs(OUT_DIR, exist_ok=True)
    for r in range(repeat):
        for a in approaches:
            log = os.path.join(OUT_DIR, f"{a.label.split()[0].strip('()')}.log")
            wall, cpu, kib = run_child(a.cmd, a.env, log, rss)
            a.times.append(wall)
            a.cpu.append(cpu)
            a.rss_kib.append(kib)
            if not quiet:
                line = f"  run {r + 1}/{repeat}  {a.label:<16} {wall:7.2f} s  (CPU {cpu:6.2f} s)  {kib / 1024:6.1f} MiB"
                print(line, flush=True)


# -- the cspolicy command --------------------------------------------------------------------
def cspolicy_command(cli: str | None) -> tuple[list[str], dict[str, str] | None, bool]:
    """(command prefix, environment, from source?) for running the cspolicy CLI."""
    if cli:
        return shlex.split(cli), None, False
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return [sys.executable, "-c", "from cspolicy.cli.main import main; main()"], env, True


def policy_ref(name: str, from_source: bool) -> str:
    """The repository's policy file when running from source, else the shipped name."""
    return os.path.join(REPO, "policies", f"{name}.yaml") if from_source else name


# -- comparing (b) and (c) -------------------------------------------------------------------
def _num(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    return Decimal(text)


def _pct(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    return Decimal(text[:-1]).scaleb(-2) if text.endswith("%") else Decimal(text)


def compare_orders(hand: str, tool: str, limit: int = 10) -> tuple[int, int, list[str]]:
    """(rows compared, rows differing, first messages): the orders figures of both files."""
    problems: list[str] = []
    bad = rows = 0
    with open(hand, encoding="utf-8-sig", newline="") as fh, open(tool, encoding="utf-8-sig", newline="") as ft:
        rh, rt = csv.reader(fh), csv.reader(ft)
        hh, ht = next(rh), next(rt)
        cols = [*TEXT_COLS, *NUMBER_COLS, *PERCENT_COLS]
        missing = [c for c in cols if c not in hh or c not in ht]
        if missing:
            return 0, 1, [f"column(s) missing from an output: {', '.join(missing)} (hand: {hh}, cspolicy: {ht})"]
        plan = []
        for c in cols:
            conv = _pct if c in PERCENT_COLS else _num if c in NUMBER_COLS else str.strip
            plan.append((c, hh.index(c), ht.index(c), conv))
        for n, (a, b) in enumerate(zip(rh, rt), 2):
            rows += 1
            diffs = []
            for c, i, j, conv in plan:
                try:
                    same = conv(a[i]) == conv(b[j])
                except (InvalidOperation, IndexError):
                    same = False
                if not same:
                    diffs.append(f"{c}: hand {a[i] if i < len(a) else '?'!r} vs cspolicy {b[j] if j < len(b) else '?'!r}")
            if diffs:
                bad += 1
                if len(problems) < limit:
                    problems.append(f"row {n} ({a[0]} / {a[1]}): " + "; ".join(diffs))
        extra_h, extra_t = sum(1 for _ in rh), sum(1 for _ in rt)
        if extra_h or extra_t:
            bad += extra_h + extra_t
            problems.append(f"row counts differ: hand-written has {extra_h} more, cspolicy {extra_t} more")
    return rows, bad, problems


def count_rows(path: str) -> int:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


# -- the report ------------------------------------------------------------------------------
def machine() -> str:
    return (
        f"{platform.python_implementation()} {platform.python_version()} on {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs ({_cpu_model()})"
    )


def source_version() -> str:
    """The repository's commit (and whether cspolicy/ or policies/ have uncommitted changes)."""
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "-C", REPO, "status", "--porcelain", "--", "cspolicy", "policies"], capture_output=True, text=True
        )
    except OSError:
        return "unknown commit"
    if head.returncode:
        return "unknown commit"
    return f"commit {head.stdout.strip()}" + (" + uncommitted changes" if dirty.stdout.strip() else "")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


RSS_NOTE = {"time": "GNU /usr/bin/time -v", "vmhwm": "VmHWM via bench/peak_rss.py", "wait4": "os.wait4, an upper bound"}


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def materials(args: argparse.Namespace) -> int:
    rows = args.rows
    t0 = time.perf_counter()
    data = generate.generate_stations(rows)
    print(
        f"data: {os.path.relpath(data)} ({rows:,} rows, {os.path.getsize(data) / 2**20:.1f} MiB)"
        f"{'' if time.perf_counter() - t0 > 0.5 else ' (cached)'}"
    )
    prefix, env, from_source = cspolicy_command(args.cli)
    py = sys.executable
    out_a = os.path.join(OUT_DIR, "floor.csv")
    out_b = os.path.join(OUT_DIR, "handwritten.csv")
    out_c = os.path.join(OUT_DIR, "cspolicy")
    a = Approach("(a) floor", [py, os.path.join(HERE, "floor_copy.py"), data, out_a])
    b = Approach("(b) hand-written", [py, os.path.join(HERE, "handwritten.py"), data, out_b])
    c = Approach(
        "(c) cspolicy", [*prefix, "run", policy_ref("materials-order", from_source), data, "--only", "orders", "-o", out_c], env
    )
    print(f"cspolicy: {shlex.join(c.cmd)}" + (f"  (PYTHONPATH={REPO}, {source_version()})" if from_source else ""))
    # Warm-up (untimed): byte-compile, fill the page cache, and fail early if something is broken.
    small = os.path.join(REPO, "examples", "materials", "stations.csv")
    os.makedirs(OUT_DIR, exist_ok=True)
    for x in (a, b, c):
        run_child([small if part == data else part for part in x.cmd], x.env, os.path.join(OUT_DIR, "warmup.log"), "wait4")
    with open(data, "rb") as f:
        while f.read(1 << 20):
            pass
    time_all((a, b, c), args.repeat, args.rss, args.quiet)

    print()
    compared, bad, problems = compare_orders(out_b, os.path.join(out_c, "orders.csv"))
    if bad:
        print("!" * 78)
        print(f"!! MISMATCH: (b) hand-written and (c) cspolicy differ on {bad:,} of {compared:,} orders rows.")
        print("!! This is a correctness bug (in cspolicy or in bench/handwritten.py): tell the lead.")
        for p in problems:
            print("!!   " + p)
        print("!" * 78)
    else:
        print(f"check: (b) and (c) give the same orders figures on all {compared:,} rows")

    fa, fb, fc = a.seconds, b.seconds, c.seconds
    print()
    print(
        f"materials-order, {rows:,} rows, median of {args.repeat} (wall time, whole process); {machine()}; "
        f"peak RSS by {RSS_NOTE[args.rss]}"
    )
    print()
    print("| approach | seconds | × floor | × hand-written | CPU s | CPU × floor | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for x in (a, b, c):
        print(
            f"| {x.label} | {x.seconds:.2f} | {x.seconds / fa:.2f} | {x.seconds / fb:.2f} | {x.cpu_seconds:.2f} "
            f"| {x.cpu_seconds / a.cpu_seconds:.2f} | {x.rss_mib:.1f} |"
        )
    print()
    ca, cb, rss = fc / fa, fc / fb, c.rss_mib
    print(
        f"targets: (c)/(a) = {ca:.2f} ≤ {TARGETS['c/a']} {verdict(ca <= TARGETS['c/a'])}; "
        f"(c)/(b) = {cb:.2f} ≤ {TARGETS['c/b']} {verdict(cb <= TARGETS['c/b'])}; "
        f"peak RSS (c) = {rss:.1f} MiB ≤ {TARGETS['rss_c']:.0f} {verdict(rss <= TARGETS['rss_c'])}"
    )
    print(
        f"(CPU time: (c)/(a) = {c.cpu_seconds / a.cpu_seconds:.2f}, (c)/(b) = {c.cpu_seconds / b.cpu_seconds:.2f}; "
        f"load average before: {LOAD_BEFORE})"
    )
    print(f"(runs: {', '.join(f'{x.label.split()[0]} ' + ' '.join(f'{t:.2f}' for t in x.times) for x in (a, b, c))})")
    return 1 if bad else 0


def _policy_codes(path: str) -> tuple[list[str], list[str]]:
    """Offence codes of the policy's schedules, and those whose rungs take a fine range."""
    try:
        import yaml  # cspolicy's own dependency; only needed here
    except ImportError:
        return [], []
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    codes: list[str] = []
    ranged: list[str] = []
    for schedule in (doc.get("schedules") or {}).values():
        for code, offence in (schedule.get("offences") or {}).items():
            codes.append(str(code))
            # An amount is valid on every occurrence only if every rung is a fine range and
            # the last rung repeats (the default, unless a rung includes dismissal).
            ladder = offence.get("ladder") or []
            all_ranges = bool(ladder) and all(isinstance(r, dict) and isinstance(r.get("fine"), dict) for r in ladder)
            dismissal = any(r == "dismissal" or (isinstance(r, dict) and r.get("dismissal")) for r in ladder)
            repeats = offence.get("after_last", "none" if dismissal else "repeat") == "repeat"
            if all_ranges and repeats:
                ranged.append(str(code))
    return codes, ranged


def penalties(args: argparse.Namespace) -> int:
    policy_file = os.path.join(REPO, "policies", "penalties-club.yaml")
    if not os.path.exists(policy_file):
        print("penalties: skipped, policies/penalties-club.yaml does not exist yet")
        return 0
    codes, ranged = _policy_codes(policy_file)
    if args.codes:
        codes = [c.strip() for c in args.codes.split(",") if c.strip()]
    if not codes:
        codes = ["G1", "G2", "G3"]
        print("penalties: could not read the policy's offence codes (PyYAML missing?); using G1,G2,G3")
    rows = args.rows
    data = generate.generate_offences(rows, codes, ranged)
    print(
        f"data: {os.path.relpath(data)} ({rows:,} offence rows, codes {','.join(codes)}; "
        f"amounts on some {','.join(ranged) or 'none'})"
    )
    prefix, env, from_source = cspolicy_command(args.cli)
    out_c = os.path.join(OUT_DIR, "penalties")
    a = Approach(
        "(a) floor", [sys.executable, os.path.join(HERE, "floor_copy.py"), data, os.path.join(OUT_DIR, "floor-offences.csv")]
    )
    c = Approach("(c) penalties", [*prefix, "run", policy_ref("penalties-club", from_source), data, "-o", out_c], env)
    print(f"cspolicy: {shlex.join(c.cmd)}")
    time_all((a, c), args.repeat, args.rss, args.quiet)
    written = count_rows(os.path.join(out_c, "sanctions.csv"))
    print()
    if written != rows:
        print(f"!! penalties-club wrote {written:,} sanction rows for {rows:,} offence rows")
    print(f"penalties-club, {rows:,} offence rows, median of {args.repeat}; {machine()}; peak RSS by {RSS_NOTE[args.rss]}")
    print()
    print("| approach | seconds | × floor | CPU s | CPU × floor | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for x in (a, c):
        print(
            f"| {x.label} | {x.seconds:.2f} | {x.seconds / a.seconds:.2f} | {x.cpu_seconds:.2f} "
            f"| {x.cpu_seconds / a.cpu_seconds:.2f} | {x.rss_mib:.1f} |"
        )
    print()
    print(
        f"target: peak RSS = {c.rss_mib:.1f} MiB ≤ {TARGETS['rss_penalties']:.0f} "
        f"{verdict(c.rss_mib <= TARGETS['rss_penalties'])}"
    )
    return 1 if written != rows else 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of generated data (default 1000000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per approach; the median is shown (default 3)")
    ap.add_argument(
        "--cli",
        help="the cspolicy command to time, e.g. /tmp/benchvenv/bin/cspolicy "
        "(default: this source tree with the current interpreter)",
    )
    ap.add_argument(
        "--rss",
        choices=("auto", "time", "vmhwm", "wait4"),
        default="auto",
        help="how peak RSS is measured: GNU /usr/bin/time -v, bench/peak_rss.py (VmHWM), or "
        "os.wait4 (an upper bound: includes this process); auto = the first that works",
    )
    ap.add_argument("--penalties", action="store_true", help="also time penalties-club on offence rows")
    ap.add_argument("--penalties-only", action="store_true", help="time penalties-club only")
    ap.add_argument("--codes", help="offence codes for --penalties (default: the policy's own)")
    ap.add_argument("--quiet", action="store_true", help="no line per run")
    args = ap.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        ap.error("--rows and --repeat must be at least 1")
    if args.rss == "time" and not gnu_time_works():
        ap.error("--rss time needs GNU /usr/bin/time")
    args.rss = choose_rss(args.rss)
    if args.cli is None:
        probe = subprocess.run([sys.executable, "-c", "import click, pydantic, yaml, tabulate"], capture_output=True, text=True)
        if probe.returncode:
            ap.error(f"{sys.executable} lacks cspolicy's dependencies; run with the venv's python or give --cli")
    global LOAD_BEFORE
    if hasattr(os, "getloadavg"):
        LOAD_BEFORE = " ".join(f"{x:.2f}" for x in os.getloadavg())
        if os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1):
            print(f"warning: load average {LOAD_BEFORE}: other work is running; wall times will be noisy")
    status = 0
    if not args.penalties_only:
        status |= materials(args)
    if args.penalties or args.penalties_only:
        if not args.penalties_only:
            print()
        status |= penalties(args)
    if os.path.isdir(OUT_DIR) and not status:
        shutil.rmtree(OUT_DIR, ignore_errors=True)  # outputs are large; keep them only to inspect a failure
    return status


if __name__ == "__main__":
    sys.exit(main())
