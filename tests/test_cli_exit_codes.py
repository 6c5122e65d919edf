"""The CLI's one choke point (issue 14): every way a command can end maps to one line on
stderr and an exit code from the documented list, never a traceback (unless --debug)."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest

import cspolicy.cli.library
import cspolicy.errors
from cspolicy.cli.console import EXIT_CODES, Terminated, failure
from cspolicy.cli.main import cli
from cspolicy.errors import DataError, EnvironmentFailure, PolicyError, UsageError

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def show_raises(monkeypatch):
    """``raise_in_show(exc)``: make ``cspolicy show`` raise ``exc`` from inside the library."""

    def arrange(exc: BaseException) -> None:
        def describe(policy: object, *args: object) -> str:
            raise exc

        monkeypatch.setattr(cspolicy.cli.library, "describe_policy", describe)

    return arrange


def one_error_line(result) -> str:
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_ctrl_c_in_a_command_exits_130(runner, show_raises):
    show_raises(KeyboardInterrupt())
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 130
    assert one_error_line(result) == "Error: interrupted (Ctrl-C)"


def test_sigterm_in_a_command_exits_143(runner, show_raises):
    show_raises(Terminated())
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 143
    assert one_error_line(result) == "Error: stopped by SIGTERM"


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "no space left on the disk"),
        (errno.EACCES, "permission denied"),
        (errno.EISDIR, "is a directory"),
        (errno.ENOENT, "no such file or directory"),
        (errno.EROFS, "the file system is read-only"),
    ],
)
def test_os_errors_from_writing_exit_3_naming_the_path(runner, show_raises, code, words):
    show_raises(OSError(code, "raw strerror", "out/orders.csv"))
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 3
    line = one_error_line(result)
    assert line.startswith("Error: out/orders.csv: " + words)
    assert "raw strerror" not in line  # said in words a clerk can act on


def test_a_failed_rename_names_its_destination(runner, show_raises):
    show_raises(OSError(errno.EISDIR, "Is a directory", "out/.orders.csv.x1.tmp", None, "out/orders.csv"))
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 3
    assert one_error_line(result).startswith("Error: out/orders.csv: is a directory")


def test_an_environment_failure_from_the_library_exits_3(runner, show_raises):
    show_raises(EnvironmentFailure("no space left on the disk", path="out/orders.csv"))
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 3
    assert one_error_line(result) == "Error: out/orders.csv: no space left on the disk"


def test_out_of_memory_is_the_environment(runner, show_raises):
    show_raises(MemoryError())
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 3
    assert "not enough memory" in one_error_line(result)


def test_a_closed_pipe_ends_quietly_with_141(runner, show_raises):
    show_raises(BrokenPipeError(errno.EPIPE, "Broken pipe"))
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 141
    assert result.stderr == ""


def test_a_bug_is_one_line_with_the_debug_hint_and_exit_70(runner, show_raises):
    show_raises(ZeroDivisionError("boom\nsecond line"))
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 70
    line = one_error_line(result)
    assert line.startswith("Error: internal error (ZeroDivisionError: boom second line)")
    assert "this is a bug in cspolicy" in line and "cspolicy --debug" in line


def test_debug_shows_the_traceback_of_a_bug_with_the_same_code(runner, show_raises):
    show_raises(ZeroDivisionError("boom"))
    result = runner.invoke(cli, ["--debug", "show", "materials-order"])
    assert result.exit_code == 70
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError: boom" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Error: internal error (ZeroDivisionError: boom)")


def test_control_characters_in_a_message_never_reach_the_terminal_raw(runner, show_raises):
    show_raises(DataError("'\x1b[31mred\x1b[0m' is not a number", file="a.csv", row=2, column="x"))
    result = runner.invoke(cli, ["show", "materials-order"])
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "\x1b" not in line
    assert "'\\x1b[31mred\\x1b[0m' is not a number" in line


def test_click_usage_errors_keep_exit_2(runner):
    result = runner.invoke(cli, ["run", "materials-order"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and "Missing argument" in result.stderr


# --- the list of codes is the documented one ------------------------------------------------------


def _exception_classes(root: type[BaseException]) -> list[type[BaseException]]:
    found = [root]
    for sub in root.__subclasses__():
        found += _exception_classes(sub)
    return found


def test_every_code_the_choke_point_can_return_is_listed():
    # every error class of the library carries a listed code …
    for cls in _exception_classes(cspolicy.errors.CspolicyError):
        assert cls.exit_code in EXIT_CODES, cls
    # … and so does everything else that can end a command
    others = [
        DataError("x"),
        PolicyError("x"),
        UsageError("x"),
        EnvironmentFailure("x"),
        KeyboardInterrupt(),
        Terminated(),
        BrokenPipeError(),
        OSError(errno.ENOSPC, "x"),
        MemoryError(),
        RuntimeError("a bug"),
    ]
    assert {failure(exc)[0] for exc in others} | {0} == set(EXIT_CODES)


def _readme_exit_codes() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("Exit codes (")
    return text[start : text.index("\n\n", start)]


def test_readme_lists_every_exit_code_with_its_meaning():
    section = _readme_exit_codes()
    listed = {int(code) for code in re.findall(r"\*\*(\d+)\*\*", section)}
    assert listed == set(EXIT_CODES), section


def test_help_lists_every_exit_code(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    epilog = result.stdout[result.stdout.index("Exit codes:") :]
    for code, meaning in EXIT_CODES.items():
        assert re.search(rf"^\s+{code}\s+{re.escape(meaning[:20])}", epilog, re.M), (code, epilog)
