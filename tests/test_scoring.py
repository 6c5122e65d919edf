"""cs-scoring (RULEBOOK §1 R-SC-1..14): the monthly performance score of every employee.

Every expected figure is worked out by hand from the RULEBOOK, with the arithmetic next to it;
nothing is copied from the program's output.

  score     = clamp(80 + bonus + light + medium + severe + pile-up + adjustment, 0, 110)
  bonus     = +5 per B3/B4/B6 occurrence; B1, B2, B5 +5 once a month
  light     = L items −2/−5 or a range; medium −10; severe −20; INC by minutes over
              (0,10] −5 light, (10,30] −10 medium, > 30 −20 severe
  pile-up   = −20 once when medium ≥ 2 or light ≥ 4 occurrences
  grade     = A > 90; B 80–90; C [70, 80); D [65, 70); E [60, 65); F < 60
  pay float = clamp((score − 80) × 10, −300, 300) from the third calendar month of employment
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy import DataError, Period, RunSettings, evaluate, load_policy
from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "scoring"
D = Decimal
MAY = "2024-05"


@pytest.fixture(scope="module")
def policy():
    return load_policy("cs-scoring")


POLICY = load_policy("cs-scoring")


def person(eid: str, role: str = "agent", hired: str = "2023-01-01", left: str = "", name: str = "") -> dict[str, str]:
    return {"employee_id": eid, "name": name or f"员工{eid}", "hire_date": hired, "leave_date": left, "role": role}


def ev(eid: str, item: str, date: str = "2024-05-10", **kw: str) -> dict[str, str]:
    return {"employee_id": eid, "date": date, "item": item, **kw}


def run(staff, events, period: str | None = MAY, previous=None, strict: bool = False):
    tables = {"staff": staff, "events": events}
    if previous is not None:
        tables["previous"] = previous
    s = RunSettings(period=Period.parse(period) if period else None, strict=strict)
    return evaluate(POLICY, tables, settings=s)


def scores(staff, events, **kw) -> dict[str, dict]:
    return {r["employee_id"]: r for r in run(staff, events, **kw)["scores"]}


def one(events, role: str = "agent", **kw) -> dict:
    return scores([person("E001", role)], events, **kw)["E001"]


def warnings_of(results) -> list[str]:
    return [n.message for n in results.warnings]


# --- R-SC-1, R-SC-12: the rulebook's examples -------------------------------------------------


def test_no_events_scores_the_base_80_and_floats_nothing():
    # 80 → (80 − 80) × 10 = 0; grade B (80 ≤ 80 ≤ 90)
    r = one([])
    assert (r["raw_score"], r["score"], r["grade"], r["pay_float"]) == (D(80), D(80), "B", D("0.00"))
    assert r["reasons"] == "" and r["dismissal"] is False


def test_91_floats_plus_110():
    # B3 ×3 = +15; L9 −2 twice = −4: 80 + 15 − 4 = 91 → (91 − 80) × 10 = +110; grade A (> 90)
    r = one([ev("E001", "B3", count="3"), ev("E001", "L9", points="-2"), ev("E001", "L9", points="-2")])
    assert (r["bonus"], r["light"], r["score"], r["pay_float"], r["grade"]) == (D(15), D(-4), D(91), D("110.00"), "A")


def test_68_floats_minus_120():
    # M1 −10, L1 −2: 80 − 12 = 68 → (68 − 80) × 10 = −120; grade D (65 ≤ 68 < 70)
    r = one([ev("E001", "M1"), ev("E001", "L1")])
    assert (r["medium"], r["light"], r["score"], r["pay_float"], r["grade"]) == (D(-10), D(-2), D(68), D("-120.00"), "D")


# --- R-SC-11: every grade boundary -----------------------------------------------------------


def leader_events(b: int, s: int, adj: int) -> list[dict[str, str]]:
    """A leader's events for 80 + 5b − 20s + adj (severe items never pile up)."""
    out = []
    if b:
        out.append(ev("E001", "B3", count=str(b)))
    if s:
        out.append(ev("E001", "S1", count=str(s)))
    if adj:
        out.append(ev("E001", "ADJ", points=str(adj), reason="培训师评定"))
    return out


