"""Decisions the rulebook and the issues leave open, pinned (see docs/decisions.md)."""

from __future__ import annotations

from decimal import Decimal as D

from cspolicy import evaluate, load_policy


def review_row(unit: str, received: str, reward: str | None = None) -> dict[str, str | None]:
    return {
        "unit": unit,
        "level": "station",
        "material": f"m{received}",
        "parcels": "1000",
        "opening": "0",
        "received": received,
        "closing": "0",
        "unit_price": "1",
        "reward": reward,
    }


def test_negative_loss_counts_as_reward_eligible() -> None:
    # consumed 900 for 1000 parcels: (900 − 1000) ÷ 1000 = −10% < 3% → reward_eligible, not an error
    r = evaluate(load_policy("materials-review"), {"review": [review_row("A", "900")]})
    assert r["review"][0]["verdict"] == "reward_eligible"
    assert r["units"][0]["reward"] == D("100.00")  # the default (lowest) reward


def test_the_largest_reward_given_on_a_unit_row_is_paid_once() -> None:
    # two rows, both below 3% (1% and 2%): one gives 300, the other 200 → 300 once, not 500
    rows = [review_row("A", "1010", "300"), review_row("A", "1020", "200")]
    r = evaluate(load_policy("materials-review"), {"review": rows})
    assert r["units"][0]["reward"] == D("300.00")
    assert r["fund"][0]["rewards"] == D("300.00")


def test_a_dismissal_ladder_stops_after_its_last_rung() -> None:
    # R-PN-1: the last rung repeats unless the ladder ends in dismissal; C8X is [dismissal]
    rows = [{"employee_id": "E1", "date": f"2024-03-0{d}", "offence": "C8X"} for d in (1, 2)]
    r = evaluate(load_policy("penalties-club"), {"offences": rows})
    assert [s["sanction"] for s in r["sanctions"]] == ["dismissal", "none"]


def test_ties_get_the_higher_amount_and_skip_the_next_rank_by_default() -> None:
    rows = [{"trainer_id": t, "trainee": f"x{t}", "days_to_qualify": d} for t, d in (("T1", "9"), ("T2", "9"), ("T3", "12"))]
    r = evaluate(load_policy("rewards-training"), {"trainers": rows})
    # T1 and T2 share rank 1 and each get 150; T3 is rank 3 and gets the third prize 50
    assert [(a["rank"], a["award"]) for a in r["awards"]] == [(D(1), D("150.00")), (D(1), D("150.00")), (D(3), D("50.00"))]


def test_rolling_windows_count_the_last_n_days(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # window {rolling: 30}: an offence on day d counts the earlier ones dated after d − 30 days
    from pathlib import Path

    src = Path(__file__).resolve().parent.parent / "policies" / "penalties-shop.yaml"
    for window in ("{rolling: 30}", "rolling 30 days"):
        p = tmp_path / "rolling.yaml"
        p.write_text(
            src.read_text(encoding="utf-8").replace("        window: month", f"        window: {window}"), encoding="utf-8"
        )
        dates = ("2024-01-01", "2024-01-30", "2024-01-31", "2024-03-15")
        r = evaluate(load_policy(p), {"offences": [{"employee_id": "E", "date": d, "offence": "S1"} for d in dates]})
        # 01-30: 01-01 is 29 days back → 2nd; 01-31: 01-01 is 30 days back, out → 2nd again; 03-15 → 1st
        assert [s["occurrence"] for s in r["sanctions"]] == [D(1), D(2), D(2), D(1)], window


def test_csv_on_stdout_has_no_bom_but_a_file_has(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import io
    from pathlib import Path

    from cspolicy import run_files

    src = Path(__file__).resolve().parent.parent / "examples" / "materials" / "stations.csv"
    out = io.StringIO()
    run_files(load_policy("materials-order"), {"stations": src}, fmt="csv", only=["materials"], stdout=out)
    assert out.getvalue().startswith("material,stations,")
    run_files(load_policy("materials-order"), {"stations": src}, output=tmp_path / "m.csv", only=["materials"])
    assert (tmp_path / "m.csv").read_bytes().startswith(b"\xef\xbb\xbfmaterial,stations,")
