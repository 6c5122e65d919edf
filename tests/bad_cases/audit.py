"""Catalogue cases found by the issue-14 audit: variants the first implementation missed.

Each was a wrong figure with exit 0, a misleading message or a refusal of a good file; the
module docstrings of the fixes say why. Plain tests of the same fixes are in
``tests/test_audit.py``.
"""

from __future__ import annotations

from .common import BASE, GOOD, HEADER, REPO, Case, csv_case, edit, policy_case

OFFENCES = "工号,姓名,日期,违规,金额,备注\n"
STATIONS_XLSX = (REPO / "examples" / "materials" / "stations.xlsx").read_bytes()
REVIEW = (REPO / "policies" / "materials-review.yaml").read_text(encoding="utf-8")
CLUB = (REPO / "policies" / "penalties-club.yaml").read_text(encoding="utf-8")
FINE_BAND = "      - {above: station_fine_above, outcome: fine, label: {zh: 罚款, en: fine}}"


def club_case(id: str, rows: str, messages: list[str], *, code: int = 1) -> Case:
    """penalties-club over ``rows`` (lines after the header)."""
    return Case(id, ["run", "penalties-club", "offences.csv"], code, messages, files={"offences.csv": OFFENCES + rows}, lines=1)


LOSS_7 = "      - from: 2020-01-01\n        value: 7%\n"


def regional(*regions: str) -> str:
    """materials-order with a loss value of 8% from 2024-01-01 for each region given."""
    extra = "".join(f"      - from: 2024-01-01\n        value: 8%\n        region: {r}\n" for r in regions)
    return edit(LOSS_7, LOSS_7 + extra)


WEEKLY_TYPE = "        expr: parcels × (1 + growth + loss) ÷ 4\n        type: quantity\n"

NEVER_CLOSED = 'opens a quote mark (") that is never closed'

