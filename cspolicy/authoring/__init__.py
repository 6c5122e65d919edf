"""Tools for policy authors: YAML test cases (``cspolicy test``), ``lint``, ``diff`` and
the run record that lets ``cspolicy run --replay`` prove a month's figures later.

Each tool is one module with one public entry point; the command line only prints what
they return. Nothing here knows a rulebook number: every expectation lives in YAML.

>>> from cspolicy.authoring import run_tests, report_coverage, lint_policy, diff_policies, replay
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspolicy.authoring.coverage import report_coverage as report_coverage
    from cspolicy.authoring.diff import diff_policies as diff_policies
    from cspolicy.authoring.lint import lint_policy as lint_policy
    from cspolicy.authoring.record import replay as replay
    from cspolicy.authoring.test_runner import run_tests as run_tests

_EXPORTS = {
    "run_tests": "cspolicy.authoring.test_runner",
    "report_coverage": "cspolicy.authoring.coverage",
    "lint_policy": "cspolicy.authoring.lint",
    "diff_policies": "cspolicy.authoring.diff",
    "replay": "cspolicy.authoring.record",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cspolicy.authoring' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
