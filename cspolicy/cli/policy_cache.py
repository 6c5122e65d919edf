"""The command line's cache of compiled policies, so that a run starts quickly.

Reading a policy costs PyYAML, pydantic (importing it and building the models: about
0.15 s of CPU, more than a 10-row run's whole work) and the compiler. The command line
therefore keeps each compiled :class:`~cspolicy.planner.policy.Policy` in a file of the user's cache
directory and reads it back the next time the *same bytes* are loaded by the *same code*:

* the entry's name is the SHA-256 of the policy file's bytes, the name messages give it,
  cspolicy's version, the content of every file of the installed cspolicy package but its
  byte-code (so an edited checkout never reads what older code compiled), the PyYAML and
  pydantic releases and the Python version: any change is a different entry, never a stale
  one;
* only a successful load is stored; errors are found again each time;
* an entry holds a checksum of its pickle and is read only when the checksum matches, the
  file belongs to the user and no one else can write it; anything else is a miss (the
  policy is compiled again and the entry rewritten);
* entries are written to a temporary file and renamed, so a reader never sees half of one;
  the directory keeps the :data:`MAX_ENTRIES` most recently used;
* nothing about the cache can make a command fail: a cache that cannot be read or written is
  no cache.

``CSPOLICY_CACHE=off`` turns it off; ``CSPOLICY_CACHE=DIR`` puts it in ``DIR``. The library
(:func:`cspolicy.load_policy`) never uses it: it writes no files behind a program's back.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspolicy.planner.policy import Policy

__all__ = ["load_policy_cached", "cache_dir", "ENV_VAR", "MAX_ENTRIES"]

#: The environment variable: ``off`` (or ``0``, ``no``, ``false``) turns the cache off, a
#: directory moves it; unset or empty means the default place.
ENV_VAR = "CSPOLICY_CACHE"
#: Entries kept; the least recently used beyond this are deleted when one is written.
MAX_ENTRIES = 64
_OFF = frozenset({"off", "0", "no", "false"})
#: The first bytes of an entry; a change of layout changes them (and so misses old entries).
_MAGIC = b"cspolicy policy cache 1\n"
_DIGEST = 32  # bytes of the SHA-256 of the pickle that follows the magic
_STALE_TEMP_SECONDS = 3600


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where entries live, or None when the cache is off (or no home directory is known).

    Default: ``$XDG_CACHE_HOME/cspolicy`` (``~/.cache/cspolicy``) on Linux,
    ``~/Library/Caches/cspolicy`` on macOS, ``%LOCALAPPDATA%\\cspolicy\\Cache`` on Windows.
    """
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_VAR, "").strip()
    if chosen.lower() in _OFF:
        return None
    if chosen:
        return Path(chosen).expanduser()
    try:
        if sys.platform == "win32":
            base = env.get("LOCALAPPDATA", "").strip()
            return Path(base) / "cspolicy" / "Cache" if base else Path.home() / "AppData" / "Local" / "cspolicy" / "Cache"
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "cspolicy"
        xdg = env.get("XDG_CACHE_HOME", "").strip()
        return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "cspolicy"
    except RuntimeError:  # no home directory
        return None


def load_policy_cached(ref: str | os.PathLike[str]) -> Policy:
    """:func:`cspolicy.load_policy` through the cache: the same policy, or the same error."""
    from cspolicy.planner.policy import compile_policy, resolve_policy_path
    from cspolicy.schema.source import read_policy_bytes

    path, display = resolve_policy_path(ref)
    raw = read_policy_bytes(path, display)
    where = cache_dir()
    base = {"base": path.parent} if _BUNDLE.search(raw) else {}  # a bundle's use: paths are relative to it
    if where is None:
        return compile_policy(raw, display, **base)
    entry = where / f"{entry_key(raw, display)}.pickle"
    policy = _read(entry, display)
    # a bundle's entry holds its components' digests: a changed component file is a miss
    if policy is None or not all(c.unchanged() for c in policy.components.values()):
        policy = compile_policy(raw, display, **base)
        _write(entry, policy)
    return policy


