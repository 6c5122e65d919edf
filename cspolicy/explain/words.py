"""The fixed words of an explanation, in Chinese and English.

Everything a policy names (columns, values, parameters, rules, offences) comes from its
labels (:mod:`cspolicy.planner.labels`); what is left is the grammar around them: section names,
rounding, aggregates, ladders, ranks. ``say(key, lang, **parts)`` puts the parts into
the phrase ``key`` without touching them; Chinese phrases are written with spaces that
:func:`~cspolicy.expressions.explain.join_words` keeps only between Chinese and a number
or a Latin word.
"""

from __future__ import annotations

from cspolicy.expressions.explain import join_words
from cspolicy.i18n import Lang
from cspolicy.text import ordinal

__all__ = ["say", "rounding_words", "nth", "listing", "WORDS", "STEP_LABELS"]

#: Phrase → its Chinese and English form; ``{x}`` parts are filled in by :func:`say`.
WORDS: dict[str, dict[Lang, str]] = {
    # titles and sections
    "title_row": {"zh": "{o} · {k}（{f} 第 {n} 行）", "en": "{o} · {k} ({f} row {n})"},
    "title_group": {"zh": "{o} · {k}（来自 {f} 的 {n} 行）", "en": "{o} · {k} (from {n} {rows} of {f})"},
    "title_plain": {"zh": "{o} · {k}", "en": "{o} · {k}"},
    "total": {"zh": "合计", "en": "total"},
    "inputs": {"zh": "文件中：{x}", "en": "in the file: {x}"},
    "inputs_given": {"zh": "输入：{x}", "en": "as given: {x}"},
    "from_output": {"zh": "来自 {o}：{x}", "en": "from {o}: {x}"},
    "joined": {"zh": "按 {k} 连接 {o}：{x}", "en": "joined from {o} by {k}: {x}"},
    "joined_none": {"zh": "{o} 中没有 {k} 的行：其各列为空", "en": "no row of {o} has {k}: its columns are blank"},
    "header": {"zh": "（表头“{h}”）", "en": ' (column "{h}")'},
    "empty": {"zh": "（空）", "en": "(empty)"},
    "no_column": {"zh": "（文件中无此列）", "en": "(not in the file)"},
    "defaulted": {"zh": "{x}：文件中未填，按默认值 {v}", "en": "{x}: left empty in the file, so the default {v} applies"},
    "defaulted_given": {"zh": "{x}：未填，按默认值 {v}", "en": "{x}: left empty, so the default {v} applies"},
    "absent": {"zh": "{x}：文件中无此列，按默认值 {v}", "en": "{x}: not in the file, so the default {v} applies"},
    "parameters": {"zh": "参数：", "en": "parameters:"},
    "parameter": {"zh": "{x} = {v}，{p}；来源：{s}", "en": "{x} = {v}, {p}; source: {s}"},
    "in_force": {"zh": "自 {d} 起生效", "en": "in force from {d}"},
    "region": {"zh": "，地区 {r}", "en": ", region {r}"},
    "set": {"zh": "本次运行以 --set 指定", "en": "set for this run (--set)"},
    "row_param": {"zh": "{x}（{w}）{v}", "en": "{x} ({w}) {v}"},
    "row_param_why": {"zh": "{x} {v}：{p}；来源：{s}", "en": "{x} {v}: {p}; source: {s}"},
    "row_param_when": {"zh": "{d}", "en": "on {d}"},
    "row_param_where": {"zh": "{r}，{d}", "en": "{r}, on {d}"},
    "rules": {"zh": "规则：", "en": "rules:"},
    # figures
    "so": {"zh": "{r}，故取 {p}", "en": "{r}, so it is {p}"},
    "so_is": {"zh": "{r}，故为 {p}", "en": "{r}, so it is {p}"},
    "where": {"zh": "其中 {x}{id}（中间步骤，表中未列出）", "en": "where {x} ({id}a step not in the table)"},
    "row_ref": {"zh": "第 {n} 行", "en": "row {n}"},
    "more": {"zh": "……另有 {n} 行", "en": "… and {n} more"},
    "more_sum": {"zh": "……（另有 {n} 行）", "en": "… ({n} more)"},
    # aggregates
    "count": {"zh": "行数", "en": "count of rows"},
    "count_true": {"zh": "满足“{x}”的行数", "en": "count of rows where {x}"},
    "sum": {"zh": "{x} 之和", "en": "sum of {x}"},
    "min": {"zh": "{x} 最小值", "en": "smallest {x}"},
    "max": {"zh": "{x} 最大值", "en": "largest {x}"},
    "all": {"zh": "是否每行都满足：{x}", "en": "whether every row meets: {x}"},
    "any": {"zh": "是否有一行满足：{x}", "en": "whether any row meets: {x}"},
    "first": {"zh": "首行的 {x}", "en": "{x} of the first row"},
    "last": {"zh": "末行的 {x}", "en": "{x} of the last row"},
    "max_by": {"zh": "{y} 最大的行的 {x}", "en": "{x} of the row with the largest {y}"},
    "min_by": {"zh": "{y} 最小的行的 {x}", "en": "{x} of the row with the smallest {y}"},
    "list": {"zh": "逐行列出的 {x}", "en": "{x} of each row, listed"},
    # band tables
    "no_band": {"zh": "{x} 不在任何分档内", "en": "{x} falls in no band"},
    # ladders
    "ladder": {"zh": "阶梯处罚 [{r}]：{o}（{c}），按 {e} {w}计次", "en": "ladder [{r}]: {o} ({c}), counted per {e} {w}"},
    "w_month": {"zh": "在 {p} 月内", "en": "within the month {p}"},
    "w_year": {"zh": "在 {p} 年内", "en": "within the year {p}"},
    "w_week": {"zh": "在 {p} 周内", "en": "within the week {p}"},
    "w_day": {"zh": "在 {p} 当天", "en": "on the day {p}"},
    "w_rolling": {"zh": "在截至 {p} 的 {d} 天内", "en": "within the {d} days up to {p}"},
    "w_ever": {"zh": "不限期", "en": "with no time limit"},
    "earlier": {"zh": "此前同期：{x}", "en": "earlier in this window: {x}"},
    "earlier_more": {"zh": "更早 {n} 次", "en": "{n} more before these"},
    "no_earlier": {"zh": "此前同期无此违规", "en": "no earlier occurrence in this window"},
    "earlier_item": {"zh": "{d}（{n}：{s}，{r}）", "en": "{d} ({n}: {s}, {r})"},
    "this_rung": {"zh": "本次为{n}：第 {i} 档（共 {k} 档），{s}", "en": "this is the {n} occurrence: rung {i} of {k}, {s}"},
    "past_repeat": {
        "zh": "本次为{n}，已超过最后一档（共 {k} 档），按最后一档重复：{s}",
        "en": "this is the {n} occurrence, past the last of {k} rungs, so the last rung repeats: {s}",
    },
    "past_none": {
        "zh": "本次为{n}，已超过最后一档（共 {k} 档），不再处罚",
        "en": "this is the {n} occurrence, past the last of {k} rungs: no further sanction",
    },
    "the_ladder": {"zh": "阶梯：{x}；{a}", "en": "the ladder: {x}; {a}"},
    "after_repeat": {"zh": "超过最后一档后按最后一档重复", "en": "after the last rung, the last rung repeats"},
    "after_none": {"zh": "超过最后一档后不再处罚", "en": "after the last rung, no further sanction"},
    "rung_item": {"zh": "{n}{s}", "en": "{n} {s}"},
    "fine_given": {"zh": "{s}（文件中给出，范围 {r}）", "en": "{s} (given in the file; allowed {r})"},
    "fine_default": {"zh": "{s}（文件中未给金额，取范围 {r} 的最低额）", "en": "{s} (no amount in the file: the lowest of {r})"},
    "fine_from_file": {"zh": "{s}（文件中给出）", "en": "{s} (given in the file)"},
    # ranks
    "ranking": {"zh": "排名{r}：按 {b} {o}，在 {f} 的 {n} 行中", "en": "ranking{r}: by {b}, {o}, among the {n} rows of {f}"},
    "ascending": {"zh": "从小到大", "en": "smallest first"},
    "descending": {"zh": "从大到小", "en": "largest first"},
    "ranked": {"zh": "{b} {v} → 第 {r} 名", "en": "{b} {v} → rank {r}"},
    "tied": {"zh": "，与 {x} 并列", "en": ", tied with {x}"},
    "tie_rule": {"zh": "{x}（{id}）= {v}：{how}", "en": "{x} ({id}) = {v}: {how}"},
    "tie_higher": {
        "zh": "并列者各得所占最高名次的奖励，其后名次顺延",
        "en": "tied rows each get the amount of the best position they share",
    },
    "tie_lower": {"zh": "并列者各得所占最低名次的奖励", "en": "tied rows each get the amount of the worst position they occupy"},
    "tie_split": {"zh": "并列者平分所占名次的奖励", "en": "tied rows share the amounts of the positions they occupy equally"},
    "award_one": {"zh": "第 {p} 名：{x}", "en": "position {p}: {x}"},
    "award_none": {"zh": "第 {p} 名在 {k} 个奖项之外：0", "en": "position {p} is past the {k} prizes: 0"},
    "award_split": {"zh": "平分第 {p} 至 {q} 名：{x}", "en": "sharing positions {p} to {q}: {x}"},
}

