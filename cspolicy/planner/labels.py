"""Every name of a policy in Chinese and English, looked up in one place.

:class:`PolicyLabels` (``policy.labels``) answers "what is this called in Chinese?" for
everything a clerk sees: the title, rules, parameters, inputs and their columns and enum
values, outputs and their columns, the values (statuses) a column holds, band outcomes,
ladder sanctions and offences. Writers use it for headers and cells; ``show`` and ``list``
for their text; explanations for their words. :func:`missing_labels` is the completeness
check behind ``cspolicy check`` (and, later, ``lint``).

Where a label comes from, in order:

* a column's own ``label``; else, for a column that only repeats another (``station:
  station``, a ``group_by`` key), that one's label; else its identifier;
* a value's label: the column's own ``values:``; else the labels of the column it repeats
  (an enum input column, an earlier output column, a ladder's ``sanction``/``gravest``, the
  ``of`` of a ``first``/``last``/``min``/``max``/``max_by``/``min_by`` aggregate); else the
  policy's vocabulary: band outcome labels, enum value labels of inputs, sanction labels,
  the first declaration of a code winning; else the code itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cspolicy.i18n import LANGS, Label, Lang
from cspolicy.planner.plan import ColumnPlan, OutputPlan
from cspolicy.values import ColumnType

if TYPE_CHECKING:
    from cspolicy.planner.policy import Policy
    from cspolicy.schema.models import LabelText

__all__ = ["PolicyLabels", "Finding", "missing_labels", "sanction_combination"]

#: Aggregates whose result is one of the aggregated values (so it keeps their labels).
_PICKING = frozenset({"first", "last", "min", "max", "max_by", "min_by"})
Path = tuple[str | int, ...]
Values = dict[str, Label]


def _label(spec: LabelText | None, ident: str) -> Label:
    return Label(ident) if spec is None else spec.of(ident)


def sanction_combination(kinds: Iterable[str]) -> str:
    """How a ladder output writes a rung's kinds (least grave first): ``fine+dismissal``."""
    return "+".join(kinds)


@dataclass(frozen=True)
class _Entry:
    """A resolved column: its label and value labels; ``own_label`` and ``reported`` say
    what the completeness check reports here: what the policy states here, or states nowhere
    (a label inherited from elsewhere is reported where it is declared)."""

    label: Label
    values: Values | None
    own_label: bool
    reported: frozenset[str]


