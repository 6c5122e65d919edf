"""Profile ``cspolicy run materials-order FILE --only orders -o OUTDIR`` on generated rows.

    python bench/hotspots.py                   # cProfile, 200 000 rows, top 30 by own time
    python bench/hotspots.py --rows 50000 --top 50
    python bench/hotspots.py --pyinstrument    # a call tree instead (pip install pyinstrument)

Runs the CLI in this process from this source tree (the repository's policy file), with the
data from ``bench/generate.py``. cProfile's per-call overhead inflates the total about 4×
and weighs small functions more, so read the shares, not the seconds; ``bench/run.py`` gives
the real times. The stats are also saved to ``bench/out/profile.pstats``.
"""

from __future__ import annotations

import argparse
import os
import pstats
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, REPO)

import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--pyinstrument", action="store_true", help="a pyinstrument call tree instead of cProfile")
    args = ap.parse_args()
    data = generate.generate_stations(args.rows)
    out = os.path.join(HERE, "out")
    os.makedirs(out, exist_ok=True)
    argv = [
        "run",
        os.path.join(REPO, "policies", "materials-order.yaml"),
        data,
        "--only",
        "orders",
        "-o",
        os.path.join(out, "profile"),
    ]
    from cspolicy.cli.main import cli  # imported before profiling starts: start-up is profiled separately

    def go() -> None:
        try:
            cli.main(argv, prog_name="cspolicy", standalone_mode=False)
        except SystemExit as exc:  # pragma: no cover
            if exc.code:
                raise

    if args.pyinstrument:
        from pyinstrument import Profiler

        prof = Profiler(interval=0.0005)
        prof.start()
        go()
        prof.stop()
        print(prof.output_text(unicode=True, color=False, show_all=False))
        return 0
    import cProfile

    prof = cProfile.Profile()
    prof.enable()
    go()
    prof.disable()
    path = os.path.join(out, "profile.pstats")
    prof.dump_stats(path)
    stats = pstats.Stats(prof).strip_dirs()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    print(f"stats saved to {os.path.relpath(path)}")
    print()
    phases(pstats.Stats(prof))
    return 0


#: Where the time of a run goes, by the inclusive time of one function each: for each phase
#: the first (file suffix, function name) found in the profile counts (the code moves: older
#: and newer spellings are both listed). "The rest" is the engine's own row dispatch.
PHASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("read + convert cells", [("cspolicy/tables/reader.py", "rows")]),
    ("orders formulas (generated _row)", [("<cspolicy output orders>", "_row")]),
    ("materials aggregation (not asked for)", [("cspolicy/engine/node.py", "_group")]),
    ("format + write CSV", [("<cspolicy csv row writer>", "_row"), ("cspolicy/tables/writer.py", "write")]),
]


def phases(stats: pstats.Stats) -> None:
    """Print each phase's share of the row loop (inclusive cProfile times)."""
    raw = stats.stats  # type: ignore[attr-defined]

    def cum(suffix: str, name: str) -> float | None:
        times = [
            ct for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in raw.items() if file.endswith(suffix) and func == name
        ]
        return max(times) if times else None

    total = cum("cspolicy/engine/run.py", "_push_all")
    if not total:
        print("(no _push_all in the profile: phases not shown)")
        return
    got: dict[str, float] = {}
    for label, candidates in PHASES:
        for suffix, name in candidates:
            t = cum(suffix, name)
            if t is not None:
                got[label] = t
                break
        else:
            got[label] = 0.0
    # the sink wrappers of older versions (_Project → _CountingSink → CsvSink.write)
    wrappers = cum("cspolicy/engine/files.py", "write")
    if wrappers is not None:
        got["sink wrappers (files.py _Project, _CountingSink)"] = max(0.0, wrappers - got["format + write CSV"])
    rest = total - sum(got.values())
    print(f"share of the row loop (run.py _push_all, {total:.2f} s under cProfile):")
    for label, t in [*got.items(), ("engine dispatch and the rest", rest)]:
        print(f"  {label:<50} {t:6.2f} s  {100 * t / total:5.1f} %")


if __name__ == "__main__":
    sys.exit(main())
