"""How each written column of a fused loop reaches ``csv.writer`` (see ``CsvSink.cell_code``):
the cells that need no text conversion, shared by the row loop (:mod:`.fastpath`) and the
ladder loop (:mod:`.fastladder`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from cspolicy.engine.node import Node
from cspolicy.expressions import nodes
from cspolicy.money import quantize_exp
from cspolicy.planner.plan import ColumnPlan
from cspolicy.tables import Table
from cspolicy.tables.writer import FORMULA_STARTS
from cspolicy.values import ColumnType, Kind

__all__ = ["plain_cells"]


def _zero(column: ColumnPlan, blank: bool) -> Decimal | tuple[Decimal] | None:
    """The zero of a rounded number column whose ``str()`` is plain (see ``CsvSink.cell_code``);
    wrapped in a tuple when the column may be blank."""
    if column.rounding is None or column.ctype.kind is not Kind.NUMBER or column.ctype is ColumnType.PERCENT:
        return None
    places = column.rounding[0]
    if places > 6:
        return None
    zero = quantize_exp(places) * 0
    return (zero,) if blank else zero


#: Text csv.writer writes as it is (nothing it quotes: ``,`` ``"`` CR LF).
_CSV_PLAIN = frozenset(',"\r\n').isdisjoint


def _literals(node: nodes.Node) -> set[str] | None:
    """The texts a formula can give when each of its results is a text literal
    (``'ok' if … else ('a' if … else 'b')``); None when any result is something else."""
    if isinstance(node, nodes.Text):
        return {node.value}
    if isinstance(node, nodes.Conditional):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return None if body is None or orelse is None else body | orelse
    return None


def _safe(column: ColumnPlan) -> bool:
    """A text column always given by one of its formula's literals, none blank, none
    starting like a formula (``FORMULA_STARTS``) and none that csv.writer would quote:
    written as it is, without the tests."""
    assert column.expression is not None
    texts = _literals(column.expression.tree)
    return (
        texts is not None
        and column.rounding is None
        and all(t.strip() and not t.startswith(FORMULA_STARTS) and _CSV_PLAIN(t) for t in texts)
    )


def plain_cells(
    node: Node, table: Table, indexes: Sequence[int], blank: list[bool]
) -> list[Decimal | tuple[Decimal] | str | None]:
    """How each written column reaches ``csv.writer`` (see ``CsvSink.cell_code``)."""
    # A rounded, never-blank number column reaches csv.writer as the Decimal itself: after
    # quantize to at most 6 places str() is plain; `or zero` turns -0 into 0 (sign dropped).
    plain: list[Decimal | tuple[Decimal] | str | None] = [_zero(node.plan.columns[i], blank[i]) for i in indexes]
    integers = {c.name for c in table.spec.columns if c.type is ColumnType.INTEGER}
    for j, i in enumerate(indexes):
        column = node.plan.columns[i]
        if column.ctype in (ColumnType.TEXT, ColumnType.ENUM) and column.expression is not None and _safe(column):
            plain[j] = "safe"  # always one of the policy's texts, none of which could start a formula
        elif not blank[i] and column.ctype in (ColumnType.TEXT, ColumnType.ENUM) and column.expression is not None:
            plain[j] = ""  # a never-blank text column is written as it is
        elif (
            column.ctype is ColumnType.INTEGER
            and column.rounding is None
            and column.expression is not None
            and column.expression.text.strip() in integers
            and column.expression.text.strip() not in {c.name for c in node.plan.columns[:i]}
        ):
            # an input integer cell echoed unrounded (not an earlier column of that name): the
            # converter's whole numbers print plain, never -0
            plain[j] = "" if not blank[i] else "blank"
    return plain
