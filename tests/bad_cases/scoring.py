"""Bad inputs of the cs-scoring policy (issue 16 B): each refused at its file:row:column."""

from __future__ import annotations

from .common import Case

STAFF = "工号,姓名,入职日期,离职日期,岗位\nE001,张伟,2023-01-10,,客服\nE002,王芳,2023-03-15,,组长\n"
EVENTS = "工号,日期,考核项目,次数,分值,超时分钟,赔偿金额,理由\n"
FILES = ["staff=staff.csv", "events=events.csv", "--period", "2024-05"]


def scoring_case(id: str, events: str, messages: list[str], staff: str = STAFF, lines: int | None = 1) -> Case:
    return Case(
        id,
        ["run", "cs-scoring", *FILES],
        1,
        messages,
        files={"staff.csv": staff, "events.csv": EVENTS + events},
        lines=lines,
    )


CASES = [
    scoring_case("scoring-unknown-item", "E001,2024-05-03,L99,,,,,\n", ["events.csv:2:考核项目", "'L99'"]),
    scoring_case(
        "scoring-employee-not-in-staff", "E009,2024-05-03,L1,,,,,\n", ["events.csv:2:工号", "'E009' is not found in 'staff'"]
    ),
    scoring_case(
        "scoring-adjustment-for-an-agent",
        "E001,2024-05-03,ADJ,,3,,,表现好\n",
        ["events.csv:2:考核项目", "only for group leaders", "[R-SC-10]"],
    ),
    scoring_case(
        "scoring-adjustment-without-a-reason",
        "E002,2024-05-03,ADJ,,3,,,\n",
        ["events.csv:2:理由", "needs a reason", "[R-SC-10]"],
    ),
    scoring_case(
        "scoring-adjustment-outside-5",
        "E002,2024-05-03,ADJ,,6,,,表现好\n",
        ["events.csv:2:分值", "'6'", "outside the item's range", "[R-SC-7]"],
    ),
    scoring_case(
        "scoring-ranged-points-outside-the-range",
        "E001,2024-05-03,迟到早退,,-6,,,\n",
        ["events.csv:2:分值", "'-6'", "outside the item's range"],
    ),
    scoring_case(
        "scoring-points-for-a-fixed-item",
        "E001,2024-05-03,L1,,-3,,,\n",
        ["events.csv:2:分值", "fixed by the catalogue"],
    ),
    scoring_case(
        "scoring-date-outside-the-period",
        "E001,2024-03-31,L1,,,,,\nE001,2024-06-01,L1,,,,,\n",
        ["events.csv:2:日期", "events.csv:3:日期", "in neither 2024-05 nor the month before"],
        lines=2,
    ),
    scoring_case(
        "scoring-incident-without-minutes",
        "E001,2024-05-03,INC,,,,,\n",
        ["events.csv:2:超时分钟", "needs the minutes over"],
    ),
    scoring_case(
        "scoring-s4-without-its-price",
        "E001,2024-05-03,S4,,,,,\n",
        ["events.csv:2:赔偿金额", "the item's price"],
    ),
    scoring_case(
        "scoring-duplicate-staff-id",
        "",
        ["staff.csv:4:工号", "'E001' appears again; first at row 2"],
        staff=STAFF + "e001,李四,2024-01-01,,客服\n",
    ),
    scoring_case(
        "scoring-unknown-role", "", ["staff.csv:2:岗位", "'主管'"], staff=STAFF.replace("2023-01-10,,客服", "2023-01-10,,主管")
    ),
    scoring_case("scoring-count-zero", "E001,2024-05-03,L1,0,,,,\n", ["events.csv:2:次数", "below the minimum 1"]),
]
