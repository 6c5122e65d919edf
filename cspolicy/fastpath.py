"""The fused loop: read, convert, compute and write a clean file in one tight loop.

Most runs are clean: every row well formed, every cell valid. For a policy whose input feeds
one row-wise output (no checks, sorting, ladders or ranking; grouped outputs may read from
it), the careful engine's per-row dispatch costs more than the arithmetic. This loop calls
the three generated functions directly — row converter, output columns, CSV row writer —
and pushes to any grouped outputs. The first irregularity of any kind (a bad cell, a blank
or short row, undecodable bytes, a division by zero) stops it; the caller then discards
what was written and runs the careful engine, which reports every problem with its row.
So a clean file takes the fast path and a dirty one gets the same messages as always.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping

from cspolicy.money import CONTEXT
from cspolicy.run import Prepared
from cspolicy.steps import BAND_TABLES
from cspolicy.tables import Table

__all__ = ["run_clean"]


class _Irregular(Exception):
    """A row the fused loop does not handle; the careful engine will."""


def run_clean(prep: Prepared, tables: Mapping[str, Table]) -> bool:
    """Run ``prep`` over ``tables`` through the fused loop; False when it does not apply or
    met an irregular row (then its outputs are incomplete and must be discarded)."""
    if len(tables) != 1 or prep.explain_key is not None:
        return False
    (name, table), = tables.items()
    roots = prep.roots.get(name, [])
    if len(roots) != 1:
        return False
    node = roots[0]
    plan = node.plan
    if plan.grouped or plan.ladder or plan.rank or plan.sort_by or plan.checks or node.on_row or node.fns.row is None:
        return False
    if any(not child.plan.grouped or child.children for child in node.children):
        return False  # only groups (they keep one accumulator per group) may read from it
    node.file = table.name
    for child in node.children:
        child.file = table.name
    convert = table._row_converter()
    compute = node.fns.row
    writers = list(node.writers)
    pushes = [child.push for child in node.children]
    width = len(table.headers)
    empty: tuple[()] = ()
    count = 0
    token = BAND_TABLES.set(prep.bands)
    try:
        with decimal.localcontext(CONTEXT), table.raw_cells() as reader:
            for count, cells in enumerate(reader, 1):
                if len(cells) != width or not (cells[0] or any(cells)):
                    raise _Irregular
                out = compute(convert(cells), empty)
                for write in writers:
                    write(out)
                for push in pushes:
                    push(out, count + 1)
            for child in node.children:
                child.finish()
    except (Exception, _Irregular):  # anything: the careful engine will say what and where
        return False
    finally:
        BAND_TABLES.reset(token)
    node.count = count
    return not prep.errors.count
