"""Small gaps a new author hit (issue 20): a ladder that fixes its offence, and
``cspolicy show --yaml`` to copy a shipped policy from."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cspolicy import evaluate
from cspolicy.cli.main import cli
from cspolicy.planner.policy import load_policy

REPO = Path(__file__).resolve().parent.parent
CLUB = (REPO / "policies" / "penalties-club.yaml").read_text(encoding="utf-8")


def fixed(tmp_path: Path, code: str = "G1") -> Path:
    path = tmp_path / "g1.yaml"
    path.write_text(
        CLUB.replace("      offence: offence\n      date: date\n", f"      offence_code: {code}\n      date: date\n"),
        encoding="utf-8",
    )
    return path


def test_a_ladder_with_a_fixed_offence_code(tmp_path):
    policy = load_policy(fixed(tmp_path))
    rows = [{"employee_id": "E1", "date": f"2024-03-0{d}", "offence": "C5"} for d in (1, 2, 3, 4)]
    out = evaluate(policy, {"offences": rows})["sanctions"]
    # every row is G1 whatever its offence column says: warning, 20, 50, 50 (the last rung repeats)
    assert [(r["offence"], r["sanction"], str(r["fine"])) for r in out] == [
        ("G1", "warning", "0.00"),
        ("G1", "fine", "20.00"),
        ("G1", "fine", "50.00"),
        ("G1", "fine", "50.00"),
    ]
    explained = evaluate(policy, {"offences": rows[:2]}).explain("E1")
    assert "this is the 2nd occurrence: rung 2 of 3, fine 20" in explained


def test_an_unknown_fixed_offence_code(tmp_path):
    result = CliRunner().invoke(cli, ["check", str(fixed(tmp_path, "G9"))])
    assert result.exit_code == 2
    assert "offence_code: 'G9' is not an offence of schedule 'club'; expected one of: G1, C1" in result.stderr
    assert result.stdout == ""


def test_show_yaml_prints_the_file_as_written():
    result = CliRunner().invoke(cli, ["show", "--yaml", "penalties-club"])
    assert result.exit_code == 0
    assert result.stdout == CLUB
    assert result.stderr == ""


def test_show_yaml_of_a_bad_policy_is_an_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["show", "--yaml", str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "missing keys" in result.stderr
