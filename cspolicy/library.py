"""Policy catalogue and descriptions (what ``cspolicy list`` and ``show`` print)."""

from __future__ import annotations

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
    for name, spec in policy.inputs.items():
        lines.append("")
        lines.append(f"input {name}:")
        for c in spec.columns:
            opt = "" if c.required else " (optional" + (f", default {format_value(c.default, c.type)}" if c.default is not None else "") + ")"
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
