"""cc-metrics (RULEBOOK §5): a 20-call file whose every metric is worked out here by hand,
the boundaries of each threshold, the variants, duplicates, absent inputs, header presets,
--by groupings, and properties (rates within 0–100 %, a month split by day adds up)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspolicy import load_policy
from cspolicy.cli.main import cli
from cspolicy.engine.in_memory import evaluate
from cspolicy.engine.run import RunSettings
from cspolicy.planner.variants import choose

DATA = Path(__file__).parent / "data" / "metrics"
CALLS = DATA / "calls20.csv"


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def metrics(calls: list[dict[str, str]], *, by: tuple[str, ...] = (), **overrides: str) -> list[dict[str, Any]]:
    policy = choose(load_policy("cc-metrics"), by=by)
    result = evaluate(policy, {"calls": calls}, settings=RunSettings(overrides=overrides))
    return result["metrics"]


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["run", "cc-metrics", *args])


# --- the 20 calls, by hand -----------------------------------------------------------------
# id: (wait, outcome, talk, hold, acw, rings, transferred, resolved, queued); "ans" answered,
# "abn" abandoned, "blk" blocked (see tests/data/metrics/calls20.csv).
HAND = {
    "C01": (10, "ans", 280, 20, 40, 2, 0, 1, 1),
    "C02": (20, "ans", 300, 0, 30, 3, 0, 1, 1),
    "C03": (21, "ans", 330, 30, 60, 3, 1, 0, 1),
    "C04": (20, "abn", 0, 0, 0, 0, 0, 0, 1),
    "C05": (21, "abn", 0, 0, 0, 0, 0, 0, 1),
    "C06": (45, "abn", 0, 0, 0, 0, 0, 0, 1),
    "C07": (0, "blk", 0, 0, 0, 0, 0, 0, 0),
    "C08": (5, "ans", 200, 40, 40, 1, 0, 1, 0),
    "C09": (15, "ans", 270, 0, 30, 2, 0, 1, 0),
    "C10": (30, "ans", 300, 20, 40, 4, 0, 0, 1),
    "C11": (0, "ans", 250, 10, 40, 1, 0, 1, 0),
    "C12": (12, "ans", 320, 0, 40, 2, 0, 1, 0),
    "C13": (40, "ans", 310, 20, 30, 5, 1, 1, 1),
    "C14": (10, "abn", 0, 0, 0, 0, 0, 0, 1),
    "C15": (90, "abn", 0, 0, 0, 0, 0, 0, 1),
    "C16": (18, "ans", 260, 20, 20, 2, 0, 1, 0),
    "C17": (8, "ans", 290, 10, 60, 2, 0, 1, 0),
    "C18": (25, "ans", 240, 0, 50, 3, 0, 0, 1),
    "C19": (2, "ans", 190, 0, 50, 1, 0, 1, 0),
    "C20": (19, "ans", 310, 30, 50, 2, 0, 1, 0),
}


def test_hand_table_matches_the_file() -> None:
    for r in rows(CALLS):
        wait, outcome, talk, hold, acw, rings, tr, fcr, queued = HAND[r["call_id"]]
        assert int(r["wait_s"]) == wait
        assert (outcome == "ans") == bool(r["answered_at"])
        assert (outcome == "abn") == (r["abandoned"] == "yes") and (outcome == "blk") == (r["blocked"] == "yes")
        if outcome == "ans":
            assert (int(r["talk_s"]), int(r["hold_s"]), int(r["acw_s"]), int(r["rings"])) == (talk, hold, acw, rings)
            assert (r["transferred"], r["resolved_first_call"]) == ("yes" if tr else "no", "yes" if fcr else "no")
        assert r["queued"] == ("yes" if queued else "no")


def test_golden_twenty_calls() -> None:
    (m,) = metrics(rows(CALLS))
    # offered 20; answered 14 (C01-03, C08-13, C16-20); abandoned 5 (C04-06, C14, C15); blocked 1 (C07)
    assert (m["offered"], m["answered"], m["abandoned"], m["blocked"]) == (20, 14, 5, 1)
    # within 20 s (exactly 20 counts): C01 10, C02 20, C08 5, C09 15, C11 0, C12 12, C16 18, C17 8, C19 2, C20 19
    assert m["within"] == 10
    assert m["service_level"] == D("0.5000")  # 10 ÷ 20, abandoned calls in the denominator
    assert m["service_level_status"] == "below"  # below 80 %
    # ASA: waits of answered calls 10+20+21+5+15+30+0+12+40+18+8+25+2+19 = 225, ÷ 14 = 16.071…
    assert m["answer_wait"] == 225 and m["asa"] == D("16.07") and m["asa_status"] == "ok"
    # short abandons (wait ≤ 20, exactly 20 is short): C04 20, C14 10; abandon rate (5 − 2) ÷ (20 − 2)
    assert m["short_abandons"] == 2
    assert m["abandon_rate"] == D("0.1667") and m["abandon_rate_status"] == "above"  # 3 ÷ 18 = 16.67 % > 5 %
    # average abandon time: (20 + 21 + 45 + 10 + 90) ÷ 5 = 37.2, within 20–60 s
    assert m["abandon_time"] == D("37.20") and m["abandon_time_status"] == "ok"
    talk = 280 + 300 + 330 + 200 + 270 + 300 + 250 + 320 + 310 + 260 + 290 + 240 + 190 + 310
    acw = 40 + 30 + 60 + 40 + 30 + 40 + 40 + 40 + 30 + 20 + 60 + 50 + 50 + 50
    hold = 20 + 0 + 30 + 40 + 0 + 20 + 10 + 0 + 20 + 20 + 10 + 0 + 0 + 30
    assert (talk, acw, hold) == (3850, 580, 200)
    assert m["aht"] == D("316.43") and m["aht_status"] == "ok"  # (3850 + 580) ÷ 14 = 316.428…, 180–600 s
    assert m["talk"] == D("275.00") and m["talk_status"] == "ok"  # 3850 ÷ 14, 270–360 s
    assert m["hold"] == D("14.29") and m["hold_status"] == "below"  # 200 ÷ 14 = 14.285…, below 20 s
    assert m["acw"] == D("41.43") and m["acw_status"] == "ok"  # 580 ÷ 14 = 41.428…
    assert m["rings"] == D("2.36") and m["rings_status"] == "ok"  # 33 ÷ 14 = 2.357…
    # queue time: the waits of answered and abandoned calls (225 + 186) ÷ 19 = 21.63 s, below 30 s
    assert m["queue_time"] == D("21.63") and m["queue_time_status"] == "below"
    assert m["fcr"] == D("0.7857") and m["fcr_status"] == "below"  # 11 ÷ 14 (C03, C10, C18 not resolved)
    assert m["transfer_rate"] == D("0.1429") and m["transfer_rate_status"] == "above"  # 2 ÷ 14 (C03, C13)
    assert m["blockage"] == D("0.0500") and m["blockage_status"] == "above"  # 1 ÷ 20 = 5 % > 3 %
    assert m["queued_share"] == D("0.5500") and m["queued_share_status"] == "above"  # 11 ÷ 20
    assert m["answered_share"] == D("0.7000") and m["answered_share_status"] == "below"  # 14 ÷ 20 < 98 %
    assert m["notes"] == ""


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("offered", D("0.5000")),  # 10 ÷ 20
        ("answered", D("0.7143")),  # 10 ÷ 14 = 0.71428…
        ("without_short", D("0.5556")),  # 10 ÷ (20 − 2) = 0.5555…
        ("positive", D("0.6000")),  # (10 + 2) ÷ 20
    ],
)
def test_service_level_variants(variant: str, expected: D) -> None:
    (m,) = metrics(rows(CALLS), sl_variant=variant)
    assert m["service_level"] == expected


def test_abandon_rate_with_short_abandons_kept() -> None:
    (m,) = metrics(rows(CALLS), exclude_short_abandons="no")
    assert m["abandon_rate"] == D("0.2500")  # 5 ÷ 20


def test_aht_with_hold() -> None:
    (m,) = metrics(rows(CALLS), aht_includes_hold="yes")
    assert m["aht"] == D("330.71")  # (3850 + 580 + 200) ÷ 14 = 330.714…


# --- boundaries ----------------------------------------------------------------------------
def call(cid: str, wait: int, *, answered: bool = True, **extra: str) -> dict[str, str]:
    start = dt.datetime(2025, 3, 3, 9, 0, 0)
    answer = start + dt.timedelta(seconds=wait)
    return {
        "call_id": cid,
        "queue": "Q1",
        "offered_at": f"{start:%Y-%m-%d %H:%M:%S}",
        "answered_at": f"{answer:%Y-%m-%d %H:%M:%S}" if answered else "",
        "ended_at": f"{answer + dt.timedelta(seconds=100):%Y-%m-%d %H:%M:%S}",
        "wait_s": str(wait),
        "talk_s": "100" if answered else "",
        "acw_s": "30" if answered else "",
        **extra,
    }


@pytest.mark.parametrize(("wait", "within"), [(19, 1), (20, 1), (21, 0)])
def test_service_level_time_boundary(wait: int, within: int) -> None:
    (m,) = metrics([call("X", wait)])
    assert m["within"] == within


@pytest.mark.parametrize(("wait", "short"), [(19, 1), (20, 1), (21, 0)])
def test_short_abandon_boundary(wait: int, short: int) -> None:
    (m,) = metrics([call("X", wait, answered=False), call("Y", 5)])
    assert m["short_abandons"] == short
    # abandon rate: with a short abandon both sides lose it (0 ÷ 1); else 1 ÷ 2
    assert m["abandon_rate"] == (D("0.0000") if short else D("0.5000"))


def test_thresholds_are_parameters() -> None:
    (m,) = metrics([call("X", 25), call("Y", 30, answered=False)], sl_time="25", short_abandon="30")
    assert (m["within"], m["short_abandons"]) == (1, 1)


@pytest.mark.parametrize(
    ("value", "status"), [("0.79", "below"), ("0.80", "ok"), ("1", "ok")]
)  # the service-level band is 80 %–100 %, both ends in it
def test_status_band_edges(value: str, status: str) -> None:
    calls = [call(f"W{i}", 5) for i in range(int(D(value) * 100))] + [call(f"L{i}", 60) for i in range(100 - int(D(value) * 100))]
    (m,) = metrics(calls)
    assert m["service_level_status"] == status


# --- zero denominators and absent inputs ------------------------------------------------------
def test_no_answered_calls_blank_with_reason() -> None:
    (m,) = metrics([call("X", 30, answered=False)])
    assert m["asa"] is None and m["aht"] is None and m["asa_status"] is None
    assert "no answered calls" in m["notes"]
    assert m["abandon_rate"] == D("1.0000")


def test_absent_columns_are_left_out_never_zero() -> None:
    (m,) = metrics([call("X", 5), call("Y", 7)])  # no blocked, queued, rings, FCR, transferred, hold
    for name in ("blockage", "queued_share", "rings", "fcr", "transfer_rate", "hold"):
        assert m[name] is None, name
    for words in ("blockage left out", "queued share left out", "FCR left out", "average hold left out"):
        assert words in m["notes"]


def test_absent_inputs_one_note_each(tmp_path: Path) -> None:
    result = run(f"calls={CALLS}", "--by", "queue", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "not given" in line]
    assert len(notes) == 3  # states, qa, costs: once each, not once per queue
    assert "occupancy, adherence, calls per hour and attendance are left out" in notes[0]


# --- duplicates -----------------------------------------------------------------------------
def test_a_record_delivered_twice_counts_once_with_a_warning(tmp_path: Path) -> None:
    text = CALLS.read_text(encoding="utf-8")
    lines = text.splitlines()
    f = tmp_path / "calls.csv"
    f.write_text("\n".join([*lines, lines[3]]) + "\n", encoding="utf-8")  # C03 again, as row 22
    result = run(f"calls={f}", "--only", "metrics", "--format", "json")
    assert result.exit_code == 0, result.stderr
    (m,) = json.loads(result.stdout)["metrics"]
    assert (m["offered"], m["answered"], m["within"]) == (20, 14, 10)
    assert "calls.csv:22:call_id: call C03 appears again (copy 2); counted once" in result.stderr


def test_strict_refuses_a_duplicate(tmp_path: Path) -> None:
    lines = CALLS.read_text(encoding="utf-8").splitlines()
    f = tmp_path / "calls.csv"
    f.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    result = run(f"calls={f}", "--strict", "--only", "metrics", "states=" + str(DATA / "states.csv"))
    assert result.exit_code == 1
    assert "appears again" in result.stderr


# --- states, monitoring, costs --------------------------------------------------------------
def test_states_qa_costs() -> None:
    tables = {name: rows(DATA / f"{name}.csv") for name in ("states", "qa", "costs")}
    out = evaluate(load_policy("cc-metrics"), {"calls": rows(CALLS), **tables})
    staff = {r["agent_id"]: r for r in out["staff"]}
    # A1 answered C01, C02, C09, C10, C20: talk + hold 300 + 300 + 270 + 320 + 340 = 1530; idle 6000
    a1 = staff["A1"]
    assert (a1["answered"], a1["talk_hold"]) == (5, 1530)
    assert a1["occupancy"] == D("0.2032")  # 1530 ÷ 7530 = 0.20318…
    assert a1["adherence"] == D("0.9028") and a1["adherence_status"] == "below"  # 26000 ÷ 28800 < 92 %
    assert a1["calls_per_hour"] == D("0.67")  # 5 × 3600 ÷ 27000
    assert a1["calls_per_hour_status"] is None  # site-specific: no band unless set
    a3 = staff["A3"]  # 27000 ÷ 28800 = 93.75 %; 5 × 3600 ÷ 28800 = 0.625 → 0.63
    assert (a3["adherence"], a3["adherence_status"], a3["calls_per_hour"]) == (D("0.9375"), "ok", D("0.63"))
    a4 = staff["A4"]  # scheduled, never logged in, no calls
    assert a4["occupancy"] is None and a4["calls_per_hour"] is None
    assert a4["attendance"] == 0 and a4["attendance_status"] == "below"
    assert "not logged in" in a4["notes"]
    mon = {r["agent_id"]: r for r in out["monitoring"]}
    assert (mon["A1"]["monitored"], mon["A1"]["score"], mon["A1"]["monitored_status"]) == (2, D("85.00"), "below")
    cost = {str(r["month"]): r for r in out["cost_per_call"]}
    assert cost["2025-03"]["cost_per_call"] == D("3.50") and cost["2025-03"]["cost_per_call_status"] == "ok"  # 70 ÷ 20
    assert cost["2025-04"]["cost_per_call"] is None and "no calls in the month" in cost["2025-04"]["notes"]
    assert not any("not given" in w.message for w in out.warnings)


# --- --by -------------------------------------------------------------------------------------
def test_by_queue_and_hour() -> None:
    out = {(r["queue"], r["hour"]): r for r in metrics(rows(CALLS), by=("queue", "hour"))}
    assert sorted(out) == [("Q1", 9), ("Q1", 10), ("Q2", 10), ("Q2", 11)]
    assert out[("Q1", 9)]["offered"] == 7  # C01-C07
    assert out[("Q1", 9)]["service_level"] == D("0.2857")  # C01, C02 within, of 7


def test_by_agent_skips_unanswered_into_a_blank_agent() -> None:
    out = {r["agent_id"]: r for r in metrics(rows(CALLS), by=("agent",))}
    assert out["A1"]["answered"] == 5 and out[None]["abandoned"] == 5


def test_by_unknown_is_a_usage_error() -> None:
    result = run(f"calls={CALLS}", "--by", "weekday")
    assert result.exit_code == 2
    assert "--by weekday" in result.stderr and "agent, team, queue, day, hour, month" in result.stderr


def test_by_leaves_out_outputs_without_that_grouping() -> None:
    result = run(f"calls={CALLS}", "--by", "queue", "-q", "--format", "json")
    assert result.exit_code == 0
    assert "note: output 'staff' has no grouping by queue: left out" in result.stderr
    assert "staff" not in json.loads(result.stdout)


# --- presets ----------------------------------------------------------------------------------
PRESETS = DATA / "presets"


@pytest.mark.parametrize("name", ["cn-cdr", "amazon-connect", "cisco-uccx", "avaya-cms"])
def test_presets_read_the_same_calls(name: str) -> None:
    result = run(f"calls={PRESETS / (name + '.csv')}", "--only", "metrics", "--format", "json", "-q")
    assert result.exit_code == 0, result.stderr
    (m,) = json.loads(result.stdout)["metrics"]
    # the generator's first 8 calls: 7 answered, 1 abandoned (a short one), 4 within 20 s
    assert (m["offered"], m["answered"], m["abandoned"], m["within"], m["short_abandons"]) == (8, 7, 1, 4, 1)
    assert m["answer_wait"] == 155


def test_amazon_connect_moments_are_shifted_from_utc() -> None:
    result = run(f"calls={PRESETS / 'amazon-connect.csv'}", "--only", "metrics", "--by", "hour", "--format", "json", "-q")
    hours = [r["hour"] for r in json.loads(result.stdout)["metrics"]]
    assert hours[0] == 8  # 2025-03-01T00:00:00Z is 08:00 in China


def test_preset_forced_and_unknown() -> None:
    result = run(f"calls={PRESETS / 'cn-cdr.csv'}", "--preset", "avaya-cms", "-q")
    assert result.exit_code == 1
    assert "preset 'avaya-cms' needs the headers 'CALLID'" in result.stderr
    result = run(f"calls={PRESETS / 'cn-cdr.csv'}", "--preset", "genesys")
    assert result.exit_code == 2 and "no input has a preset named 'genesys'" in result.stderr


def test_no_preset_fits(tmp_path: Path) -> None:
    f = tmp_path / "calls.csv"
    f.write_text("id,start\n1,2025-03-01 08:00:00\n", encoding="utf-8")
    result = run(f"calls={f}")
    assert result.exit_code == 1
    assert "calls.csv:1: the headers fit no preset of 'calls'" in result.stderr
    assert "cn-cdr lacks '通话ID'" in result.stderr


def test_unknown_status_value_is_refused(tmp_path: Path) -> None:
    text = (PRESETS / "cn-cdr.csv").read_text(encoding="utf-8").replace("已接听", "已挂断", 1)
    f = tmp_path / "calls.csv"
    f.write_text(text, encoding="utf-8")
    result = run(f"calls={f}", "-q")
    assert result.exit_code == 1
    assert (
        "calls.csv:2:通话状态: column 'outcome': '已挂断' is not a value this export's column is known to hold" in result.stderr
    )
    assert "expected one of: ivr, ivr挂机, 已接听, 振铃未接听, 排队放弃" in result.stderr


# --- properties -------------------------------------------------------------------------------
one_call = st.tuples(
    st.integers(0, 120),  # wait
    st.sampled_from(["ans", "abn", "blk"]),
    st.integers(0, 2),  # day of the month
    st.booleans(),  # delivered twice
)


def _calls(spec: list[tuple[int, str, int, bool]]) -> list[dict[str, str]]:
    out = []
    for i, (wait, outcome, day, twice) in enumerate(spec):
        start = dt.datetime(2025, 3, 1 + day, 9, 0, 0) + dt.timedelta(minutes=i)
        c = call(f"C{i}", wait, answered=outcome == "ans")
        c["offered_at"] = f"{start:%Y-%m-%d %H:%M:%S}"
        c["answered_at"] = f"{start + dt.timedelta(seconds=wait):%Y-%m-%d %H:%M:%S}" if outcome == "ans" else ""
        c["ended_at"] = f"{start + dt.timedelta(seconds=wait + 100):%Y-%m-%d %H:%M:%S}"
        c["blocked"] = "yes" if outcome == "blk" else "no"
        out += [c, dict(c)] if twice else [c]
    return out


RATES = ("service_level", "abandon_rate", "blockage", "answered_share")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(one_call, min_size=1, max_size=25))
def test_rates_within_0_and_100_percent(spec: list[tuple[int, str, int, bool]]) -> None:
    for m in metrics(_calls(spec), by=("day",)):
        for name in RATES:
            assert m[name] is None or D(0) <= m[name] <= D(1), (name, m[name])


COUNTS = ("offered", "answered", "within", "abandoned", "short_abandons", "blocked", "answer_wait", "abandon_wait")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(one_call, min_size=1, max_size=25))
def test_a_month_split_by_day_adds_up(spec: list[tuple[int, str, int, bool]]) -> None:
    calls = _calls(spec)
    (month,) = metrics(calls, by=("month",))
    days: dict[str, list[dict[str, str]]] = {}
    for c in calls:
        days.setdefault(c["offered_at"][:10], []).append(c)
    for name in COUNTS:
        assert sum(metrics(part)[0][name] for part in days.values()) == month[name], name


def test_csv_sample_reads_as_written() -> None:
    # the example day in two formats holds the same calls: the same figures of answered calls
    # (the Chinese export says which unanswered calls ended in the IVR; Amazon Connect's does not)
    out = []
    for name in ("day-cn-cdr.csv", "day-amazon-connect.csv"):
        path = Path(__file__).parent.parent / "examples" / "metrics" / name
        result = run(f"calls={path}", "--only", "metrics", "--format", "csv", "-q")
        assert result.exit_code == 0, result.stderr
        out.append(list(csv.DictReader(io.StringIO(result.stdout)))[0])
    for name in ("answered", "within", "answer_wait", "asa", "talk"):
        assert out[0][name] == out[1][name], name


# --- decisions (docs/decisions.md, "Call-centre metrics") --------------------------------------
def test_ivr_calls_are_not_offered() -> None:
    calls = [call("X", 5, outcome="answered"), call("Y", 0, answered=False, outcome="ivr")]
    (m,) = metrics(calls)
    assert (m["offered"], m["answered"], m["abandoned"]) == (1, 1, 0)


def test_wait_from_the_moments_when_the_export_has_none() -> None:
    a, b = call("X", 12), call("Y", 33, answered=False)
    a["wait_s"] = b["wait_s"] = ""
    (m,) = metrics([a, b])
    # X answered 12 s after it was offered; Y ended 33 + 100 s after it was offered (an abandon)
    assert m["answer_wait"] == 12 and m["abandon_wait"] == 133


def test_an_unanswered_call_without_flags_is_an_abandon() -> None:
    c = call("X", 30, answered=False)
    (m,) = metrics([c])
    assert (m["abandoned"], m["blocked_known"], m["blockage"]) == (1, 0, None)
    c["blocked"] = "yes"
    (m,) = metrics([c])
    assert (m["abandoned"], m["blocked"]) == (0, 1)
