"""Compile the ``outputs:`` section: sources, columns, aggregates, checks, steps."""

from __future__ import annotations

import difflib
import re
from collections import ChainMap
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cspolicy.blocks.ranking import TIE_RULES
from cspolicy.expressions import Expression, FunctionSpec, Symbol
from cspolicy.expressions.symbols import describe_kind
from cspolicy.planner.build_joins import build_joins, check_order, waiting_for
from cspolicy.planner.parameters import ParameterDef
from cspolicy.planner.plan import LADDER_NAMES, RANK_NAMES, CheckPlan, ColumnPlan, LadderPlan, OutputPlan, RankPlan, WarningPlan
from cspolicy.schema.models import LabelText, Output, OutputColumn, WarningRule
from cspolicy.tables.spec import TableSpec
from cspolicy.values import ColumnType, Kind

if TYPE_CHECKING:
    from cspolicy.planner.build import Builder

__all__ = ["OutputBuilder"]

_KIND_DEFAULT = {
    Kind.NUMBER: ColumnType.DECIMAL,
    Kind.TEXT: ColumnType.TEXT,
    Kind.BOOLEAN: ColumnType.BOOLEAN,
    Kind.DATE: ColumnType.DATE,
    Kind.DATETIME: ColumnType.DATETIME,
    Kind.PERIOD: ColumnType.PERIOD,
}
_AGG_TYPES = {
    "count": ColumnType.INTEGER,
    "count_true": ColumnType.INTEGER,
    "all": ColumnType.BOOLEAN,
    "any": ColumnType.BOOLEAN,
    "list": ColumnType.TEXT,
}
#: The kind of an aggregate's result when it does not depend on what is aggregated.
_AGG_KINDS = {
    "sum": Kind.NUMBER,
    "count": Kind.NUMBER,
    "count_true": Kind.NUMBER,
    "all": Kind.BOOLEAN,
    "any": Kind.BOOLEAN,
    "list": Kind.TEXT,
}
#: The text between the items of a ``list`` aggregate unless it says otherwise.
LIST_SEPARATOR = "；"


def _en(label: LabelText | None, name: str) -> str:
    """The English wording of a label, as explanations use it (else Chinese, else ``name``)."""
    return name if label is None else label.of(name).text("en")


