"""Explanations: how every figure of a row was produced, in plain words.

The fast path never traces (no cost per row). When ``--explain KEY`` names rows, those rows
are evaluated a second time by the formula interpreter, which gives the same values and
can show each step: the formula with the inputs and parameters substituted, the exact
result, the single rounding, the rule IDs, the input cells and every parameter's value with
the date it took effect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cspolicy.expressions import RUNTIME_ERRORS, Expression, format_plain
from cspolicy.parameters import ResolvedParameter
from cspolicy.plan import ColumnPlan, OutputPlan
from cspolicy.values import ColumnType, Value

_ROW_ERRORS: tuple[type[BaseException], ...] = (*RUNTIME_ERRORS, ValueError, LookupError)

__all__ = ["Trace", "ColumnTrace", "explain_row", "explain_group", "rounding_words"]

_MODE_WORDS = {
    "ceiling": "rounded up",
    "floor": "rounded down",
    "up": "rounded away from zero",
    "down": "truncated",
    "half_up": "rounded half up",
    "half_even": "rounded half to even",
    "half_down": "rounded half down",
}


_AGG_WORDS = {"count": "count of rows", "count_true": "count", "all": "all", "any": "any", "max_by": "value", "min_by": "value"}


@dataclass(frozen=True)
class ColumnTrace:
    name: str
    text: str


@dataclass
class Trace:
    """The explanation of one output row."""

    output: str
    key: str
    origin: str
    columns: list[ColumnTrace] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)
    #: The warnings this row (or group) gave (an output's ``warnings:`` rules).
    warnings: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"{self.output} · {self.key}" + (f" ({self.origin})" if self.origin else "")]
        lines += [f"  {c.text}" for c in self.columns]
        lines += [f"  warning: {w}" for w in self.warnings]
        if self.inputs:
            lines.append("  inputs: " + ", ".join(self.inputs))
        if self.parameters:
            lines.append("  parameters:")
            lines += [f"    {p}" for p in self.parameters]
        if self.rules:
            lines.append("  rules:")
            lines += [f"    {rid}: {text}" for rid, text in self.rules.items()]
        return "\n".join(lines)


def rounding_words(c: ColumnPlan, exact: Value, rounded: Value) -> str:
    if c.rounding is None or c.ctype.kind.value != "number" or exact is None:
        return ""
    places, mode = c.rounding
    words = _MODE_WORDS[mode] + ("" if places == 0 else f" to {places} decimal places")
    if exact == rounded:  # nothing changed: say how, not the same figure again
        return f", {words}"
    return f", {words} to {format_plain(rounded, c.ctype)}"


def _column_sentence(c: ColumnPlan, expr: Expression, env: Mapping[str, Value], value: Value) -> str:
    shown = format_plain(value, c.ctype)
    rule = f" [{', '.join(c.rules)}]" if c.rules else ""
    if expr.text.strip() in env or expr.text.strip() == c.name:  # a bare reference: just the value
        return f"{c.name} = {shown}{rule}"
    try:
        exact = expr.evaluate(env)
    except _ROW_ERRORS as exc:  # pragma: no cover - a failing row is never emitted
        return f"{c.name}: {expr.explain(env)} fails: {exc}"
    exact_shown = _exact_text(exact, c.ctype)
    if exact is None:  # why it is blank (ratio by 0 …), when a function says
        reasons = expr.blank_reasons(env)
        exact_shown += f" ({'; '.join(reasons)})" if reasons else ""
    return f"{c.name} = {shown}: {expr.explain_taken(env)} = {exact_shown}{rounding_words(c, exact, value)}{rule}"


def _exact_text(value: Value, ctype: ColumnType) -> str:
    """An unrounded figure without meaningless trailing zeros (12200.0000 → 12200)."""
    from decimal import Decimal

    if isinstance(value, Decimal) and ctype is not ColumnType.PERCENT:
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    return format_plain(value, ctype)


def explain_row(
    plan: OutputPlan,
    params: Mapping[str, ResolvedParameter],
    env: dict[str, Value],
    out: Sequence[Value],
    origin: str,
    rules: Mapping[str, str],
    headers: Mapping[str, str] | None = None,
) -> Trace:
    """Explain one row of a row-wise output; ``env`` holds source, step and parameter values."""
    key = " / ".join(format_plain(out[_index(plan, k)], plan.columns[_index(plan, k)].ctype) for k in plan.key) or "row"
    trace = Trace(plan.name, key, origin)
    used: set[str] = set()
    for i, c in enumerate(plan.columns):
        assert c.expression is not None
        used |= c.expression.names
        if not c.hidden:
            trace.columns.append(ColumnTrace(c.name, _column_sentence(c, c.expression, env, out[i])))
        env[c.name] = out[i]
    trace.inputs = [
        f"{n}={format_plain(env.get(n), t)}" + (f" ({headers[n]})" if headers and headers.get(n, n) != n else "")
        for n, t in plan.source_columns
        if n in used
    ]
    _add_parameters(trace, plan, params, used, rules)
    return trace


def explain_group(
    plan: OutputPlan,
    params: Mapping[str, ResolvedParameter],
    key: Sequence[Value],
    out: Sequence[Value],
    rules: Mapping[str, str],
    count_hint: str = "",
    values: Mapping[str, Value] | None = None,
) -> Trace:
    """Explain one row of a grouped output: its aggregates, then its formulas; ``values``
    are the run's parameter and run values (``period``, ``given('…')``) its formulas read."""
    label = (
        " / ".join(
            "" if k is None else format_plain(k, ColumnType.TEXT if isinstance(k, str) else ColumnType.DECIMAL) for k in key
        )
        or "total"
    )
    trace = Trace(plan.name, label, count_hint)
    env: dict[str, Value] = dict(values) if values is not None else {n: p.value for n, p in params.items()}
    env.update(zip(plan.group_by or (), key))
    used: set[str] = set()
    for i, c in enumerate(plan.columns):
        rule = f" [{', '.join(c.rules)}]" if c.rules else ""
        if c.agg is not None:
            of = f" of {c.of.text}" if c.of is not None else ""
            by = f" by {c.by.text}" if c.by is not None else ""
            how = _AGG_WORDS.get(c.agg, c.agg)
            text = f"{c.name} = {format_plain(out[i], c.ctype)}: {how}{of}{by} over the group's rows{rule}"
            if c.of is not None:
                used |= c.of.names
        else:
            assert c.expression is not None
            used |= c.expression.names
            text = _column_sentence(c, c.expression, env, out[i])
        if not c.hidden:
            trace.columns.append(ColumnTrace(c.name, text))
        env[c.name] = out[i]
    _add_parameters(trace, plan, params, used, rules)
    return trace


def _add_parameters(
    trace: Trace, plan: OutputPlan, params: Mapping[str, ResolvedParameter], used: set[str], rules: Mapping[str, str]
) -> None:
    for name in sorted(used & set(params)):
        p = params[name]
        d = p.definition
        label = f"{d.label} ({name})" if d.label != name else name
        trace.parameters.append(f"{label} = {format_plain(p.value, d.type)}, {p.provenance}; source: {d.source}")
    for c in plan.columns:
        for rid in c.rules:
            trace.rules.setdefault(rid, rules.get(rid, ""))


def _index(plan: OutputPlan, name: str) -> int:
    return [c.name for c in plan.columns].index(name)
