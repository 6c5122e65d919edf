"""Bad labels in a policy (issue 15): each is a policy error at its line, exit 2."""

from __future__ import annotations

from .common import Case, edit, policy_case

CASES: list[Case] = [
    policy_case(
        "label-unknown-language",
        edit("    label: {zh: 物料损耗率, en: loss allowance}\n", "    label: {zh: 物料损耗率, fr: taux de perte}\n"),
        ["unknown key 'fr'", "allowed: en, zh"],
        "fr: taux de perte",
    ),
    policy_case(
        "status-label-for-a-value-never-held",
        edit(
            "          cut_to_formula: {zh: 按公式核减, en: cut back to the formula}\n",
            "          cut_to_fromula: {zh: 按公式核减, en: cut back to the formula}\n",
        ),
        ["the column never holds 'cut_to_fromula'", "cut_to_formula, ok, over_limit_with_reason"],
        "cut_to_fromula:",
    ),
    policy_case(
        "label-is-another-columns-header",
        edit("        label: {zh: 物料, en: material}\n", "        label: {zh: 站点名称, en: material}\n"),
        ["header '站点名称' (a name, alias or label) names both column 'station' and column 'material'"],
        "      material:",
    ),
]
