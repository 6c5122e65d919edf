"""Outputs replaced all or nothing, even when the run is killed halfway through replacing them.

One run may replace several files (``-o DIR``: one CSV per output). Each is written to a
hidden temporary file beside its target, ``.cspolicy-<pid>-<random>.tmp``; only when every
row of every output was written are they made durable and renamed over their targets. A
rename is atomic, but several renames are not: a crash between two of them would leave a new
``orders.csv`` beside an old ``materials.csv``. So the commit is journalled:

1. every temporary file is flushed, fsynced and given its target's mode;
2. every target is checked again (a directory in the way, another file system);
3. a small journal ``.cspolicy-journal`` listing the ``temp → target`` pairs is written to a
   temporary file, fsynced and renamed into place: **this rename is the commit point**;
4. the temporary files are renamed over their targets, the directory is fsynced and the
   journal is deleted.

A run killed before step 3 leaves only temporary files (the targets are all old); killed
after it, a journal whose temporary files are complete. Every run that writes into a
directory first takes its lock (``.cspolicy.lock``, :func:`fcntl.flock`; a second run waits
for it, then stops with a message) and then **recovers** the directory: it finishes the
renames a journal lists (roll forward), deletes the journal, and deletes every temporary file
left by a run that died (none can be alive: a live run holds the lock). So after the next
run the targets hold all the old outputs or all the new ones, and nothing is left behind.

Without :mod:`fcntl` (Windows) there is no lock; leftover temporary files are then kept
rather than risk deleting a live run's.

For tests, ``CSPOLICY_FAULT=POINT:ACTION`` makes the commit stop at ``POINT`` (``writing``,
``before-journal``, ``after-journal``, ``after-rename-N``) by ``kill`` (SIGKILL itself) or
``sleep=SECONDS`` or ``until=PATH`` (wait, at most a minute, until ``PATH`` exists), after
saying so on stderr.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import signal
import stat
import sys
import time
from collections.abc import Callable

from cspolicy.errors import EnvironmentFailure
from cspolicy.tables.chars import escaped

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DirectoryLock",
    "recover",
    "remove_legacy_temps",
    "write_journal",
    "create_temp",
    "check_target",
    "environment_failure",
    "fsync_directory",
    "fault",
]

JOURNAL = ".cspolicy-journal"
LOCK = ".cspolicy.lock"
TEMP = re.compile(r"\.cspolicy-(\d+)-[0-9a-f]+\.tmp\Z")
#: How long a run waits for another run writing into the same directory (seconds).
LOCK_WAIT = 30.0

_MESSAGES = {
    errno.ENOSPC: "no space left on the device; free some space or write elsewhere",
    errno.EDQUOT: "disk quota exceeded; free some space or write elsewhere",
    errno.EFBIG: "the file is too large for this file system",
    errno.EROFS: "the file system is read-only; write elsewhere",
    errno.EACCES: "permission denied; write elsewhere or ask for write access",
    errno.EPERM: "permission denied; write elsewhere or ask for write access",
    errno.ENOENT: "the directory does not exist",
    errno.ENOTDIR: "a part of this path is a file, not a directory",
    errno.EISDIR: "is a directory, not a file; remove or rename it, or write elsewhere",
}
#: OSErrors that, raised while outputs are written, can only be the machine's doing.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def environment_failure(exc: OSError, path: str, note: str = "") -> EnvironmentFailure:
    """An OSError met while writing ``path``, as a message a clerk can act on."""
    message = _MESSAGES.get(exc.errno or 0) or f"cannot write here: {exc.strerror or exc}"
    return EnvironmentFailure(message + note, path=path)


def fault(point: str) -> None:
    """The test hook described in the module docstring (does nothing unless asked)."""
    wanted = os.environ.get("CSPOLICY_FAULT")
    if not wanted:
        return
    for item in wanted.split(","):
        where, _, action = item.partition(":")
        if where != point:
            continue
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action.startswith(("sleep=", "until=")):
            sys.stderr.write(f"cspolicy: CSPOLICY_FAULT: pausing at {point}\n")  # the test waits for this line
            sys.stderr.flush()
            if action.startswith("sleep="):
                time.sleep(float(action.removeprefix("sleep=")))
            else:  # a test releases the pause when it is ready, whatever the machine's load
                flag, deadline = action.removeprefix("until="), time.monotonic() + 60
                while not os.path.exists(flag) and time.monotonic() < deadline:
                    time.sleep(0.02)


def fsync_directory(directory: str) -> None:
    """Make renames in ``directory`` durable; not possible everywhere (Windows): best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_target(target: str) -> None:
    """Refuse a target that cannot be replaced by a rename: a directory (or anything but a
    regular file) in the way, or a file mounted from another file system."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise environment_failure(exc, target) from None
    if stat.S_ISDIR(st.st_mode):
        raise EnvironmentFailure(
            "is a directory, where an output file should go; remove or rename it, or write elsewhere", path=target
        )
    if not stat.S_ISREG(st.st_mode):
        raise EnvironmentFailure("is not a regular file, so it cannot be replaced; write elsewhere", path=target)
    if st.st_dev != os.stat(os.path.dirname(target) or ".").st_dev:
        raise EnvironmentFailure(
            "is on another file system than its directory (a mount), so it cannot be replaced atomically", path=target
        )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) is not a probe on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class DirectoryLock:
    """An advisory lock on a directory's outputs: ``.cspolicy.lock`` held with ``flock``.

    The lock file is deleted on release; a run that acquired a lock file that has since been
    deleted or replaced tries again, so two runs never both believe they hold it.
    """

    def __init__(self, directory: str, *, wait: float | None = None, on_wait: Callable[[str], None] | None = None) -> None:
        self.directory = directory
        self.path = os.path.join(directory, LOCK)
        self.wait = LOCK_WAIT if wait is None else wait
        self.on_wait = on_wait
        self.fd: int | None = None

    @property
    def exclusive(self) -> bool:
        """Whether the lock is really held (False where flock does not exist or work)."""
        return self.fd is not None

    def acquire(self) -> DirectoryLock:
        if fcntl is None:
            return self
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            except PermissionError:  # a lock file another user left: flock needs no write access
                try:
                    fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                except OSError as exc:
                    raise environment_failure(exc, self.directory) from None
            except OSError as exc:
                raise environment_failure(exc, self.directory) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = _read_owner(fd)
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise EnvironmentFailure(
                        f"another cspolicy run{owner} is writing outputs into this directory; "
                        "wait until it has finished, then run again",
                        path=self.directory,
                    ) from None
                if not told and self.on_wait is not None:
                    self.on_wait(f"waiting for another cspolicy run{owner} writing into {escaped(str(self.directory))} …")
                    told = True
                time.sleep(0.05)
                continue
            except OSError:  # no locks on this file system (some network shares): go without
                os.close(fd)
                with contextlib.suppress(OSError):
                    if os.path.getsize(self.path) == 0:
                        os.unlink(self.path)
                return self
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if not same:  # released and deleted between our open and our flock: try again
                os.close(fd)
                continue
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
            self.fd = fd
            return self

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self.fd)
        self.fd = None


def _read_owner(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError, AttributeError):
        return ""
    return f" (process {text})" if text.isdigit() else ""


def recover(lock: DirectoryLock) -> None:
    """Finish or clean up what an earlier run into ``lock.directory`` left behind.

    A journal is rolled forward (its temporary files are complete: they were fsynced before
    it was written) and deleted; the temporary files of runs that died are deleted.
    """
    directory = lock.directory
    journal = os.path.join(directory, JOURNAL)
    if os.path.lexists(journal):
        _roll_forward(directory, journal)
    try:
        entries = list(os.scandir(directory))
    except OSError as exc:
        raise environment_failure(exc, directory) from None
    for entry in entries:
        match = TEMP.match(entry.name)
        if match is not None and (lock.exclusive or not _alive(int(match.group(1)))):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                os.unlink(entry.path)


def remove_legacy_temps(lock: DirectoryLock, target: str) -> None:
    """Delete the temporary files cspolicy versions before the journal left beside ``target``
    (``.NAME.XXXXXXXX.tmp``, named by :func:`tempfile.mkstemp`), when the lock is held."""
    if not lock.exclusive:
        return
    pattern = re.compile(rf"\.{re.escape(os.path.basename(target))}\.[a-z0-9_]{{8}}\.tmp\Z")
    with contextlib.suppress(OSError):
        for entry in os.scandir(lock.directory):
            if pattern.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _roll_forward(directory: str, journal: str) -> None:
    try:
        with open(journal, encoding="utf-8") as f:
            pairs = json.load(f)["renames"]
        ok = isinstance(pairs, list) and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(n, str) and n and os.sep not in n and n != ".." for n in p)
            for p in pairs
        )
    except (OSError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise EnvironmentFailure(
            "a journal of an unfinished earlier run cannot be read; check the outputs in this directory, "
            "then delete the journal and run again",
            path=journal,
        )
    for temp, target in pairs:
        source = os.path.join(directory, temp)
        if os.path.lexists(source):
            destination = os.path.join(directory, target)
            check_target(destination)
            try:
                os.replace(source, destination)
            except OSError as exc:
                raise environment_failure(exc, destination) from None
    fsync_directory(directory)
    os.unlink(journal)
    fsync_directory(directory)


def write_journal(directory: str, pairs: list[tuple[str, str]]) -> str:
    """Write the commit journal atomically (temp file, fsync, rename, fsync the directory)."""
    journal = os.path.join(directory, JOURNAL)
    fd, temp = create_temp(directory)
    try:
        with open(fd, "w", encoding="utf-8") as f:
            json.dump({"pid": os.getpid(), "renames": [list(p) for p in pairs]}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, journal)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(directory)
    return journal


def create_temp(directory: str) -> tuple[int, str]:
    """A new, empty ``.cspolicy-<pid>-<random>.tmp`` in ``directory`` (mode 0600 until chmod)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    while True:
        path = os.path.join(directory, f".cspolicy-{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
