"""Benchmark scenarios: one small module each, found by :func:`discover`.

A scenario module (``bench/scenarios/<name>.py``, standard library only) defines:

* ``POLICY``: the shipped policy's name (``policies/<POLICY>.yaml``); a scenario whose policy
  is not shipped yet is skipped with a note;
* ``ROWS``: the default size (rows of its main input);
* ``TARGET_RATIO`` and ``TARGET_MIB``: its targets, wall time as a multiple of the CSV floor
  measured in the same run, and peak RSS;
* ``inputs(rows, directory)``: writes (or reuses) its fixed-seed input files in
  ``directory`` and returns ``{input name: path}``;
* optionally ``FUSED = False``: the policy does not take the fused loop yet (windows, a
  bundle), so the test does not expect it (the byte check against the careful engine stays);
* optionally ``ARGS``: more arguments for ``cspolicy run`` (``--period 2025-05`` …) and
  ``TITLE``: one line for the report.

``bench/suite.py`` runs every scenario: the floor (``bench/floor_copy.py`` copying each
input file with ``csv.reader`` → ``csv.writer``) and ``cspolicy run POLICY name=FILE … -o DIR``,
interleaved, then checks the files against the careful engine's (``bench/careful.py``).
``tests/test_bench_scenarios.py`` runs each generator and the policy on ~1 000 rows.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


@dataclass(frozen=True)
class Scenario:
    """One benchmark scenario, read from its module."""

    name: str
    policy: str
    rows: int
    target_ratio: float
    target_mib: float
    inputs: Callable[[int, str], Mapping[str, str]]
    args: tuple[str, ...] = ()
    title: str = ""
    module: ModuleType | None = field(default=None, compare=False, repr=False)

    @property
    def policy_file(self) -> str:
        return os.path.join(REPO, "policies", f"{self.policy}.yaml")

    @property
    def shipped(self) -> bool:
        """Whether the policy exists yet (else the scenario is skipped with a note)."""
        return os.path.exists(self.policy_file)


def load(module: ModuleType) -> Scenario:
    """The scenario a module describes; a missing or mistyped name is an error naming it."""
    name = module.__name__.rsplit(".", 1)[-1].replace("_", "-")
    try:
        return Scenario(
            name=name,
            policy=str(module.POLICY),
            rows=int(module.ROWS),
            target_ratio=float(module.TARGET_RATIO),
            target_mib=float(module.TARGET_MIB),
            inputs=module.inputs,
            args=tuple(getattr(module, "ARGS", ())),
            title=str(getattr(module, "TITLE", "")),
            module=module,
        )
    except AttributeError as exc:
        raise SystemExit(f"bench/scenarios/{name.replace('-', '_')}.py: {exc}; see bench/scenarios/__init__.py") from None


def discover() -> list[Scenario]:
    """Every scenario module of this folder (files not starting with ``_``), by name."""
    found = []
    for info in sorted(pkgutil.iter_modules([HERE]), key=lambda i: i.name):
        if not info.name.startswith("_"):
            found.append(load(importlib.import_module(f"{__name__}.{info.name}")))
    return found
