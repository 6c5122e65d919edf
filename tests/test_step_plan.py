"""One explicit plan of steps per policy (issue 16 A.6): ordered, complete, printed by
``cspolicy show --plan`` in both languages, and the order the engine reads inputs in."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.planner.policy import shipped_policies
from cspolicy.planner.step_plan import STEP_KINDS, plan_policy

HERE = Path(__file__).resolve().parent
DEMO = HERE / "policies" / "plan-steps.yaml"
POLICIES = sorted(shipped_policies()) + [str(DEMO), str(HERE / "policies" / "joins.yaml")]


@pytest.mark.parametrize("ref", POLICIES)
def test_every_plan_is_in_dependency_order_and_covers_every_output(ref):
    policy = load_policy(ref)
    plan = plan_policy(policy)
    assert [s.number for s in plan.steps] == list(range(1, len(plan.steps) + 1))
    for step in plan.steps:
        assert step.kind in STEP_KINDS
        assert all(0 < n < step.number for n in step.reads), step  # only earlier steps
        assert (step.kind == "read") == (not step.reads)
    reads = [s.table for s in plan.steps if s.kind == "read"]
    assert sorted(reads) == sorted(policy.inputs)  # every input read once
    writes = [s for s in plan.steps if s.kind == "write"]
    assert [w.table for w in writes] == list(policy.outputs)  # every output written once
    for w in writes:
        assert w.produces == tuple(c.name for c in policy.outputs[w.table].visible)
    for name, out in policy.outputs.items():
        steps = [s for s in plan.steps if s.table == name and s.kind != "read"]
        assert steps[-1].kind == "write" and steps[-1] == plan.writes()[name]
        # an output's first step reads its source: the input's read, or the other output's write
        first = steps[0].reads[0]
        source = plan.step(first)
        assert (source.kind, source.table) == (("read", out.source) if out.source_is_input else ("write", out.source))
        for later, earlier in zip(steps[1:], steps, strict=False):
            assert later.reads[0] == earlier.number  # one chain per output


def test_join_window_and_ladder_steps_come_in_the_order_rows_meet_them():
    plan = plan_policy(load_policy(DEMO))
    kinds = {
        name: [s.kind for s in plan.steps if s.table == name and s.kind != "read"] for name in ("sanctions", "totals", "ranked")
    }
    assert kinds == {
        "sanctions": ["sort", "ladder", "check", "derive", "write"],
        "totals": ["group", "write"],
        "ranked": ["join", "window", "sort", "derive", "write"],
    }
    join = next(s for s in plan.steps if s.kind == "join")
    held = plan.step(join.reads[1])
    assert (held.kind, held.table) == ("write", "totals") and join.keys == ("employee_id",) and join.how == "left"
    assert plan.writes()["totals"].number < join.number  # the held side is complete first
    ladder = next(s for s in plan.steps if s.kind == "ladder")
    assert ladder.rules == ("R-PS-1",) and ladder.how == "desk" and "sanction" in ladder.produces
    window = next(s for s in plan.steps if s.kind == "window")
    assert window.produces == ("team_rank",) and window.keys == ("team",) and window.rules == ("R-PS-3",)
    assert json.loads(json.dumps(plan.as_json()))["steps"][join.number - 1]["reads"] == list(join.reads)


def test_the_engine_runs_the_demo_plan():
    """E1 breaks G1 three times (warning, 20, 50 = 70), E2 once (a warning), E3 never: E3's
    total is blank from the left join, so 0; ranked ascending within each team."""
    offences = [
        {"employee_id": "E1", "date": "2025-05-02", "offence": "G1"},
        {"employee_id": "E2", "date": "2025-05-03", "offence": "G1"},
        {"employee_id": "E1", "date": "2025-05-09", "offence": "G1"},
        {"employee_id": "E1", "date": "2025-05-20", "offence": "G1"},
    ]
    staff = [{"employee_id": "E1", "team": "A"}, {"employee_id": "E2", "team": "A"}, {"employee_id": "E3", "team": "B"}]
    rows = evaluate(load_policy(DEMO), {"staff": staff, "offences": offences})["ranked"]
    got = [(r["employee_id"], r["total"], r["team_rank"]) for r in rows]
    assert got == [("E1", Decimal(0) + 20 + 50, 2), ("E2", Decimal("0.00"), 1), ("E3", Decimal("0.00"), 1)]


def test_show_plan_in_english(runner):
    result = runner.invoke(cli, ["show", "--plan", str(DEMO), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("plan of plan-steps (14 steps, in dependency order):\n")
    assert "step 10  join  output ranked  left join (line 59)\n    reads: step 2 (read staff), step 9 (write totals)\n" in out
    assert "    on: employee_id\n" in out
    assert "step 4  ladder  output sanctions\n" in out and "    rules: R-PS-1\n" in out
    assert out.index("step 10  join") < out.index("step 11  window") < out.index("step 14  write  output ranked")


def test_show_plan_in_chinese(runner):
    result = runner.invoke(cli, ["show", "--plan", str(DEMO), "--lang", "zh"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("plan-steps 的执行计划（14 步，按依赖顺序）：\n")
    assert "第 10 步  连接  输出 ranked  左连接（第 59 行）\n    读自：第 2 步（读取 staff），第 9 步（输出 totals）\n" in out
    assert "第 11 步  窗口  输出 ranked" in out and "    分区：team\n" in out
    assert "第 4 步  阶梯处罚  输出 sanctions\n" in out and "    规则：R-PS-1\n" in out


def test_show_plan_as_json(runner):
    result = runner.invoke(cli, ["show", "--plan", "--json", "materials-order"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["policy"] == "materials-order"
    assert [s["kind"] for s in data["steps"]] == ["read", "derive", "write", "group", "derive", "write"]
    assert data["steps"][3]["reads"] == [3] and data["steps"][3]["keys"] == ["material"]


@pytest.mark.parametrize(
    ("lang", "message"), [("en", "Error: --json goes with --plan"), ("zh", "错误：--json 只能与 --plan 一起使用")]
)
def test_json_without_plan_is_a_usage_error(runner, lang, message):
    result = runner.invoke(cli, ["show", "--json", "materials-order", "--lang", lang])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