#: Labels of the names a ladder or rank step gives each row.
STEP_LABELS: dict[str, dict[Lang, str]] = {
    "occurrence": {"zh": "本期第几次", "en": "occurrence"},
    "sanction": {"zh": "处罚", "en": "sanction"},
    "fine": {"zh": "罚款", "en": "fine"},
    "rule": {"zh": "规则", "en": "rule"},
    "ends_employment": {"zh": "解除劳动关系", "en": "employment ends"},
    "gravity": {"zh": "处罚轻重", "en": "gravity"},
    "offence_code": {"zh": "违规代码", "en": "offence code"},
    "offence_name": {"zh": "违规项目名称", "en": "offence name"},
    "sanction_text": {"zh": "处罚说明", "en": "sanction text"},
    "gravest": {"zh": "最重处罚", "en": "gravest sanction"},
    "rank": {"zh": "名次", "en": "rank"},
    "award": {"zh": "奖励金额", "en": "award"},
    "period": {"zh": "期间", "en": "period"},
    "as_of": {"zh": "计算日期", "en": "as-of date"},
}

_ROUNDING: dict[Lang, dict[str, str]] = {
    "en": {
        "ceiling": "rounded up",
        "floor": "rounded down",
        "up": "rounded away from zero",
        "down": "truncated",
        "half_up": "rounded half up",
        "half_even": "rounded half to even",
        "half_down": "rounded half down",
    },
    "zh": {
        "ceiling": "向上舍入",
        "floor": "向下舍入",
        "up": "远离零舍入",
        "down": "向零截断",
        "half_up": "四舍五入",
        "half_even": "四舍六入五成双",
        "half_down": "五舍六入",
    },
}
_WHOLE_ZH = {"ceiling": "向上取整", "floor": "向下取整"}


