"""Bad bundles and inconsistent inputs (issue 19), on ``tests/policies/bundles/pay.yaml``."""

from __future__ import annotations

from bad_cases.common import REPO, Case, line_of

BUNDLES = REPO / "tests" / "policies" / "bundles"
PARTS = {name: (BUNDLES / name).read_text(encoding="utf-8") for name in ("bonus.yaml", "fines.yaml")}
PAY = (BUNDLES / "pay.yaml").read_text(encoding="utf-8")
STAFF = "employee_id,name,base_pay\nE001,张三,5000\nE002,李四,4000\n"
OFFENCES = "employee_id,count\nE001,1\n"
FILES = ["staff=staff.csv", "offences=offences.csv"]
CHECKED = PAY + "consistency:\n  known: [{input: offences, columns: [employee_id], in: staff}]\n"


def bundle_case(
    id: str, text: str, messages: list[str], marker: str | None, *, extra: tuple[str, ...] = (), code: int = 2
) -> Case:
    files: dict[str, str | bytes] = {**PARTS, "bad.yaml": text, "staff.csv": STAFF, "offences.csv": OFFENCES}
    pattern = rf"bad\.yaml:{line_of(text, marker)}: " if marker else None
    return Case(id, ["run", "bad.yaml", *FILES, *extra], code, messages, files=files, pattern=pattern, lines=1)


def data_case(id: str, messages: list[str], **files: str) -> Case:
    given: dict[str, str | bytes] = {**PARTS, "pay.yaml": CHECKED, "staff.csv": STAFF, "offences.csv": OFFENCES}
    given.update({f"{name}.csv": text for name, text in files.items()})
    return Case(id, ["run", "pay.yaml", *FILES], 1, messages, files=given, lines=1)


CASES = [
    bundle_case(
        "bundle-unknown-output",
        PAY.replace("outputs: [totals]", "outputs: [total]"),
        ["policy 'fines' has no output 'total'", "expected one of: per_offence, offence_totals, totals"],
        "outputs: [total]",
    ),
    bundle_case("bundle-unknown-policy", PAY.replace("policy: bonus.yaml", "policy: bonsu.yaml"), ["bonsu.yaml"], "bonsu.yaml"),
    bundle_case(
        "bundle-uses-itself",
        PAY.replace("  bonus: {policy: bonus.yaml", "  me: {policy: bad.yaml}\n  bonus: {policy: bonus.yaml"),
        ["uses itself"],
        "me: {policy: bad.yaml}",
    ),
    bundle_case(
        "bundle-set-unknown-component",
        PAY,
        ["--set bonsu.rate: no component named 'bonsu'", "bonus, fines"],
        None,
        extra=("--set", "bonsu.rate=5%"),
    ),
    bundle_case(
        "bundle-set-unknown-component-parameter",
        PAY,
        ["--set bonus.rat: no parameter named 'rat'"],
        None,
        extra=("--set", "bonus.rat=5%"),
    ),
    bundle_case(
        "consistency-unknown-input",
        PAY + "consistency:\n  known: [{input: offence, columns: [employee_id], in: staff}]\n",
        ["no input named 'offence'", "expected one of: staff, offences"],
        "known:",
    ),
    data_case(
        "consistency-unknown-person", ["offences.csv:3:employee_id: 'E404' is not in staff ("], offences=OFFENCES + "E404,1\n"
    ),
]
