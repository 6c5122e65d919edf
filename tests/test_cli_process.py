"""The command line as a real process (issue 14): signals, a closed pipe, a full or closed
standard output, a GBK console, Ctrl-C while starting. Each runs ``python -m cspolicy`` in a
subprocess and checks the exit code and that stderr holds one line and no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and devices")

HEADER = "站点,物料,上月实际票数,增长率,申请数量,超额理由\n"
CSPOLICY = [sys.executable, "-m", "cspolicy"]


def _default_sigint() -> None:
    # a child of a shell job may inherit SIGINT ignored; cspolicy then (rightly) keeps ignoring it
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """An input that takes a few seconds: 300,000 station rows."""
    path = tmp_path_factory.mktemp("big") / "stations.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        f.writelines(f"S{i},面单,{i},15%,,\n" for i in range(300_000))
    return path


def run(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([*CSPOLICY, *args], cwd=cwd, timeout=120, **kwargs)


def test_python_m_cspolicy_runs_the_cli(tmp_path):
    from cspolicy import __version__

    result = run(["--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.decode() == f"cspolicy, version {__version__}\n"


@pytest.mark.parametrize(
    "sig, code, message",
    [(signal.SIGINT, 130, "Error: interrupted (Ctrl-C)\n"), (signal.SIGTERM, 143, "Error: stopped by SIGTERM\n")],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_signal_during_a_run_exits_with_its_code_and_leaves_nothing(tmp_path, big_csv, sig, code, message):
    out = tmp_path / "out"
    with subprocess.Popen(
        [*CSPOLICY, "run", "materials-order", str(big_csv), "-o", str(out)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_default_sigint,
    ) as child:
        deadline = time.monotonic() + 60
        # the run is under way once both temporary files (orders, materials) are there
        while not (out.is_dir() and len(list(out.glob("*.tmp"))) == 2):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(0.1)  # reading rows (not between creating a temporary file and recording it)
        child.send_signal(sig)
        stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == code, stderr.decode()
    assert stderr.decode() == message
    assert stdout == b""
    assert not out.exists() or list(out.iterdir()) == []  # no output, no temporary file left


def test_ctrl_c_while_the_modules_are_imported_exits_130(tmp_path):
    # Ctrl-C arrives while `import click` runs (deterministically: the import raises it)
    code = (
        "import sys\n"
        "class Stop:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'click':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Stop())\n"
        "sys.argv = ['cspolicy', 'list']\n"
        "from cspolicy.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, timeout=60)
    assert result.returncode == 130
    assert result.stderr.decode() == "Error: interrupted (Ctrl-C)\n"


def test_a_bug_in_a_real_process_is_one_line_and_exit_70(tmp_path):
    code = (
        "import sys, cspolicy.cli.library as library\n"
        "library.describe_policy = lambda policy, *args: 1 / 0\n"
        "sys.argv = ['cspolicy', 'show', 'materials-order']\n"
        "from cspolicy.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, timeout=60)
    assert result.returncode == 70
    stderr = result.stderr.decode()
    assert stderr.startswith("Error: internal error (ZeroDivisionError: division by zero)")
    assert len(stderr.splitlines()) == 1 and "Traceback" not in stderr


def test_a_closed_pipe_ends_quietly_with_141(tmp_path, big_csv):
    with subprocess.Popen(
        [*CSPOLICY, "run", "materials-order", str(big_csv), "--format", "csv", "--only", "orders"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline().startswith(b"station,material,")  # `| head -1`
        child.stdout.close()
        stderr = child.stderr.read()
        child.wait(timeout=60)
    assert child.returncode == 141
    assert stderr == b""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stdout_on_a_full_device_exits_3(tmp_path, examples_dir):
    with open("/dev/full", "wb") as full:
        result = run(
            ["run", "materials-order", str(examples_dir / "stations.csv")], tmp_path, stdout=full, stderr=subprocess.PIPE
        )
    assert result.returncode == 3
    assert (
        result.stderr.decode() == "Error: standard output: no space left on the disk; free some space or write somewhere else\n"
    )


def test_a_closed_stdout_exits_3(tmp_path):
    result = subprocess.run(
        " ".join(f"'{a}'" for a in CSPOLICY) + " list >&-", shell=True, cwd=tmp_path, capture_output=True, timeout=60
    )
    assert result.returncode == 3
    assert result.stderr.decode() == "Error: standard output is closed; redirect it to a file, or to /dev/null\n"


def test_a_gbk_console_gets_replacement_characters_not_a_traceback(tmp_path):
    result = run(["show", "materials-review"], tmp_path, env={**os.environ, "PYTHONIOENCODING": "gbk"})
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    text = result.stdout.decode("gbk")  # valid GBK throughout
    assert "materials-review" in text and "物料" in text
    assert "?" in text  # characters GBK lacks (such as U+2212 minus) are replaced
