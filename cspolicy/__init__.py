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

from cspolicy.errors import CspolicyError as CspolicyError
from cspolicy.errors import DataError as DataError
from cspolicy.errors import PolicyError as PolicyError
from cspolicy.errors import UsageError as UsageError
from cspolicy.files import RunReport as RunReport
from cspolicy.files import run_files as run_files
from cspolicy.periods import Period as Period
from cspolicy.policy import Policy as Policy
from cspolicy.policy import load_policy as load_policy
from cspolicy.run import Results as Results
from cspolicy.run import RunSettings as RunSettings
from cspolicy.run import evaluate as evaluate
from cspolicy.schema.load import policy_json_schema as policy_json_schema
from cspolicy.tables import read_table as read_table
from cspolicy.trace import Trace as Trace

__version__ = "0.1.0"

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
    "__version__",
]
