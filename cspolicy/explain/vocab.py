"""The words of one output's formulas in one language: what each name is called, how each
value is shown, and how a band table's answer reads.

A name in a formula is, in this order: a column of the output computed earlier (it shadows
a source column of the same name), a name the ladder or rank step gives the row, a column
of the source (an input's or an earlier output's), a parameter, or a run value (``period``,
``as_of``). Its label comes from :class:`~cspolicy.planner.labels.PolicyLabels`, so a custom policy
without labels reads with its identifiers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from cspolicy.expressions.explain import Atom, Worded, comparison, exact_text, join_words
from cspolicy.i18n import Label, Lang, yes_no
from cspolicy.planner.plan import LADDER_NAMES, RANK_NAMES, BandBound, BandPlan, OutputPlan
from cspolicy.planner.policy import Policy
from cspolicy.text import format_plain
from cspolicy.values import ColumnType, Value

from .words import STEP_LABELS, say

__all__ = ["PolicyVocabulary"]

_RUN_TYPES = {"period": ColumnType.TEXT, "as_of": ColumnType.DATE}


class PolicyVocabulary:
    """Labels and values of one output's names in ``lang`` (a
    :class:`~cspolicy.expressions.explain.Vocabulary`).

    ``defined`` holds the output's columns computed so far; ``result`` is the column being
    explained (the labels of its values name its literal results); ``params`` are the run's
    parameter values (band bounds).
    """

    def __init__(self, policy: Policy, plan: OutputPlan, lang: Lang, params: Mapping[str, Value]) -> None:
        self.policy, self.plan, self._lang = policy, plan, lang
        self.labels = policy.labels
        self.params = params
        self.defined: set[str] = set()
        self.result: str | None = None
        self.sources = dict(plan.source_columns)
        self.columns = {c.name: c for c in plan.columns}

    @property
    def lang(self) -> str:
        return self._lang

    # -- names --------------------------------------------------------------------------------
    def where(self, name: str) -> str:
        """Which kind of name ``name`` is here: column, step, source, parameter or run."""
        if name in self.defined:
            return "column"
        if name in self.plan.step_names:
            return "step"
        if name in self.sources:
            return "source"
        if name in self.policy.parameters:
            return "parameter"
        return "run"

    def label(self, name: str) -> Label:
        kind = self.where(name)
        if kind == "column":
            return self.labels.column(self.plan.name, name)
        if kind == "source":
            table, from_input = self._joined_from(name)
            if from_input:
                return self.labels.input_column(table, name)
            return self.labels.column(table, name)
        if kind == "parameter":
            return self.labels.parameter(name)
        words = STEP_LABELS.get(name)
        return Label(name, words["zh"], words["en"]) if words else Label(name)

    def name(self, name: str) -> str:
        return self.label(name).text(self._lang)

    def ctype(self, name: str) -> ColumnType:
        kind = self.where(name)
        if kind == "column":
            return self.columns[name].ctype
        if kind == "step":
            return {**LADDER_NAMES, **RANK_NAMES, **self.plan.step_names}[name]
        if kind == "source":
            return self.sources[name]
        if kind == "parameter":
            return self.policy.parameters[name].type
        return _RUN_TYPES.get(name, ColumnType.TEXT)

    # -- values -------------------------------------------------------------------------------
    def value_labels(self, name: str | None) -> Mapping[str, Label] | None:
        """The labels of the codes ``name`` holds (None: free text, shown as it is)."""
        labels = self.labels
        if name is None:
            if self.result is None:
                return None
            return labels.values(self.plan.name, self.result) or {}
        kind = self.where(name)
        if kind == "column":
            return labels.values(self.plan.name, name)
        if kind == "step" and self.plan.ladder is not None and name in ("sanction", "gravest"):
            schedule = self.plan.ladder.schedule
            return _Sanctions(self.policy, schedule)
        if kind == "source":
            table, from_input = self._joined_from(name)
            return labels.values(table, name, from_input=from_input)
        return None

    def _joined_from(self, name: str) -> tuple[str, bool]:
        """The table a source column comes from: a join's side when a join brought it in
        under its own name (its labels are that table's), else the output's source."""
        for j in self.plan.joins:
            if any(new == name == theirs for new, theirs, _ in j.columns):
                return j.side, j.side_is_input
        return self.plan.source, self.plan.source_is_input

    def value(self, name: str | None, value: Value) -> str:
        if value is None:
            return say("empty", self._lang)
        if isinstance(value, bool):
            return yes_no(self._lang).get("yes" if value else "no", "yes" if value else "no")
        if isinstance(value, str):
            if value == "":
                return say("empty", self._lang)
            labels = self.value_labels(name)
            if labels is None:
                return value
            found = labels.get(value) or self.labels.vocabulary.get(value)
            return found.text(self._lang) if found is not None else value
        if name is not None and self.where(name) == "column" and isinstance(value, Decimal):
            column = self.columns[name]
            if column.rounding is None and column.ctype is not ColumnType.PERCENT:
                return exact_text(value)  # an exact step: no trailing zeros of the arithmetic
        ctype = self.ctype(name) if name is not None else None
        if ctype is None and self.result is not None:
            ctype = self.columns[self.result].ctype if self.result in self.columns else None
        return format_plain(value, ctype)

    # -- band tables --------------------------------------------------------------------------
    def call(self, func: str, args: Sequence[Value], phrases: Sequence[str]) -> Worded | None:
        if func == "param_at":
            return self._row_parameter(args)
        plan = self.policy.bands.get(func)
        if plan is None or len(args) != 1 or not isinstance(args[0], Decimal):
            return None
        x = args[0]
        outcomes = self.labels.band_outcomes.get(func, {})
        for band in plan.bands:
            if _contains(band, x, self.params):
                bounds = (band.above, band.at_least, band.below, band.at_most)
                shown = frozenset(b.parameter for b in bounds if b is not None and b.parameter is not None)
                return Worded(self._outcome(band.outcome, outcomes), (Atom(self._band(phrases[0], band), shown),), names=shown)
        text = say("no_band", self._lang, x=phrases[0])
        return Worded(self._outcome(plan.otherwise, outcomes), (Atom(text),))

    def _row_parameter(self, args: Sequence[Value]) -> Worded:
        """``param_at('min_wage', day, region)``: the value, and the date it took effect."""
        from cspolicy.row_parameters import day_of, resolver

        lang = self._lang
        name = str(args[0])
        got = resolver().get(name, day_of(args[1]), args[2] if len(args) > 2 and isinstance(args[2], str) else None)
        label = self.labels.parameter(name).text(lang)
        region = got.asked or got.region
        when = say("row_param_where", lang, r=region, d=str(got.day)) if region else say("row_param_when", lang, d=str(got.day))
        shown = format_plain(got.value, got.definition.type)
        if got.overridden:
            provenance = say("set", lang)
        else:
            provenance = say("in_force", lang, d=str(got.since)) + (say("region", lang, r=got.region) if got.region else "")
        why = say("row_param_why", lang, x=label, w=when, v=shown, p=provenance, s=got.source or "")
        return Worded(say("row_param", lang, x=label, w=when, v=shown), (Atom(why),))

    def _outcome(self, outcome: object, outcomes: Mapping[str, Label]) -> str:
        if isinstance(outcome, str):
            found = outcomes.get(outcome) or (self.value_labels(None) or {}).get(outcome) or Label(outcome)
            return found.text(self._lang)
        return exact_text(outcome) if isinstance(outcome, Decimal) else format_plain(outcome)  # type: ignore[arg-type]

    def _bound(self, bound: BandBound) -> str:
        if bound.parameter is not None:
            p = bound.parameter
            return f"{self.name(p)} {format_plain(self.params[p], self.policy.parameters[p].type)}"
        assert bound.number is not None
        return exact_text(bound.number)

    def _band(self, subject: str, band: BandPlan) -> str:
        lang = self._lang
        low = ("<", band.above) if band.above is not None else ("<=", band.at_least) if band.at_least is not None else None
        high = ("<", band.below) if band.below is not None else ("<=", band.at_most) if band.at_most is not None else None
        parts: list[str] = []
        if low is not None:
            op = ">" if low[0] == "<" else ">="
            parts.append(comparison(subject, op, self._bound(low[1]), lang))
        if high is not None:
            text = comparison(subject if low is None else "", high[0], self._bound(high[1]), lang).strip()
            parts.append(text.removeprefix("is ") if low is not None and lang == "en" else text)
        if not parts:
            return subject
        if lang == "zh":
            return join_words([parts[0], *(["且", parts[1]] if len(parts) > 1 else [])], lang)
        return " and ".join(parts)


def _contains(band: BandPlan, x: Decimal, params: Mapping[str, Value]) -> bool:
    def bound(b: BandBound | None) -> Decimal | None:
        if b is None:
            return None
        value = b.number if b.parameter is None else params[b.parameter]
        assert isinstance(value, Decimal)
        return value

    above, at_least, below, at_most = (bound(b) for b in (band.above, band.at_least, band.below, band.at_most))
    return (
        (above is None or x > above)
        and (at_least is None or x >= at_least)
        and (below is None or x < below)
        and (at_most is None or x <= at_most)
    )


class _Sanctions(Mapping[str, Label]):
    """The labels of a ladder's sanction kinds and their combinations (``fine+dismissal``)."""

    def __init__(self, policy: Policy, schedule: str) -> None:
        self.labels, self.schedule = policy.labels, schedule

    def __getitem__(self, code: str) -> Label:
        return self.labels.sanction(self.schedule, code)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
