"""Run a Python program inside this process and report its peak RSS (the ``--rss vmhwm`` mode).

    python bench/peak_rss.py REPORT SCRIPT [ARGS...]
    python bench/peak_rss.py REPORT -c CODE [ARGS...]

At exit, the ``VmHWM`` line of ``/proc/self/status`` (KiB) is written to REPORT. VmHWM is the
high-water mark of *this* process image only, so, unlike ``ru_maxrss``, it does not include
the parent's memory that a forked child holds until it execs: ``os.wait4`` from a large
Python parent reports the parent's size for a small child (measured: ``python -c pass``
spawned from a 200 MiB parent shows 213 MiB). ``bench/run.py`` uses this only where GNU
``/usr/bin/time -v`` (a small C parent, hence correct) is not available. Linux only.
"""

import atexit
import os
import runpy
import sys


def _report(path: str) -> None:
    with open("/proc/self/status", encoding="ascii") as f:
        kib = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    with open(path, "w", encoding="ascii") as out:
        out.write(f"{kib}\n")


def main() -> None:
    report, target = sys.argv[1], sys.argv[2]
    atexit.register(_report, report)
    if target == "-c":
        code = sys.argv[3]
        sys.argv = ["-c", *sys.argv[4:]]
        sys.path[0] = ""
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})  # noqa: S102
    else:
        sys.argv = sys.argv[2:]
        sys.path[0] = os.path.dirname(os.path.abspath(target))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main()