class OutputBuilder:
    def __init__(
        self,
        b: Builder,
        inputs: Mapping[str, TableSpec],
        params: Mapping[str, ParameterDef],
        functions: Mapping[str, FunctionSpec],
    ) -> None:
        from cspolicy.planner.build import column_symbol, param_symbols

        self.b, self.doc, self.inputs, self.functions = b, b.doc, inputs, functions
        self.params = params
        self.param_syms = param_symbols(params, [n for n, spec in inputs.items() if spec.optional])
        self.input_syms = {t: {c.name: column_symbol(c) for c in spec.columns} for t, spec in inputs.items()}
        self.done: dict[str, OutputPlan] = {}
        self.out_syms: dict[str, dict[str, Symbol]] = {}

    def build_all(self) -> dict[str, OutputPlan]:
        pending = dict(self.b.model.outputs)
        while pending:
            progressed = False
            for name, out in list(pending.items()):
                if (
                    (out.from_ in self.done and out.from_ != name)
                    or (out.from_ in self.inputs and (out.from_ == name or out.from_ not in self.b.model.outputs))
                ) and waiting_for(self, name, out) is None:
                    self.done[name] = self.build(name, out)
                    del pending[name]
                    progressed = True
            if not progressed:
                name, out = next(iter(pending.items()))
                side = waiting_for(self, name, out)
                if side is not None and out.from_ in {*self.done, *self.inputs}:
                    i = [j.with_ for j in out.join].index(side)
                    raise self.doc.error(
                        ("outputs", name, "join", i, "with"),
                        f"output '{name}' joins '{side}', which cannot be computed before it",
                        "joins and sources without cycles",
                    )
                known = sorted([*self.inputs, *self.b.model.outputs])
                raise self.doc.error(
                    ("outputs", name, "from"),
                    f"output '{name}' reads from '{out.from_}', which is not an input or a computable output",
                    f"one of: {', '.join(known)} (and no cycles)",
                )
        check_order(self, self.done)
        return self.done

    def build(self, name: str, out: Output) -> OutputPlan:
        base: tuple[str | int, ...] = ("outputs", name)
        # An output reads another output of that name if there is one, else the input: so
        # output 'review' can read input 'review', and output 'units' the output 'review'.
        is_input = out.from_ == name or out.from_ not in self.done
        if is_input:
            src_syms = dict(self.input_syms[out.from_])
            src_cols = tuple((c.name, c.type) for c in self.inputs[out.from_].columns)
        else:
            src_syms = dict(self.out_syms[out.from_])
            src_cols = tuple((c.name, c.ctype) for c in self.done[out.from_].columns)
        lists: list[tuple[str, list[str]]] = [("group_by", out.group_by or []), ("sort_by", out.sort_by), ("key", out.key)]
        if out.ladder:
            lists.append(("ladder.entity", out.ladder.entity))
        for field, names in lists:  # a column named twice made generated code that failed
            twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
            if twice is not None:
                where = (*base, *field.split("."))
                raise self.doc.error(where, f"{field}: column '{twice}' is named twice", "each column once")
        joins, src_cols = build_joins(self, name, out, src_syms, src_cols)
        for field, names in (("group_by", out.group_by or []), ("sort_by", out.sort_by)):
            for n in names:
                if n not in src_syms and not (field == "sort_by" and n in out.columns):
                    raise self.doc.error(
                        (*base, field), f"{field}: unknown column '{n}'", f"a column of '{out.from_}': {', '.join(src_syms)}"
                    )
        ladder = rank = None
        step_syms: dict[str, Symbol] = {}
        if out.ladder:
            ls = out.ladder
            if ls.schedule not in self.b.model.schedules:
                raise self.doc.error(
                    (*base, "ladder", "schedule"),
                    f"unknown schedule '{ls.schedule}'",
                    f"one of: {', '.join(self.b.model.schedules) or '(none declared)'}",
                )
            kinds = {"offence": (Kind.TEXT, "a text column"), "date": (Kind.DATE, "a date column")}
            kinds["amount"] = (Kind.NUMBER, "a number column (money)")
            for field in ("offence", "date", "amount"):
                col = getattr(ls, field)
                if col is not None and col not in src_syms:
                    raise self.doc.error((*base, "ladder", field), f"unknown column '{col}'", "a column of the source")
                kind, expected = kinds[field]
                if col is not None and src_syms[col].kind is not kind:  # (it was an internal error at run time)
                    raise self.doc.error(
                        (*base, "ladder", field),
                        f"ladder {field}: column '{col}' holds {describe_kind(src_syms[col].kind)}",
                        expected,
                    )
            for col in ls.entity:
                if col not in src_syms:
                    raise self.doc.error((*base, "ladder", "entity"), f"unknown column '{col}'", "a column of the source")
            ladder = LadderPlan(ls.schedule, tuple(ls.entity), ls.offence, ls.date, ls.amount)
            step_syms = {n: Symbol(n, t.kind, n, t) for n, t in LADDER_NAMES.items()}
        if out.rank:
            r = out.rank
            for pname in [*r.awards, r.ties]:
                if pname not in self.params:
                    raise self.doc.error((*base, "rank"), f"unknown parameter '{pname}'", "a declared parameter")
            for pname in r.awards:
                if self.params[pname].type.kind is not Kind.NUMBER:
                    raise self.doc.error(
                        (*base, "rank", "awards"), f"award '{pname}' is a {self.params[pname].type.value} parameter", "money"
                    )
            tie_rule = self.params[r.ties]
            if tie_rule.type is not ColumnType.ENUM or not set(tie_rule.choices) <= set(TIE_RULES):
                raise self.doc.error(
                    (*base, "rank", "ties"),
                    f"ties: parameter '{r.ties}' must be an enum of tie rules",
                    f"type: enum with choices among {', '.join(TIE_RULES)}",
                )
            by = self.b.compile((*base, "rank", "by"), r.by, {**self.param_syms, **src_syms}, self.functions)
            if by.kind is not Kind.NUMBER:
                raise self.doc.error((*base, "rank", "by"), f"rank by '{r.by}' gives {by.kind.value}", "a number to rank by")
            rank = RankPlan(by, r.order == "descending", tuple(r.awards), r.ties)
            step_syms = {n: Symbol(n, t.kind, n, t) for n, t in RANK_NAMES.items()}
        from cspolicy.planner.build_windows import compile_windows, window_symbols

        windows = compile_windows(self, name, out, src_syms)
        if windows:
            step_syms = window_symbols(windows)
        where_expr = None
        if out.where is not None:
            where_expr = self.b.compile((*base, "where"), out.where, {**self.param_syms, **src_syms}, self.functions)
            if where_expr.kind is not Kind.BOOLEAN:
                raise self.doc.error((*base, "where"), "where: must be a condition (true/false)", "such as month == period")
        checks = []
        pre_syms = {**self.param_syms, **src_syms, **step_syms}
        for i, chk in enumerate(out.checks):
            e = self.b.compile((*base, "checks", i, "require"), chk.require, pre_syms, self.functions)
            if e.kind is not Kind.BOOLEAN:
                raise self.doc.error((*base, "checks", i, "require"), "a check must be a condition (true/false)")
            text = chk.message.en or chk.message.zh or ""
            checks.append(CheckPlan(e, text, chk.column, chk.rule, self.doc.line_of((*base, "checks", i))))
        grouped = out.group_by is not None
        columns: list[ColumnPlan] = []
        col_syms: dict[str, Symbol] = {}
        for cname, raw in out.columns.items():
            col = OutputColumn.model_validate({"expr": raw}) if isinstance(raw, str) else raw
            path = (*base, "columns", cname)
            columns.append(self.column(name, cname, col, path, grouped, out.group_by or [], src_syms, step_syms, col_syms))
            plan = columns[-1]
            col_syms[cname] = Symbol(
                cname,
                plan.kind,
                plan.label,
                plan.ctype,
                plan.values,
                nullable=plan.kind is not Kind.NUMBER
                or plan.agg in ("min", "max", "first", "last", "max_by", "min_by")
                or (cname in step_syms and step_syms[cname].nullable),
            )
        for k in out.key:
            if k not in col_syms:
                raise self.doc.error((*base, "key"), f"key: unknown column '{k}'", "a column of this output")
        scope: Mapping[str, Symbol]
        if grouped:
            scope = ChainMap(col_syms, {k: src_syms[k] for k in out.group_by or []}, self.param_syms)
        else:
            scope = ChainMap(col_syms, step_syms, src_syms, self.param_syms)
        warnings = tuple(self.warning(base, i, rule, scope, src_syms) for i, rule in enumerate(out.warnings))
        self.out_syms[name] = col_syms
        return OutputPlan(
            name,
            out.from_,
            is_input,
            src_cols,
            tuple(columns),
            tuple(out.key),
            tuple(out.group_by or ()) if grouped else None,
            tuple(out.sort_by),
            tuple(checks),
            ladder,
            rank,
            out.description or "",
            joins,
            warnings,
            windows,
            where_expr,
            out.internal,
        )

    def warning(
        self, base: tuple[str | int, ...], i: int, rule: WarningRule, scope: Mapping[str, Symbol], src: Mapping[str, Symbol]
    ) -> WarningPlan:
        """One ``warnings:`` rule: a condition over the finished row (its columns, source
        columns, parameters), and a message whose ``{name}`` placeholders are names in scope."""
        path = (*base, "warnings", i)
        expr = self.b.compile((*path, "when"), rule.when, scope, self.functions)
        if expr.kind is not Kind.BOOLEAN:
            raise self.doc.error((*path, "when"), "a warning's 'when' must be a condition (true/false)")
        if rule.rule is not None and rule.rule not in self.b.model.rules:
            raise self.doc.error((*path, "rule"), f"rule '{rule.rule}' is not listed under 'rules'")
        if rule.column is not None and rule.column not in src:
            raise self.doc.error((*path, "column"), f"column: '{rule.column}' is not a column of the source", ", ".join(src))
        used = []
        message = rule.message.en or rule.message.zh or ""
        for name in dict.fromkeys(re.findall(r"\{(\w+)\}", message)):
            symbol = scope.get(name)
            if symbol is None:
                close = difflib.get_close_matches(name, list(scope), n=1)
                hint = f"; did you mean {{{close[0]}}}?" if close else ""
                raise self.doc.error(
                    (*path, "message"), f"message: {{{name}}} names nothing this warning can see{hint}", "{a column or parameter}"
                )
            used.append((name, symbol.ctype))
        return WarningPlan(expr, message, rule.column, rule.rule, self.doc.line_of(path), tuple(used))

    def column(
        self,
        out_name: str,
        cname: str,
        col: OutputColumn,
        path: tuple[str | int, ...],
        grouped: bool,
        group_by: list[str],
        src_syms: dict[str, Symbol],
        step_syms: dict[str, Symbol],
        col_syms: dict[str, Symbol],
    ) -> ColumnPlan:
        rules = tuple([col.rule] if isinstance(col.rule, str) else (col.rule or []))
        for r in rules:
            if r not in self.b.model.rules:
                raise self.doc.error(
                    (*path, "rule"), f"rule '{r}' is not listed under 'rules'", f"one of: {', '.join(self.b.model.rules)}"
                )
        line = self.doc.line_of(path)
        if col.window is not None:
            sym = step_syms[cname]
            assert sym.ctype is not None
            kept = col.round is None and col.type is None  # the window's exact value, unless a rounding is asked
            return ColumnPlan(
                cname,
                sym.ctype,
                _en(col.label, cname),
                line,
                expression=self.b.compile((*path, "window"), cname, {cname: sym}, {}),
                rounding=None if kept else self._rounding(col, sym.ctype),
                rules=rules,
                hidden=col.hidden,
                values=sym.values,
            )
        if col.agg is not None:
            if not grouped:
                raise self.doc.error(
                    (*path, "agg"),
                    f"'{cname}' aggregates, but output '{out_name}' has no group_by",
                    "group_by: [columns] (or group_by: [] for one total row)",
                )
            row_syms = {**self.param_syms, **src_syms, **step_syms}
            of = None if col.of is None else self.b.compile((*path, "of"), col.of, row_syms, self.functions)
            by = None if col.by is None else self.b.compile((*path, "by"), col.by, row_syms, self.functions)
            if col.agg in ("sum", "min", "max") and of is not None and of.kind is not Kind.NUMBER:
                if col.agg == "sum" or of.kind is Kind.BOOLEAN:
                    raise self.doc.error((*path, "of"), f"'{col.agg}' needs a number, '{col.of}' is {of.kind.value}")
            if col.agg in ("all", "any", "count_true") and of is not None and of.kind is not Kind.BOOLEAN:
                raise self.doc.error((*path, "of"), f"'{col.agg}' needs a condition, '{col.of}' is {of.kind.value}")
            if col.agg == "list" and of is not None and of.kind is not Kind.TEXT:
                raise self.doc.error(
                    (*path, "of"),
                    f"'list' lists texts, '{col.of}' is {of.kind.value}",
                    f"a text, e.g. {col.of} & '' (numbers shown as the output shows them)",
                )
            # The aggregate's kind follows from what it does (count → number, all → condition)
            # or from what it aggregates (first/min/max… of a text are text); its type is the
            # declared one, else the aggregated column's own, else the kind's default.
            kind = _AGG_KINDS.get(col.agg) or (of.kind if of is not None else Kind.NUMBER)
            ctype = col.type or _AGG_TYPES.get(col.agg) or self._infer(of, row_syms) or _KIND_DEFAULT[kind]
            if ctype.kind is not kind:
                raise self.doc.error(
                    (*path, "type"),
                    f"'{cname}' is declared {ctype.value} but its aggregate '{col.agg}' gives {kind.value}",
                    f"a type of kind {kind.value}, or no type (it is then inferred)",
                )
            values = of.result_values if of is not None and ctype.kind is Kind.TEXT else None
            self._check_value_labels(col, ctype, values, path)
            return ColumnPlan(
                cname,
                ctype,
                _en(col.label, cname),
                line,
                agg=col.agg,
                of=of,
                by=by,
                rounding=self._rounding(col, ctype),
                rules=rules,
                hidden=col.hidden,
                values=None if col.agg == "list" else values,
                sep=LIST_SEPARATOR if col.sep is None else col.sep,
            )
        assert col.expr is not None
        # chained, not merged: merging would copy every earlier column for each column
        syms: Mapping[str, Symbol]
        if grouped:
            syms = ChainMap(col_syms, {k: src_syms[k] for k in group_by}, self.param_syms)
        else:
            syms = ChainMap(col_syms, step_syms, src_syms, self.param_syms)
        expr = self.b.compile((*path, "expr"), col.expr, syms, self.functions)
        ctype = col.type or self._infer(expr, syms) or _KIND_DEFAULT[expr.kind]
        if ctype.kind is not expr.kind:
            raise self.doc.error(
                (*path, "type"),
                f"'{cname}' is declared {ctype.value} but its formula gives {expr.kind.value}",
                f"a type of kind {expr.kind.value}",
            )
        # A bare reference echoes a value (an input cell, a parameter, an earlier column): it is
        # not rounded again unless the column declares a type or a rounding.
        bare = expr.bare_name in syms and col.round is None and col.type is None
        self._check_value_labels(col, ctype, expr.result_values, path)
        return ColumnPlan(
            cname,
            ctype,
            _en(col.label, cname),
            line,
            expression=expr,
            rounding=None if bare else self._rounding(col, ctype),
            rules=rules,
            hidden=col.hidden,
            values=expr.result_values,
        )

    def _check_value_labels(
        self, col: OutputColumn, ctype: ColumnType, values: frozenset[str] | None, path: tuple[str | int, ...]
    ) -> None:
        """``values:`` labels a text column's values; a label for a value the column can never
        hold is a typo, found here rather than never shown."""
        if not col.values:
            return
        if ctype.kind is not Kind.TEXT:
            raise self.doc.error((*path, "values"), f"'values' labels the values of a text column, not of a {ctype.value}")
        for code in col.values:
            if values is not None and code not in values:
                raise self.doc.error(
                    (*path, "values", code),
                    f"the column never holds '{code}'",
                    f"a value its formula gives: {', '.join(sorted(v for v in values if v))}",
                )

    @staticmethod
    def _infer(expr: Expression | None, syms: Mapping[str, Symbol]) -> ColumnType | None:
        """A bare reference keeps the referenced type (growth stays a percent)."""
        if expr is None:
            return None
        sym = None if expr.bare_name is None else syms.get(expr.bare_name)
        if sym is not None and sym.ctype is not None:
            return sym.ctype
        if expr.ctype is not None:  # what the formula knows: a duration (end - start), a lookup's type
            return expr.ctype
        if expr.kind is Kind.TEXT and expr.result_values:
            return ColumnType.TEXT
        return None

    @staticmethod
    def _rounding(col: OutputColumn, ctype: ColumnType) -> tuple[int, str] | None:
        from cspolicy.planner.build import DEFAULT_ROUNDING

        if col.round == "none":
            return None
        if col.round is not None:
            return (col.round.places, col.round.mode)
        return DEFAULT_ROUNDING.get(ctype)