class PolicyLabels:
    """The labels of one policy (build it with ``policy.labels``)."""

    def __init__(self, policy: Policy) -> None:
        m = policy.model
        self.policy = policy
        self.title = Label(m.name, m.title.zh, m.title.en)
        self.rules = {rid: text.of(rid) for rid, text in m.rules.items()}
        self.parameters = {n: _label(p.label, n) for n, p in m.parameters.items()}
        self.inputs = {n: _label(i.label, n) for n, i in m.inputs.items()}
        self.outputs = {n: _label(o.label, n) for n, o in m.outputs.items()}
        self._columns: dict[tuple[str, str], _Entry] = {}  # ("in:" + table | output, column)
        self.vocabulary: Values = {}
        self.band_outcomes: dict[str, Values] = {}
        for name, bands in m.bands.items():
            outcomes = self.band_outcomes[name] = {}
            for band in bands.bands:
                code = str(band.outcome)
                if band.label is not None and code not in outcomes:
                    outcomes[code] = band.label.of(code)
            for code, label in outcomes.items():
                self.vocabulary.setdefault(code, label)
        for table, spec in m.inputs.items():
            for cname, col in spec.columns.items():
                values: Values | None = None
                if col.values_from is not None and col.values_from in policy.tables:  # a lookup table's keys
                    named = policy.tables[col.values_from].labels
                    values = {k: Label(k, *named.get(k, (None, None))) for k in policy.tables[col.values_from].spellings}
                elif col.type is ColumnType.ENUM and col.values is not None:
                    if isinstance(col.values, list):
                        values = {v: Label(v) for v in col.values}
                    else:
                        values = {k: Label(k, v.zh, v.en) for k, v in col.values.items()}
                        for k, lab in values.items():
                            self.vocabulary.setdefault(k, lab)
                own = frozenset(values) if values and not isinstance(col.values, list) and not col.values_from else frozenset()
                self._columns[("in:" + table, cname)] = _Entry(_label(col.label, cname), values, True, own)
        self.sanctions: dict[str, Values] = {}
        self._sanction_values: dict[str, Values] = {}
        self._gravest_values: dict[str, Values] = {}
        for sname, sspec in m.schedules.items():
            kinds = self.sanctions[sname] = {k: lab.of(k) for k, lab in sspec.sanctions.items()}
            for kind in [*sspec.gravity, "none"]:
                kinds.setdefault(kind, Label(kind))
            for code, lab in kinds.items():
                self.vocabulary.setdefault(code, lab)
            self._schedule_values(sname)
        for name, plan in policy.outputs.items():  # in dependency order: sources come first
            self._resolve(name, plan)

    # -- lookups ----------------------------------------------------------------------------
    def rule(self, rid: str) -> Label:
        return self.rules.get(rid, Label(rid))

    def parameter(self, name: str) -> Label:
        return self.parameters.get(name, Label(name))

    def input_column(self, table: str, column: str) -> Label:
        entry = self._columns.get(("in:" + table, column))
        return entry.label if entry else Label(column)

    def column(self, output: str, column: str) -> Label:
        """The label of an output column (inherited when it repeats another column)."""
        entry = self._columns.get((output, column))
        return entry.label if entry else Label(column)

    def values(self, output: str, column: str, *, from_input: bool = False) -> Values | None:
        """The labels of the codes an output (or, ``from_input``, input) column holds, or
        None when it holds free text (names, notes) whose cells are never translated."""
        entry = self._columns.get(("in:" + output if from_input else output, column))
        return None if entry is None else entry.values

    def value(self, output: str, column: str, code: str) -> Label:
        """The label of one value of a column (the code itself when it has none)."""
        values = self.values(output, column) or {}
        return values.get(code) or self.vocabulary.get(code) or Label(code)

    def offence(self, schedule: str, code: str) -> Label:
        o = self.policy.model.schedules[schedule].offences[code]
        return Label(code, o.zh, o.en)

    def sanction(self, schedule: str, kind: str) -> Label:
        """A sanction kind or combination (``fine+dismissal``) of a schedule."""
        found = self._sanction_values.get(schedule, {}).get(kind) or self.sanctions.get(schedule, {}).get(kind)
        return found or Label(kind)

    # -- for writers ------------------------------------------------------------------------
    def headers(self, output: str, lang: Lang) -> list[str]:
        """The headers of an output's visible columns: identifiers in English (what scripts
        and JSON use), labels in Chinese."""
        visible = self.policy.outputs[output].visible
        if lang == "en":
            return [c.name for c in visible]
        return [self.column(output, c.name).text(lang) for c in visible]

    def cells(self, output: str, lang: Lang) -> list[dict[str, str] | None]:
        """For each visible column, the cell text to write for each code (None: as it is).
        English keeps the codes; Chinese writes value labels, and 是/否 for yes/no."""
        from cspolicy.i18n import yes_no

        out: list[dict[str, str] | None] = []
        for c in self.policy.outputs[output].visible:
            values = self.values(output, c.name)
            if lang == "en":
                out.append(None)
            elif c.ctype is ColumnType.BOOLEAN:
                out.append(dict(yes_no(lang)))
            elif values:
                out.append({code: lab.text(lang) for code, lab in values.items()})
            else:
                out.append(None)
        return out

    # -- resolution -------------------------------------------------------------------------
    def _schedule_values(self, sname: str) -> None:
        """Every sanction a ladder of this schedule can write, and every gravest kind."""
        schedule = self.policy.schedules.get(sname)
        kinds = self.sanctions[sname]
        combos: Values = {}
        gravest: Values = {}
        if schedule is not None:
            gravity = list(schedule.gravity)
            for offence in schedule:
                ladder = offence.ladder
                for rung in ladder.rungs:
                    ordered = sorted({a.kind for a in rung.actions}, key=gravity.index)
                    code = sanction_combination(ordered)
                    parts = [kinds.get(k, Label(k)) for k in ordered]
                    combos.setdefault(code, Label(code, *(_joined(parts, lang) for lang in LANGS)))
                    gravest.setdefault(ordered[-1], kinds.get(ordered[-1], Label(ordered[-1])))
                if ladder.after_last == "none":
                    combos.setdefault("none", kinds["none"])
                    gravest.setdefault("none", kinds["none"])

        def grave(item: tuple[str, Label]) -> tuple[int, ...]:  # least grave first, none last
            order = [*(schedule.gravity if schedule is not None else kinds), "none"]
            return tuple(order.index(k) if k in order else len(order) for k in reversed(item[0].split("+")))

        self._sanction_values[sname] = dict(sorted(combos.items(), key=grave))
        self._gravest_values[sname] = dict(sorted(gravest.items(), key=grave))

    def _resolve(self, name: str, plan: OutputPlan) -> None:
        from cspolicy.schema.models import OutputColumn  # here: a policy read from the cache has its labels

        model = self.policy.model.outputs[name]
        src_key = "in:" + plan.source if plan.source_is_input else plan.source
        source = {c: e for (t, c), e in self._columns.items() if t == src_key}
        for j in plan.joins:  # a joined column keeps its labels under the name it is joined as
            side = "in:" + j.side if j.side_is_input else j.side
            for new, theirs, _ in j.columns:
                if (side, theirs) in self._columns:
                    source[new] = self._columns[(side, theirs)]
        steps: dict[str, _Entry] = {}
        if plan.ladder is not None:
            sched = plan.ladder.schedule
            for step, table in (("sanction", self._sanction_values), ("gravest", self._gravest_values)):
                steps[step] = _Entry(Label(step), table.get(sched, {}), False, frozenset())
        params = {n: _Entry(lab, None, True, frozenset()) for n, lab in self.parameters.items()}
        earlier: dict[str, _Entry] = {}
        keys = set(plan.group_by or ())
        for col in plan.columns:
            raw = model.columns[col.name]
            spec = raw if isinstance(raw, OutputColumn) else OutputColumn.model_validate({"expr": raw})
            ref = _bare(col.expression)
            if plan.grouped:  # a group's formulas see its keys and its earlier columns
                scope = {**params, **{k: v for k, v in source.items() if k in keys}, **earlier}
            else:
                scope = {**params, **source, **steps, **earlier}
            repeated = scope.get(ref) if ref else None
            picked = None
            if col.agg in _PICKING and col.of is not None:
                picked = {**source, **steps}.get(_bare(col.of) or "")
            label = _label(spec.label, col.name)
            # a ladder's step names carry value labels, not a label of their own
            named_by = None if repeated is None or repeated is steps.get(ref or "") else repeated
            own_label = spec.label is not None or named_by is None
            if spec.label is None and named_by is not None:
                label = Label(col.name, named_by.label.zh, named_by.label.en)
            own = {code: lab.of(code) for code, lab in (spec.values or {}).items()}
            origin = repeated or picked
            inherited = origin.values if origin is not None else None
            values, nowhere = self._column_values(col, own, inherited)
            earlier[col.name] = _Entry(label, values, own_label, frozenset(own) | nowhere)
        for cname, entry in earlier.items():
            self._columns[(name, cname)] = entry

    def _column_values(self, col: ColumnPlan, own: Values, inherited: Values | None) -> tuple[Values | None, frozenset[str]]:
        """The column's value labels, and the codes no part of the policy labels."""
        if col.ctype is ColumnType.BOOLEAN:
            return None, frozenset()
        codes = None if col.values is None else {c for c in col.values if c}
        if codes is None:
            if inherited is None:
                return own or None, frozenset()
            return {**inherited, **own}, frozenset()
        order = [*own, *(inherited or {}), *(c for c in self.vocabulary if c in codes), *sorted(codes)]
        out: Values = {}
        for code in order:
            if code in codes and code not in out:
                out[code] = own.get(code) or (inherited or {}).get(code) or self.vocabulary.get(code) or Label(code)
        known = {*own, *(inherited or {}), *self.vocabulary}
        return out, frozenset(c for c in out if c not in known)


