"""What ``cspolicy show`` prints: a policy described in Chinese or English.

Identifiers stay beside their labels in both languages (``monthly_qty 下月申请数量``), since
formulas, ``--set`` and ``--only`` use the identifiers. Formulas are shown as written.
"""

from __future__ import annotations

from cspolicy.blocks.ladders import Action, Rung
from cspolicy.i18n import Label, Lang
from cspolicy.planner.plan import BandBound, BandPlan
from cspolicy.planner.policy import Policy
from cspolicy.text import format_value, plain_number
from cspolicy.values import ColumnType

__all__ = ["describe_policy", "TYPE_NAMES"]

#: Column types as ``show`` names them in Chinese (English uses the type's own name).
TYPE_NAMES = {
    ColumnType.TEXT: "文本",
    ColumnType.INTEGER: "整数",
    ColumnType.DECIMAL: "小数",
    ColumnType.PERCENT: "百分比",
    ColumnType.MONEY: "金额",
    ColumnType.QUANTITY: "数量",
    ColumnType.DATE: "日期",
    ColumnType.BOOLEAN: "是/否",
    ColumnType.ENUM: "枚举",
    ColumnType.DATETIME: "日期时间",
    ColumnType.DURATION: "时长（秒）",
    ColumnType.PERIOD: "月份",
}
_MODES = {
    "half_up": "四舍五入",
    "half_even": "四舍六入五成双",
    "half_down": "五舍六入",
    "up": "远离零进位",
    "down": "向零截断",
    "ceiling": "向上取整",
    "floor": "向下取整",
}
_WINDOWS = {"day": "每天", "week": "每周", "month": "每月", "year": "每年", "ever": "不限期"}
#: The fixed words of the description, in each language.
_WORDS: dict[str, dict[Lang, str]] = {
    "family": {"zh": "类别 {0}，版本 {1}", "en": "family {0}, version {1}"},
    "rules": {"zh": "规则：", "en": "rules:"},
    "parameters": {"zh": "参数：", "en": "parameters:"},
    "source": {"zh": "来源：", "en": "source: "},
    "from": {"zh": "自 {0} 起{1}：", "en": "from {0}{1}: "},
    "region": {"zh": "（地区 {0}）", "en": " region {0}"},
    "band": {"zh": "分档表 {0}(x){1}：", "en": "band table {0}(x){1}:"},
    "otherwise": {"zh": "其他", "en": "otherwise"},
    "schedule": {"zh": "处罚表 {0}（由轻到重：{1}）：", "en": "schedule {0} (gravity: {1}):"},
    "rung": {"zh": "第{0}次 {1}", "en": "{0}. {1}"},
    "then_nothing": {"zh": "；此后不再处罚", "en": "; then nothing"},
    "table": {"zh": "查找表 {0}（键 {1}，{2} 行）：", "en": "lookup table {0} (key {1}, {2} rows):"},
    "input": {"zh": "输入 {0}：", "en": "input {0}:"},
    "optional input": {"zh": "输入 {0}（可不提供）：", "en": "input {0} (optional: a run may go without it):"},
    "component output": {"zh": "组成部分的输出 {0}（由 {1} 计算）：", "en": "component output {0} (computed by {1}):"},
    "optional": {"zh": "（可不填{0}）", "en": " (optional{0})"},
    "default": {"zh": "，默认 {0}", "en": ", default {0}"},
    "one_of": {"zh": "，取值 {0}", "en": " one of {0}"},
    "headers": {"zh": "；表头：", "en": "; headers: "},
    "output": {"zh": "输出 {0}（来自 {1}，{2}）：", "en": "output {0} (from {1}, {2}):"},
    "per_row": {"zh": "每行对应一行来源", "en": "one row per source row"},
    "join": {"zh": "连接 {0}（{1}，按 {2}）：{3}", "en": "join {0} ({1}, on {2}): {3}"},
    "join_left": {"zh": "无匹配则为空", "en": "left: blanks when no row matches"},
    "join_inner": {"zh": "无匹配则去掉该行", "en": "inner: rows without a match are left out"},
    "join_lookup": {"zh": "必须恰有一行匹配", "en": "lookup: exactly one row must match"},
    "grouped": {"zh": "按 {0} 分组", "en": "grouped by {0}"},
    "where": {"zh": "只取满足 {0} 的行", "en": "only the rows where {0}"},
    "internal": {"zh": "中间步骤：只在 --only 指名时写出", "en": "an internal step: written only when named with --only"},
    "rounding": {"zh": "，保留 {0} 位小数、{1}", "en": ", round {0} places {1}"},
    "values": {"zh": "取值：", "en": "values: "},
    "hidden": {"zh": "（中间步骤，表中不列出）", "en": " (hidden: a step not in the table)"},
    "preset": {"zh": "  预设 {0}（{1}）：", "en": "  preset {0} ({1}): "},
}
_SEP: dict[Lang, str] = {"zh": "、", "en": ", "}


