"""The run record written with every ``cspolicy run -o`` and ``cspolicy run --replay`` (issue 20)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def place(tmp_path: Path) -> Path:
    shutil.copy(REPO / "examples" / "materials" / "stations.csv", tmp_path / "stations.csv")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_directory_run_writes_its_record_with_the_outputs(place):
    out = place / "out"
    result = run("run", "materials-order", str(place / "stations.csv"), "-o", str(out), "--period", "2024-05", "--set", "loss=8%")
    assert result.exit_code == 0, result.stderr
    record = json.loads((out / "cspolicy-run.json").read_text(encoding="utf-8"))
    assert record["cspolicy_run_record"] == 1
    assert record["policy"]["name"] == "materials-order" and record["policy"]["ref"] == "materials-order"
    policy_bytes = (REPO / "policies" / "materials-order.yaml").read_bytes()
    assert record["policy"]["sha256"] == hashlib.sha256(policy_bytes).hexdigest()
    data = (place / "stations.csv").read_bytes()
    assert record["inputs"]["stations"] == {"file": "../stations.csv", "sha256": hashlib.sha256(data).hexdigest(), "rows": 7}
    assert (record["period"], record["as_of"], record["region"], record["overrides"]) == (
        "2024-05",
        "2024-05-01",
        None,
        {"loss": "8%"},
    )
    assert record["parameters"]["loss"] == {"value": "8%", "from": None, "region": None, "set": True}
    assert record["parameters"]["safety"] == {"value": "50%", "from": "2020-01-01", "region": None, "set": False}
    files = {o["file"]: o["sha256"] for o in record["outputs"]}
    assert files == {n: hashlib.sha256((out / n).read_bytes()).hexdigest() for n in ("orders.csv", "materials.csv")}
    assert record["time"].endswith("Z")


def test_replay_confirms_identical_outputs(place):
    assert run("run", "materials-order", str(place / "stations.csv"), "-o", str(place / "r.xlsx"), "-q").exit_code == 0
    result = run("run", "--replay", str(place / "r.xlsx.run.json"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "same  policy materials-order (SHA-256 "
        + hashlib.sha256((REPO / "policies" / "materials-order.yaml").read_bytes()).hexdigest()[:12]
        + "…)",
        "same  input stations (stations.csv, 7 rows)",
        "same  output r.xlsx: recomputed identical",
        "replay: every output is identical",
    ]
    assert result.stderr == ""


def test_replay_detects_a_changed_input_file(place):
    assert run("run", "materials-order", str(place / "stations.csv"), "-o", str(place / "out"), "-q").exit_code == 0
    with open(place / "stations.csv", "a", encoding="utf-8") as fh:
        fh.write("Z站,面单,100,10%,,\n")
    result = run("run", "--replay", str(place / "out" / "cspolicy-run.json"))
    assert result.exit_code == 1
    assert "DIFFERS  input stations (../stations.csv): the file changed since the run" in result.stdout
    assert "DIFFERS  output orders.csv: recomputed, it differs from the recorded one" in result.stdout
    assert result.stdout.splitlines()[-1] == "replay: 3 difference(s)"


def test_replay_detects_a_changed_policy(place):
    policy = place / "order.yaml"
    shutil.copy(REPO / "policies" / "materials-order.yaml", policy)
    assert (
        run("run", str(policy), str(place / "stations.csv"), "-o", str(place / "o.csv"), "--only", "orders", "-q").exit_code == 0
    )
    policy.write_text(policy.read_text(encoding="utf-8").replace("value: 7%", "value: 9%"), encoding="utf-8")
    result = run("run", "--replay", str(place / "o.csv.run.json"))
    assert result.exit_code == 1
    assert "DIFFERS  policy order.yaml: the file changed since the run" in result.stdout
    assert "DIFFERS  output o.csv: recomputed, it differs from the recorded one" in result.stdout


def test_replay_detects_an_output_edited_after_the_run(place):
    assert run("run", "materials-order", str(place / "stations.csv"), "-o", str(place / "out"), "-q").exit_code == 0
    (place / "out" / "materials.csv").write_text("edited\n", encoding="utf-8")
    result = run("run", "--replay", str(place / "out" / "cspolicy-run.json"))
    assert result.exit_code == 1
    assert "DIFFERS  output materials.csv: the file on disk was changed after the run" in result.stdout


def test_a_failed_run_writes_no_record(place):
    (place / "bad.csv").write_text("站点,物料,上月实际票数,增长率\nA,M,abc,5%\n", encoding="utf-8")
    result = run("run", "materials-order", str(place / "bad.csv"), "-o", str(place / "out"))
    assert result.exit_code == 1
    assert not (place / "out").exists()


def test_replay_usage_errors(place):
    result = run("run", "--replay", str(place / "none.json"))
    assert result.exit_code == 2 and "cannot read the record" in result.stderr
    (place / "x.json").write_text("{}", encoding="utf-8")
    result = run("run", "--replay", str(place / "x.json"))
    assert result.exit_code == 2 and "not a run record" in result.stderr
    result = run("run", "materials-order", "--replay", str(place / "x.json"))
    assert result.exit_code == 2 and "--replay takes the record only" in result.stderr
    result = run("run")
    assert result.exit_code == 2 and "Missing argument 'POLICY'" in result.stderr


def test_replay_in_chinese(place):
    assert run("run", "materials-order", str(place / "stations.csv"), "-o", str(place / "out"), "-q").exit_code == 0
    with open(place / "stations.csv", "a", encoding="utf-8") as fh:
        fh.write("Z站,面单,100,10%,,\n")
    result = run("run", "--replay", str(place / "out" / "cspolicy-run.json"), "--lang", "zh")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "不同  输入 stations（../stations.csv）：运行之后文件被修改过" in lines
    assert "不同  输出 orders.csv：重算结果与记录不同" in lines
    assert lines[0].startswith("相同  规则 materials-order（SHA-256 ")
    assert lines[-1] == "重算：3 处不同"
