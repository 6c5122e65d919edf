"""Bad inputs of the leave policies (issue 17): each refused at its ``file:row:column``."""

from __future__ import annotations

from .common import Case

STAFF = "工号,姓名,基本工资,当月奖金,地区\nE001,王芳,2690,1000,上海\nE002,李强,3000,800,浙江一类\n"
HEAD = "工号,日期,类型,天数,分钟数,有医院证明,结束日期\n"


def leave_case(id: str, attendance: str, messages: list[str], period: str = "2025-06", staff: str = STAFF) -> Case:
    return Case(
        id,
        ["run", "leave-pay", "staff=staff.csv", "attendance=attendance.csv", "--period", period],
        1,
        messages,
        files={"staff.csv": staff, "attendance.csv": HEAD + attendance},
    )


def request_case(id: str, body: str, messages: list[str]) -> Case:
    head = "工号,假别,开始日期,申请天数,亲属关系,地区,事件日期,累计工作年限\n"
    return Case(
        id, ["run", "leave-entitlements", "requests=requests.csv"], 1, messages, files={"requests.csv": head + body}, lines=1
    )


CASES = [
    leave_case("leave-unknown-type", "E001,2025-06-03,年假,1,,,\n", ["attendance.csv:2:类型: ", "'年假'"]),
    leave_case("leave-negative-days", "E001,2025-06-03,事假,-1,,,\n", ["attendance.csv:2:天数: ", "'-1'"]),
    leave_case(
        "leave-days-not-halves", "E001,2025-06-03,事假,0.3,,,\n", ["attendance.csv:2:天数: ", "days are counted in halves"]
    ),
    leave_case(
        "leave-unknown-employee", "E009,2025-06-03,事假,1,,,\n", ["attendance.csv:2:工号: ", "'E009' is not found in 'staff'"]
    ),
    leave_case(
        "leave-date-outside-period",
        "E001,2025-05-30,事假,1,,,\n",
        ["attendance.csv:2:日期: ", "the date is outside the period 2025-06"],
    ),
    leave_case(
        "leave-sick-without-certificate-answer",
        "E001,2025-06-03,病假,1,,,\n",
        ["attendance.csv:2:有医院证明: ", "must say whether a hospital certificate was given"],
    ),
    leave_case(
        "leave-days-and-end-date",
        "E001,2025-06-03,事假,2,,,2025-06-04\n",
        ["attendance.csv:2:结束日期: ", "give the days or an end date, not both"],
    ),
    # 浙江一类 has values from 2026-01-01 only: June 2025 has no minimum wage there
    leave_case(
        "leave-region-without-data",
        "",
        ["staff.csv:3:地区: ", "parameter 'min_wage' has no value in force on 2025-06-01 for region zhejiang-1"],
    ),
    leave_case(
        "leave-region-unknown",
        "",
        ["staff.csv:2:地区: ", "'西藏'"],
        staff="工号,姓名,基本工资,当月奖金,地区\nE001,王芳,2690,1000,西藏\n",
    ),
    leave_case(
        "leave-month-not-in-calendar",
        "E001,2027-03-02,事假,1,,,\n",
        ["attendance.csv:2:日期: ", "no working-day calendar for 2027-03"],
        period="2027-03",
        staff="工号,姓名,基本工资,当月奖金,地区\nE001,王芳,2690,1000,上海\n",
    ),
    Case(
        "leave-without-period",
        ["run", "leave-pay", "staff=staff.csv", "attendance=attendance.csv"],
        1,
        ["staff.csv:2: ", "leave pay is computed per month: run with --period YYYY-MM"],
        files={"staff.csv": STAFF, "attendance.csv": HEAD},
    ),
    request_case("entitlement-unknown-type", "E001,探亲假,2025-06-03,3,,,,\n", ["requests.csv:2:假别: ", "'探亲假'"]),
    request_case(
        "entitlement-bereavement-without-relation",
        "E001,丧假,2025-06-03,3,,,,\n",
        ["requests.csv:2:亲属关系: ", "a bereavement request needs the relation"],
    ),
    request_case(
        "entitlement-maternity-before-any-value",
        "E001,产假,1990-06-03,90,,,1990-06-01,\n",
        ["requests.csv:2:事件日期: ", "parameter 'maternity_days' has no value in force on 1990-06-01"],
    ),
]
