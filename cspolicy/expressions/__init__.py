"""Formulas: parse → whitelist → check → compile once → evaluate many times.

A formula is data from a policy file, never code: it is parsed with Python's own parser
into cspolicy's small whitelisted tree, checked against the names and functions the caller
declares (before any data is read), and then either turned into Python source for the
engine's compiled row function or interpreted.

>>> from decimal import Decimal
>>> from cspolicy.values import ColumnType, Kind
>>> symbols = {
...     "parcels": Symbol("parcels", Kind.NUMBER),
...     "growth": Symbol("growth", Kind.NUMBER, ctype=ColumnType.PERCENT),
... }
>>> weekly = compile_expression("ceil(parcels × (1 + growth + 7%) ÷ 4)", symbols)
>>> weekly.evaluate({"parcels": Decimal(10001), "growth": Decimal("0.15")})
Decimal('3051')
>>> weekly.explain({"parcels": Decimal(10001), "growth": Decimal("0.15")})
'ceil(parcels 10001 × (1 + growth 15% + 7%) ÷ 4)'
"""

from cspolicy.expressions.codegen import ConstPool
from cspolicy.expressions.explain import format_plain
from cspolicy.expressions.expression import Expression, compile_expression
from cspolicy.expressions.interpret import EVALUATION_ERRORS, RUNTIME_ERRORS, why_not_evaluated
from cspolicy.expressions.symbols import ExpressionError, FunctionSpec, Symbol

__all__ = [
    "compile_expression",
    "Expression",
    "ConstPool",
    "Symbol",
    "FunctionSpec",
    "ExpressionError",
    "RUNTIME_ERRORS",
    "EVALUATION_ERRORS",
    "format_plain",
    "why_not_evaluated",
]
