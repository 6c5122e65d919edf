"""Plain descriptions of the tables a policy reads: what the one reader needs to know.

The schema layer builds these from the policy YAML; the reader uses nothing else, so it can
also be driven directly from Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cspolicy.values import ColumnType, Value

__all__ = ["ColumnSpec", "TableSpec", "Preset", "PresetMapping"]


@dataclass(frozen=True)
class PresetMapping:
    """One column of a preset: the export's header and conventions (see ColumnSpec)."""

    column: str
    header: str
    cell_values: dict[str, str] = field(default_factory=dict)
    unit_scale: Decimal | None = None
    utc_offset: int | None = None


@dataclass(frozen=True)
class Preset:
    """A real export's headers for a table: ``name``, where it is documented, its columns."""

    name: str
    source: str
    columns: tuple[PresetMapping, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(m.header for m in self.columns)


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
    #: A header preset's conventions (:mod:`cspolicy.tables.presets`): the export's spellings
    #: (folded) → the cell text of the value; a factor of the unit; a UTC offset in minutes.
    cell_values: dict[str, str] = field(default_factory=dict)
    unit_scale: Decimal | None = None
    utc_offset: int | None = None

    @property
    def converted(self) -> bool:
        """Whether cells pass a preset's conventions before the column's converter."""
        return bool(self.cell_values) or self.unit_scale is not None or self.utc_offset is not None

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
    #: Named real exports this table can be read from (:mod:`cspolicy.tables.presets`).
    presets: tuple[Preset, ...] = ()
    #: The preset a run asked for (``--preset``), else chosen from the file's headers.
    forced: str | None = None

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)