@pytest.mark.parametrize(
    ("b", "s", "adj", "score", "grade"),
    [
        (0, 1, -1, 59, "F"),  # 80 − 20 − 1 = 59 < 60
        (0, 1, 0, 60, "E"),  # 80 − 20 = 60: 60 ≤ s < 65
        (0, 1, 4, 64, "E"),  # 80 − 20 + 4 = 64
        (0, 1, 5, 65, "D"),  # 80 − 20 + 5 = 65: 65 ≤ s < 70
        (2, 1, -1, 69, "D"),  # 80 + 10 − 20 − 1 = 69
        (2, 1, 0, 70, "C"),  # 80 + 10 − 20 = 70: 70 ≤ s < 80
        (0, 0, -1, 79, "C"),  # 80 − 1 = 79
        (0, 0, 0, 80, "B"),  # 80: 80 ≤ s ≤ 90
        (2, 0, 0, 90, "B"),  # 80 + 10 = 90: still B (90 is not > 90)
        (2, 0, 1, 91, "A"),  # 80 + 10 + 1 = 91 > 90
    ],
)
def test_grade_boundaries(b, s, adj, score, grade):
    r = one(leader_events(b, s, adj), role="leader")
    assert (r["score"], r["grade"]) == (D(score), grade)


# --- R-SC-1: cap and floor --------------------------------------------------------------------


def test_raw_111_is_capped_to_110():
    # leader: B3 ×6 = +30, ADJ +1: 80 + 30 + 1 = 111 → 110; float (110 − 80) × 10 = 300 (the limit itself)
    r = one(leader_events(6, 0, 1), role="leader")
    assert (r["raw_score"], r["score"], r["pay_float"], r["grade"]) == (D(111), D(110), D("300.00"), "A")


def test_the_score_never_falls_below_0():
    # S1 ×5 = −100: 80 − 100 = −20 → 0; float (0 − 80) × 10 = −800 → −300
    r = one([ev("E001", "S1", count="5")])
    assert (r["raw_score"], r["score"], r["pay_float"], r["grade"]) == (D(-20), D(0), D("-300.00"), "F")


# --- R-SC-13: probation months --------------------------------------------------------------


@pytest.mark.parametrize(("period", "month", "floats"), [("2024-03", 1, False), ("2024-04", 2, False), ("2024-05", 3, True)])
def test_hired_on_15_march_floats_from_may(period, month, floats):
    # hire month March = month 1, April = 2, May = 3: the float starts in May
    r = scores([person("E001", hired="2024-03-15")], [ev("E001", "B3", date=f"{period}-20")], period=period)["E001"]
    assert r["month_index"] == month
    assert r["score"] == D(85)  # 80 + 5
    assert r["pay_float"] == (D("50.00") if floats else None)  # (85 − 80) × 10 = 50


# --- R-SC-2: once-a-month bonuses -------------------------------------------------------------


def test_a_once_a_month_bonus_given_twice_counts_once_with_a_warning():
    # B1 twice → +5 once; B3 twice → +10: 80 + 5 + 10 = 95
    res = run([person("E001")], [ev("E001", "B1"), ev("E001", "B1", date="2024-05-20"), ev("E001", "B3", count="2")])
    (r,) = res["scores"]
    assert (r["bonus"], r["score"]) == (D(15), D(95))
    assert "B1 given 2 times to E001 in 2024-05, counted once" in warnings_of(res)


def test_items_by_their_chinese_names():
    # 迟到早退 = L4 (default −2), 当月有效投诉率为零 (the handbook's text) = B5 (+5): 80 − 2 + 5 = 83
    r = one([ev("E001", "迟到早退"), ev("E001", "当月有效投诉率为零")])
    assert (r["light"], r["bonus"], r["score"]) == (D(-2), D(5), D(83))
    assert "L4 迟到早退 -2" in r["reasons"] and "B5 零有效投诉 +5" in r["reasons"]


