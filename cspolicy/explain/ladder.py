"""Why a ladder gave a row its rung, and where a rank placed it, in words.

A ladder names the offence, whom and over which window occurrences are counted, the earlier
occurrences in that window (date, number, sanction, row), the rung this occurrence takes
and the whole ladder with what happens after its last rung. A rank names what it ranks by
and in which direction, among how many rows, who shares the rank, the tie rule and the
prize each position earns.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from cspolicy.explain.trace import MEMBERS_SHOWN, Occurrence
from cspolicy.expressions.explain import exact_text
from cspolicy.text import format_plain, plain_number
from cspolicy.values import Value

from .model import Line
from .words import listing, nth, say

if TYPE_CHECKING:
    from cspolicy.blocks.ladders import Action, Rung

    from .figures import Renderer

__all__ = ["ladder_lines", "rank_lines"]


def _range(action: Action, lang: str) -> str:
    assert action.minimum is not None
    low = plain_number(action.minimum)
    if action.maximum is None:
        return f"至少 {low}" if lang == "zh" else f"at least {low}"
    return low if action.maximum == action.minimum else f"{low}–{plain_number(action.maximum)}"


def _rung(r: Renderer, rung: Rung, fine: Value = None, amount: Value = None, *, decided: bool = False) -> str:
    """A rung in words: ``verbal warning``, ``fine 20``, ``罚款 300（文件中给出，范围 100–500）``."""
    assert r.plan.ladder is not None
    schedule, lang = r.plan.ladder.schedule, r.lang
    parts = []
    for action in rung.actions:
        name = r.labels.sanction(schedule, action.kind).text(lang)
        if action.kind != "fine":
            parts.append(name)
            continue
        if action.amount is not None:
            parts.append(f"{name} {plain_number(action.amount)}")
            continue
        if not decided:
            at_least = lang == "zh" and action.maximum is None
            parts.append(f"{name}（{_range(action, lang)}）" if at_least else f"{name} {_range(action, lang)}")
            continue
        text = f"{name} {plain_number(fine) if isinstance(fine, Decimal) else _range(action, lang)}"
        if amount is None:
            parts.append(say("fine_default", r.lang, s=text, r=_range(action, lang)))
        elif action.maximum is None and action.amount_required:
            parts.append(say("fine_from_file", r.lang, s=text))
        else:
            parts.append(say("fine_given", r.lang, s=text, r=_range(action, lang)))
    return " + ".join(parts)


def _sanction(r: Renderer, occurrence: Occurrence) -> str:
    assert r.plan.ladder is not None
    schedule = r.plan.ladder.schedule
    parts = []
    for kind in occurrence.sanction.split("+"):
        text = r.labels.sanction(schedule, kind).text(r.lang)
        if kind == "fine" and isinstance(occurrence.fine, Decimal):
            text += f" {plain_number(occurrence.fine)}"
        parts.append(text)
    return " + ".join(parts)


def ladder_lines(r: Renderer) -> list[Line]:
    facts, plan, lang = r.trace.ladder, r.plan, r.lang
    assert facts is not None and plan.ladder is not None
    offence = facts.offence
    ladder, window = offence.ladder, offence.ladder.window
    r.vocab.defined = set()
    entity = " / ".join(r.vocab.name(e) for e in plan.ladder.entity)
    if window.kind == "rolling":
        within = say("w_rolling", lang, p=facts.date.isoformat(), d=str(window.days))
    elif window.kind == "ever":
        within = say("w_ever", lang)
    else:
        within = say(f"w_{window.kind}", lang, p=window.period(facts.date) or "")
    rule = offence.rule or "-"
    if offence.rule and offence.rule not in r.rules:
        r.rules.append(offence.rule)
    name = r.labels.offence(plan.ladder.schedule, offence.code).text(lang)
    lines = [Line(say("ladder", lang, r=rule, o=name, c=offence.code, e=entity, w=within), 1, "ladder")]
    earlier = [
        say(
            "earlier_item",
            lang,
            d=o.date.isoformat(),
            n=nth(o.number, lang),
            s=_sanction(r, o),
            r=say("row_ref", lang, n=str(o.row)),
        )
        for o in facts.earlier
    ]
    before = facts.occurrence - 1 - len(facts.earlier)
    if before > 0:
        earlier.insert(0, say("earlier_more", lang, n=str(before)))
    lines.append(Line(say("earlier", lang, x=listing(earlier, lang)) if earlier else say("no_earlier", lang), 2, "ladder"))
    rungs = len(ladder.rungs)
    occurrence = nth(facts.occurrence, lang)
    if facts.occurrence <= rungs:
        rung = _rung(r, ladder.rungs[facts.occurrence - 1], facts.fine, facts.amount, decided=True)
        this = say("this_rung", lang, n=occurrence, i=str(facts.occurrence), k=str(rungs), s=rung)
    elif ladder.after_last == "repeat":
        rung = _rung(r, ladder.rungs[-1], facts.fine, facts.amount, decided=True)
        this = say("past_repeat", lang, n=occurrence, k=str(rungs), s=rung)
    else:
        this = say("past_none", lang, n=occurrence, k=str(rungs))
    lines.append(Line(this, 2, "ladder"))
    items = [say("rung_item", lang, n=nth(i, lang), s=_rung(r, rung)) for i, rung in enumerate(ladder.rungs, 1)]
    after = say("after_repeat" if ladder.after_last == "repeat" else "after_none", lang)
    lines.append(Line(say("the_ladder", lang, x=listing(items, lang), a=after), 2, "ladder"))
    return lines


def rank_lines(r: Renderer) -> list[Line]:
    facts, plan, lang = r.trace.rank, r.plan, r.lang
    assert facts is not None and plan.rank is not None
    rp = plan.rank
    r.vocab.defined = set()
    r.vocab.result = None
    by = r.template(rp.by)
    by_name = rp.by.tree.name if hasattr(rp.by.tree, "name") else None

    def shown(value: Value) -> str:
        if isinstance(by_name, str) and r.vocab.where(by_name) == "source":
            return r.vocab.value(by_name, value)
        return exact_text(value) if isinstance(value, Decimal) else format_plain(value)

    r.used.update((*rp.awards, rp.ties))
    rule = next((d.rule for a in (*rp.awards, rp.ties) if (d := r.policy.parameters[a]).rule), None)
    if rule and rule not in r.rules:
        r.rules.append(rule)
    if plan.source_is_input:
        where = r.trace.file or r.labels.inputs[plan.source].text(lang)
    else:
        where = r.labels.outputs[plan.source].text(lang)
    order = say("descending" if rp.descending else "ascending", lang)
    lines = [
        Line(say("ranking", lang, r=f" [{rule}]" if rule else "", b=by, o=order, n=f"{len(facts.field):,}", f=where), 1, "rank")
    ]
    r.vocab.defined = set(r.names)
    keys = plan.key or ()
    tied = [entry for entry in facts.field if entry[2] == facts.rank]
    others = [e for i, e in enumerate(facts.field) if e[2] == facts.rank and i != facts.index]
    text = say("ranked", lang, b=by, v=shown(facts.value), r=str(facts.rank))
    if others:
        names = []
        for key, value, _ in others[:MEMBERS_SHOWN]:
            label = " / ".join(r.vocab.value(k, v) for k, v in zip(keys, key, strict=False)) or "-"
            names.append(f"{label}（{shown(value)}）" if lang == "zh" else f"{label} ({shown(value)})")
        if len(others) > MEMBERS_SHOWN:
            names.append(say("more", lang, n=str(len(others) - MEMBERS_SHOWN)))
        text += say("tied", lang, x=listing(names, lang))
    lines.append(Line(text, 2, "rank"))
    ties = str(r.params[rp.ties])
    tie_label = r.labels.parameter(rp.ties).text(lang)
    lines.append(Line(say("tie_rule", lang, x=tie_label, id=rp.ties, v=ties, how=say(f"tie_{ties}", lang)), 2, "rank"))
    k = len(tied)
    first = facts.rank

    def prize(position: int) -> str:
        if position > len(rp.awards):
            return say("award_none", lang, p=str(position), k=str(len(rp.awards)))
        name = rp.awards[position - 1]
        value = r.params[name]
        return f"{r.labels.parameter(name).text(lang)} {format_plain(value, r.policy.parameters[name].type)}"

    if k > 1 and ties == "split":
        prizes = " + ".join(prize(p) if p <= len(rp.awards) else "0" for p in range(first, first + k))
        x = f"({prizes}) ÷ {k} = {exact_text(facts.award) if isinstance(facts.award, Decimal) else facts.award}"
        award = say("award_split", lang, p=str(first), q=str(first + k - 1), x=x)
    else:
        position = first + k - 1 if ties == "lower" else first
        award = prize(position) if position > len(rp.awards) else say("award_one", lang, p=str(position), x=prize(position))
    lines.append(Line(award, 2, "rank"))
    return lines
