"""The policy file format, as pydantic models.

These models describe the *shape* of a policy YAML file (what keys exist, what each holds)
and give editors a JSON Schema. Values that need exact arithmetic (numbers, percents,
dates) arrive as text from the strict YAML loader and are converted by the policy builder
with the same converters that read CSV cells, so ``7%`` means the same everywhere.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cspolicy.i18n import Label
from cspolicy.values import ColumnType

__all__ = [
    "Strict",
    "Title",
    "LabelText",
    "LabelSpec",
    "EnumValue",
    "ParamValue",
    "Parameter",
    "Column",
    "Input",
    "PresetColumn",
    "HeaderPreset",
    "TableLabels",
    "LookupTable",
    "Rounding",
    "OutputColumn",
    "WindowSpec",
    "Check",
    "WarningRule",
    "Constraint",
    "LadderStep",
    "RankStep",
    "Join",
    "Output",
    "BandSpec",
    "BandsSpec",
    "FineRange",
    "OffenceSpec",
    "ScheduleSpec",
    "PolicyModel",
    "Use",
    "Consistency",
    "NAME_PATTERN",
    "RULE_ID_PATTERN",
]

NAME_PATTERN = r"^[^\W\d_][\w]*$"
RULE_ID_PATTERN = r"^R-[A-Z]{2}-\d+[a-z]?$"
_NAME = re.compile(NAME_PATTERN)

#: A scalar as written in YAML: text (numbers stay text until converted exactly) or a bool.
Scalar = Union[str, bool]


def _not_a_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a whole number")
    return value


#: A whole number written in YAML (as text, ``2``); ``true``/``false`` are not 1 and 0.
WholeNumber = Annotated[int, BeforeValidator(_not_a_bool)]


#: An age for ``review_age``: whole years, months or days (``2y``, ``18m``, ``90d``).
AGE_PATTERN = r"^[1-9][0-9]{0,3}[ymd]$"


class Strict(BaseModel):
    """Base of every policy model: unknown keys are errors, with a suggestion."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = {f.alias or n for n, f in cls.model_fields.items()}
            for key in data:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    raise PydanticCustomError(
                        "unknown_key",
                        "unknown key '{key}'{hint} (allowed: {allowed})",
                        {"key": key, "hint": hint, "allowed": ", ".join(sorted(allowed)), "badkey": key},
                    )
        return data


def _check_name(value: str, what: str) -> str:
    if not _NAME.match(value):
        raise ValueError(f"{what} '{value}' must be a name: letters, digits and _, not starting with a digit or _")
    return value


class Title(Strict):
    zh: str = Field(description="Chinese title, as the handbook names the rule set.")
    en: str = Field(description="English title.")


class LabelText(Strict):
    """A name in two languages: ``{zh: 周订单量, en: weekly order}``; either may be left out.

    Written as a plain string (``label: weekly order``) it is the same text in both
    languages. The completeness check (``cspolicy check``) names what lacks a language.
    """

    zh: str | None = Field(None, min_length=1, description="Chinese wording, as the handbook says it.")
    en: str | None = Field(None, min_length=1, description="English wording.")

    def of(self, ident: str) -> Label:
        """This wording as the :class:`~cspolicy.i18n.Label` of ``ident``."""
        return Label(ident, self.zh, self.en)


def _plain_label(value: Any) -> Any:
    return {"zh": value, "en": value} if isinstance(value, str) else value


_TEXT_PAIR = {"zh": {"type": "string"}, "en": {"type": "string"}}
#: A label: ``{zh: …, en: …}``, or a plain string meaning the same text in both languages.
LabelSpec = Annotated[
    LabelText,
    BeforeValidator(_plain_label),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "object", "properties": _TEXT_PAIR, "additionalProperties": False},
            ],
            "description": "A label: {zh: …, en: …}, or one text for both languages.",
        }
    ),
]


class EnumValue(Strict):
    """One allowed value of an enum input column: its labels and other accepted spellings.

    ``station: {zh: 站点, en: station, aliases: [网点]}``; the older list form
    ``station: [站点, 网点]`` gives spellings only. Labels are accepted spellings too.
    """

    zh: str | None = Field(None, min_length=1)
    en: str | None = Field(None, min_length=1)
    aliases: list[str] = Field(default_factory=list, description="Other spellings accepted in a cell.")