def _w(key: str, lang: Lang, *args: object) -> str:
    return _WORDS[key][lang].format(*args)


def _named(ident: str, label: Label, lang: Lang) -> str:
    """``loss (loss allowance)`` in English, ``loss 物料损耗率`` in Chinese; the identifier
    alone when the label adds nothing."""
    text = label.text(lang)
    if text == ident:
        return ident
    return f"{ident} {text}" if lang == "zh" else f"{ident} ({text})"


def _type(ctype: ColumnType, lang: Lang) -> str:
    return TYPE_NAMES[ctype] if lang == "zh" else ctype.value


def _colon(lang: Lang) -> str:
    return "：" if lang == "zh" else ": "


def describe_policy(policy: Policy, lang: Lang = "en") -> str:
    """A plain-text description: rules, parameters (all dated values), band tables,
    schedules, inputs, outputs; with the policy's labels in ``lang``."""
    m, labels = policy.model, policy.labels
    title = f"{m.title.zh}" if lang == "zh" else f"{m.title.zh} / {m.title.en}"
    family = _w("family", lang, m.family, m.version)
    lines = [f"{m.name} — {title}" + (f"（{family}）" if lang == "zh" else f" ({family})")]
    if m.description:
        lines.append(m.description.strip())
    lines += ["", _w("rules", lang)]
    lines += [f"  {rid}{_colon(lang)}{labels.rule(rid).text(lang)}" for rid in m.rules]
    if policy.parameters:
        lines += ["", _w("parameters", lang)]
        for name, p in policy.parameters.items():
            rule = f" [{p.rule}]" if p.rule else ""
            if p.per_row:  # read for each row's own date and region (cspolicy.planner.row_parameters)
                rule += f"，逐行取值：param_at('{name}', …)" if lang == "zh" else f", per row: param_at('{name}', …)"
            head = f"  {_named(name, labels.parameter(name), lang)}{_colon(lang)}{_type(p.type, lang)}{rule}"
            lines.append(f"{head} — {p.description}")
            lines.append(f"    {_w('source', lang)}{p.source}")
            for v in sorted(p.values, key=lambda v: (v.since, v.region or "")):
                region = _w("region", lang, v.region) if v.region else ""
                src = f"  ({v.source})" if v.source else ""
                lines.append(f"    {_w('from', lang, v.since, region)}{format_value(v.value, p.type)}{src}")
    for name, bp in policy.bands.items():
        lines += ["", _w("band", lang, name, f" [{bp.rule}]" if bp.rule else "")]
        outcomes = labels.band_outcomes.get(name, {})
        for band in bp.bands:
            lines.append(f"  {_band_text(band)} → {_outcome(band.outcome, bp.outcome_type, outcomes, lang)}")
        if bp.has_otherwise:
            lines.append(f"  {_w('otherwise', lang)} → {_outcome(bp.otherwise, bp.outcome_type, outcomes, lang)}")
    for name, schedule in policy.schedules.items():
        kinds = labels.sanctions.get(name, {})
        gravity = " < ".join(kinds[k].text(lang) if lang == "zh" else k for k in schedule.gravity)
        lines += ["", _w("schedule", lang, name, gravity)]
        for o in schedule:
            window = o.ladder.window
            if lang == "zh":
                per = f"滚动 {window.days} 天" if window.kind == "rolling" else _WINDOWS.get(window.kind, window.kind)
                head = f"  {o.code} {o.name_zh or o.name_en} [{o.rule}] {per}："
            else:
                per = window.kind + (f" {window.days} days" if window.days else "")
                head = f"  {o.code} {o.name_zh} / {o.name_en} [{o.rule}] per {per}: "
            rungs = _SEP[lang].join(_w("rung", lang, i, _rung(r, kinds, lang)) for i, r in enumerate(o.ladder.rungs, start=1))
            lines.append(head + rungs + ("" if o.ladder.after_last == "repeat" else _w("then_nothing", lang)))
    for name, table in policy.tables.items():
        lines += ["", _w("table", lang, name, table.key, len(table.rows))]
        for key, row in table.rows.items():
            cells = [f"{c}={format_value(v, table.columns[c].type)}" for c, v in row.items() if c != table.key and v is not None]
            lines.append(f"  {key}{_colon(lang)}{', '.join(cells)}")
    for name, spec in policy.inputs.items():
        part = policy.components.get(name.split(".")[0]) if "." in name else None
        if part is not None:  # a bundle's table: a component's output
            lines += ["", _w("component output", lang, _named(name, labels.inputs[name], lang), part.ref)]
        else:
            lines += ["", _w("optional input" if spec.optional else "input", lang, _named(name, labels.inputs[name], lang))]
        for c in spec.columns:
            default = _w("default", lang, format_value(c.default, c.type)) if c.default is not None else ""
            opt = "" if c.required else _w("optional", lang, default)
            rng = ""
            if c.minimum is not None or c.maximum is not None:
                lo = "" if c.minimum is None else format_value(c.minimum, c.type)
                hi = "" if c.maximum is None else format_value(c.maximum, c.type)
                rng = f" [{lo} … {hi}]"
            vals = ""
            values = labels.values(name, c.name, from_input=True)
            if values:
                vals = _w("one_of", lang, _SEP[lang].join(_named(k, lab, lang) for k, lab in values.items()))
            head = f"  {_named(c.name, labels.input_column(name, c.name), lang)}{_colon(lang)}"
            lines.append(f"{head}{_type(c.type, lang)}{rng}{vals}{opt}{_w('headers', lang)}{_SEP[lang].join(c.headers)}")
        for preset in spec.presets:  # real exports' headers (cspolicy.tables.presets)
            mapped = _SEP[lang].join(f"{m.column}={m.header}" for m in preset.columns)
            lines.append(_w("preset", lang, preset.name, preset.source) + mapped)
    for name, plan in policy.outputs.items():
        how = _w("grouped", lang, ", ".join(plan.group_by)) if plan.group_by else _w("per_row", lang)
        lines += ["", _w("output", lang, _named(name, labels.outputs[name], lang), plan.source, how)]
        if plan.internal:
            lines.append("  " + _w("internal", lang))
        if plan.where is not None:
            lines.append("  " + _w("where", lang, " ".join(plan.where.text.split())))
        for j in plan.joins:
            brought = ", ".join(new if new == theirs else f"{new} = {theirs}" for new, theirs, _ in j.columns)
            lines.append("  " + _w("join", lang, j.side, _w("join_" + j.how, lang), ", ".join(j.on), brought))
        windows = {w.name: w.text for w in plan.windows}
        for oc in plan.columns:  # hidden columns too: the steps a figure rests on, marked
            what = oc.expression.text if oc.expression is not None else f"{oc.agg}({oc.of.text if oc.of else ''})"
            what = windows.get(oc.name, what)
            rule = f" [{', '.join(oc.rules)}]" if oc.rules else ""
            rnd = ""
            if oc.rounding:
                places, mode = oc.rounding
                rnd = _w("rounding", lang, places, _MODES.get(mode, mode) if lang == "zh" else mode)
            hidden = _w("hidden", lang) if oc.hidden else ""
            head = f"  {_named(oc.name, labels.column(name, oc.name), lang)}{hidden}{_colon(lang)}"
            lines.append(f"{head}{_type(oc.ctype, lang)}{rnd} = {' '.join(what.split())}{rule}")
            values = labels.values(name, oc.name)
            if values:
                shown = ("；" if lang == "zh" else ", ").join(_named(k, lab, lang) for k, lab in values.items())
                lines.append(f"    {_w('values', lang)}{shown}")
    return "\n".join(lines)


