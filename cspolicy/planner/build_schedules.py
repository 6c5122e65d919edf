"""Build penalty schedules (offences and their ladders) from a policy's ``schedules:``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from cspolicy.blocks import Action, Ladder, Offence, Rung, Schedule, Window
from cspolicy.blocks.ladders import ScheduleError
from cspolicy.errors import PolicyError
from cspolicy.schema.models import PolicyModel
from cspolicy.schema.yamlsource import Document
from cspolicy.values import ColumnType

__all__ = ["build_schedules"]

_ROLLING = re.compile(r"^rolling:?\s+(\d+)(?:\s+days?)?$")  # 'rolling 30 days', {rolling: 30}
_SIMPLE = ("warning", "written_warning", "suspension", "dismissal", "resignation")


def build_schedules(model: PolicyModel, doc: Document) -> dict[str, Schedule]:
    from cspolicy.planner.build import convert_scalar

    out: dict[str, Schedule] = {}
    for sname, spec in model.schedules.items():
        offences = []
        for code, o in spec.offences.items():
            base = ("schedules", sname, "offences", code)
            if o.rule not in model.rules:
                raise doc.error((*base, "rule"), f"rule '{o.rule}' is not listed under 'rules'")
            text = o.window if isinstance(o.window, str) else " ".join(f"{k} {v}" for k, v in o.window.items())
            m = _ROLLING.match(text.strip())
            if text in ("month", "year", "ever"):
                window = Window(text)
            elif m and int(m.group(1)) > 0:
                window = Window("rolling", int(m.group(1)))
            else:
                raise doc.error((*base, "window"), f"unknown window '{text}'", "month, year, ever, or 'rolling N days'")
            rungs = []
            for i, raw in enumerate(o.ladder):
                path = (*base, "ladder", i)
                try:
                    rungs.append(Rung(tuple(_actions(doc, path, raw, convert_scalar))))
                except ScheduleError as exc:  # a rung the blocks refuse (a negative fine, say)
                    if exc.file is not None:
                        raise
                    raise doc.error(path, exc.message, exc.expected) from None
            # R-PN-1: after the last rung the last rung repeats, unless the ladder ends in dismissal.
            after_last = o.after_last or ("none" if any(a.kind == "dismissal" for a in rungs[-1].actions) else "repeat")
            try:
                offences.append(Offence(code, o.zh, o.en, Ladder(tuple(rungs), window, after_last), o.rule))
            except (ScheduleError, ValueError) as exc:
                raise doc.error(base, str(getattr(exc, "message", exc))) from None
        try:
            out[sname] = Schedule(offences, spec.gravity)
        except ScheduleError as exc:
            raise PolicyError(
                f"schedules.{sname}: {exc.message}", file=doc.file, line=doc.line_of(("schedules", sname)), expected=exc.expected
            ) from None
    return out


def _actions(doc: Document, path: tuple[str | int, ...], raw: Any, conv: Any) -> list[Action]:
    """A rung: ``warning``, ``{fine: 20}``, ``{fine: {min: 100, max: 500}}``, or a mapping
    combining several, e.g. ``{fine: {min: 100, max: 500}, dismissal: true}``."""
    if isinstance(raw, str):
        if raw not in _SIMPLE:
            raise doc.error(path, f"unknown sanction '{raw}'", f"one of: {', '.join(_SIMPLE)}, or {{fine: AMOUNT}}")
        return [Action(raw)]
    if not isinstance(raw, dict) or not raw:
        raise doc.error(path, "a rung must be a sanction name or a mapping", "e.g. warning, {fine: 20}")
    actions = []
    for kind, value in raw.items():
        if kind == "fine":
            if isinstance(value, dict):
                if "min" not in value or not set(value) <= {"min", "max", "required"}:
                    raise doc.error(
                        (*path, "fine"),
                        "a fine range needs 'min', optionally 'max' and 'required'",
                        "{min: 100, max: 500} or {min: 1, required: true}",
                    )
                required = value.get("required", False)
                if not isinstance(required, bool):
                    raise doc.error((*path, "fine", "required"), "'required' must be true or false")
                lo = conv(doc, (*path, "fine", "min"), value["min"], ColumnType.MONEY, "fine.min")
                hi = (
                    None
                    if value.get("max") is None
                    else conv(doc, (*path, "fine", "max"), value["max"], ColumnType.MONEY, "fine.max")
                )
                if hi is not None and lo > hi:
                    raise doc.error((*path, "fine"), f"fine range {lo}–{hi} has min above max")
                actions.append(Action("fine", minimum=lo, maximum=hi, amount_required=required))
            else:
                amount = conv(doc, (*path, "fine"), value, ColumnType.MONEY, "fine")
                assert isinstance(amount, Decimal)
                actions.append(Action("fine", amount=amount))
        elif kind in _SIMPLE:
            if value is not True:
                raise doc.error((*path, kind), f"'{kind}' in a combined rung must be 'true'")
            actions.append(Action(kind))
        else:
            raise doc.error((*path, kind), f"unknown sanction '{kind}'", f"fine or one of: {', '.join(_SIMPLE)}")
    return actions
