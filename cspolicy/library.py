"""Policy catalogue and descriptions (what ``cspolicy list`` and ``show`` print)."""

from __future__ import annotations

from cspolicy.plan import BandBound, BandPlan
from cspolicy.policy import Policy, load_policy, shipped_policies
from cspolicy.schema.load import policy_json_schema, read_policy_model
from cspolicy.tables.writer import format_value

__all__ = ["policy_catalogue", "describe_policy", "load_policy", "policy_json_schema"]


def policy_catalogue() -> list[tuple[str, str]]:
    """(name, title) of every shipped policy."""
    out = []
    for name, path in shipped_policies().items():
        model, _ = read_policy_model(path, display_name=f"{name}.yaml")
        out.append((name, f"{model.title.zh} / {model.title.en}"))
    return out


def describe_policy(policy: Policy) -> str:
    """A plain-text description: rules, parameters (all dated values), inputs, outputs."""
    m = policy.model
    lines = [f"{m.name} — {m.title.zh} / {m.title.en} (family {m.family}, version {m.version})"]
    if m.description:
        lines.append(m.description.strip())
    lines.append("")
    lines.append("rules:")
    lines += [f"  {rid}: {text}" for rid, text in m.rules.items()]
    if policy.parameters:
        lines.append("")
        lines.append("parameters:")
        for name, p in policy.parameters.items():
            label = f" ({p.label})" if p.label != name else ""
            lines.append(f"  {name}{label}: {p.type.value}" + (f" [{p.rule}]" if p.rule else "") + f" — {p.description}")
            lines.append(f"    source: {p.source}")
            for v in sorted(p.values, key=lambda v: (v.since, v.region or "")):
                region = f" region {v.region}" if v.region else ""
                src = f"  ({v.source})" if v.source else ""
                lines.append(f"    from {v.since}{region}: {format_value(v.value, p.type)}{src}")
    for name, bp in policy.bands.items():
        lines.append("")
        lines.append(f"band table {name}(x)" + (f" [{bp.rule}]" if bp.rule else "") + ":")
        for band in bp.bands:
            lines.append(f"  {_band_text(band)} → {format_value(band.outcome, bp.outcome_type)}")  # type: ignore[arg-type]
        if bp.has_otherwise:
            lines.append(f"  otherwise → {format_value(bp.otherwise, bp.outcome_type)}")  # type: ignore[arg-type]
    for name, schedule in policy.schedules.items():
        lines.append("")
        lines.append(f"schedule {name} (gravity: {' < '.join(schedule.gravity)}):")
        for o in schedule:
            window = o.ladder.window.kind + (f" {o.ladder.window.days} days" if o.ladder.window.days else "")
            rungs = ", ".join(f"{i}. {r.describe()}" for i, r in enumerate(o.ladder.rungs, start=1))
            lines.append(
                f"  {o.code} {o.name_zh} / {o.name_en} [{o.rule}] per {window}: {rungs}"
                + ("" if o.ladder.after_last == "repeat" else "; then nothing")
            )
    for name, spec in policy.inputs.items():
        lines.append("")
        lines.append(f"input {name}:")
        for c in spec.columns:
            default = f", default {format_value(c.default, c.type)}" if c.default is not None else ""
            opt = "" if c.required else f" (optional{default})"
            rng = ""
            if c.minimum is not None or c.maximum is not None:
                lo = "" if c.minimum is None else format_value(c.minimum, c.type)
                hi = "" if c.maximum is None else format_value(c.maximum, c.type)
                rng = f" [{lo} … {hi}]"
            vals = f" one of {', '.join(c.values)}" if c.values else ""
            lines.append(f"  {c.name}: {c.type.value}{rng}{vals}{opt}; headers: {', '.join(c.headers)}")
    for name, plan in policy.outputs.items():
        lines.append("")
        how = f"grouped by {', '.join(plan.group_by)}" if plan.group_by else "one row per source row"
        lines.append(f"output {name} (from {plan.source}, {how}):")
        for oc in plan.columns:
            if oc.hidden:
                continue
            what = oc.expression.text if oc.expression is not None else f"{oc.agg}({oc.of.text if oc.of else ''})"
            rule = f" [{', '.join(oc.rules)}]" if oc.rules else ""
            rnd = f", round {oc.rounding[0]} places {oc.rounding[1]}" if oc.rounding else ""
            lines.append(f"  {oc.name} ({oc.ctype.value}{rnd}) = {' '.join(what.split())}{rule}")
    return "\n".join(lines)


def _band_text(band: BandPlan) -> str:
    def side(b: BandBound | None) -> str:
        assert b is not None
        return b.parameter if b.parameter is not None else format(b.number, "f")

    lo = f"{side(band.above)} < " if band.above else f"{side(band.at_least)} ≤ " if band.at_least else ""
    hi = f" < {side(band.below)}" if band.below else f" ≤ {side(band.at_most)}" if band.at_most else ""
    return f"{lo}x{hi}"
