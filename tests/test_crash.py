"""Crash tests (issue 14 §3): the real CLI in a subprocess, killed at random moments and
between its renames, interrupted, and run twice at once into the same directory.

Each run writes two outputs (``orders.csv``, ``materials.csv``) over the outputs of an
earlier run. Whatever happens to it, after the *next* run into the same directory the
targets hold all the old outputs or all the new ones, byte for byte, and nothing else is
left there: no temporary file, no journal, no lock file. The next run checked here is one
that fails on a bad cell (exit 1), so it changes nothing itself: what it leaves is what
recovery made of the crash. The kills between renames use the writer's fault hook
(``CSPOLICY_FAULT``, see :mod:`cspolicy.tables.journal`).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy.cli.main import cli

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and flock: POSIX only")

HEADER = "站点,物料,上月实际票数,增长率\n"
TARGETS = ["materials.csv", "orders.csv"]


def stations(path: Path, rows: int, growth: str) -> Path:
    path.write_text(HEADER + "".join(f"S{i},M{i % 7},{i},{growth}\n" for i in range(rows)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Inputs A (the old outputs) and B (the new ones), and the outputs each gives."""
    root = tmp_path_factory.mktemp("crash")
    a = stations(root / "a.csv", 300, "5%")
    b = stations(root / "b.csv", 20_000, "15%")
    c = stations(root / "c.csv", 200, "25%")
    bad = root / "bad.csv"
    bad.write_text(HEADER + "X,M,abc,5%\n", encoding="utf-8")
    outputs = {}
    for name, src in (("a", a), ("b", b), ("c", c)):
        result = CliRunner().invoke(cli, ["run", "materials-order", str(src), "-o", str(root / f"ref-{name}"), "-q"])
        assert result.exit_code == 0, result.stderr
        outputs[name] = {t: (root / f"ref-{name}" / t).read_bytes() for t in TARGETS}
    assert outputs["a"] != outputs["b"]
    return {"a": a, "b": b, "c": c, "bad": bad, "outputs": outputs}


def old_outputs(directory: Path, world: dict[str, object]) -> Path:
    directory.mkdir()
    for name, data in world["outputs"]["a"].items():  # type: ignore[index]
        (directory / name).write_bytes(data)
    return directory


STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def no_strays():
    yield
    while STARTED:  # a failed test must not leave a run going
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
        process.communicate()


def start(src: object, out: Path, fault: str | None = None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "CSPOLICY_FAULT"}
    if fault:
        env["CSPOLICY_FAULT"] = fault
    command = [
        sys.executable,
        "-c",
        "from cspolicy.cli.main import main; main()",
        "run",
        "materials-order",
        str(src),
        "-o",
        str(out),
    ]
    STARTED.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    return STARTED[-1]


