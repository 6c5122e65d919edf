"""The terminal table of ``cspolicy run``: the first rows of each output, in Chinese or
English, and how many more there are (memory stays flat: the rest are only counted)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from cspolicy.engine.outputs import Phases, execute_outputs, projection, rows_text
from cspolicy.engine.run import Prepared
from cspolicy.i18n import Lang
from cspolicy.messages import translate
from cspolicy.tables import Table, render_table
from cspolicy.values import ColumnType, Value

__all__ = ["write_table"]


class _Head:
    """The first ``limit`` rows of an output (all when 0), and how many more there were."""

    def __init__(self, limit: int, project: Callable[[Sequence[Value]], tuple[Value, ...]]) -> None:
        self.limit = limit
        self.project = project
        self.rows: list[tuple[Value, ...]] = []
        self.more = 0

    def add(self, row: Sequence[Value]) -> None:
        if not self.limit or len(self.rows) < self.limit:
            self.rows.append(self.project(row))
        else:
            self.more += 1


def write_table(
    start: Callable[[], tuple[Prepared, dict[str, Table]]],
    selected: list[str],
    stdout: TextIO | None,
    phases: Phases,
    limit: int,
    lang: Lang = "en",
) -> Prepared:
    """The terminal table: the first ``limit`` rows of each output, then a line saying how
    many more there are and how to write them all (memory stays flat: the rest are counted)."""
    prep, tables = start()
    heads: dict[str, tuple[list[tuple[str, ColumnType]], _Head]] = {}
    if stdout is not None:
        for name in selected:
            project, cols = projection(prep.policy.outputs[name])
            head = _Head(limit, project)
            prep.nodes[name].writers.append(head.add)
            heads[name] = (cols, head)
    execute_outputs(prep, tables, phases)
    if stdout is None:
        return prep
    phases.phase("writing")
    parts = []
    for name, (cols, head) in heads.items():
        if lang == "en":
            shown = f", the first {len(head.rows):,} shown" if head.more else ""
            text = f"{name} ({rows_text(prep.nodes[name].count)}{shown})\n" + render_table(cols, head.rows)
        else:
            labels = prep.policy.labels
            title = labels.outputs[name].text(lang)
            count = f"{prep.nodes[name].count:,} 行" + (f"，显示前 {len(head.rows):,} 行" if head.more else "")
            text = (f"{title}（{name}，{count}）" if title != name else f"{name}（{count}）") + "\n"
            text += render_table(cols, head.rows, headers=labels.headers(name, lang), cells=labels.cells(name, lang))
        if head.more:
            more = (
                f"… {head.more:,} more row{'' if head.more == 1 else 's'} not shown: --limit 0 shows them all; "
                "-o DIR, -o FILE.csv or -o FILE.json writes them all to files"
            )
            text += "\n" + translate(more, lang)
        parts.append(text)
    stdout.write("\n\n".join(parts) + "\n")
    return prep
