"""Bad inputs of the authoring tools (issue 20): test case files, lint, diff, replay, the
ladder's fixed offence, and a mapping missing several keys."""

from __future__ import annotations

from .common import GOOD, REPO, Case, edit, line_of

CLUB = (REPO / "policies" / "penalties-club.yaml").read_text(encoding="utf-8")
FIXED = edit("      offence: offence\n      date: date\n", "      offence_code: G9\n      date: date\n", CLUB)
BOTH = edit(
    "      offence: offence\n      date: date\n", "      offence: offence\n      offence_code: G1\n      date: date\n", CLUB
)
NEITHER = edit("      offence: offence\n      date: date\n", "      date: date\n", CLUB)
OFFENCES = "工号,日期,违规\nE1,2024-03-01,G1\n"
CASE_FILE = "policy: materials-order\ncases:\n  - name: x\n    inputs: {stations: []}\n    expect: {orders: []}\n  - name: x\n    inputs: {stations: []}\n    expect: {orders: []}\n"
NO_KEYS = "name: x\ninputs:\n  a:\n    columns:\n      c: {type: text}\n"


def _policy(id: str, text: str, messages: list[str], marker: str) -> Case:
    """``check`` of a broken copy of penalties-club; ``marker`` is the whole line the error names."""
    line = text.splitlines().index(marker) + 1 if marker in text.splitlines() else line_of(text, marker)
    return Case(
        id,
        ["check", "bad.yaml"],
        2,
        messages,
        files={"bad.yaml": text, "offences.csv": OFFENCES},
        pattern=rf"bad\.yaml:{line}(:\d+)?: ",
        lines=1,
    )


CASES: list[Case] = [
    _policy("ladder-offence-code-unknown", FIXED, ["offence_code: 'G9' is not an offence of schedule 'club'", "G1, C1"], "offence_code: G9"),
    _policy("ladder-offence-and-code", BOTH, ["either offence (a column) or offence_code (one fixed offence), not both"], "    ladder:"),
    _policy("ladder-no-offence", NEITHER, ["a ladder needs offence (the column naming each row's offence) or offence_code"], "    ladder:"),
    Case("missing-keys-at-once", ["check", "bad.yaml"], 2, ["missing keys 'title', 'family', 'version', 'rules', 'outputs'"], files={"bad.yaml": NO_KEYS}, lines=1),
    Case("test-case-name-twice", ["test", "cases.yaml"], 2, ["case 'x' is also the name of the case at line 3", "a name unique in the file"], files={"cases.yaml": CASE_FILE}, pattern=r"cases\.yaml:6: ", lines=1),
    Case("test-path-missing", ["test", "nowhere"], 2, ["no test file or folder named nowhere"], lines=1),
    Case("replay-not-a-record", ["run", "--replay", "r.json"], 2, ["not a run record of this cspolicy"], files={"r.json": "{}"}, lines=1),
    Case("diff-needs-new-or-set", ["diff", "materials-order", "stations.csv"], 2, ["needs a second policy (NEW) or --set values"], files={"stations.csv": GOOD}, lines=1),
    Case("diff-output-kind", ["diff", "materials-order", "--set", "loss=8%", "stations.csv", "-o", "d.json"], 2, ["the comparison is written as a .csv or .xlsx file"], files={"stations.csv": GOOD}, lines=1),
]  # fmt: skip