def _joined(parts: list[Label], lang: Lang) -> str | None:
    texts = [p.get(lang) for p in parts]
    return "+".join(t for t in texts if t) if all(texts) else None


def _bare(expr: object) -> str | None:
    """The name a formula is, when it is just one name (``station``)."""
    text = getattr(expr, "text", None)
    if not isinstance(text, str):
        return None
    text = text.strip()
    return text if text.isidentifier() else None


# -- the completeness check ------------------------------------------------------------------
_WHAT = {"zh": "中文", "en": "英文"}
_WHAT_EN = {"zh": "Chinese", "en": "English"}


@dataclass(frozen=True)
class Finding:
    """One label a policy lacks (or shares): where, what, and in which languages."""

    file: str
    line: int | None
    where: str
    missing: tuple[Lang, ...] = ()
    shared: str = ""  # a label another column has too (in the language of ``missing``) …
    other: str = ""  # … and that column

    def message(self, lang: Lang = "en") -> str:
        """``file:line: where: what is missing``, in ``lang``."""
        place = self.file + (f":{self.line}" if self.line else "")
        if self.shared and lang == "zh":
            what = f"{_WHAT[self.missing[0]]}标签“{self.shared}”与列 {self.other} 的相同，表头会重复"
        elif self.shared:
            what = f"its {_WHAT_EN[self.missing[0]]} label '{self.shared}' is also the label of column '{self.other}'"
        elif lang == "zh":
            what = "缺少" + "和".join(_WHAT[m] for m in self.missing) + "标签"
        else:
            what = "no " + " or ".join(_WHAT_EN[m] for m in self.missing) + " label"
        return f"{place}: {self.where}: {what}"

    def __str__(self) -> str:
        return self.message("en")