CASES = [
    # --- a quote mark still open at the end of the file (a lenient reader ended the cell there)
    csv_case(
        "open-quote-in-the-last-row-without-a-line-break",
        HEADER + 'A站,面单,100,15%,,\nB站,面单,100,15%,,"备货',
        ["stations.csv:3:超额理由", "'\"备货…'", NEVER_CLOSED],
    ),
    csv_case(
        "open-quote-in-the-last-row-of-a-gb18030-file",
        (HEADER + 'A站,面单,100,15%,,\nB站,面单,100,15%,,"备货').encode("gb18030"),
        ["stations.csv:3:超额理由", NEVER_CLOSED],
    ),
    csv_case(
        "open-quote-after-text-after-a-closing-quote",  # "x" is read as Excel reads it, then the open one
        HEADER + 'A站,面单,100,15%,,"x" \nB站,面单,100,15%,,"备货',
        ["stations.csv:3:超额理由", NEVER_CLOSED],
    ),
    csv_case(
        "open-quote-in-the-header",
        '"站点,物料,上月实际票数,增长率\nA站,面单,100,15%\n',
        ["stations.csv:1: the header row", NEVER_CLOSED],
    ),
    # --- offence codes: only the width mapping, never NFKC (C① counted as C1 before) ---------
    club_case(
        "offence-code-with-a-circled-digit",
        "E001,王芳,2024-03-02,C1,,\nE001,王芳,2024-03-05,C①,,\n",
        ["offences.csv:3:违规", "unknown offence 'C①'", "'①' (U+2460 CIRCLED DIGIT ONE) is not a digit"],
    ),
    club_case(
        "offence-code-with-a-subscript-digit",
        "E001,王芳,2024-03-02,C1,,\nE001,王芳,2024-03-05,C₁,,\n",
        ["offences.csv:3:违规", "unknown offence 'C₁'", "is not a digit"],
    ),
    # --- regions: checked when the policy loads, at their line ----------------------------------
    policy_case(
        "region-spelt-two-ways-on-one-date",
        regional("Shanghai", "shanghai"),
        ["has two values from 2024-01-01 for region shanghai (also written 'Shanghai')"],
        "region: shanghai",
    ),
    policy_case("policy-region-blank", regional('" "'), ["parameter 'loss': a blank region"], 'region: " "'),
    # --- -o naming the policy file (it is an input of the run too) ------------------------------
    Case(
        "output-onto-the-policy-file",
        ["run", "policy.json", "stations.csv", "-o", "policy.json"],
        2,
        ["-o policy.json: would replace the policy file policy.json"],
        files={"policy.json": BASE, "stations.csv": GOOD},
        lines=1,
    ),
    Case(
        "output-directory-holding-the-policy-as-an-output-name",
        ["run", "out/orders.csv", "stations.csv", "-o", "out"],
        2,
        ["-o out: would replace the policy file out/orders.csv (out/orders.csv is a file of that directory)"],
        files={"out/orders.csv": BASE, "stations.csv": GOOD},
        lines=1,
    ),
    # --- policy values of a wrong shape, in words (not pydantic's "Input should be a valid …") --
    policy_case(
        "policy-percent-min-a-mapping",
        edit(
            "    min: 0%\n    max: 100%\n    values:\n      - from: 2020-01-01\n        value: 7%",
            "    min: {}\n    max: 100%\n    values:\n      - from: 2020-01-01\n        value: 7%",
        ),
        ["parameters.loss.min: a mapping where one value goes; expected one value, such as 7%"],
        "min: {}",
    ),
    policy_case(
        "policy-value-a-list",
        edit("        value: 7%", "        value: [7%]"),
        ["parameters.loss.values[0].value: a list where one value goes"],
        "value: [7%]",
    ),
    policy_case(
        "policy-value-null",
        edit("        value: 7%", "        value: ~"),
        ["an empty value (null) where one value goes"],
        "value: ~",
    ),
    policy_case(
        "policy-round-a-word",
        edit(WEEKLY_TYPE, WEEKLY_TYPE + "        round: up\n"),
        ["weekly_qty.round: 'up' does not fit here; expected a mapping of key: value lines or 'none'"],
        "round: up",
    ),
    policy_case(
        "policy-column-true",
        edit("      station: station\n", "      station: true\n"),
        ["columns.station: true does not fit here; expected a mapping of key: value lines or text"],
        "station: true",
    ),
    policy_case(
        "policy-date-not-iso",
        edit("      - from: 2020-01-01\n        value: 7%", "      - from: 2020/1/1\n        value: 7%"),
        ["values[0].from: '2020/1/1' is not a date written YYYY-MM-DD; expected a date such as 2024-03-01"],
        "from: 2020/1/1",
    ),
    policy_case(
        "policy-rule-id-not-an-id",
        edit("    rule: R-MT-1\n    min: 0%", "    rule: MT1\n    min: 0%"),
        ["parameters.loss.rule: 'MT1' is not a rule ID; expected a rule ID such as R-MT-1"],
        "rule: MT1",
    ),
    policy_case(
        "policy-round-places-negative",
        edit(WEEKLY_TYPE, WEEKLY_TYPE + "        round: {places: -1}\n"),
        ["round.places: '-1' is below the minimum 0; expected a whole number of at least 0"],
        "round: {places: -1}",
    ),
    policy_case(
        "policy-value-blank-is-a-value-not-a-cell",
        edit("        value: 7%", '        value: ""'),
        ["parameter 'loss': the value is blank"],
        'value: ""',
    ),
    policy_case(
        "policy-value-exponent-without-excel-advice",
        edit("        value: 7%", "        value: 7e-2"),
        ["parameter 'loss': '7e-2' is in exponent notation; write the number out in full"],
        "value: 7e-2",
    ),
    csv_case(
        "set-value-blank-is-a-value-not-a-cell",
        HEADER + "A站,面单,100,15%,,\n",
        ["--set loss=: the value is blank; expected a percentage"],
        code=2,
        extra=("--set", "loss="),
    ),
    # --- formulas: the digits of a cell, and numbers below 10^18 ------------------------------
    policy_case(
        "formula-superscript-digit",
        edit("        expr: parcels × (1 + growth + loss) ÷ 4\n", "        expr: parcels × (1 + growth + loss) ÷ 4¹\n"),
        ["weekly_qty.expr: '¹' (U+00B9 SUPERSCRIPT ONE) is not a digit; expected the digits 0-9"],
        "÷ 4¹",
    ),
    policy_case(
        "formula-circled-digit",
        edit("        expr: parcels × (1 + growth + loss) ÷ 4\n", "        expr: parcels × (1 + growth + loss) ÷ ④\n"),
        ["'④' (U+2463 CIRCLED DIGIT FOUR) is not a digit"],
        "÷ ④",
    ),
    policy_case(
        "formula-number-too-large",
        edit(
            "        expr: parcels × (1 + growth + loss) ÷ 4\n",
            "        expr: parcels × (1 + growth + loss) ÷ 4 × " + "9" * 60 + "\n",
        ),
        ["the number 999", "is too large for a policy; expected a number below 1,000,000,000,000,000,000"],
        "÷ 4 × 999",
    ),
    Case(
        "output-a-device-not-a-directory",
        ["run", "materials-order", "stations.csv", "-o", "/dev/null"],
        3,
        ["/dev/null: is a device or other special file, where the output directory should go"],
        files={"stations.csv": GOOD},
        lines=1,
    ),
    csv_case(
        "set-parameter-in-capitals-is-suggested",
        GOOD,
        ["--set LOSS: no parameter named 'LOSS'; did you mean 'loss'?"],
        code=2,
        extra=("--set", "LOSS=5%"),
    ),
    # --- a band table comparing percents reads its bare numbers with the percent rule ---------
    Case(
        "band-bare-number-beside-percent-bounds",
        ["run", "bad.yaml", "review.csv"],
        2,
        ["station_verdict band above: '7' is not a percentage", "expected 7% or the fraction 0.07"],
        files={"bad.yaml": edit(FINE_BAND, FINE_BAND.replace("above: station_fine_above", "above: 7"), REVIEW), "review.csv": ""},
        pattern=r"bad\.yaml:\d+: ",
        lines=1,
    ),
    policy_case(
        "formula-compares-a-percent-with-a-bare-number",
        edit("        expr: parcels × (1 + growth + loss) ÷ 4\n", "        expr: parcels if growth > 10 else 0\n"),
        ["'>' compares the percentage 'growth' with the bare number 10", "expected 10% or the fraction 0.1"],
        "growth > 10",
    ),
    policy_case(
        "formula-compares-a-percent-with-1",
        edit("        expr: parcels × (1 + growth + loss) ÷ 4\n", "        expr: parcels if 0 ≤ growth ≤ 1 else 0\n"),
        ["the bare number 1", "or 100% for all of it"],
        "growth ≤ 1",
    ),
    # --- -o spelt oddly -----------------------------------------------------------------------
    Case(
        "output-empty",  # `-o "$OUT"` with OUT unset wrote into the current directory
        ["run", "materials-order", "stations.csv", "-o", ""],
        2,
        ["-o: the output path is empty"],
        files={"stations.csv": GOOD},
        lines=1,
    ),
    Case(
        "output-directory-with-a-slash-and-json",
        ["run", "materials-order", "stations.csv", "-o", "out/", "--format", "json"],
        2,
        ["-o out/: a directory holds one CSV file per output, not format json"],
        files={"stations.csv": GOOD},
        lines=1,
    ),
    # --- a column named twice in group_by (an internal error, exit 70, before) -----------------
    policy_case(
        "group-by-a-column-twice",
        edit("    group_by: [material]", "    group_by: [material, material]"),
        ["group_by: column 'material' is named twice; expected each column once"],
        "group_by: [material, material]",
    ),
    policy_case(
        "key-a-column-twice",
        edit("    key: [station, material]", "    key: [station, station]"),
        ["key: column 'station' is named twice"],
        "key: [station, station]",
    ),
    # --- a ladder's date and amount columns of the wrong kind (exit 70 at run time, before) ---
    Case(
        "ladder-date-column-not-a-date",
        ["run", "bad.yaml", "offences.csv"],
        2,
        ["ladder date: column 'employee_id' holds text; expected a date column"],
        files={
            "bad.yaml": edit(
                "      offence: offence\n      date: date\n", "      offence: offence\n      date: employee_id\n", CLUB
            ),
            "offences.csv": OFFENCES,
        },
        pattern=r"bad\.yaml:\d+: ",
        lines=1,
    ),
    Case(
        "ladder-amount-column-not-a-number",
        ["run", "bad.yaml", "offences.csv"],
        2,
        ["ladder amount: column 'date' holds a date; expected a number column (money)"],
        files={"bad.yaml": edit("      amount: amount\n", "      amount: date\n", CLUB), "offences.csv": OFFENCES},
        pattern=r"bad\.yaml:\d+: ",
        lines=1,
    ),
    Case(
        "output-onto-the-workbook-of-a-named-sheet",  # the input workbook was replaced by the outputs
        ["run", "materials-order", "in.xlsx#Sheet1", "-o", "in.xlsx"],
        2,
        ["-o in.xlsx: would replace the input file in.xlsx#Sheet1 of 'stations'"],
        files={"in.xlsx": STATIONS_XLSX},
        lines=1,
    ),
]
