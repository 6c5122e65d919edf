"""Warnings: notes about a run that do not stop it ("B1 given twice in May; counted once").

A run keeps one :class:`Warnings` collector (``prepare(...).warnings``; ``Results.warnings``
and ``RunReport.warnings`` afterwards). Anything taking part in a run may add to it — an
output's ``warnings:`` rules, a block, the reader — with the place when there is one
(``file``, ``row``, ``column``, or the ``output`` and group ``key``). Notes are shown after
the run, one line each (``warning: file:row: message [rule]``), go into JSON output under
``"_warnings"`` (a key no output can have: output names never start with ``_``) and into
the explanations of the rows they concern. With ``--strict`` (``RunSettings(strict=True)``)
any warning makes the run fail (exit 1) before an output is written.

The collector stays small whatever the run: identical notes are kept once and counted, and
past :data:`KEPT` distinct notes the rest are only counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cspolicy.errors import DataError, DataErrors

__all__ = ["Note", "Warnings", "KEPT", "SHOWN", "JSON_KEY"]

#: The most distinct notes a run keeps (the rest are counted).
KEPT = 1000
#: The most lines :meth:`Warnings.lines` gives before saying how many more there are.
SHOWN = 20
#: The key of the warnings in a JSON document (present only when there are any).
JSON_KEY = "_warnings"


@dataclass
class Note:
    """One warning: what, where (when it has a place), under which rule, how often."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    output: str | None = None
    key: str | None = None
    rule: str | None = None
    count: int = 1

    @property
    def place(self) -> str:
        """``file:row:column``, or ``output 'x', E023`` for a group, or nothing."""
        parts = [p for p in (self.file, None if self.row is None else str(self.row), self.column) if p]
        if parts:
            return ":".join(parts)
        if self.output is not None:
            return f"output '{self.output}'" + (f", {self.key}" if self.key else "")
        return ""

    def __str__(self) -> str:
        place = self.place
        text = (f"{place}: " if place else "") + self.message + (f" [{self.rule}]" if self.rule else "")
        return text + (f" ({self.count} times)" if self.count > 1 else "")

    def as_json(self) -> dict[str, Any]:
        """The note as a JSON object (only the fields it has)."""
        out: dict[str, Any] = {"message": self.message}
        for name in ("file", "row", "column", "output", "key", "rule"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.count > 1:
            out["count"] = self.count
        return out


@dataclass
class Warnings:
    """The warnings of one run (see the module notes).

    >>> w = Warnings()
    >>> w.add("B1 given twice; counted once", file="events.csv", row=7, rule="R-SC-2")
    >>> w.add("B1 given twice; counted once", file="events.csv", row=7, rule="R-SC-2")
    >>> len(w), w.total, w.lines()
    (1, 2, ['warning: events.csv:7: B1 given twice; counted once [R-SC-2] (2 times)'])
    """

    kept: int = KEPT
    total: int = 0
    _notes: dict[tuple[Any, ...], Note] = field(default_factory=dict)

    def add(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        output: str | None = None,
        key: str | None = None,
        rule: str | None = None,
    ) -> Note | None:
        """Note ``message`` (at its place); returns the note, or ``None`` past the limit."""
        self.total += 1
        ident = (message, file, row, column, output, key, rule)
        note = self._notes.get(ident)
        if note is not None:
            note.count += 1
            return note
        if len(self._notes) >= self.kept:
            return None
        note = self._notes[ident] = Note(message, file, row, column, output, key, rule)
        return note

    def __len__(self) -> int:
        """The number of distinct notes kept."""
        return len(self._notes)

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self) -> Iterator[Note]:
        return iter(self._notes.values())

    @property
    def dropped(self) -> int:
        """Warnings counted but not kept (past :attr:`kept` distinct notes)."""
        return self.total - sum(n.count for n in self._notes.values())

    def lines(self, limit: int = SHOWN, prefix: str = "warning: ") -> list[str]:
        """One line per note, at most ``limit`` (0: all), then how many more there were."""
        notes = list(self)
        shown = notes if not limit else notes[:limit]
        out = [prefix + str(n) for n in shown]
        more = sum(n.count for n in notes[len(shown) :]) + self.dropped
        if more:
            out.append(f"{prefix}… and {more:,} more warning{'s' if more != 1 else ''} (all kept ones are in JSON output)")
        return out

    def as_json(self) -> list[dict[str, Any]]:
        """Every kept note as a JSON object, and one saying how many were not kept."""
        out = [n.as_json() for n in self]
        if self.dropped:
            out.append({"message": f"{self.dropped:,} more warnings not kept", "count": self.dropped})
        return out

    def as_errors(self, limit: int = 50) -> DataErrors:
        """The warnings as errors of a strict run (``--strict``), at most ``limit`` shown."""
        errors = []
        for n in list(self)[:limit]:
            what = "warning treated as an error (--strict): " + n.message + (f" [{n.rule}]" if n.rule else "")
            what += f" ({n.count} times)" if n.count > 1 else ""
            if n.file:
                errors.append(DataError(what, file=n.file, row=n.row, column=n.column))
            else:
                place = n.place
                errors.append(DataError((f"{place}: " if place else "") + what))
        shown = sum(n.count for n in list(self)[:limit])
        return DataErrors(errors or [DataError("warnings were given (--strict)")], truncated=self.total - shown)
