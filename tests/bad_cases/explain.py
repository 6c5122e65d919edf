"""``--explain`` with a key that names no row (issue 15): exit 2, the closest keys and names,
the columns searched, and nothing written."""

from __future__ import annotations

from .common import GOOD, HEADER, Case

STATIONS = GOOD + "B站,包装袋,8000,-5%,2200,\n"
OFFENCES = "工号,姓名,日期,违规\nE001,王芳,2024-03-02,G1\nE002,李明,2024-03-05,C1\n"


def explain_case(id: str, key: str, messages: list[str], *, policy: str = "materials-order", body: str = STATIONS) -> Case:
    name = "stations.csv" if policy == "materials-order" else "offences.csv"
    return Case(id, ["run", policy, name, "--explain", key], 2, messages, files={name: body}, lines=1)


CASES = [
    explain_case(
        "explain-key-with-a-typo",
        "A站/面",
        ["--explain A站/面: no row has that key; did you mean one of 'A站 / 面单'", "orders (station, material)"],
    ),
    explain_case(
        "explain-name-with-a-typo",
        "王方",
        ["--explain 王方: no row has that key; did you mean '王芳'?", "employees (employee_id, name)"],
        policy="penalties-club",
        body=OFFENCES,
    ),
    explain_case("explain-key-of-no-row", "Z站", ["--explain Z站: no row has that key", "a value of a key or name column"]),
    explain_case("explain-in-an-empty-file", "A站", ["--explain A站: no row has that key"], body=HEADER),
]
