"""Every benchmark scenario in one run, each against the CSV floor measured in the same run.

For each scenario of ``bench/scenarios/`` (one small module each: its data generator, policy,
inputs and targets), on fixed-seed data:

* **floor**: ``bench/floor_copy.py`` copies each input file (``csv.reader`` → ``csv.writer``);
* **cspolicy**: ``cspolicy run POLICY name=FILE … -o DIR`` from this source tree (all outputs);

run ``--repeat`` times interleaved (floor, cspolicy, floor, cspolicy …); the best (lowest)
wall and CPU time of each is kept, since on a shared machine the lowest is the least
disturbed, and the largest peak RSS (GNU ``/usr/bin/time -v``, else ``bench/peak_rss.py``).
The ratio is cspolicy ÷ floor. Then, unless ``--no-check``, the careful engine
(``bench/careful.py``: the fused loops off) runs once on the same files and every output file
must be byte-identical; a difference is printed loudly and makes the exit status 1.

Start-up is measured too (``bench/startup.py``'s method, fewer runs): ``cspolicy --help`` and
a 10-row run of materials-order from the policy cache, each within 0.2 s.

Usage::

    python bench/suite.py                         # every scenario at its own size, best of 3
    python bench/suite.py --scale 0.1             # a tenth of the rows (a quick look)
    python bench/suite.py --only penalties-club --repeat 5
    python bench/suite.py --no-check --no-startup

A scenario whose policy is not shipped yet is skipped with a note. Standard library only.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import run as single  # noqa: E402  (bench/run.py: run_child, the cspolicy command, machine())
import startup  # noqa: E402  (bench/startup.py)
from scenarios import Scenario, discover  # noqa: E402

OUT_DIR = os.path.join(HERE, "out", "suite")
DATA_DIR = os.path.join(HERE, "data")


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    kib: list[int] = field(default_factory=list)

    def add(self, wall: float, cpu: float, kib: int) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.kib.append(kib)

    @property
    def best(self) -> float:
        return min(self.wall)

    @property
    def best_cpu(self) -> float:
        return min(self.cpu)

    @property
    def mib(self) -> float:
        return max(self.kib) / 1024


@dataclass
class Result:
    scenario: Scenario
    rows: int
    floor: Timing
    tool: Timing
    same: bool | None  # None: not checked

    @property
    def ratio(self) -> float:
        return self.tool.best / self.floor.best

    @property
    def cpu_ratio(self) -> float:
        return self.tool.best_cpu / self.floor.best_cpu


def measure(s: Scenario, rows: int, repeat: int, rss: str, check: bool, quiet: bool, source: str = REPO) -> Result:
    """Time one scenario (see the module notes); ``source``: the source tree to time."""
    files = s.inputs(rows, DATA_DIR)
    work = os.path.join(OUT_DIR, s.name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    prefix, env, _ = single.cspolicy_command(None)
    assert env is not None
    policy_file = os.path.join(source, "policies", f"{s.policy}.yaml")
    if source != REPO:  # another checkout first on the path; -P: not the working folder (this repository)
        prefix = [sys.executable, "-P", *prefix[1:]]
        env["PYTHONPATH"] = source + os.pathsep + env["PYTHONPATH"]
    # as an installed cspolicy runs: from byte-code, with the policy cache filled (both in
    # bench/out/, never the source tree or the user's cache), by one untimed run on 10 rows
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(OUT_DIR, "pycache")
    env["CSPOLICY_CACHE"] = os.path.join(OUT_DIR, "policy-cache")
    floor_cmd = [sys.executable, os.path.join(HERE, "floor_copy.py")]
    for name, path in files.items():
        floor_cmd += [path, os.path.join(work, f"floor-{name}.csv")]
    bound = [f"{name}={path}" for name, path in files.items()]
    out = os.path.join(work, "cspolicy")
    tool_cmd = [*prefix, "run", policy_file, *bound, *s.args, "-q", "-o", out]
    for path in files.values():  # the page cache: every process reads warm files
        with open(path, "rb") as f:
            while f.read(1 << 20):
                pass
    small = [f"{name}={path}" for name, path in s.inputs(10, DATA_DIR).items()]
    warmup = [*prefix, "run", policy_file, *small, *s.args, "-q", "-o", out]
    single.run_child(warmup, env, os.path.join(work, "warmup.log"), "wait4")
    floor, tool = Timing(), Timing()
    log = os.path.join(work, "child.log")
    for r in range(repeat):
        for label, cmd, timing, e in (("floor", floor_cmd, floor, None), ("cspolicy", tool_cmd, tool, env)):
            shutil.rmtree(out, ignore_errors=True)
            wall, cpu, kib = single.run_child(cmd, e, log, rss)
            timing.add(wall, cpu, kib)
            if not quiet:
                line = f"{wall:7.2f} s (CPU {cpu:6.2f} s) {kib / 1024:6.1f} MiB"
                print(f"  {s.name} run {r + 1}/{repeat} {label:<9} {line}", flush=True)
    same: bool | None = None
    if check:
        ref = os.path.join(work, "careful")
        script = os.path.join(HERE, "careful.py")
        careful = [prefix[0], *prefix[1:-2], script, "run", policy_file, *bound, *s.args, "-q", "-o", ref]
        single.run_child(careful, env, log, "wait4")
        same = _same_files(out, ref)
    return Result(s, rows, floor, tool, same)


def _same_files(a: str, b: str) -> bool:
    names = sorted(os.listdir(a))
    if names != sorted(os.listdir(b)):
        print(f"!! the files differ: {names} against the careful engine's {sorted(os.listdir(b))}")
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    # the run record (cspolicy-run.json) says when the run was: compare it without its time
    mismatch = [n for n in mismatch if not (n.endswith(".json") and _untimed(os.path.join(a, n)) == _untimed(os.path.join(b, n)))]
    for name in [*mismatch, *errors]:
        print(f"!! {name}: the fused loop and the careful engine wrote different bytes (a correctness bug)")
    return not mismatch and not errors


def _untimed(path: str) -> object:
    import json

    with open(path, encoding="utf-8") as f:
        record = json.load(f)
    if isinstance(record, dict):
        record.pop("time", None)
    return record


def startup_figures(repeat: int) -> list[tuple[str, float, float, bool]]:
    """(label, median wall, median CPU, met?) of ``--help`` and a cached 10-row run."""
    env = dict(os.environ)
    env.pop("CSPOLICY_LANG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: from byte-code (see bench/startup.py)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(startup.OUT_DIR, "pycache")
    env["PYTHONPATH"] = REPO + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    shutil.rmtree(startup.OUT_DIR, ignore_errors=True)
    os.makedirs(startup.OUT_DIR)
    data = startup.generate.generate_stations(startup.ROWS)
    chosen = [c for c in startup.commands([sys.executable, "-m", "cspolicy"], env, data) if c.target]
    for c in chosen:
        startup.run_once(c.args, c.env, REPO)  # untimed: byte-code, policy cache
    for _ in range(repeat):
        for c in chosen:
            wall, cpu = startup.run_once(c.args, c.env, REPO)
            c.wall.append(wall)
            c.cpu.append(cpu)
    shutil.rmtree(startup.OUT_DIR, ignore_errors=True)
    figures = []
    for c in chosen:
        wall, cpu = statistics.median(c.wall), statistics.median(c.cpu)
        figures.append((c.label, wall, cpu, cpu <= startup.TARGET))
    return figures


def report(results: Sequence[Result], skipped: Sequence[Scenario], repeat: int, rss: str) -> None:
    print()
    print(f"best of {repeat}, whole processes; {single.machine()}; peak RSS by {single.RSS_NOTE[rss]}; {single.source_version()}")
    print()
    print("| scenario | rows | floor s | cspolicy s | × floor | CPU × floor | peak MiB | targets | careful engine |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for r in results:
        s = r.scenario
        met = (
            f"≤ {s.target_ratio:g}×: {single.verdict(r.ratio <= s.target_ratio)}; "
            f"≤ {s.target_mib:g} MiB: {single.verdict(r.tool.mib <= s.target_mib)}"
        )
        same = "not checked" if r.same is None else "byte-identical" if r.same else "**DIFFERENT**"
        print(
            f"| {s.name} | {r.rows:,} | {r.floor.best:.2f} | {r.tool.best:.2f} | **{r.ratio:.2f}** | {r.cpu_ratio:.2f} "
            f"| {r.tool.mib:.1f} | {met} | {same} |"
        )
    for s in skipped:
        print(f"| {s.name} | – | – | – | – | – | – | skipped: policies/{s.policy}.yaml is not shipped yet | – |")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is kept (default 3)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply each scenario's rows (default 1)")
    ap.add_argument("--only", action="append", default=[], metavar="SCENARIO", help="only this scenario (repeatable)")
    ap.add_argument("--no-check", action="store_true", help="skip the byte comparison with the careful engine")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up figures")
    ap.add_argument("--startup-repeat", type=int, default=11, help="runs of each start-up command (median; default 11)")
    ap.add_argument("--rss", choices=("auto", "time", "vmhwm", "wait4"), default="auto", help="as bench/run.py --rss")
    ap.add_argument("--quiet", action="store_true", help="no line per run")
    ap.add_argument("--source", default=REPO, help="another source tree to time, e.g. a `git archive` of an older commit")
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.scale <= 0:
        ap.error("--repeat must be at least 1 and --scale above 0")
    rss = single.choose_rss(args.rss)
    scenarios = discover()
    unknown = set(args.only) - {s.name for s in scenarios}
    if unknown:
        ap.error(f"unknown scenario(s) {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in scenarios)}")
    chosen = [s for s in scenarios if not args.only or s.name in args.only]
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        busy = load[0] > 0.5 * (os.cpu_count() or 1)
        note = " (other work is running: times are noisy, the best of several runs is kept)" if busy else ""
        print(f"load average {' '.join(f'{x:.2f}' for x in load)}{note}")
    results: list[Result] = []
    skipped: list[Scenario] = []
    started = time.perf_counter()
    for s in chosen:
        if not s.shipped:
            print(f"{s.name}: skipped, policies/{s.policy}.yaml is not shipped yet")
            skipped.append(s)
            continue
        rows = max(1, round(s.rows * args.scale))
        print(f"{s.name}: {s.title or s.policy}, {rows:,} rows")
        results.append(measure(s, rows, args.repeat, rss, not args.no_check, args.quiet, os.path.abspath(args.source)))
    report(results, skipped, args.repeat, rss)
    if not args.no_startup:
        print()
        target = f"target ≤ {startup.TARGET} s of CPU: wall time suffers on a shared machine"
        print(f"start-up, median of {args.startup_repeat} ({target})")
        print()
        print("| command | wall s | CPU s | target |")
        print("|---|---:|---:|---|")
        for label, wall, cpu, ok in startup_figures(args.startup_repeat):
            print(f"| {label} | {wall:.3f} | {cpu:.3f} | {single.verdict(ok)} |")
    print(f"\n(the suite took {time.perf_counter() - started:.0f} s)")
    bad = any(r.same is False for r in results)
    if not bad:
        shutil.rmtree(OUT_DIR, ignore_errors=True)  # outputs are large; kept only to inspect a difference
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
