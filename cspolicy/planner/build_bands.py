"""Build the ``bands:`` section into :class:`~cspolicy.planner.plan.BandsPlan` and check
every table with each parameter's values as of each of their dates (at load time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from cspolicy.blocks.bands import BandsError
from cspolicy.errors import PolicyError
from cspolicy.planner.band_tables import bind_bands
from cspolicy.planner.parameters import ParameterDef
from cspolicy.planner.plan import BandBound, BandPlan, BandsPlan
from cspolicy.planner.scalars import convert_scalar
from cspolicy.schema.models import BandsSpec, LabelText, PolicyModel
from cspolicy.schema.yamlsource import Document
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["build_bands", "check_band_tables"]


def build_bands(model: PolicyModel, doc: Document, params: Mapping[str, ParameterDef]) -> dict[str, BandsPlan]:
    """The policy's band tables (``bands:``), each bound a number, a percent or a numeric
    parameter (checked with each parameter's values by :func:`check_band_tables`)."""
    return {name: _band_table(doc, name, b, params) for name, b in model.bands.items()}


def _band_table(doc: Document, name: str, b: BandsSpec, params: Mapping[str, ParameterDef]) -> BandsPlan:
    path: tuple[str | int, ...] = ("bands", name)
    used: list[str] = []
    plans = []
    # A table with a percent bound (7% or a percent parameter) compares percents: its
    # bare numbers follow the percent rule, so `above: 7` is refused, not read as 700 %.
    raws = [r.strip() if isinstance(r, str) else r for x in b.bands for r in (x.above, x.at_least, x.below, x.at_most)]
    percents = any(
        isinstance(r, str) and (r.endswith(("%", "％")) or (r in params and params[r].type is ColumnType.PERCENT)) for r in raws
    )
    for i, band in enumerate(b.bands):
        bp = (*path, "bands", i)

        def bound(key: str, raw: Any, bp: tuple[str | int, ...] = bp) -> BandBound | None:
            if raw is None:
                return None
            text = raw.strip() if isinstance(raw, str) else raw
            if isinstance(text, str) and text in params:
                if params[text].type.kind is not Kind.NUMBER:
                    raise doc.error(
                        (*bp, key),
                        f"band bound '{text}' is a {params[text].type.value} parameter",
                        "a number, a percent or a numeric parameter",
                    )
                used.append(text)
                return BandBound(parameter=text)
            value = convert_scalar(
                doc,
                (*bp, key),
                text,
                ColumnType.PERCENT if percents else ColumnType.DECIMAL,
                f"{name} band {key}",
            )
            assert isinstance(value, Decimal)
            return BandBound(number=value)

        outcome = convert_scalar(doc, (*bp, "outcome"), band.outcome, b.outcome_type, f"{name} outcome")
        plans.append(
            BandPlan(
                outcome,
                bound("above", band.above),
                bound("at_least", band.at_least),
                bound("below", band.below),
                bound("at_most", band.at_most),
                _en(band.label, ""),
            )
        )
    other = (
        None
        if b.otherwise is None
        else convert_scalar(doc, (*path, "otherwise"), b.otherwise, b.outcome_type, f"{name} otherwise")
    )
    return BandsPlan(
        name,
        b.outcome_type,
        tuple(plans),
        other,
        b.otherwise is not None,
        b.rule,
        doc.line_of(path),
        tuple(dict.fromkeys(used)),
    )


def _en(label: LabelText | None, default: str) -> str:
    """The English wording of a label, as explanations use it (else Chinese, else ``default``)."""
    return default if label is None else label.of(default).text("en")


def check_band_tables(bands: Mapping[str, BandsPlan], params: Mapping[str, Any], doc: Document) -> None:
    """Check every band table with each parameter's values as of each of their dates."""
    dates = sorted({v.since for p in params.values() for v in p.values} or {dt.date.min})
    for plan in bands.values():
        for day in dates:
            values: dict[str, Value] = {}
            for n in plan.parameters:
                v = params[n].at(day)
                if v is None:
                    break
                values[n] = v.value
            else:
                try:
                    bind_bands(plan, values)
                except BandsError as exc:
                    when = f" (with the parameters in force on {day})" if plan.parameters else ""
                    raise PolicyError(
                        f"bands.{plan.name}: {exc.message}{when}", file=doc.file, line=plan.line, expected=exc.expected
                    ) from None
