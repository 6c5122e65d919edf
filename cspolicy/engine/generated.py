"""The one place where cspolicy turns generated Python source into functions.

Per-row work is fastest as one generated function (see ``research/perf-notes.md``): the
row converter of a table, the computed columns of an output, the CSV row writer. The
invariant that makes this safe is kept by every caller and checked in review: the source is
built only from cspolicy's own validated formula trees and from column *types* and
*positions* — never from text in a policy or a CSV file. Every value (literals, defaults,
parameters, helpers) reaches the code through ``namespace``, whose ``__builtins__`` is empty
unless a caller adds one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["define"]


def define(source: str, namespace: Mapping[str, Any], label: str) -> dict[str, Any]:
    """Compile ``source`` (module-level ``def`` statements) and return the names it defines,
    with ``namespace`` as globals; ``label`` names it in tracebacks (``<cspolicy …>``)."""
    scope: dict[str, Any] = {"__builtins__": {}, **namespace}
    exec(compile(source, f"<cspolicy {label}>", "exec"), scope)  # noqa: S102 - see the module notes
    return scope
