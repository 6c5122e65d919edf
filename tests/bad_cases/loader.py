"""The policy loader (issue 14): wrong value types, comments in formulas, characters and
YAML structures that used to give tracebacks, bounded aliases and nesting, constraints,
aggregates, ranking and ladders. Each broken policy is refused with ``bad.yaml:LINE: …``
(exit 2); a rank key failing on a row is a data error naming the row (exit 1).
"""

from __future__ import annotations

from .common import BASE, REPO, WEEKLY_EXPR, Case, edit, policy_case

CLUB = (REPO / "policies" / "penalties-club.yaml").read_text(encoding="utf-8")
TRAINING = (REPO / "policies" / "rewards-training.yaml").read_text(encoding="utf-8")
REVIEW = (REPO / "policies" / "materials-review.yaml").read_text(encoding="utf-8")
G1_LADDER = "        ladder: [warning, {fine: 20}, {fine: 50}]\n"
MONTHLY_EXPR = "        expr: parcels × (1 + growth + loss)\n"
COUNT = "      stations:\n        agg: count\n"


def with_bands(bands: str) -> str:
    """The materials policy with a band table (used by no column, but checked at load)."""
    return edit("inputs:\n", "bands:\n  size:\n    bands:\n" + bands + "inputs:\n")


def with_constraint(require: str) -> str:
    return edit("inputs:\n", f"constraints:\n  - require: {require}\n    message: the rates must hold\ninputs:\n")


def alias_expansion() -> str:
    """Ten aliases, each doubling a 5,000-item list: 5 million values from 15 KB."""
    lines = ["x0: &x0 [" + ", ".join(["ab"] * 5000) + "]"]
    lines += [f"x{i}: &x{i} [*x{i - 1}, *x{i - 1}]" for i in range(1, 11)]
    return "\n".join(lines) + "\n" + BASE


