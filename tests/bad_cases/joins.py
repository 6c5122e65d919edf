"""Bad inputs and policies around joins (issue 16 A.1), on ``tests/policies/joins.yaml``."""

from __future__ import annotations

from bad_cases.common import REPO, Case, edit, line_of

BASE = (REPO / "tests" / "policies" / "joins.yaml").read_text(encoding="utf-8")
STAFF = "工号,姓名,组别\ne001,张三,A\nE002,李四,A\nE003,王五,B\n"
EVENTS = "工号,分值\nE001,-5\nE001,-10\nE003,2\n"
TEAMS = "组别,组长\nA,钱七\nB,孙八\n"
FILES = ["staff=staff.csv", "events=events.csv", "teams=teams.csv"]
LOOKUP = edit("how: inner, columns: [leader]", "how: lookup, columns: [leader]", BASE)


def data_case(id: str, messages: list[str], *, policy: str = BASE, lines: int = 1, **files: str) -> Case:
    given = {"staff.csv": STAFF, "events.csv": EVENTS, "teams.csv": TEAMS, "joins.yaml": policy}
    given.update({f"{name}.csv": text for name, text in files.items()})
    return Case(id, ["run", "joins.yaml", *FILES], 1, messages, files=given, lines=lines)


def join_policy_case(id: str, text: str, messages: list[str], marker: str) -> Case:
    files = {"bad.yaml": text, "staff.csv": STAFF, "events.csv": EVENTS, "teams.csv": TEAMS}
    pattern = rf"bad\.yaml:{line_of(text, marker)}: "
    return Case(id, ["run", "bad.yaml", *FILES], 2, messages, files=files, pattern=pattern, lines=1)


# events join an output of staff while scores (from staff) join event_totals: a real cycle
# (joining the staff input itself is not: staff is then read early, issue 17)
CYCLE = edit(
    "  scores:\n",
    "  roster:\n    from: staff\n    group_by: [employee_id]\n    columns: {employee_id: employee_id, staff_name: {agg: first, of: name}}\n"
    "  checked:\n    from: events\n    join: [{with: roster, on: [employee_id], how: lookup}]\n"
    "    columns: {employee_id: employee_id, staff_name: staff_name}\n  scores:\n",
    BASE,
)
SAME_INPUT = edit(
    "  scores:\n",
    "  team_sizes:\n    from: staff\n    group_by: [team]\n    columns: {team: team, size: {agg: count}}\n  scores:\n",
    BASE,
).replace("columns: [leader]}\n", "columns: [leader]}\n      - {with: team_sizes, on: [team]}\n")

UNGROUPED = edit(
    "  scores:\n",
    "  event_list:\n    from: events\n    columns: {employee_id: employee_id, event_points: points}\n  scores:\n",
    BASE,
).replace("{with: event_totals, on: [employee_id], how: left}", "{with: event_list, on: [employee_id], how: left}")
UNGROUPED = UNGROUPED.replace('"base + coalesce(points, 0)"', '"base + coalesce(event_points, 0)"')
UNGROUPED = UNGROUPED.replace('{expr: "coalesce(events, 0)", type: integer}', "{expr: 1, type: integer}")

CASES = [
    data_case(
        "join-output-with-two-rows-for-a-key",
        ["output 'event_list' has two rows for employee_id 'E001'", "group it by the join's 'on' columns"],
        policy=UNGROUPED,
    ),
    data_case(
        "join-duplicate-input-key",
        ["staff.csv:5:工号: 'E001' appears again; first at row 2"],
        staff=STAFF + " E001 ,赵六,B\n",
    ),
    data_case(
        "join-lookup-no-match",
        ["staff.csv:5:组别: 'Z' is not found in 'teams'", "output 'scores' looks each row up"],
        policy=LOOKUP,
        staff=STAFF + "E004,赵六,Z\n",
    ),
    data_case(
        "join-duplicate-in-lookup-table",
        ["teams.csv:4:组别: 'A' appears again; first at row 2"],
        teams=TEAMS + "a,周九\n",
    ),
    join_policy_case(
        "join-unknown-table",
        edit("{with: teams, on: [team]", "{with: team, on: [team]", BASE),
        ["join: unknown table 'team'", "expected an input or another output"],
        "{with: team, on: [team]",
    ),
    join_policy_case(
        "join-on-unknown-column",
        edit("{with: teams, on: [team]", "{with: teams, on: [leader]", BASE),
        ["on: 'leader' is not a column of 'staff'"],
        "{with: teams, on: [leader]",
    ),
    join_policy_case(
        "join-input-without-key",
        edit("    key: [team]\n", "", BASE),
        ["join with input 'teams' on [team]: that must be its unique key", "key: [team] under inputs.teams"],
        "{with: teams, on: [team]",
    ),
    join_policy_case(
        "join-column-hides-source-column",
        edit("columns: [leader]}", "columns: {name: leader}}", BASE),
        ["joined column 'name' of 'teams' would hide column 'name' of 'staff'", "such as teams_leader: leader"],
        "columns: {name: leader}}",
    ),
    join_policy_case(
        "join-cycle-between-inputs",
        CYCLE,
        ["joins need the inputs read in a cycle (events → staff → events)"],
        "{with: event_totals, on: [employee_id]",
    ),
    join_policy_case(
        "join-same-input",
        SAME_INPUT,
        ["join with 'team_sizes': it comes from input 'staff' like this output's rows"],
        "{with: team_sizes, on: [team]}",
    ),
]
