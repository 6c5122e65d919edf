"""The compiled form of a policy: what the engine executes.

A :class:`~cspolicy.planner.policy.Policy` turns its YAML model into these plain objects once, at
load time, after every name and type has been checked. The engine only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cspolicy.expressions import Expression
from cspolicy.values import ColumnType, Kind

__all__ = [
    "ColumnPlan",
    "CheckPlan",
    "WarningPlan",
    "LadderPlan",
    "RankPlan",
    "JoinPlan",
    "WindowPlan",
    "OutputPlan",
    "BandBound",
    "BandPlan",
    "BandsPlan",
]

#: Names a ladder step gives each row, with their types.
LADDER_NAMES: dict[str, ColumnType] = {
    "occurrence": ColumnType.INTEGER,
    "sanction": ColumnType.TEXT,
    "fine": ColumnType.MONEY,
    "rule": ColumnType.TEXT,
    "ends_employment": ColumnType.BOOLEAN,
    "gravity": ColumnType.INTEGER,
    "offence_code": ColumnType.TEXT,
    "offence_name": ColumnType.TEXT,
    "sanction_text": ColumnType.TEXT,
    "gravest": ColumnType.TEXT,
}
#: Names a rank step gives each row.
RANK_NAMES: dict[str, ColumnType] = {"rank": ColumnType.INTEGER, "award": ColumnType.MONEY}


@dataclass(frozen=True)
class ColumnPlan:
    """One output column, compiled."""

    name: str
    ctype: ColumnType
    label: str
    line: int | None
    expression: Expression | None = None  # for formula columns (and group post-formulas)
    agg: str | None = None
    of: Expression | None = None
    by: Expression | None = None
    rounding: tuple[int, str] | None = None
    rules: tuple[str, ...] = ()
    hidden: bool = False
    values: frozenset[str] | None = None
    #: The text between items of a ``list`` aggregate.
    sep: str = ""

    @property
    def kind(self) -> Kind:
        return self.ctype.kind


@dataclass(frozen=True)
class CheckPlan:
    expression: Expression
    message: str
    column: str | None
    rule: str | None
    line: int | None


@dataclass(frozen=True)
class WarningPlan:
    """An output's warning rule: when ``expression`` holds for a row (or group), note
    ``message`` with its ``{name}`` placeholders filled."""

    expression: Expression
    message: str
    column: str | None
    rule: str | None
    line: int | None
    #: The type of each name the message uses, to show its value as the output would.
    placeholders: tuple[tuple[str, ColumnType | None], ...] = ()


@dataclass(frozen=True)
class LadderPlan:
    schedule: str
    entity: tuple[str, ...]
    offence: str
    date: str
    amount: str | None


@dataclass(frozen=True)
class RankPlan:
    by: Expression
    descending: bool
    awards: tuple[str, ...]
    ties: str


@dataclass(frozen=True)
class JoinPlan:
    """A table joined to each source row: ``side`` (an input when ``side_is_input``, else an
    earlier output) held in memory by its ``on`` columns; ``columns`` are (name in this
    output's rows, name in ``side``, type), appended to the source row in that order."""

    side: str
    side_is_input: bool
    on: tuple[str, ...]
    how: str
    columns: tuple[tuple[str, str, ColumnType], ...]
    line: int | None = None


@dataclass(frozen=True)
class WindowPlan:
    """A ``window:`` column: its value is computed over a partition of the source rows.

    ``by`` (rank, last) and ``of`` (total, previous) read source columns and parameters;
    ``partition`` (``entity`` for previous) names source columns; ``period`` is previous's
    period column.
    """

    name: str
    fn: str
    ctype: ColumnType
    by: Expression | None = None
    of: Expression | None = None
    descending: bool = False
    ties: str = "competition"
    partition: tuple[str, ...] = ()
    period: str | None = None
    line: int | None = None

    @property
    def text(self) -> str:
        """The window as ``cspolicy show`` prints it: ``rank(score, descending, competition) per [month]``."""
        expr = self.by if self.by is not None else self.of
        args = [] if expr is None else [" ".join(expr.text.split())]
        if self.fn in ("rank", "last"):
            args.append("descending" if self.descending else "ascending")
        if self.fn == "rank":
            args.append(self.ties)
        if self.fn == "previous":
            return f"previous({', '.join(args)}) of the same [{', '.join(self.partition)}] by period {self.period}"
        return f"{self.fn}({', '.join(args)})" + (f" per [{', '.join(self.partition)}]" if self.partition else "")


@dataclass(frozen=True)
class OutputPlan:
    """One output table: where its rows come from and how each column is computed."""

    name: str
    source: str
    source_is_input: bool
    source_columns: tuple[tuple[str, ColumnType], ...]
    columns: tuple[ColumnPlan, ...]
    key: tuple[str, ...] = ()
    group_by: tuple[str, ...] | None = None
    sort_by: tuple[str, ...] = ()
    checks: tuple[CheckPlan, ...] = ()
    ladder: LadderPlan | None = None
    rank: RankPlan | None = None
    description: str = ""
    #: Tables joined to each source row, in order; their columns end ``source_columns``.
    joins: tuple[JoinPlan, ...] = ()
    warnings: tuple[WarningPlan, ...] = ()
    windows: tuple[WindowPlan, ...] = ()
    #: Rows of the source (after joins) for which this is false are left out.
    where: Expression | None = None
    #: Not written unless asked for by name (a step toward other outputs).
    internal: bool = False

    @property
    def grouped(self) -> bool:
        return self.group_by is not None

    @property
    def visible(self) -> tuple[ColumnPlan, ...]:
        return tuple(c for c in self.columns if not c.hidden)

    @property
    def step_names(self) -> dict[str, ColumnType]:
        if self.ladder:
            return LADDER_NAMES
        if self.rank:
            return RANK_NAMES
        if self.windows:
            return {w.name: w.ctype for w in self.windows}
        return {}


@dataclass(frozen=True)
class BandBound:
    """A band limit: a fixed number, or the name of a parameter resolved per run."""

    number: Decimal | None = None
    parameter: str | None = None


@dataclass(frozen=True)
class BandPlan:
    outcome: object
    above: BandBound | None = None
    at_least: BandBound | None = None
    below: BandBound | None = None
    at_most: BandBound | None = None
    label: str = ""


@dataclass(frozen=True)
class BandsPlan:
    name: str
    outcome_type: ColumnType
    bands: tuple[BandPlan, ...]
    otherwise: object = None
    has_otherwise: bool = False
    rule: str | None = None
    line: int | None = None
    parameters: tuple[str, ...] = field(default=())
