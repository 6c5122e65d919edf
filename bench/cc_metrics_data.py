"""Call records for cc-metrics: a fixed-seed generator, and the benchmark of a run over them.

    python bench/cc_metrics_data.py DIR [--calls N] [--days D] [--format F]   # write DIR/calls.csv
    python bench/cc_metrics_data.py DIR --measure                             # + time it against the floor

``--format`` writes the same calls as the policy's own columns (``plain``, default) or as a
real export (``cn-cdr``, ``amazon-connect``, ``cisco-uccx``, ``avaya-cms``: the header presets
of ``policies/cc-metrics.yaml``). The calls are spread over ``D`` days from 2025-03-01, 08:00
to 20:00, over 4 queues and 200 agents in 10 teams: 85 % answered, 11 % abandoned, 1 %
blocked, 3 % ended in the IVR (where the format can say so), and one record in 2 000
delivered twice. The same seed gives the same file, byte for byte.

``--measure`` runs ``cspolicy run cc-metrics calls=DIR/calls.csv --only metrics --by queue
--by day`` once and the CSV floor (``bench/floor_copy.py``: read and write the same file with
the csv module) once, each under ``bench/peak_rss.py``, and prints both and their ratio.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HEADERS = {
    "plain": "call_id,queue,agent_id,team,offered_at,answered_at,ended_at,rings,wait_s,talk_s,hold_s,acw_s,"
    "abandoned,blocked,transferred,resolved_first_call,queued",
    "cn-cdr": "通话ID,技能组,坐席工号,呼叫时间,接听时间,挂机时间,通话时长,排队时长,通话状态",
    "amazon-connect": "ContactId,Queue.Name,Agent.Username,InitiationTimestamp,Agent.ConnectedToAgentTimestamp,"
    "DisconnectTimestamp,Queue.Duration,Agent.AgentInteractionDuration,Agent.CustomerHoldDuration,"
    "Agent.AfterContactWorkDuration",
    "cisco-uccx": "sessionID,csqName,resourceLoginID,startDateTime,endDateTime,disposition,queueTime,talkTime,holdTime,workTime",
    "avaya-cms": "CALLID,DISPSPLIT,ANSLOGIN,SEGSTART,SEGSTOP,DISPOSITION,DISPTIME,TALKTIME,ANSHOLDTIME,ACWTIME,TRANSFERRED",
}
START = dt.datetime(2025, 3, 1, 8, 0, 0)
UTC = dt.timedelta(hours=8)  # the presets read UTC moments as China time (+08:00)


def calls(n: int, days: int, seed: int = 18) -> Iterator[dict[str, object]]:
    """``n`` calls in the order offered, as plain values (one record in 2 000 repeated)."""
    rng = random.Random(seed)
    span = days * 12 * 3600
    for i in range(n):
        offered = START + dt.timedelta(days=(i * span // n) // (12 * 3600), seconds=(i * span // n) % (12 * 3600))
        roll = rng.random()
        outcome = "answered" if roll < 0.85 else "abandoned" if roll < 0.96 else "blocked" if roll < 0.97 else "ivr"
        agent = rng.randrange(200)
        wait = min(int(rng.expovariate(1 / 18)), 300) if outcome in ("answered", "abandoned") else 0
        talk = rng.randint(60, 600) if outcome == "answered" else 0
        hold = rng.choice((0, 0, 0, rng.randint(5, 90))) if talk else 0
        acw = rng.randint(10, 90) if talk else 0
        end = offered + dt.timedelta(seconds=wait + talk + hold)
        call = {
            "id": f"C{i + 1:09d}",
            "queue": f"Q{rng.randrange(4) + 1}",
            "agent": f"A{agent + 1:03d}" if outcome == "answered" else "",
            "team": f"T{agent % 10 + 1}",
            "offered": offered,
            "answered": offered + dt.timedelta(seconds=wait) if outcome == "answered" else None,
            "ended": end,
            "outcome": outcome,
            "rings": rng.randint(1, 6) if outcome == "answered" else None,
            "wait": wait,
            "talk": talk,
            "hold": hold,
            "acw": acw,
            "transferred": outcome == "answered" and rng.random() < 0.03,
            "resolved": outcome == "answered" and rng.random() < 0.85,
        }
        yield call
        if i % 2000 == 1999:
            yield call  # an export's redelivered record


def _moment(t: dt.datetime | None, utc: bool = False) -> str:
    if t is None:
        return ""
    return (t - UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if utc else t.strftime("%Y-%m-%d %H:%M:%S")


def _yes(flag: object) -> str:
    return "yes" if flag else "no"


def row(c: dict[str, object], fmt: str) -> list[object]:
    """One call as a row of ``fmt``."""
    out, answered = c["outcome"], c["outcome"] == "answered"
    if fmt == "plain":
        if out == "ivr":
            out = "abandoned"  # the plain flags cannot say IVR: the generator writes it as an abandon
        return [
            c["id"],
            c["queue"],
            c["agent"],
            c["team"],
            _moment(c["offered"]),
            _moment(c["answered"]),  # type: ignore[arg-type]
            _moment(c["ended"]),
            c["rings"] or "",
            c["wait"],
            c["talk"] if answered else "",  # type: ignore[arg-type]
            c["hold"] if answered else "",
            c["acw"] if answered else "",
            _yes(out == "abandoned"),
            _yes(out == "blocked"),
            _yes(c["transferred"]),
            _yes(c["resolved"]) if answered else "",
            _yes(int(c["wait"]) > 0),
        ]  # type: ignore[call-overload]
    if fmt == "cn-cdr":
        status = {"answered": "已接听", "abandoned": "排队放弃", "blocked": "振铃未接听", "ivr": "IVR"}[str(out)]
        talk = int(c["talk"])  # type: ignore[call-overload]
        return [
            c["id"],
            c["queue"],
            c["agent"],
            _moment(c["offered"]),
            _moment(c["answered"]),  # type: ignore[arg-type]
            _moment(c["ended"]),
            f"{talk // 3600}:{talk % 3600 // 60:02d}:{talk % 60:02d}",
            c["wait"],
            status,
        ]  # type: ignore[arg-type]
    if fmt == "amazon-connect":
        return [
            c["id"],
            c["queue"],
            c["agent"],
            _moment(c["offered"], True),
            _moment(c["answered"], True),  # type: ignore[arg-type]
            _moment(c["ended"], True),
            c["wait"],
            c["talk"] if answered else "",  # type: ignore[arg-type]
            c["hold"] if answered else "",
            c["acw"] if answered else "",
        ]
    if fmt == "cisco-uccx":
        disposition = {"answered": 2, "abandoned": 1, "blocked": 3, "ivr": 4}[str(out)]
        return [
            c["id"],
            c["queue"],
            c["agent"],
            _moment(c["offered"] - UTC),
            _moment(c["ended"] - UTC),  # type: ignore[operator]
            disposition,
            c["wait"],
            c["talk"],
            c["hold"],
            c["acw"],
        ]
    if fmt == "avaya-cms":
        disposition = {"answered": 2, "abandoned": 3, "blocked": 5, "ivr": 7}[str(out)]
        return [
            c["id"],
            c["queue"],
            c["agent"],
            _moment(c["offered"]),
            _moment(c["ended"]),
            disposition,  # type: ignore[arg-type]
            c["wait"],
            int(c["talk"]) + int(c["hold"]),
            c["hold"],
            c["acw"],
            int(bool(c["transferred"])),
        ]  # type: ignore[call-overload]
    raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(HEADERS)}")


def write(path: Path, n: int, days: int, fmt: str = "plain") -> None:
    """Write ``n`` calls over ``days`` days to ``path`` in ``fmt``."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADERS[fmt].split(","))
        for c in calls(n, days):
            w.writerow(row(c, fmt))


