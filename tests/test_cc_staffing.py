"""cc-staffing (Erlang C per interval): the published figures through the policy, the
positions with shrinkage, the maximum occupancy, empty intervals and bad cells."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from click.testing import CliRunner

from cspolicy import load_policy
from cspolicy.cli.main import cli
from cspolicy.engine.in_memory import evaluate
from cspolicy.engine.run import RunSettings


def staffing(rows: list[dict[str, str]], **overrides: str) -> list[dict[str, object]]:
    return evaluate(load_policy("cc-staffing"), {"intervals": rows}, settings=RunSettings(overrides=overrides))["staffing"]


def test_100_calls_in_30_minutes() -> None:
    # traffic 100 × 180 ÷ 1800 = 10 Erlangs; 14 agents reach 80 % within 20 s (13 do not)
    (r,) = staffing([{"interval": "09:00", "calls": "100", "aht": "180"}])
    assert r["traffic"] == D("10.00") and r["agents"] == 14
    assert r["probability_of_waiting"] == D("0.1741")
    assert r["service_level"] == D("0.8884")
    assert r["asa"] == D("7.84")
    assert r["occupancy"] == D("0.7143")  # 10 ÷ 14
    assert r["positions"] == 20  # 14 ÷ (1 − 30 %) = 20 exactly, not 21


def test_250_calls_an_hour() -> None:
    # 250 × 330 ÷ 3600 = 22.92 Erlangs; 80 % within 30 s → 28 agents; occupancy 22.916… ÷ 28
    (r,) = staffing([{"interval": "H", "calls": "250", "aht": "330"}], interval_minutes="60", sl_time="30")
    assert (r["traffic"], r["agents"], r["occupancy"]) == (D("22.92"), 28, D("0.8185"))
    assert r["service_level"] == D("0.8569")


def test_maximum_occupancy_adds_agents() -> None:
    # 10 Erlangs at most 70 % busy: ceil(10 ÷ 0.7) = 15 agents, more than the 14 of the target
    (r,) = staffing([{"interval": "09:00", "calls": "100", "aht": "180"}], max_occupancy="70%")
    assert r["agents"] == 15 and r["occupancy"] == D("0.6667")


def test_shrinkage_rounds_up() -> None:
    (r,) = staffing([{"interval": "09:00", "calls": "100", "aht": "180"}], shrinkage="35%")
    assert r["positions"] == 22  # 14 ÷ 0.65 = 21.54 → 22


def test_an_empty_interval_needs_no_one() -> None:
    (r,) = staffing([{"interval": "03:00", "calls": "0", "aht": "0"}])
    assert r["agents"] == 0 and r["positions"] == 0
    assert r["service_level"] is None and r["occupancy"] is None


def test_calls_without_a_handling_time_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "f.csv"
    f.write_text("interval,calls,aht\n09:00,10,0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "cc-staffing", str(f)])
    assert result.exit_code == 1
    assert "f.csv:2:aht" in result.stderr and "average handling time above 0" in result.stderr


def test_reads_cc_metrics_output_headers(tmp_path: Path) -> None:
    f = tmp_path / "f.csv"
    f.write_text("date,offered,aht_s\n2025-03-03,100,180\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "cc-staffing", str(f), "--only", "staffing", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "2025-03-03,100,180,10.00,14," in result.stdout