#: A top-level ``use:`` key: the policy is a bundle.
_BUNDLE = re.compile(rb"(?m)^use[ \t]*:")


def entry_key(raw: bytes, display: str) -> str:
    """The name of the entry for these bytes, loaded under this name, by this code."""
    h = hashlib.sha256(_MAGIC)
    for part in (_code_fingerprint(), display.encode("utf-8", "surrogatepass"), raw):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


_fingerprint: bytes | None = None


def _code_fingerprint() -> bytes:
    """cspolicy's version and files (source and data), the releases of the libraries that read
    a policy, and Python's version: what compiles a policy besides its bytes (computed once
    per process)."""
    global _fingerprint
    if _fingerprint is None:
        from cspolicy import __version__

        h = hashlib.sha256(f"{__version__}\0{sys.version}\0{sys.implementation.cache_tag}\0".encode())
        package = Path(__file__).resolve().parents[1]  # the cspolicy folder
        for folder, dirs, files in os.walk(package):  # top down, each folder sorted
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if not name.endswith((".pyc", ".pyo")):
                    h.update(f"{os.path.relpath(os.path.join(folder, name), package)}\0".encode())
                    h.update(_read_bytes(os.path.join(folder, name)))
        for module, file in (("yaml", "__init__.py"), ("pydantic", "version.py")):
            h.update(f"\0{module}\0".encode())
            h.update(_dependency_file(module, file))
        _fingerprint = h.digest()
    return _fingerprint


def _dependency_file(module: str, file: str) -> bytes:
    """The bytes of a file that states a library's release (``pydantic/version.py``)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return b""
    folders = list(spec.submodule_search_locations or []) if spec else []
    return _read_bytes(os.path.join(folders[0], file)) if folders else b""


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return b"?"


def _read(entry: Path, display: str) -> Policy | None:
    """The policy in ``entry``, or None when there is none that can be trusted."""
    import pickle

    from cspolicy.planner.policy import Policy

    try:
        with open(entry, "rb") as fh:
            if not _owned_by_me(os.fstat(fh.fileno())):
                return None
            blob = fh.read()
    except OSError:
        return None
    head, digest, payload = blob[: len(_MAGIC)], blob[len(_MAGIC) : len(_MAGIC) + _DIGEST], blob[len(_MAGIC) + _DIGEST :]
    if head != _MAGIC or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        policy = pickle.loads(payload)
    except Exception:  # a damaged entry is a miss; the policy is compiled again
        return None
    if not isinstance(policy, Policy) or policy.file != display:
        return None
    try:
        os.utime(entry)  # recently used: kept when the directory is pruned
    except OSError:
        pass
    return policy


def _owned_by_me(st: os.stat_result) -> bool:
    """An entry is code for pickle: trust only the user's own, which no one else can write."""
    if not hasattr(os, "getuid"):  # Windows: the per-user profile directory protects it
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _write(entry: Path, policy: Policy) -> None:
    """Store ``policy`` in ``entry`` (atomically); a failure only means no entry."""
    import pickle
    import tempfile

    policy.labels  # noqa: B018 - computed now, so that a run from the cache need not
    temp = None
    try:
        payload = pickle.dumps(policy, protocol=pickle.HIGHEST_PROTOCOL)
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(temp, entry)
        temp = None
        _prune(entry.parent)
    except Exception:  # noqa: S110 - unpicklable, unwritable, full: the run goes on without
        pass
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass


def _prune(folder: Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently used entries, and no old temporary file."""
    import time

    entries = []
    for item in os.scandir(folder):
        try:
            mtime = item.stat().st_mtime
        except OSError:
            continue
        if item.name.endswith(".pickle"):
            entries.append((mtime, item.path))
        elif item.name.endswith(".tmp") and mtime < time.time() - _STALE_TEMP_SECONDS:
            os.unlink(item.path)
    entries.sort(reverse=True)
    for _, path in entries[MAX_ENTRIES:]:
        os.unlink(path)