def missing_labels(policy: Policy) -> list[Finding]:
    """Every label ``policy`` lacks in Chinese or English, and every output whose columns
    share a label (its CSV could not be read back), in file order.

    A label stated as one text counts for both languages; a column that repeats another
    is reported where the other is declared, not twice.
    """
    labels = policy.labels
    m = policy.model
    doc = policy.doc
    found: list[Finding] = []

    def check(path: Path, label: Label) -> None:
        missing = label.missing()
        if missing:
            where = ".".join(str(p) for p in path)
            found.append(Finding(policy.file, doc.line_of(path) if doc else None, where, missing))

    for rid, lab in labels.rules.items():
        check(("rules", rid), lab)
    for name, lab in labels.parameters.items():
        check(("parameters", name), lab)
    for name, bands in m.bands.items():
        for i, band in enumerate(bands.bands):
            check(("bands", name, "bands", i, "label"), _label(band.label, str(band.outcome)))
    for sname, kinds in labels.sanctions.items():
        used = set(labels._gravest_values.get(sname, {})) | set(m.schedules[sname].gravity)
        for kind, lab in kinds.items():
            if kind in used:
                check(("schedules", sname, "sanctions", kind), lab)
    for table, spec in m.inputs.items():
        check(("inputs", table, "label"), labels.inputs[table])
        for cname in spec.columns:
            entry = labels._columns[("in:" + table, cname)]
            check(("inputs", table, "columns", cname, "label"), entry.label)
            for code, lab in (entry.values or {}).items():
                check(("inputs", table, "columns", cname, "values", code), lab)
    for name, plan in policy.outputs.items():
        base: Path = ("outputs", name)
        check((*base, "label"), labels.outputs[name])
        for col in plan.columns:
            entry = labels._columns[(name, col.name)]
            if entry.own_label:
                check((*base, "columns", col.name, "label"), entry.label)
            for code, lab in (entry.values or {}).items():
                if code in entry.reported:  # stated here, or stated nowhere
                    check((*base, "columns", col.name, "values", code), lab)
        found += _clashes(policy, name, base)
    found.sort(key=lambda f: f.line or 0)
    return found


def _clashes(policy: Policy, name: str, base: Path) -> list[Finding]:
    """Visible columns of one output sharing a label: its CSV headers would repeat."""
    out = []
    for lang in LANGS:
        seen: dict[str, str] = {}
        for col in policy.outputs[name].visible:
            text = policy.labels.column(name, col.name).text(lang)
            other = seen.setdefault(text, col.name)
            if other != col.name:
                path = (*base, "columns", col.name, "label")
                line = policy.doc.line_of(path) if policy.doc else None
                out.append(Finding(policy.file, line, ".".join(map(str, path)), (lang,), text, other))
    return out
