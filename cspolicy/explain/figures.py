"""Each figure of an explained row in words: its label, rule IDs, arithmetic with the numbers
put in, the exact result and the one rounding step; the branch taken and why; the hidden
columns it rests on; then the source row as the file held it, the parameters and the rules.

A row of a grouped output names the rows behind each aggregate (the first
:data:`~cspolicy.explain.model.MEMBERS_SHOWN`, then "and N more") with their values.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from cspolicy.expressions import Expression
from cspolicy.expressions import nodes as n
from cspolicy.expressions.explain import exact_text, join_words, label_value, reasons_text
from cspolicy.i18n import Lang
from cspolicy.messages import translate
from cspolicy.planner.plan import ColumnPlan, JoinPlan, OutputPlan
from cspolicy.text import format_plain, percent_text
from cspolicy.values import ColumnType, Kind, Value

from .ladder import ladder_lines, rank_lines
from .model import Explanation, Line
from .vocab import PolicyVocabulary
from .window_lines import window_lines
from .words import listing, rounding_words, say

if TYPE_CHECKING:
    from cspolicy.explain.trace import GroupFacts, Trace

__all__ = ["Renderer"]

_CONDITION_NODES = (n.Compare, n.Logic, n.Not)


class Renderer:
    """Puts one :class:`~cspolicy.explain.trace.Trace` into words in one language."""

    def __init__(self, trace: Trace, lang: Lang) -> None:
        self.trace, self.lang = trace, lang
        self.policy = trace.policy
        self.plan: OutputPlan = self.policy.outputs[trace.output]
        self.labels = self.policy.labels
        self.params = {name: p.value for name, p in trace.parameters.items()}
        self.vocab = PolicyVocabulary(self.policy, self.plan, lang, self.params)
        self.names = [c.name for c in self.plan.columns]
        self.lines: list[Line] = []
        self.shown: set[int] = set()
        self.used: set[str] = set()
        self.rules: list[str] = []
        #: Source columns left blank for which a formula used another value, as shown.
        self.fallbacks: dict[str, str] = {}

    # -- the whole explanation ----------------------------------------------------------------
    def explanation(self) -> Explanation:
        trace, plan = self.trace, self.plan
        key = self.key_text()
        if trace.group is not None:
            origin = self.group_origin(trace.group)
            count = trace.group.count
            rows = "row" if count == 1 else "rows"
            title = say("title_group", self.lang, o=self.output_name(), k=key, f=origin, n=f"{count:,}", rows=rows)
        elif trace.row:
            title = say("title_row", self.lang, o=self.output_name(), k=key, f=trace.file, n=str(trace.row))
        else:
            title = say("title_plain", self.lang, o=self.output_name(), k=key)
        self.lines.append(Line(title, 0, "title"))
        for i, c in enumerate(plan.columns):
            if not c.hidden and not self.copies_source(i):
                self.column(i, 1)
        if trace.ladder is not None or trace.rank is not None:
            if trace.ladder is not None:
                self.lines += ladder_lines(self)
            if trace.rank is not None:
                self.lines += rank_lines(self)
        if trace.windows:
            self.lines += window_lines(self)
        for message in trace.warnings:
            self.lines.append(Line(say("warning", self.lang, m=translate(message, self.lang)), 1, "warning"))
        if trace.group is None:
            self.inputs()
        self.parameters()
        return Explanation(plan.name, key, self.lang, tuple(self.lines))

    def output_name(self) -> str:
        label = self.labels.outputs[self.plan.name].text(self.lang)
        return label if self.lang == "zh" or label == self.plan.name else f"{label} ({self.plan.name})"

    def key_text(self) -> str:
        """The row's key: its key columns' values (labelled), or the group's keys."""
        trace, plan = self.trace, self.plan
        self.vocab.defined = set(self.names)
        self.vocab.result = None
        columns = plan.key or plan.group_by or ()
        parts = [self.vocab.value(c, trace.out[self.names.index(c)]) for c in columns if c in self.names]
        if parts:
            return " / ".join(parts)
        if trace.group is not None:
            return say("total", self.lang)
        return say("row_ref", self.lang, n=str(trace.row)) if trace.row else plan.name

    def copies_source(self, i: int) -> bool:
        """Column ``i`` only repeats a source column or a group key (shown elsewhere)."""
        c = self.plan.columns[i]
        name = _bare(c.expression)
        earlier = set(self.names[:i])
        return name is not None and name not in earlier and name in self.vocab.sources and name not in self.plan.step_names

    # -- one figure ---------------------------------------------------------------------------
    def scope(self, i: int) -> dict[str, Value]:
        """What column ``i``'s formula reads: the trace's values and the columns before it."""
        env = dict(self.trace.env)
        env.update(zip(self.names[:i], self.trace.out[:i]))
        self.vocab.defined = set(self.names[:i])
        return env

    def head(self, c: ColumnPlan, value: Value, *, hidden: bool) -> str:
        self.vocab.defined = set(self.names)
        self.vocab.result = c.name
        label = self.labels.column(self.plan.name, c.name).text(self.lang)
        if hidden:
            ident = "" if self.lang == "zh" or label == c.name else f"{c.name}, "
            label = say("where", self.lang, x=label, id=ident)
        elif self.lang == "en" and label != c.name:
            label = f"{label} ({c.name})"
        shown = format_plain(value, c.ctype) if isinstance(value, Decimal) else self.vocab.value(c.name, value)
        if self.lang == "en" and isinstance(value, str) and value and shown != value:
            shown = f"{shown} ({value})"
        for rid in c.rules:
            if rid not in self.rules:
                self.rules.append(rid)
        rules = f" [{', '.join(c.rules)}]" if c.rules else ""
        return f"{label} = {shown}{rules}"

    def column(self, i: int, depth: int) -> None:
        """The line of column ``i``, then (deeper) the hidden columns its formula reads."""
        self.shown.add(i)
        c = self.plan.columns[i]
        value = self.trace.out[i]
        head = self.head(c, value, hidden=c.hidden)
        # an aggregate reads the source rows, not the earlier columns
        text, reads = (self.aggregate(i), frozenset[str]()) if c.agg is not None else self.formula(i)
        colon = "：" if self.lang == "zh" else ": "
        kind = "step" if c.hidden else "figure"
        self.lines.append(Line(head + (colon + text if text else ""), depth, kind, c.name))
        for k in range(i):
            if self.names[k] in reads and self.plan.columns[k].hidden and k not in self.shown:
                self.column(k, depth + 1)

    def formula(self, i: int) -> tuple[str, frozenset[str]]:
        """Column ``i``'s formula in words, and the names the words show."""
        c = self.plan.columns[i]
        assert c.expression is not None
        expr = c.expression
        env = self.scope(i)
        self.vocab.result = c.name
        name = _bare(expr)
        if name is not None and self.vocab.where(name) == "step":
            return "", frozenset()
        worded = expr.words(env, self.vocab)
        self.note_used(worded.names)
        self.note_rules(expr)
        self.fallbacks.update(worded.fallbacks)
        if isinstance(expr.tree, _CONDITION_NODES) or (isinstance(expr.tree, n.Call) and expr.tree.func == "present"):
            return reasons_text(worded.reasons, self.lang), worded.names
        exact = expr.evaluate(env)
        if exact is None and worded.reasons:  # a blank figure: why, and nothing to compute
            return say("so_blank", self.lang, r=reasons_text(worded.reasons, self.lang)), worded.names
        text = worded.phrase
        if not worded.single:
            text += f" = {self.exact(exact, c.ctype)}"
        text += self.rounding(c, exact, self.trace.out[i], single=worded.single)
        if worded.reasons:
            so = "so" if isinstance(exact, (Decimal, type(None))) else "so_is"
            return say(so, self.lang, r=reasons_text(worded.reasons, self.lang), p=text), worded.names
        return text, worded.names

    def exact(self, value: Value, ctype: ColumnType) -> str:
        if isinstance(value, Decimal):
            return percent_text(value) if ctype is ColumnType.PERCENT else exact_text(value)
        return self.vocab.value(None, value)

    def rounding(self, c: ColumnPlan, exact: Value, rounded: Value, *, single: bool) -> str:
        if c.rounding is None or c.ctype.kind is not Kind.NUMBER or not isinstance(exact, Decimal):
            return ""
        changed = exact != rounded
        if single and not changed:
            return ""
        return rounding_words(*c.rounding, self.lang, format_plain(rounded, c.ctype) if changed else None)

    def note_used(self, names: Iterable[str]) -> None:
        """The parameters among ``names`` (the names an explanation shows) are listed."""
        for name in names:
            if name in self.params and self.vocab.where(name) == "parameter":
                self.used.add(name)

    def note_rules(self, expr: Expression) -> None:
        for func in expr.functions_used:
            band = self.policy.bands.get(func)
            if band is not None and band.rule and band.rule not in self.rules:
                self.rules.append(band.rule)

    # -- aggregates ---------------------------------------------------------------------------
    def aggregate(self, i: int) -> str:
        group = self.trace.group
        c = self.plan.columns[i]
        assert group is not None and c.agg is not None
        slot = sum(1 for col in self.plan.columns[:i] if col.agg is not None)
        exact = group.results[slot]
        self.vocab.defined = set()
        self.vocab.result = None
        for expr in (c.of, c.by):
            if expr is not None:
                self.note_used(expr.names)
        x = self.template(c.of) if c.of is not None else ""
        y = self.template(c.by) if c.by is not None else ""
        how = say(c.agg, self.lang, x=x, y=y)
        refs = [self.member_ref(origin, row) for origin, row in group.members]
        more = group.count - len(group.members)
        if c.agg == "count":
            items = refs
        else:
            assert c.of is not None
            values = [self.member_value(c.of, row) for _, row in group.members]
            if c.agg == "count_true":
                items = [ref for ref, (_, raw) in zip(refs, values, strict=True) if raw]
            else:
                items = [self.item(text, ref) for ref, (text, _) in zip(refs, values, strict=True)]
        if c.agg == "sum":
            listed = " + ".join(items) + (f" + {say('more_sum', self.lang, n=f'{more:,}')}" if more > 0 else "")
            text = f"{how}{'：' if self.lang == 'zh' else ': '}{listed or '0'} = {self.exact(exact, c.ctype)}"
        else:
            listed = listing(items, self.lang)
            if more > 0 and c.agg != "count_true":
                listed += ("" if self.lang == "zh" else ", ") + say("more", self.lang, n=f"{more:,}")
            text = f"{how}{'：' if self.lang == 'zh' else ': '}{listed}" if listed else how
        return text + self.rounding(c, exact, self.trace.out[i], single=True)  # said only if it changed the figure

    def template(self, expr: Expression) -> str:
        name = _bare(expr)
        return self.vocab.name(name) if name is not None else expr.template(self.vocab)

    def item(self, value: str, ref: str) -> str:
        return join_words([value, f"（{ref}）"], "zh") if self.lang == "zh" else f"{value} ({ref})"

    def member_env(self, row: tuple[Value, ...]) -> dict[str, Value]:
        env = {k: v for k, v in self.trace.env.items() if k not in self.vocab.sources}
        env.update(zip(self.vocab.sources, row))
        return env

    def member_value(self, expr: Expression, row: tuple[Value, ...]) -> tuple[str, Value]:
        value = expr.evaluate(self.member_env(row))
        name = _bare(expr)
        if name is not None:
            return self.vocab.value(name, value), value
        if isinstance(value, Decimal):
            return exact_text(value), value
        return self.vocab.value(None, value), value

    def member_ref(self, origin: int, row: tuple[Value, ...]) -> str:
        if origin:
            return say("row_ref", self.lang, n=str(origin))
        source = self.policy.outputs.get(self.plan.source)
        keys = (source.key or source.group_by or ()) if source is not None else ()
        names = list(self.vocab.sources)
        parts = [self.vocab.value(k, row[names.index(k)]) for k in keys if k in names]
        return " / ".join(parts) or say("total", self.lang)

    def group_origin(self, group: GroupFacts) -> str:
        if self.trace.file and any(origin for origin, _ in group.members):
            return self.trace.file
        if self.plan.source_is_input:
            return self.trace.file or self.labels.inputs[self.plan.source].text(self.lang)
        return self.labels.outputs[self.plan.source].text(self.lang)

    # -- the source row, parameters, rules ----------------------------------------------------
    def inputs(self) -> None:
        trace, plan = self.trace, self.plan
        self.vocab.defined = set()
        self.vocab.result = None
        items = []
        if plan.source_is_input:
            columns: Iterable[str] = self.vocab.sources
        else:
            read = set().union(*(e.names for c in plan.columns for e in (c.expression, c.of) if e is not None))
            columns = [name for name in self.vocab.sources if name in read]
        spec = self.policy.inputs.get(plan.source) if plan.source_is_input else None
        joined = {new for j in plan.joins for new, _, _ in j.columns}
        for name in [c for c in columns if c not in joined]:
            label = self.vocab.name(name)
            value = trace.env.get(name)
            header = trace.headers.get(name)
            note = say("header", self.lang, h=header) if header and header not in (label, name) else ""
            if name in trace.defaulted:
                how = "defaulted_given" if trace.cells is None else "defaulted" if name in trace.cells else "absent"
                default = format_plain(value, spec.column(name).type if spec else None)
                items.append(say(how, self.lang, x=label + note, v=default))
                continue
            blank = value is None or (trace.cells is not None and not trace.cells.get(name, "").strip())
            if blank and name in self.fallbacks:
                items.append(say("defaulted", self.lang, x=label + note, v=self.fallbacks[name]))
                continue
            if trace.cells is not None and name not in trace.cells:
                shown = say("no_column", self.lang)
            elif trace.cells is not None:
                shown = trace.cells[name].strip() or say("empty", self.lang)
            else:
                shown = self.vocab.value(name, value)
            items.append(label_value(label, shown, self.lang) + note)
        if not items:
            return
        sep = "，" if self.lang == "zh" else ", "
        if plan.source_is_input:
            text = say("inputs" if trace.cells is not None else "inputs_given", self.lang, x=sep.join(items))
        else:
            text = say("from_output", self.lang, o=self.labels.outputs[plan.source].text(self.lang), x=sep.join(items))
        self.lines.append(Line(text, 1, "inputs"))
        for j in plan.joins:
            self.joined(j, sep)

    def joined(self, j: JoinPlan, sep: str) -> None:
        """The columns a join brought in: which table, matched on which key (issue 16)."""
        env, lang = self.trace.env, self.lang
        side = (self.labels.inputs if j.side_is_input else self.labels.outputs)[j.side].text(lang)
        key = sep.join(label_value(self.vocab.name(k), self.vocab.value(k, env.get(k)), lang) for k in j.on)
        # a lookup join always matched (else the row was refused): blanks there are the row's
        if j.how != "lookup" and all(env.get(new) is None for new, _, _ in j.columns):
            self.lines.append(Line(say("joined_none", lang, o=side, k=key), 1, "inputs"))
            return
        items = [label_value(self.vocab.name(new), self.vocab.value(new, env.get(new)), lang) for new, _, _ in j.columns]
        self.lines.append(Line(say("joined", lang, o=side, k=key, x=sep.join(items)), 1, "inputs"))

    def parameters(self) -> None:
        lang = self.lang
        if self.used:
            self.lines.append(Line(say("parameters", lang), 1, "heading"))
        for name in sorted(self.used):
            p = self.trace.parameters[name]
            d = p.definition
            if p.overridden:
                provenance = say("set", lang)
            else:
                provenance = say("in_force", lang, d=str(p.since)) + (say("region", lang, r=p.region) if p.region else "")
            label = self.labels.parameter(name).text(lang)
            if label != name:
                label += f"（{name}）" if lang == "zh" else f" ({name})"
            text = say("parameter", lang, x=label, v=format_plain(p.value, d.type), p=provenance, s=d.source)
            self.lines.append(Line(text, 2, "parameter"))
        if self.rules:
            self.lines.append(Line(say("rules", lang), 1, "heading"))
        for rid in self.rules:
            self.lines.append(Line(f"{rid}{'：' if lang == 'zh' else ': '}{self.labels.rule(rid).text(lang)}", 2, "rule"))


def _bare(expr: Expression | None) -> str | None:
    """The name a formula merely is (``station``), else None."""
    if expr is None:
        return None
    return expr.tree.name if isinstance(expr.tree, n.Name) else None