# --- R-SC-3, R-SC-7: ranged points ------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "points", "expected"),
    [("L4", "", -2), ("L4", "-5", -5), ("L8", "-3", -3), ("L9", "", -1), ("L9", "-2", -2), ("L13", "", -2)],
)
def test_ranged_items_take_the_rows_points_or_the_smallest_magnitude(item, points, expected):
    r = one([ev("E001", item, points=points)])
    assert r["light"] == D(expected) and r["score"] == D(80 + expected)


# --- R-SC-6: incident overrun brackets --------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "light", "medium", "severe"),
    [
        ("0", 0, 0, 0),  # 0 or less: no deduction
        ("-3", 0, 0, 0),
        ("0.5", -5, 0, 0),  # (0, 10] → −5 light
        ("10", -5, 0, 0),
        ("10.01", 0, -10, 0),  # (10, 30] → −10 medium
        ("30", 0, -10, 0),
        ("30.5", 0, 0, -20),  # > 30 → −20 severe
    ],
)
def test_incident_overrun_brackets(minutes, light, medium, severe):
    r = one([ev("E001", "INC", minutes=minutes)])
    assert (r["light"], r["medium"], r["severe"]) == (D(light), D(medium), D(severe))
    assert r["score"] == D(80 + light + medium + severe)


# --- R-SC-8: pile-up ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "pileup", "score"),
    [
        ([ev("E001", "L1", count="3")], 0, 74),  # light 3 < 4: 80 − 6
        ([ev("E001", "L1", count="4")], -20, 52),  # light 4: 80 − 8 − 20
        ([ev("E001", "M1")], 0, 70),  # medium 1 < 2: 80 − 10
        ([ev("E001", "M1"), ev("E001", "M4")], -20, 40),  # medium 2: 80 − 20 − 20
        ([ev("E001", "INC", minutes="20"), ev("E001", "M1")], -20, 40),  # an INC of 20 min is medium: 80 − 10 − 10 − 20
        ([ev("E001", "L1", count="3"), ev("E001", "INC", minutes="5")], -20, 49),  # INC of 5 min is light: 80 − 6 − 5 − 20
        ([ev("E001", "S1", count="3")], 0, 20),  # severe never piles up: 80 − 60
        ([ev("E001", "M1", count="2"), ev("E001", "L1", count="4")], -20, 32),  # once: 80 − 20 − 8 − 20
    ],
)
def test_pile_up(events, pileup, score):
    r = one(events)
    assert (r["pileup"], r["score"]) == (D(pileup), D(score))


def test_the_pile_up_counts_this_month_only():
    # light 2 in April and 2 in May: neither month reaches 4 → May 80 − 4 = 76
    events = [ev("E001", "L1", date="2024-04-10", count="2"), ev("E001", "L1", count="2")]
    assert one(events)["score"] == D(76)


# --- R-SC-5, R-SC-9, R-SC-10 ---------------------------------------------------------------


def test_s4_carries_the_compensation():
    # S4 −20 and the item's price 350 × count 1
    r = one([ev("E001", "S4", amount="350")])
    assert (r["severe"], r["score"], r["compensation"]) == (D(-20), D(60), D("350.00"))


def test_a_dismissal_item_flags_but_the_score_is_still_computed():
    r = one([ev("E001", "D2"), ev("E001", "B3")])
    assert (r["score"], r["dismissal"], r["dismissal_items"], r["below_60"]) == (D(85), True, "D2", False)


def test_a_leaders_adjustment_counts_and_two_add_up_within_5_with_a_warning():
    assert one(leader_events(0, 0, 4), role="leader")["adjustment"] == D(4)  # 80 + 4 = 84
    adj = [ev("E001", "ADJ", points="4", reason="a"), ev("E001", "ADJ", points="3", reason="b")]
    res = run([person("E001", "leader")], adj)
    (r,) = res["scores"]
    assert (r["adjustment"], r["score"]) == (D(5), D(85))  # 4 + 3 = 7 → within ±5: 5
    assert any("ADJ given 2 times to E001 in 2024-05 (together 7)" in w for w in warnings_of(res))


# --- who is scored, rank, last (R-SC-14) -----------------------------------------------------


