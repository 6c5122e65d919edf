"""The command line's choke point (issue 14): regions, row-time formula errors named by their
column and said in words, constraints, and failures of the environment (exit 3)."""

from __future__ import annotations

from .common import BASE, GOOD, HEADER, REPO, Case, edit, line_of

# --- regions ----------------------------------------------------------------------------------
REGIONAL = edit(
    "      - from: 2020-01-01\n        value: 7%\n",
    "      - from: 2020-01-01\n        value: 7%\n"
    "      - from: 2024-01-01\n        value: 9%\n        region: Shanghai\n"
    "      - from: 2024-01-01\n        value: 8%\n        region: 北京\n",
)


def region_case(id: str, region: str, messages: list[str], policy: str = "bad.yaml") -> Case:
    files: dict[str, str | bytes] = {"stations.csv": GOOD}
    if policy == "bad.yaml":
        files["bad.yaml"] = REGIONAL
    return Case(id, ["run", policy, "stations.csv", "--region", region], 2, messages, files=files, lines=1)


# --- formulas failing on a row ------------------------------------------------------------------
REQUESTED_5 = HEADER + "A站,面单,10000,15%,5,\n"  # requested - 5 = 0


def with_columns(columns: str, text: str = BASE) -> str:
    """The policy with ``columns`` added to output 'orders' after its 'requested' column."""
    return edit("      requested: requested\n", "      requested: requested\n" + columns, text)


def row_case(id: str, policy: str, messages: list[str], body: str = REQUESTED_5, pattern: str | None = None) -> Case:
    """A run of a policy whose formulas fail on the data (exit 1)."""
    return Case(
        id, ["run", "bad.yaml", "stations.csv"], 1, messages, files={"bad.yaml": policy, "stations.csv": body}, pattern=pattern
    )


POWERS = "".join(
    f"      h{i}: {{expr: {'parcels' if i == 1 else f'h{i - 1}'} ** 12, hidden: true, round: none}}\n" for i in range(1, 6)
)  # h5 = (10^4)^(12^5) = 10^995328 fits; ** 12 once more does not (the context's Emax is 999999)

RANKED = edit(
    "      by: days_to_qualify\n",
    "      by: 100 ÷ days_to_qualify\n",
    (REPO / "policies" / "rewards-training.yaml").read_text(encoding="utf-8"),
)

CONSTRAINED = BASE.replace(
    "\ninputs:\n",
    "\nconstraints:\n  - require: (safety - 60%) ÷ (safety - 60%) ≥ 0\n    message: safety must not be 60%\n\ninputs:\n",
    1,
)

CASES = [
    region_case(
        "region-typo",
        "shangai",
        ["--region shangai", "knows no region 'shangai'", "did you mean 'Shanghai'?", "one of: Shanghai, 北京"],
    ),
    region_case("region-typo-chinese", "北京市", ["knows no region '北京市'", "did you mean '北京'?"]),
    region_case("region-blank", "", ["knows no region ''", "one of: Shanghai, 北京"]),
    region_case("region-policy-has-none", "shanghai", ["policy 'materials-order' has no regional values"], "materials-order"),
    # a late column's division by zero is blamed on that column, not the first one using a parameter
    row_case(
        "late-column-division-by-zero",
        with_columns("      late: {expr: parcels ÷ (requested - 5), type: decimal}\n"),
        ["column 'late' = parcels ÷ (requested - 5): division by zero"],
        pattern=r"^Error: stations\.csv:2: column 'late' = ",
    ),
    row_case(
        "zero-by-zero",
        with_columns("      late: {expr: (requested - 5) ÷ (requested - 5), type: decimal}\n"),
        ["stations.csv:2: column 'late'", "division by zero (0 ÷ 0)"],
    ),
    row_case(
        "late-column-blank-in-arithmetic",
        with_columns("      late: {expr: parcels ÷ requested, type: decimal}\n"),
        ["stations.csv:2: column 'late' = parcels ÷ requested (blank: requested)", "a blank value was used"],
        body=GOOD,
    ),
    row_case(
        "overflow-in-words",
        with_columns(POWERS + "      h6: {expr: h5 ** 12, hidden: true, round: none}\n"),
        ["stations.csv:2: column 'h6' = h5 ** 12: a number too large (above 10^999999)"],
    ),
    row_case(
        "too-large-to-round",
        with_columns(POWERS.splitlines(keepends=True)[0] + "      h2: {expr: h1 ** 12, type: money}\n"),
        ["stations.csv:2: column 'h2': a number too large to round to 2 decimal places"],
    ),
    row_case(
        "round-function-too-large",
        with_columns(POWERS.splitlines(keepends=True)[0] + '      h2: {expr: "round(h1 ** 12, 2)", round: none}\n'),
        ["stations.csv:2: column 'h2' = round(h1 ** 12, 2): a number too large to round"],
    ),
    row_case(
        "check-division-by-zero",
        edit(
            "    key: [station, material]\n    columns:\n",
            "    key: [station, material]\n    checks:\n"
            "      - require: parcels ÷ (requested - 5) > 0\n        message: parcels per request\n    columns:\n",
        ),
        ["stations.csv:2: check 'parcels per request' (parcels ÷ (requested - 5) > 0): division by zero"],
    ),
    row_case(
        "aggregate-of-fails",
        edit("        of: approved_qty\n", "        of: approved_qty ÷ (approved_qty - 5)\n"),
        ["stations.csv:2: column 'weekly_qty' (sum of) = approved_qty ÷ (approved_qty - 5)", "division by zero"],
    ),
    row_case(
        "group-formula-fails",
        edit("        expr: safety × weekly_qty\n", "        expr: safety × weekly_qty ÷ (stations - 1)\n"),
        ["output 'materials', group 面单: column 'safety_stock' = safety × weekly_qty ÷ (stations - 1)", "division by zero"],
    ),
    Case(
        "rank-by-fails-on-a-row",
        ["run", "bad.yaml", "trainers.csv"],
        1,
        ["trainers.csv:3:days_to_qualify: rank by '100 ÷ days_to_qualify': division by zero"],
        files={"bad.yaml": RANKED, "trainers.csv": "trainer_id,trainee,days_to_qualify\nT1,a,5\nT2,b,0\nT3,c,4\n"},
        lines=1,
    ),
    Case(
        "set-makes-a-constraint-undefined",
        ["run", "bad.yaml", "stations.csv", "--set", "safety=60%"],
        2,
        ["constraint (safety - 60%) ÷ (safety - 60%) ≥ 0: division by zero (0 ÷ 0)", "safety=60%"],
        files={"bad.yaml": CONSTRAINED, "stations.csv": GOOD},
        pattern=rf"bad\.yaml:{line_of(CONSTRAINED, 'require: (safety')}: ",
        lines=1,
    ),
    # --- the environment (exit 3): the output's place, not the policy or the data -------------------
    Case(
        "output-into-missing-directory",
        ["run", "materials-order", "stations.csv", "-o", "nosuch/out.json"],
        3,
        ["nosuch"],
        files={"stations.csv": GOOD},
        lines=1,
    ),
    Case(
        "output-json-onto-a-directory",
        ["run", "materials-order", "stations.csv", "-o", "out.json"],
        3,
        ["out.json"],
        files={"stations.csv": GOOD, "out.json/keep": ""},
        lines=1,
    ),
    Case(
        "output-csv-onto-a-directory",
        ["run", "materials-order", "stations.csv", "-o", "outdir"],
        3,
        ["orders.csv"],
        files={"stations.csv": GOOD, "outdir/orders.csv/keep": ""},
        lines=1,
    ),
]
