"""``cspolicy lint``: what a policy that loads may still get wrong.

The loader already refuses, as errors at ``file:line`` (exit 2), overlapping bands and
gaps between bands (with every dated parameter value), and a default or a parameter value
outside its ``min``/``max``: ``lint`` (like ``check``) reports such a policy's load error
as it is, with exit 2. On a policy that
loads, it finds (each at ``file:line``):

* ``band-open-end``: values below the lowest band or above the highest fall in no band
  (the loader allows it; a row there is rejected at run time) — add ``otherwise`` or an
  unbounded band;
* ``unreachable-rung``: a ladder rung after a rung that ends employment (dismissal,
  resignation): nobody reaches it;
* ``unused-parameter`` / ``unused-column``: a parameter, or an input column, that no
  formula, check, warning, key, group, ladder, rank, join, window, band or constraint uses;
* ``missing-label``: a label missing in Chinese or English (:func:`cspolicy.labels.missing_labels`);
* ``stale-parameter``: a parameter whose newest value (per region) took effect longer ago
  than the review age the policy sets (``lint: {review_age: 2y}`` at the top level, or
  ``review_age:`` on the parameter);
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cspolicy.i18n import Lang
from cspolicy.planner.plan import CheckPlan, WarningPlan
from cspolicy.planner.policy import Policy

__all__ = ["LintFinding", "lint_policy", "KINDS"]

KINDS = (
    "band-open-end",
    "unreachable-rung",
    "unused-parameter",
    "unused-column",
    "missing-label",
    "stale-parameter",
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class LintFinding:
    """One thing ``lint`` found: where (``file:line``), which kind, and what."""

    file: str
    line: int | None
    kind: str
    message: str
    #: The Chinese wording where it is not the catalogue's (a missing label's).
    message_zh: str = ""

    def text(self, lang: Lang = "en") -> str:
        """``file:line: what [kind]``, the message in ``lang`` (English where the catalogue
        of :mod:`cspolicy.messages_zh` has no wording)."""
        from cspolicy.messages import translate

        place = self.file + (f":{self.line}" if self.line else "")
        message = self.message if lang == "en" else self.message_zh or translate(self.message, lang)
        return f"{place}: {message} [{self.kind}]"

    def __str__(self) -> str:
        return self.text()


_PARAM_AT = re.compile(r"""param_at\(\s*['"]([^'"]+)['"]""")


def used_names(policy: Policy) -> set[str]:
    """Every name a formula, check, warning, step or table setting of ``policy`` reads."""
    names: set[str] = set()

    def add(expr: object) -> None:
        if expr is not None:
            names.update(getattr(expr, "names", ()))
            text = getattr(expr, "text", None)
            if isinstance(text, str):  # a per-row parameter is named in quotes: param_at('min_wage', …)
                names.update(_PARAM_AT.findall(text))

    def placeholders(text: str) -> None:
        names.update(_PLACEHOLDER.findall(text))

    for plan in policy.outputs.values():
        names.update(plan.key)
        names.update(plan.group_by or ())
        names.update(plan.sort_by)
        for col in plan.columns:
            add(col.expression)
            add(col.of)
            add(col.by)
        rules: list[CheckPlan | WarningPlan] = [*plan.checks, *plan.warnings]
        for rule in rules:
            add(rule.expression)
            placeholders(rule.message)
            if rule.column:
                names.add(rule.column)
        for w in plan.windows:
            add(w.by)
            add(w.of)
            names.update(w.partition)
            names.update(getattr(w, "entity", ()) or ())
            if w.period:
                names.add(w.period)
        if plan.ladder:
            lp = plan.ladder
            names.update((*lp.entity, lp.offence, lp.date, *([lp.amount] if lp.amount else [])))
        if plan.rank:
            add(plan.rank.by)
            names.update((*plan.rank.awards, plan.rank.ties))
        for join in plan.joins:
            names.update(join.on)
            names.update(side for _, side, _ in join.columns)
    for expr, message, _ in policy.constraints:
        add(expr)
        placeholders(message)
    for bands in policy.bands.values():
        names.update(bands.parameters)
    for spec in policy.inputs.values():
        names.update(spec.key)
    return names


def _age_cutoff(age: str, today: dt.date) -> dt.date:
    n, unit = int(age[:-1]), age[-1]
    if unit == "d":
        return today - dt.timedelta(days=n)
    months = today.year * 12 + today.month - 1 - (n * 12 if unit == "y" else n)
    year, month = divmod(months, 12)
    import calendar

    return dt.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def lint_policy(policy: Policy, *, today: dt.date | None = None) -> list[LintFinding]:
    """Every finding on ``policy`` (see the module notes), in kind order then file order;
    ``today`` dates the review-age check (default: today)."""
    today = today or dt.date.today()
    doc = policy.doc
    m = policy.model
    found: list[LintFinding] = []

    def at(path: tuple[str | int, ...]) -> int | None:
        return doc.line_of(path) if doc is not None else None

    def note(kind: str, path: tuple[str | int, ...], message: str) -> None:
        found.append(LintFinding(policy.file, at(path), kind, message))

    # band tables: the open ends
    for name, bands in m.bands.items():
        if bands.otherwise is not None:
            continue
        if not any(b.above is None and b.at_least is None for b in bands.bands):
            note(
                "band-open-end",
                ("bands", name),
                f"bands {name}: a value below the lowest band falls in no band; add a band without a lower bound, or otherwise",
            )
        if not any(b.below is None and b.at_most is None for b in bands.bands):
            note(
                "band-open-end",
                ("bands", name),
                f"bands {name}: a value above the highest band falls in no band; add a band without an upper bound, or otherwise",
            )
    # ladders: rungs after employment ends
    for sname, schedule in policy.schedules.items():
        for offence in schedule:
            ended = next((i for i, rung in enumerate(offence.ladder.rungs) if rung.ends_employment), None)
            if ended is not None and ended < len(offence.ladder.rungs) - 1:
                for i in range(ended + 1, len(offence.ladder.rungs)):
                    note(
                        "unreachable-rung",
                        ("schedules", sname, "offences", offence.code, "ladder", i),
                        f"offence {offence.code}: rung {i + 1} ({offence.ladder.rungs[i].describe()}) is never reached: "
                        f"rung {ended + 1} ({offence.ladder.rungs[ended].describe()}) ends employment",
                    )
    # parameters and input columns no formula uses
    used = used_names(policy)
    for name in policy.parameters:
        if name not in used:
            note("unused-parameter", ("parameters", name), f"parameter '{name}' is used by no formula, check, band or step")
    for table, spec in policy.inputs.items():
        for col in spec.columns:
            if col.name not in used:
                note(
                    "unused-column",
                    ("inputs", table, "columns", col.name),
                    f"input column '{table}.{col.name}' is used by no output",
                )
    # labels
    from cspolicy.planner.labels import missing_labels

    for f in missing_labels(policy):
        place = f.file + (f":{f.line}" if f.line else "")
        found.append(
            LintFinding(
                f.file,
                f.line,
                "missing-label",
                f.message("en").removeprefix(place + ": "),
                f.message("zh").removeprefix(place + ": "),
            )
        )
    # dated parameters not reviewed
    default_age = m.lint.review_age if m.lint else None
    for name, param in m.parameters.items():
        age = param.review_age or default_age
        if age is None:
            continue
        cutoff = _age_cutoff(age, today)
        newest: dict[str | None, tuple[str, int]] = {}
        for i, value in enumerate(param.values):
            if value.from_ <= today.isoformat() and (value.region not in newest or value.from_ > newest[value.region][0]):
                newest[value.region] = (value.from_, i)
        for region, (since, i) in newest.items():
            if since < cutoff.isoformat():
                where = f" (region {region})" if region else ""
                note(
                    "stale-parameter",
                    ("parameters", name, "values", i),
                    f"parameter '{name}'{where}: the newest value dates from {since}, older than the review age {age}; "
                    "check it is still right and add a dated value",
                )
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(found, key=lambda f: (order[f.kind], f.line or 0))
