"""An explanation as structured lines: what the terminal prints and a workbook sheet takes."""

from __future__ import annotations

from dataclasses import dataclass

from cspolicy.i18n import Lang

__all__ = ["Line", "Explanation", "LINE_KINDS", "MEMBERS_SHOWN"]

#: How many of a group's rows an explanation lists before "and N more".
MEMBERS_SHOWN = 10

#: What a line is, so that a workbook can style it: the title, a figure, an intermediate
#: step (a hidden column), the source row's cells, a ladder's or a rank's reasons, a
#: heading, a parameter, a rule, a warning the row or group gave.
LINE_KINDS = ("title", "figure", "step", "inputs", "ladder", "rank", "heading", "parameter", "rule", "warning")


@dataclass(frozen=True)
class Line:
    """One line of an explanation: its text, its depth (0 for the title) and kind, and the
    output column it explains (figures and steps)."""

    text: str
    depth: int = 1
    kind: str = "figure"
    column: str | None = None


@dataclass(frozen=True)
class Explanation:
    """The explanation of one output row in one language."""

    output: str
    key: str
    lang: Lang
    lines: tuple[Line, ...]

    def text(self) -> str:
        """Plain text: each line indented two spaces per level of depth."""
        return "\n".join("  " * line.depth + line.text for line in self.lines)

    def __str__(self) -> str:
        return self.text()
