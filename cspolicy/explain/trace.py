"""What an explained row was made of: the facts a run keeps for ``--explain``.

The fast path never traces (no cost per row). When ``--explain KEY`` (or
:meth:`~cspolicy.engine.run.Results.explain`) names rows, the run keeps, for those rows only, the
values their formulas saw, the cells of their source row, the rows behind a group, the
earlier occurrences behind a ladder's rung and the field a rank was taken among. A
:class:`Trace` holds these facts in no language; :meth:`Trace.explanation` puts them into
words in Chinese or English (:mod:`cspolicy.explain`: one renderer for the terminal, the
library and workbooks), and :meth:`Trace.render` as plain text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cspolicy.i18n import Lang
from cspolicy.planner.parameters import ResolvedParameter
from cspolicy.values import Value

if TYPE_CHECKING:
    from cspolicy.explain import Explanation
    from cspolicy.planner.policy import Policy

__all__ = ["Trace", "GroupFacts", "Occurrence", "LadderFacts", "RankFacts", "WindowFacts", "MEMBERS_SHOWN"]

Row = tuple[Value, ...]

#: How many of a group's rows an explanation lists before "and N more".
MEMBERS_SHOWN = 10


@dataclass
class GroupFacts:
    """The rows behind one group: the first :data:`MEMBERS_SHOWN` of them (their row
    number in the file, or 0 when they come from a grouped output, and their values),
    how many there were, and each aggregate's exact result before rounding."""

    key: Row
    results: Row
    members: list[tuple[int, Row]]
    count: int


@dataclass(frozen=True)
class Occurrence:
    """One earlier occurrence of an offence counted in the same window."""

    date: dt.date
    number: int
    row: int
    sanction: str
    fine: Value


@dataclass(frozen=True)
class LadderFacts:
    """Why a ladder gave this row its rung: the offence, the occurrence number, the earlier
    occurrences in the same window, and the amount the row gave (None if none)."""

    offence: Any  # cspolicy.blocks.ladders.Offence
    entity: Row
    date: dt.date
    occurrence: int
    earlier: tuple[Occurrence, ...]  # the last MEMBERS_SHOWN of the occurrence - 1 before it
    amount: Value
    fine: Value


@dataclass
class RankFacts:
    """Where a row ranks: its value, rank and award, and the whole field ranked (each row's
    key values, value and rank, shared by every trace of the output; complete once the run
    ends)."""

    value: Value
    rank: int
    award: Value
    field: list[tuple[Row, Value, int]]
    index: int


@dataclass(frozen=True)
class WindowFacts:
    """Among whom a window column's value was computed: its partition's columns and key
    values (for ``previous``: the entity's) and how many rows the partition holds."""

    fn: str
    partition: tuple[str, ...]
    key: Row
    size: int


@dataclass
class Trace:
    """The facts behind one explained output row.

    ``env`` holds what its formulas read: the run's parameter and run values, then the
    source row's columns and the ladder's or rank's names (for a group: its keys);
    ``out`` is the row as output (rounded). ``file`` and ``row`` say where the source row
    is (``row`` 0 for a group's row); ``cells`` are that row's cells as the file held them
    (input rows only; None when the rows were given in memory) and ``headers`` the file's
    header of each column; ``defaulted`` names the columns left empty (or absent) in the
    file whose default applied.
    """

    policy: Policy
    output: str
    parameters: Mapping[str, ResolvedParameter]
    env: dict[str, Value]
    out: Row
    file: str = ""
    row: int = 0
    group: GroupFacts | None = None
    ladder: LadderFacts | None = None
    rank: RankFacts | None = None
    #: Each window column's facts, by column name (windowed outputs only).
    windows: dict[str, WindowFacts] = field(default_factory=dict)
    cells: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    defaulted: frozenset[str] = frozenset()
    #: The run's band tables (formulas that call them are evaluated again to explain them).
    bands: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The row's key as shown in English (``A站 / 面单``)."""
        return self.explanation("en").key

    def explanation(self, lang: Lang = "en") -> Explanation:
        """The explanation in ``lang``: structured lines (for a terminal, a workbook sheet)."""
        from cspolicy.explain import explain_trace

        return explain_trace(self, lang)

    def render(self, lang: Lang = "en") -> str:
        """The explanation in ``lang`` as plain text, one figure per line."""
        return self.explanation(lang).text()