def say(key: str, lang: Lang, **parts: str) -> str:
    """Phrase ``key`` of :data:`WORDS` in ``lang`` with ``parts`` put in, untouched.

    >>> say("row_ref", "zh", n="2"), say("so", "en", r="no reason was given", p="ok")
    ('第 2 行', 'no reason was given, so it is ok')
    """
    template = WORDS[key][lang]
    if lang != "zh":
        return template.format(**parts)
    return join_words([piece.format(**parts) for piece in template.split(" ")], lang)


def rounding_words(places: int, mode: str, lang: Lang, rounded: str | None) -> str:
    """The rounding step after a figure's exact value: ``, rounded up`` (nothing changed)
    or ``, rounded half up to 2 decimal places: 90.01`` / ``，四舍五入到 2 位小数为 90.01``."""
    if lang == "zh":
        words = (
            _WHOLE_ZH.get(mode, _ROUNDING["zh"][mode] + "取整") if places == 0 else f"{_ROUNDING['zh'][mode]}到 {places} 位小数"
        )
        return f"，{words}" + ("" if rounded is None else f"为 {rounded}")
    words = _ROUNDING["en"][mode] + ("" if places == 0 else f" to {places} decimal places")
    if rounded is None:
        return f", {words}"
    return f", {words}" + (f" to {rounded}" if places == 0 else f": {rounded}")


def nth(n: int, lang: Lang) -> str:
    """``3rd`` / ``第 3 次``."""
    return f"第 {n} 次" if lang == "zh" else ordinal(n)


def listing(items: list[str], lang: Lang) -> str:
    """Items of a list: ``a, b`` / ``a、b``."""
    return ("、" if lang == "zh" else ", ").join(items)
