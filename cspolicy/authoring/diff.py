"""``cspolicy diff``: what a change to a policy does to the same month's figures.

Two versions of a policy (two files, or one policy and ``--set`` overrides for the new
side) run over the same inputs (:func:`~cspolicy.authoring.execute.run_watched`); each
output's rows are matched by its key columns (``key:``, else ``group_by``; the n-th row
with a key matches the n-th, as for a ladder's several rows per employee; an output without
key columns is matched by position), and each written column present on both sides is
compared as the output writes it. A number column that changed is totalled: how many rows
changed and by how much in all (``orders: 41 of 300 rows change; weekly order −1 204 in
total``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cspolicy.authoring.execute import Watched, run_watched
from cspolicy.engine.run import RunSettings
from cspolicy.i18n import Lang
from cspolicy.planner.policy import Policy
from cspolicy.text import format_plain, format_value, number_text
from cspolicy.values import ColumnType, Value

__all__ = ["Change", "OutputDiff", "PolicyDiff", "diff_policies", "DIFF_COLUMNS"]

Row = tuple[Value, ...]
_NUMBERS = (ColumnType.MONEY, ColumnType.QUANTITY, ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.PERCENT)

#: The columns of the comparison written with ``-o`` (one row per changed cell, added or
#: removed row).
DIFF_COLUMNS: list[tuple[str, ColumnType]] = [
    ("output", ColumnType.TEXT),
    ("key", ColumnType.TEXT),
    ("column", ColumnType.TEXT),
    ("change", ColumnType.TEXT),
    ("old", ColumnType.TEXT),
    ("new", ColumnType.TEXT),
    ("difference", ColumnType.DECIMAL),
]


@dataclass
class Change:
    """One changed cell (``column`` set), or a row only on one side (``kind`` added/removed)."""

    output: str
    key: str
    kind: str  # changed, added, removed
    column: str = ""
    old: str = ""
    new: str = ""
    difference: Decimal | None = None

    def row(self) -> tuple[Value, ...]:
        return (self.output, self.key, self.column, self.kind, self.old, self.new, self.difference)


@dataclass
class OutputDiff:
    """The changes of one output, and the totals of its number columns."""

    output: str
    rows_old: int
    rows_new: int
    changes: list[Change] = field(default_factory=list)
    #: column → (rows changed, total difference, type)
    totals: dict[str, tuple[int, Decimal, ColumnType]] = field(default_factory=dict)

    @property
    def changed_rows(self) -> int:
        return len({c.key for c in self.changes})


@dataclass
class PolicyDiff:
    """The whole comparison: what differs between the two sides' parameters, then the
    outputs' changes."""

    old: Policy
    new: Policy
    parameters: list[tuple[str, str, str]] = field(default_factory=list)  # name, old, new
    outputs: list[OutputDiff] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [c for o in self.outputs for c in o.changes]

    def lines(self, lang: Lang = "en") -> list[str]:
        """The comparison in words, in ``lang``: the parameter changes, per output how many
        rows change and the totals, then each changed cell."""
        labels = self.new.labels
        zh = lang == "zh"
        out: list[str] = []
        for name, old, new in self.parameters:
            label = labels.parameters[name].text(lang) if name in labels.parameters else name
            out.append(f"参数 {label}（{name}）：{old} → {new}" if zh else f"parameter {label} ({name}): {old} → {new}")
        if not self.parameters:
            out.append("两个版本的参数相同" if zh else "the parameters are the same on both sides")
        for od in self.outputs:
            olabel = labels.outputs[od.output].text(lang) if od.output in labels.outputs else od.output
            n = od.changed_rows
            if zh:
                head = f"{olabel}：{od.rows_new} 行中 {n} 行有变化"
            else:
                head = f"{olabel}: {n} of {od.rows_new} row{'s' if od.rows_new != 1 else ''} change{'s' if n == 1 else ''}"
            if od.rows_old != od.rows_new:
                head += f"（原 {od.rows_old} 行）" if zh else f" (was {od.rows_old})"
            parts = []
            for column, (count, total, ctype) in od.totals.items():
                clabel = labels.column(od.output, column).text(lang)
                amount = _signed(total, ctype)
                unit = _unit(ctype, lang)
                parts.append(
                    f"{clabel} 合计 {amount}{unit}（{count} 行）" if zh else f"{clabel} {amount}{unit} in total ({count} rows)"
                )
            out.append(head + (("；" if zh else "; ") + ("；" if zh else "; ").join(parts) if parts else ""))
            for c in od.changes:
                if c.kind == "changed":
                    clabel = labels.column(od.output, c.column).text(lang)
                    out.append(f"  {c.key}  {clabel}: {c.old or '—'} → {c.new or '—'}")
                else:
                    what = (
                        ("新增行" if c.kind == "added" else "删除行")
                        if zh
                        else ("row added" if c.kind == "added" else "row removed")
                    )
                    out.append(f"  {c.key}  {what}")
        rows = len({(c.output, c.key) for c in self.changes})
        out.append(f"共 {rows} 行有变化" if zh else f"{rows} row{'s' if rows != 1 else ''} changed in all")
        return out


