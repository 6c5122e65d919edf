"""The benchmark scenarios (bench/scenarios/) keep working: each generator writes its inputs
and the policy runs on them (~1 000 rows), with the same files through the fused loops and
through the careful engine. Nothing here is timed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cspolicy.engine.fastpath as fastpath
from cspolicy import load_policy, run_files
from cspolicy.cli.main import cli

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from scenarios import Scenario, discover  # noqa: E402  (bench/scenarios/__init__.py)

SCENARIOS = discover()


def test_the_shipped_scenarios_are_found() -> None:
    names = {s.name for s in SCENARIOS}
    assert {"materials-order", "penalties-club"} <= names
    for s in SCENARIOS:
        assert s.rows > 0 and s.target_ratio > 1 and s.target_mib > 0


def test_a_scenario_whose_policy_is_not_shipped_is_skipped() -> None:
    s = Scenario("later", "no-such-policy-yet", 10, 5.0, 200.0, lambda rows, directory: {})
    assert not s.shipped


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_each_scenario_runs_on_a_thousand_rows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, scenario: Scenario) -> None:
    if not scenario.shipped:
        pytest.skip(f"policies/{scenario.policy}.yaml is not shipped yet")
    files = scenario.inputs(1000, str(tmp_path / "data"))
    assert files and all(Path(p).stat().st_size > 0 for p in files.values())
    again = scenario.inputs(1000, str(tmp_path / "data2"))
    assert [Path(p).read_bytes() for p in again.values()] == [Path(p).read_bytes() for p in files.values()]  # fixed seed
    policy = load_policy(scenario.policy_file)
    used: list[bool] = []
    real = fastpath.run_clean

    def spy(prep, tables, sinks=None):  # type: ignore[no-untyped-def]
        used.append(real(prep, tables, sinks))
        return used[-1]

    written = {}
    for way, clean in (("fast", spy), ("careful", lambda prep, tables, sinks=None: False)):
        with monkeypatch.context() as m:
            m.setattr(fastpath, "run_clean", clean)
            if scenario.args:  # as bench/suite.py runs it (--only, --by …): through the command
                bound = [f"{name}={path}" for name, path in files.items()]
                argv = ["run", str(scenario.policy_file), *bound, *scenario.args, "-q", "-o", str(tmp_path / way)]
                result = CliRunner().invoke(cli, argv)
                assert result.exit_code == 0, result.output
            else:
                run_files(policy, files, output=tmp_path / way)
            written[way] = {p.name: _untimed(p) for p in sorted((tmp_path / way).iterdir())}
    if getattr(scenario.module, "FUSED", True):  # a scenario may say its policy is not on the fused path yet
        assert used == [True], "the generated data should be clean and take the fused loop"
    assert written["fast"] == written["careful"]


def _untimed(path: Path) -> object:
    """A file's bytes; the run record (``cspolicy-run.json``) without the time of the run."""
    if path.suffix != ".json":
        return path.read_bytes()
    record = json.loads(path.read_text(encoding="utf-8"))
    record.pop("time", None)
    return record
