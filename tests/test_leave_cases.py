"""The YAML test cases of the leave policies (``policies/tests/leave-pay/``,
``policies/tests/leave-entitlements/``), run here through the command line until
``cspolicy test`` (issue 20) runs them: inline rows become CSV files, expected cells are
compared as text with the CSV output, errors and warnings with stderr. Together the cases
cover every rule ID of both policies."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml

from cspolicy import load_policy
from cspolicy.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent / "policies" / "tests"
FILES = sorted([*ROOT.glob("leave-pay/*.yaml"), *ROOT.glob("leave-entitlements/*.yaml")])
CASES = [(f, c) for f in FILES for c in yaml.safe_load(f.read_text(encoding="utf-8"))["cases"]]


def _csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    names = list(dict.fromkeys([k for r in rows for k in r])) or columns
    out = io.StringIO()
    w = csv.DictWriter(out, names, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(("file", "case"), CASES, ids=[f"{f.parent.name}:{c['name']}" for f, c in CASES])
def test_case(file, case, runner, tmp_path):
    policy = load_policy(file.parent.name)
    args = ["run", file.parent.name, "-o", str(tmp_path / "out")]
    for name, rows in case["inputs"].items():
        path = tmp_path / f"{name}.csv"
        path.write_text(
            _csv([{k: str(v) for k, v in r.items()} for r in rows], [c.name for c in policy.inputs[name].columns]),
            encoding="utf-8",
        )
        args.append(f"{name}={path}")
    for option in ("period", "as_of", "region"):
        if option in case:
            args += [f"--{option.replace('_', '-')}", str(case[option])]
    for name, value in case.get("set", {}).items():
        args += ["--set", f"{name}={value}"]
    result = runner.invoke(cli, args)
    if "expect_error" in case:
        assert result.exit_code in (1, 2) and case["expect_error"] in result.stderr, result.stderr
        return
    assert result.exit_code == 0, result.stderr
    for output, expected in case["expect"].items():
        plan = policy.outputs[output]
        with open(tmp_path / "out" / f"{output}.csv", encoding="utf-8-sig") as f:
            got = {tuple(r[k] for k in plan.key): r for r in csv.DictReader(f)}
        for row in expected:
            actual = got[tuple(str(row[k]) for k in plan.key)]
            assert {k: actual[k] for k in row} == {k: str(v) for k, v in row.items()}
    for warning in case.get("expect_warnings", []):
        assert warning in result.stderr


def test_the_cases_cover_every_rule():
    for name in ("leave-pay", "leave-entitlements"):
        covered = {r for f, c in CASES if f.parent.name == name for r in c["rules"]}
        assert covered == set(load_policy(name).rules), name
