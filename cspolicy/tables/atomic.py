"""Atomic replacement of output files: :func:`atomic_write` (one file), :class:`AtomicFiles` (several).

Writes go to hidden temporary files beside the targets and are renamed over them only when
the whole block succeeded, with a journal so that a crash between two renames is finished by
the next run (the protocol is described in :mod:`cspolicy.tables.journal`). click's
``atomic=True`` is not used: it renames even after a failure (STYLE.md #14).

Every target is checked before any row is computed and again just before the first rename:
a directory (or anything but a regular file) in the way, a missing or read-only directory, a
file mounted from another file system are refused with
:class:`~cspolicy.errors.EnvironmentFailure` (exit code 3), and nothing is replaced.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import os
import stat
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TextIO

from cspolicy.errors import EnvironmentFailure, UsageError
from cspolicy.tables.journal import (
    WRITE_ERRNOS,
    DirectoryLock,
    check_target,
    create_temp,
    environment_failure,
    fault,
    fsync_directory,
    recover,
    remove_legacy_temps,
    write_journal,
)

__all__ = ["atomic_write", "AtomicFiles", "BEFORE_COMMIT", "new_file_mode", "output_path", "check_directory"]

StrPath = str | os.PathLike[str]
NOTHING_CHANGED = "; no output was changed"


def output_path(path: StrPath) -> str:
    """The path a target is written to, as given (so messages show it as the user wrote
    it); a symbolic link is followed, so the file it points to is replaced (not the link)."""
    target = os.fspath(path)
    if os.path.islink(target):
        target = os.path.realpath(target)
    return target


def check_directory(directory: str) -> None:
    """Refuse a directory that is missing, not a directory, or not writable."""
    if not os.path.isdir(directory):
        what = "is not a directory" if os.path.exists(directory) else "the directory does not exist"
        raise EnvironmentFailure(f"{what}; create it or write elsewhere", path=directory)
    if not os.access(directory, os.W_OK | os.X_OK):
        why = "permission denied"
        try:
            if os.statvfs(directory).f_flag & getattr(os, "ST_RDONLY", 1):
                why = "the file system is read-only"
        except (OSError, AttributeError):  # (no statvfs on Windows)
            pass
        raise EnvironmentFailure(f"cannot write into this directory ({why}); write elsewhere", path=directory)


_UMASK: list[int] = []


def new_file_mode(target: str) -> int:
    """The mode the output gets: the old file's permission bits (never set-user-id,
    set-group-id or sticky), else what ``open`` would give a new file."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode) & 0o777
    except OSError:
        pass
    if not _UMASK:
        _UMASK.append(os.umask(0o022))
        os.umask(_UMASK[0])
    return 0o666 & ~_UMASK[0]


class Pending:
    """One temporary file waiting to replace its target."""

    def __init__(self, target: str, encoding: str, newline: str | None) -> None:
        self.target = target
        self.directory = os.path.dirname(target) or "."
        try:
            fd, self.temp = create_temp(self.directory)
        except OSError as exc:
            raise environment_failure(exc, self.directory) from None
        try:
            self.stream: TextIO = open(fd, "w", encoding=encoding, newline=newline)
        except BaseException:
            os.close(fd)
            os.unlink(self.temp)
            raise
        self.renamed = False

    def finish(self) -> None:
        """Flush and fsync the temp file, give it the target's mode, close it."""
        self.stream.flush()
        os.fsync(self.stream.fileno())
        os.chmod(self.temp, new_file_mode(self.target))
        self.stream.close()

    def commit(self) -> None:
        os.replace(self.temp, self.target)
        self.renamed = True

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)


#: Called with the :class:`AtomicFiles` of a successful block just before it commits: it may
#: open one more file (the run record of :mod:`cspolicy.authoring.record`) that is then
#: committed with the others, all or nothing.
BEFORE_COMMIT: contextvars.ContextVar[Callable[[AtomicFiles], None] | None] = contextvars.ContextVar(
    "cspolicy_before_commit", default=None
)


