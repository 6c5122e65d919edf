"""cspolicy: policy-as-code for customer-service departments.

A policy is a YAML file: dated parameters, typed input tables, and output tables whose
columns are safe formulas, bands, ladders and aggregates. This package loads and checks
policies and evaluates them over CSV files with exact decimal arithmetic.

>>> from cspolicy import load_policy, evaluate
>>> policy = load_policy("materials-order")
>>> rows = evaluate(policy, {"stations": [{"station": "A", "material": "面单",
...                                         "parcels": "10000", "growth": "15%"}]})
>>> [rows["orders"][0][k] for k in ("monthly_qty", "weekly_qty", "half_week_qty")]
[Decimal('12200'), Decimal('3050'), Decimal('1525')]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from cspolicy.version import __version__

if TYPE_CHECKING:  # imported on first use (below), so that starting the CLI stays quick
    from cspolicy.engine.files import RunReport as RunReport
    from cspolicy.engine.files import run_files as run_files
    from cspolicy.engine.in_memory import Results as Results
    from cspolicy.engine.in_memory import evaluate as evaluate
    from cspolicy.engine.run import RunSettings as RunSettings
    from cspolicy.errors import CspolicyError as CspolicyError
    from cspolicy.errors import DataError as DataError
    from cspolicy.errors import EnvironmentFailure as EnvironmentFailure
    from cspolicy.errors import PolicyError as PolicyError
    from cspolicy.errors import UsageError as UsageError
    from cspolicy.explain.trace import Trace as Trace
    from cspolicy.periods import Period as Period
    from cspolicy.planner.policy import Policy as Policy
    from cspolicy.planner.policy import load_policy as load_policy
    from cspolicy.schema.load import policy_json_schema as policy_json_schema
    from cspolicy.tables import read_table as read_table

#: Where each public name lives. The package imports them when first asked for (PEP 562):
#: ``import cspolicy`` costs nothing, so ``cspolicy``'s own start (and Ctrl-C during it) is
#: handled by :mod:`cspolicy.__main__` rather than happening before any of its code runs.
_EXPORTS = {
    "load_policy": "cspolicy.planner.policy",
    "Policy": "cspolicy.planner.policy",
    "evaluate": "cspolicy.engine.in_memory",
    "Results": "cspolicy.engine.in_memory",
    "RunSettings": "cspolicy.engine.run",
    "run_files": "cspolicy.engine.files",
    "RunReport": "cspolicy.engine.files",
    "policy_json_schema": "cspolicy.schema.load",
    "read_table": "cspolicy.tables",
    "Period": "cspolicy.periods",
    "Trace": "cspolicy.explain.trace",
    "CspolicyError": "cspolicy.errors",
    "PolicyError": "cspolicy.errors",
    "DataError": "cspolicy.errors",
    "UsageError": "cspolicy.errors",
    "EnvironmentFailure": "cspolicy.errors",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cspolicy' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "load_policy",
    "evaluate",
    "run_files",
    "policy_json_schema",
    "read_table",
    "Policy",
    "Period",
    "Results",
    "RunSettings",
    "RunReport",
    "Trace",
    "CspolicyError",
    "PolicyError",
    "DataError",
    "UsageError",
    "EnvironmentFailure",
    "__version__",
]
