"""What formula functions read of the run under way: its concrete band tables, and beside
them the per-row parameter resolver and the run's own working-day calendar (``--calendar``).

One context variable, set by the engine while a run (or an explanation) evaluates rows, so
compiled formulas stay reusable and runs independent of each other. It lives here, with the
formulas, so that functions such as ``workdays_in()`` can read it without importing the
planner or the engine (stages above them).
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspolicy.blocks import Bands

__all__ = ["BAND_TABLES"]

#: The band tables of the run executing in this context (and, under reserved names, the
#: run's per-row parameter resolver and working-day calendar).
BAND_TABLES: contextvars.ContextVar[Mapping[str, Bands]] = contextvars.ContextVar("cspolicy_band_tables")
