"""Plain descriptions of the tables a policy reads: what the one reader needs to know.

The schema layer builds these from the policy YAML; the reader uses nothing else, so it can
also be driven directly from Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cspolicy.values import ColumnType, Value

__all__ = ["ColumnSpec", "TableSpec"]


@dataclass(frozen=True)
class ColumnSpec:
    """One declared input column.

    ``aliases`` are the other headers that name it (Chinese, English, old spellings);
    ``minimum``/``maximum`` are inclusive bounds (``None`` = unbounded); ``values`` maps each
    allowed value of an ``enum`` column to the other spellings accepted for it.

    ``key`` marks a text column whose values identify something (an employee id, a station):
    its cells are read in one written form (:func:`cspolicy.tables.chars.key_form`), so
    ``E001``, `` e001 `` and ``Ｅ００１`` are one value. ``multiline`` lets a text column's
    cells hold line breaks; any other cell with a line break is refused.
    """

    name: str
    type: ColumnType
    aliases: tuple[str, ...] = ()
    required: bool = True
    default: Value = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    label: str = ""
    key: bool = False
    multiline: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that names this column: its name first, then its aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class TableSpec:
    """One declared input table: a name and its columns, in declaration order."""

    name: str
    columns: tuple[ColumnSpec, ...]
    #: The columns whose values are unique per row (``key:`` of the input), if declared.
    key: tuple[str, ...] = ()
    #: A run may go without this table (``optional: true``); its outputs then have no rows.
    optional: bool = False

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)
