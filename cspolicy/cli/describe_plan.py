"""What ``cspolicy show --plan`` prints: a policy's plan of steps (:mod:`cspolicy.planner.step_plan`)
in Chinese or English, one numbered step after another.

Identifiers and formulas stay as the policy writes them (formulas, ``--only`` and ``--set``
use them); the words around them are in the chosen language.
"""

from __future__ import annotations

from cspolicy.i18n import Lang
from cspolicy.planner.step_plan import PolicyPlan, Step

__all__ = ["describe_plan", "KIND_WORDS"]

#: Each step kind as ``show --plan`` names it.
KIND_WORDS: dict[str, dict[Lang, str]] = {
    "read": {"zh": "读取", "en": "read"},
    "join": {"zh": "连接", "en": "join"},
    "sort": {"zh": "排序", "en": "sort"},
    "window": {"zh": "窗口", "en": "window"},
    "ladder": {"zh": "阶梯处罚", "en": "ladder"},
    "check": {"zh": "检查", "en": "check"},
    "group": {"zh": "分组汇总", "en": "group"},
    "derive": {"zh": "计算", "en": "derive"},
    "write": {"zh": "输出", "en": "write"},
}
_WORDS: dict[str, dict[Lang, str]] = {
    "title": {"zh": "{0} 的执行计划（{1} 步，按依赖顺序）：", "en": "plan of {0} ({1} steps, in dependency order):"},
    "step": {"zh": "第 {0} 步", "en": "step {0}"},
    "input": {"zh": "输入 {0}", "en": "input {0}"},
    "optional": {"zh": "输入 {0}（可不提供）", "en": "input {0} (optional)"},
    "output": {"zh": "输出 {0}", "en": "output {0}"},
    "reads": {"zh": "读自：", "en": "reads: "},
    "source": {"zh": "第 {0} 步（{1} {2}）", "en": "step {0} ({1} {2})"},
    "produces": {"zh": "产出：", "en": "produces: "},
    "by": {"zh": "依据：", "en": "by: "},
    "partition": {"zh": "分区：", "en": "partition: "},
    "on": {"zh": "连接键：", "en": "on: "},
    "key": {"zh": "主键：", "en": "key: "},
    "entity": {"zh": "对象：", "en": "entity: "},
    "computes": {"zh": "计算：", "en": "computes: "},
    "requires": {"zh": "要求：", "en": "requires: "},
    "warns": {"zh": "警告条件：", "en": "warns when: "},
    "schedule": {"zh": "处罚表 {0}，违规项目 {1}，日期 {2}", "en": "schedule {0}, offence {1}, date {2}"},
    "all_rows": {"zh": "（全部行合计为一行）", "en": "(all rows: one total)"},
    "rules": {"zh": "规则：", "en": "rules: "},
    "line": {"zh": "（第 {0} 行）", "en": " (line {0})"},
    "left": {"zh": "左连接", "en": "left join"},
    "inner": {"zh": "内连接", "en": "inner join"},
    "lookup": {"zh": "查找（必须恰好一行）", "en": "lookup (exactly one match)"},
}
_SEP: dict[Lang, str] = {"zh": "，", "en": ", "}


def _w(key: str, lang: Lang, *args: object) -> str:
    return _WORDS[key][lang].format(*args)


def describe_plan(plan: PolicyPlan, name: str, lang: Lang) -> str:
    """The plan as text: a title, then each step with what it reads, produces and applies."""
    lines = [_w("title", lang, name, len(plan.steps))]
    for step in plan.steps:
        lines += _step_lines(plan, step, lang)
    return "\n".join(lines)


def _table(plan: PolicyPlan, step: Step, lang: Lang) -> str:
    """``input staff`` or ``output scores``: what the step's table is."""
    if step.kind == "read":
        return _w("optional" if step.how == "optional" else "input", lang, step.table)
    return _w("output", lang, step.table)


def _step_lines(plan: PolicyPlan, step: Step, lang: Lang) -> list[str]:
    sep = _SEP[lang]
    head = f"{_w('step', lang, step.number)}  {KIND_WORDS[step.kind][lang]}  {_table(plan, step, lang)}"
    if step.kind == "join":
        head += f"  {_WORDS[step.how][lang] if step.how in _WORDS else step.how}"
    if step.line is not None:
        head += _w("line", lang, step.line)
    out = [head]

    def add(key: str, text: str) -> None:
        if text:
            out.append(f"    {_w(key, lang)}{text}")

    add("reads", sep.join(_w("source", lang, n, KIND_WORDS[plan.step(n).kind][lang], plan.step(n).table) for n in step.reads))
    keys = sep.join(step.keys)
    if step.kind == "join":
        add("on", keys)
    elif step.kind == "ladder":
        add("entity", keys)
        add("computes", _w("schedule", lang, step.how, *step.formulas))
    elif step.kind == "window":
        add("partition", keys)
    elif step.kind == "write":
        add("key", keys)
    elif step.kind == "group":
        add("by", keys or _w("all_rows", lang))
    else:
        add("by", keys)
    if step.kind == "check":
        for formula in step.formulas:
            add("warns" if step.how == "warnings" else "requires", formula)
    elif step.kind != "ladder":
        for formula in step.formulas:
            add("computes", formula)
    add("produces", sep.join(step.produces))
    add("rules", sep.join(step.rules))
    return out
