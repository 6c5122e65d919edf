"""The sheets around a workbook's outputs: what ran (summary) and why (explanations).

``-o result.xlsx`` writes one workbook: first a **summary** sheet (the policy, period, as-of
date, region, ``--set`` values, each input file with the rows read, each output with its rows
and the total of every money column, the warnings), then one sheet per output, then an
**explanations** sheet with the plain-language explanation of every row of the outputs
(each line under the key of its row, grouped by key, so a person's lines from every output
and component follow each other), in the run's language: the very lines ``--explain`` prints.

Decisions (docs/decisions.md, "Composition and workbooks"): the summary comes first, so
reading a sheet of the workbook back as an input names it (``result.xlsx#orders``); at most
:data:`~cspolicy.engine.collect.EveryRow` 's limit of rows are explained (their traces are
held in memory), and the sheet says so when more were left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from cspolicy.i18n import Lang
from cspolicy.planner.plan import OutputPlan
from cspolicy.tables.excel_write import SheetWriter, WorkbookWriter
from cspolicy.values import ColumnType, Value

__all__ = ["RunReportSheets", "SUMMARY", "EXPLANATIONS"]

#: The two sheets' names in each language.
SUMMARY = {"en": "summary", "zh": "汇总"}
EXPLANATIONS = {"en": "explanations", "zh": "说明"}
_HEAD = {
    "en": ["item", "name", "value", "rows", "total"],
    "zh": ["项目", "名称", "内容", "行数", "合计"],
}
_WORDS = {
    "en": {
        "policy": "policy",
        "period": "period",
        "as_of": "as of",
        "region": "region",
        "set": "set for this run",
        "input": "input",
        "output": "output",
        "total": "total",
        "warnings": "warnings",
        "version": "cspolicy",
        "key": "key",
        "line": "explanation",
        "more": "{n} more rows are not explained here (at most {limit}); use --explain KEY",
        "full": "the explanations of {n} more keys do not fit in a sheet; use --explain KEY",
        "none": "(none)",
    },
    "zh": {
        "policy": "政策",
        "period": "期间",
        "as_of": "参数日期",
        "region": "地区",
        "set": "本次指定",
        "input": "输入",
        "output": "输出",
        "total": "合计",
        "warnings": "提示",
        "version": "cspolicy 版本",
        "key": "对象",
        "line": "说明",
        "more": "另有 {n} 行未在此说明（最多 {limit} 行）；请用 --explain 键 查看",
        "full": "另有 {n} 个对象的说明超出一张工作表的容量；请用 --explain 键 查看",
        "none": "（无）",
    },
}
Writer = Callable[[Sequence[Value]], None]
_SUMMARY_COLUMNS = [
    ("item", ColumnType.TEXT),
    ("name", ColumnType.TEXT),
    ("value", ColumnType.TEXT),
    ("rows", ColumnType.INTEGER),
    ("total", ColumnType.MONEY),
]


class RunReportSheets:
    """The summary sheet (added first, filled at the end) and the explanations sheet."""

    def __init__(self, book: WorkbookWriter, lang: Lang, summary_name: str) -> None:
        self.book = book
        self.lang: Lang = lang
        self.words = _WORDS["zh" if lang == "zh" else "en"]
        self.summary = book.add_sheet(summary_name, _SUMMARY_COLUMNS, headers=_HEAD["zh" if lang == "zh" else "en"])
        self.summary.max_rows = 1_048_575  # Excel's own limit: a summary has a few dozen rows
        #: Per output: rows written and the exact total of each money column.
        self.rows: dict[str, int] = {}
        self.totals: dict[str, dict[str, Decimal]] = {}

    def counting(
        self, name: str, plan: OutputPlan, write: Callable[[Sequence[Value]], None]
    ) -> Callable[[Sequence[Value]], None]:
        """``write``, also counting the output's rows and adding up its money columns."""
        money = [(i, c.name) for i, c in enumerate(plan.columns) if not c.hidden and c.ctype is ColumnType.MONEY]
        sums = self.totals.setdefault(name, {c: Decimal(0) for _, c in money})
        self.rows[name] = 0

        def count(row: Sequence[Value]) -> None:
            write(row)
            self.rows[name] += 1
            for i, column in money:
                value = row[i]
                if isinstance(value, Decimal):
                    sums[column] += value

        return count

    def fill_summary(
        self,
        *,
        policy: Any,
        settings: Any,
        inputs: Mapping[str, str],
        read: Mapping[str, int],
        outputs: Sequence[str],
        warnings: int,
    ) -> None:
        """Write the summary's rows (once the run is complete)."""
        from cspolicy.version import __version__

        w, lang = self.words, self.lang
        labels = policy.labels
        put = self.summary.write
        put((w["policy"], policy.name, labels.title.text(lang), None, None))
        put((w["period"], None, str(settings.period) if settings.period else w["none"], None, None))
        put(
            (
                w["as_of"],
                None,
                settings.effective_date.isoformat() if isinstance(settings.effective_date, dt.date) else "",
                None,
                None,
            )
        )
        put((w["region"], None, settings.region or w["none"], None, None))
        for name, value in settings.overrides.items():
            put((w["set"], name, str(value), None, None))
        for name, path in inputs.items():
            count = read.get(name)
            put((w["input"], name, str(path), None if count is None else Decimal(count), None))
        for name in outputs:
            label = labels.outputs[name].text(lang) if name in labels.outputs else name
            put((w["output"], name, label, Decimal(self.rows.get(name, 0)), None))
            for column, total in self.totals.get(name, {}).items():
                header = labels.column(name, column).text(lang)
                put((w["total"], f"{name}.{column}", header, None, total))
        put((w["warnings"], None, None, Decimal(warnings), None))
        put((w["version"], None, __version__, None, None))

    def explanations(self, name: str, traces: Iterable[Any], skipped: int, limit: int) -> SheetWriter:
        """The explanations sheet: each explained row's lines under its key, rows of one key
        together (in the order first met), lines indented by their depth."""
        w = self.words
        sheet = self.book.add_sheet(name, [("key", ColumnType.TEXT), ("line", ColumnType.TEXT)], headers=[w["key"], w["line"]])
        groups: dict[str, list[Any]] = {}
        for trace in traces:
            explanation = trace.explanation(self.lang)
            groups.setdefault(explanation.key, []).append(explanation)
        from cspolicy.tables import excel_write

        room = excel_write.MAX_ROWS - 1  # a line is kept for saying what was left out
        left_out = 0
        for key, explanations in groups.items():
            lines = [line for explanation in explanations for line in explanation.lines]
            if sheet.count + len(lines) > room:  # a person's breakdown whole, or not at all
                left_out += 1
                continue
            for line in lines:
                sheet.write((key, "  " * line.depth + line.text))
        if left_out:
            sheet.write(("", w["full"].format(n=f"{left_out:,}")))
        elif skipped:
            sheet.write(("", w["more"].format(n=f"{skipped:,}", limit=f"{limit:,}")))
        return sheet