def _unit(ctype: ColumnType, lang: Lang) -> str:
    if ctype is ColumnType.MONEY:
        return " 元" if lang == "zh" else " yuan"
    if ctype is ColumnType.QUANTITY:
        return " 件" if lang == "zh" else " units"
    return ""


def _signed(d: Decimal, ctype: ColumnType) -> str:
    """``+1 204``, ``−1 204.50``, ``+1.5%``: a difference with its sign and a space every
    three digits (a percent difference in percentage points)."""
    sign = "−" if d < 0 else "+"
    d = abs(d)
    if ctype is ColumnType.PERCENT:
        return sign + number_text((d * 100).normalize()) + " pp"
    whole, _, frac = number_text(d).partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + " ".join(groups) + (f".{frac}" if frac else "")


def _parameter_changes(old: Policy, new: Policy, settings: RunSettings, new_settings: RunSettings) -> list[tuple[str, str, str]]:
    from cspolicy.authoring.record import parameters_used

    a = parameters_used(old, settings)
    b = parameters_used(new, new_settings)
    out = []
    for name in dict.fromkeys([*a, *b]):
        va = a[name]["value"] if name in a else "—"
        vb = b[name]["value"] if name in b else "—"
        if va != vb:
            out.append((name, va, vb))
    return out


def diff_policies(
    old: Policy,
    new: Policy,
    inputs: Mapping[str, Iterable[Mapping[str, Any]] | str | os.PathLike[str]],
    settings: RunSettings | None = None,
    *,
    new_overrides: Mapping[str, str] | None = None,
    only: Sequence[str] = (),
    encoding: str | None = None,
) -> PolicyDiff:
    """Run ``old`` and ``new`` over the same ``inputs`` and compare every output both have
    (or those in ``only``). ``new_overrides`` are ``--set`` values for the new side only."""
    settings = settings or RunSettings()
    new_settings = RunSettings(
        settings.period, settings.as_of, settings.region, {**settings.overrides, **(new_overrides or {})}, settings.strict
    )
    a = run_watched(old, inputs, settings, encoding=encoding)
    b = run_watched(new, inputs, new_settings, encoding=encoding)
    result = PolicyDiff(old, new, _parameter_changes(old, new, settings, new_settings))
    names = [n for n in new.outputs if n in old.outputs and (not only or n in only)]
    for name in names:
        result.outputs.append(_compare(a, b, name))
    return result