CASES = [
    # --- a value of the wrong type is refused, never read as 1 or 100 % ----------------------
    policy_case(
        "loader-parameter-value-true",
        edit("        value: 7%", "        value: true"),
        ["parameter 'loss': true is not a percentage", "such as 7%"],
        "value: true",
    ),
    policy_case(
        "loader-parameter-min-true",
        edit("    min: 0%\n    max: 100%\n", "    min: true\n    max: 100%\n"),
        ["loss.min: true is not a percentage"],
        "min: true",
    ),
    policy_case(
        "loader-parameter-min-above-max",
        edit("    min: 0%\n    max: 100%\n", "    min: 50%\n    max: 10%\n"),
        ["loss: min 50% is above max 10%", "min ≤ max"],
        "max: 10%",
    ),
    policy_case(
        "loader-column-min-huge",
        edit("actual parcels]\n        min: 0\n", "actual parcels]\n        min: " + "9" * 30 + "\n"),
        ["parcels.min", "too large for a policy value"],
        "min: 999",
    ),
    policy_case(
        "loader-text-default-true",
        edit("      reason:\n        type: text\n", "      reason:\n        type: text\n        default: true\n"),
        ["default of 'reason': true is a yes/no value, not text", "'true'"],
        "default: true",
    ),
    policy_case(
        "loader-min-on-a-text-column",
        edit("      reason:\n        type: text\n", "      reason:\n        type: text\n        min: 5\n"),
        ["reason: 'min' applies only to numbers, not to type text"],
        "min: 5",
    ),
    policy_case(
        "loader-column-min-true",
        edit("actual parcels]\n        min: 0\n", "actual parcels]\n        min: true\n"),
        ["parcels.min: true is not a whole number"],
        "min: true",
    ),
    policy_case(
        "loader-required-yes",
        edit("        required: false\n        min: 0\n", "        required: yes\n        min: 0\n"),
        ["requested.required", "true or false"],
        "required: yes",
    ),
    policy_case(
        "loader-round-places-true",
        edit(MONTHLY_EXPR, MONTHLY_EXPR + "        round: {places: true}\n"),
        ["round.places: true is not a whole number"],
        "round: {places: true}",
    ),
    policy_case(
        "loader-band-bound-true",
        with_bands("      - {below: true, outcome: small}\n      - {at_least: 100, outcome: large}\n"),
        ["size band below: true is not a number"],
        "below: true",
    ),
    policy_case(
        "loader-enum-spelling-for-two-values",
        edit("aliases: [快递员, 快递, 业务员]}\n", "aliases: [快递员, 快递, 网点]}\n", REVIEW),
        ["enum column 'level': '网点' would match both 'station' and 'courier'"],
        "courier: {zh: 外务员",
    ),
    # --- a # comment ends at its line ------------------------------------------------------------
    policy_case(
        "loader-comment-in-quoted-multiline-formula",
        edit(MONTHLY_EXPR, '        expr: "parcels # base\n          + 100"\n'),
        ["a # comment in a formula written over several lines", "expr: >-"],
        'expr: "parcels # base',
    ),
    policy_case(
        "loader-error-on-the-second-line-of-a-block-formula",
        edit(MONTHLY_EXPR, "        expr: >-\n          parcels  # base\n          + los  # typo\n"),
        ["unknown name 'los'", "did you mean 'loss'", "at character 3 of that line"],
        "+ los  # typo",
    ),
    # --- characters and YAML structures that gave tracebacks -----------------------------------
    policy_case(
        "loader-nul-character", edit("family: materials", "family: mat\x00erials"), ["control character U+0000"], "family: mat"
    ),
    policy_case(
        "loader-bell-character", edit("  en: Weekly", "  en: \x07Weekly"), ["control character U+0007"], "en: \x07Weekly"
    ),
    policy_case(
        "loader-escaped-escape-character",
        edit("  en: Weekly material order", '  en: "Weekly \\e[31m order"'),
        ["control character U+001B", "escape"],
        'en: "Weekly',
    ),
    policy_case(
        "loader-lone-surrogate",
        edit("      station: station\n", '      "sta\\ud800tion": station\n'),
        ["a lone surrogate U+D800"],
        "sta\\ud800tion",
    ),
    policy_case(
        "loader-recursive-alias",
        "loop: &a [1, *a]\n" + BASE,
        ["alias (*) refers to the mapping or list that contains it"],
        "loop: &a",
    ),
    policy_case("loader-nested-600-deep", "x: " + "[" * 600 + "]" * 600 + "\n" + BASE, ["nested more than 32 levels"], "x: [[["),
    policy_case(
        "loader-nested-mappings-600-deep", "x: " + "{a: " * 600 + "1" + "}" * 600 + "\n" + BASE, ["nested more than 32"], "x: {a:"
    ),
    policy_case("loader-alias-expansion", alias_expansion(), ["more than 100000 values once its aliases"], "x4: &x4"),
    # --- constraints, aggregates, ranking and ladders -----------------------------------------
    policy_case(
        "loader-constraint-divides-by-zero",
        with_constraint("loss / (safety - safety) < 1"),
        ["'loss / (safety - safety) < 1' cannot be evaluated: division by zero", "in force on 2020-01-01"],
        "require: loss / (safety",
    ),
    policy_case(
        "loader-aggregate-type-against-its-kind",
        edit(COUNT, COUNT + "      first_month:\n        agg: first\n        of: month(as_of)\n        type: money\n"),
        ["'first_month' is declared money but its aggregate 'first' gives text"],
        "type: money",
    ),
    policy_case(
        "loader-aggregate-sum-of-text",
        edit(COUNT, COUNT + "      names:\n        agg: sum\n        of: station\n"),
        ["'sum' needs a number"],
        "of: station",
    ),
    policy_case(
        "loader-rank-by-text",
        edit("      by: days_to_qualify\n", "      by: trainee\n", TRAINING),
        ["rank by 'trainee' gives text", "a number to rank by"],
        "by: trainee",
    ),
    policy_case(
        "loader-rank-ties-not-a-tie-rule",
        edit("      ties: tie_rule\n", "      ties: first_prize\n", TRAINING),
        ["ties: parameter 'first_prize' must be an enum of tie rules"],
        "ties: first_prize",
    ),
    Case(
        "loader-rank-by-divides-by-zero-on-a-row",
        ["run", "bad.yaml", "trainers.csv"],
        1,
        ["trainers.csv:3:合格天数: rank by '100 / days_to_qualify': division by zero"],
        files={
            "bad.yaml": edit("      by: days_to_qualify\n", "      by: 100 / days_to_qualify\n", TRAINING),
            "trainers.csv": "培训师,学员,合格天数\nT01,甲,12\nT02,乙,0\n",
        },
        lines=1,
    ),
    policy_case(
        "loader-negative-fine",
        edit(G1_LADDER, "        ladder: [warning, {fine: -20}]\n", CLUB),
        ["fine amount must not be negative"],
        "{fine: -20}",
    ),
    policy_case(
        "loader-fine-true",
        edit(G1_LADDER, "        ladder: [{fine: true}]\n", CLUB),
        ["fine: true is not an amount"],
        "{fine: true}",
    ),
    policy_case(
        "loader-rolling-window-of-true",
        edit(G1_LADDER, "        window: {rolling: true}\n" + G1_LADDER, CLUB),
        ["window.rolling"],
        "rolling: true",
    ),
    policy_case(
        "loader-formula-comment-only",
        edit(WEEKLY_EXPR, "        expr: >-\n          # nothing here\n"),
        ["the formula is empty"],
        "# nothing here",  # (the block's line: a one-line block is a block too)
    ),
]
