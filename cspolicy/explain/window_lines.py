"""Among whom a window column's value was computed, in words: what it ranks by and how ties
share a rank, and which partition (month, team …) of how many rows it was taken in.

``rank (rank): by score, largest first, ties share a rank and the next is skipped (1224),
among the 4 rows of month 2024-04``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cspolicy.i18n import Lang

from .model import Line

if TYPE_CHECKING:
    from .figures import Renderer

__all__ = ["window_lines"]

_WORDS: dict[str, dict[Lang, str]] = {
    "rank": {"zh": "{c}：按 {b} {o}排名，{t}，{p}", "en": "{c}: ranked by {b}, {o}, {t}, {p}"},
    "last": {"zh": "{c}：按 {b} {o}排名，名次最后者（含并列）为末位，{p}", "en": "{c}: last by {b}, {o} (ties included), {p}"},
    "count": {"zh": "{c}：{p}", "en": "{c}: {p}"},
    "total": {"zh": "{c}：{b} 的合计，{p}", "en": "{c}: the sum of {b} {p}"},
    "previous": {"zh": "{c}：同一对象上一期的 {b}（{p}）", "en": "{c}: {b} in the period before, for the same {p}"},
    "ascending": {"zh": "从小到大", "en": "smallest first"},
    "descending": {"zh": "从大到小", "en": "largest first"},
    "competition": {"zh": "并列者同名次、其后名次跳过（1224）", "en": "ties share a rank and the next is skipped (1224)"},
    "dense": {"zh": "并列者同名次、其后名次不跳过（1223）", "en": "ties share a rank and the next follows (1223)"},
    "among": {"zh": "在 {k} 的 {n} 行中", "en": "among the {n} rows of {k}"},
    "among_all": {"zh": "在全部 {n} 行中", "en": "among all {n} rows"},
    "entity": {"zh": "{k}，共 {n} 行", "en": "{k} ({n} rows)"},
}


def _say(key: str, lang: Lang, **parts: str) -> str:
    return _WORDS[key][lang].format(**parts)


def window_lines(r: Renderer) -> list[Line]:
    """One line per window column of the explained row (none without window facts)."""
    lang, trace = r.lang, r.trace
    lines = []
    r.vocab.defined = set()
    r.vocab.result = None
    for w in r.plan.windows:
        facts = trace.windows.get(w.name)
        if facts is None:
            continue
        key = " / ".join(f"{r.vocab.name(c)} {r.vocab.value(c, v)}" for c, v in zip(facts.partition, facts.key))
        n = f"{facts.size:,}"
        if w.fn == "previous":
            place = _say("entity", lang, k=key, n=n)
        else:
            place = _say("among", lang, k=key, n=n) if key else _say("among_all", lang, n=n)
        expr = w.by if w.by is not None else w.of
        column = r.labels.column(r.plan.name, w.name).text(lang)
        text = _say(
            w.fn,
            lang,
            c=column,
            b="" if expr is None else r.template(expr),
            o=_say("descending" if w.descending else "ascending", lang),
            t=_say(w.ties, lang),
            p=place,
        )
        lines.append(Line(text, 1, "rank", w.name))
    return lines
