"""The process around the command line: exit codes, signals and the standard streams.

A script (or a clerk) can rely on the exit code of every ``cspolicy`` command, and nobody
sees a traceback unless they ask for it with ``--debug``. :func:`failure` is the one mapping
from whatever ended a command to an exit code and a one-line message;
:func:`cspolicy.cli.main.main` applies it around everything, and the CLI's group applies it
around every command (so ``CliRunner`` tests see the same codes).

Decisions (``docs/decisions.md``, "Command line"):

* an unexpected exception is a bug: exit **70** (``EX_SOFTWARE`` of BSD's ``sysexits.h``)
  with one line naming it and the hint to rerun with ``--debug``;
* a closed pipe (``cspolicy run … | head``) ends quietly with exit **141** (128 + SIGPIPE,
  what ``head``'s other writers such as ``cat`` and ``git`` give), so ``set -o pipefail``
  still tells a truncated output from a complete one;
* standard output that cannot be written (``/dev/full``, closed) is an environment
  failure, exit **3**, naming "standard output";
* characters the console's encoding cannot show (a GBK console) are replaced by ``?``.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from types import FrameType
from typing import Any

from cspolicy.errors import CspolicyError, EnvironmentFailure, environment_failure
from cspolicy.i18n import Lang

__all__ = ["EXIT_CODES", "Terminated", "failure", "install_signal_handlers", "guard_streams", "silence_stdout"]

#: Every exit code of the command line and what it means (the README and ``--help`` list them).
EXIT_CODES: dict[int, str] = {
    0: "ok: every figure was computed and written",
    1: "input data rejected (each bad cell as file:row:column)",
    2: "bad policy (file:line) or bad usage of a command, option or name",
    3: "environment: an output path missing, not writable or a directory, a full disk, standard output closed",
    70: "internal error: a bug in cspolicy (rerun with --debug and report the traceback)",
    130: "interrupted with Ctrl-C (SIGINT)",
    141: "the reader of standard output went away (… | head): ends quietly",
    143: "stopped by SIGTERM",
}

INTERNAL_ERROR = 70
BROKEN_PIPE = 141


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM arrives, so that ``finally`` blocks (temporary
    files removed, outputs left as they were) run before the process exits with 143."""


def failure(exc: BaseException, lang: Lang = "en") -> tuple[int, str | None]:
    """The exit code and the one-line message (None: say nothing) for what ended a command,
    in ``lang`` (see :mod:`cspolicy.messages`; English where the catalogue has no wording)."""
    from cspolicy.messages import error_text, translate

    if isinstance(exc, CspolicyError):
        return exc.exit_code, error_text(exc, lang)
    if isinstance(exc, KeyboardInterrupt):
        return 130, translate("interrupted (Ctrl-C)", lang)
    if isinstance(exc, Terminated):
        return 143, translate("stopped by SIGTERM", lang)
    if isinstance(exc, BrokenPipeError):
        return BROKEN_PIPE, None
    if isinstance(exc, OSError):
        return 3, error_text(environment_failure(exc), lang)
    if isinstance(exc, MemoryError):
        return 3, translate("not enough memory for this run; close other programs or split the input", lang)
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:200] + "…"
    name = type(exc).__name__ + (f": {text}" if text else "")
    return INTERNAL_ERROR, translate(
        f"internal error ({name}); this is a bug in cspolicy, not in your files. "
        "Rerun as `cspolicy --debug …` to see the traceback, and report it",
        lang,
    )


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c not in (0x09, 0x0A)}


def printable(message: str) -> str:
    """A message safe for a terminal: control characters (ANSI escapes in a cell value) shown
    as ``\\x1b`` instead of acting on the terminal; tabs and line breaks kept."""
    return message.translate(_CONTROL)


# -- signals ----------------------------------------------------------------------------------


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C does not cut the clean-up short
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated


def install_signal_handlers() -> None:
    """Ctrl-C raises KeyboardInterrupt once, SIGTERM raises :class:`Terminated` once; later
    ones are ignored while the run cleans up. A signal the parent ignored stays ignored (a
    job started with ``nohup`` or ``&``), as Python itself does for SIGINT."""
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_sigint)
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave signals to the program that called us
        pass


# -- standard streams -------------------------------------------------------------------------


class _Stdout(io.TextIOWrapper):
    """Standard output whose write errors say "standard output": a full disk or a closed file
    descriptor becomes an :class:`EnvironmentFailure`; a closed pipe stays BrokenPipeError."""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except OSError as exc:
            raise _stdout_failure(exc) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise _stdout_failure(exc) from None


class _ClosedStdout(io.TextIOBase):
    """Standard output when the process was started with it closed (``cspolicy … >&-``)."""

    encoding = "utf-8"
    errors = "replace"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not text:
            return 0
        raise EnvironmentFailure("standard output is closed; redirect it to a file, or to /dev/null")


def _stdout_failure(exc: OSError) -> BaseException:
    silence_stdout()  # what is still buffered must not fail again when Python exits
    if isinstance(exc, BrokenPipeError):
        return exc
    return environment_failure(exc, "standard output")


def silence_stdout() -> None:
    """Point file descriptor 1 at the null device, as the Python documentation advises after
    a broken pipe, so that flushing what is left when the process exits cannot fail. Only for
    the standard output :func:`guard_streams` set up (never a test harness's)."""
    if not isinstance(sys.stdout, _Stdout):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def guard_streams() -> None:
    """Replace standard output by one that cannot traceback: unencodable characters become
    ``?`` (``errors="replace"``: a GBK console), write errors name "standard output", and a
    closed standard output fails the first write with exit 3 instead of printing nothing.
    Standard error keeps Python's ``backslashreplace``, so a message always gets through."""
    out: Any = sys.stdout
    if out is None:
        sys.stdout = _ClosedStdout()
        return
    if type(out) is not io.TextIOWrapper:  # already replaced (a test harness): leave it
        return
    try:
        out.flush()
    except OSError:
        pass
    # Python's own standard streams use newline="\n" (no translation) on every platform.
    sys.stdout = _Stdout(
        out.detach(),
        encoding=out.encoding,
        errors="replace",
        newline="\n",
        line_buffering=out.line_buffering,
        write_through=out.write_through,
    )