EnumValueSpec = Annotated[
    EnumValue,
    BeforeValidator(lambda v: {"aliases": v} if isinstance(v, list) else v),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {
                    "type": "object",
                    "properties": {**_TEXT_PAIR, "aliases": {"type": "array", "items": {"type": "string"}}},
                    "additionalProperties": False,
                },
            ],
            "description": "Labels and spellings of an enum value: {zh: …, en: …, aliases: […]} or [spellings].",
        }
    ),
]


class ParamValue(Strict):
    """One dated value of a parameter: in force from ``from`` until the next value."""

    from_: str = Field(alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$", description="Date it takes effect, YYYY-MM-DD.")
    value: Scalar = Field(description="The value, written like a CSV cell of the parameter's type (7%, 20.92).")
    region: str | None = Field(None, description="Region this value applies to; omitted = every region.")
    source: str | None = Field(None, description="Where this value comes from (law, notice, handbook).")


class Parameter(Strict):
    """A named, typed, dated policy constant (a rate, a threshold, an amount)."""

    type: ColumnType
    label: LabelSpec | None = Field(None, description="Words used for it in explanations, e.g. 'loss allowance'.")
    description: str
    source: str = Field(description="Where the rule comes from, e.g. 'seed 002 物料管控规定 4.1'.")
    rule: str | None = Field(None, pattern=RULE_ID_PATTERN)
    min: Scalar | None = None
    max: Scalar | None = None
    choices: list[str] | None = Field(None, description="For enum parameters: the allowed values.")
    values: list[ParamValue] = Field(min_length=1)
    per_row: bool = Field(
        False,
        description="Read per row with param_at('name', date, region) (a minimum wage by each employee's region and "
        "month) instead of once per run; its bare name is then not a formula name.",
    )
    review_age: str | None = Field(
        None,
        pattern=AGE_PATTERN,
        description="cspolicy lint: the newest value may be at most this old (2y, 18m, 90d); overrides lint.review_age.",
    )


class Column(Strict):
    """One input column: its type, the headers that name it, and what is allowed."""

    type: ColumnType
    label: LabelSpec | None = Field(None, description="Its name in both languages; also accepted as a header.")
    description: str | None = None
    aliases: list[str] = Field(default_factory=list, description="Other headers (Chinese, English).")
    required: StrictBool = True
    default: Scalar | None = None
    min: Scalar | None = Field(None, description="Smallest allowed value (inclusive).")
    max: Scalar | None = Field(None, description="Largest allowed value (inclusive).")
    values: dict[str, EnumValueSpec] | list[str] | None = Field(
        None, description="For enum columns: allowed values, optionally each with labels and accepted spellings."
    )
    key: bool = Field(
        False,
        description="Text that identifies something (an id, a station): read in one written form, so E001, "
        "' e001 ' and Ｅ００１ are one value. Automatic for columns used in an output's key, group_by or ladder entity.",
    )
    multiline: bool = Field(False, description="Text cells may hold line breaks (any other cell holding one is refused).")
    values_from: str | None = Field(
        None,
        description="For enum columns: the allowed values are the keys of this lookup table, and its label and "
        "alias columns are accepted spellings of them (an item given by its Chinese name).",
    )


class TableLabels(Strict):
    """The columns of a lookup table that hold each key's label in each language."""

    zh: str | None = Field(None, description="The column holding the Chinese label of each key.")
    en: str | None = Field(None, description="The column holding the English label of each key.")


class LookupTable(Strict):
    """A static table declared in the policy (an item catalogue): rows by a unique key,
    columns typed like input columns, read in formulas with ``lookup('table', key, 'column')``."""

    label: LabelSpec | None = None
    description: str | None = None
    key: str = Field(description="The column whose values identify the rows (unique; text unless declared).")
    columns: dict[str, Column] = Field(min_length=1, description="The columns besides the key (the key may be declared too).")
    labels: TableLabels | None = Field(None, description="Columns with each key's labels: {zh: name, en: name_en}.")
    aliases: list[str] = Field(default_factory=list, description="Columns whose values are other spellings of the key.")
    rows: list[dict[str, Scalar]] = Field(min_length=1, description="The rows: {code: B1, name: 第一, points: 5}.")

    @field_validator("columns")
    @classmethod
    def _names(cls, v: dict[str, Column]) -> dict[str, Column]:
        for name in v:
            _check_name(name, "column")
        return v


class PresetColumn(Strict):
    """Where a real export holds one policy column, and how it writes it."""

    header: str = Field(min_length=1, description="The export's header for this column.")
    values: dict[str, list[str]] | None = Field(
        None, description="The column's values (as written in a cell of its type) → the export's spellings of each."
    )
    unit: Literal["s", "ms", "min"] | None = Field(None, description="The export's unit of a duration: s, ms or min.")
    utc_offset: str | None = Field(
        None,
        pattern=r"^[+-]\d{2}:\d{2}$",
        description="Moments written in UTC (2025-03-03T01:02:03Z) are shifted to this offset (+08:00).",
    )


def _preset_column(value: Any) -> Any:
    return {"header": value} if isinstance(value, str) else value


PresetColumnSpec = Annotated[PresetColumn, BeforeValidator(_preset_column)]


class HeaderPreset(Strict):
    """A real export's column names (and value conventions) for one input."""

    label: LabelSpec | None = None
    source: str = Field(description="The published field documentation the mapping follows.")
    description: str | None = None
    columns: dict[str, PresetColumnSpec] = Field(
        min_length=1, description="Policy column → the export's header, or {header, values, unit, utc_offset}."
    )


class Input(Strict):
    """A named input table (one CSV file)."""

    label: LabelSpec | None = None
    description: str | None = None
    key: list[str] = Field(
        default_factory=list,
        description="Columns whose values identify one row: a second row with the same values is an input error.",
    )
    optional: StrictBool = Field(False, description="A run may go without this file (its outputs then have no rows).")
    columns: dict[str, Column] = Field(min_length=1)
    presets: dict[str, HeaderPreset] = Field(
        default_factory=dict, description="Named real exports this input can be read from (chosen by headers or --preset)."
    )

    @field_validator("columns")
    @classmethod
    def _names(cls, v: dict[str, Column]) -> dict[str, Column]:
        for name in v:
            _check_name(name, "column")
        return v


class Rounding(Strict):
    places: WholeNumber = Field(ge=0, le=10)
    mode: Literal["half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"] = "half_up"


class WindowSpec(Strict):
    """A window function: a value computed over the rows of a partition of the output's
    source (rank per month, last place, partition totals, last period's value)."""

    fn: Literal["rank", "last", "total", "count", "previous"]
    by: str | None = Field(None, description="rank/last: the formula ranked (over source columns and parameters).")
    order: Literal["ascending", "descending"] = "ascending"
    ties: Literal["competition", "dense", "row"] = Field(
        "competition", description="rank: 1224 (competition), 1223 (dense) or 1234 (row: ties in input order)."
    )
    of: str | None = Field(None, description="total/previous: the formula summed or looked back at.")
    partition: list[str] = Field(default_factory=list, description="Source columns; rows with equal values form a partition.")
    entity: list[str] = Field(default_factory=list, description="previous: the columns that identify the same entity.")
    period: str | None = Field(None, description="previous: the period column (a number, or a YYYY-MM month).")

    @model_validator(mode="after")
    def _needs(self) -> WindowSpec:
        if self.fn in ("rank", "last") and self.by is None:
            raise ValueError(f"window '{self.fn}' needs 'by': the formula to rank by")
        if self.fn in ("total", "previous") and self.of is None:
            raise ValueError(f"window '{self.fn}' needs 'of': the formula to {'sum' if self.fn == 'total' else 'look back at'}")
        if self.fn == "previous":
            if not self.entity or self.period is None:
                raise ValueError("window 'previous' needs 'entity' (columns) and 'period' (a column)")
            if self.partition:
                raise ValueError("window 'previous' partitions by 'entity', not by 'partition'")
        elif self.entity or self.period is not None:
            raise ValueError(f"'entity' and 'period' belong to window 'previous', not '{self.fn}'")
        if self.by is not None and self.fn not in ("rank", "last"):
            raise ValueError(f"'by' belongs to windows 'rank' and 'last', not '{self.fn}'")
        if self.of is not None and self.fn not in ("total", "previous"):
            raise ValueError(f"'of' belongs to windows 'total' and 'previous', not '{self.fn}'")
        return self


class OutputColumn(Strict):
    """One output column: a formula (``expr``), an aggregate (``agg`` of a formula) or a
    window function (``window``)."""

    expr: str | None = Field(None, description="Formula over source columns, parameters and earlier columns.")
    agg: Literal["sum", "count", "count_true", "min", "max", "all", "any", "first", "last", "max_by", "min_by", "list"] | None = (
        None
    )
    of: str | None = Field(None, description="With agg: the formula aggregated over the group's rows.")
    by: str | None = Field(None, description="With max_by/min_by: the formula that orders the rows.")
    sep: str | None = Field(None, description="With agg: list, the text between items (default '；').")
    type: ColumnType | None = None
    label: LabelSpec | None = Field(None, description="Its name in both languages: the header of CSV files and tables.")
    values: dict[str, LabelSpec] | None = Field(
        None, description="Labels of the values (statuses) this text column holds: {ok: {zh: 正常, en: ok}}."
    )
    round: Rounding | Literal["none"] | None = None
    rule: str | list[str] | None = None
    hidden: StrictBool = Field(False, description="Computed and usable by later columns, but not written out.")
    window: WindowSpec | None = Field(None, description="A window function over partitions of the source rows.")

    @model_validator(mode="after")
    def _one_kind(self) -> OutputColumn:
        if self.window is not None:
            if self.expr is not None or self.agg is not None:
                raise ValueError("give exactly one of 'expr' (a formula), 'agg' (an aggregate) or 'window'")
            return self
        if (self.expr is None) == (self.agg is None):
            raise ValueError("give exactly one of 'expr' (a formula) or 'agg' (an aggregate)")
        if self.agg not in (None, "count") and self.of is None:
            raise ValueError(f"aggregate '{self.agg}' needs 'of': the formula to aggregate")
        if self.agg in ("max_by", "min_by") and self.by is None:
            raise ValueError(f"aggregate '{self.agg}' needs 'by': the formula that orders rows")
        if self.sep is not None and self.agg != "list":
            raise ValueError("'sep' goes with agg: list (the text between the listed items)")
        return self


class Check(Strict):
    """A row condition that must hold, or the row is rejected (exit 1) with ``message``."""

    require: str
    message: LabelSpec = Field(description="What is wrong: one text, or {zh: …, en: …} (--lang zh shows the Chinese).")
    column: str | None = Field(None, description="The input column to blame in the error.")
    rule: str | None = None


class WarningRule(Strict):
    """A note on each row (or group) for which ``when`` holds; the run goes on (``--strict``
    makes it an error). ``message`` may use ``{name}`` of anything the formula may use."""

    when: str = Field(description="A condition over the row's (or group's) columns, source columns and parameters.")
    message: LabelSpec = Field(
        description="What to say; {name} is replaced by that value, as the output shows it. One text, or {zh: …, en: …}."
    )
    column: str | None = Field(None, description="The input column to name in file:row:column.")
    rule: str | None = None


class Constraint(Strict):
    """A condition between parameters that every run must satisfy (e.g. min ≤ max)."""

    require: str
    message: str
    rule: str | None = None


class LadderStep(Strict):
    """Count each row as an occurrence of an offence and look up its sanction."""

    schedule: str
    entity: list[str] = Field(min_length=1)
    offence: str | None = Field(None, description="The column naming each row's offence (its code or name).")
    offence_code: str | None = Field(
        None, description="Instead of offence: every row is this one offence of the schedule (a lateness file: L1)."
    )
    date: str
    amount: str | None = None


class RankStep(Strict):
    """Rank the whole table by a formula and give each row the award of its rank."""

    by: str
    order: Literal["ascending", "descending"] = "ascending"
    awards: list[str] = Field(min_length=1, description="Parameter names: the amount for rank 1, 2, 3 …")
    ties: str = Field(description="Parameter name whose value is the tie rule: higher, lower or split.")


class Join(Strict):
    """Bring columns of another table (held in memory, one row per key) into each row."""

    with_: str = Field(alias="with", description="The input or earlier output joined (an output of that name wins).")
    on: list[str] = Field(min_length=1, description="Columns of both tables whose values must be equal.")
    how: Literal["left", "inner", "lookup"] = Field(
        "left", description="left: no match gives blanks; inner: no match drops the row; lookup: no match is an error."
    )
    columns: dict[str, str] | list[str] | None = Field(
        None, description="The joined columns brought in: [names], or {new_name: their_name}; default all but 'on'."
    )


class Output(Strict):
    """A named output table computed from an input table or from another output."""

    from_: str = Field(alias="from")
    label: LabelSpec | None = None
    description: str | None = None
    key: list[str] = Field(default_factory=list, description="Columns that identify a row for --explain.")
    group_by: list[str] | None = Field(None, description="Group rows by these source columns (one row per group).")
    group_by_choices: dict[str, list[str]] | None = Field(
        None,
        description="Groupings a run chooses with --by NAME (several: grouped by all, in the order given); "
        "group_by is the default. The key columns are added first, automatically.",
    )
    sort_by: list[str] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    warnings: list[WarningRule] = Field(default_factory=list, description="Notes on rows that do not stop the run.")
    ladder: LadderStep | None = None
    rank: RankStep | None = None
    join: list[Join] = Field(default_factory=list, description="Tables joined to each source row by key, in order.")
    where: str | None = Field(
        None, description="A condition on each source row (after joins): rows for which it is false are left out."
    )
    internal: StrictBool = Field(
        False, description="A step toward other outputs: computed when they need it, written only when named with --only."
    )
    columns: dict[str, OutputColumn | str] = Field(min_length=1)

    @field_validator("columns")
    @classmethod
    def _names(cls, v: dict[str, OutputColumn | str]) -> dict[str, OutputColumn | str]:
        for name in v:
            _check_name(name, "output column")
        return v


class BandSpec(Strict):
    """One range of a band table; each bound is a number/percent or a parameter name."""

    above: Scalar | None = Field(None, description="Lower bound, exclusive (x > above).")
    at_least: Scalar | None = Field(None, description="Lower bound, inclusive (x ≥ at_least).")
    below: Scalar | None = Field(None, description="Upper bound, exclusive (x < below).")
    at_most: Scalar | None = Field(None, description="Upper bound, inclusive (x ≤ at_most).")
    outcome: Scalar
    label: LabelSpec | None = Field(None, description="The outcome's name in both languages.")

    @model_validator(mode="after")
    def _bounds(self) -> BandSpec:
        if self.above is not None and self.at_least is not None:
            raise ValueError("give at most one lower bound: 'above' (>) or 'at_least' (≥)")
        if self.below is not None and self.at_most is not None:
            raise ValueError("give at most one upper bound: 'below' (<) or 'at_most' (≤)")
        return self


class BandsSpec(Strict):
    """A band table, callable in formulas as ``name(value)``."""

    description: str | None = None
    rule: str | None = None
    outcome_type: ColumnType = Field(ColumnType.TEXT, description="Type of the outcomes (text, decimal …).")
    bands: list[BandSpec] = Field(min_length=1)
    otherwise: Scalar | None = Field(None, description="Outcome when no band contains the value; omitted = error.")


class FineRange(Strict):
    min: Scalar
    max: Scalar


class OffenceSpec(Strict):
    """One offence of a penalty schedule and its ladder of sanctions."""

    zh: str
    en: str
    rule: str = Field(pattern=RULE_ID_PATTERN)
    window: str | dict[str, StrictInt | str] = Field(
        "month", description="Counting window: month, year, ever, 'rolling N days' or {rolling: N}."
    )
    after_last: Literal["repeat", "none"] | None = Field(
        None, description="After the last rung: repeat it, or none; default repeat unless it includes dismissal."
    )
    ladder: list[str | dict[str, Any]] = Field(min_length=1)
    note: str | None = None


class ScheduleSpec(Strict):
    """A penalty schedule: offences with ladders, and the gravity order of sanctions."""

    description: str | None = None
    gravity: list[str] = Field(min_length=1, description="Sanction kinds from least to most grave.")
    sanctions: dict[str, LabelSpec] = Field(
        default_factory=dict, description="Labels of the sanction kinds (and of 'none'): {warning: {zh: 口头警告, en: warning}}."
    )
    offences: dict[str, OffenceSpec] = Field(min_length=1)


class DefaultPeriod(Strict):
    """Where a run without --period takes its period from: the month of the latest value of
    a date (or moment, or month) column of an input; a warning says so."""

    input: str = Field(description="The input whose column is read (an events log).")
    column: str = Field(description="Its date, datetime or period column.")


class LintSettings(Strict):
    """What ``cspolicy lint`` checks beyond its defaults."""

    review_age: str | None = Field(
        None,
        pattern=AGE_PATTERN,
        description="Every parameter's newest value may be at most this old (2y, 18m, 90d), e.g. a minimum wage.",
    )


class Use(Strict):
    """Another policy this one is made of (a component of a bundle: docs/policy-format.md, "Bundles")."""

    policy: str = Field(description="A shipped policy's name, or the path of a policy file relative to this file.")
    outputs: list[str] | None = Field(
        None, min_length=1, description="The component's outputs the bundle uses (default: all of them)."
    )
    label: LabelSpec | None = Field(None, description="The component's name in both languages.")


class KnownRule(Strict):
    """Every row of ``input`` names a row of ``in`` (people in events are in staff)."""

    input: str
    columns: list[str] = Field(min_length=1, description="Columns present under the same names in both inputs.")
    in_: str = Field(alias="in", description="The input whose rows are the known ones (staff).")


class UniqueRule(Strict):
    """No two rows of ``input`` have the same values in ``columns``."""

    input: str
    columns: list[str] = Field(min_length=1)


class PeriodRule(Strict):
    """Every date in ``column`` of ``input`` lies within the run's --period."""

    input: str
    column: str


class Consistency(Strict):
    """Checks across the run's input files, before anything is computed (docs/policy-format.md)."""

    problems: Literal["error", "warning"] = Field(
        "error", description="error: a problem rejects the run (exit 1); warning: it is reported and the run goes on."
    )
    known: list[KnownRule] = Field(default_factory=list)
    unique: list[UniqueRule] = Field(default_factory=list)
    in_period: list[PeriodRule] = Field(default_factory=list)


class PolicyModel(Strict):
    """A whole policy file."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Title
    family: str
    version: str
    description: str | None = None
    rules: dict[str, LabelSpec] = Field(
        description="Rule IDs this policy implements, with a one-line summary (a text, or {zh: …, en: …})."
    )
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    constraints: list[Constraint] = Field(default_factory=list, description="Conditions on the parameters.")
    bands: dict[str, BandsSpec] = Field(default_factory=dict)
    schedules: dict[str, ScheduleSpec] = Field(default_factory=dict)
    tables: dict[str, LookupTable] = Field(default_factory=dict, description="Static lookup tables (item catalogues).")
    use: dict[str, Use] = Field(
        default_factory=dict, description="Other policies this one is made of, by component name (a bundle)."
    )
    inputs: dict[str, Input] = Field(default_factory=dict)
    outputs: dict[str, Output] = Field(min_length=1)
    default_period: DefaultPeriod | None = Field(
        None, description="Without --period: the month of the latest date in this input column (said as a warning)."
    )
    consistency: Consistency | None = Field(None, description="Checks across the input files (unknown keys, repeats, dates).")

    @model_validator(mode="after")
    def _some_input(self) -> PolicyModel:
        if not self.inputs and not self.use:
            raise ValueError("inputs: a policy reads at least one input (or uses other policies: 'use:')")
        return self

    lint: LintSettings | None = Field(None, description="Settings of cspolicy lint (review_age).")

    @field_validator("rules")
    @classmethod
    def _rule_ids(cls, v: dict[str, LabelText]) -> dict[str, LabelText]:
        for rid in v:
            if not re.match(RULE_ID_PATTERN, rid):
                raise ValueError(f"rule ID '{rid}' must look like R-MT-1")
        return v

    @field_validator("parameters", "bands", "inputs", "outputs", "schedules", "tables", "use")
    @classmethod
    def _names(cls, v: dict[str, Any]) -> dict[str, Any]:
        for name in v:
            _check_name(name, "name")
        return v