def test_employed_in_the_month_only_one_row_each_sorted_by_id():
    staff = [
        person("E004", left="2024-05-03"),  # left in May: scored
        person("E002", hired="2024-06-01"),  # hired after May: not scored
        person("E003", left="2024-04-30"),  # left before May: not scored
        person("E001", hired="2024-05-31"),  # hired on the last day: scored
    ]
    assert [r["employee_id"] for r in run(staff, [])["scores"]] == ["E001", "E004"]


def test_competition_ranking_among_the_agents_employed_this_month():
    staff = [
        person("E001"),
        person("E002"),
        person("E003"),
        person("E004"),
        person("E005", "leader"),
        person("E006", left="2024-04-30"),
    ]
    events = [
        ev("E001", "B3"),  # 85
        ev("E002", "B4"),  # 85
        # E003 80
        ev("E004", "M1"),  # 70
        ev("E005", "S1"),  # leader 60: not ranked
        ev("E006", "S1", date="2024-04-05"),  # left in April
    ]
    got = scores(staff, events)
    assert {k: (r["score"], r["rank"], r["last"]) for k, r in got.items()} == {
        "E001": (D(85), 1, False),
        "E002": (D(85), 1, False),
        "E003": (D(80), 3, False),
        "E004": (D(70), 4, True),
        "E005": (D(60), None, False),
    }


def test_tied_last_places_are_all_last():
    got = scores([person("E001"), person("E002"), person("E003")], [ev("E001", "B3")])
    assert [(r["rank"], r["last"]) for r in got.values()] == [(1, False), (2, True), (2, True)]


def two_months(may_e002: str) -> list[dict[str, str]]:
    # April: E001 80, E002 80 − 20 − 20 = 40 (last); May: E001 85, E002 per argument
    return [
        ev("E002", "S1", date="2024-04-03", count="2"),
        ev("E001", "B3"),
        ev("E002", may_e002),
    ]


def test_last_in_two_months_below_70_flags_dismissal():
    # May: E002 80 − 20 = 60 (last, < 70); April: 40 (last, < 70) → last_two_months; 60 is not below 60
    r = scores([person("E001"), person("E002")], two_months("S2"))["E002"]
    assert (r["score"], r["last"], r["prev_last"], r["below_60"], r["last_two_months"], r["dismissal"]) == (
        D(60),
        True,
        True,
        False,
        True,
        True,
    )


def test_last_twice_but_70_this_month_is_not_flagged():
    # May: E002 80 − 10 = 70: not below 70 → no flag
    r = scores([person("E001"), person("E002")], two_months("M1"))["E002"]
    assert (r["score"], r["last"], r["prev_last"], r["last_two_months"], r["dismissal"]) == (D(70), True, True, False, False)


def test_last_month_from_a_previous_result_file():
    # events of May only; the previous file says E002 was last with 65 → May 60, last → flagged
    previous = [{"工号": "E001", "考核分": "80", "末位": "否"}, {"工号": "E002", "考核分": "65", "末位": "是"}]
    res = run([person("E001"), person("E002")], [ev("E001", "B3"), ev("E002", "S2")], previous=previous)
    r = {x["employee_id"]: x for x in res["scores"]}["E002"]
    assert (r["prev_last"], r["last_two_months"]) == (True, True)
    assert not any("two-month rule cannot fire" in w for w in warnings_of(res))


def test_without_last_months_events_the_two_month_rule_cannot_fire_and_says_so():
    res = run([person("E001"), person("E002")], [ev("E002", "S1", count="2")])
    r = {x["employee_id"]: x for x in res["scores"]}["E002"]
    assert (r["score"], r["last"], r["last_two_months"], r["below_60"]) == (D(40), True, False, True)
    assert "no events in 2024-04 and no previous results given: the two-month rule cannot fire" in warnings_of(res)


# --- the period ------------------------------------------------------------------------------


def test_without_a_period_the_latest_events_month_is_scored_with_a_warning():
    res = run([person("E001")], [ev("E001", "B3", date="2024-04-30"), ev("E001", "B4", date="2024-05-02")], period=None)
    (r,) = res["scores"]
    assert r["score"] == D(85)  # May: 80 + 5 (B4); B3 was April's
    assert any("evaluating 2024-05, the month of the latest date in events" in w for w in warnings_of(res))