def finish(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Wait for the run; its exit code (negative: killed by that signal) and its stderr."""
    _, stderr = process.communicate(timeout=30)
    return process.returncode, stderr.decode("utf-8", "replace")


def contents(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def next_run(directory: Path, world: dict[str, object]) -> str:
    """Run a failing run into ``directory``; return which outputs it then holds, 'a' or 'b'."""
    result = CliRunner().invoke(cli, ["run", "materials-order", str(world["bad"]), "-o", str(directory)])
    assert result.exit_code == 1, result.stderr
    return state(directory, world)


def state(directory: Path, world: dict[str, object]) -> str:
    """'a' or 'b': the directory holds exactly one run's outputs and nothing else."""
    found = contents(directory)
    for name in ("a", "b", "c"):
        if found == world["outputs"][name]:  # type: ignore[index]
            return name
    leftovers = {n: len(d) for n, d in found.items()}
    raise AssertionError(f"not all old or all new, or something left behind: {leftovers}")


def wait_for_pause(process: subprocess.Popen[bytes]) -> None:
    """Until ``process`` stops where its ``CSPOLICY_FAULT=POINT:sleep=…`` asked (it says so)."""
    assert process.stderr is not None
    line = process.stderr.readline().decode("utf-8", "replace")
    assert "CSPOLICY_FAULT: pausing at" in line, line


# --- killed between (and around) the renames ------------------------------------------------
# (the runs of one test go at once, each into its own directory, to keep the file quick)

POINTS = {
    "writing": "a",  # every row written to the temporary files, nothing fsynced yet
    "before-journal": "a",  # temporary files complete, the journal not yet written
    "after-journal": "b",  # committed: the next run finishes the renames
    "after-rename-1": "b",  # orders.csv new, materials.csv old: finished by the next run
    "after-rename-2": "b",  # both renamed, the journal not yet deleted
}


def test_sigkill_around_the_renames(world, tmp_path):
    runs = {point: start(world["b"], old_outputs(tmp_path / point, world), f"{point}:kill") for point in POINTS}
    for point, process in runs.items():
        assert finish(process)[0] == -signal.SIGKILL, point
    # the crash between the renames really left a new orders.csv beside an old materials.csv
    torn = tmp_path / "after-rename-1"
    assert (torn / "orders.csv").read_bytes() == world["outputs"]["b"]["orders.csv"]
    assert (torn / "materials.csv").read_bytes() == world["outputs"]["a"]["materials.csv"]
    assert (torn / ".cspolicy-journal").exists()
    for point, expected in POINTS.items():
        assert next_run(tmp_path / point, world) == expected, point


def test_sigkill_at_random_moments(world, tmp_path):
    delays = sorted((random.Random(seed).uniform(0.05, 1.2), seed) for seed in range(5))
    runs = {seed: start(world["b"], old_outputs(tmp_path / f"seed{seed}", world)) for _, seed in delays}
    began = time.monotonic()
    for delay, seed in delays:
        time.sleep(max(0.0, began + delay - time.monotonic()))
        runs[seed].send_signal(signal.SIGKILL)
    for seed, process in runs.items():
        finish(process)
        assert next_run(tmp_path / f"seed{seed}", world) in ("a", "b"), seed


def test_sigkill_into_a_fresh_directory_leaves_it_empty_after_the_next_run(world, tmp_path):
    out = tmp_path / "fresh"
    assert finish(start(world["b"], out, "writing:kill"))[0] == -signal.SIGKILL
    assert any(p.name.startswith(".cspolicy-") for p in out.iterdir())  # what a kill leaves
    result = CliRunner().invoke(cli, ["run", "materials-order", str(world["bad"]), "-o", str(out)])
    assert result.exit_code == 1
    assert list(out.iterdir()) == []  # the temporary files and the lock file are gone


# --- interrupted: the run cleans up itself ---------------------------------------------------


def test_ctrl_c_leaves_all_old_or_all_new_at_once(world, tmp_path):
    # Ctrl-C before the commit point discards the new files (and a directory the run made);
    # after it, the renames are finished. No next run is needed: nothing is left behind.
    before = start(world["b"], old_outputs(tmp_path / "before", world), "before-journal:sleep=20")
    between = start(world["b"], old_outputs(tmp_path / "between", world), "after-rename-1:sleep=20")
    fresh = start(world["b"], tmp_path / "new" / "out", "before-journal:sleep=20")
    for process in (before, between, fresh):
        wait_for_pause(process)
    for process in (before, between, fresh):
        process.send_signal(signal.SIGINT)
    for process in (before, between, fresh):
        assert finish(process)[0] == 130
    assert state(tmp_path / "before", world) == "a"
    assert state(tmp_path / "between", world) == "b"
    assert not (tmp_path / "new").exists()


def test_sigterm(world, tmp_path):
    # The CLI's SIGTERM handler (exit 143) makes the run clean up like on Ctrl-C: all old,
    # and nothing left behind, before any next run.
    out = old_outputs(tmp_path / "out", world)
    process = start(world["b"], out, "before-journal:sleep=20")
    wait_for_pause(process)
    process.send_signal(signal.SIGTERM)
    code = finish(process)[0]
    assert code == 143
    assert state(out, world) == "a"
    assert next_run(out, world) == "a"


# --- two runs at once -------------------------------------------------------------------------


def test_a_second_run_waits_for_the_first(world, tmp_path):
    out = old_outputs(tmp_path / "out", world)
    first = start(world["b"], out, "before-journal:sleep=1.5")
    wait_for_pause(first)  # it holds the lock
    second = start(world["c"], out)
    assert finish(first)[0] == 0
    code, stderr = finish(second)
    assert code == 0, stderr
    assert f"waiting for another cspolicy run (process {first.pid}) writing into {out}" in stderr
    assert state(out, world) == "c"  # the second run's outputs, written after the first's