def _keyed(w: Watched, output: str, key: Sequence[str]) -> dict[str, Row]:
    cols = {n: (i, t) for i, (n, t, _) in enumerate(w.columns[output])}
    out: dict[str, Row] = {}
    seen: dict[str, int] = {}
    for position, row in enumerate(w.rows[output], 1):
        if key and all(k in cols for k in key):
            text = "/".join(format_value(row[cols[k][0]], cols[k][1]) for k in key)
        else:
            text = f"row {position}"
        seen[text] = seen.get(text, 0) + 1
        out[text if seen[text] == 1 else f"{text} #{seen[text]}"] = row
    return out


def _compare(a: Watched, b: Watched, output: str) -> OutputDiff:
    plan = b.policy.outputs[output]
    key = list(plan.key or plan.group_by or ())
    old_rows, new_rows = _keyed(a, output, key), _keyed(b, output, key)
    od = OutputDiff(output, len(a.rows[output]), len(b.rows[output]))
    old_cols = {n: (i, t) for i, (n, t, hidden) in enumerate(a.columns[output]) if not hidden}
    new_cols = {n: (i, t) for i, (n, t, hidden) in enumerate(b.columns[output]) if not hidden}
    common = [n for n in new_cols if n in old_cols]
    counts: dict[str, int] = {}
    sums: dict[str, Decimal] = {}
    for k, row in new_rows.items():
        before = old_rows.get(k)
        if before is None:
            od.changes.append(Change(output, k, "added"))
            continue
        for col in common:
            (i, t), (j, u) = old_cols[col], new_cols[col]
            va, vb = before[i], row[j]
            ta, tb = format_value(va, t), format_value(vb, u)
            if ta == tb:
                continue
            diff = vb - va if isinstance(va, Decimal) and isinstance(vb, Decimal) else None
            od.changes.append(Change(output, k, "changed", col, format_plain(va, t), format_plain(vb, u), diff))
            if diff is not None and u in _NUMBERS and col not in key:
                counts[col] = counts.get(col, 0) + 1
                sums[col] = sums.get(col, Decimal(0)) + diff
    for k in old_rows:
        if k not in new_rows:
            od.changes.append(Change(output, k, "removed"))
    od.totals = {col: (counts[col], sums[col], new_cols[col][1]) for col in common if col in counts}
    return od


def write_diff(result: PolicyDiff, path: str | os.PathLike[str], lang: Lang = "en") -> int:
    """Write the comparison, one row per changed cell or added/removed row, to a ``.csv``
    (UTF-8 with a BOM, for Excel) or an ``.xlsx`` file, all or nothing, through the writers
    ``run -o`` uses; in Chinese the headers are Chinese. Returns the rows written."""
    from cspolicy.tables import CsvSink, atomic_write, csv_encoding
    from cspolicy.tables.excel_write import write_workbook

    check_diff_target(path)
    rows = [c.row() for c in result.changes]
    text = os.fspath(path)
    if text.lower().endswith(".xlsx"):
        write_workbook(text, {"diff": (DIFF_COLUMNS, rows)})
    else:
        headers = [_HEADERS_ZH[n] for n, _ in DIFF_COLUMNS] if lang == "zh" else None
        with atomic_write(text, encoding=csv_encoding()) as out:
            sink = CsvSink(out, DIFF_COLUMNS, headers=headers)
            sink.write_header()
            sink.write_rows(rows)
    return len(rows)


def check_diff_target(path: str | os.PathLike[str]) -> None:
    """``-o`` of ``diff`` names a ``.csv`` or ``.xlsx`` file (checked before anything runs)."""
    from cspolicy.errors import UsageError

    text = os.fspath(path)
    if not text.lower().endswith((".csv", ".xlsx")):
        raise UsageError(
            f"-o {text}: the comparison is written as a .csv or .xlsx file", expected="-o changes.csv or -o changes.xlsx"
        )


_HEADERS_ZH = {
    "output": "输出",
    "key": "键",
    "column": "列",
    "change": "变化",
    "old": "原值",
    "new": "新值",
    "difference": "差额",
}