class AtomicFiles:
    """Several outputs written all or nothing (``-o DIR``), into one directory.

    The first :meth:`open` locks the directory (waiting up to ``wait`` seconds for another
    run, telling ``on_wait``) and recovers what a killed run left there. When the ``with``
    block ends without an exception, every file is fsynced and, after the journal is
    written, renamed over its target. On an exception every temporary file is deleted and no
    target changes; a full disk or a read-only file system while writing becomes an
    :class:`~cspolicy.errors.EnvironmentFailure`.

    >>> with AtomicFiles() as files:  # doctest: +SKIP
    ...     CsvSink(files.open("out/orders.csv"), columns).write_rows(orders)
    ...     CsvSink(files.open("out/materials.csv"), columns).write_rows(materials)
    """

    def __init__(self, *, wait: float | None = None, on_wait: Callable[[str], None] | None = None) -> None:
        self._pending: list[Pending] = []
        self._lock: DirectoryLock | None = None
        self._wait = wait
        self._on_wait = on_wait
        self._journal: str | None = None

    def __enter__(self) -> AtomicFiles:
        return self

    @property
    def directory(self) -> str | None:
        """The directory written into (once a file was opened)."""
        return None if self._lock is None else self._lock.directory

    def open(self, path: StrPath, *, encoding: str = "utf-8", newline: str | None = "") -> TextIO:
        """A text stream that will become ``path`` when the block succeeds."""
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(f"unknown encoding '{encoding}'", expected="an encoding such as utf-8 or gb18030") from None
        target = output_path(path)
        if any(os.path.abspath(p.target) == os.path.abspath(target) for p in self._pending):
            raise UsageError(f"'{os.fspath(path)}' is written twice in one run")
        directory = os.path.dirname(target) or "."
        if self._lock is None:
            check_directory(directory)
            lock = DirectoryLock(directory, wait=self._wait, on_wait=self._on_wait).acquire()
            self._lock = lock
            try:
                recover(lock)
            except BaseException:
                self._release()
                raise
        elif os.path.abspath(directory) != os.path.abspath(self._lock.directory):
            raise ValueError(f"AtomicFiles writes into one directory: {self._lock.directory}, not {directory}")
        check_target(target)
        remove_legacy_temps(self._lock, target)
        pending = Pending(target, encoding, newline)
        self._pending.append(pending)
        return pending.stream

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if exc_type is not None:
                self.discard()
                if isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS:
                    raise environment_failure(exc, self.directory or ".", NOTHING_CHANGED) from exc
                return
            try:
                hook = BEFORE_COMMIT.get()
                if hook is not None and self._pending:
                    hook(self)  # e.g. a run record, committed together with the outputs
                self._commit()
            except OSError as failure:
                self.discard()
                raise environment_failure(failure, self.directory or ".", NOTHING_CHANGED) from failure
            except BaseException:
                self.discard()
                raise
        finally:
            self._release()

    def written(self) -> list[tuple[str, str]]:
        """(target, temporary file) of each file so far, its stream flushed: what a
        :data:`BEFORE_COMMIT` hook reads to describe the outputs about to be committed."""
        for pending in self._pending:
            if not pending.stream.closed:
                pending.stream.flush()
        return [(p.target, p.temp) for p in self._pending]

    def _commit(self) -> None:
        if not self._pending:
            return
        fault("writing")
        for pending in self._pending:
            pending.finish()
        for pending in self._pending:
            check_target(pending.target)  # again: a directory may have appeared meanwhile
        directory = self._pending[0].directory
        if len(self._pending) > 1:
            fault("before-journal")
            pairs = [(os.path.basename(p.temp), os.path.basename(p.target)) for p in self._pending]
            self._journal = write_journal(directory, pairs)
            fault("after-journal")
        try:
            for n, pending in enumerate(self._pending, 1):
                pending.commit()
                fault(f"after-rename-{n}")
        except BaseException as exc:
            if self._journal is None:
                raise
            self._roll_forward(exc)  # past the commit point: finish the renames, then re-raise
            raise
        self._finish_commit(directory)

    def _roll_forward(self, cause: BaseException) -> None:
        try:
            for pending in self._pending:
                if not pending.renamed and os.path.lexists(pending.temp):
                    pending.commit()
        except OSError as exc:
            where = next(p.target for p in self._pending if not p.renamed)
            self._pending.clear()  # the temporary files hold the committed outputs: keep them
            raise EnvironmentFailure(
                f"cannot replace this file ({exc.strerror}); the new outputs are complete beside it, and the next "
                "cspolicy run into this directory puts them in place once the problem is fixed",
                path=where,
            ) from cause
        self._finish_commit(self._pending[0].directory)

    def _finish_commit(self, directory: str) -> None:
        fsync_directory(directory)
        if self._journal is not None:
            os.unlink(self._journal)
            self._journal = None
            fsync_directory(directory)
        self._pending.clear()

    def discard(self) -> None:
        """Delete every temporary file not yet renamed (unless the journal has committed them)."""
        if self._journal is not None and os.path.exists(self._journal):
            self._pending.clear()
            return
        for pending in self._pending:
            pending.discard()
        self._pending.clear()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()


@contextlib.contextmanager
def atomic_write(path: StrPath, *, encoding: str = "utf-8", newline: str | None = "") -> Iterator[TextIO]:
    """Open ``path`` for writing so that it is replaced only if the block succeeds.

    Writes go to ``.cspolicy-<pid>-<random>.tmp`` in the target's directory; on normal exit
    it is flushed, fsynced and renamed over ``path`` (:func:`os.replace`, atomic); on any
    exception, ``KeyboardInterrupt`` included, it is deleted and ``path`` is untouched.

    >>> with atomic_write(path, encoding=csv_encoding()) as out:  # doctest: +SKIP
    ...     CsvSink(out, columns).write_rows(rows)
    """
    with AtomicFiles() as files:
        yield files.open(path, encoding=encoding, newline=newline)
