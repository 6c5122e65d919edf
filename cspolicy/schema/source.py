"""A policy file's bytes and the :class:`Document` read from them, without YAML.

Kept apart from :mod:`cspolicy.schema.yamlsource` so that what only needs the bytes (the
command line's policy cache) or a Document (a cached policy) does not import PyYAML.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from cspolicy.errors import PolicyError

__all__ = ["Document", "Path", "read_policy_bytes", "MAX_POLICY_BYTES"]

#: A policy file larger than this is refused before parsing.
MAX_POLICY_BYTES = 1024 * 1024

Path = tuple[str | int, ...]


def read_policy_bytes(path: str | os.PathLike[str], name: str) -> bytes:
    """The bytes of one policy file, refused (:class:`PolicyError`) when it is unreadable
    or larger than :data:`MAX_POLICY_BYTES`; ``name`` is how messages name the file."""
    try:
        size = os.path.getsize(path)
        if size > MAX_POLICY_BYTES:
            raise PolicyError(f"file is {size} bytes", file=name, expected=f"a policy file of at most {MAX_POLICY_BYTES} bytes")
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise PolicyError(f"cannot read policy file: {exc.strerror or exc}", file=name) from None


@dataclass
class Document:
    """Plain data from one YAML file, with the position of every key and item."""

    file: str
    data: Any
    lines: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: Where each single-line text value starts: (line, column of its first character).
    scalars: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: Folded block values (``>``) with their line breaks kept, for formulas: a ``#``
    #: comment in a formula ends at its line, which folding would hide.
    unfolded: dict[Path, str] = field(default_factory=dict)
    #: Plain or quoted values written over several lines (their line breaks are lost).
    folded: set[Path] = field(default_factory=set)

    def line_of(self, path: Path) -> int | None:
        """The line of the node at ``path``, or of its nearest recorded ancestor."""
        pos = self.position_of(path)
        return pos[0] if pos else None

    def position_of(self, path: Path) -> tuple[int, int] | None:
        p = tuple(path)
        while True:
            if p in self.lines:
                return self.lines[p]
            if not p:
                return None
            p = p[:-1]

    def error(self, path: Path, message: str, expected: str | None = None) -> PolicyError:
        """A :class:`PolicyError` placed at the node at ``path``."""
        return PolicyError(message, file=self.file, line=self.line_of(path), expected=expected)