def test_strict_refuses_a_defaulted_period():
    with pytest.raises(DataError) as err:
        run([person("E001")], [ev("E001", "B3")], period=None, strict=True)
    assert "warning treated as an error" in str(err.value)


# --- the command line ------------------------------------------------------------------------


def cli_run(*args: str, lang: str | None = None):
    extra = ["--lang", lang] if lang else []
    return CliRunner().invoke(
        cli,
        ["run", *extra, "cs-scoring", f"staff={EXAMPLES / 'staff.csv'}", f"events={EXAMPLES / 'events.csv'}", *args],
    )


def test_the_example_runs_and_writes_one_row_per_employee_employed():
    result = cli_run("--period", "2024-05", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    staff = list(csv.DictReader(io.StringIO((EXAMPLES / "staff.csv").read_text(encoding="utf-8"))))
    employed = [
        s["工号"] for s in staff if s["入职日期"] <= "2024-05-31" and not (s["离职日期"] and s["离职日期"] < "2024-05-01")
    ]
    assert [r["employee_id"] for r in rows] == sorted(employed)
    assert list(rows[0]) == [
        "employee_id", "name", "month_index", "bonus", "light", "medium", "severe", "pileup", "adjustment", "raw_score",
        "score", "grade", "rank", "last", "pay_float", "compensation", "prev_last", "below_60", "last_two_months",
        "dismissal_items", "dismissal", "reasons",
    ]  # fmt: skip
    for r in rows:
        assert D(0) <= D(r["score"]) <= D(110)
    assert result.stderr == ""  # --period given, every once-item once: nothing to warn about


def test_the_example_in_chinese_has_chinese_headers_and_values():
    result = cli_run("--period", "2024-05", "--format", "csv", lang="zh")
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[0]
    assert header.startswith("\ufeff工号,姓名,入职第几个月,加分,") or header.startswith("工号,姓名,入职第几个月,加分,")
    assert "绩效等级" in header and "绩效工资浮动" in header and "辞退标记" in header
    body = result.stdout.splitlines()[1:]
    assert any(",是," in line or ",否," in line for line in body)


def test_without_period_the_cli_warns_on_stderr():
    result = cli_run("--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "no --period given: evaluating 2024-05" in result.stderr
    assert "no --period" not in result.stdout


def test_explain_reads_like_what_hr_tells_the_agent():
    result = cli_run("--period", "2024-05", "--explain", "E023")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    for phrase in (
        "events.csv row",  # every event, by its row
        "[R-SC-",  # with rule IDs
        "pile-up",
        "clamp(raw score",  # the cap
        "grade = ",
        "among the",  # rank among whom
        "agents employed this month",
        "pay float per point",
        "month of employment",
    ):
        assert phrase in text, phrase


def test_explain_by_name_in_chinese():
    staff = list(csv.DictReader(io.StringIO((EXAMPLES / "staff.csv").read_text(encoding="utf-8"))))
    name = next(s["姓名"] for s in staff if s["工号"] == "E023")
    result = cli_run("--period", "2024-05", "--explain", name, lang="zh")
    assert result.exit_code == 0, result.stderr
    for phrase in ("考核分", "绩效等级", "绩效工资浮动", "R-SC-1", "排名范围"):
        assert phrase in result.stdout, phrase


def test_a_bad_event_is_refused_at_its_file_row_and_column(tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("工号,日期,考核项目,分值\nE001,2024-05-03,L4,-7\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "cs-scoring", f"staff={EXAMPLES / 'staff.csv'}", f"events={events}"])
    assert result.exit_code == 1
    assert "events.csv:2:分值" in result.stderr and "range" in result.stderr
    assert result.stdout == ""


# --- properties --------------------------------------------------------------------------------

ITEMS = ["B1", "B2", "B3", "B5", "L1", "L4", "L9", "M1", "M7", "S1", "S3", "D1", "INC"]
DEDUCTIONS = {"L1", "L4", "L9", "M1", "M7", "S1", "S3", "INC"}

event_st = st.tuples(
    st.sampled_from(["E001", "E002", "E003"]),
    st.sampled_from(ITEMS),
    st.integers(1, 3),
    st.sampled_from(["0", "4", "10", "25", "45"]),
)


def as_events(items) -> list[dict[str, str]]:
    out = []
    for eid, item, n, minutes in items:
        row = ev(eid, item, count=str(n))
        if item == "INC":
            row["minutes"] = minutes
        out.append(row)
    return out


STAFF3 = [person("E001"), person("E002"), person("E003")]


@settings(max_examples=40, deadline=None)
@given(st.lists(event_st, max_size=12))
def test_scores_lie_within_0_and_110_and_floats_within_300(items):
    for r in run(STAFF3, as_events(items))["scores"]:
        assert D(0) <= r["score"] <= D(110)
        assert D(-300) <= r["pay_float"] <= D(300)


@settings(max_examples=40, deadline=None)
@given(st.lists(event_st, min_size=1, max_size=12), st.data())
def test_removing_a_deduction_never_lowers_a_score(items, data):
    deductions = [i for i, x in enumerate(items) if x[1] in DEDUCTIONS]
    if not deductions:
        return
    drop = data.draw(st.sampled_from(deductions))
    before = scores(STAFF3, as_events(items))
    after = scores(STAFF3, as_events(items[:drop] + items[drop + 1 :]))
    for eid in before:
        assert after[eid]["score"] >= before[eid]["score"]


@settings(max_examples=40, deadline=None)
@given(st.lists(event_st, max_size=12))
def test_pay_float_is_monotone_in_the_score_and_ranks_follow_scores(items):
    rows = run(STAFF3, as_events(items))["scores"]
    by_score = sorted(rows, key=lambda r: r["score"])
    floats = [r["pay_float"] for r in by_score]
    assert floats == sorted(floats)
    for r in rows:
        # competition ranking: 1 + the number of agents with a strictly higher score
        assert r["rank"] == 1 + sum(1 for o in rows if o["score"] > r["score"])
        assert r["last"] == (r["score"] == min(o["score"] for o in rows))


# --- the YAML cases of policies/tests/cs-scoring (run here until `cspolicy test` exists) ------

import yaml  # noqa: E402

CASES_DIR = REPO / "policies" / "tests" / "cs-scoring"
YAML_CASES = [
    (path.name, case) for path in sorted(CASES_DIR.glob("*.yaml")) for case in yaml.safe_load(path.read_text("utf-8"))["cases"]
]


def _write_input(path: Path, rows: list[dict[str, str]]) -> None:
    header = list(dict.fromkeys(k for r in rows for k in r)) or ["employee_id", "date", "item"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize(("file", "case"), YAML_CASES, ids=[f"{f}:{c['name']}" for f, c in YAML_CASES])
def test_policy_yaml_case(file, case, tmp_path):
    args = ["run", "cs-scoring"]
    for name, rows in case["inputs"].items():
        _write_input(tmp_path / f"{name}.csv", rows)
        args.append(f"{name}={tmp_path / f'{name}.csv'}")
    if "period" in case:
        args += ["--period", str(case["period"])]
    for k, v in case.get("set", {}).items():
        args += ["--set", f"{k}={v}"]
    args += ["-o", str(tmp_path / "out") + "/"]
    result = CliRunner().invoke(cli, args)
    if "expect_error" in case:
        assert result.exit_code in (1, 2), result.stdout
        assert case["expect_error"] in result.stderr
        return
    assert result.exit_code == 0, result.stderr
    for w in case.get("expect_warnings", []):
        assert w in result.stderr
    for output, expected in case["expect"].items():
        got = {
            r["employee_id"]: r for r in csv.DictReader(io.StringIO((tmp_path / "out" / f"{output}.csv").read_text("utf-8-sig")))
        }
        for want in expected:
            row = got[want["employee_id"]]
            assert {k: row[k] for k in want} == {k: str(v) for k, v in want.items()}
    rules = {r for c in (case for _, case in YAML_CASES) for r in c["rules"]}
    assert rules >= {f"R-SC-{i}" for i in range(1, 15)}  # every rule of the policy has a case
