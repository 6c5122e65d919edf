"""``cspolicy test --coverage``: what no test case exercised, per policy.

How exercise is detected (decisions in docs/decisions.md, "Authoring tools"):

* a **rule ID** is exercised when a case lists it under ``rules:``, compares a column
  carrying it (the column's ``rule:``), or reaches a ladder rung of an offence with it, or
  makes a row fall in a band of a band table with it;
* an **output column** (a written one: hidden columns, internal steps and a bundle's
  component outputs are not required) is exercised when some case compares it;
* a **band** (each range of a band table, and its ``otherwise``) when some row's value fell
  in it, seen by watching the band lookups of the run;
* a **ladder rung** when some offence row was decided by it (an occurrence past the last
  rung that repeats counts for the last rung).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cspolicy.authoring.test_runner import CaseResult, TestReport, merged
from cspolicy.planner.plan import BandBound, BandPlan
from cspolicy.planner.policy import Policy
from cspolicy.text import plain_number

__all__ = ["Coverage", "coverage"]


@dataclass
class Coverage:
    """What the cases of one policy left unexercised (empty lists: fully covered)."""

    policy: str
    cases: int
    rules: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    bands: list[str] = field(default_factory=list)
    rungs: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.rules or self.columns or self.bands or self.rungs)

    def lines(self) -> list[str]:
        head = f"{self.policy}: {self.cases} cases"
        if self.complete:
            return [head + ", every rule, output column, band and ladder rung exercised"]
        out = [head]
        for what, items in (
            ("rules not exercised", self.rules),
            ("output columns not compared", self.columns),
            ("bands no row fell in", self.bands),
            ("ladder rungs not reached", self.rungs),
        ):
            if items:
                out.append(f"  {what} ({len(items)}): {', '.join(items)}")
        return out


def _bound(b: BandBound | None) -> str:
    if b is None:
        return ""
    return b.parameter if b.parameter is not None else plain_number(b.number) if b.number is not None else ""


def band_range(band: BandPlan) -> str:
    """``reward_below ≤ x ≤ station_fine_above``: a band's range as the policy writes it."""
    lo = f"{_bound(band.above)} < " if band.above else f"{_bound(band.at_least)} ≤ " if band.at_least else ""
    hi = f" < {_bound(band.below)}" if band.below else f" ≤ {_bound(band.at_most)}" if band.at_most else ""
    return f"{lo}x{hi}"


def coverage(policy: Policy, results: Sequence[CaseResult]) -> Coverage:
    """What ``results`` (the case runs of ``policy``) left unexercised."""
    ex = merged(results)
    rules: set[str] = {r for res in results for r in res.case.rules}
    compared = {c for res in results for c in res.compared}
    for output, column in compared:
        plan = policy.outputs.get(output)
        for col in plan.columns if plan else ():
            if col.name == column:
                rules.update(col.rules)
    for sname, code, _ in ex.rungs:
        rules.add(policy.schedules[sname].find(code).rule)
    for bname, _ in ex.bands:
        rule = policy.bands[bname].rule
        if rule:
            rules.add(rule)
    cov = Coverage(policy.name, len(results))
    cov.rules = [r for r in policy.model.rules if r not in rules]
    cov.columns = [
        f"{name}.{col.name}"
        for name, plan in policy.outputs.items()
        if not plan.internal and "." not in name  # an internal step, a component's output: not written
        for col in plan.columns
        if not col.hidden and (name, col.name) not in compared
    ]
    for bname, bplan in policy.bands.items():
        for i, band in enumerate(bplan.bands):
            if (bname, i) not in ex.bands:
                cov.bands.append(f"{bname} #{i + 1} {band.outcome} ({band_range(band)})")
        if bplan.has_otherwise and (bname, -1) not in ex.bands:
            cov.bands.append(f"{bname} otherwise {bplan.otherwise}")
    used = {plan.ladder.schedule for plan in policy.outputs.values() if plan.ladder}
    for sname in sorted(used):
        for offence in policy.schedules[sname]:
            for i, rung in enumerate(offence.ladder.rungs):
                if (sname, offence.code, i) not in ex.rungs:
                    cov.rungs.append(f"{offence.code} #{i + 1} ({rung.describe()})")
    return cov


def report_coverage(report: TestReport) -> list[Coverage]:
    """The coverage of every policy the report's cases ran, in the order first met."""
    by_policy: dict[str, list[CaseResult]] = {}
    for r in report.results:
        by_policy.setdefault(r.policy, []).append(r)
    return [coverage(report.policies[name], results) for name, results in by_policy.items() if name in report.policies]


__all__ += ["report_coverage", "band_range"]
