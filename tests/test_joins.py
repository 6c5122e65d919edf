"""Joins (issue 16 A.1): inputs with a unique key, outputs that join inputs and earlier
outputs by key (left, inner, lookup), through the CLI and the library.

The policy is ``tests/policies/joins.yaml``: per-employee totals of an events file, joined to
the staff list (left: an employee without events still gets the base score 80) and to a
teams list (inner: a member of an unknown team is dropped)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspolicy import DataError, PolicyError, evaluate, load_policy
from cspolicy.blocks.joins import Held, input_order, make_join, unique_rows
from cspolicy.cli.main import cli
from cspolicy.errors import ErrorCollector
from cspolicy.planner.plan import JoinPlan, OutputPlan
from cspolicy.values import ColumnType

POLICY = Path(__file__).parent / "policies" / "joins.yaml"
STAFF = "工号,姓名,组别\ne001,张三,A\nE002,李四,A\nE003,王五,B\nE004,赵六,Z\n"
EVENTS = "工号,分值\nE001,-5\nE001,-10\nE003,2\nE009,7\n"
TEAMS = "组别,组长\nA,钱七\nB,孙八\n"


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in (("staff.csv", STAFF), ("events.csv", EVENTS), ("teams.csv", TEAMS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def run_json(runner, *args: str, policy: str | Path = POLICY):
    result = runner.invoke(cli, ["run", str(policy), *args, "--format", "json"])
    return result, (json.loads(result.stdout, parse_float=Decimal) if result.exit_code == 0 else None)


def test_left_join_keeps_every_employee_and_defaults_those_without_events(runner, files):
    result, out = run_json(runner, "staff=staff.csv", "events=events.csv", "teams=teams.csv")
    assert result.exit_code == 0, result.stderr
    rows = {r["employee_id"]: r for r in out["scores"]}
    # E001: two events, 80 + (-5) + (-10); E002: no events, the base; E003: 80 + 2
    assert rows["E001"]["score"] == Decimal(80) - 5 - 10
    assert rows["E001"]["events"] == 2
    assert rows["E002"]["score"] == 80 and rows["E002"]["events"] == 0
    assert rows["E003"]["score"] == 80 + 2
    # inner join with teams: E004's team Z is not in teams.csv, so E004 is dropped
    assert list(rows) == ["E001", "E002", "E003"]
    assert [rows[e]["leader"] for e in rows] == ["钱七", "钱七", "孙八"]
    # E009 has events but is not on staff: a left join from staff does not bring it in
    assert "E009" not in rows


def test_the_order_of_files_on_the_command_line_does_not_matter(runner, files):
    a, out_a = run_json(runner, "staff=staff.csv", "events=events.csv", "teams=teams.csv")
    b, out_b = run_json(runner, "teams=teams.csv", "events=events.csv", "staff=staff.csv")
    assert a.exit_code == b.exit_code == 0
    assert out_a == out_b


def test_csv_output_in_chinese(runner, files):
    result = runner.invoke(
        cli,
        ["run", str(POLICY), "staff=staff.csv", "events=events.csv", "teams=teams.csv", "--only", "scores", "--format", "csv"],
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0] == ["employee_id", "name", "leader", "events", "score"]
    assert rows[2] == ["E002", "李四", "钱七", "0", "80.00"]


def test_lookup_without_a_match_is_an_input_error_at_the_driving_cell(runner, files):
    policy = files / "lookup.yaml"
    policy.write_text(POLICY.read_text(encoding="utf-8").replace("how: inner", "how: lookup"), encoding="utf-8")
    result = runner.invoke(cli, ["run", str(policy), "staff=staff.csv", "events=events.csv", "teams=teams.csv"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: staff.csv:5:组别: 'Z' is not found in 'teams'; "
        "expected a value of team that 'teams' has (output 'scores' looks each row up)\n"
    )


def test_duplicate_key_of_an_input_names_both_rows(runner, files):
    (files / "staff.csv").write_text(STAFF + "Ｅ００３,重复,B\n", encoding="utf-8")
    result = runner.invoke(cli, ["run", str(POLICY), "staff=staff.csv", "events=events.csv", "teams=teams.csv"])
    assert result.exit_code == 1
    assert result.stdout == ""
    # the key is read in one written form, so Ｅ００３ (full width) is E003 of row 4
    assert result.stderr.startswith("Error: staff.csv:6:工号: 'E003' appears again; first at row 4;")


def test_a_declared_key_is_checked_even_without_a_join(tmp_path):
    text = POLICY.read_text(encoding="utf-8").replace(
        "  events:\n    columns:", "  events:\n    key: [employee_id]\n    columns:"
    )
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        evaluate(load_policy(tmp_path / "p.yaml"), tables(events=[("E001", "1"), ("e001", "2")]))
    assert "'E001' appears again; first at row 2" in str(err.value)


def tables(staff=(("E001", "张三", "A"),), events=(), teams=(("A", "钱七"),)):
    return {
        "staff": [{"employee_id": e, "name": n, "team": t} for e, n, t in staff],
        "events": [{"employee_id": e, "points": p} for e, p in events],
        "teams": [{"team": t, "leader": ld} for t, ld in teams],
    }


def test_library_evaluate_joins_too():
    r = evaluate(load_policy(POLICY), tables(staff=[("E001", "张三", "A"), ("E002", "李四", "A")], events=[("E002", "-3")]))
    assert [(s["employee_id"], s["score"]) for s in r["scores"]] == [("E001", Decimal("80.00")), ("E002", Decimal("77.00"))]


def test_explanation_names_the_joined_table(files, runner):
    result = runner.invoke(
        cli, ["run", str(POLICY), "staff=staff.csv", "events=events.csv", "teams=teams.csv", "--explain", "E002"]
    )
    assert result.exit_code == 0, result.stderr
    assert "score = 80.00" in result.stdout
    assert "event_totals" in result.stdout


# -- policies refused at load --------------------------------------------------------------


def load_text(tmp_path: Path, text: str):
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    return load_policy(tmp_path / "p.yaml")


def test_a_join_to_an_output_of_the_same_input_is_refused(tmp_path):
    text = POLICY.read_text(encoding="utf-8").replace(
        "  scores:\n",
        "  team_sizes:\n    from: staff\n    group_by: [team]\n    columns: {team: team, size: {agg: count}}\n  scores:\n",
    )
    text = text.replace("columns: [leader]}\n", "columns: [leader]}\n      - {with: team_sizes, on: [team]}\n")
    with pytest.raises(PolicyError) as err:
        load_text(tmp_path, text)
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "with: team_sizes" in s)
    assert err.value.line == line
    assert "it comes from input 'staff'" in str(err.value)


def test_an_input_looked_up_by_rows_its_own_outputs_need_is_read_ahead(tmp_path):
    # events look each employee up in staff (staff first), and the staff's scores join the
    # events' totals (events first): staff is read ahead into its held side, its rows kept
    # and replayed to its outputs after the events (blocks.joins.early_inputs)
    text = POLICY.read_text(encoding="utf-8").replace(
        "  scores:\n",
        "  checked:\n    from: events\n    join: [{with: staff, on: [employee_id], how: lookup}]\n"
        "    columns: {employee_id: employee_id, name: name}\n  scores:\n",
    )
    policy = load_text(tmp_path, text)
    staff = [{"employee_id": "E001", "name": "张三", "team": "A"}, {"employee_id": "E002", "name": "李四", "team": "A"}]
    teams = [{"team": "A", "leader": "钱七"}]
    events = [{"employee_id": "E001", "points": "-5"}, {"employee_id": "E002", "points": "2"}]
    r = evaluate(policy, {"events": events, "staff": staff, "teams": teams})
    assert [(x["employee_id"], x["name"]) for x in r["checked"]] == [("E001", "张三"), ("E002", "李四")]
    # 80 − 5 = 75; 80 + 2 = 82
    assert [(x["employee_id"], x["score"]) for x in r["scores"]] == [("E001", Decimal(75)), ("E002", Decimal(82))]
    with pytest.raises(DataError) as err:
        evaluate(policy, {"events": [*events, {"employee_id": "E009", "points": "1"}], "staff": staff, "teams": teams})
    assert "'E009' is not found in 'staff'" in str(err.value)


def test_joins_that_would_need_a_cycle_of_held_outputs_are_refused(tmp_path):
    text = POLICY.read_text(encoding="utf-8").replace(
        "  scores:\n",
        "  roster:\n    from: staff\n    group_by: [employee_id]\n    columns: {employee_id: employee_id, n: {agg: count}}\n"
        "  checked:\n    from: events\n    join: [{with: roster, on: [employee_id], how: lookup}]\n"
        "    columns: {employee_id: employee_id, n: n}\n  scores:\n",
    )
    with pytest.raises(PolicyError) as err:
        load_text(tmp_path, text)
    assert "cycle (events → staff → events)" in str(err.value)


def test_outputs_joining_each_other_are_refused(tmp_path):
    text = POLICY.read_text(encoding="utf-8").replace(
        "  event_totals:\n    from: events\n",
        "  event_totals:\n    from: events\n    join: [{with: scores, on: [employee_id]}]\n",
    )
    with pytest.raises(PolicyError) as err:
        load_text(tmp_path, text)
    assert "which cannot be computed before it" in str(err.value)


def test_join_keys_must_be_of_one_kind(tmp_path):
    text = POLICY.read_text(encoding="utf-8").replace(
        "team: {type: text, label: {zh: 组别, en: team}}\n      leader", "team: {type: integer}\n      leader"
    )
    with pytest.raises(PolicyError, match="on: 'team' is text in 'staff' but a number in 'teams'"):
        load_text(tmp_path, text)


def test_input_key_must_name_its_columns(tmp_path):
    with pytest.raises(PolicyError, match="key: unknown column 'id'"):
        load_text(tmp_path, POLICY.read_text(encoding="utf-8").replace("key: [employee_id]", "key: [id]"))


def test_join_columns_make_join_keys_key_columns():
    # a join's 'on' columns are key columns on both sides: read in one written form
    p = load_policy(POLICY)
    assert p.inputs["events"].column("employee_id").key
    assert p.inputs["teams"].column("team").key and p.inputs["staff"].column("team").key


# -- the block on its own ------------------------------------------------------------------

T = ColumnType.TEXT
N = ColumnType.DECIMAL


def plan(how: str) -> OutputPlan:
    j = JoinPlan("side", True, ("id",), how, (("x", "v", N),))
    return OutputPlan("out", "main", True, (("id", T), ("x", N)), (), joins=(j,))


def held(rows, errors=None):
    h = Held("side", (("id", T), ("v", N)), ("id",), ErrorCollector(50) if errors is None else errors)
    for r in rows:
        h.add(r)
    return h


def test_join_block_left_inner_lookup():
    h = held([("A", Decimal(1)), ("B", Decimal(2))])
    errors = ErrorCollector(50)
    where = lambda: ("main.csv", {"id": "编号"})  # noqa: E731
    assert make_join(plan("left"), [h], errors, where)(("B",), 3) == ("B", Decimal(2))
    assert make_join(plan("left"), [h], errors, where)(("C",), 3) == ("C", None)
    assert make_join(plan("left"), [h], errors, where)((None,), 3) == (None, None)
    assert make_join(plan("inner"), [h], errors, where)(("C",), 3) is None
    assert not errors
    assert make_join(plan("lookup"), [h], errors, where)(("C",), 7) is None
    (err,) = errors.errors
    assert str(err).startswith("main.csv:7:编号: 'C' is not found in 'side'")


def test_held_output_with_two_rows_for_a_key_is_an_error():
    errors = ErrorCollector(50)
    held([("A", Decimal(1)), ("A", Decimal(2))], errors)
    (err,) = errors.errors
    assert "output 'side' has two rows for id 'A'" in str(err)


def test_unique_rows_passes_first_rows_and_reports_repeats():
    errors = ErrorCollector(50)
    rows = [(2, ("A",)), (3, ("B",)), (4, ("A",)), (5, (None,)), (6, (None,))]
    kept = list(unique_rows(rows, [0], [T], "f.csv", ["编号"], errors))
    assert [n for n, _ in kept] == [2, 3, 5, 6]  # blank keys are not compared
    (err,) = errors.errors
    assert str(err).startswith("f.csv:4:编号: 'A' appears again; first at row 2")


def test_input_order_reads_held_sides_first():
    main = OutputPlan("scores", "staff", True, (("id", T),), (), joins=(JoinPlan("totals", False, ("id",), "left", ()),))
    totals = OutputPlan("totals", "events", True, (("id", T),), ())
    assert input_order({"scores": main, "totals": totals}, ["staff", "events"]) == ["events", "staff"]
    assert input_order({"totals": totals}, ["staff", "events"]) == ["staff", "events"]


@given(
    side=st.dictionaries(st.sampled_from("ABCDE"), st.integers(-5, 5)),
    keys=st.lists(st.sampled_from("ABCDEF"), max_size=20),
    how=st.sampled_from(["left", "inner"]),
)
def test_join_is_a_dict_lookup(side, keys, how):
    h = held([(k, Decimal(v)) for k, v in side.items()])
    join = make_join(plan(how), [h], ErrorCollector(50), lambda: ("f", {}))
    out = [r for r in (join((k,), 2) for k in keys) if r is not None]
    expected = [(k, Decimal(side[k]) if k in side else None) for k in keys if how == "left" or k in side]
    assert out == expected


def test_results_explain_on_demand_replays_the_joins():
    r = evaluate(load_policy(POLICY), tables(staff=[("E001", "张三", "A"), ("E002", "李四", "A")], events=[("E002", "-3")]))
    text = r.explain("E001")
    assert "no row of event_totals has employee id E001: its columns are blank" in text
    assert "joined from event_totals by employee id E002: events 1, points -3" in r.explain("E002")


def test_show_lists_the_joins(runner):
    result = runner.invoke(cli, ["show", str(POLICY)])
    assert result.exit_code == 0, result.stderr
    assert "  join event_totals (left: blanks when no row matches, on employee_id): events, points\n" in result.stdout
    assert "  join teams (inner: rows without a match are left out, on team): leader\n" in result.stdout


def test_only_an_output_that_joins_computes_what_it_joins(runner, files):
    result, out = run_json(runner, "staff=staff.csv", "events=events.csv", "teams=teams.csv", "--only", "scores")
    assert result.exit_code == 0, result.stderr
    assert list(out) == ["scores"] and len(out["scores"]) == 3


def test_the_documented_example_runs(tmp_path):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "policy-format.md").read_text(encoding="utf-8")
    block = doc[doc.index("### Joins") :].split("```yaml\n")[1].split("```")[0]
    head = 'name: t\ntitle: {zh: t, en: t}\nfamily: t\nversion: "1"\nrules: {}\n'
    r = evaluate(
        load_text(tmp_path, head + block),
        {
            "staff": [{"employee_id": "e1", "name": "a", "team": "x"}, {"employee_id": "E2", "name": "b", "team": "X"}],
            "events": [{"employee_id": "E1", "points": "-3"}],
            "teams": [{"team": "X", "leader": "L"}],
        },
    )
    # E1: one event, 80 − 3; E2: none, so 80 and 0 events
    assert [(s["employee_id"], s["events"], s["score"]) for s in r["scores"]] == [
        ("E1", 1, Decimal(80 - 3)),
        ("E2", 0, Decimal(80)),
    ]


def test_a_grouped_output_can_group_by_a_joined_column(tmp_path):
    # events look their employee up in staff (held), then are summed per team
    text = POLICY.read_text(encoding="utf-8")
    text = text[: text.index("outputs:")] + (
        "outputs:\n"
        "  team_points:\n"
        "    from: events\n"
        "    join: [{with: staff, on: [employee_id], how: lookup, columns: [team]}]\n"
        "    group_by: [team]\n"
        "    columns: {team: team, events: {agg: count}, points: {agg: sum, of: points}}\n"
    )
    p = load_text(tmp_path, text)
    r = evaluate(
        p, tables(staff=[("E1", "a", "A"), ("E2", "b", "B"), ("E3", "c", "A")], events=[("e1", "1"), ("E3", "2"), ("E2", "5")])
    )
    assert [(t["team"], t["events"], t["points"]) for t in r["team_points"]] == [("A", 2, Decimal(1 + 2)), ("B", 1, Decimal(5))]
    with pytest.raises(DataError, match="'E9' is not found in 'staff'"):
        evaluate(p, tables(staff=[("E1", "a", "A")], events=[("E9", "1")]))


def test_a_joined_column_keeps_its_label(runner, files):
    args = ["run", str(POLICY), "staff=staff.csv", "events=events.csv", "teams=teams.csv", "--only", "scores"]
    result = runner.invoke(cli, [*args, "--format", "csv", "--lang", "zh"])
    assert result.exit_code == 0, result.stderr
    # leader: leader repeats the joined column teams.leader, labelled 组长 in the policy
    assert result.stdout.lstrip("\ufeff").splitlines()[0] == "工号,姓名,组长,events,score"