def _outcome(value: object, ctype: ColumnType, outcomes: dict[str, Label], lang: Lang) -> str:
    text = format_value(value, ctype)  # type: ignore[arg-type]
    label = outcomes.get(text)
    return _named(text, label, lang) if label is not None else text


def _rung(rung: Rung, kinds: dict[str, Label], lang: Lang) -> str:
    if lang == "en":
        return rung.describe()
    return " + ".join(_action(a, kinds) for a in rung.actions)


def _action(action: Action, kinds: dict[str, Label]) -> str:
    """A sanction in Chinese: ``口头警告``, ``罚款 20``, ``罚款 100–500``, ``罚款（至少 10）``."""
    name = kinds.get(action.kind, Label(action.kind)).text("zh")
    if action.kind != "fine":
        return name
    if action.amount is None and action.maximum is None:
        assert action.minimum is not None
        return f"{name}（至少 {plain_number(action.minimum)}）"
    return f"{name} {action.range_text}"


def _band_text(band: BandPlan) -> str:
    def side(b: BandBound | None) -> str:
        assert b is not None
        return b.parameter if b.parameter is not None else format(b.number, "f")

    lo = f"{side(band.above)} < " if band.above else f"{side(band.at_least)} ≤ " if band.at_least else ""
    hi = f" < {side(band.below)}" if band.below else f" ≤ {side(band.at_most)}" if band.at_most else ""
    return f"{lo}x{hi}"