def _timed(args: list[str], report: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system: fair on a shared machine) and peak RSS (MiB)
    of ``python bench/peak_rss.py REPORT ARGS`` (in-process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "bench/peak_rss.py", str(report), *args], check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu, int(report.read_text().strip()) // 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--calls", type=int, default=5_000_000)
    ap.add_argument("--days", type=int, default=31)
    ap.add_argument("--format", default="plain", choices=list(HEADERS))
    ap.add_argument("--measure", action="store_true")
    a = ap.parse_args()
    a.dir.mkdir(parents=True, exist_ok=True)
    calls_csv = a.dir / "calls.csv"
    write(calls_csv, a.calls, a.days, a.format)
    print(f"{calls_csv}: {a.calls} calls, {os.path.getsize(calls_csv) / 2**20:.0f} MiB")
    if a.measure:
        floor = _timed(["bench/floor_copy.py", str(calls_csv), str(a.dir / "copy.csv")], a.dir / "floor.rss")
        cli = "import sys; from cspolicy.cli.main import main; main(sys.argv[1:])"
        args = ["run", "cc-metrics", f"calls={calls_csv}", "--only", "metrics", "--by", "queue", "--by", "day", "-q"]
        run = _timed(["-c", cli, *args, "-o", str(a.dir / "metrics.csv")], a.dir / "run.rss")
        for name, (wall, cpu, rss) in (("floor", floor), ("cc-metrics", run)):
            print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss} MiB peak")
        print(f"ratio: {run[0] / floor[0]:.1f}x wall, {run[1] / floor[1]:.1f}x CPU")


if __name__ == "__main__":
    main()
